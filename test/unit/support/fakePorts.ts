// BridgePorts for tests: everything the VS Code glue supplies, but in memory or on a temp folder, and with
// real processes. The prompt is scripted: it answers from a queue, records every PromptContent it was
// shown, notices being entered while another prompt is still on screen, and can be held open until released.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApprovalRecord } from '../../../src/core/approvals';
import type { AuditRecord } from '../../../src/core/auditLog';
import { BridgeService, DEFAULT_LIMITS, type ApprovalStore, type BridgeLimits, type BridgePorts, type RunInfo, type RunObserver } from '../../../src/core/bridgeService';
import { definitionFingerprint, type DefinitionLedger } from '../../../src/core/confirmedDefinitions';
import { fileFingerprint } from '../../../src/core/fileFingerprint';
import { loadProposedDefinitions, loadTrustedDefinitions, PROPOSALS_FILE, type CommandDefinition, type LoadResult } from '../../../src/core/definitions';
import { findProgramOnPath } from '../../../src/core/hostEnvironment';
import type { PromptContent } from '../../../src/core/promptText';
import type { RunOutcome, StartRequest } from '../../../src/core/protocol';
import type { HostFacts } from '../../../src/core/resolve';

export const CONTAINER_FOLDER = '/workspaces/proj';

/**
 * The user's confirmed definitions, in memory. Most tests are about what happens once the user has confirmed
 * their settings, so by default every definition counts as confirmed; `confirmEverything = false` starts empty.
 */
export class MemoryDefinitionLedger implements DefinitionLedger {
  readonly confirmed = new Map<string, string>();
  constructor(public confirmEverything = true) {}

  isConfirmed(definition: CommandDefinition): boolean {
    return this.confirmEverything || this.confirmed.get(definition.id) === definitionFingerprint(definition);
  }

  async confirm(definition: CommandDefinition): Promise<void> {
    this.confirmed.set(definition.id, definitionFingerprint(definition));
  }
}

export class MemoryApprovalStore implements ApprovalStore {
  readonly records = new Map<string, ApprovalRecord>();

  has(key: string): boolean {
    return this.records.has(key);
  }

  approvedEarlier(commandId: string, workspace: string): boolean {
    return [...this.records.values()].some((record) => record.commandId === commandId && record.workspace === workspace);
  }

  async add(record: ApprovalRecord): Promise<void> {
    this.records.set(record.key, record);
  }
}

/** An answer for the prompt: a button label, undefined for Cancel/dismiss. */
export type ScriptedAnswer = string | undefined;

export class ScriptedPrompt {
  /** Every prompt shown, in order. */
  readonly shown: PromptContent[] = [];
  private readonly answers: ScriptedAnswer[] = [];
  /** Prompts on screen right now; more than one means the bridge stacked dialogs. */
  active = 0;
  maxActive = 0;
  reentered = 0;
  private held: Array<() => void> | undefined;

  /** Queues the answers of the next prompts; when the queue is empty the prompt is cancelled. */
  answer(...answers: ScriptedAnswer[]): void {
    this.answers.push(...answers);
  }

  /** Prompts from now on stay on screen until release(). */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const resume of waiting) resume();
  }

  readonly show = async (content: PromptContent): Promise<string | undefined> => {
    if (this.active > 0) this.reentered++;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.shown.push(content);
    try {
      if (this.held) {
        const held = this.held;
        await new Promise<void>((resume) => held.push(resume));
      }
      return this.answers.length > 0 ? this.answers.shift() : undefined;
    } finally {
      this.active--;
    }
  };
}

export type ObserverEvent =
  | { type: 'started'; runId: string; commandId: string }
  | { type: 'output'; runId: string; stream: 'stdout' | 'stderr'; bytes: number }
  | { type: 'ended'; runId: string; commandId: string; outcome: RunOutcome };

export class RecordingObserver implements RunObserver {
  readonly events: ObserverEvent[] = [];

  started(run: RunInfo): void {
    this.events.push({ type: 'started', runId: run.runId, commandId: run.command.id });
  }

  output(run: RunInfo, stream: 'stdout' | 'stderr', data: Buffer): void {
    this.events.push({ type: 'output', runId: run.runId, stream, bytes: data.length });
  }

