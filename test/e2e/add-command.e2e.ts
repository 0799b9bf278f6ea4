// "Host Commands: Add a Host Command…" as a new user does it in the workbench: four steps (id, program,
// arguments, confirm), the command lands in the user's settings.json, shows up in Run Host Command… and
// runs; Escape at any step adds nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { OUTPUT_CHANNEL, RUN_COMMAND_TITLE, Session, eventually, sleep } from './support/fixture';

const ADD_COMMAND_TITLE = 'Host Commands: Add a Host Command…';
const ASK = 'Ask before each run (recommended)';
const NO_ASK = 'Run without asking';

describe('Add a Host Command… from the palette (guided steps into the user settings)', function () {
  this.timeout(120_000);
  let session: Session;
  const page = () => session.page;
  const widget = () => page().locator('.quick-input-widget');
  const settingsFile = () => path.join(session.workbench.userDataDir, 'User', 'settings.json');
  const userCommands = () => (JSON.parse(fs.readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>)['hostCommands.commands'] as Record<string, unknown>;

  /** Waits for the input box of step `step` ("1/4") and types `value` into it. */
  async function typeInStep(step: string, value: string): Promise<void> {
    await widget().locator('.quick-input-title', { hasText: `(${step})` }).waitFor({ state: 'visible', timeout: 15_000 });
    await widget().locator('.quick-input-box input').fill(value);
  }
  /** The message under the input box: the validation error, or the prompt when the value is fine. */
  const inputMessage = () => widget().locator('.quick-input-message').innerText();

  /** Runs the whole flow with valid answers. */
  async function addCommand(id: string, program: string, args: string, confirm: string): Promise<void> {
    await wb.runPaletteCommand(page(), ADD_COMMAND_TITLE);
    await typeInStep('1/4', id);
    await eventually(async () => (await inputMessage()).startsWith('A short id'));
    await page().keyboard.press('Enter');
    await typeInStep('2/4', program);
    await page().keyboard.press('Enter');
    await typeInStep('3/4', args);
    await page().keyboard.press('Enter');
    await widget().locator('.quick-input-title', { hasText: '(4/4)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.pickQuickPickItem(page(), confirm);
  }

  before(async function () {
    this.timeout(180_000);
    session = await Session.start({ commands: { 'already-here': { title: 'Already here', program: 'true', confirm: 'never' } } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
    if (await wb.dialog(page()).isVisible()) await page().keyboard.press('Escape');
    await wb.closeQuickInput(page());
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications').catch(() => undefined);
  });

  after(async () => {
    await session?.stop();
  });

  it('refuses an invalid or existing id, writes id/program/args/confirm, and the command is listed and runs', async () => {
    await wb.runPaletteCommand(page(), ADD_COMMAND_TITLE);
    await typeInStep('1/4', 'already-here');
    assert.match(await eventually(async () => ((await inputMessage()).includes('already exists') ? inputMessage() : undefined)), /"already-here" already exists/);
    await page().keyboard.press('Enter');
    await sleep(500);
    assert.equal(await widget().locator('.quick-input-title', { hasText: '(1/4)' }).isVisible(), true, 'Enter with an existing id must not move on');
    await typeInStep('1/4', 'no spaces please');
    await eventually(async () => (await inputMessage()).includes('a command id is'));
    await typeInStep('1/4', 'echo-twice');
    await eventually(async () => (await inputMessage()).startsWith('A short id'));
    await page().keyboard.press('Enter');

    await typeInStep('2/4', 'x');
    await typeInStep('2/4', '');
    await eventually(async () => (await inputMessage()).includes('the program is required'));
    // The program and its argument typed into one box: caught here, not at the first run.
    await typeInStep('2/4', 'sleep 10');
    await eventually(async () => (await inputMessage()).includes('a program name has no spaces: put "10" in the next step (arguments)'));
    await page().keyboard.press('Enter');
    await sleep(500);
    assert.equal(await widget().locator('.quick-input-title', { hasText: '(2/4)' }).isVisible(), true, 'Enter with "sleep 10" must not move on');
    // A name not on the host's PATH is a warning, not an error: it may be installed later.
    await typeInStep('2/4', 'no-such-program-xyz');
    await eventually(async () => (await inputMessage()).includes('"no-such-program-xyz" is not on this host\'s PATH right now'));
    // An absolute path may contain spaces.
    await typeInStep('2/4', '/Applications/My App.app/Contents/MacOS/tool');
    await eventually(async () => (await inputMessage()).startsWith('The program to run on the host'));
    await typeInStep('2/4', 'echo');
    await page().keyboard.press('Enter');

    // What the settings would refuse is said here, not after the command was added.
    await typeInStep('3/4', '${userhome}');
    await eventually(async () => (await inputMessage()).includes('args[0]: unknown variable ${userhome}'));
    await page().keyboard.press('Enter');
    await sleep(500);
    assert.equal(await widget().locator('.quick-input-title', { hasText: '(3/4)' }).isVisible(), true, 'Enter with an unknown variable must not move on');
    await typeInStep('3/4', '  hello-from-add   second-arg ');
    // Once the value is fine again, the message is the step's prompt.
    const prompt = await eventually(async () => ((await inputMessage()).includes('separated by spaces') ? inputMessage() : undefined));
    assert.match(prompt, /separated by spaces/, prompt);
    assert.match(prompt, /contains spaces can be edited in settings\.json/, prompt);
    await page().keyboard.press('Enter');

    await widget().locator('.quick-input-title', { hasText: '(4/4)' }).waitFor({ state: 'visible' });
    assert.deepEqual((await wb.quickPickItems(page())).map((item) => item.label), [ASK, NO_ASK]);
    await wb.pickQuickPickItem(page(), NO_ASK);

    const added = await wb.waitForNotification(page(), 'Added host command echo-twice. The host asks you once before its first run.');
    assert.deepEqual(added.buttons, ['Run It', 'Edit in settings.json']);
    const commands = userCommands();
    assert.deepEqual(commands['echo-twice'], { title: 'echo-twice', program: 'echo', args: ['hello-from-add', 'second-arg'], confirm: 'never' });
    assert.ok(commands['already-here'], 'the existing command is kept');
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications');

    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    const items = await wb.quickPickItems(page());
    assert.deepEqual(items.find((item) => item.label === 'echo-twice'), { label: 'echo-twice', description: 'user' }, JSON.stringify(items));
    await wb.pickQuickPickItem(page(), 'echo-twice');
    // New in the settings (which any extension can write): the host asks once, "Run without asking" or not.
    const firstPrompt = await wb.dialogText(page());
    assert.match(firstPrompt, /new or changed in your settings/, firstPrompt);
    assert.match(firstPrompt, /Once you run it, it runs without asking/, firstPrompt);
    await wb.clickDialogButton(page(), 'Run');
    const done = await wb.waitForNotification(page(), 'Host command "echo-twice"');
    assert.match(done.message, /exit code 0/, done.message);
    const shown = await eventually(async () => {
      const text = await wb.outputChannelText(page(), OUTPUT_CHANNEL);
      return /■ echo-twice\b/.test(text) ? text : undefined;
    });
    assert.ok(shown.includes('hello-from-add second-arg'), shown);

    // From now on it runs without asking.
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications');
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'echo-twice');
    const again = await wb.waitForNotification(page(), 'Host command "echo-twice"');
    assert.match(again.message, /exit code 0/, again.message);
    assert.equal(await wb.dialog(page()).isVisible(), false, '"Run without asking" runs without a prompt once confirmed');
  });

  it('"Ask before each run" writes confirm "always"; Run It runs that command, and the host asks first', async () => {
    await addCommand('ask-first', 'true', '', ASK);
    await wb.clickNotificationButton(page(), 'Added host command ask-first.', 'Run It');
    assert.deepEqual(userCommands()['ask-first'], { title: 'ask-first', program: 'true', args: [], confirm: 'always' });
    assert.match(await wb.dialogText(page()), /Run "ask-first" on the host\?/);
    await wb.clickDialogButton(page(), 'Cancel');
  });

  it('Edit in settings.json opens the user settings.json at the new command, and changes nothing in it', async () => {
    await addCommand('edit-me', 'echo', 'one', NO_ASK);
    await wb.waitForNotification(page(), 'Added host command edit-me.');
    const written = fs.readFileSync(settingsFile(), 'utf8');
    await wb.clickNotificationButton(page(), 'Added host command edit-me.', 'Edit in settings.json');
    await eventually(async () => (await wb.activeEditorTitle(page())) === 'settings.json');
    assert.match(await wb.editorText(page()), /"edit-me"/);
    // The cursor is on the new command, as the status bar's "Ln …, Col …" shows a person.
    const line = written.split('\n').findIndex((text) => text.includes('"edit-me"')) + 1;
    const cursor = page().locator('.part.statusbar #status\\.editor\\.selection');
    await eventually(async () => (await cursor.innerText()).includes(`Ln ${line},`));
    assert.equal(await page().locator('.part.editor .tab.active.dirty').count(), 0, 'the settings.json editor has no unsaved change');
    await wb.runPaletteCommand(page(), 'View: Close Editor');
    assert.equal(fs.readFileSync(settingsFile(), 'utf8'), written, 'opening settings.json changed it');
  });

  it('an id the workspace proposes gets a note, not a refusal: the new command takes the proposal\'s place', async () => {
    // demo/.vscode/host-commands.json proposes "hello-script".
    await wb.runPaletteCommand(page(), ADD_COMMAND_TITLE);
    await typeInStep('1/4', 'hello-script');
    const note = await eventually(async () => ((await inputMessage()).includes('proposes') ? inputMessage() : undefined));
    assert.match(note, /this workspace proposes a command with the id "hello-script": yours will take its place/, note);
    await page().keyboard.press('Enter');
    await typeInStep('2/4', 'echo');
    await page().keyboard.press('Enter');
    await typeInStep('3/4', 'mine');
    await page().keyboard.press('Enter');
    await widget().locator('.quick-input-title', { hasText: '(4/4)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.pickQuickPickItem(page(), NO_ASK);
    await wb.waitForNotification(page(), 'Added host command hello-script.');
    assert.deepEqual(userCommands()['hello-script'], { title: 'hello-script', program: 'echo', args: ['mine'], confirm: 'never' });
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications');

    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    const items = await wb.quickPickItems(page());
    assert.deepEqual(items.find((item) => item.label === 'hello-script'), { label: 'hello-script', description: 'user' }, JSON.stringify(items));
    assert.equal(items.some((item) => item.label === "Run the workspace's hello script on the host"), false, JSON.stringify(items));
  });

  it('the workspace\'s proposals file opens as JSON with Comments: its comments are not errors', async () => {
    // demo/.vscode/host-commands.json starts with // comments.
    await page().keyboard.press('Control+P');
    await widget().waitFor({ state: 'visible' });
    await page().keyboard.type('.vscode/host-commands.json');
    await page().locator('.quick-input-list .monaco-list-row', { hasText: 'host-commands.json' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page().keyboard.press('Enter');
    await eventually(async () => (await wb.activeEditorTitle(page())) === 'host-commands.json');
    const mode = page().locator('.part.statusbar #status\\.editor\\.mode');
    await eventually(async () => (await mode.innerText()).includes('JSON with Comments'));
    const problems = page().locator('.part.statusbar #status\\.problems');
    // Let the JSON language server look at the file before reading the count.
    await sleep(2000);
    assert.match((await problems.getAttribute('aria-label')) ?? '', /No Problems|Errors?: 0/i);
    await wb.runPaletteCommand(page(), 'View: Close Editor');
  });

  for (const step of ['1/4', '2/4', '3/4', '4/4']) {
    it(`Escape at step ${step} adds nothing`, async () => {
      const before = fs.readFileSync(settingsFile(), 'utf8');
      const answers = ['never-added', 'echo', 'x y'];
      await wb.runPaletteCommand(page(), ADD_COMMAND_TITLE);
      for (const [index, answer] of answers.entries()) {
        const current = `${index + 1}/4`;
        if (current === step) break;
        await typeInStep(current, answer);
        if (index === 0) await eventually(async () => (await inputMessage()).startsWith('A short id'));
        await page().keyboard.press('Enter');
      }
      await widget().locator('.quick-input-title', { hasText: `(${step})` }).waitFor({ state: 'visible', timeout: 15_000 });
      await page().keyboard.press('Escape');
      await widget().waitFor({ state: 'hidden', timeout: 5000 });
      await sleep(1000);
      assert.equal(fs.readFileSync(settingsFile(), 'utf8'), before, 'settings.json changed');
      assert.equal((await wb.notifications(page())).some((item) => item.message.startsWith('Added host command')), false);

      await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
      const labels = (await wb.quickPickItems(page())).map((item) => item.label);
      assert.ok(labels.includes('Already here') && !labels.includes('never-added'), JSON.stringify(labels));
    });
  }
});
