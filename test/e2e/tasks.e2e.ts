// `"type": "host"` tasks in the real workbench. The in-host suite (inhost/tasks.inhost.ts) runs them through
// the tasks API (exit codes, problem matcher diagnostics, terminating a long task); then this side runs them
// as a person does — Tasks: Run Task, an ${input:…} answered in the input box — and reads the task terminal.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { SCREENSHOTS, Session, addInhostTests, eventually, logTiming, scratchDir, type TrustedCommand } from './support/fixture';
import { isAlive } from './support/processes';

const COMMANDS: Record<string, TrustedCommand> = {
  'exit-seven': {
    title: 'Print and exit 7',
    program: 'sh',
    args: ['-c', 'echo "known output: alpha"; sleep 0.3; echo "known output: beta (stderr)" >&2; sleep 0.4; exit 7'],
    confirm: 'never',
  },
  succeed: { title: 'Succeed', program: 'true', confirm: 'never' },
  greet: {
    title: 'Greet',
    program: 'sh',
    args: ['-c', 'echo "greeting: $1"; echo "folder: $2"', 'greet', '${param:greeting}', '${param:folder}'],
    parameters: { greeting: { pattern: '[A-Za-z ,!]+' }, folder: { pattern: '/.+' } },
    confirm: 'never',
  },
  compile: {
    title: 'Compile',
    program: 'sh',
    // ${workspaceFolder} is the folder's path on the host: the output names the file as the host sees it.
    args: ['-c', 'echo "compiling $1"; echo "$1:3:5: error: expected expression before \\";\\""; echo "$1:1:1: warning: unused variable \\"x\\""; exit 1', 'compile', '${workspaceFolder}/src/main.c'],
    confirm: 'never',
  },
  'long-running': {
    title: 'Long running',
    program: 'sh',
    args: ['-c', 'sleep 300 & echo "$$ $!" > "$1"; echo "parent $$, child $!"; wait', 'long-running', '<pidFile>'],
    confirm: 'never',
  },
};

const TASKS_JSON = {
  version: '2.0.0',
  tasks: [
    { label: 'Exit seven', type: 'host', command: 'exit-seven', problemMatcher: [], presentation: { clear: true } },
    {
      label: 'Greet from an input',
      type: 'host',
      command: 'greet',
      params: { greeting: '${input:greeting}', folder: '${workspaceFolder}' },
      problemMatcher: [],
      presentation: { clear: true },
    },
    {
      label: 'Compile on the host',
      type: 'host',
      command: 'compile',
      problemMatcher: {
        owner: 'host-e2e',
        fileLocation: 'absolute',
        pattern: { regexp: '^(.*):(\\d+):(\\d+): (error|warning): (.*)$', file: 1, line: 2, column: 3, severity: 4, message: 5 },
      },
    },
  ],
  inputs: [{ id: 'greeting', type: 'promptString', description: 'How to greet', default: 'hello from an input' }],
};

const CONFIGURED_COMMANDS = TASKS_JSON.tasks.map((task) => task.command);

