// The workspace part: runs next to the workspace (in the container). It offers the entry points and
// asks the bridge on the host for everything else.
import * as vscode from 'vscode';
import { PROPOSALS_FILE } from '../core/definitions';
import { BridgeClient } from './bridgeClient';
import { CliServer } from './cliServer';
import { registerLanguageModelTools } from './languageModelTools';
import { registerAll, workspaceCommands } from './commands';
import { cancelAllFollowedRuns } from './runSession';
import { StatusBar } from './statusBar';
import { HOST_TASK_TYPE, HostTaskProvider } from './taskProvider';

export function activate(context: vscode.ExtensionContext): void {
  const client = new BridgeClient();
  const statusBar = new StatusBar();

  /** Asks the bridge for the commands again; resolves to how many there are, rejects when the bridge cannot be reached. */
  const reload = async (): Promise<number> => {
    const hello = await client.hello();
    statusBar.setRunsOnRemote(hello.runsOn === 'remote' ? 'the remote machine' : undefined);
    const { commands } = await client.list('statusBar');
    statusBar.update(commands);
    return commands.length;
  };
  const refresh = async () => {
    try {
      await reload();
    } catch {
      // The bridge may still be starting; the picker reports a missing bridge when the user asks.
    }
  };

  const proposals = vscode.workspace.createFileSystemWatcher(`**/${PROPOSALS_FILE}`);
  context.subscriptions.push(
    statusBar,
    proposals,
    proposals.onDidChange(refresh),
    proposals.onDidCreate(refresh),
    proposals.onDidDelete(refresh),
    vscode.workspace.onDidGrantWorkspaceTrust(refresh),
    ...registerAll(workspaceCommands({ client, statusBar, reload })),
    ...registerLanguageModelTools(client),
    vscode.tasks.registerTaskProvider(HOST_TASK_TYPE, new HostTaskProvider(client, (command, runId, running) => statusBar.setRunning(command, runId, running))),
  );
  void refresh();

  const onRunning = (command: string, runId: string, running: boolean) => statusBar.setRunning(command, runId, running);
  CliServer.start(context, client, onRunning).then(
    (server) => context.subscriptions.push(server),
    (error: Error) => console.error(`Host Commands: the host-command CLI is unavailable: ${error.message}`),
  );
}

export function deactivate(): Promise<void> {
  // Should this not get through (the host crashed), the bridge reaps the runs once they stop being polled.
  return cancelAllFollowedRuns();
}
