// Status bar buttons and runs at once, in the real workbench. The in-host suite (inhost/concurrent-runs.inhost.ts)
// runs two commands at the same time and checks that their streams stay apart; this side checks how the
// output channel told them apart, then clicks status bar buttons as a person does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { HOST_COMMANDS_STATUS_TEXT, Session, addInhostTests, eventually, logTiming, scratchDir, type TrustedCommand } from './support/fixture';
import { isAlive } from './support/processes';

/** Prints five numbered lines and one on stderr, slowly enough that two runs overlap, then exits with `code`. */
function counter(word: string, code: number): TrustedCommand {
  return {
    title: `Count ${word}`,
    program: 'sh',
    args: ['-c', `sleep 0.5; echo "${word} on stderr" >&2; for i in 1 2 3 4 5; do echo "${word} $i"; sleep 0.1; done; sleep 0.6; exit ${code}`],
    confirm: 'never',
  };
}

/**
 * Leaves its own mark in `dir` and waits for `other`'s: exits with `code` once both are there, or 9 if `other`
 * never came (the runs did not overlap). Proves that two runs were at once without timing them.
 */
function meet(own: string, other: string, dir: string, code: number): TrustedCommand {
  return {
    title: `Meet ${other}`,
    program: 'sh',
    args: ['-c', `touch "$1/${own}"; i=0; while [ ! -e "$1/${other}" ]; do i=$((i+1)); [ $i -gt 400 ] && exit 9; sleep 0.05; done; exit ${code}`, own, dir],
    confirm: 'never',
  };
}

