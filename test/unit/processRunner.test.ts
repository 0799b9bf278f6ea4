// Real processes, no mocks: what the host process receives and how its tree ends.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OutputRelay } from '../../src/core/outputRelay';
import { startProcess, windowsBatchArgumentProblem, type RunHandle, type RunResult, type RunSpec } from '../../src/core/processRunner';

const node = process.execPath;
const posix = process.platform !== 'win32';
const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

function spec(file: string, args: string[], extra: Partial<RunSpec> = {}): RunSpec {
  return { file, args, cwd: os.tmpdir(), env: baseEnv, shell: false, ...extra };
}

/** Starts the process with a relay attached; `text()` is everything read so far from both streams. */
function launch(runSpec: RunSpec): { handle: RunHandle; relay: OutputRelay; text: () => string; finished: Promise<void> } {
  const handle = startProcess(runSpec);
  const relay = new OutputRelay({ highWaterMark: 1 << 20 });
  relay.attach('stdout', handle.stdout);
  relay.attach('stderr', handle.stderr);
  // As the bridge does: end the relay when the process has exited; it still reads the pipes to their end.
  void handle.done.then(() => relay.end());
  const received: Buffer[] = [];
  const finished = (async () => {
    let cursor = 0;
    for (;;) {
      const result = await relay.read(cursor, { maxBytes: 1 << 20, waitMs: 200 });
      for (const chunk of result.chunks) received.push(chunk.data);
      cursor = result.cursor;
      if (result.finished) return;
    }
  })();
  return { handle, relay, text: () => Buffer.concat(received).toString('utf8'), finished };
}

async function run(runSpec: RunSpec): Promise<{ result: RunResult; output: string }> {
  const { handle, text, finished } = launch(runSpec);
  const [result] = await Promise.all([handle.done, finished]);
  return { result, output: text() };
}

