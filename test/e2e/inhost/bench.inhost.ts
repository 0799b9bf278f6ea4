// `npm run bench`, inside the extension host of a real workbench (run by the test harness extension, not by
// `npm test`): how long each part took to load and activate, and the round trip of an approved no-op host
// command through the workspace part's client (BridgeClient + followRun: executeCommand with JSON both ways)
// against execa spawning it right here. Asserts nothing about time: it appends its measurements as one JSON
// line to the file scripts/bench.mjs names.
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import { execa } from 'execa';
import * as vscode from 'vscode';
import { BridgeCommands } from '../../../src/core/protocol';
import { BridgeClient } from '../../../src/workspace/bridgeClient';
import { followRun } from '../../../src/workspace/runSession';
import { sleep, testContext, waitForCommand } from '../support/inhost';

interface BenchContext {
  outputFile: string;
  /** Extensions whose activation is reported, e.g. host-commands.host-commands-bridge. */
  extensionIds: string[];
  /** With `npm run bench -- --profile`: where to save a CPU profile of the extension host during the bridge's round trips. */
  profileFile?: string;
  /** The round-trip measurement: done in the first window only (while outputFile does not exist yet). */
  roundTrip?: { command: string; program: string; warmup: number; rounds: number; perRound: number };
}

interface Activation {
  /** The synchronous require() of the bundle. */
  loadMs: number;
  /** The synchronous activate() call. */
  callMs: number;
  /** From the end of activate() until the promise it returned settled; includes other extensions' work when they activate at the same time. */
  finishMs?: number;
  /** What the extension costs the host before it is active: load + call. */
  totalMs: number;
  /** Where callMs comes from: VS Code's Startup Performance view, or (less precise) the performance marks. */
  callSource: 'startup-performance' | 'marks';
}

interface Mark {
  name: string;
  startTime: number;
}

/** VS Code's performance marks (vs/base/common/performance, millisecond resolution), shared by everything in this process. */
function performanceMarks(): Mark[] {
  const shared = (globalThis as { MonacoPerformanceMarks?: { getMarks(): Mark[] } }).MonacoPerformanceMarks;
  return shared?.getMarks() ?? [];
}

/**
 * The extension host marks the require() of each extension tightly (willLoadExtensionCode → didLoadExtensionCode).
 * willActivate → didActivate also spans whatever other extensions did in between, so it is only a fallback.
 */
function fromMarks(id: string, marks: Mark[]): { loadMs: number; activateSpanMs: number } | undefined {
  const at = (what: string) => marks.find((mark) => mark.name === `code/extHost/${what}/${id}`)?.startTime;
  const [willLoad, didLoad, willActivate, didActivate] = ['willLoadExtensionCode', 'didLoadExtensionCode', 'willActivateExtension', 'didActivateExtension'].map(at);
  if (willLoad === undefined || didLoad === undefined || willActivate === undefined || didActivate === undefined) return undefined;
  return { loadMs: didLoad - willLoad, activateSpanMs: didActivate - willActivate };
}

/**
 * VS Code's own figures, as "Developer: Startup Performance" lists them: the workbench gets them from the extension
 * host, which times each activate() call. (Its "Load Code" also counts an await before the require(), so the
 * marks give the load time.)
 */
async function fromStartupPerformance(ids: string[]): Promise<Record<string, { callMs: number; finishMs: number }> | undefined> {
  await vscode.commands.executeCommand('perfview.show');
  const uri = vscode.Uri.from({ scheme: 'perf', path: 'Startup Performance' });
  for (let waited = 0; waited < 30_000; waited += 250) {
    const document =
      vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString()) ??
      (await vscode.workspace.openTextDocument(uri).then(
        (opened) => opened,
        () => undefined,
      ));
    const found: Record<string, { callMs: number; finishMs: number }> = {};
    // | Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By |
    for (const line of (document?.getText() ?? '').split('\n')) {
      const [id, , , call, finish] = line
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      if (id && ids.includes(id) && call && finish && /^\d+$/.test(call) && /^\d+$/.test(finish)) found[id] = { callMs: Number(call), finishMs: Number(finish) };
    }
    if (ids.every((id) => found[id])) return found;
    await sleep(250);
  }
  return undefined;
}

