// The bridge: runs on the host (a UI extension), owns policy, prompts, processes and the audit log.
import path from 'node:path';
import * as vscode from 'vscode';
import { AuditLog } from '../core/auditLog';
import { BridgeService } from '../core/bridgeService';
import { CONFIRMED_DEFINITIONS_FILE, FileDefinitionLedger } from '../core/confirmedDefinitions';
import { fileFingerprint } from '../core/fileFingerprint';
import { hostBaseEnvironment } from '../core/hostEnvironment';
import { GlobalStateApprovalStore } from './approvalStore';
import { AUDIT_SCHEME, AuditView } from './auditView';
import { bridgeCommands, registerAll } from './commands';
import { BridgeConfig } from './config';
import { OutputView } from './outputView';
import { WorkspaceContext } from './workspaceContext';

let service: BridgeService | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const config = new BridgeConfig();
  const output = new OutputView();
  const approvals = new GlobalStateApprovalStore(context.globalState);
  const auditLog = new AuditLog(path.join(context.globalStorageUri.fsPath, 'audit.jsonl'));
  const auditView = new AuditView(auditLog);
  const ledger = new FileDefinitionLedger(path.join(context.globalStorageUri.fsPath, CONFIRMED_DEFINITIONS_FILE));
  // A command deleted from the settings is forgotten: if something writes it back, it asks again.
  const forgetDeletedCommands = () => void ledger.forgetAllBut(new Set(Object.keys(config.userCommandsValue()))).catch(() => undefined);
  setTimeout(forgetDeletedCommands, 0);

  // A UI extension runs on the host. Forced next to the workspace (remote.extensionKind), it would run
  // commands on the remote machine instead: say so rather than pretend.
  const runsOn = context.extension.extensionKind === vscode.ExtensionKind.Workspace && vscode.env.remoteName ? 'remote' : 'host';
  if (runsOn === 'remote') {
    // Written just after activation rather than during it: the process's first date formatter loads the locale's
    // formats and time zone (ICU), 10-20 ms that VS Code would otherwise wait for. The line keeps this moment's time.
    const at = new Date();
    setTimeout(() => output.info(`Note: the bridge is running next to the workspace (${vscode.env.remoteName}), not on your local machine; host commands run there.`, at), 0);
  }

  let baseEnvironment: NodeJS.ProcessEnv | undefined;
  const hostEnvironment = () => (baseEnvironment ??= hostBaseEnvironment());
  const workspace = new WorkspaceContext(runsOn, hostEnvironment);

  service = new BridgeService(
    {
      trustedDefinitions: () => config.trustedDefinitions(),
      proposedDefinitions: () => workspace.proposals(),
      isWorkspaceTrusted: () => workspace.isTrusted(),
      hostFacts: () => workspace.hostFacts(),
      workspaceIdentity: () => workspace.identity(),
      workspaceLabel: () => workspace.label(),
      showPrompt: async (content) => vscode.window.showWarningMessage(content.message, { modal: true, detail: content.detail }, ...content.buttons),
      approvals,
      confirmedDefinitions: ledger,
      hashFile: fileFingerprint,
      audit: (record) => {
        try {
          auditLog.append(record);
        } catch (error) {
          output.info(`Could not write the audit log: ${(error as Error).message}`);
        }
      },
      observer: output,
      hostEnvironment,
      bridgeVersion: String(context.extension.packageJSON.version ?? '0.0.0'),
      runsOn,
    },
    config.limits(),
  );

  context.subscriptions.push(
    output,
    config,
    vscode.workspace.registerTextDocumentContentProvider(AUDIT_SCHEME, auditView),
    ...registerAll(bridgeCommands({ service, output, approvals, auditView, hostEnvironment })),
    { dispose: () => void service?.dispose() },
    // The workspace part lives in another extension host; a command is the only way to tell it.
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('hostCommands')) return;
      forgetDeletedCommands();
      void vscode.commands.executeCommand('hostCommands.refresh', { quiet: true }).then(undefined, () => undefined);
    }),
  );
}

export async function deactivate(): Promise<void> {
  await service?.dispose();
  service = undefined;
}
