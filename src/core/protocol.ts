// The one contract between the workspace part (container) and the bridge (host).
//
// Messages cross extension hosts through `vscode.commands.executeCommand`, which JSON-serializes them.
// Every message is therefore a plain JSON object, versioned, declared once here as a zod schema, and
// validated on arrival by the side that receives it. Both sides serialize even when they share one host,
// so a same-host caller cannot slip in getters, prototypes or shared references.
import { z } from 'zod';

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

const version = z.literal(PROTOCOL_VERSION);

export const commandIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a command id is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** Names that would reach Object.prototype if a record were ever used as a plain object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const parameterNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a parameter name is a letter or "_" followed by letters, digits or "_"')
  .refine((name) => !FORBIDDEN_KEYS.has(name), 'this parameter name is reserved');

export const paramsSchema = z
  // A record schema drops a "__proto__" key before its key schema sees it, so that name would be silently
  // ignored instead of refused like the other reserved names: check for it on the value as it arrived.
  .custom<Record<string, string>>((value) => !(value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')), {
    message: 'the parameter name "__proto__" is reserved',
  })
  .pipe(z.record(parameterNameSchema, z.string().max(MAX_PARAM_VALUE_LENGTH, `a parameter value is at most ${MAX_PARAM_VALUE_LENGTH} characters`)))
  .refine((params) => Object.keys(params).length <= MAX_PARAMS, `at most ${MAX_PARAMS} parameters`);

/** Who asked: recorded in the audit log and shown in the prompt. */
export const requestSourceSchema = z.enum(['palette', 'statusBar', 'task', 'api', 'cli', 'tool', 'keybinding']);
export type RequestSource = z.infer<typeof requestSourceSchema>;

// ---- requests (workspace side → bridge) -------------------------------------------------------

export const helloRequestSchema = z.strictObject({ v: version });

export const listRequestSchema = z.strictObject({
  v: version,
  source: requestSourceSchema,
});

export const startRequestSchema = z.strictObject({
  v: version,
  command: commandIdSchema,
  params: paramsSchema.default({}),
  source: requestSourceSchema,
  /** true: the caller polls for the output bytes (tasks, CLI); false: output goes to the output channel only. */
  stream: z.boolean().default(false),
  /** Terminal columns, so a task's output can be sized; informational only. */
  label: z.string().max(200).optional(),
});

export const pollRequestSchema = z.strictObject({
  v: version,
  runId: z.string().regex(/^run-[0-9a-f]{16,64}$/),
  /** Byte offset of the combined output the caller has already consumed. */
  cursor: z.number().int().nonnegative(),
  /** How long the bridge may hold the poll open waiting for output. */
  waitMs: z.number().int().min(0).max(5000).default(1000),
});

export const cancelRequestSchema = z.strictObject({
  v: version,
  runId: z.string().regex(/^run-[0-9a-f]{16,64}$/),
});

export type ListRequest = z.infer<typeof listRequestSchema>;
export type StartRequest = z.input<typeof startRequestSchema>;
export type PollRequest = z.input<typeof pollRequestSchema>;
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

// ---- responses (bridge → workspace side) ------------------------------------------------------

