// The trust model in the real workbench: a command the workspace proposes in .vscode/host-commands.json
// needs the host user's approval; "Always Allow in This Workspace" holds only for exactly what was shown;
// in Restricted Mode proposals are neither listed nor run; Show Audit Log shows every decision.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { OUTPUT_CHANNEL, RUN_COMMAND_TITLE, SCREENSHOTS, Session, addInhostTests, eventually, logTiming, scratchDir, sleep } from './support/fixture';

const PROPOSAL_ID = 'record-run';
const PROPOSAL_TITLE = 'Record a run (proposed)';
const ALWAYS = 'Always Allow in This Workspace';
const AUDIT_LOG_TITLE = 'Host Commands: Show Audit Log';

/**
 * The proposals file: the proposal runs a script (on the host, outside the workspace) that appends its argument
 * ("v1") to a log file, one line per run. Not `sh -c`: code in an argument is never "always" approvable.
 */
function proposalsFile(version: string, recordScript: string, runsLog: string): string {
  return `${JSON.stringify(
    {
      commands: {
        [PROPOSAL_ID]: {
          title: PROPOSAL_TITLE,
          description: 'appends a line to a log on the host',
          program: 'sh',
          args: [recordScript, version, runsLog],
        },
      },
    },
    null,
    2,
  )}\n`;
}

/** The script the proposal runs, written into a host folder outside the workspace. */
function writeRecordScript(hostDir: string): string {
  const script = path.join(hostDir, 'record-run.sh');
  fs.writeFileSync(script, 'echo "proposal ran: $1"\necho "$1" >> "$2"\n');
  return script;
}

