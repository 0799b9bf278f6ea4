// Scenarios 1, 2 and 5, as a person does them in the workbench: the command palette, the quick pick, the
// modal prompt on the host, the notification, and the "Host Commands" output channel.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { OUTPUT_CHANNEL, RUN_COMMAND_TITLE, SCREENSHOTS, Session, eventually, logTiming, scratchDir, sleep } from './support/fixture';
import { isAlive } from './support/processes';

describe('Run Host Command… from the palette (modal prompt, output channel, notifications)', function () {
  this.timeout(120_000);
  let session: Session;
  const host = scratchDir('host-commands-ui-');
  const secret = `only-the-host-knows-${randomBytes(8).toString('hex')}`;
  const secretFile = path.join(host, 'secret.txt');
  const factsScript = path.join(host, 'host-facts.sh');
  const markerFile = path.join(host, 'marker-from-make-marker');
  const pidsFile = path.join(host, 'long-wait.pids');
  const page = () => session.page;

  before(async function () {
    this.timeout(180_000);
    const started = Date.now();
    fs.writeFileSync(secretFile, `${secret}\n`);
    fs.writeFileSync(factsScript, 'echo "hostname: $(hostname)"\necho "secret: $(cat "$1")"\n');
    session = await Session.start({
      commands: {
        'host-facts': { title: 'Show host facts', description: 'hostname and a secret only the host has', program: 'sh', args: [factsScript, secretFile], cwd: host },
        'make-marker': { title: 'Create a marker file', description: 'touches a file on the host', program: 'touch', args: [markerFile] },
        'fail-on-purpose': { title: 'Fail on purpose', program: 'sh', args: ['-c', 'echo about to fail >&2; exit 3'], confirm: 'never' },
        // Writes its own pid and its child's, then waits for the child.
        'long-wait': { title: 'Wait a long time', program: 'sh', args: ['-c', 'sleep 300 & echo "$$ $!" > "$1"; wait', 'long-wait', pidsFile], confirm: 'never' },
      },
    });
    logTiming('cold start to workbench ready', Date.now() - started);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
    // Leave a clean window for the next test: no dialog, picker or toast.
    if (await wb.dialog(page()).isVisible()) await page().keyboard.press('Escape');
    await wb.closeQuickInput(page());
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications').catch(() => undefined);
  });

  after(async () => {
    await session?.stop();
  });

  it('lists the user commands in the quick pick, marked "user"', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    const items = await wb.quickPickItems(page());
    for (const title of ['Show host facts', 'Create a marker file', 'Fail on purpose']) {
      assert.deepEqual(
        items.find((item) => item.label === title),
        { label: title, description: 'user' },
        `${title} in ${JSON.stringify(items)}`,
      );
    }
  });

  it('scenario 1: pick → the prompt shows program, every argument and the directory → Run → real host output and exit code 0', async () => {
    const started = Date.now();
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'Show host facts');

    const prompt = await wb.dialogText(page());
    assert.match(prompt, /Show host facts/);
    assert.match(prompt, /Program: \/\S*\/sh\b/, prompt);
    assert.ok(prompt.includes(factsScript), `the prompt shows the first argument:\n${prompt}`);
    assert.ok(prompt.includes(secretFile), `the prompt shows the second argument:\n${prompt}`);
    assert.ok(prompt.includes(`Working directory: ${host}`), `the prompt shows the working directory:\n${prompt}`);
    assert.deepEqual((await wb.dialogButtons(page())).sort(), ['Cancel', "Don't Run", 'Run']);
    await wb.screenshot(page(), path.join(SCREENSHOTS, 'prompt.png'));

    await wb.clickDialogButton(page(), 'Run');
    const done = await wb.waitForNotification(page(), 'Host command "Show host facts"');
    assert.match(done.message, /exit code 0/, done.message);
    assert.ok(done.buttons.includes('Show Output'), JSON.stringify(done));

    // As a person would: open the channel from the notification, read what the panel shows.
    await wb.clickNotificationButton(page(), 'Host command "Show host facts"', 'Show Output');
    const shown = await eventually(async () => {
      const text = await wb.panelEditorText(page());
      return text.includes('■ host-facts') ? text : undefined;
    });
    assert.match(shown, /▶ host-facts\b/, shown);
    assert.ok(shown.includes(`hostname: ${os.hostname()}`), `the output shows the host's hostname:\n${shown}`);
    assert.ok(shown.includes(`secret: ${secret}`), `the output shows the secret file's content:\n${shown}`);
    assert.match(shown, /■ host-facts\b.*exit code 0.* in [\d.]+ m?s/, shown);
    await wb.screenshot(page(), path.join(SCREENSHOTS, 'output.png'));
    logTiming('scenario 1 (pick, prompt, run, read output)', Date.now() - started);
  });

  it('scenario 2: Cancel in the prompt → nothing runs (no marker file, no run in the output)', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'Create a marker file');
    assert.ok((await wb.dialogText(page())).includes(markerFile));
    await wb.clickDialogButton(page(), 'Cancel');
    const told = await wb.waitForNotification(page(), 'Host command "Create a marker file"');
    assert.match(told.message, /not run/i, told.message);
    await sleep(2000);
    assert.equal(fs.existsSync(markerFile), false, 'the marker file exists: the command ran although it was cancelled');
    assert.doesNotMatch(session.outputLog(), /▶ make-marker\b/);
  });

  it('an Enter meant for the editor, landing on the prompt as it opens, answers "Don\'t Run": nothing runs', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'Create a marker file');
    await wb.dialogText(page());
    await page().keyboard.press('Enter');
    const told = await wb.waitForNotification(page(), 'Host command "Create a marker file"');
    assert.match(told.message, /not run/i, told.message);
    await sleep(2000);
    assert.equal(fs.existsSync(markerFile), false, 'Enter ran the command: the default button must be the safe one');
  });

  it('scenario 2, control: the same command with Run does create the marker file', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'Create a marker file');
    await wb.clickDialogButton(page(), 'Run');
    await eventually(() => fs.existsSync(markerFile), 15_000);
    await wb.waitForNotification(page(), 'Host command "Create a marker file"');
  });

  it('a run that takes a while shows "Running…" with Cancel; Cancel ends the host process and the child it started', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'Wait a long time');
    const pids = await eventually(() => {
      const text = fs.existsSync(pidsFile) ? fs.readFileSync(pidsFile, 'utf8').trim() : '';
      return /^\d+ \d+$/.test(text) ? text.split(' ').map(Number) : undefined;
    });
    assert.ok(pids.every(isAlive), 'the command and its child run');
    await wb.clickNotificationButton(page(), 'Running "Wait a long time" on the host…', 'Cancel');
    const told = await wb.waitForNotification(page(), 'Host command "Wait a long time"');
    assert.match(told.message, /was cancelled/, told.message);
    await eventually(() => !pids.some(isAlive), 5000);
  });

  it('scenario 5: a failing command (exit 3) → an error notification and "exit code 3" in the output channel', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'Fail on purpose');
    // confirm: "never" — no prompt.
    const told = await wb.waitForNotification(page(), 'Host command "Fail on purpose"');
    assert.match(told.message, /exit code 3/, told.message);
    assert.equal(await wb.dialog(page()).isVisible(), false, 'no prompt for a confirm: "never" command');
    const severity = await page()
      .locator(wb.NOTIFICATION_ITEMS, { hasText: 'Host command "Fail on purpose"' })
      .first()
      .locator('.codicon-error')
      .count();
    assert.ok(severity > 0, 'the notification is an error');
    // The progress toast lingers a moment after the run; wait it out for a clean picture.
    await eventually(async () => !(await wb.notifications(page())).some((item) => item.message.startsWith('Running "Fail on purpose"')), 5000).catch(() => undefined);
    await wb.screenshot(page(), path.join(SCREENSHOTS, 'failed-run.png'));

    // Through the palette ("Output: Show Output Channels…"), reading the panel…
    const shown = await eventually(async () => {
      const text = await wb.outputChannelText(page(), OUTPUT_CHANNEL);
      return /■ fail-on-purpose\b/.test(text) ? text : undefined;
    });
    assert.ok(shown.includes('about to fail'), shown);
    assert.match(shown, /■ fail-on-purpose\b.*exit code 3/, shown);
    // …and the same text as the channel logged it to disk.
    assert.match(session.outputLog(), /■ fail-on-purpose\b.*exit code 3/);
  });
});
