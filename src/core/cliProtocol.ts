// The local protocol between the `host-command` CLI in the container terminal and the workspace part:
// newline-delimited JSON over a Unix socket in a private folder. The workspace part forwards each request
// to the bridge like any other entry point, so the CLI gets the same validation, prompts and audit.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { displayArgument, escapeForDisplay } from './displayEscape';
import { describeOutcome } from './outcome';
import { commandIdSchema, commandSummarySchema, paramsSchema, PROTOCOL_VERSION, runOutcomeSchema, text, type CommandSummary, type RunOutcome } from './protocol';

export const CLI_ENV_SOCKET = 'HOST_COMMANDS_IPC';

/**
 * The name of the CLI's folder under the OS temp folder (and of its named pipe on Windows): the same for a
 * user and a workspace every time, so that a terminal restored after a window reload, which keeps the
 * environment it was started with, still finds the socket and the `host-command` script.
 */
export function cliFolderName(user: string, workspaceKey: string): string {
  const hash = createHash('sha256').update(workspaceKey).digest('hex').slice(0, 12);
  return `host-commands-${user.replace(/[^A-Za-z0-9_.-]/g, '_')}-${hash}`;
}

/** "name=" when required; "[name=default]" or "[name=]" when it may be left out. */
function parameterUsage(parameter: CommandSummary['parameters'][number]): string {
  const usage = `${escapeForDisplay(parameter.name)}=${parameter.default === undefined ? '' : displayArgument(parameter.default)}`;
  return parameter.required ? usage : `[${usage}]`;
}

/** `host-command --list`: a row per command in aligned columns, every value escaped so that none can disguise the others. */
export function formatCommandList(commands: readonly CommandSummary[]): string {
  const rows = commands.map((command) => [
    escapeForDisplay(command.id),
    escapeForDisplay(command.origin),
    escapeForDisplay(command.title),
    command.parameters.length ? `(${command.parameters.map(parameterUsage).join(' ')})` : '',
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(0, ...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `${row.map((cell, column) => (column < widths.length ? cell.padEnd(widths[column]!) : cell)).join('  ').trimEnd()}\n`).join('');
}

/** Whether a run ended other than by its process exiting with a code of its own (killed, cancelled, timed out, never started). */
export function endedAbnormally(outcome: RunOutcome): boolean {
  return outcome.reason !== 'exited' || outcome.exitCode === null;
}

/** What the CLI writes to stderr when a run ended abnormally, e.g. "host-command: build timed out and was stopped". */
export function describeCliEnd(command: string, outcome: RunOutcome): string {
  return `host-command: ${escapeForDisplay(command)} ${escapeForDisplay(describeOutcome(outcome))}`;
}

export const cliRequestSchema = z.union([
  z.strictObject({ v: z.literal(PROTOCOL_VERSION), kind: z.literal('list') }),
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    kind: z.literal('run'),
    command: commandIdSchema,
    params: z._default(paramsSchema, {}),
    cwd: z.optional(text({ min: 1, max: 1024 })),
  }),
]);
export type CliRequest = z.infer<typeof cliRequestSchema>;

export const cliFrameSchema = z.union([
  z.strictObject({ kind: z.literal('list'), commands: z.array(commandSummarySchema) }),
  z.strictObject({ kind: z.literal('output'), stream: z.enum(['stdout', 'stderr']), data: z.string() }),
  z.strictObject({ kind: z.literal('exit'), outcome: runOutcomeSchema }),
  z.strictObject({ kind: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type CliFrame = z.infer<typeof cliFrameSchema>;

export interface ParsedArgs {
  kind: 'help' | 'list' | 'run';
  command?: string;
  params: Record<string, string>;
  cwd?: string;
  error?: string;
}

export const CLI_USAGE = `Usage: host-command <command-id> [name=value ...]
       host-command --list
Runs an approved host command on the host machine, through VS Code's Host Commands bridge.
Output and exit code are the host process's. Ctrl-C cancels it on the host.
Options:
  --list        list the host commands you can run here
  --cwd DIR     working directory inside the workspace (default: the current directory)
  --no-cwd      use the command's own working directory
  -h, --help    show this help`;

/** Parses the CLI's arguments; pure, so it is unit-tested. */
export function parseCliArgs(argv: string[], currentDirectory: string): ParsedArgs {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  let command: string | undefined;
  let cwd: string | undefined = currentDirectory;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (command === undefined && (arg === '-h' || arg === '--help')) return { kind: 'help', params };
    if (command === undefined && arg === '--list') return { kind: 'list', params };
    if (command === undefined && arg === '--no-cwd') {
      cwd = undefined;
      continue;
    }
    if (command === undefined && arg === '--cwd') {
      const value = argv[++i];
      if (value === undefined) return { kind: 'help', params, error: '--cwd needs a folder' };
      cwd = value;
      continue;
    }
    if (command === undefined) {
      if (arg.startsWith('-')) return { kind: 'help', params, error: `unknown option ${arg}` };
      command = arg;
      continue;
    }
    const equals = arg.indexOf('=');
    if (equals <= 0) return { kind: 'help', params, error: `parameters are name=value, got ${JSON.stringify(arg)}` };
    params[arg.slice(0, equals)] = arg.slice(equals + 1);
  }
  if (command === undefined) return { kind: 'help', params, error: 'which host command? (host-command --list shows them)' };
  return { kind: 'run', command, params, ...(cwd !== undefined ? { cwd } : {}) };
}
