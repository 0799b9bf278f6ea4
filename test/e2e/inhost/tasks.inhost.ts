// Runs inside the extension host: `"type": "host"` tasks through the real tasks API — one task provided
// per host command, tasks.json tasks end with the host process's exit code, a problem matcher puts its
// diagnostics on a workspace file, and terminating a task ends the whole host process tree.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { BridgeCommands, PROTOCOL_VERSION } from '../../../src/core/protocol';
import { callBridge, fileAppears, sleep, testContext, waitForCommand } from '../support/inhost';
import { isAlive } from '../support/processes';

interface Context {
  workspaceFolder: string;
  /** The long-running command writes "<shell pid> <background child pid>" here. */
  pidFile: string;
  /** This suite writes what it observed about the terminated task here, for the Node side. */
  terminatedFile: string;
  /** Command ids that tasks.json has a task for. */
  configuredCommands: string[];
}

const context = testContext<Context>();

interface Ended {
  exitCode: number | undefined;
  processEnded: boolean;
}

/** Runs a task and resolves when it has ended, with the exit code onDidEndTaskProcess reported. */
async function runTask(task: vscode.Task, timeoutMs = 20_000): Promise<Ended> {
  const execution = await startTask(task);
  return execution.ended(timeoutMs);
}

async function startTask(task: vscode.Task): Promise<{ execution: vscode.TaskExecution; ended(timeoutMs?: number): Promise<Ended> }> {
  let exitCode: number | undefined;
  let processEnded = false;
  let resolveEnd!: () => void;
  const end = new Promise<void>((resolve) => (resolveEnd = resolve));
  const started: { execution?: vscode.TaskExecution } = {};
  const mine = (other: vscode.TaskExecution) => other === started.execution || (other.task.name === task.name && other.task.source === task.source);
  const subscriptions = [
    vscode.tasks.onDidEndTaskProcess((event) => {
      if (!mine(event.execution)) return;
      processEnded = true;
      exitCode = event.exitCode;
    }),
    vscode.tasks.onDidEndTask((event) => {
      if (mine(event.execution)) resolveEnd();
    }),
  ];
  const execution = await vscode.tasks.executeTask(task);
  started.execution = execution;
  return {
    execution,
    async ended(timeoutMs = 20_000) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([end, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`task "${task.name}" did not end within ${timeoutMs} ms`)), timeoutMs)))]);
      } finally {
        clearTimeout(timer);
        for (const subscription of subscriptions) subscription.dispose();
      }
      // onDidEndTaskProcess fires before onDidEndTask; give a late one a moment anyway.
      if (!processEnded) await sleep(200);
      return { exitCode, processEnded };
    },
  };
}

async function hostTasks(): Promise<vscode.Task[]> {
  return vscode.tasks.fetchTasks({ type: 'host' });
}

async function configuredTask(label: string): Promise<vscode.Task> {
  const tasks = await hostTasks();
  const task = tasks.find((candidate) => candidate.name === label && candidate.source === 'Workspace');
  assert.ok(task, `no tasks.json task "${label}"; have ${JSON.stringify(tasks.map((candidate) => `${candidate.source}: ${candidate.name}`))}`);
  return task;
}

