// The one contract between the workspace part (container) and the bridge (host).
//
// Messages cross extension hosts through `vscode.commands.executeCommand`, which JSON-serializes them.
// Every message is therefore a plain JSON object, versioned, declared once here as a zod schema, and
// validated on arrival by the side that receives it. Both sides serialize even when they share one host,
// so a same-host caller cannot slip in getters, prototypes or shared references.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { lazy } from './lazy';

// zod/mini keeps the bundles small; the English locale gives its errors readable messages.
z.config(en());

export const PROTOCOL_VERSION = 1;

/** Command ids the bridge registers. Only these cross from the workspace side to the host. */
export const BridgeCommands = {
  list: 'hostCommands.bridge.list',
  start: 'hostCommands.bridge.start',
  poll: 'hostCommands.bridge.poll',
  cancel: 'hostCommands.bridge.cancel',
  hello: 'hostCommands.bridge.hello',
} as const;

/** Largest request the bridge reads, as serialized JSON. */
export const MAX_REQUEST_BYTES = 64 * 1024;
export const MAX_PARAM_VALUE_LENGTH = 4096;
export const MAX_PARAMS = 32;

const version = lazy(() => z.literal(PROTOCOL_VERSION));

/** A string limited by a pattern and/or a length, with readable messages. */
export function text(options: { pattern?: RegExp; message?: string; min?: number; max?: number } = {}) {
  const checks = [];
  if (options.min !== undefined) checks.push(z.minLength(options.min));
  if (options.max !== undefined) checks.push(z.maxLength(options.max, options.message));
  if (options.pattern) checks.push(z.regex(options.pattern, options.message));
  return checks.length ? z.string().check(...checks) : z.string();
}

export const commandIdSchema = lazy(() => text({
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  message: 'a command id is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
}));

/** Names that would reach Object.prototype if a record were ever used as a plain object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const parameterNameSchema = lazy(() => z
  .string()
  .check(
    z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a parameter name is a letter or "_" followed by letters, digits or "_"'),
    z.refine((name) => !FORBIDDEN_KEYS.has(name), 'this parameter name is reserved'),
  ));

export const paramsSchema = lazy(() => z.pipe(
  // A record schema drops a "__proto__" key before its key schema sees it, so that name would be silently
  // ignored instead of refused like the other reserved names: check for it on the value as it arrived.
  z.custom<Record<string, string>>((value) => !(value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')), {
    message: 'the parameter name "__proto__" is reserved',
  }),
  z
    .record(parameterNameSchema, text({ max: MAX_PARAM_VALUE_LENGTH, message: `a parameter value is at most ${MAX_PARAM_VALUE_LENGTH} characters` }))
    .check(z.refine((params) => Object.keys(params).length <= MAX_PARAMS, `at most ${MAX_PARAMS} parameters`)),
));

/** Who asked: recorded in the audit log and shown in the prompt. */
export const requestSourceSchema = lazy(() => z.enum(['palette', 'statusBar', 'task', 'api', 'cli', 'tool', 'keybinding']));
export type RequestSource = z.infer<typeof requestSourceSchema>;

const runIdSchema = lazy(() => text({ pattern: /^run-[0-9a-f]{16,64}$/, message: 'not a run id' }));
const count = () => z.number().check(z.int(), z.gte(0));

// ---- requests (workspace side → bridge) -------------------------------------------------------

export const helloRequestSchema = lazy(() => z.strictObject({ v: version }));

export const listRequestSchema = lazy(() => z.strictObject({
  v: version,
  source: requestSourceSchema,
}));

export const startRequestSchema = lazy(() => z.strictObject({
  v: version,
  command: commandIdSchema,
  params: z._default(paramsSchema, {}),
  source: requestSourceSchema,
  /** true: the caller polls for the output bytes (tasks, CLI); false: output goes to the output channel only. */
  stream: z._default(z.boolean(), false),
  /**
   * The caller's working directory as the container sees it (a task's cwd, the CLI's current folder).
   * It must lie inside the workspace folder and is mapped to the host; used when the definition sets no cwd.
   */
  cwd: z.optional(text({ min: 1, max: 1024 })),
  /** A label for the run, informational only. */
  label: z.optional(text({ max: 200 })),
}));

export const pollRequestSchema = lazy(() => z.strictObject({
  v: version,
  runId: runIdSchema,
  /** Byte offset of the combined output the caller has already consumed. */
  cursor: count(),
  /** How long the bridge may hold the poll open waiting for output. */
  waitMs: z._default(z.number().check(z.int(), z.gte(0), z.lte(5000)), 1000),
}));

export const cancelRequestSchema = lazy(() => z.strictObject({
  v: version,
  runId: runIdSchema,
}));

