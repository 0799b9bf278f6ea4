// The terminal of a `"type": "host"` task: starts the run when VS Code opens the terminal, relays the
// host process's bytes live, and closes with the process's exit code. Host paths in the output are
// rewritten to container paths so problem matchers land on workspace files.
import { constants as osConstants } from 'node:os';
import * as vscode from 'vscode';
import { describeOutcome } from '../core/outcome';
import { rewriteHostPathsInText, type FolderMapping } from '../core/pathMapping';
import type { RunOutcome } from '../core/protocol';
import { BridgeError, type BridgeClient } from './bridgeClient';
import { followRun } from './runSession';

/** Terminal output is flushed to the renderer on a short timer; closing sooner drops the last lines. */
const CLOSE_DELAY_MS = 150;

export interface HostTaskRequest {
  command: string;
  params: Record<string, string>;
  /** The working directory in the container; the bridge maps it to the host. */
  cwd?: string;
}

export class HostTaskTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private cancel: (() => void) | undefined;
  private closedByUser = false;
  private readonly decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  /** The unfinished last line per stream, held until its end so a path is never rewritten half-seen. */
  private readonly pending = { stdout: '', stderr: '' };
  private folder: FolderMapping | undefined;

  constructor(
    private readonly client: BridgeClient,
    private readonly request: HostTaskRequest,
    private readonly onRunning?: (runId: string, running: boolean) => void,
  ) {}

  open(): void {
    // Writes are only seen after open, so the run starts here and not in the constructor.
    void this.run();
  }

  close(): void {
    this.closedByUser = true;
    this.cancel?.();
  }

  private async run(): Promise<void> {
    let exitCode: number;
    try {
      const { command, params, cwd } = this.request;
      const started = await this.client.start({ command, params, source: 'task', stream: true, ...(cwd ? { cwd } : {}) });
      this.folder = started.folder;
      this.onRunning?.(started.runId, true);
      try {
        const outcome = await followRun(this.client, started.runId, {
          onOutput: (stream, data) => this.output(stream, data),
          onCancelRequested: (cancel) => {
            this.cancel = cancel;
            if (this.closedByUser) cancel();
          },
        });
        this.flush();
        exitCode = this.report(outcome);
      } finally {
        this.onRunning?.(started.runId, false);
      }
    } catch (error) {
      const refused = error instanceof BridgeError && error.code === 'denied' ? 'Cancelled on the host; nothing ran.' : (error as Error).message;
      this.writeLine(`\x1b[31mHost command "${this.request.command}" was not run: ${refused}\x1b[0m`);
      exitCode = 1;
    }
    setTimeout(() => this.closeEmitter.fire(exitCode), CLOSE_DELAY_MS);
  }

  private output(stream: 'stdout' | 'stderr', data: Uint8Array): void {
    const text = this.pending[stream] + this.decoders[stream].decode(data, { stream: true });
    const lastNewline = text.lastIndexOf('\n');
    // Hold back only a short unfinished line (a path may continue); long ones and prompts go out at once.
    if (lastNewline === -1 && text.length < 4096) {
      this.pending[stream] = text;
      if (!/[\\/]/.test(text)) this.flushStream(stream);
      return;
    }
    const complete = lastNewline === -1 ? text : text.slice(0, lastNewline + 1);
    this.pending[stream] = lastNewline === -1 ? '' : text.slice(lastNewline + 1);
    this.write(complete);
  }

  private flushStream(stream: 'stdout' | 'stderr'): void {
    const rest = this.pending[stream];
    this.pending[stream] = '';
    if (rest) this.write(rest);
  }

  private flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      this.pending[stream] += this.decoders[stream].decode();
      this.flushStream(stream);
    }
  }

  private write(text: string): void {
    const mapped = this.folder ? rewriteHostPathsInText(text, this.folder) : text;
    // The terminal needs CRLF; lone LFs from the process would leave the cursor in its column.
    this.writeEmitter.fire(mapped.replace(/\r?\n/g, '\r\n'));
  }

  private writeLine(text: string): void {
    this.writeEmitter.fire(`${text}\r\n`);
  }

  /** The task's exit code: the process's, or 128 + signal number as a shell would report it. */
  private report(outcome: RunOutcome): number {
    if (outcome.reason === 'exited' && outcome.exitCode === 0 && !outcome.signal) return 0;
    this.writeLine(`\r\n\x1b[33mHost command "${this.request.command}" ${describeOutcome(outcome)}.\x1b[0m`);
    if (outcome.exitCode !== null) return outcome.exitCode;
    const signalNumber = outcome.signal ? (osConstants.signals as Record<string, number>)[outcome.signal] : undefined;
    return signalNumber ? 128 + signalNumber : 1;
  }
}
