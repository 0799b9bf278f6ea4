// The bridge's request handling: every message from the workspace side arrives here as untrusted JSON.
// It is validated, matched against a definition, resolved, approved (or not) by the user on the host,
// run, relayed and audited. The VS Code glue only supplies the ports below, so this whole path is
// exercised by the attack suite without VS Code.
import { randomBytes } from 'node:crypto';
import { approvalKey, type ApprovalRecord } from './approvals';
import type { AuditDecision, AuditRecord } from './auditLog';
import { mergeDefinitions, parameterSpecs, type CommandDefinition, type LoadResult } from './definitions';
import { buildChildEnvironment } from './environmentPolicy';
import type { DefinitionLedger } from './confirmedDefinitions';
import { MISSING, unpinnableReason } from './fileFingerprint';
import { OutputRelay } from './outputRelay';
import { validateParams, type ParamValues } from './parameters';
import type { RunHandle, RunResult, RunSpec } from './processRunner';
import { alwaysAllowable, promptContent, ALWAYS_BUTTON, RUN_BUTTON, RUN_ONCE_BUTTON, type PromptContent, type PromptParameter } from './promptText';
import {
  BridgeCommands,
  cancelRequestSchema,
  errorResponse,
  helloRequestSchema,
  listRequestSchema,
  parseMessage,
  pollRequestSchema,
  PROTOCOL_VERSION,
  ProtocolError,
  toWire,
  startRequestSchema,
  type CommandSummary,
  type ErrorCode,
  type RequestSource,
  type RunOutcome,
} from './protocol';
import { containerToHost } from './pathMapping';
import { cwdEscape, resolveCommand, type HostFacts, type ResolvedCommand } from './resolve';

export { BridgeCommands };

export type PromptAnswer = 'run-once' | 'always' | 'cancel';

export interface ApprovalStore {
  has(key: string): boolean;
  /** Whether some version of this command was always allowed in this workspace (to say why it asks again). */
  approvedEarlier(commandId: string, workspace: string): boolean;
  add(record: ApprovalRecord): Promise<void>;
}

/** What the bridge shows while a run goes on: the output channel in VS Code. */
export interface RunObserver {
  started(run: RunInfo): void;
  output(run: RunInfo, stream: 'stdout' | 'stderr', data: Buffer): void;
  ended(run: RunInfo, outcome: RunOutcome): void;
}

export interface RunInfo {
  runId: string;
  sequence: number;
  source: RequestSource;
  command: ResolvedCommand;
}

export interface BridgePorts {
  /** The user's trusted definitions (the application-scoped setting). */
  trustedDefinitions(): LoadResult;
  /** Workspace proposals, read fresh for each request; never called in Restricted Mode. */
  proposedDefinitions(): Promise<LoadResult>;
  isWorkspaceTrusted(): boolean;
  hostFacts(): Promise<HostFacts>;
  /** Stable identity of the open workspace (its folder URI), part of every approval key. */
  workspaceIdentity(): string;
  workspaceLabel(): string;
  /** Shows the modal on the host; resolves to the button picked, or undefined for Cancel/dismiss. */
  showPrompt(content: PromptContent): Promise<string | undefined>;
  approvals: ApprovalStore;
  /** The user's own definitions as they last confirmed them on the host (see confirmedDefinitions.ts). */
  confirmedDefinitions: DefinitionLedger;
  /** A host file's content hash, 'missing', or why it cannot be pinned down (fileFingerprint.ts). */
  hashFile(hostPath: string): Promise<string>;
  audit(record: AuditRecord): void;
  observer: RunObserver;
  hostEnvironment(): NodeJS.ProcessEnv;
  startProcess?: (spec: RunSpec) => RunHandle;
  bridgeVersion: string;
  runsOn: 'host' | 'remote';
}

