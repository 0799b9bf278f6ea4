// Command definitions: the trusted ones from the host user's `hostCommands.commands` setting, and the
// proposals a workspace makes in `.vscode/host-commands.json`. One schema, with the fields only the
// host user may use (shell, confirm) refused in proposals.
// The ESM build: bundled through its package "main" (UMD), jsonc-parser's dynamic require('./impl/…') breaks at load time.
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import * as z from 'zod/mini';
import { lazy } from './lazy';
import { compilePattern } from './parameters';
import { commandIdSchema, describeIssues, MAX_PARAMS, parameterNameSchema, statusBarSpecSchema, text, type CommandOrigin, type ParameterSpec } from './protocol';

export const PROPOSALS_FILE = '.vscode/host-commands.json';

const parameterSchema = lazy(() => z.strictObject({
  description: z.optional(text({ max: 500 })),
  /** A regular expression the whole value must match. */
  pattern: z.optional(text({ max: 500 })),
  enum: z.optional(z.array(text({ max: 4096 })).check(z.minLength(1), z.maxLength(200))),
  maxLength: z.optional(z.number().check(z.int(), z.positive(), z.lte(4096))),
  required: z.optional(z.boolean()),
  default: z.optional(text({ max: 4096 })),
}));
export type ParameterDefinition = z.infer<typeof parameterSchema>;

const envNameSchema = lazy(() => text({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, message: 'an environment variable name is letters, digits and "_"' }));

const baseDefinitionShape = () => ({
  title: z.optional(text({ min: 1, max: 100 })),
  description: z.optional(text({ max: 500 })),
  /** A program name looked up on the host's PATH, or an absolute host path. */
  program: text({ min: 1, max: 1024 }),
  args: z._default(z.array(text({ max: 8192 })).check(z.maxLength(256)), []),
  /** Working directory on the host; variables allowed. Default: the workspace folder on the host, else the home folder. */
  cwd: z.optional(text({ max: 1024 })),
  env: z._default(z.record(envNameSchema, text({ max: 8192 })), {}),
  parameters: z._default(
    z.record(parameterNameSchema, parameterSchema).check(z.refine((parameters) => Object.keys(parameters).length <= MAX_PARAMS, `at most ${MAX_PARAMS} parameters`)),
    {},
  ),
  timeoutSeconds: z.optional(z.number().check(z.positive(), z.lte(7 * 24 * 3600))),
  statusBar: z.optional(statusBarSpecSchema),
});

export const trustedDefinitionSchema = lazy(() => z.strictObject({
  ...baseDefinitionShape(),
  /** Run through the host's shell. Only the host user can ask for this. */
  shell: z._default(z.boolean(), false),
  /** `always` (default) asks before each run; `never` runs without asking. */
  confirm: z._default(z.enum(['always', 'never']), 'always'),
}));

export const proposedDefinitionSchema = lazy(() => z.strictObject(baseDefinitionShape()));

export type TrustedDefinition = z.infer<typeof trustedDefinitionSchema>;
export type ProposedDefinition = z.infer<typeof proposedDefinitionSchema>;

/** A definition after loading, whatever its origin. */
export interface CommandDefinition extends ProposedDefinition {
  id: string;
  origin: CommandOrigin;
  shell: boolean;
  confirm: 'always' | 'never';
}

export const proposalsFileSchema = lazy(() => z.strictObject({
  $schema: z.optional(z.string()),
  commands: z.record(z.string(), z.unknown()),
}));

export interface LoadResult {
  definitions: CommandDefinition[];
  warnings: string[];
}

/** Reads the trusted setting value. Invalid entries are skipped with a warning, never half-used. */
export function loadTrustedDefinitions(value: unknown): LoadResult {
  const warnings: string[] = [];
  const definitions: CommandDefinition[] = [];
  if (value === undefined || value === null) return { definitions, warnings };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { definitions, warnings: ['hostCommands.commands must be an object of command id → definition'] };
  }
  for (const [id, raw] of Object.entries(value)) {
    if (!commandIdSchema.safeParse(id).success) {
      warnings.push(`hostCommands.commands: "${id}" is not a valid command id; skipped`);
      continue;
    }
    const parsed = trustedDefinitionSchema.safeParse(raw);
    if (!parsed.success) {
      warnings.push(`hostCommands.commands.${id}: ${describeIssues(parsed.error)}; skipped`);
      continue;
    }
    const problems = definitionProblems(parsed.data);
    if (problems.length > 0) {
      warnings.push(`hostCommands.commands.${id}: ${problems.slice(0, 5).join('; ')}; skipped`);
      continue;
    }
    definitions.push({ ...parsed.data, id, origin: 'user' });
  }
  return { definitions, warnings };
}