async function measureActivation(ids: string[]): Promise<Record<string, Activation | undefined>> {
  let marks: Record<string, ReturnType<typeof fromMarks>> = {};
  for (let waited = 0; waited < 30_000; waited += 100) {
    const all = performanceMarks();
    marks = Object.fromEntries(ids.map((id) => [id, fromMarks(id, all)]));
    if (ids.every((id) => marks[id])) break;
    await sleep(100);
  }
  const reported = await fromStartupPerformance(ids);
  const activation: Record<string, Activation | undefined> = {};
  for (const id of ids) {
    const mark = marks[id];
    if (!mark) continue;
    const call = reported?.[id];
    activation[id] = call
      ? { loadMs: mark.loadMs, callMs: call.callMs, finishMs: call.finishMs, totalMs: mark.loadMs + call.callMs, callSource: 'startup-performance' }
      : { loadMs: mark.loadMs, callMs: mark.activateSpanMs, totalMs: mark.loadMs + mark.activateSpanMs, callSource: 'marks' };
  }
  return activation;
}

interface RoundTrip {
  raw: number[];
  bridge: number[];
  /**
   * Where the bridge's time goes: its start request alone, polls per run, a bare request (hello), and a look at a
   * missing file in the workspace through vscode.workspace.fs (as the bridge looks for the proposals file).
   */
  breakdown: { startMs: number[]; polls: number[]; helloMs: number[]; statMs: number[] };
}

/** Runs `body` under the V8 profiler of this extension host and saves the profile (open it in Chrome DevTools or VS Code). */
async function profiled<T>(file: string | undefined, body: () => Promise<T>): Promise<T> {
  if (!file) return body();
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

async function measureRoundTrip(settings: NonNullable<BenchContext['roundTrip']>, profileFile?: string): Promise<RoundTrip> {
  const { command, program, warmup, rounds, perRound } = settings;
  await waitForCommand(BridgeCommands.start);
  const client = new BridgeClient();
  const breakdown: RoundTrip['breakdown'] = { startMs: [], polls: [], helloMs: [], statMs: [] };
  const methods = {
    raw: async () => {
      const result = await execa(program, [], { reject: false });
      if (result.exitCode !== 0) throw new Error(`${program} exited with ${result.exitCode}`);
    },
    bridge: async () => {
      const before = performance.now();
      const started = await client.start({ command, params: {}, source: 'api', stream: true });
      breakdown.startMs.push(performance.now() - before);
      let polls = 0;
      // followRun asks isCancelled before each poll: that counts the polls.
      const outcome = await followRun(client, started.runId, { isCancelled: () => (polls++, false) });
      breakdown.polls.push(polls);
      if (outcome.exitCode !== 0) throw new Error(`${command} through the bridge: ${JSON.stringify(outcome)}`);
    },
  };
  for (let i = 0; i < warmup + rounds * 5; i++) {
    const before = performance.now();
    await client.hello();
    breakdown.helloMs.push(performance.now() - before);
  }
  breakdown.helloMs.splice(0, warmup);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const missing = vscode.Uri.joinPath(folder.uri, '.vscode', 'no-such-file.json');
    for (let i = 0; i < warmup + rounds * 5; i++) {
      const before = performance.now();
      await vscode.workspace.fs.stat(missing).then(
        () => undefined,
        () => undefined,
      );
      breakdown.statMs.push(performance.now() - before);
    }
    breakdown.statMs.splice(0, warmup);
  }
  const samples = { raw: [] as number[], bridge: [] as number[] };
  for (const run of Object.values(methods)) for (let i = 0; i < warmup; i++) await run();
  // Rounds interleave the two, so a slow spell on a shared machine hits both alike.
  await profiled(profileFile, async () => {
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of Object.entries(methods)) {
        for (let i = 0; i < perRound; i++) {
          const started = performance.now();
          await run();
          samples[name as keyof typeof methods].push(performance.now() - started);
        }
      }
    }
  });
  breakdown.startMs.splice(0, warmup);
  breakdown.polls.splice(0, warmup);
  return { ...samples, breakdown };
}

describe('bench', function () {
  this.timeout(600_000);

  it('measures activation and the round trip of a no-op host command', async () => {
    const context = testContext<BenchContext>();
    const activation = await measureActivation(context.extensionIds);
    const roundTrip = context.roundTrip && !fs.existsSync(context.outputFile) ? await measureRoundTrip(context.roundTrip, context.profileFile) : undefined;
    const line = { pid: process.pid, vscodeVersion: vscode.version, activation, ...(roundTrip ? { roundTrip } : {}) };
    fs.appendFileSync(context.outputFile, `${JSON.stringify(line)}\n`);
  });
});
