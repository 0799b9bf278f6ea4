// "Host Commands: Add a Host Command…": a short guided flow that writes one new trusted command into the
// user's own `hostCommands.commands`. It runs only because the host user started it from the palette;
// it adds a definition, it never approves or runs anything by itself.
import * as vscode from 'vscode';
import { definitionProblems, trustedDefinitionSchema } from '../core/definitions';
import { findProgramOnPath } from '../core/hostEnvironment';
import { checkProgramInput } from '../core/programInput';
import { commandIdSchema, describeIssues } from '../core/protocol';
import { propertyKeyOffset } from '../core/settingsLocation';
import { WorkspaceContext } from './workspaceContext';

const TITLE = 'Add a Host Command';

/** The user's own value of the setting: workspace values never count for trusted commands. */
function userCommands(): unknown {
  return vscode.workspace.getConfiguration('hostCommands').inspect('commands')?.globalValue;
}

/**
 * The ids the open workspace proposes, read as the bridge reads them. One of the user's own commands takes the
 * place of a proposal with its id. Not read in Restricted Mode, where the bridge does not read proposals either.
 */
async function proposedIds(): Promise<ReadonlySet<string>> {
  if (!vscode.workspace.isTrusted) return new Set();
  try {
    // proposals() uses neither constructor argument: they are for the host facts, not needed here.
    const { definitions } = await new WorkspaceContext('host', () => process.env).proposals();
    return new Set(definitions.map((definition) => definition.id));
  } catch {
    return new Set();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Opens the user's settings.json at `hostCommands.commands`, with the cursor on `commandId` when given.
 * Not `revealSetting.edit`: that inserts an empty line into the user's file and leaves it unsaved.
 */
export async function openCommandsInSettingsJson(commandId?: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'hostCommands.commands' } });
  const editor = vscode.window.activeTextEditor;
  if (commandId === undefined || !editor?.document.uri.path.endsWith('/settings.json')) return;
  const offset = propertyKeyOffset(editor.document.getText(), ['hostCommands.commands', commandId]);
  if (offset === undefined) return;
  const position = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export async function addHostCommand(hostEnvironment: () => NodeJS.ProcessEnv = () => process.env): Promise<void> {
  const current = userCommands() ?? {};
  // Spreading a broken value (a string, an array) would write garbage over it: send the user to fix it instead.
  if (!isRecord(current)) {
    const edit = 'Edit in settings.json';
    const choice = await vscode.window.showErrorMessage('Host Commands: hostCommands.commands in your user settings is not an object of id → definition.', edit);
    if (choice === edit) await openCommandsInSettingsJson();
    return;
  }

  const proposed = proposedIds();
  const id = await vscode.window.showInputBox({
    title: `${TITLE} (1/4)`,
    prompt: 'A short id for the command (letters, digits, ".", "_", "-"), used to run it from tasks and the host-command CLI',
    placeHolder: 'e.g. open-in-finder',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = commandIdSchema.safeParse(value.trim());
      if (!parsed.success) return parsed.error.issues[0]?.message ?? 'not a valid command id';
      if (Object.hasOwn(current, value.trim())) return `"${value.trim()}" already exists in your host commands; choose another id`;
      // Not an error: the user may mean to replace the proposal with a command of their own.
      return proposed.then((ids) =>
        ids.has(value.trim())
          ? { message: `this workspace proposes a command with the id "${value.trim()}": yours will take its place, and the proposal will be ignored`, severity: vscode.InputBoxValidationSeverity.Warning }
          : undefined,
      );
    },
  });
  if (id === undefined) return;

  const program = await vscode.window.showInputBox({
    title: `${TITLE} (2/4)`,
    prompt: 'The program to run on the host: a name on the host\'s PATH, or an absolute path',
    placeHolder: 'e.g. open, docker, /usr/local/bin/my-tool',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const problem = checkProgramInput(value);
      if (problem) return problem;
      // Not an error: the program may be installed later, or found on the PATH VS Code gets from a login shell.
      const name = value.trim();
      if (name !== '' && !/[\\/]/.test(name) && !findProgramOnPath(name, hostEnvironment())) {
        return { message: `"${name}" is not on this host's PATH right now; the command will fail until it is`, severity: vscode.InputBoxValidationSeverity.Warning };
      }
      return undefined;
    },
  });
  if (program === undefined) return;

  const argsText = await vscode.window.showInputBox({
    title: `${TITLE} (3/4)`,
    // What the settings loader would refuse (an unknown variable, a parameter, which this flow cannot declare).
    validateInput: (value) => definitionProblems({ program: program.trim(), args: value.split(/\s+/).filter(Boolean), env: {}, parameters: {}, shell: false, confirm: 'always' })[0],
    prompt: 'The arguments, separated by spaces: each word becomes one argument (no shell, no quoting). An argument that contains spaces can be edited in settings.json afterwards. Leave empty for none.',
    placeHolder: 'e.g. ps --all',
    ignoreFocusOut: true,
  });
  if (argsText === undefined) return;

  const confirmItems = [
    { label: 'Ask before each run (recommended)', confirm: 'always' as const },
    { label: 'Run without asking', confirm: 'never' as const },
  ];
  const picked = await vscode.window.showQuickPick(confirmItems, { title: `${TITLE} (4/4)`, placeHolder: 'Should the host ask before each run?', ignoreFocusOut: true });
  if (!picked) return;

  const commandId = id.trim();
  // Only the fields the user chose, so settings.json holds what they typed rather than every default.
  const definition = { title: commandId, program: program.trim(), args: argsText.split(/\s+/).filter(Boolean), confirm: picked.confirm };
  const checked = trustedDefinitionSchema.safeParse(definition);
  const problems = checked.success ? definitionProblems(checked.data) : [];
  if (!checked.success || problems.length > 0) {
    void vscode.window.showErrorMessage(`Host Commands: the command was not added: ${checked.success ? problems.join('; ') : describeIssues(checked.error)}`);
    return;
  }
  // Read again: settings.json may have changed while the inputs were open.
  const latest = userCommands() ?? {};
  if (!isRecord(latest) || Object.hasOwn(latest, commandId)) {
    void vscode.window.showErrorMessage(`Host Commands: your host commands changed meanwhile ("${commandId}" exists or the setting is not an object); nothing was added.`);
    return;
  }
  await vscode.workspace.getConfiguration('hostCommands').update('commands', { ...latest, [commandId]: definition }, vscode.ConfigurationTarget.Global);

  const runIt = 'Run It';
  const edit = 'Edit in settings.json';
  // Settings can be written by any extension, so the bridge asks once before the first run of anything new there.
  const firstRun = picked.confirm === 'never' ? ' The host asks you once before its first run.' : '';
  const choice = await vscode.window.showInformationMessage(`Added host command ${commandId}.${firstRun}`, runIt, edit);
  // The picker belongs to the workspace part; if it is not there, the command is still added.
  if (choice === runIt) await vscode.commands.executeCommand('hostCommands.runHostCommand', commandId).then(undefined, () => undefined);
  if (choice === edit) await openCommandsInSettingsJson(commandId);
}