export interface BridgeLimits {
  maxConcurrentRuns: number;
  /** Prompts waiting behind the one on screen; more than this are refused, never stacked. */
  maxQueuedPrompts: number;
  /** Approved runs waiting for a free slot; more than this are refused as busy. */
  maxQueuedRuns: number;
  /** A streaming caller that has not polled for this long is gone: its run is killed. */
  callerLeaseMs: number;
  /** The most output one run holds for its caller before its process is paused. */
  relayHighWaterMark: number;
  /**
   * The most output all streaming runs hold together: with many runs at once each gets an equal share (but
   * never less than one pipe read), so memory stays flat however many run.
   */
  relayBudget: number;
  pollMaxBytes: number;
  /** How long a "Don't Run" holds for further requests of that command from a program in the container. */
  declinedQuietMs: number;
  /** This many "Don't Run" answers within declineBurstWindowMs hold every prompt, whatever its source, for declinedQuietMs. */
  declineBurst: number;
  declineBurstWindowMs: number;
  /** How long a finished run stays answerable after its caller last asked about it. */
  finishedRunRetentionMs: number;
}

/** A run's share of the output budget never goes below what one read from a pipe brings (libuv reads 64 KiB). */
const MIN_RELAY_SHARE = 64 * 1024;

/** Requests a program in the container can make without the user's hand (as opposed to a click or a keystroke). */
const PROGRAMMATIC_SOURCES: ReadonlySet<RequestSource> = new Set<RequestSource>(['cli', 'api', 'tool']);

export const DEFAULT_LIMITS: BridgeLimits = {
  maxConcurrentRuns: 4,
  maxQueuedPrompts: 3,
  maxQueuedRuns: 32,
  declinedQuietMs: 30_000,
  declineBurst: 5,
  declineBurstWindowMs: 60_000,
  callerLeaseMs: 10_000,
  relayHighWaterMark: 1024 * 1024,
  relayBudget: 16 * 1024 * 1024,
  pollMaxBytes: 1024 * 1024,
  finishedRunRetentionMs: 30_000,
};

interface Run {
  info: RunInfo;
  relay: OutputRelay;
  stream: boolean;
  handle?: RunHandle;
  startedAt: number;
  lastSeen: number;
  outcome?: RunOutcome;
  endedAt?: number;
  outputBytes: number;
  decision: AuditDecision;
  /** For a proposal: the workspace files' content as approved, checked again just before the process starts. */
  fileHashes?: Record<string, string>;
  cancelRequested?: 'cancelled' | 'caller-gone' | 'shutdown';
  finished: Promise<void>;
}

type Reply = Record<string, unknown>;

interface Approval {
  decision: AuditDecision;
  fileHashes?: Record<string, string>;
}

export class BridgeService {
  private readonly runs = new Map<string, Run>();
  private readonly waitingToStart: Array<() => void> = [];
  private runningCount = 0;
  /** Streaming runs whose output is not all read yet (their relay is not released): they share relayBudget. */
  private streamingRuns = 0;
  private sequence = 0;
  private promptChain: Promise<unknown> = Promise.resolve();
  private promptsPending = 0;
  /** When the user last declined a command asked for by a program in the container, by command id. */
  private readonly declined = new Map<string, number>();
  /** When the user declined anything lately, oldest first (at most declineBurst kept). */
  private readonly recentDeclines: number[] = [];
  private readonly reaper: NodeJS.Timeout;
  private disposed = false;

  constructor(
    private readonly ports: BridgePorts,
    private readonly limits: BridgeLimits = DEFAULT_LIMITS,
  ) {
    this.reaper = setInterval(() => this.reapAbandonedRuns(), Math.min(1000, limits.callerLeaseMs / 2));
    this.reaper.unref?.();
  }

  // ---- handlers: each takes the raw argument of the VS Code command and returns a plain reply ----

  async hello(raw: unknown): Promise<Reply> {
    return this.handle(raw, async () => {
      parseMessage(helloRequestSchema, raw);
      return { v: PROTOCOL_VERSION, ok: true, bridgeVersion: this.ports.bridgeVersion, runsOn: this.ports.runsOn };
    });
  }

