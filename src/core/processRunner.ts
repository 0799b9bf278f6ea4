// Starting a host process and ending its whole process tree.
//
// The process gets exactly the argv, working directory and environment it is given: no shell unless the
// trusted definition asked for one, no inherited environment, no stdin. Output is left as raw bytes in
// paused pipes for an OutputRelay to read, so a caller that reads slowly slows the process down.
import { statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { execa, type Result } from 'execa';

export type CancelReason = 'cancelled' | 'caller-gone' | 'shutdown';

export interface RunSpec {
  file: string;
  args: string[];
  cwd: string;
  /** The child's whole environment: nothing is inherited from the host process. */
  env: Record<string, string>;
  shell: boolean;
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when ending the tree (POSIX). Default 1500 ms. */
  killGraceMs?: number;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  reason: 'exited' | 'cancelled' | 'timeout' | 'caller-gone' | 'spawn-failed' | 'shutdown';
  message?: string;
}

export interface RunHandle {
  readonly pid: number | undefined;
  /** Raw bytes, paused until someone reads them (OutputRelay.attach). */
  readonly stdout: Readable;
  readonly stderr: Readable;
  /**
   * Settles when the process has exited or failed to start; never rejects. Output may still be in the
   * pipes then (OutputRelay.end() waits for it), and descendants that outlive the process keep them open.
   */
  readonly done: Promise<RunResult>;
  /** Ends the whole process tree. Does nothing once the process and its pipes are gone. */
  cancel(reason: CancelReason): void;
}

export const DEFAULT_KILL_GRACE_MS = 1500;
const isWindows = process.platform === 'win32';
/** setTimeout fires at once beyond this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function startProcess(spec: RunSpec): RunHandle {
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);

  const refusal = isWindows && !spec.shell ? windowsBatchArgumentProblem(spec.file, spec.args) : undefined;
  if (refusal) return failedHandle(refusal, elapsed);

  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(spec);
  } catch (error) {
    // execa validates its options (and cross-spawn its Windows arguments) synchronously.
    return failedHandle(`could not start ${spec.file}: ${error instanceof Error ? error.message : String(error)}`, elapsed);
  }
  // Paused pipes keep every byte until a reader attaches. Unpaused, output nobody listens to yet is
  // thrown away: execa drains such pipes (with `buffer: false`), and so does Node itself once the
  // process exits (child_process flushStdio), which the 'resume' guard undoes.
  for (const pipe of [child.stdout, child.stderr]) {
    pipe.pause();
    pipe.on('resume', () => {
      if (pipe.listenerCount('data') === 0) pipe.pause();
    });
  }

  const pid = child.pid;
  const graceMs = spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  let exited = false;
  let pipesClosed = false;
  let killing = false;
  let endReason: Exclude<RunResult['reason'], 'exited' | 'spawn-failed'> | undefined;

  const terminate = (reason: NonNullable<typeof endReason>): void => {
    if (pid === undefined || killing || pipesClosed) return;
    // On Windows a pid is soon reused once its process is gone, and taskkill could not walk the tree from it.
    if (exited && isWindows) return;
    // On POSIX, once the leader has exited only what it left behind still holds our pipes: end that too,
    // but the run's outcome is already decided.
    if (!exited) endReason = reason;
    killing = true;
    killTree(pid, graceMs);
  };

  const timer =
    spec.timeoutMs !== undefined && spec.timeoutMs > 0 ? setTimeout(() => terminate('timeout'), Math.min(spec.timeoutMs, MAX_TIMER_MS)) : undefined;
  if (pid !== undefined && !isWindows) liveGroups.add(pid);

  const done = new Promise<RunResult>((resolve) => {
    child.once('exit', (exitCode, signal) => {
      exited = true;
      clearTimeout(timer);
      resolve({ exitCode, signal, durationMs: elapsed(), reason: endReason ?? 'exited' });
    });
    // execa settles once the process has exited and its pipes have closed, or when it could not start
    // (then no 'exit' event comes). With `reject: false` it does not reject.
    child.then(
      (result) => {
        pipesClosed = true;
        if (pid !== undefined) liveGroups.delete(pid);
        if (pid === undefined) {
          clearTimeout(timer);
          resolve({ exitCode: null, signal: null, durationMs: elapsed(), reason: 'spawn-failed', message: describeSpawnFailure(spec, result) });
        }
      },
      () => undefined,
    );
  });

  return { pid, stdout: child.stdout, stderr: child.stderr, done, cancel: terminate };
}

function spawn(spec: RunSpec) {
  return execa(spec.file, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    shell: spec.shell,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    encoding: 'buffer',
    buffer: false,
    stripFinalNewline: false,
    reject: false,
    // Its own process group (and session) on POSIX, so that the whole tree can be signalled at once.
    // On Windows `detached` would open a new console window instead; taskkill /T finds the tree there.
    detached: !isWindows,
    windowsHide: true,
  });
}

function failedHandle(message: string, elapsed: () => number): RunHandle {
  const closed = (): Readable => new PassThrough().end();
  return {
    pid: undefined,
    stdout: closed(),
    stderr: closed(),
    done: Promise.resolve({ exitCode: null, signal: null, durationMs: elapsed(), reason: 'spawn-failed', message }),
    cancel: () => undefined,
  };
}

function describeSpawnFailure(spec: RunSpec, result: Result): string {
  if (!isDirectory(spec.cwd)) return `working directory not found: ${spec.cwd}`;
  switch (result.code) {
    case 'ENOENT':
      return `program not found: ${spec.file}`;
    case 'EACCES':
      return `program cannot be executed (permission denied): ${spec.file}`;
    default:
      return `could not start ${spec.file}: ${result.originalMessage ?? result.shortMessage ?? result.message}`;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

// ---- ending a process tree ------------------------------------------------------------------------

/** Process groups that may still have members, killed outright if the host process exits first. */
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
});

