// What the user is told, and not told again: Cancel Running Command… cancels the highlighted run on Enter
// and says so; the picker shows a list warning once, not at every opening; Refresh Host Commands run from
// the palette says what it found, and the refresh after a settings change says nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { RUN_COMMAND_TITLE, Session, eventually, scratchDir, sleep } from './support/fixture';
import { isAlive } from './support/processes';

describe('feedback: cancelling, list warnings, refreshing', function () {
  this.timeout(120_000);
  let session: Session;
  const host = scratchDir('host-commands-feedback-');
  const pidFile = path.join(host, 'sleeper.pid');
  const page = () => session.page;

  before(async function () {
    this.timeout(180_000);
    session = await Session.start({
      workspace: 'empty',
      commands: {
        'long-sleep': { title: 'Long sleep', program: 'sh', args: ['-c', `echo $$ > ${pidFile}; exec sleep 300`], confirm: 'never' },
        quick: { title: 'Quick', program: 'true', confirm: 'never' },
        // No program: skipped, with a warning in the picker.
        broken: { title: 'Broken' } as never,
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
    await wb.closeQuickInput(page());
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications').catch(() => undefined);
  });

  after(async () => {
    await session?.stop();
  });

  it('the picker shows a list warning the first time it opens, and not again while it is the same', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.quickPickItems(page());
    const warning = await wb.waitForNotification(page(), 'hostCommands.commands.broken');
    assert.match(warning.message, /skipped/, warning.message);
    await wb.closeQuickInput(page());
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications');
    await eventually(async () => (await wb.notifications(page())).length === 0, 5000);

    for (let opening = 0; opening < 2; opening++) {
      await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
      await wb.quickPickItems(page());
      await sleep(1500);
      assert.deepEqual(await wb.notifications(page()), [], `opening ${opening + 2} showed a toast again`);
      await wb.closeQuickInput(page());
    }
  });

  it('Cancel Running Command…: Enter on the highlighted run cancels it and says so', async () => {
    await wb.runPaletteCommand(page(), RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(page(), 'Long sleep');
    const pid = await eventually(() => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) || undefined : undefined));
    assert.ok(isAlive(pid), 'the host process runs');

    await wb.runPaletteCommand(page(), 'Host Commands: Cancel Running Command…');
    const items = await wb.quickPickItems(page());
    assert.deepEqual(items.map((item) => item.label), ['Long sleep #1']);
    assert.equal(await page().locator('.quick-input-widget .quick-input-list input[type=checkbox]:visible').count(), 0, 'a single pick, no checkboxes');
    await page().keyboard.press('Enter');

    const told = await wb.waitForNotification(page(), 'Cancelling');
    assert.equal(told.message, 'Host Commands: Cancelling Long sleep #1 on the host.');
    await eventually(() => !isAlive(pid), 10_000);
    await wb.waitForNotification(page(), /Host command "Long sleep" was cancelled/);
  });

  it('Refresh Host Commands from the palette shows how many commands there are, for a few seconds', async () => {
    await wb.runPaletteCommand(page(), 'Host Commands: Refresh Host Commands');
    const message = wb.statusBarItem(page(), '2 host commands');
    await message.waitFor({ state: 'visible', timeout: 10_000 });
    await message.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it('the refresh after a settings change says nothing; run from the palette, it counts the new command', async () => {
    // A settings change through the product's own flow: the bridge then refreshes the workspace part.
    const widget = page().locator('.quick-input-widget');
    const step = async (number: string, value: string) => {
      await widget.locator('.quick-input-title', { hasText: `(${number})` }).waitFor({ state: 'visible', timeout: 15_000 });
      await widget.locator('.quick-input-box input').fill(value);
      await sleep(300);
      await page().keyboard.press('Enter');
    };
    await wb.runPaletteCommand(page(), 'Host Commands: Add a Host Command…');
    await step('1/4', 'added-later');
    await step('2/4', 'true');
    await step('3/4', 'x');
    await widget.locator('.quick-input-title', { hasText: '(4/4)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.pickQuickPickItem(page(), 'Run without asking');
    await wb.waitForNotification(page(), 'Added host command added-later.');

    const refreshMessage = wb.statusBarItem(page(), 'Host Commands:').filter({ hasText: /\d+ host commands?/ });
    for (let i = 0; i < 20; i++) {
      assert.equal(await refreshMessage.count(), 0, 'the automatic refresh showed a message');
      await sleep(200);
    }
    await wb.runPaletteCommand(page(), 'Host Commands: Refresh Host Commands');
    await wb.statusBarItem(page(), '3 host commands').waitFor({ state: 'visible', timeout: 10_000 });
  });
});
