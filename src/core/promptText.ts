// The words of the host prompt. Every value that came from the workspace side is escaped for display,
// and the prompt says what the user is really agreeing to.
import { displayArgument, escapeForDisplay, hasDisguisingCharacters } from './displayEscape';
import type { RequestSource } from './protocol';
import type { ResolvedCommand } from './resolve';

export type PromptKind = 'confirm' | 'approve';

export interface PromptContent {
  message: string;
  detail: string;
  /** Button labels; the dialog adds Cancel itself. */
  buttons: string[];
}

/**
 * Listed first, so it is the dialog's default button. A request from the container can be timed to open
 * the prompt while the user is typing in the editor: their next Enter must answer "no", never "run".
 */
export const DONT_RUN_BUTTON = "Don't Run";
export const RUN_BUTTON = 'Run';
export const RUN_ONCE_BUTTON = 'Run Once';
export const ALWAYS_BUTTON = 'Always Allow in This Workspace';

const SOURCE_LABEL: Record<RequestSource, string> = {
  palette: 'the command palette',
  statusBar: 'a status bar button',
  task: 'a task',
  api: 'an extension or keybinding',
  cli: 'the host-command CLI in the container',
  tool: 'an AI agent tool',
  keybinding: 'a keybinding',
};

/** A parameter as the approval prompt explains it: what an "always" approval will cover. */
export interface PromptParameter {
  name: string;
  value: string | undefined;
  /** The definition's constraint, e.g. `must match /[a-z]+/`; undefined when any value is accepted. */
  rule: string | undefined;
}

/**
 * Whether "Always Allow" can mean what it says for a proposal: not when what runs depends on code in an argument
 * or on a tool's configuration in the workspace, which an approval of the command line cannot pin down.
 */
export function alwaysAllowable(command: ResolvedCommand): boolean {
  return command.inlineCode === undefined && command.workspaceConfiguration === undefined;
}

export function promptContent(
  kind: PromptKind,
  command: ResolvedCommand,
  source: RequestSource,
  workspaceLabel: string,
  parameters: PromptParameter[] = [],
  {
    approvedEarlier = false,
    missingFiles = [],
    unpinnableFiles = {},
    changedInSettings = false,
    thenRunsWithoutAsking = false,
    callerPicksCwd = false,
  }: {
    approvedEarlier?: boolean;
    missingFiles?: readonly string[];
    /** Workspace files an approval cannot be bound to (a folder, a pipe, a huge file), with the reason. */
    unpinnableFiles?: Readonly<Record<string, string>>;
    changedInSettings?: boolean;
    thenRunsWithoutAsking?: boolean;
    /** The definition sets no cwd: callers (a task, the CLI) may run it in any folder of the workspace. */
    callerPicksCwd?: boolean;
  } = {},
): PromptContent {
  const lines: string[] = [];
  const always = alwaysAllowable(command) && Object.keys(unpinnableFiles).length === 0;
  if (changedInSettings) {
    lines.push(
      'This command is new or changed in your user settings since you last confirmed it. Extensions can write your settings too, including extensions running in the container: run it only if you added or changed it yourself.',
      ...(thenRunsWithoutAsking ? ['Once you run it, it runs without asking (its "confirm" is "never") until its definition changes.'] : []),
      '',
    );
  }
  if (approvedEarlier) {
    lines.push('You always allowed an earlier version of this command. Something it depends on has changed since (its definition, a file it runs, or a parameter value), so you are asked again.', '');
  }
  const values = [command.title, workspaceLabel, command.programPath, ...command.args, command.cwd, ...Object.entries(command.envAdditions).flat()];
  if (values.some(hasDisguisingCharacters)) {
    lines.push('⚠ Some values contain invisible, control or direction-changing characters; they are shown escaped.', '');
  }
  lines.push(`Program: ${escapeForDisplay(command.programPath)}`);
  if (command.shell) lines.push('Runs through the host shell: the command line is interpreted by the shell.');
  if (command.args.length === 0) lines.push('Arguments: (none)');
  else {
    lines.push('Arguments:');
    command.args.forEach((arg, index) => lines.push(`  [${index + 1}] ${displayArgument(arg)}`));
  }
  lines.push(`Working directory: ${escapeForDisplay(command.cwd)}`);
  if (callerPicksCwd) lines.push('  (no "cwd" in the definition: callers may run it in any folder of the workspace)');
  const env = Object.entries(command.envAdditions);
  if (env.length > 0) {
    lines.push('Environment additions:');
    for (const [name, value] of env) lines.push(`  ${escapeForDisplay(name)}=${displayArgument(value)}`);
  }
  if (command.timeoutMs !== undefined) lines.push(`Time limit: ${Math.round(command.timeoutMs / 1000)} s`);
  if (kind === 'approve' && parameters.length > 0) {
    lines.push('', 'Parameters (an approval covers other values only where a rule limits them):');
    for (const parameter of parameters) {
      const value = parameter.value === undefined ? '(not given)' : displayArgument(parameter.value);
      lines.push(`  ${parameter.name} = ${value} — ${parameter.rule ? escapeForDisplay(parameter.rule) : 'any value: approved for this value only'}`);
    }
  } else if (changedInSettings && parameters.length > 0) {
    lines.push('', 'Parameters (callers may give other values; only the rule limits them):');
    for (const parameter of parameters) {
      const value = parameter.value === undefined ? '(not given)' : displayArgument(parameter.value);
      lines.push(`  ${parameter.name} = ${value} — ${parameter.rule ? escapeForDisplay(parameter.rule) : '⚠ any value'}`);
    }
  }
  if (command.workspaceFiles.length > 0) {
    lines.push('', 'These files are inside the workspace, which the container can change at any time:');
    for (const file of command.workspaceFiles) {
      const note = missingFiles.includes(file) ? ' (not there now)' : Object.hasOwn(unpinnableFiles, file) ? ` (${unpinnableFiles[file]}: an approval cannot pin it down)` : '';
      lines.push(`  ${escapeForDisplay(file)}${note}`);
    }
    if (kind === 'approve' && always) lines.push('An approval holds only while their content stays exactly as it is now.');
  }
  if (command.workspaceConfiguration) {
    const { tool, reads } = command.workspaceConfiguration;
    lines.push('', `⚠ ${tool} works in the workspace and follows ${reads} there. The container can change those at any time, so running it trusts them too, not only this command line.`);
  }
  if (command.inlineCode && kind === 'approve') {
    lines.push('', `⚠ It runs code written into its arguments (${escapeForDisplay(command.inlineCode)}); what that code runs from the workspace can change after you answer.`);
  }
  if (kind === 'approve' && !always) lines.push('So this proposal is asked about every time: "Always Allow" is not offered for it.');
  lines.push('', `Requested by ${SOURCE_LABEL[source]}.`);

  const title = escapeForDisplay(command.title);
  if (kind === 'approve') {
    return {
      message: `The workspace "${escapeForDisplay(workspaceLabel)}" proposes a host command: ${title}. Run it on this machine?`,
      detail: lines.join('\n'),
      buttons: always ? [DONT_RUN_BUTTON, RUN_ONCE_BUTTON, ALWAYS_BUTTON] : [DONT_RUN_BUTTON, RUN_ONCE_BUTTON],
    };
  }
  const message = changedInSettings ? `Run "${title}" on the host? It is new or changed in your settings.` : `Run "${title}" on the host?`;
  return { message, detail: lines.join('\n'), buttons: [DONT_RUN_BUTTON, RUN_BUTTON] };
}