function killTree(pid: number, graceMs: number): void {
  if (isWindows) {
    // /T ends the process and every descendant still linked to it by parent id; /F because console
    // programs have no window to receive a polite close. Run by full path, not looked up on PATH.
    const taskkill = path.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'taskkill.exe');
    void execa(taskkill, ['/pid', String(pid), '/T', '/F'], { reject: false, stdio: 'ignore', windowsHide: true });
    return;
  }
  // The group outlives its leader while any member is alive, so the SIGKILL is sent even if the leader
  // already obeyed SIGTERM: a descendant that ignores SIGTERM still goes. A group id cannot be reused
  // while the group has members, so a stale kill finds nothing (ESRCH) rather than a stranger.
  signalGroup(pid, 'SIGTERM');
  setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs).unref();
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the whole group is already gone.
  }
}

// ---- Windows batch files ----------------------------------------------------------------------------

/**
 * Windows runs a .cmd/.bat through cmd.exe, which parses the command line again with its own rules:
 * `&`, `|`, `%VAR%` and friends become syntax (the "BatBadBut" class of injection). With `shell: false`,
 * execa hands every program that is not an .exe/.com to cross-spawn, which runs it as
 * `cmd.exe /d /e:on /v:off /s /c "…"` with each argument quoted so that metacharacters stay literal
 * (and rejects line breaks). That quoting holds only while an argument cannot close its quotes or expand
 * a variable, and the batch file itself sees the arguments again when it expands %1 or %*. So for such a
 * program we also refuse outright the characters that no quoting carries through cmd.exe verbatim:
 * `"` (ends the quoting), `%` and `!` (variable expansion, even inside quotes), CR, LF and NUL.
 * A bare name might resolve to a batch file on PATH, so only an explicit .exe/.com is exempt.
 * (With `shell: true` the command line is the trusted definition's own text; parameters never reach it.)
 * Returns why the arguments are refused, or undefined.
 */
export function windowsBatchArgumentProblem(file: string, args: readonly string[]): string | undefined {
  // Windows ignores trailing dots and spaces in file names: "x.exe. " is x.exe, "x.bat " is x.bat.
  if (/\.(exe|com)$/i.test(file.replace(/[.\s]+$/, ''))) return undefined;
  const index = args.findIndex((arg) => /["%!\r\n\0]/.test(arg));
  if (index < 0) return undefined;
  return `argument ${index + 1} contains a character (" % ! or a line break) that cmd.exe would interpret; ${path.win32.basename(file)} is not an .exe, so Windows runs it through cmd.exe`;
}