  async list(raw: unknown): Promise<Reply> {
    return this.handle(raw, async () => {
      const request = parseMessage(listRequestSchema, raw);
      const { definitions, warnings } = await this.definitions();
      // A proposal that policy refuses whatever its parameters is left out of the list; the warning says why.
      const unrunnable = await this.unrunnableProposals(definitions);
      const commands: CommandSummary[] = definitions.filter((definition) => !unrunnable.has(definition.id)).map((definition) => ({
        id: definition.id,
        title: definition.title ?? definition.id,
        description: definition.description,
        origin: definition.origin,
        parameters: parameterSpecs(definition),
        statusBar: definition.statusBar,
        prompt: definition.origin === 'workspace' ? 'approve' : this.runsWithoutAsking(definition, request.source) ? 'none' : 'confirm',
      }));
      return { v: PROTOCOL_VERSION, ok: true, commands, warnings: [...warnings, ...unrunnable.values()] };
    });
  }

  async start(raw: unknown): Promise<Reply> {
    return this.handle(raw, async () => {
      const request = parseMessage(startRequestSchema, raw);
      // A proposal can never shadow one of the user's own commands, so those need no look at the workspace:
      // reading the proposals file is a round trip to the container on every run.
      let all: LoadResult | undefined;
      const definition =
        this.ports.trustedDefinitions().definitions.find((candidate) => candidate.id === request.command) ??
        (all = await this.definitions()).definitions.find((candidate) => candidate.id === request.command);
      if (!definition) {
        // A proposal skipped for an error is "unknown" too: say why, rather than only that it is missing. In
        // Restricted Mode the proposals file is not read at all: say that it may be a hidden proposal.
        const skipped = all?.warnings.find((warning) => warning.includes(`${request.command}:`) || warning.includes(`"${request.command}"`));
        const why = !this.ports.isWorkspaceTrusted()
          ? ' (in Restricted Mode, commands proposed by this workspace are hidden until you trust it)'
          : skipped
            ? ` (${skipped})`
            : '';
        throw new RefusalError('unknown-command', `"${request.command}" is not a host command defined on this host${why}`, 'refused-unknown', request.command);
      }
      const params = validateParams(parameterSpecs(definition), request.params);
      if (!params.ok) {
        throw new RefusalError('invalid-params', `${definition.id}: ${params.errors.join('; ')}`, 'refused-invalid', definition.id);
      }
      const host = await this.ports.hostFacts();
      const requestedCwd = request.cwd === undefined ? undefined : mapCallerCwd(request.cwd, host, definition.id);
      const resolved = resolveCommand(definition, params.values, host, { requestedCwd });
      if (!resolved.ok) throw new RefusalError('refused', `${definition.id}: ${resolved.message}`, 'refused-policy', definition.id);

      if (this.waitingToStart.length >= this.limits.maxQueuedRuns) {
        throw new RefusalError('busy', `${definition.id}: ${this.waitingToStart.length} runs are already waiting for a free slot; try again later`, 'refused-busy', definition.id, resolved.command);
      }
      const approval = await this.decide(definition, resolved.command, request.source, params.values);
      const run = this.launch(resolved.command, request.source, request.stream, approval);
      return {
        v: PROTOCOL_VERSION,
        ok: true,
        runId: run.info.runId,
        resolved: { program: resolved.command.programPath, args: resolved.command.args, cwd: resolved.command.cwd },
        ...(host.folder.ok ? { folder: { ...host.folder.paths } } : {}),
      };
    });
  }

  async poll(raw: unknown): Promise<Reply> {
    return this.handle(raw, async () => {
      const request = parseMessage(pollRequestSchema, raw);
      const run = this.runs.get(request.runId);
      if (!run) throw new ProtocolError('unknown-run', `no run ${request.runId} (it finished long ago, or never existed)`);
      run.lastSeen = Date.now();
      if (!run.stream) {
        // Its output went to the output channel only; the caller polls for the outcome (and to keep its lease).
        if (!run.outcome) await settledWithin(run.finished, request.waitMs);
        run.lastSeen = Date.now();
        return { v: PROTOCOL_VERSION, ok: true, chunks: [], cursor: request.cursor, ...(run.outcome ? { outcome: run.outcome } : {}) };
      }
      const read = await run.relay.read(request.cursor, { maxBytes: this.limits.pollMaxBytes, waitMs: request.waitMs });
      run.lastSeen = Date.now();
      const delivered = read.finished && run.outcome !== undefined;
      return {
        v: PROTOCOL_VERSION,
        ok: true,
        chunks: read.chunks.map((chunk) => ({ stream: chunk.stream, data: chunk.data.toString('base64') })),
        cursor: read.cursor,
        ...(delivered ? { outcome: run.outcome } : {}),
      };
    });
  }

