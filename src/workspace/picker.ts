// "Host Commands: Run Host Command…": pick one of the commands the bridge offers, fill in its parameters, run it.
// Titles, descriptions and warnings may come from a workspace proposal: they are shown escaped, so none can
// reverse or hide the text around it.
import * as vscode from 'vscode';
import { escapeForDisplay } from '../core/displayEscape';
import type { CommandSummary, RequestSource } from '../core/protocol';
import type { BridgeClient } from './bridgeClient';
import { askForParameters } from './parameterPrompts';
import { runWithNotifications, type RunListener, type RunResult } from './runCommand';

interface CommandItem extends vscode.QuickPickItem {
  command?: CommandSummary;
}

const PROMPT_HINT: Record<CommandSummary['prompt'], string> = {
  none: 'runs without asking',
  confirm: 'asks on the host before it runs',
  approve: 'proposed by this workspace: needs your approval on the host',
};

/** The warnings the picker last showed: the same ones are not shown again each time it opens. */
let shownWarnings = new Set<string>();

/** Shows each warning once per session; one that went away and comes back is shown again. */
function showNewWarnings(warnings: readonly string[]): void {
  const current = new Set(warnings);
  for (const warning of current) {
    if (!shownWarnings.has(warning)) void vscode.window.showWarningMessage(`Host Commands: ${escapeForDisplay(warning)}`);
  }
  shownWarnings = current;
}

/** The bridge's list of commands, or undefined after telling the user why there is none. */
async function listOrSayWhyNot(client: BridgeClient, source: RequestSource): Promise<Awaited<ReturnType<BridgeClient['list']>> | undefined> {
  try {
    return await client.list(source);
  } catch (error) {
    void vscode.window.showErrorMessage(`Host Commands: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * Runs one command by id as if picked: asks for its parameters, then runs it. For the "Run It" button after a
 * command is added; an id the bridge does not list is said so.
 */
export async function runListedCommand(client: BridgeClient, id: string, source: RequestSource, onChange?: RunListener): Promise<RunResult | undefined> {
  const listed = await listOrSayWhyNot(client, source);
  if (!listed) return undefined;
  const command = listed.commands.find((candidate) => candidate.id === id);
  if (!command) {
    void vscode.window.showErrorMessage(`Host Commands: there is no host command "${escapeForDisplay(id)}" (anymore).`);
    return undefined;
  }
  return runSummary(client, command, {}, source, onChange);
}

export async function pickAndRun(client: BridgeClient, source: RequestSource, onChange?: RunListener): Promise<RunResult | undefined> {
  const listed = await listOrSayWhyNot(client, source);
  if (!listed) return undefined;
  showNewWarnings(listed.warnings);

  const items: CommandItem[] = [];
  for (const origin of ['user', 'workspace'] as const) {
    const commands = listed.commands.filter((command) => command.origin === origin);
    if (commands.length === 0) continue;
    items.push({ label: origin === 'user' ? 'Your host commands' : 'Proposed by this workspace', kind: vscode.QuickPickItemKind.Separator });
    for (const command of commands) {
      items.push({
        label: escapeForDisplay(command.title),
        description: origin,
        detail: [command.description && escapeForDisplay(command.description), PROMPT_HINT[command.prompt]].filter(Boolean).join(' — '),
        command,
      });
    }
  }
  if (items.length === 0) {
    const add = 'Add a Host Command';
    const choice = await vscode.window.showInformationMessage(
      'Host Commands: no host commands are defined yet. Define them in your user settings (hostCommands.commands) or propose them in .vscode/host-commands.json.',
      add,
    );
    if (choice === add) await vscode.commands.executeCommand('hostCommands.addHostCommand');
    return undefined;
  }

  const picked = await vscode.window.showQuickPick(items, {
    title: 'Run Host Command',
    placeHolder: 'Pick a command to run on the host machine',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked?.command) return undefined;
  return runSummary(client, picked.command, {}, source, onChange);
}

export async function runSummary(
  client: BridgeClient,
  command: CommandSummary,
  given: Record<string, string>,
  source: RequestSource,
  onChange?: RunListener,
  cwd?: string,
): Promise<RunResult | undefined> {
  const params = await askForParameters(command, given);
  if (!params) return undefined;
  return runWithNotifications(client, { command: command.id, title: command.title, params, source, cwd }, onChange);
}