async function waitFor<T>(what: string, probe: () => T | undefined, deadlineMs = 10_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  // A zombie has ended and runs nothing; it only waits for its new parent (init) to reap it.
  try {
    return /^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The liveness deadline of the design: the whole tree is gone within 2 s. */
async function assertGoneWithin2s(pids: number[]): Promise<void> {
  const deadline = Date.now() + 2000;
  while (Date.now() <= deadline) {
    if (pids.every(isGone)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`still alive 2 s after being ended: ${pids.filter((pid) => !isGone(pid)).join(', ')}`);
}

/** Leader node process that starts a grandchild node process; both print their pid, and optionally ignore SIGTERM. */
function treeScript(leaderIgnoresTerm: boolean, grandchildIgnoresTerm: boolean): string {
  const grandchild = `${grandchildIgnoresTerm ? "process.on('SIGTERM', () => {});" : ''} console.log('grandchild ' + process.pid); setInterval(() => {}, 1000);`;
  return `${leaderIgnoresTerm ? "process.on('SIGTERM', () => {});" : ''}
    require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: ['ignore', 'inherit', 'inherit'] });
    console.log('leader ' + process.pid); setInterval(() => {}, 1000);`;
}

/** Pids of processes the tests started, killed after each test so that a failing test leaves nothing running. */
const spawnedPids = new Set<number>();

function pidsIn(text: string): { leader: number; grandchild: number } | undefined {
  const leader = /leader (\d+)/.exec(text)?.[1];
  const grandchild = /grandchild (\d+)/.exec(text)?.[1];
  if (!leader || !grandchild) return undefined;
  spawnedPids.add(Number(leader)).add(Number(grandchild));
  return { leader: Number(leader), grandchild: Number(grandchild) };
}

describe('processRunner', function () {
  this.timeout(20_000);

  afterEach(() => {
    for (const pid of spawnedPids) {
      if (!isGone(pid)) process.kill(pid, 'SIGKILL');
    }
    spawnedPids.clear();
  });

  it('reports exit code 0 and the output', async () => {
    const { result, output } = await run(spec(node, ['-e', "process.stdout.write('out'); process.stderr.write('err')"]));
    assert.equal(result.reason, 'exited');
    assert.equal(result.exitCode, 0);
    assert.equal(result.signal, null);
    assert.ok(result.durationMs >= 0);
    assert.ok(output === 'outerr' || output === 'errout', output);
  });

  it('keeps output written before anyone reads it', async () => {
    const handle = startProcess(spec(node, ['-e', "process.stdout.write('early')"]));
    await handle.done;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const relay = new OutputRelay({ highWaterMark: 1 << 20 });
    relay.attach('stdout', handle.stdout);
    relay.attach('stderr', handle.stderr);
    relay.end();
    const read = await relay.read(0, { maxBytes: 100, waitMs: 5000 });
    assert.equal(Buffer.concat(read.chunks.map((chunk) => chunk.data)).toString(), 'early');
  });

  it('reports a non-zero exit code', async () => {
    const { result } = await run(spec(node, ['-e', 'process.exit(3)']));
    assert.deepEqual([result.reason, result.exitCode, result.signal], ['exited', 3, null]);
  });

  it('reports the signal that ended the process', async function () {
    if (!posix) this.skip();
    const { result } = await run(spec(node, ['-e', "process.kill(process.pid, 'SIGKILL')"]));
    assert.deepEqual([result.reason, result.exitCode, result.signal], ['exited', null, 'SIGKILL']);
    const viaShell = await run(spec('sh', ['-c', 'kill -9 $$']));
    assert.deepEqual([viaShell.result.exitCode, viaShell.result.signal], [null, 'SIGKILL']);
  });

  it('reports a program that cannot start as spawn-failed, without rejecting', async () => {
    const missing = await run(spec('no-such-program-a8f3', []));
    assert.deepEqual(missing.result, { exitCode: null, signal: null, durationMs: missing.result.durationMs, reason: 'spawn-failed', message: 'program not found: no-such-program-a8f3' });

    const absolute = await run(spec(path.join(os.tmpdir(), 'no-such-dir-a8f3', 'prog'), []));
    assert.equal(absolute.result.reason, 'spawn-failed');
    assert.match(absolute.result.message ?? '', /^program not found: /);

    const badCwd = await run(spec(node, ['-e', ''], { cwd: path.join(os.tmpdir(), 'no-such-dir-a8f3') }));
    assert.equal(badCwd.result.reason, 'spawn-failed');
    assert.match(badCwd.result.message ?? '', /^working directory not found: /);
  });

  it('passes arguments verbatim as argv, with nothing interpreted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hc-argv-'));
    try {
      const marker = path.join(dir, 'injected');
      const args = [
        'with space',
        'double"quote',
        "single'quote",
        'semi;colon && echo no',
        `$(touch ${marker})`,
        `\`touch ${marker}\``,
        'new\nline\r\n',
        '',
        '*',
        '$HOME ${PATH}',
        'back\\slash\\',
        '| > < & ^ % !',
        'ünïcødé 😀',
      ];
      const { result, output } = await run(spec(node, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args]));
      assert.equal(result.exitCode, 0);
      assert.deepEqual(JSON.parse(output), args);
      assert.equal(existsSync(marker), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the child exactly the environment it was given', async () => {
    process.env.HOST_COMMANDS_TEST_LEAK = 'must not reach the child';
    try {
      const env = { ONLY_THIS: 'yes', WITH_SPACES: 'a b; $(c)' };
      const { output } = await run(spec(node, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], { env }));
      assert.deepEqual(JSON.parse(output), env);
    } finally {
      delete process.env.HOST_COMMANDS_TEST_LEAK;
    }
  });

  it('runs in the given working directory', async () => {
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'hc-cwd-')));
    try {
      const { output } = await run(spec(node, ['-e', 'process.stdout.write(process.cwd())'], { cwd: dir }));
      assert.equal(output, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancel ends the whole process tree (a shell and its background child)', async function () {
    if (!posix) this.skip();
    const { handle, text, finished } = launch(spec('sh', ['-c', 'sleep 60 & echo "grandchild $!"; echo "leader $$"; wait']));
    const pids = await waitFor('both pids', () => pidsIn(text()));
    handle.cancel('cancelled');
    await assertGoneWithin2s([pids.leader, pids.grandchild]);
    const result = await handle.done;
    assert.deepEqual([result.reason, result.exitCode, result.signal], ['cancelled', null, 'SIGTERM']);
    await finished; // the background sleep held the pipe; it closes once the tree is gone
  });

  it('cancel ends a node process and the node process it started', async () => {
    const { handle, text } = launch(spec(node, ['-e', treeScript(false, false)]));
    const pids = await waitFor('both pids', () => pidsIn(text()));
    handle.cancel('caller-gone');
    await assertGoneWithin2s([pids.leader, pids.grandchild]);
    assert.equal((await handle.done).reason, 'caller-gone');
  });

  it('a timeout ends the tree and reports timeout', async function () {
    if (!posix) this.skip();
    const { handle, text } = launch(spec('sh', ['-c', 'sleep 60 & echo "grandchild $!"; echo "leader $$"; wait'], { timeoutMs: 500 }));
    const pids = await waitFor('both pids', () => pidsIn(text()));
    const result = await handle.done;
    assert.deepEqual([result.reason, result.exitCode, result.signal], ['timeout', null, 'SIGTERM']);
    await assertGoneWithin2s([pids.leader, pids.grandchild]);
  });

  it('a tree that ignores SIGTERM is SIGKILLed after the grace period', async function () {
    if (!posix) this.skip();
    const { handle, text } = launch(spec(node, ['-e', treeScript(true, true)]));
    const pids = await waitFor('both pids', () => pidsIn(text()));
    handle.cancel('cancelled');
    await assertGoneWithin2s([pids.leader, pids.grandchild]);
    const result = await handle.done;
    assert.deepEqual([result.reason, result.exitCode, result.signal], ['cancelled', null, 'SIGKILL']);
  });

  it('a grandchild that ignores SIGTERM is SIGKILLed even after its parent obeyed', async function () {
    if (!posix) this.skip();
    const { handle, text } = launch(spec(node, ['-e', treeScript(false, true)]));
    const pids = await waitFor('both pids', () => pidsIn(text()));
    handle.cancel('shutdown');
    await assertGoneWithin2s([pids.leader, pids.grandchild]);
    const result = await handle.done;
    assert.deepEqual([result.reason, result.signal], ['shutdown', 'SIGTERM']);
  });

  it('refuses arguments that cmd.exe would interpret when a Windows program is not an .exe', () => {
    for (const arg of ['"&calc', '%PATH%', '!x!', 'a\r\nb', 'a\0b']) {
      assert.match(windowsBatchArgumentProblem('C:\\tools\\build.cmd', ['ok', arg]) ?? '', /^argument 2 /);
    }
    assert.ok(windowsBatchArgumentProblem('C:\\tools\\run.bat. ', ['%x%']));
    assert.ok(windowsBatchArgumentProblem('npm', ['"x"']), 'a bare name may resolve to a batch file');
    assert.equal(windowsBatchArgumentProblem('C:\\tools\\build.cmd', ['a b', 'x&y|z', '(a)', '^']), undefined);
    assert.equal(windowsBatchArgumentProblem('C:\\Program Files\\Git\\git.EXE', ['"%!']), undefined);
  });
});
