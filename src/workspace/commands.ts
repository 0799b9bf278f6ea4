// Every command the workspace part registers, in one table.
import * as vscode from 'vscode';
import { escapeForDisplay } from '../core/displayEscape';
import * as z from 'zod/mini';
import { commandIdSchema, describeIssues, paramsSchema } from '../core/protocol';
import type { BridgeClient } from './bridgeClient';
import { pickAndRun, runListedCommand, runSummary } from './picker';
import type { RunListener, RunResult } from './runCommand';
import { RUN_FROM_STATUS_BAR, STATUS_BAR_MENU, type StatusBar } from './statusBar';

export interface WorkspaceContext {
  client: BridgeClient;
  statusBar: StatusBar;
  /** Lists the commands again (status bar buttons); how many there are, or rejects when the bridge is unreachable. */
  reload(): Promise<number>;
}

/** The public `hostCommands.run` argument, for keybindings and other extensions. */
const publicRunArgsSchema = z.strictObject({
  command: commandIdSchema,
  params: z.optional(paramsSchema),
  /** A working directory inside the workspace, as the container sees it. */
  cwd: z.optional(z.string()),
});

type Handler = (...args: unknown[]) => unknown;

export function workspaceCommands(ctx: WorkspaceContext): Record<string, Handler> {
  const onChange: RunListener = ({ command, runId, running }) => ctx.statusBar.setRunning(command, runId, running);
  return {
    // With a command id (the bridge's "Run It" after Add a Host Command…), that command; else the picker. Any
    // extension can pass an id, so such a run says "an extension" asked, not the palette.
    'hostCommands.runHostCommand': (id) =>
      typeof id === 'string' && commandIdSchema.safeParse(id).success ? runListedCommand(ctx.client, id, 'api', onChange) : pickAndRun(ctx.client, 'palette', onChange),
    'hostCommands.refresh': (options) => refresh(ctx, options),
    [RUN_FROM_STATUS_BAR]: (id) => runFromStatusBar(ctx, String(id), onChange),
    [STATUS_BAR_MENU]: () => statusBarMenu(ctx),
    'hostCommands.run': (args) => runPublic(ctx, args, onChange),
  };
}

async function runPublic(ctx: WorkspaceContext, args: unknown, onChange: RunListener): Promise<RunResult | undefined> {
  const parsed = publicRunArgsSchema.safeParse(args);
  if (!parsed.success) {
    const message = `hostCommands.run expects { "command": "<id>", "params": { … } }: ${describeIssues(parsed.error)}`;
    void vscode.window.showErrorMessage(`Host Commands: ${message}`);
    return { ok: false, exitCode: null, signal: null, reason: 'refused', message };
  }
  const listed = await ctx.client.list('api').catch((error: Error) => error);
  if (listed instanceof Error) {
    void vscode.window.showErrorMessage(`Host Commands: ${listed.message}`);
    return { ok: false, exitCode: null, signal: null, reason: 'refused', message: listed.message };
  }
  const summary = listed.commands.find((command) => command.id === parsed.data.command);
  // An id the bridge does not list still goes to the bridge, which refuses it and audits the attempt.
  const fallback = { id: parsed.data.command, title: parsed.data.command, origin: 'user' as const, parameters: [], prompt: 'confirm' as const };
  return runSummary(ctx.client, summary ?? fallback, parsed.data.params ?? {}, 'api', onChange, parsed.data.cwd);
}

/** How long the refresh result stays in the status bar. */
const REFRESH_MESSAGE_MS = 3000;

/**
 * "Refresh Host Commands". Run by the user (no argument) it says what it found in the status bar; the bridge
 * runs it with `{ quiet: true }` when the settings change, which needs no feedback.
 */
async function refresh(ctx: WorkspaceContext, options: unknown): Promise<void> {
  const quiet = typeof options === 'object' && options !== null && (options as { quiet?: unknown }).quiet === true;
  try {
    const count = await ctx.reload();
    if (!quiet) vscode.window.setStatusBarMessage(`$(check) Host Commands: ${count} host command${count === 1 ? '' : 's'}`, REFRESH_MESSAGE_MS);
  } catch (error) {
    if (!quiet) vscode.window.setStatusBarMessage(`$(warning) Host Commands: ${(error as Error).message}`, REFRESH_MESSAGE_MS);
  }
}

async function runFromStatusBar(ctx: WorkspaceContext, id: string, onChange: RunListener): Promise<void> {
  const summary = ctx.statusBar.summary(id);
  if (!summary) return;
  const running = ctx.statusBar.runningIds(id);
  if (running.length > 0) {
    const choice = await vscode.window.showQuickPick(['Show Output', 'Cancel'], { title: `${escapeForDisplay(summary.title)} is running` });
    if (choice === 'Show Output') await vscode.commands.executeCommand('hostCommands.showOutput');
    if (choice === 'Cancel') await Promise.all(running.map((runId) => ctx.client.cancel(runId).catch(() => undefined)));
    return;
  }
  await runSummary(ctx.client, summary, {}, 'statusBar', onChange);
}

/** The main status bar item while commands run: the output, Cancel for each run, or another command. */
async function statusBarMenu(ctx: WorkspaceContext): Promise<void> {
  const runs = ctx.statusBar.runningEntries();
  type Item = vscode.QuickPickItem & { action: () => Thenable<unknown> };
  const items: Item[] = [
    { label: '$(output) Show Output', action: () => vscode.commands.executeCommand('hostCommands.showOutput') },
    ...runs.map((run) => {
      // Runs of one command told apart by the order they started in.
      const same = runs.filter((other) => other.commandId === run.commandId);
      return {
        label: `$(debug-stop) Cancel ${escapeForDisplay(run.title)}`,
        description: same.length > 1 ? `run ${same.indexOf(run) + 1} of ${same.length}` : undefined,
        action: () => ctx.client.cancel(run.runId).catch(() => undefined),
      };
    }),
    { label: '$(play) Run Host Command…', action: () => vscode.commands.executeCommand('hostCommands.runHostCommand') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Host Commands', placeHolder: `${runs.length} running on the host` });
  await picked?.action();
}

export function registerAll(table: Record<string, Handler>): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