  async cancel(raw: unknown): Promise<Reply> {
    return this.handle(raw, async () => {
      const request = parseMessage(cancelRequestSchema, raw);
      const run = this.runs.get(request.runId);
      if (!run) throw new ProtocolError('unknown-run', `no run ${request.runId}`);
      const cancelled = !run.outcome;
      this.stopRun(run, 'cancelled');
      return { v: PROTOCOL_VERSION, ok: true, cancelled };
    });
  }

  /** Runs in progress, for the status bar and the "cancel" entry points on the host. */
  activeRuns(): RunInfo[] {
    return [...this.runs.values()].filter((run) => !run.outcome).map((run) => run.info);
  }

  cancelRun(runId: string): void {
    const run = this.runs.get(runId);
    if (run) this.stopRun(run, 'cancelled');
  }

  /** Window closing or extension deactivating: every process tree ends with it. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearInterval(this.reaper);
    const pending = [...this.runs.values()].filter((run) => !run.outcome);
    for (const run of pending) this.stopRun(run, 'shutdown');
    for (const run of this.runs.values()) if (run.outcome) this.endLeftovers(run);
    await Promise.all(pending.map((run) => run.finished));
  }

  // ---- policy ----------------------------------------------------------------------------------

  private async definitions(): Promise<LoadResult> {
    const trusted = this.ports.trustedDefinitions();
    if (!this.ports.isWorkspaceTrusted()) {
      return { definitions: trusted.definitions, warnings: [...trusted.warnings, 'Restricted Mode: commands proposed by this workspace are hidden until you trust it.'] };
    }
    return mergeDefinitions(trusted, await this.ports.proposedDefinitions());
  }

  /**
   * One of the user's own commands runs without a prompt only when it says "confirm": "never" and the user
   * confirmed this very definition on the host before. An agent's request is always confirmed: "never" is the
   * user's choice for their own clicks, not a model's.
   */
  private runsWithoutAsking(definition: CommandDefinition, source: RequestSource): boolean {
    return definition.origin === 'user' && definition.confirm === 'never' && source !== 'tool' && this.ports.confirmedDefinitions.isConfirmed(definition);
  }

  /**
   * Proposals that policy will refuse whatever the parameters (an env hook, a cwd outside the workspace), by id,
   * with the warning that says so up front.
   */
  private async unrunnableProposals(definitions: CommandDefinition[]): Promise<Map<string, string>> {
    const problems = new Map<string, string>();
    const proposals = definitions.filter((definition) => definition.origin === 'workspace');
    if (proposals.length === 0) return problems;
    const host = await this.ports.hostFacts();
    for (const definition of proposals) {
      // Where a parameter decides the program, the folder or the environment, other values may run: keep it listed.
      const templates = [definition.program, definition.cwd ?? '', ...Object.values(definition.env)];
      if (templates.some((template) => template.includes('${param:'))) continue;
      const defaults = Object.fromEntries(parameterSpecs(definition).flatMap((spec) => (spec.default === undefined ? [] : [[spec.name, spec.default]])));
      const resolved = resolveCommand(definition, defaults, host);
      if (!resolved.ok) problems.set(definition.id, `The workspace proposes "${definition.id}", which cannot run on this host: ${resolved.message}`);
    }
    return problems;
  }

