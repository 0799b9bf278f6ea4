// One run from the workspace side, with a notification while it goes on (Cancel ends it on the host)
// and one that reports how it ended. The title and the host's messages may come from a workspace proposal:
// they are shown escaped, so none can reverse or hide the text around it.
import * as vscode from 'vscode';
import { escapeForDisplay } from '../core/displayEscape';
import { describeOutcome, formatDuration, outcomeSucceeded } from '../core/outcome';
import type { RequestSource, RunOutcome } from '../core/protocol';
import { BridgeError, type BridgeClient } from './bridgeClient';
import { followRun } from './runSession';

export interface RunRequest {
  command: string;
  title: string;
  params: Record<string, string>;
  source: RequestSource;
  cwd?: string;
}

export interface RunResult {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  reason: RunOutcome['reason'] | 'refused';
  message?: string;
}

/**
 * A run that ends sooner gets no "Running…" notification: it would only flash, and VS Code shows at most three
 * toasts in a short while, so the flash could cost the result its toast.
 */
const PROGRESS_DELAY_MS = 1000;

/** The promise's value if it settles within `ms`, otherwise undefined (the promise goes on). */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([promise, elapsed]);
  } finally {
    clearTimeout(timer);
  }
}

export type RunListener = (event: { command: string; runId: string; running: boolean }) => void;

export async function runWithNotifications(client: BridgeClient, request: RunRequest, onChange?: RunListener): Promise<RunResult> {
  let started;
  try {
    started = await client.start({ command: request.command, params: request.params, source: request.source, stream: false, ...(request.cwd ? { cwd: request.cwd } : {}) });
  } catch (error) {
    return reportRefusal(request, error);
  }
  onChange?.({ command: request.command, runId: started.runId, running: true });
  let outcome: RunOutcome;
  try {
    let cancelRun: (() => void) | undefined;
    const following = followRun(client, started.runId, { onCancelRequested: (cancel) => (cancelRun = cancel) });
    outcome =
      (await settledWithin(following, PROGRESS_DELAY_MS)) ??
      (await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Running "${escapeForDisplay(request.title)}" on the host…`, cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => cancelRun?.());
          return following;
        },
      ));
  } catch (error) {
    return reportRefusal(request, error);
  } finally {
    onChange?.({ command: request.command, runId: started.runId, running: false });
  }
  const succeeded = outcomeSucceeded(outcome);
  const text = `Host command "${escapeForDisplay(request.title)}" ${escapeForDisplay(describeOutcome(outcome))} (${formatDuration(outcome.durationMs)}).`;
  const show = succeeded ? vscode.window.showInformationMessage : outcome.reason === 'cancelled' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  void show(text, 'Show Output').then((choice) => {
    if (choice) void vscode.commands.executeCommand('hostCommands.showOutput');
  });
  return { ok: succeeded, exitCode: outcome.exitCode, signal: outcome.signal, reason: outcome.reason, ...(outcome.message ? { message: outcome.message } : {}) };
}

function reportRefusal(request: RunRequest, error: unknown): RunResult {
  const message = error instanceof Error ? error.message : String(error);
  const title = escapeForDisplay(request.title);
  if (error instanceof BridgeError && error.code === 'denied') {
    // Held back without a prompt (after several "Don't Run"): the bridge's reason, not "you cancelled it".
    const held = /not asking/.test(message) ? message.slice(message.indexOf(': ') + 2) : undefined;
    void vscode.window.showInformationMessage(`Host command "${title}" was not run: ${held ? escapeForDisplay(held) : 'you cancelled it on the host'}.`);
  } else {
    void vscode.window.showErrorMessage(`Host command "${title}" was not run: ${escapeForDisplay(message)}`, 'Show Output').then((choice) => {
      if (choice) void vscode.commands.executeCommand('hostCommands.showOutput');
    });
  }
  return { ok: false, exitCode: null, signal: null, reason: 'refused', message };
}