describe('host tasks: tasks.json, Run Task, terminal output, exit codes, problem matchers, terminate', function () {
  this.timeout(120_000);
  let session: Session | undefined;
  const host = scratchDir('host-commands-tasks-');
  const pidFile = path.join(host, 'long-running.pids');
  const terminatedFile = path.join(host, 'terminated.json');
  const page = () => session!.page;

  before(async function () {
    this.timeout(180_000);
    const started = Date.now();
    const commands = structuredClone(COMMANDS);
    commands['long-running']!.args = commands['long-running']!.args!.map((arg) => (arg === '<pidFile>' ? pidFile : arg));
    session = await Session.start({
      inhostSuite: 'tasks',
      workspace: 'empty',
      context: { pidFile, terminatedFile, configuredCommands: CONFIGURED_COMMANDS },
      commands,
      workspaceFiles: {
        '.vscode/tasks.json': `${JSON.stringify(TASKS_JSON, null, 2)}\n`,
        'src/main.c': 'int main(void) {\n  int x;\n  x = ;\n  return 0;\n}\n',
      },
    });
    const results = await session.inhostResults();
    logTiming('cold start to in-host results', Date.now() - started);
    addInhostTests(this.test!.parent!, results, session);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
    if (session) await wb.closeQuickInput(page());
  });

  after(async () => {
    await session?.stop();
  });

  it('the terminated task\'s host processes are gone (checked from outside the workbench too)', () => {
    assert.ok(fs.existsSync(terminatedFile), 'the in-host suite recorded the terminated task');
    const { pids, ended, endedMs, goneMs, ms } = JSON.parse(fs.readFileSync(terminatedFile, 'utf8')) as {
      pids: number[];
      ended: { exitCode?: number; processEnded: boolean };
      endedMs: number;
      goneMs: Record<string, number>;
      ms: number;
    };
    assert.equal(pids.length, 2);
    for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} of the terminated task is still alive`);
    // On the host side the run ended as cancelled (the bridge's output channel says so).
    assert.match(session!.outputLog(), /■ long-running #\d+ was cancelled/, session!.outputLog());
    logTiming(`terminate() to both host processes gone (${JSON.stringify({ ended, endedMs, goneMs })})`, ms);
  });

  it('Tasks: Run Task → host lists a task per host command', async () => {
    await wb.runPaletteCommand(page(), 'Tasks: Run Task');
    const top = await wb.quickPickItems(page());
    for (const label of ['Exit seven', 'Greet from an input', 'Compile on the host', 'host']) {
      assert.ok(top.some((item) => item.label === label), `${label} in ${JSON.stringify(top)}`);
    }
    await wb.pickQuickPickItem(page(), 'host', { filter: false });
    // Every command that tasks.json has no task for is offered here; one that it has a task for is offered as
    // that task (above), and here too unless VS Code folds the provided task into the entry.
    const mustShow = Object.entries(COMMANDS)
      .filter(([id]) => !CONFIGURED_COMMANDS.includes(id))
      .map(([, command]) => `host: ${command.title}`);
    const mayShow = Object.values(COMMANDS).map((command) => `host: ${command.title}`);
    const provided = await eventually(async () => {
      const items = (await wb.quickPickItems(page())).map((item) => item.label).filter((label) => label.startsWith('host: '));
      return mustShow.every((label) => items.includes(label)) ? items : undefined;
    });
    assert.equal(new Set(provided).size, provided.length, `no task twice: ${JSON.stringify(provided)}`);
    for (const label of provided) assert.ok(mayShow.includes(label), `${label} is one of the host commands`);
  });

  it('a task with ${input:…} and ${workspaceFolder}: the input box offers the default, Enter runs it, the terminal shows the values', async () => {
    await wb.runTaskFromPalette(page(), 'Greet from an input');
    const input = page().locator('.quick-input-widget .quick-input-box input');
    await eventually(async () => (await input.inputValue()) === 'hello from an input');
    await page().keyboard.press('Enter');
    const text = await wb.waitForTerminalText(page(), `folder: ${session!.workspaceFolder}`);
    assert.match(text, /greeting: hello from an input/, text);
  });

  it('a task that prints and exits 7: its terminal shows the output and the exit code', async () => {
    await wb.runTaskFromPalette(page(), 'Exit seven');
    const text = await wb.waitForTerminalText(page(), /exit code: 7/);
    assert.match(text, /known output: alpha/, text);
    assert.match(text, /known output: beta \(stderr\)/, text);
    assert.match(text, /Host command "exit-seven" exited with exit code 7\./, text);
    await session!.docsScreenshot(path.join(SCREENSHOTS, 'task-terminal.png'));
  });

  async function answerInputBox(title: RegExp, value: string | undefined): Promise<void> {
    const widget = page().locator('.quick-input-widget');
    await eventually(async () => title.test((await widget.locator('.quick-input-title').innerText().catch(() => '')) ?? ''));
    if (value === undefined) {
      await page().keyboard.press('Escape');
      return;
    }
    await widget.locator('input[type="text"]').fill(value);
    await page().keyboard.press('Enter');
  }

  it('the provided task of a command with required parameters asks for them, with the host\'s rules, then runs', async () => {
    await wb.runPaletteCommand(page(), 'Tasks: Run Task');
    await wb.pickQuickPickItem(page(), 'host', { filter: false });
    await wb.pickQuickPickItem(page(), 'host: Greet');
    await answerInputBox(/Greet: greeting \(1\/2\)/, 'hi from a provided task');
    await answerInputBox(/Greet: folder \(2\/2\)/, '/srv/data');
    const text = await wb.waitForTerminalText(page(), /greeting: hi from a provided task/);
    assert.match(text, /folder: \/srv\/data/, text);
  });

  it('the provided task, its parameter prompt dismissed, runs nothing and fails with the reason', async () => {
    await wb.runPaletteCommand(page(), 'Tasks: Run Task');
    await wb.pickQuickPickItem(page(), 'host', { filter: false });
    await wb.pickQuickPickItem(page(), 'host: Greet');
    await answerInputBox(/Greet: greeting/, undefined);
    const text = await wb.waitForTerminalText(page(), /no value was given for its required parameters/);
    assert.doesNotMatch(text, /greeting: undefined/, text);
  });

  it('the problem matcher\'s diagnostics show in the status bar (1 error, 1 warning)', async () => {
    const problems = page().locator('.part.statusbar #status\\.problems');
    await eventually(async () => /Errors?: 1.*Warnings?: 1/i.test((await problems.getAttribute('aria-label')) ?? ''));
  });
});