export type ListRequest = z.infer<typeof listRequestSchema>;
export type StartRequest = z.input<typeof startRequestSchema>;
export type PollRequest = z.input<typeof pollRequestSchema>;
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

// ---- responses (bridge → workspace side) ------------------------------------------------------

export const errorCodeSchema = lazy(() => z.enum([
  'invalid-request', // the message failed validation
  'unsupported-version',
  'unknown-command',
  'invalid-params',
  'denied', // the user said no
  'refused', // policy refused it (restricted mode, env hook, missing host path, …)
  'busy', // too many prompts or runs waiting
  'unknown-run',
  'spawn-failed',
]));
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorResponseSchema = lazy(() => z.strictObject({
  v: version,
  ok: z.literal(false),
  code: errorCodeSchema,
  message: z.string(),
}));
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export const parameterSpecSchema = lazy(() => z.strictObject({
  name: parameterNameSchema,
  description: z.optional(z.string()),
  pattern: z.optional(z.string()),
  enum: z.optional(z.array(z.string())),
  maxLength: z.optional(z.number().check(z.int(), z.positive())),
  required: z.boolean(),
  default: z.optional(z.string()),
}));
export type ParameterSpec = z.infer<typeof parameterSpecSchema>;

export const statusBarSpecSchema = lazy(() => z.strictObject({
  text: text({ max: 100 }),
  tooltip: z.optional(text({ max: 500 })),
  alignment: z._default(z.enum(['left', 'right']), 'left'),
  priority: z.optional(z.number()),
}));
export type StatusBarSpec = z.infer<typeof statusBarSpecSchema>;

export const commandOriginSchema = lazy(() => z.enum(['user', 'workspace']));
export type CommandOrigin = z.infer<typeof commandOriginSchema>;

export const commandSummarySchema = lazy(() => z.strictObject({
  id: commandIdSchema,
  title: z.string(),
  description: z.optional(z.string()),
  origin: commandOriginSchema,
  parameters: z.array(parameterSpecSchema),
  statusBar: z.optional(statusBarSpecSchema),
  /** What the user will be asked before it runs: nothing, a confirmation, or a first-time approval. */
  prompt: z.enum(['none', 'confirm', 'approve']),
}));
export type CommandSummary = z.infer<typeof commandSummarySchema>;

export const helloResponseSchema = lazy(() => z.strictObject({
  v: version,
  ok: z.literal(true),
  bridgeVersion: z.string(),
  /** Where host commands really run: 'host' when the bridge is a UI extension, 'remote' when it was forced next to the workspace. */
  runsOn: z.enum(['host', 'remote']),
}));

export const listResponseSchema = lazy(() => z.strictObject({
  v: version,
  ok: z.literal(true),
  commands: z.array(commandSummarySchema),
  /** Problems worth telling the user about (a malformed proposals file, a shadowed id, restricted mode). */
  warnings: z.array(z.string()),
}));
export type ListResponse = z.infer<typeof listResponseSchema>;

export const resolvedViewSchema = lazy(() => z.strictObject({
  program: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
}));

export const startResponseSchema = lazy(() => z.strictObject({
  v: version,
  ok: z.literal(true),
  runId: z.string(),
  resolved: resolvedViewSchema,
  /** The workspace folder on both sides, when known, so the caller can turn host paths in output into container paths. */
  folder: z.optional(z.strictObject({ hostPath: z.string(), containerPath: z.string(), hostFlavor: z.enum(['posix', 'win32']) })),
}));
export type StartResponse = z.infer<typeof startResponseSchema>;

export const outputChunkSchema = lazy(() => z.strictObject({
  stream: z.enum(['stdout', 'stderr']),
  /** The exact bytes, base64: output need not be valid UTF-8 and must arrive byte-exact. */
  data: z.string(),
}));
export type OutputChunk = z.infer<typeof outputChunkSchema>;

export const runOutcomeSchema = lazy(() => z.strictObject({
  exitCode: z.nullable(z.number().check(z.int())),
  signal: z.nullable(z.string()),
  durationMs: z.number().check(z.gte(0)),
  /** Why it ended abnormally: cancelled, timed out, caller gone, failed to start. */
  reason: z.enum(['exited', 'cancelled', 'timeout', 'caller-gone', 'spawn-failed', 'shutdown']),
  message: z.optional(z.string()),
}));
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

export const pollResponseSchema = lazy(() => z.strictObject({
  v: version,
  ok: z.literal(true),
  chunks: z.array(outputChunkSchema),
  cursor: count(),
  /** Present once the process has ended and every byte before it has been delivered. */
  outcome: z.optional(runOutcomeSchema),
}));
export type PollResponse = z.infer<typeof pollResponseSchema>;

export const cancelResponseSchema = lazy(() => z.strictObject({ v: version, ok: z.literal(true), cancelled: z.boolean() }));