  /** Asks the user when the definition calls for it. Resolves to the audit decision, or throws a refusal. */
  private async decide(definition: CommandDefinition, command: ResolvedCommand, source: RequestSource, params: ParamValues): Promise<Approval> {
    if (definition.origin === 'user') {
      if (this.runsWithoutAsking(definition, source)) return { decision: 'trusted' };
      const changedInSettings = !this.ports.confirmedDefinitions.isConfirmed(definition);
      // Confirming records the whole definition, so the prompt shows what else it allows callers: every parameter
      // with its rule, and whether they may pick the working directory.
      const content = promptContent('confirm', command, source, this.ports.workspaceLabel(), changedInSettings ? shownParameters(definition, params) : [], {
        changedInSettings,
        thenRunsWithoutAsking: changedInSettings && definition.confirm === 'never',
        callerPicksCwd: changedInSettings && definition.cwd === undefined,
      });
      const answer = await this.prompt(content, command, source);
      if (answer !== RUN_BUTTON) throw new RefusalError('denied', `${command.id}: cancelled on the host; nothing ran`, 'denied', command.id, command);
      // The user has now seen this definition on the host. Not recorded (asked again next time) if the file cannot be written.
      if (changedInSettings) await this.ports.confirmedDefinitions.confirm(definition).catch(() => undefined);
      return { decision: 'confirmed' };
    }

    // A proposal: re-check trust at run time, not only when listing.
    if (!this.ports.isWorkspaceTrusted()) {
      throw new RefusalError('refused', `${command.id}: the workspace is in Restricted Mode; its proposals do not run`, 'refused-policy', command.id, command);
    }
    const fileHashes: Record<string, string> = {};
    for (const file of command.workspaceFiles) fileHashes[file] = await this.ports.hashFile(file);
    // A parameter the definition does not limit could be anything: an approval then covers only the value shown.
    const specs = parameterSpecs(definition);
    const boundParams: Record<string, string> = {};
    for (const spec of specs) {
      if (spec.pattern === undefined && spec.enum === undefined && Object.hasOwn(params, spec.name)) boundParams[spec.name] = params[spec.name]!;
    }
    const key = approvalKey({ workspace: this.ports.workspaceIdentity(), definition, resolved: command, fileHashes, boundParams });
    const unpinnableFiles: Record<string, string> = {};
    for (const [file, hash] of Object.entries(fileHashes)) {
      const reason = unpinnableReason(hash);
      if (reason !== undefined) unpinnableFiles[file] = reason;
    }
    // No "always" for what an approval cannot pin down; and an approval stored before the command was known to
    // depend on workspace code or configuration no longer counts.
    const canAlways = alwaysAllowable(command) && Object.keys(unpinnableFiles).length === 0;
    if (canAlways && this.ports.approvals.has(key)) return { decision: 'approved-always', fileHashes };

    const approvedEarlier = canAlways && this.ports.approvals.approvedEarlier(command.id, this.ports.workspaceIdentity());
    const missingFiles = Object.keys(fileHashes).filter((file) => fileHashes[file] === MISSING);
    const content = promptContent('approve', command, source, this.ports.workspaceLabel(), shownParameters(definition, params), { approvedEarlier, missingFiles, unpinnableFiles });
    const answer = await this.prompt(content, command, source);
    if (answer === ALWAYS_BUTTON && canAlways) {
      // Re-hash after the prompt: a file rewritten while the dialog was open is not what the user saw.
      for (const file of command.workspaceFiles) {
        if ((await this.ports.hashFile(file)) !== fileHashes[file]) {
          throw new RefusalError('refused', `${command.id}: ${file} changed while you were being asked; nothing ran`, 'refused-policy', command.id, command);
        }
      }
      await this.ports.approvals.add({
        key,
        commandId: command.id,
        workspace: this.ports.workspaceIdentity(),
        program: command.programPath,
        args: command.args,
        approvedAt: new Date().toISOString(),
      });
      return { decision: 'approved-always', fileHashes };
    }
    if (answer === RUN_ONCE_BUTTON) return { decision: 'approved-once', fileHashes };
    throw new RefusalError('denied', `${command.id}: cancelled on the host; nothing ran`, 'denied', command.id, command);
  }