describe('host tasks through the tasks API', function () {
  this.timeout(40_000);
  let listed: { id: string; title: string }[] = [];

  before(async function () {
    await waitForCommand(BridgeCommands.list, 25_000);
    const reply = await callBridge<{ ok: boolean; commands: { id: string; title: string }[] }>(BridgeCommands.list, { v: PROTOCOL_VERSION, source: 'task' });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    listed = reply.commands;
    assert.ok(listed.length >= 4, JSON.stringify(listed));
  });

  it('fetchTasks({ type: "host" }) offers a task per host command, named by its title', async () => {
    const tasks = await hostTasks();
    const provided = tasks.filter((task) => task.source === 'host');
    const shown = tasks.map((task) => `${task.source}: ${task.name} (${String(task.definition.command)})`).join(', ');
    for (const command of listed) {
      const own = provided.filter((task) => task.definition.command === command.id);
      assert.ok(own.length <= 1, `one provided task for ${command.id}: ${shown}`);
      if (!context.configuredCommands.includes(command.id)) {
        assert.equal(own.length, 1, `a provided task for ${command.id}: ${shown}`);
        assert.equal(own[0]!.name, command.title);
        assert.equal(own[0]!.detail, `Runs "${command.id}" on the host`);
      } else {
        // A tasks.json entry with the same definition customizes the provided task: VS Code offers the entry.
        assert.ok(own.length === 1 || tasks.some((task) => task.source === 'Workspace' && task.definition.command === command.id), shown);
      }
    }
    assert.ok(provided.every((task) => listed.some((command) => command.id === task.definition.command)), `no task for a command the bridge does not list: ${shown}`);
  });

  it('a tasks.json task that prints and exits 7: onDidEndTaskProcess reports exit code 7', async () => {
    const ended = await runTask(await configuredTask('Exit seven'));
    assert.equal(ended.processEnded, true, 'onDidEndTaskProcess fired');
    assert.equal(ended.exitCode, 7);
  });

  it('a task that succeeds reports exit code 0', async () => {
    const provided = (await hostTasks()).find((task) => task.source === 'host' && task.definition.command === 'succeed');
    assert.ok(provided);
    const ended = await runTask(provided);
    assert.equal(ended.exitCode, 0);
  });

  it('a problem matcher puts the host command\'s error and warning on the workspace file', async () => {
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'main.c');
    assert.deepEqual(vscode.languages.getDiagnostics(file), [], 'no diagnostics before the task runs');
    const ended = await runTask(await configuredTask('Compile on the host'));
    assert.equal(ended.exitCode, 1);
    let diagnostics: vscode.Diagnostic[] = [];
    for (let i = 0; i < 50 && diagnostics.length < 2; i++) {
      diagnostics = vscode.languages.getDiagnostics(file);
      if (diagnostics.length < 2) await sleep(100);
    }
    const all = vscode.languages.getDiagnostics().map(([uri, list]) => `${uri.toString()}: ${list.map((item) => item.message).join('; ')}`);
    assert.equal(diagnostics.length, 2, `diagnostics on ${file.toString()}: ${JSON.stringify(diagnostics)}; all: ${JSON.stringify(all)}`);
    const error = diagnostics.find((item) => item.severity === vscode.DiagnosticSeverity.Error);
    const warning = diagnostics.find((item) => item.severity === vscode.DiagnosticSeverity.Warning);
    assert.ok(error && warning, JSON.stringify(diagnostics));
    assert.equal(error.message, 'expected expression before ";"');
    assert.deepEqual([error.range.start.line, error.range.start.character], [2, 4], 'line 3, column 5 (1-based)');
    assert.equal(warning.message, 'unused variable "x"');
    assert.deepEqual([warning.range.start.line, warning.range.start.character], [0, 0]);
  });

  it('terminating a long task ends the host process and the child it started, and the end is reported', async () => {
    const task = (await hostTasks()).find((candidate) => candidate.source === 'host' && candidate.definition.command === 'long-running');
    assert.ok(task, 'the provided task of long-running');
    const started = await startTask(task);
    assert.equal(await fileAppears(context.pidFile, 10_000), true, 'the long command did not start');
    let pids: number[] = [];
    for (let i = 0; i < 50 && pids.length < 2; i++) {
      pids = fs.readFileSync(context.pidFile, 'utf8').trim().split(/\s+/).map(Number).filter((pid) => pid > 0);
      if (pids.length < 2) await sleep(100);
    }
    assert.equal(pids.length, 2, 'the shell and its background child');
    for (const pid of pids) assert.equal(isAlive(pid), true, `${pid} runs before the task is terminated`);

    const terminatedAt = Date.now();
    started.execution.terminate();
    const goneAfter = new Map<number, number>();
    const watch = (async () => {
      while (goneAfter.size < pids.length && Date.now() - terminatedAt < 5000) {
        for (const pid of pids) if (!goneAfter.has(pid) && !isAlive(pid)) goneAfter.set(pid, Date.now() - terminatedAt);
        await sleep(50);
      }
    })();
    const ended = await started.ended(10_000);
    const endedMs = Date.now() - terminatedAt;
    await watch;
    const gone = goneAfter.size === pids.length;
    fs.writeFileSync(context.terminatedFile, JSON.stringify({ pids, ended, endedMs, goneMs: Object.fromEntries(goneAfter), ms: Math.max(0, ...goneAfter.values()) }));
    assert.equal(gone, true, `still alive 5 s after terminate(): ${pids.filter(isAlive).join(', ')}`);
    assert.equal(ended.processEnded, true, 'onDidEndTaskProcess reported the end');
    assert.ok(vscode.tasks.taskExecutions.every((execution) => execution.task.definition.command !== 'long-running'), 'the task is no longer running');
  });
});