export const listReplySchema = lazy(() => z.union([listResponseSchema, errorResponseSchema]));
export const startReplySchema = lazy(() => z.union([startResponseSchema, errorResponseSchema]));
export const pollReplySchema = lazy(() => z.union([pollResponseSchema, errorResponseSchema]));
export const cancelReplySchema = lazy(() => z.union([cancelResponseSchema, errorResponseSchema]));
export const helloReplySchema = lazy(() => z.union([helloResponseSchema, errorResponseSchema]));

// ---- wire helpers -------------------------------------------------------------------------------

export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/**
 * What crosses the boundary: a deep JSON copy, exactly what executeCommand would deliver across hosts.
 * A cyclic or non-serializable value becomes a refusal, not a partial message.
 */
export function toWire(value: unknown, maxBytes = MAX_REQUEST_BYTES): unknown {
  return JSON.parse(wireText(value, maxBytes)) as unknown;
}

/**
 * The checks toWire makes (plain JSON, not empty, at most maxBytes serialized) without the copy, for a value whose
 * copy nobody needs. The string lengths usually settle the size without serializing anything: each UTF-16 unit
 * of a string takes 1 to 6 bytes of JSON. Only when they do not is the value serialized to measure it.
 */
export function checkWire(value: unknown, maxBytes = MAX_REQUEST_BYTES): void {
  const size = jsonSizeBounds(value, 0);
  if (size && size.max <= maxBytes) return;
  if (size && size.min > maxBytes) throw tooLarge(maxBytes);
  wireText(value, maxBytes);
}

function wireText(value: unknown, maxBytes: number): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    throw new ProtocolError('invalid-request', 'the message is not plain JSON (cyclic or not serializable)');
  }
  if (text === undefined) throw new ProtocolError('invalid-request', 'the message is empty');
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw tooLarge(maxBytes);
  return text;
}

function tooLarge(maxBytes: number): ProtocolError {
  return new ProtocolError('invalid-request', `the message is larger than ${maxBytes} bytes`);
}

interface SizeBounds {
  min: number;
  max: number;
}

/**
 * Lower and upper bounds of the UTF-8 size of JSON.stringify(value), for plain data (strings, finite numbers,
 * booleans, null, arrays, objects with no prototype but Object's); undefined for anything else (toJSON, class
 * instances, values JSON leaves out, deep nesting, which may be a cycle), which has to be serialized to know.
 */
function jsonSizeBounds(value: unknown, depth: number): SizeBounds | undefined {
  if (typeof value === 'string') return { min: value.length + 2, max: 6 * value.length + 2 };
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    const size = String(JSON.stringify(value)).length;
    return { min: size, max: size };
  }
  if (typeof value !== 'object' || depth >= 32 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const total: SizeBounds = { min: 2, max: 2 };
  let members = 0;
  const add = (item: SizeBounds | undefined): boolean => {
    if (!item) return false;
    total.min += item.min + (members > 0 ? 1 : 0);
    total.max += item.max + (members > 0 ? 1 : 0);
    members++;
    return true;
  };
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      // JSON writes null for what it cannot hold in an array.
      const left = item === undefined || typeof item === 'function' || typeof item === 'symbol';
      if (!add(left ? { min: 4, max: 4 } : jsonSizeBounds(item, depth + 1))) return undefined;
    }
    return total;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    // …and leaves such members out of an object.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    const member = jsonSizeBounds(item, depth + 1);
    if (!member || !add({ min: key.length + 3 + member.min, max: 6 * key.length + 3 + member.max })) return undefined;
  }
  return total;
}

/** Validates a message that arrived from the other side; returns it or throws a ProtocolError. */
export function parseMessage<S extends z.ZodMiniType>(schema: S, raw: unknown, maxBytes = MAX_REQUEST_BYTES): z.output<S> {
  const wire = toWire(raw, maxBytes);
  if (wire !== null && typeof wire === 'object' && 'v' in wire && wire.v !== PROTOCOL_VERSION) {
    throw new ProtocolError('unsupported-version', `protocol version ${JSON.stringify(wire.v)} is not supported (this bridge speaks ${PROTOCOL_VERSION})`);
  }
  const parsed = schema.safeParse(wire);
  if (!parsed.success) {
    throw new ProtocolError('invalid-request', `invalid message: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

export function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ` : '') + plainMessage(issue.message))
    .join('; ');
}

/** zod's wording for a missing field, in the words a settings.json author uses. */
function plainMessage(message: string): string {
  return /^Invalid input: expected \w+, received undefined$/.test(message) ? 'is required' : message;
}

export function errorResponse(code: ErrorCode, message: string): ErrorResponse {
  return { v: PROTOCOL_VERSION, ok: false, code, message };
}