export const errorCodeSchema = z.enum([
  'invalid-request', // the message failed validation
  'unsupported-version',
  'unknown-command',
  'invalid-params',
  'denied', // the user said no
  'refused', // policy refused it (restricted mode, env hook, missing host path, …)
  'busy', // too many prompts or runs waiting
  'unknown-run',
  'spawn-failed',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorResponseSchema = z.strictObject({
  v: version,
  ok: z.literal(false),
  code: errorCodeSchema,
  message: z.string(),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export const parameterSpecSchema = z.strictObject({
  name: parameterNameSchema,
  description: z.string().optional(),
  pattern: z.string().optional(),
  enum: z.array(z.string()).optional(),
  maxLength: z.number().int().positive().optional(),
  required: z.boolean(),
  default: z.string().optional(),
});
export type ParameterSpec = z.infer<typeof parameterSpecSchema>;

export const statusBarSpecSchema = z.strictObject({
  text: z.string().max(100),
  tooltip: z.string().max(500).optional(),
  alignment: z.enum(['left', 'right']).default('left'),
  priority: z.number().optional(),
});
export type StatusBarSpec = z.infer<typeof statusBarSpecSchema>;

export const commandOriginSchema = z.enum(['user', 'workspace']);
export type CommandOrigin = z.infer<typeof commandOriginSchema>;

export const commandSummarySchema = z.strictObject({
  id: commandIdSchema,
  title: z.string(),
  description: z.string().optional(),
  origin: commandOriginSchema,
  parameters: z.array(parameterSpecSchema),
  statusBar: statusBarSpecSchema.optional(),
  /** What the user will be asked before it runs: nothing, a confirmation, or a first-time approval. */
  prompt: z.enum(['none', 'confirm', 'approve']),
});
export type CommandSummary = z.infer<typeof commandSummarySchema>;

export const helloResponseSchema = z.strictObject({
  v: version,
  ok: z.literal(true),
  bridgeVersion: z.string(),
  /** Where host commands really run: 'host' when the bridge is a UI extension, 'remote' when it was forced next to the workspace. */
  runsOn: z.enum(['host', 'remote']),
});

export const listResponseSchema = z.strictObject({
  v: version,
  ok: z.literal(true),
  commands: z.array(commandSummarySchema),
  /** Problems worth telling the user about (a malformed proposals file, a shadowed id, restricted mode). */
  warnings: z.array(z.string()),
});
export type ListResponse = z.infer<typeof listResponseSchema>;

export const resolvedViewSchema = z.strictObject({
  program: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
});

export const startResponseSchema = z.strictObject({
  v: version,
  ok: z.literal(true),
  runId: z.string(),
  resolved: resolvedViewSchema,
  /** The workspace folder on both sides, when known, so the caller can turn host paths in output into container paths. */
  folder: z
    .strictObject({ hostPath: z.string(), containerPath: z.string(), hostFlavor: z.enum(['posix', 'win32']) })
    .optional(),
});
export type StartResponse = z.infer<typeof startResponseSchema>;

export const outputChunkSchema = z.strictObject({
  stream: z.enum(['stdout', 'stderr']),
  /** The exact bytes, base64: output need not be valid UTF-8 and must arrive byte-exact. */
  data: z.string(),
});
export type OutputChunk = z.infer<typeof outputChunkSchema>;

export const runOutcomeSchema = z.strictObject({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  durationMs: z.number().nonnegative(),
  /** Why it ended abnormally: cancelled, timed out, caller gone, failed to start. */
  reason: z.enum(['exited', 'cancelled', 'timeout', 'caller-gone', 'spawn-failed', 'shutdown']),
  message: z.string().optional(),
});
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

export const pollResponseSchema = z.strictObject({
  v: version,
  ok: z.literal(true),
  chunks: z.array(outputChunkSchema),
  cursor: z.number().int().nonnegative(),
  /** Present once the process has ended and every byte before it has been delivered. */
  outcome: runOutcomeSchema.optional(),
});
export type PollResponse = z.infer<typeof pollResponseSchema>;

export const cancelResponseSchema = z.strictObject({ v: version, ok: z.literal(true), cancelled: z.boolean() });

export const listReplySchema = z.union([listResponseSchema, errorResponseSchema]);
export const startReplySchema = z.union([startResponseSchema, errorResponseSchema]);
export const pollReplySchema = z.union([pollResponseSchema, errorResponseSchema]);
export const cancelReplySchema = z.union([cancelResponseSchema, errorResponseSchema]);
export const helloReplySchema = z.union([helloResponseSchema, errorResponseSchema]);

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
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    throw new ProtocolError('invalid-request', 'the message is not plain JSON (cyclic or not serializable)');
  }
  if (text === undefined) throw new ProtocolError('invalid-request', 'the message is empty');
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new ProtocolError('invalid-request', `the message is larger than ${maxBytes} bytes`);
  }
  return JSON.parse(text) as unknown;
}

/** Validates a message that arrived from the other side; returns it or throws a ProtocolError. */
export function parseMessage<S extends z.ZodType>(schema: S, raw: unknown, maxBytes = MAX_REQUEST_BYTES): z.output<S> {
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

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(message)'}: ${issue.message}`)
    .join('; ');
}

export function errorResponse(code: ErrorCode, message: string): ErrorResponse {
  return { v: PROTOCOL_VERSION, ok: false, code, message };
}
