// The "Host Commands" output channel: a header per run, the live output (ANSI colours stripped), and
// a footer with the exit code and duration. When runs overlap, each line carries its run's label so
// outputs stay apart.
import { StringDecoder } from 'node:string_decoder';
import stripAnsi from 'strip-ansi';
import * as vscode from 'vscode';
import type { RunInfo, RunObserver } from '../core/bridgeService';
import { displayArgument } from '../core/displayEscape';
import { describeOutcome, formatDuration } from '../core/outcome';
import type { RunOutcome } from '../core/protocol';

export const OUTPUT_CHANNEL_NAME = 'Host Commands';

interface LiveRun {
  label: string;
  decoders: Record<'stdout' | 'stderr', StringDecoder>;
  /** The unfinished last line per stream, held back while other runs share the channel. */
  pending: Record<'stdout' | 'stderr', string>;
}

export class OutputView implements RunObserver, vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME);
  private readonly live = new Map<string, LiveRun>();

  /** A line stamped with the time it happened (`at`), by default now. */
  info(line: string, at = new Date()): void {
    this.channel.appendLine(`[${timestamp(at)}] ${line}`);
  }

  started(run: RunInfo): void {
    const { command } = run;
    this.live.set(run.runId, {
      label: `${command.id} #${run.sequence}`,
      decoders: { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') },
      pending: { stdout: '', stderr: '' },
    });
    const argv = [command.programPath, ...command.args].map(displayArgument).join(' ');
    this.channel.appendLine(`[${timestamp()}] ▶ ${command.id} #${run.sequence} (${command.origin}, from ${run.source}): ${argv}`);
    this.channel.appendLine(`    in ${command.cwd}`);
    if (run.source === 'palette' || run.source === 'statusBar') this.channel.show(true);
  }

  output(run: RunInfo, stream: 'stdout' | 'stderr', data: Buffer): void {
    const live = this.live.get(run.runId);
    if (!live) return;
    const text = stripAnsi(live.decoders[stream].write(data));
    this.write(live, stream, text);
  }

  ended(run: RunInfo, outcome: RunOutcome): void {
    const live = this.live.get(run.runId);
    if (live) {
      for (const stream of ['stdout', 'stderr'] as const) {
        this.write(live, stream, stripAnsi(live.decoders[stream].end()));
        if (live.pending[stream]) this.channel.appendLine(this.prefix(live) + live.pending[stream]);
      }
      this.live.delete(run.runId);
    }
    this.channel.appendLine(`[${timestamp()}] ■ ${run.command.id} #${run.sequence} ${describeOutcome(outcome)} in ${formatDuration(outcome.durationMs)}`);
  }

  private prefix(live: LiveRun): string {
    return this.live.size > 1 ? `[${live.label}] ` : '';
  }

  private write(live: LiveRun, stream: 'stdout' | 'stderr', text: string): void {
    if (!text) return;
    if (this.live.size <= 1 && !live.pending[stream]) {
      this.channel.append(text);
      return;
    }
    // Overlapping runs: emit whole lines only, each tagged with its run.
    const lines = (live.pending[stream] + text).split('\n');
    live.pending[stream] = lines.pop() ?? '';
    for (const line of lines) this.channel.appendLine(this.prefix(live) + line.replace(/\r$/, ''));
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** toLocaleTimeString(undefined, { hour12: false }) builds a formatter on every call; the same one, kept, writes the same time. */
let timeFormat: Intl.DateTimeFormat | undefined;

function timestamp(at = new Date()): string {
  timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: false });
  return timeFormat.format(at);
}