describe('status bar buttons, and two runs at once', function () {
  this.timeout(120_000);
  let session: Session | undefined;
  const host = scratchDir('host-commands-statusbar-');
  const deployMarker = path.join(host, 'deployed');
  const neverMarker = path.join(host, 'slow-build-finished');
  const slowBuildPids = path.join(host, 'slow-build.pids');
  const page = () => session!.page;

  before(async function () {
    this.timeout(180_000);
    const started = Date.now();
    session = await Session.start({
      inhostSuite: 'concurrent-runs',
      workspace: 'empty',
      commands: {
        'count-alpha': counter('alpha', 3),
        'count-bravo': counter('bravo', 5),
        'meet-alpha': meet('alpha', 'bravo', host, 3),
        'meet-bravo': meet('bravo', 'alpha', host, 5),
        deploy: {
          title: 'Deploy',
          program: 'sh',
          args: ['-c', 'echo "deploying from the status bar"; touch "$1"', 'deploy', deployMarker],
          statusBar: { text: '$(rocket) Deploy', tooltip: 'Deploy from the host' },
        },
        'slow-build': {
          title: 'Slow build',
          program: 'sh',
          // Writes its own pid and its child's, so the test can see the whole tree end.
          args: ['-c', 'echo "building slowly"; sleep 60 & echo "$$ $!" > "$2"; wait; touch "$1"', 'slow-build', neverMarker, slowBuildPids],
          confirm: 'never',
          statusBar: { text: '$(tools) Slow build' },
        },
      },
    });
    const results = await session.inhostResults();
    logTiming('cold start to in-host results', Date.now() - started);
    addInhostTests(this.test!.parent!, results, session);
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications').catch(() => undefined);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
    if (!session) return;
    if (await wb.dialog(page()).isVisible()) await page().keyboard.press('Escape');
    await wb.closeQuickInput(page());
    await wb.runPaletteCommand(page(), 'Notifications: Clear All Notifications').catch(() => undefined);
  });

  after(async () => {
    await session?.stop();
  });

  it('two runs at once: in the output channel every line of each is tagged with its own run', () => {
    const log = session!.outputLog();
    for (const [id, word] of [
      ['count-alpha', 'alpha'],
      ['count-bravo', 'bravo'],
    ] as const) {
      const runs = [...log.matchAll(new RegExp(`▶ ${id} #(\\d+)`, 'g'))].map((match) => match[1]!);
      assert.equal(runs.length, 1, `${id} ran once (in the first in-host test):\n${log}`);
      // Output lines only: the run's header also quotes its script.
      const lines = log.split('\n').filter((line) => new RegExp(`\\b${word} (\\d|on stderr)`).test(line) && !line.includes('▶'));
      for (const line of lines) assert.match(line, new RegExp(`^\\[${id} #\\d+\\] ${word} (\\d|on stderr)$`), `untagged or mixed line: ${JSON.stringify(line)}`);
      for (const run of runs) {
        const own = lines.filter((line) => line.startsWith(`[${id} #${run}] `)).map((line) => line.slice(`[${id} #${run}] `.length));
        assert.deepEqual(own.filter((text) => /\d$/.test(text)), [1, 2, 3, 4, 5].map((n) => `${word} ${n}`), `run #${run}:\n${log}`);
        assert.deepEqual(own.filter((text) => text.endsWith('on stderr')), [`${word} on stderr`]);
        assert.match(log, new RegExp(`■ ${id} #${run} exited with exit code ${id === 'count-alpha' ? 3 : 5}`));
      }
    }
  });

  it('each command that asks for one has a status bar button with its icon', async () => {
    assert.deepEqual(await wb.statusBarItemIcons(page(), 'Deploy'), ['codicon-rocket']);
    assert.deepEqual(await wb.statusBarItemIcons(page(), 'Slow build'), ['codicon-tools']);
    // Commands without statusBar get none.
    assert.equal(await wb.statusBarItem(page(), 'Count alpha').count(), 0);
  });

  it('clicking "Deploy" runs its command (after the host prompt, which says a status bar button asked)', async () => {
    await wb.statusBarItem(page(), 'Deploy').click();
    const prompt = await wb.dialogText(page());
    assert.match(prompt, /Run "Deploy" on the host\?/, prompt);
    assert.match(prompt, /Requested by a status bar button\./, prompt);
    await wb.clickDialogButton(page(), 'Run');
    const done = await wb.waitForNotification(page(), 'Host command "Deploy"');
    assert.match(done.message, /exit code 0/, done.message);
    assert.equal(fs.existsSync(deployMarker), true, 'the deploy command created its marker');
    const log = await eventually(() => (/■ deploy #\d+ exited with exit code 0/.test(session!.outputLog()) ? session!.outputLog() : undefined));
    assert.match(log, /▶ deploy #\d+ \(user, from statusBar\)/, log);
    assert.match(log, /deploying from the status bar/, log);
  });

  it('while a command runs its button spins; clicking it then offers Cancel, which ends the host process and its child', async () => {
    fs.rmSync(slowBuildPids, { force: true });
    await wb.statusBarItem(page(), 'Slow build').click();
    await eventually(async () => {
      const icons = await wb.statusBarItemIcons(page(), 'Slow build');
      return icons.includes('codicon-sync') && icons.includes('codicon-modifier-spin');
    }, 10_000);
    // The main item counts the runs in progress, spinning too.
    assert.deepEqual((await wb.statusBarItemIcons(page(), `${HOST_COMMANDS_STATUS_TEXT} (1)`)).sort(), ['codicon-modifier-spin', 'codicon-sync']);
    await eventually(() => /building slowly/.test(session!.outputLog()));
    const pids = await eventually(() => {
      const text = fs.existsSync(slowBuildPids) ? fs.readFileSync(slowBuildPids, 'utf8').trim() : '';
      return /^\d+ \d+$/.test(text) ? text.split(' ').map(Number) : undefined;
    });
    assert.ok(pids.every(isAlive), 'the command and its child run');

    // Clicked while something runs, the main item offers the output, Cancel for the run, and the picker.
    await wb.statusBarItem(page(), `${HOST_COMMANDS_STATUS_TEXT} (1)`).click();
    assert.deepEqual((await wb.quickPickItems(page())).map((choice) => choice.label), ['Show Output', 'Cancel Slow build', 'Run Host Command…']);
    await wb.closeQuickInput(page());

    await wb.statusBarItem(page(), 'Slow build').click();
    const choices = await wb.quickPickItems(page());
    assert.deepEqual(choices.map((choice) => choice.label), ['Show Output', 'Cancel']);
    await wb.pickQuickPickItem(page(), 'Cancel', { filter: false });

    const told = await wb.waitForNotification(page(), 'Host command "Slow build"');
    assert.match(told.message, /was cancelled/, told.message);
    await eventually(async () => (await wb.statusBarItemIcons(page(), 'Slow build')).join() === 'codicon-tools', 10_000);
    assert.match(session!.outputLog(), /■ slow-build #\d+ was cancelled/);
    await eventually(() => !pids.some(isAlive), 5000);
    assert.equal(fs.existsSync(neverMarker), false, 'the cancelled command went on running');
  });

  it('the main item, clicked while a command runs, cancels that run', async () => {
    fs.rmSync(slowBuildPids, { force: true });
    await wb.statusBarItem(page(), 'Slow build').click();
    const pids = await eventually(() => {
      const text = fs.existsSync(slowBuildPids) ? fs.readFileSync(slowBuildPids, 'utf8').trim() : '';
      return /^\d+ \d+$/.test(text) ? text.split(' ').map(Number) : undefined;
    });
    await wb.statusBarItem(page(), `${HOST_COMMANDS_STATUS_TEXT} (1)`).click();
    await wb.pickQuickPickItem(page(), 'Cancel Slow build', { filter: false });
    const told = await wb.waitForNotification(page(), 'Host command "Slow build"');
    assert.match(told.message, /was cancelled/, told.message);
    await eventually(() => !pids.some(isAlive), 5000);
    // Nothing runs any more: the main item is back to opening the picker.
    await eventually(async () => (await wb.statusBarItemIcons(page(), HOST_COMMANDS_STATUS_TEXT)).join() === 'codicon-remote-explorer', 10_000);
  });
});
