// The host-command CLI, typed into the workbench's integrated terminal as a person would: it lists the
// commands, streams a host process's output, returns its exit code, maps the terminal's folder to the
// host, refuses a folder outside the workspace, and Ctrl-C ends the host process.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { SCREENSHOTS, Session, eventually, scratchDir, sleep } from './support/fixture';
import { isAlive } from './support/processes';

describe('host-command CLI in the integrated terminal', function () {
  this.timeout(120_000);
  let session: Session;
  const host = scratchDir('host-commands-cli-');
  const pidFile = path.join(host, 'sleeper.pid');
  const page = () => session.page;

  before(async function () {
    this.timeout(180_000);
    session = await Session.start({
      workspaceFiles: { 'sub/dir/.keep': '' },
      commands: {
        greet: { title: 'Greet', program: 'sh', args: ['-c', 'echo "hello from the host: $1"; echo "to stderr" >&2', 'greet', '${param:who}'], parameters: { who: { pattern: '[a-z]+' } }, confirm: 'never' },
        'exit-five': { title: 'Exit five', program: 'sh', args: ['-c', 'exit 5'], confirm: 'never' },
        where: { title: 'Where am I', program: 'pwd', confirm: 'never' },
        sleeper: { title: 'Sleep', program: 'sh', args: ['-c', `echo $$ > ${pidFile}; echo sleeping; sleep 300`], confirm: 'never' },
        slow: { title: 'Too slow', program: 'sleep', args: ['30'], timeoutSeconds: 1, confirm: 'never' },
        disguised: { title: 'Safe \u202Etxt.exe', program: 'true', confirm: 'never' },
      },
    });
    await wb.runPaletteCommand(page(), 'Terminal: Create New Terminal');
    await eventually(async () => (await wb.terminalText(page()).catch(() => '')).includes('$') || (await wb.terminalText(page()).catch(() => '')).includes('#'));
  });

  after(async () => {
    await session?.stop();
  });

  async function type(line: string): Promise<void> {
    await page().locator('.part.panel .xterm').first().click();
    await page().keyboard.type(line);
    // Let the shell echo the line before Enter, so the screen reads like a person's session.
    await sleep(300);
    await page().keyboard.press('Enter');
  }

  it('lists the host commands in aligned columns, a title that would reorder the line escaped', async () => {
    await type('host-command --list');
    const shown = await wb.waitForTerminalText(page(), /greet\s+user\s+Greet/);
    assert.match(shown, /exit-five\s+user\s+Exit five/);
    assert.ok(shown.includes('Safe \\u202Etxt.exe'), shown);
    assert.ok(!shown.includes('\u202E'), shown);
    const rows = shown.split('\n').filter((row) => /^(greet|exit-five|where|sleeper|slow|disguised) /.test(row));
    assert.equal(rows.length, 6, shown);
    assert.equal(new Set(rows.map((row) => row.indexOf(' user ') + 1)).size, 1, `the origin column lines up:\n${rows.join('\n')}`);
  });

  it('streams the host output and returns the exit code', async () => {
    await type('host-command greet who=world; echo "greet-status=$?"');
    const shown = await wb.waitForTerminalText(page(), 'greet-status=0');
    assert.ok(shown.includes('hello from the host: world'), shown);
    assert.ok(shown.includes('to stderr'), shown);
    await type('host-command exit-five; echo "five-status=$?"');
    await wb.waitForTerminalText(page(), 'five-status=5');
    await wb.screenshot(page(), path.join(SCREENSHOTS, 'cli.png'));
  });

  it('refuses a parameter the definition does not allow, with the reason, and runs nothing', async () => {
    await type('host-command greet "who=x; rm -rf ~"; echo "refused-status=$?"');
    const shown = await wb.waitForTerminalText(page(), 'refused-status=2');
    assert.match(shown, /who: must match/);
  });

  it('maps the terminal folder inside the workspace to the host, and refuses one outside', async () => {
    await type('clear');
    await type(`cd ${path.join(session.workspaceFolder, 'sub', 'dir')} && host-command where | sed 's/^/host-pwd: /'; echo "inside=$?"`);
    const shown = await wb.waitForTerminalText(page(), /inside=0/);
    assert.ok(shown.includes(`host-pwd: ${path.join(session.workspaceFolder, 'sub', 'dir')}`), shown);
    await type('cd / && host-command where; echo "outside=$?"');
    const refused = await wb.waitForTerminalText(page(), /outside=2/);
    assert.match(refused, /outside the workspace folder/);
  });

  it('a run that ended abnormally says how, in the product\'s words, naming the command', async () => {
    await type('clear');
    await type('host-command --no-cwd slow; echo "slow-status=$?"');
    const shown = await wb.waitForTerminalText(page(), /slow-status=\d+/);
    assert.ok(shown.includes('host-command: slow timed out and was stopped'), shown);
    assert.doesNotMatch(shown, /slow-status=0\b/, shown);
  });

  it('Ctrl-C ends the host process', async () => {
    await type(`cd ${session.workspaceFolder} && host-command sleeper`);
    await wb.waitForTerminalText(page(), 'sleeping');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    assert.ok(pid > 0 && isAlive(pid), 'the host process is running');
    await page().keyboard.press('Control+C');
    await eventually(() => !isAlive(pid), 10_000);
    await sleep(100);
  });

  it('a terminal restored after "Developer: Reload Window" still runs host-command', async () => {
    // A shell variable only this terminal's shell has: it tells the restored terminal from a new one.
    await type('clear; RESTORED_MARK=same-shell');
    await sleep(300);
    const reloaded = page().waitForEvent('load', { timeout: 60_000 });
    await wb.runPaletteCommand(page(), 'Developer: Reload Window');
    await reloaded;
    await page().locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await wb.statusBarItem(page(), 'Host Commands').waitFor({ state: 'visible', timeout: 60_000 });
    await page().locator('.part.panel .xterm').first().waitFor({ state: 'visible', timeout: 30_000 });

    await type('echo "mark=$RESTORED_MARK"; host-command greet who=reloaded; echo "after-reload=$?"');
    const shown = await wb.waitForTerminalText(page(), /after-reload=\d+/, { timeout: 60_000 });
    assert.ok(shown.includes('mark=same-shell'), `the terminal is the one from before the reload:\n${shown}`);
    assert.ok(shown.includes('hello from the host: reloaded'), shown);
    assert.ok(shown.includes('after-reload=0'), shown);
    assert.doesNotMatch(shown, /command not found|cannot reach VS Code/, shown);
  });
});