  /**
   * One prompt on screen at a time; a few may wait; beyond that, refuse rather than stack dialogs. After the
   * user declines, requests for that command from a program in the container (the CLI, another extension,
   * an agent) are refused without asking for a while, also those already waiting. A program can also claim
   * to be the palette or a click, and ask for a new command each time: after several "Don't Run" in a row,
   * every prompt waits a while, whatever its source. A script cannot keep the user answering.
   */
  private async prompt(content: PromptContent, command: ResolvedCommand, source: RequestSource): Promise<string | undefined> {
    // By command alone: the source is whatever the caller says it is, so a script could rotate through them.
    const declinedKey = PROGRAMMATIC_SOURCES.has(source) ? command.id : undefined;
    const refuseIfDeclined = () => {
      const now = Date.now();
      const declinedAt = declinedKey === undefined ? undefined : this.declined.get(declinedKey);
      if (declinedAt !== undefined && now - declinedAt < this.limits.declinedQuietMs) {
        const seconds = Math.ceil((this.limits.declinedQuietMs - (now - declinedAt)) / 1000);
        throw new RefusalError('denied', `${command.id}: you declined it on the host moments ago; not asking again for ${seconds} s`, 'denied', command.id, command);
      }
      const burst = this.recentDeclines.filter((at) => now - at < this.limits.declineBurstWindowMs);
      const last = burst.at(-1);
      if (burst.length >= this.limits.declineBurst && last !== undefined && now - last < this.limits.declinedQuietMs) {
        const seconds = Math.ceil((this.limits.declinedQuietMs - (now - last)) / 1000);
        throw new RefusalError('denied', `${command.id}: you declined ${burst.length} host commands in a row; not asking about any for ${seconds} s`, 'denied', command.id, command);
      }
    };
    refuseIfDeclined();
    if (this.promptsPending > this.limits.maxQueuedPrompts) {
      throw new RefusalError('busy', `${command.id}: too many requests are waiting for confirmation; try again`, 'refused-busy', command.id, command);
    }
    this.promptsPending++;
    const answer = this.promptChain.then(() => {
      refuseIfDeclined();
      return this.ports.showPrompt(content);
    });
    this.promptChain = answer.catch(() => undefined);
    try {
      const chosen = await answer;
      // Anything but a run button (Don't Run, Cancel, Escape) is a no.
      if (!content.buttons.slice(1).includes(chosen ?? '')) {
        const now = Date.now();
        if (declinedKey !== undefined) this.declined.set(declinedKey, now);
        this.recentDeclines.push(now);
        if (this.recentDeclines.length > this.limits.declineBurst) this.recentDeclines.shift();
      } else {
        this.recentDeclines.length = 0;
      }
      return chosen;
    } finally {
      this.promptsPending--;
    }
  }


  // ---- runs --------------------------------------------------------------------------------------

  private launch(command: ResolvedCommand, source: RequestSource, stream: boolean, approval: Approval): Run {
    const runId = `run-${randomBytes(12).toString('hex')}`;
    const info: RunInfo = { runId, sequence: ++this.sequence, source, command };
    const relay = new OutputRelay({ highWaterMark: () => this.relayShare(), retain: stream });
    let markFinished!: () => void;
    const finished = new Promise<void>((resolve) => (markFinished = resolve));
    const run: Run = { info, relay, stream, startedAt: Date.now(), lastSeen: Date.now(), outputBytes: 0, decision: approval.decision, fileHashes: approval.fileHashes, finished };
    this.runs.set(runId, run);
    relay.onData((chunk) => {
      run.outputBytes += chunk.data.length;
      this.ports.observer.output(info, chunk.stream, chunk.data);
    });
    void this.whenSlotFree().then(async () => {
      try {
        await this.execute(run);
      } finally {
        markFinished();
      }
    });
    return run;
  }

  /** Each streaming run's share of the output budget, asked each time a run's buffer grows or is read. */
  private relayShare(): number {
    const share = Math.floor(this.limits.relayBudget / Math.max(1, this.streamingRuns));
    return Math.min(this.limits.relayHighWaterMark, Math.max(MIN_RELAY_SHARE, share));
  }

  private whenSlotFree(): Promise<void> {
    if (this.runningCount < this.limits.maxConcurrentRuns) {
      this.runningCount++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waitingToStart.push(() => resolve()));
  }

