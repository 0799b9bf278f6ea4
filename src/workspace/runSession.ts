// Follows one run on the host: polls the bridge until the process has ended and every byte has been
// delivered. Polling is also the lease that keeps the run alive; stopping it lets the bridge reap the run.
import type { RunOutcome } from '../core/protocol';
import type { BridgeClient } from './bridgeClient';

export interface FollowOptions {
  /** Receives the raw bytes in order (only for runs started with stream: true). */
  onOutput?: (stream: 'stdout' | 'stderr', data: Uint8Array) => void | Promise<void>;
  /** Checked between polls; when it turns true the run is cancelled on the host. */
  isCancelled?: () => boolean;
  onCancelRequested?: (listener: () => void) => void;
}

/** Runs this extension host is following, so they can all be cancelled when it goes away. */
const following = new Map<string, BridgeClient>();

export async function followRun(client: BridgeClient, runId: string, options: FollowOptions = {}): Promise<RunOutcome> {
  let cursor = 0;
  let cancelSent = false;
  const sendCancel = () => {
    if (cancelSent) return;
    cancelSent = true;
    void client.cancel(runId).catch(() => undefined);
  };
  options.onCancelRequested?.(sendCancel);
  following.set(runId, client);
  try {
    for (;;) {
      if (options.isCancelled?.()) sendCancel();
      const reply = await client.poll(runId, cursor, 1000);
      for (const chunk of reply.chunks) {
        await options.onOutput?.(chunk.stream, Buffer.from(chunk.data, 'base64'));
      }
      cursor = reply.cursor;
      if (reply.outcome) return reply.outcome;
      // Sharing one extension host with the bridge, executeCommand need not yield to the event loop;
      // an empty reply must never turn this into a loop that starves the process it waits for.
      if (reply.chunks.length === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    following.delete(runId);
  }
}

/** The workspace part is going away (reload, window closed): end what it started rather than orphan it. */
export async function cancelAllFollowedRuns(): Promise<void> {
  await Promise.all([...following].map(([runId, client]) => client.cancel(runId).catch(() => undefined)));
}
