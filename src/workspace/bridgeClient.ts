// Typed calls into the bridge. Every message is serialized as it would be across extension hosts and
// every reply is validated: the workspace part trusts the bridge's decisions, not the shape of its data.
import * as vscode from 'vscode';
import type * as z from 'zod/mini';
import {
  BridgeCommands,
  cancelReplySchema,
  checkWire,
  describeIssues,
  helloReplySchema,
  listReplySchema,
  pollReplySchema,
  PROTOCOL_VERSION,
  startReplySchema,
  toWire,
  type ErrorCode,
  type RequestSource,
  type StartRequest,
} from '../core/protocol';

/** Replies carry up to 1 MiB of output as base64. */
const MAX_REPLY_BYTES = 8 * 1024 * 1024;

export class BridgeError extends Error {
  constructor(
    readonly code: ErrorCode | 'bridge-unavailable' | 'bad-reply',
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

type Success<S extends z.ZodMiniType> = Extract<z.output<S>, { ok: true }>;

export class BridgeClient {
  hello() {
    return this.call(BridgeCommands.hello, { v: PROTOCOL_VERSION }, helloReplySchema);
  }

  list(source: RequestSource) {
    return this.call(BridgeCommands.list, { v: PROTOCOL_VERSION, source }, listReplySchema);
  }

  start(request: Omit<StartRequest, 'v'>) {
    return this.call(BridgeCommands.start, { v: PROTOCOL_VERSION, ...request }, startReplySchema);
  }

  poll(runId: string, cursor: number, waitMs = 1000) {
    return this.call(BridgeCommands.poll, { v: PROTOCOL_VERSION, runId, cursor, waitMs }, pollReplySchema);
  }

  cancel(runId: string) {
    return this.call(BridgeCommands.cancel, { v: PROTOCOL_VERSION, runId }, cancelReplySchema);
  }

  private async call<S extends z.ZodMiniType>(command: string, message: unknown, schema: S): Promise<Success<S>> {
    let reply: unknown;
    try {
      reply = await vscode.commands.executeCommand(command, toWire(message));
    } catch (error) {
      const text = (error as Error)?.message ?? String(error);
      if (/not found/i.test(text)) {
        throw new BridgeError(
          'bridge-unavailable',
          'The Host Commands Bridge is not running on the host. Install "Host Commands Bridge" locally (it is installed with Host Commands) and reload the window.',
        );
      }
      throw new BridgeError('bridge-unavailable', `The bridge failed: ${text}`);
    }
    // Requests go through toWire, a JSON copy: whatever a caller handed us, only plain data reaches the bridge
    // (that is the security boundary; the bridge copies again on arrival). A reply comes from the bridge, the
    // trusted side, and across hosts VS Code has already serialized it; the schema builds the plain object kept
    // here. So a reply gets toWire's checks (plain JSON, not empty, size) without the copy, which would cost a
    // JSON round trip of up to 1.4 MB of base64 on every poll.
    checkWire(reply, MAX_REPLY_BYTES);
    const parsed = schema.safeParse(reply);
    if (!parsed.success) {
      throw new BridgeError('bad-reply', `The bridge replied with a message this version does not understand (${describeIssues(parsed.error)}). Are both extensions the same version?`);
    }
    const data = parsed.data as { ok: boolean; code?: ErrorCode; message?: string };
    if (!data.ok) throw new BridgeError(data.code ?? 'refused', data.message ?? 'refused by the bridge');
    return parsed.data as Success<S>;
  }
}