  private releaseSlot(): void {
    const next = this.waitingToStart.shift();
    if (next) next();
    else this.runningCount--;
  }

  private async execute(run: Run): Promise<void> {
    const { command } = run.info;
    let result: RunResult;
    const changedFile = await this.changedWorkspaceFile(run);
    const host = command.cwdMustStayInside ? await this.ports.hostFacts() : undefined;
    // The process runner (and execa under it) is loaded on the first run, not while VS Code activates the bridge;
    // before the checks below, so that nothing can change between them and the spawn.
    const spawn = this.ports.startProcess ?? (await import('./processRunner')).startProcess;
    const cwdProblem = host ? cwdEscape(command.cwd, host) : undefined;
    if (run.cancelRequested || this.disposed) {
      result = { exitCode: null, signal: null, durationMs: 0, reason: run.cancelRequested ?? 'shutdown', message: 'cancelled before it started' };
    } else if (changedFile) {
      // It waited for a slot after approval, and the container rewrote what it would run meanwhile.
      result = { exitCode: null, signal: null, durationMs: 0, reason: 'spawn-failed', message: `${changedFile} changed after it was approved; nothing ran` };
    } else if (cwdProblem) {
      // Checked at resolve time too; the container may have swapped a folder for a symbolic link while the prompt was open.
      result = { exitCode: null, signal: null, durationMs: 0, reason: 'spawn-failed', message: `${cwdProblem}; nothing ran` };
    } else {
      this.ports.observer.started(run.info);
      run.startedAt = Date.now();
      const handle = spawn({
        file: command.programPath,
        args: command.args,
        cwd: command.cwd,
        env: buildChildEnvironment(this.ports.hostEnvironment(), command.envAdditions),
        shell: command.shell,
        timeoutMs: command.timeoutMs,
      });
      run.handle = handle;
      if (run.stream) {
        // Counted until its caller has read the last byte (or the output is discarded), not only while the process
        // runs: output held after exit, and what a background child keeps writing, is part of the budget too.
        this.streamingRuns++;
        void run.relay.released.then(() => this.streamingRuns--);
      }
      if (handle.stdout) run.relay.attach('stdout', handle.stdout);
      if (handle.stderr) run.relay.attach('stderr', handle.stderr);
      // Resolves when the process exits; output still in its pipes keeps flowing into the relay after that.
      result = await handle.done;
    }
    this.releaseSlot();
    run.endedAt = Date.now();
    run.outcome = { exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, reason: result.reason, ...(result.message ? { message: result.message } : {}) };
    // The outcome is set before the relay ends, so a poll that sees the end also sees the outcome.
    run.relay.end();
    this.ports.observer.ended(run.info, run.outcome);
    this.ports.audit({
      ...this.auditBase(run.info.source, command.id, command),
      decision: result.reason === 'spawn-failed' ? 'failed-to-start' : run.decision,
      exitCode: result.exitCode,
      signal: result.signal,
      reason: result.reason,
      durationMs: result.durationMs,
      outputBytes: run.outputBytes,
      ...(result.message ? { message: result.message } : {}),
    });
  }

  /**
   * After its process exited, a run may have left children that still write into its pipes: nobody will read
   * them now, so end them (on POSIX the runner kills what is left of the process group) and let the pipes drain.
   */
  private endLeftovers(run: Run): void {
    run.relay.discard();
    run.handle?.cancel('caller-gone');
  }

  private stopRun(run: Run, why: 'cancelled' | 'caller-gone' | 'shutdown'): void {
    if (run.outcome) return;
    run.cancelRequested ??= why;
    run.handle?.cancel(why);
    // Nobody will read what is left: let the pipes drain and close instead of holding them paused.
    if (why !== 'cancelled') run.relay.discard();
  }

  private async changedWorkspaceFile(run: Run): Promise<string | undefined> {
    for (const [file, hash] of Object.entries(run.fileHashes ?? {})) {
      if ((await this.ports.hashFile(file)) !== hash) return file;
    }
    return undefined;
  }