/** Reads a workspace proposals file (its text). Fields reserved to trusted commands make the entry invalid. */
export function loadProposedDefinitions(text: string, fileLabel = PROPOSALS_FILE): LoadResult {
  const warnings: string[] = [];
  const definitions: CommandDefinition[] = [];
  // Files under .vscode allow comments and trailing commas; read them as the editor does.
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    const before = text.slice(0, first.offset).split('\n');
    const where = `line ${before.length}, column ${before.at(-1)!.length + 1}`;
    return { definitions, warnings: [`${fileLabel}: not valid JSON (${printParseErrorCode(first.error)} at ${where})`] };
  }
  const file = proposalsFileSchema.safeParse(json);
  if (!file.success) return { definitions, warnings: [`${fileLabel}: ${describeIssues(file.error)}`] };
  for (const [id, raw] of Object.entries(file.data.commands)) {
    if (!commandIdSchema.safeParse(id).success) {
      warnings.push(`${fileLabel}: "${id}" is not a valid command id; skipped`);
      continue;
    }
    const parsed = proposedDefinitionSchema.safeParse(raw);
    if (!parsed.success) {
      warnings.push(`${fileLabel}: ${id}: ${describeIssues(parsed.error)}; skipped`);
      continue;
    }
    const problems = definitionProblems({ ...parsed.data, shell: false, confirm: 'always' });
    if (problems.length > 0) {
      warnings.push(`${fileLabel}: ${id}: ${problems.slice(0, 5).join('; ')}; skipped`);
      continue;
    }
    definitions.push({ ...parsed.data, id, origin: 'workspace', shell: false, confirm: 'always' });
  }
  return { definitions, warnings };
}

/** A ${…} variable in a template; the name is the first group. Global: use with replace or matchAll. */
export const VARIABLE_PATTERN = /\$\{([^}]*)\}/g;

/** The variables a definition may use besides ${param:NAME}; resolve.ts gives each its value. */
export const KNOWN_VARIABLES: readonly string[] = ['workspaceFolder', 'containerWorkspaceFolder', 'workspaceFolderBasename', 'userHome', 'pathSeparator'];

/**
 * What the schema cannot see but would make every run fail: an unknown variable, a parameter that is not
 * declared (or used with a shell), a pattern that is not a regular expression. Found when the definition is
 * loaded, so it is reported with the others rather than at the first run.
 */
export function definitionProblems(definition: Omit<CommandDefinition, 'id' | 'origin'>): string[] {
  const problems: string[] = [];
  const templates: Array<[string, string]> = [
    ['program', definition.program],
    ...definition.args.map((arg, index): [string, string] => [`args[${index}]`, arg]),
    ...(definition.cwd === undefined ? [] : [['cwd', definition.cwd] as [string, string]]),
    ...Object.entries(definition.env).map(([name, value]): [string, string] => [`env.${name}`, value]),
  ];
  for (const [where, template] of templates) {
    for (const [, name] of template.matchAll(VARIABLE_PATTERN)) {
      if (name!.startsWith('param:')) {
        const param = name!.slice('param:'.length);
        if (!Object.hasOwn(definition.parameters, param)) problems.push(`${where}: \${${name}} names no declared parameter`);
        else if (definition.shell) problems.push(`${where}: parameters cannot be used with "shell": true`);
      } else if (!KNOWN_VARIABLES.includes(name!)) {
        problems.push(`${where}: unknown variable \${${name}} (known: ${KNOWN_VARIABLES.map((known) => `\${${known}}`).join(', ')}, \${param:NAME})`);
      }
    }
  }
  for (const [name, parameter] of Object.entries(definition.parameters)) {
    if (parameter.pattern !== undefined && compilePattern(parameter.pattern) === undefined) problems.push(`parameters.${name}.pattern is not a valid regular expression`);
  }
  return problems;
}

/** Trusted definitions win over proposals with the same id: a workspace cannot impersonate the user's command. */
export function mergeDefinitions(trusted: LoadResult, proposed: LoadResult): LoadResult {
  const byId = new Map<string, CommandDefinition>();
  const warnings = [...trusted.warnings, ...proposed.warnings];
  for (const definition of trusted.definitions) byId.set(definition.id, definition);
  for (const definition of proposed.definitions) {
    if (byId.has(definition.id)) {
      warnings.push(`The workspace proposes "${definition.id}", the id of one of your own host commands; the proposal is ignored.`);
      continue;
    }
    byId.set(definition.id, definition);
  }
  return { definitions: [...byId.values()], warnings };
}

export function parameterSpecs(definition: CommandDefinition): ParameterSpec[] {
  return Object.entries(definition.parameters).map(([name, parameter]) => ({
    name,
    description: parameter.description,
    pattern: parameter.pattern,
    enum: parameter.enum,
    maxLength: parameter.maxLength,
    required: parameter.required ?? parameter.default === undefined,
    default: parameter.default,
  }));
}
