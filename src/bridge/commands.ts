// Every command the bridge registers, in one table. The internal `hostCommands.bridge.*` ones are the
// protocol endpoints; the rest are host-side UI. None of them can approve, add or widen anything on
// behalf of a caller: approvals only come from the user answering a prompt, and a host command is only
// added by the user typing it into the Add a Host Command boxes.
import * as vscode from 'vscode';
import type { BridgeService } from '../core/bridgeService';
import { displayArgument, escapeForDisplay } from '../core/displayEscape';
import { BridgeCommands } from '../core/protocol';
import { addHostCommand } from './addHostCommand';
import type { GlobalStateApprovalStore } from './approvalStore';
import { AUDIT_URI, type AuditView } from './auditView';
import type { OutputView } from './outputView';

export interface BridgeContext {
  service: BridgeService;
  output: OutputView;
  approvals: GlobalStateApprovalStore;
  auditView: AuditView;
  /** The environment host commands run with (on macOS, with the login shell's PATH). */
  hostEnvironment: () => NodeJS.ProcessEnv;
}

type Handler = (...args: unknown[]) => unknown;

export function bridgeCommands(ctx: BridgeContext): Record<string, Handler> {
  return {
    [BridgeCommands.hello]: (message) => ctx.service.hello(message),
    [BridgeCommands.list]: (message) => ctx.service.list(message),
    [BridgeCommands.start]: (message) => ctx.service.start(message),
    [BridgeCommands.poll]: (message) => ctx.service.poll(message),
    [BridgeCommands.cancel]: (message) => ctx.service.cancel(message),
    'hostCommands.showOutput': () => ctx.output.channel.show(true),
    'hostCommands.showAuditLog': () => showAuditLog(ctx),
    'hostCommands.manageApprovals': () => manageApprovals(ctx),
    'hostCommands.cancelRunningCommand': () => cancelRunningCommand(ctx),
    'hostCommands.addHostCommand': () => addHostCommand(ctx.hostEnvironment),
  };
}

async function showAuditLog(ctx: BridgeContext): Promise<void> {
  ctx.auditView.refresh();
  const document = await vscode.workspace.openTextDocument(AUDIT_URI);
  await vscode.window.showTextDocument(document, { preview: false });
}

async function manageApprovals(ctx: BridgeContext): Promise<void> {
  const approvals = ctx.approvals.list();
  if (approvals.length === 0) {
    void vscode.window.showInformationMessage('Host Commands: no workspace command has an "always allow" approval.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    approvals.map((approval) => ({
      label: escapeForDisplay(approval.commandId),
      description: escapeForDisplay(approval.workspace),
      // As the prompt showed it: one token per argument, quoted where it holds spaces or shell characters.
      detail: `${[approval.program, ...approval.args].map(displayArgument).join(' ')} — approved ${new Date(approval.approvedAt).toLocaleString()}`,
      key: approval.key,
    })),
    { canPickMany: true, title: 'Host Commands: Revoke Approvals', placeHolder: 'Select the approvals to revoke' },
  );
  if (!picked || picked.length === 0) return;
  await ctx.approvals.revoke(picked.map((item) => item.key));
  void vscode.window.showInformationMessage(`Host Commands: revoked ${picked.length} approval${picked.length === 1 ? '' : 's'}. Those commands will ask again.`);
}

async function cancelRunningCommand(ctx: BridgeContext): Promise<void> {
  const runs = ctx.service.activeRuns();
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Host Commands: nothing is running.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: `${escapeForDisplay(run.command.title)} #${run.sequence}`, description: run.source, runId: run.runId })),
    { title: 'Host Commands: Cancel Running Command', placeHolder: 'Pick the run to cancel' },
  );
  if (!picked) return;
  if (!ctx.service.activeRuns().some((run) => run.runId === picked.runId)) {
    void vscode.window.showInformationMessage(`Host Commands: ${picked.label} already finished.`);
    return;
  }
  ctx.service.cancelRun(picked.runId);
  void vscode.window.showInformationMessage(`Host Commands: Cancelling ${picked.label} on the host.`);
}

export function registerAll(table: Record<string, Handler>): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