/** Where the host finds a program: the first executable of that name on PATH (what the bridge resolves too). */
function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is not on PATH`);
}

function runsLogLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** The audit log's record lines as Show Audit Log displays them (after its header), newest first. */
function auditLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\d{4}-\d\d-\d\dT[\d:.]+Z \| /.test(line.trim())).map((line) => line.trim());
}

async function clearWindow(page: wb.Browser['page']): Promise<void> {
  if (await wb.dialog(page).isVisible()) await page.keyboard.press('Escape');
  await wb.closeQuickInput(page);
  await wb.runPaletteCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
}

describe('trust model: approving workspace proposals, binding to what was shown, the audit log', function () {
  this.timeout(120_000);
  let session: Session;
  const host = scratchDir('host-commands-approvals-');
  const runsLog = path.join(host, 'runs.log');
  const recordScript = writeRecordScript(host);
  const sh = onPath('sh');
  const page = () => session.page;
  const proposalsPath = () => path.join(session.workspaceFolder, '.vscode', 'host-commands.json');

  /** Palette → Run Host Command… → the proposal. */
  async function pickProposal(): Promise<void> {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), PROPOSAL_TITLE);
  }

  /**
   * Waits for the run's result notification (as a toast or, under load, only in the notification center),
   * failing if a prompt shows up meanwhile.
   */
  async function expectRunWithoutPrompt(): Promise<string> {
    let prompted = false;
    let waiting = true;
    const watchForPrompt = (async () => {
      while (waiting) {
        if (await wb.dialog(page()).isVisible()) prompted = true;
        await sleep(100);
      }
    })();
    try {
      const done = await wb.waitForNotification(page(), `Host command "${PROPOSAL_TITLE}"`).catch((error: unknown) => {
        throw new Error(`${String(error)}; prompted: ${prompted}; runs on the host: ${JSON.stringify(runsLogLines(runsLog))}`);
      });
      return done.message;
    } finally {
      waiting = false;
      await watchForPrompt;
      assert.equal(prompted, false, 'a prompt appeared for a proposal that has an "always" approval');
    }
  }

  before(async function () {
    this.timeout(180_000);
    const started = Date.now();
    session = await Session.start({
      workspace: 'empty',
      workspaceFiles: { '.vscode/host-commands.json': proposalsFile('v1', recordScript, runsLog) },
      commands: { 'own-command': { title: 'My own command', program: 'true', confirm: 'never' } },
    });
    logTiming('cold start to workbench ready', Date.now() - started);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
    await clearWindow(page());
  });

  after(async () => {
    await session?.stop();
  });

  it('the picker offers the proposal, marked "workspace" and as needing approval', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    const items = await wb.quickPickItems(page());
    assert.deepEqual(
      items.find((item) => item.label === PROPOSAL_TITLE),
      { label: PROPOSAL_TITLE, description: 'workspace' },
      JSON.stringify(items),
    );
    assert.ok(items.some((item) => item.label === 'My own command' && item.description === 'user'), JSON.stringify(items));
    const detail = await page().locator('.quick-input-list .monaco-list-row', { hasText: PROPOSAL_TITLE }).first().innerText();
    assert.match(detail, /needs your approval on the host/, detail);
  });

  it('first run: the approval prompt shows Run Once / Always Allow / Cancel and the resolved absolute program; Always → it runs', async () => {
    await pickProposal();
    const prompt = await wb.dialogText(page());
    assert.match(prompt, new RegExp(`The workspace "demo" proposes a host command: ${PROPOSAL_TITLE.replace(/[()]/g, '\\$&')}`), prompt);
    assert.ok(path.isAbsolute(sh));
    assert.ok(prompt.includes(`Program: ${sh}\n`), `the prompt shows the program as resolved on the host (${sh}):\n${prompt}`);
    assert.ok(prompt.includes('] v1'), `the prompt shows the argument v1:\n${prompt}`);
    assert.ok(prompt.includes(`Working directory: ${session.workspaceFolder}`), prompt);
    assert.match(prompt, /Requested by the command palette\./, prompt);
    assert.deepEqual((await wb.dialogButtons(page())).sort(), [ALWAYS, 'Cancel', "Don't Run", 'Run Once'].sort());
    await wb.screenshot(page(), path.join(SCREENSHOTS, 'approval-prompt.png'));

    await wb.clickDialogButton(page(), ALWAYS);
    const done = await wb.waitForNotification(page(), `Host command "${PROPOSAL_TITLE}"`);
    assert.match(done.message, /exit code 0/, done.message);
    assert.deepEqual(runsLogLines(runsLog), ['v1']);
    await eventually(() => /proposal ran: v1/.test(session.outputLog()));
  });

  it('second run: no prompt at all, it just runs', async () => {
    await pickProposal();
    assert.match(await expectRunWithoutPrompt(), /exit code 0/);
    assert.deepEqual(runsLogLines(runsLog), ['v1', 'v1']);
    // The Output view shows both runs, as a person reads it.
    const shown = await eventually(async () => {
      const text = await wb.outputChannelText(page(), OUTPUT_CHANNEL);
      return (text.match(/■ record-run #\d+ exited with exit code 0/g) ?? []).length === 2 ? text : undefined;
    });
    assert.equal((shown.match(/▶ record-run #\d+ \(workspace, from palette\)/g) ?? []).length, 2, shown);
    assert.equal((shown.match(/^proposal ran: v1$/gm) ?? []).length, 2, shown);
  });

  it('the proposal file edited by one character (v1 → v2) on disk: the prompt is back, showing v2; Cancel runs nothing', async () => {
    const before = fs.readFileSync(proposalsPath(), 'utf8');
    const after = before.replace('"v1"', '"v2"');
    assert.equal(after.length, before.length);
    assert.equal([...after].filter((char, index) => char !== before[index]).length, 1, 'exactly one character differs');
    fs.writeFileSync(proposalsPath(), after);

    await pickProposal();
    const prompt = await wb.dialogText(page());
    assert.ok(prompt.includes('] v2'), `the prompt shows the new argument:\n${prompt}`);
    assert.ok(!prompt.includes('] v1'), prompt);
    assert.match(prompt, /You always allowed an earlier version of this command\. Something it depends on has changed since/, prompt);
    await wb.clickDialogButton(page(), 'Cancel');
    const told = await wb.waitForNotification(page(), `Host command "${PROPOSAL_TITLE}"`);
    assert.match(told.message, /not run/, told.message);
    await sleep(500);
    assert.deepEqual(runsLogLines(runsLog), ['v1', 'v1'], 'nothing ran after Cancel');
  });

  it('Run Once runs the new version but remembers nothing: the next run asks again', async () => {
    await pickProposal();
    await wb.clickDialogButton(page(), 'Run Once');
    const done = await wb.waitForNotification(page(), `Host command "${PROPOSAL_TITLE}"`);
    assert.match(done.message, /exit code 0/, done.message);
    assert.deepEqual(runsLogLines(runsLog), ['v1', 'v1', 'v2']);
    await clearWindow(page());

    await pickProposal();
    assert.ok((await wb.dialogText(page())).includes('] v2'));
    await wb.clickDialogButton(page(), 'Cancel');
    await wb.waitForNotification(page(), `Host command "${PROPOSAL_TITLE}"`);
    assert.deepEqual(runsLogLines(runsLog), ['v1', 'v1', 'v2']);
  });

  it('Show Audit Log opens an editor with every decision, newest first', async () => {
    await wb.runPaletteCommand(page(), AUDIT_LOG_TITLE);
    assert.equal(await wb.activeEditorTitle(page()), 'Host Commands Audit Log');
    const text = await eventually(async () => {
      const shown = await wb.editorText(page());
      return auditLines(shown).length >= 5 ? shown : undefined;
    });
    assert.match(text, /^Host Commands audit log — newest first/m, text);
    const lines = auditLines(text).filter((line) => line.includes(`| ${PROPOSAL_ID} |`));
    const decisions = lines.map((line) => line.split(' | ')[3]);
    // Newest first: Cancel, Run Once, Cancel, then the two runs under the "always" approval.
    assert.deepEqual(decisions, ['denied', 'approved-once', 'denied', 'approved-always', 'approved-always'], lines.join('\n'));
    for (const line of lines) assert.ok(line.startsWith(`${line.split(' | ')[0]} | palette | ${PROPOSAL_ID} |`), line);
    for (const line of lines.filter((shown) => /approved-/.test(shown))) assert.match(line, /\| exit 0 \d+ ms \d+ B out \|/, line);
    assert.ok(lines[0]!.includes(`${sh} ${recordScript} v2 `), `the record shows what was resolved: ${lines[0]}`);
    assert.ok(lines[4]!.includes(' v1 '), lines[4]);

    // The same records are on disk, as JSON lines in the bridge's global storage.
    const records = session.auditRecords().filter((record) => record.command === PROPOSAL_ID);
    assert.deepEqual(
      records.map((record) => record.decision),
      ['approved-always', 'approved-always', 'denied', 'approved-once', 'denied'],
    );
    assert.ok(records.every((record) => record.origin === 'workspace' && record.source === 'palette'));
  });

  it('Show Audit Log again after another run: the open editor shows the new record on top', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'My own command');
    await wb.waitForNotification(page(), 'Host command "My own command"');
    await wb.runPaletteCommand(page(), AUDIT_LOG_TITLE);
    const lines = await eventually(async () => {
      const shown = auditLines(await wb.editorText(page()));
      return shown.length >= 6 ? shown : undefined;
    });
    assert.match(lines[0]!, /\| palette \| own-command \| trusted \| exit 0 /, lines.join('\n'));
    assert.equal(lines.length, 6, lines.join('\n'));
  });
});

describe('trust model: Restricted Mode hides and refuses workspace proposals', function () {
  this.timeout(120_000);
  let session: Session | undefined;
  const host = scratchDir('host-commands-restricted-');
  const runsLog = path.join(host, 'runs.log');
  const recordScript = writeRecordScript(host);
  const ownMarker = path.join(host, 'own-command-ran');
  const page = () => session!.page;

  before(async function () {
    this.timeout(180_000);
    const started = Date.now();
    session = await Session.start({
      trustWorkspace: false,
      workspace: 'empty',
      inhostSuite: 'restricted',
      context: { proposalId: PROPOSAL_ID, runsLog, ownMarker },
      workspaceFiles: { '.vscode/host-commands.json': proposalsFile('v1', recordScript, runsLog) },
      commands: { 'own-command': { title: 'My own command', program: 'touch', args: [ownMarker], confirm: 'never' } },
    });
    const results = await session.inhostResults();
    logTiming('cold start (Restricted Mode) to in-host results', Date.now() - started);
    addInhostTests(this.test!.parent!, results, session);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
    if (session) await clearWindow(page());
  });

  after(async () => {
    await session?.stop();
  });

  it('the window is in Restricted Mode', async () => {
    await wb.statusBarItem(page(), 'Restricted Mode').waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('the picker lists the user\'s command but not the proposal, and says why', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    const items = await wb.quickPickItems(page());
    assert.deepEqual(items, [{ label: 'My own command', description: 'user' }]);
    const warning = await wb.waitForNotification(page(), 'Restricted Mode');
    assert.match(warning.message, /proposed by this workspace are hidden/, warning.message);
  });

  it('the proposal never ran, and Show Audit Log shows its refusal', async () => {
    assert.deepEqual(runsLogLines(runsLog), []);
    await wb.runPaletteCommand(page(), AUDIT_LOG_TITLE);
    const text = await eventually(async () => {
      const shown = await wb.editorText(page());
      return auditLines(shown).some((line) => line.includes(`| ${PROPOSAL_ID} |`)) ? shown : undefined;
    });
    const lines = auditLines(text);
    const refusals = lines.filter((line) => line.includes(`| ${PROPOSAL_ID} |`));
    assert.ok(refusals.length >= 1, text);
    for (const line of refusals) assert.match(line, /\| api \| record-run \| refused-unknown \|/, line);
    // The user's own command, run by the in-host suite as a control, is there as trusted.
    assert.ok(lines.some((line) => /\| api \| own-command \| trusted \| exit 0 /.test(line)), text);
  });

  it('once the user trusts the folder, the proposal is offered (and asks for approval)', async () => {
    await wb.runPaletteCommand(page(), 'Workspaces: Manage Workspace Trust');
    const trust = page().locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.click({ timeout: 15_000 });
    await wb.statusBarItem(page(), 'Restricted Mode').waitFor({ state: 'hidden', timeout: 15_000 });
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    const items = await eventually(async () => {
      const shown = await wb.quickPickItems(page());
      return shown.some((item) => item.label === PROPOSAL_TITLE) ? shown : undefined;
    }, 5000).catch(async () => wb.quickPickItems(page()));
    assert.deepEqual(
      items.find((item) => item.label === PROPOSAL_TITLE),
      { label: PROPOSAL_TITLE, description: 'workspace' },
      JSON.stringify(items),
    );
    await wb.pickQuickPickItem(page(), PROPOSAL_TITLE);
    assert.deepEqual((await wb.dialogButtons(page())).sort(), [ALWAYS, 'Cancel', "Don't Run", 'Run Once'].sort());
    await wb.clickDialogButton(page(), 'Cancel');
    assert.deepEqual(runsLogLines(runsLog), []);
  });
});