  /** Streaming callers must keep polling; one that stopped (its extension host died, the window reloaded) is gone. */
  private reapAbandonedRuns(): void {
    const now = Date.now();
    for (const run of this.runs.values()) {
      if (!run.outcome && now - run.lastSeen > this.limits.callerLeaseMs) this.stopRun(run, 'caller-gone');
      // A finished run is kept while its caller still polls (a reply lost in transit can be asked for
      // again), and forgotten once nobody has asked for it a while.
      if (run.outcome && now - Math.max(run.lastSeen, run.endedAt ?? 0) > this.limits.finishedRunRetentionMs) {
        this.endLeftovers(run);
        this.runs.delete(run.info.runId);
      }
    }
  }

  // ---- refusals and auditing ------------------------------------------------------------------------

  private auditBase(source: RequestSource | 'unknown', commandId: string | null, command?: ResolvedCommand): Omit<AuditRecord, 'decision'> {
    return {
      time: new Date().toISOString(),
      source,
      workspace: this.ports.workspaceIdentity(),
      command: commandId,
      ...(command ? { origin: command.origin, program: command.programPath, args: command.args, cwd: command.cwd } : {}),
    };
  }

  /** Runs a handler; any refusal becomes a clear error reply and, for run requests, an audit record. */
  private async handle(raw: unknown, body: () => Promise<Reply>): Promise<Reply> {
    try {
      return await body();
    } catch (error) {
      const { code, message, decision, commandId, command } = describeFailure(error);
      if (decision) {
        // Labels for the record come from a JSON copy: reading the raw value could run a same-host caller's getters.
        const wire = safeWire(raw);
        this.ports.audit({ ...this.auditBase(sourceOf(wire), commandId ?? commandOf(wire), command), decision, message });
      }
      return errorResponse(code, message);
    }
  }
}

class RefusalError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly decision: AuditDecision,
    readonly commandId: string,
    readonly command?: ResolvedCommand,
  ) {
    super(message);
  }
}

function describeFailure(error: unknown): { code: ErrorCode; message: string; decision?: AuditDecision; commandId?: string; command?: ResolvedCommand } {
  if (error instanceof RefusalError) return error;
  if (error instanceof ProtocolError) {
    const decision: AuditDecision | undefined = error.code === 'unknown-run' ? undefined : 'refused-invalid';
    return { code: error.code, message: error.message, decision };
  }
  return { code: 'refused', message: `internal error: ${(error as Error)?.message ?? String(error)}`, decision: 'refused-invalid' };
}

/** Best-effort labels from a message that may be invalid, for the audit record only. */
function sourceOf(raw: unknown): RequestSource | 'unknown' {
  const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).source : undefined;
  return typeof value === 'string' && ['palette', 'statusBar', 'task', 'api', 'cli', 'tool', 'keybinding'].includes(value) ? (value as RequestSource) : 'unknown';
}

function commandOf(raw: unknown): string | null {
  const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).command : undefined;
  return typeof value === 'string' ? value.slice(0, 100) : null;
}

/** Each parameter as a prompt explains it: the value of this run and the rule other values must follow. */
function shownParameters(definition: CommandDefinition, params: ParamValues): PromptParameter[] {
  return parameterSpecs(definition).map((spec) => ({
    name: spec.name,
    value: Object.hasOwn(params, spec.name) ? params[spec.name] : undefined,
    rule: spec.enum ? `one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}` : spec.pattern !== undefined ? `must match /${spec.pattern}/` : undefined,
  }));
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A container working directory → the same place on the host; outside the workspace folder, refused. */
function mapCallerCwd(containerCwd: string, host: HostFacts, commandId: string): string {
  if (!host.folder.ok) throw new RefusalError('refused', `${commandId}: cannot use the working directory ${containerCwd}: ${host.folder.reason}`, 'refused-policy', commandId);
  const mapped = containerToHost(containerCwd, host.folder.paths);
  if (!mapped.ok) throw new RefusalError('refused', `${commandId}: working directory refused: ${mapped.reason}`, 'refused-policy', commandId);
  return mapped.hostPath;
}

function safeWire(raw: unknown): unknown {
  try {
    return toWire(raw);
  } catch {
    return undefined;
  }
}
