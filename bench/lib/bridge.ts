// The bridge as the bench drives it: the real BridgeService with ports that do what the VS Code glue does
// (settings parsed once, kept as the bridge keeps them until they change; the proposals file looked for on disk;
// the audit log written to a file; the host environment copied once), and a client that crosses the boundary as the workspace part does:
// every message goes through toWire (JSON), every reply gets toWire's checks and is validated by its schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/core/auditLog';
import { BridgeService, DEFAULT_LIMITS, type ApprovalStore, type BridgeLimits, type BridgePorts, type RunObserver } from '../../src/core/bridgeService';
import { loadProposedDefinitions, loadTrustedDefinitions, PROPOSALS_FILE, type LoadResult } from '../../src/core/definitions';
import { fileFingerprint } from '../../src/core/fileFingerprint';
import { findProgramOnPath } from '../../src/core/hostEnvironment';
import { checkWire, describeIssues, pollReplySchema, PROTOCOL_VERSION, startReplySchema, toWire, type RunOutcome, type StartRequest } from '../../src/core/protocol';
import type * as z from 'zod/mini';

/** What the workspace part accepts as a reply (bridgeClient.ts): up to 1 MiB of output as base64, with room to spare. */
const MAX_REPLY_BYTES = 8 * 1024 * 1024;

const noObserver: RunObserver = { started: () => undefined, output: () => undefined, ended: () => undefined };

class MemoryApprovals implements ApprovalStore {
  private readonly keys = new Set<string>();
  has(key: string): boolean {
    return this.keys.has(key);
  }
  approvedEarlier(): boolean {
    return false;
  }
  async add(record: { key: string }): Promise<void> {
    this.keys.add(record.key);
  }
}

export interface BenchBridge {
  service: BridgeService;
  client: WireClient;
  dispose(): Promise<void>;
}

/**
 * A bridge whose user settings hold `commands` (trusted definitions, as written in settings.json). With
 * `acrossHosts`, each message and each reply also makes one JSON round trip, standing in for VS Code's own
 * serialization between two extension hosts (a dev container window); without it, the two parts share one
 * extension host, as in code-server.
 */
export function createBenchBridge(commands: Record<string, unknown>, limits: Partial<BridgeLimits> = {}, options: { acrossHosts?: boolean } = {}): BenchBridge {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-bench-')));
  const workspace = path.join(root, 'ws');
  fs.mkdirSync(workspace);
  const auditLog = new AuditLog(path.join(root, 'audit', 'audit.jsonl'));
  const environment = { ...process.env };
  const trusted = loadTrustedDefinitions(commands);

  const ports: BridgePorts = {
    trustedDefinitions: () => trusted,
    proposedDefinitions: async (): Promise<LoadResult> => {
      try {
        return loadProposedDefinitions(await fs.promises.readFile(path.join(workspace, PROPOSALS_FILE), 'utf8'));
      } catch {
        return { definitions: [], warnings: [] };
      }
    },
    isWorkspaceTrusted: () => true,
    hostFacts: async () => ({
      platform: process.platform,
      userHome: os.homedir(),
      folder: { ok: true, paths: { hostPath: workspace, containerPath: '/workspaces/bench', hostFlavor: 'posix' } },
      findProgram: (name) => findProgramOnPath(name, environment),
    }),
    workspaceIdentity: () => 'vscode-remote://dev-container%2Bbench/workspaces/bench',
    workspaceLabel: () => 'bench',
    showPrompt: async () => undefined,
    approvals: new MemoryApprovals(),
    // The bench measures the path of a command the user has confirmed before.
    confirmedDefinitions: { isConfirmed: () => true, confirm: async () => undefined },
    hashFile: fileFingerprint,
    audit: (record) => auditLog.append(record),
    observer: noObserver,
    hostEnvironment: () => environment,
    bridgeVersion: '0.0.0-bench',
    runsOn: 'host',
  };
  const service = new BridgeService(ports, { ...DEFAULT_LIMITS, ...limits });
  return {
    service,
    client: new WireClient(service, options.acrossHosts ?? false),
    dispose: async () => {
      await service.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

type Success<S extends z.ZodMiniType> = Extract<z.output<S>, { ok: true }>;

/** The workspace part's BridgeClient without VS Code: executeCommand becomes a direct call, as in one extension host. */
export class WireClient {
  constructor(
    private readonly service: BridgeService,
    private readonly acrossHosts = false,
  ) {}

  start(request: Omit<StartRequest, 'v'>): Promise<Success<typeof startReplySchema>> {
    return this.call((wire) => this.service.start(wire), { v: PROTOCOL_VERSION, ...request }, startReplySchema);
  }

  poll(runId: string, cursor: number, waitMs = 1000): Promise<Success<typeof pollReplySchema>> {
    return this.call((wire) => this.service.poll(wire), { v: PROTOCOL_VERSION, runId, cursor, waitMs }, pollReplySchema);
  }

  private async call<S extends z.ZodMiniType>(handler: (wire: unknown) => Promise<unknown>, message: unknown, schema: S): Promise<Success<S>> {
    const cross = (value: unknown): unknown => (this.acrossHosts ? JSON.parse(JSON.stringify(value)) : value);
    const reply = cross(await handler(cross(toWire(message))));
    checkWire(reply, MAX_REPLY_BYTES);
    const parsed = schema.safeParse(reply);
    if (!parsed.success) throw new Error(`the bridge's reply does not match its schema: ${describeIssues(parsed.error)}`);
    const data = parsed.data as { ok: boolean; code?: string; message?: string };
    if (!data.ok) throw new Error(`the bridge refused: ${data.code}: ${data.message}`);
    return parsed.data as Success<S>;
  }
}

export interface FollowResult {
  outcome: RunOutcome;
  bytes: number;
  polls: number;
}

/** start, then poll until the outcome, as the workspace part's followRun does; output is decoded and counted. */
export async function runThroughBridge(client: WireClient, command: string, onPoll?: () => void): Promise<FollowResult> {
  const started = await client.start({ command, params: {}, source: 'api', stream: true });
  let cursor = 0;
  let bytes = 0;
  for (let polls = 1; ; polls++) {
    const reply = await client.poll(started.runId, cursor, 1000);
    for (const chunk of reply.chunks) bytes += Buffer.from(chunk.data, 'base64').length;
    cursor = reply.cursor;
    onPoll?.();
    if (reply.outcome) return { outcome: reply.outcome, bytes, polls };
    if (reply.chunks.length === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