  ended(run: RunInfo, outcome: RunOutcome): void {
    this.events.push({ type: 'ended', runId: run.runId, commandId: run.command.id, outcome });
  }

  startedIds(): string[] {
    return this.events.filter((event) => event.type === 'started').map((event) => event.runId);
  }
}

/**
 * The ports, around a temp directory laid out as:
 *   root/ws        the workspace folder on the host (the container sees it as /workspaces/proj)
 *   root/home      the host user's home
 *   root/fixtures  helper scripts outside the workspace
 */
export class FakePorts implements BridgePorts {
  readonly root: string;
  readonly workspace: string;
  readonly home: string;
  readonly fixtures: string;

  /** The value of the user's application-scoped setting, as VS Code would hand it over. */
  trustedSetting: Record<string, unknown> = {};
  /** isWorkspaceTrusted() answers: the first of this list while it has more than one, then the last, forever. */
  trustAnswers: boolean[] = [true];
  /** Set: the workspace folder has no host path (an SSH remote, a volume clone), for this reason. */
  folderUnavailable: string | undefined;
  /** The workspace's identity, part of every approval key. */
  identity = 'vscode-remote://dev-container%2Btest/workspaces/proj';
  proposalReads = 0;
  proposalReadsWhileUntrusted = 0;

  readonly prompt = new ScriptedPrompt();
  readonly approvals = new MemoryApprovalStore();
  readonly confirmedDefinitions = new MemoryDefinitionLedger();
  readonly audits: AuditRecord[] = [];
  readonly observer = new RecordingObserver();
  readonly bridgeVersion = '0.0.0-test';
  readonly runsOn = 'host' as const;
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    this.root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'hc-bridge-')));
    this.workspace = path.join(this.root, 'ws');
    this.home = path.join(this.root, 'home');
    this.fixtures = path.join(this.root, 'fixtures');
    for (const dir of [this.workspace, this.home, this.fixtures]) mkdirSync(dir);
    // node first, so that "node" resolves to the node running the tests.
    this.env = { PATH: [path.dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(path.delimiter), HOME: this.home };
    this.writeFixture('argv.js', 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
    this.writeFixture('touch.js', "require('fs').writeFileSync(process.argv[2], JSON.stringify(process.argv.slice(3)));\n");
  }

  // ---- files --------------------------------------------------------------------------------------

  fixture(name: string): string {
    return path.join(this.fixtures, name);
  }

  writeFixture(name: string, text: string, mode = 0o644): string {
    const file = this.fixture(name);
    writeFileSync(file, text, { mode });
    return file;
  }

  /** A file in the workspace (relative to it); parent folders are created. */
  writeWorkspaceFile(relative: string, text: string, mode = 0o644): string {
    const file = path.join(this.workspace, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { mode });
    return file;
  }

  /** Writes .vscode/host-commands.json: an object is written as JSON, a string as is. */
  setProposals(value: Record<string, unknown> | string): void {
    this.writeWorkspaceFile(PROPOSALS_FILE, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  // ---- ports --------------------------------------------------------------------------------------

  trustedDefinitions(): LoadResult {
    return loadTrustedDefinitions(this.trustedSetting);
  }

  async proposedDefinitions(): Promise<LoadResult> {
    this.proposalReads++;
    if (!this.currentTrust()) this.proposalReadsWhileUntrusted++;
    let text: string;
    try {
      text = readFileSync(path.join(this.workspace, PROPOSALS_FILE), 'utf8');
    } catch {
      return { definitions: [], warnings: [] };
    }
    return loadProposedDefinitions(text);
  }

  isWorkspaceTrusted(): boolean {
    const answer = this.currentTrust();
    if (this.trustAnswers.length > 1) this.trustAnswers.shift();
    return answer;
  }

  private currentTrust(): boolean {
    return this.trustAnswers[0] ?? false;
  }

  async hostFacts(): Promise<HostFacts> {
    return {
      platform: process.platform,
      userHome: this.home,
      folder:
        this.folderUnavailable !== undefined
          ? { ok: false, reason: this.folderUnavailable }
          : { ok: true, paths: { hostPath: this.workspace, containerPath: CONTAINER_FOLDER, hostFlavor: process.platform === 'win32' ? 'win32' : 'posix' } },
      findProgram: (name) => findProgramOnPath(name, this.env),
      realPath: (hostPath) => {
        try {
          return realpathSync.native(hostPath);
        } catch {
          return undefined;
        }
      },
      isFile: (hostPath) => {
        try {
          return statSync(hostPath).isFile();
        } catch {
          return false;
        }
      },
    };
  }

  workspaceIdentity(): string {
    return this.identity;
  }

  workspaceLabel(): string {
    return 'proj';
  }

  showPrompt(content: PromptContent): Promise<string | undefined> {
    return this.prompt.show(content);
  }

  hashFile(hostPath: string): Promise<string> {
    return fileFingerprint(hostPath);
  }

  audit(record: AuditRecord): void {
    // A copy, as the audit log writes JSON: later mutation of the record must not change what was logged.
    this.audits.push(JSON.parse(JSON.stringify(record)) as AuditRecord);
  }

  hostEnvironment(): NodeJS.ProcessEnv {
    return { ...this.env };
  }
}

export interface Harness {
  ports: FakePorts;
  service: BridgeService;
}

export function createHarness(limits: Partial<BridgeLimits> = {}): Harness {
  const ports = new FakePorts();
  const service = new BridgeService(ports, { ...DEFAULT_LIMITS, ...limits });
  return { ports, service };
}

export async function disposeHarness(harness: Harness | undefined): Promise<void> {
  if (!harness) return;
  await harness.service.dispose();
  harness.ports.dispose();
}

// ---- driving a run --------------------------------------------------------------------------------

export type Reply = Record<string, unknown>;

export interface Completed {
  start: Reply;
  runId?: string;
  stdout: Buffer;
  stderr: Buffer;
  /** stdout and stderr chunks in the order they were delivered. */
  chunks: Array<{ stream: 'stdout' | 'stderr'; data: Buffer }>;
  outcome?: RunOutcome;
}

export function startMessage(command: string, params: Record<string, string> = {}, extra: Partial<StartRequest> = {}): StartRequest {
  return { v: 1, command, params, source: 'api', stream: true, ...extra };
}

/** Polls a run until the bridge reports its outcome; every byte delivered is collected. */
export async function follow(service: BridgeService, runId: string, options: { stopWhen?: (stdout: Buffer) => boolean } = {}): Promise<Omit<Completed, 'start'>> {
  const chunks: Completed['chunks'] = [];
  let cursor = 0;
  for (let polls = 0; ; polls++) {
    assert.ok(polls < 10_000, `run ${runId} never ended`);
    const reply = await service.poll({ v: 1, runId, cursor, waitMs: 500 });
    assert.equal(reply.ok, true, `poll failed: ${JSON.stringify(reply)}`);
    for (const chunk of reply.chunks as Array<{ stream: 'stdout' | 'stderr'; data: string }>) {
      chunks.push({ stream: chunk.stream, data: Buffer.from(chunk.data, 'base64') });
    }
    cursor = reply.cursor as number;
    const stdout = Buffer.concat(chunks.filter((c) => c.stream === 'stdout').map((c) => c.data));
    const stderr = Buffer.concat(chunks.filter((c) => c.stream === 'stderr').map((c) => c.data));
    if (reply.outcome) return { runId, stdout, stderr, chunks, outcome: reply.outcome as RunOutcome };
    if (options.stopWhen?.(stdout)) return { runId, stdout, stderr, chunks };
  }
}

/** start → poll until the outcome. A refused start is returned as is, with no output. */
export async function runToCompletion(service: BridgeService, request: unknown): Promise<Completed> {
  const start = await service.start(request);
  if (start.ok !== true) return { start, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), chunks: [] };
  return { start, ...(await follow(service, start.runId as string)) };
}

/** Waits (without asserting anything about time) until `probe` holds; fails after a generous deadline rather than hang. */
export async function waitUntil(what: string, probe: () => boolean, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!probe()) {
    if (Date.now() > until) assert.fail(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A definition whose program creates `marker` when it runs (node writing a file). */
export function touchDefinition(ports: FakePorts, marker: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { program: 'node', args: [ports.fixture('touch.js'), marker], ...extra };
}

/** A definition that prints its argv (after the script) as JSON, so tests can compare it element by element. */
export function argvDefinition(ports: FakePorts, args: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { program: 'node', args: [ports.fixture('argv.js'), ...args], ...extra };
}
