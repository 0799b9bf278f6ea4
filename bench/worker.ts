// One bench scenario per process, so that each one starts from a clean heap and its memory figures are its own.
//   node --expose-gc out/bench/worker.js <scenario> '<options as JSON>'
// prints the result as one JSON line on stdout (and, for http-server, serves until stdin closes).
// scripts/bench.mjs runs these and turns the results into ratios.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { execa } from 'execa';
import { createBenchBridge, runThroughBridge, type BenchBridge } from './lib/bridge';
import { collectGarbage, MiB, PeakRss, type MemoryFigures } from './lib/stats';
import { DEFAULT_LIMITS, type BridgeLimits } from '../src/core/bridgeService';
import { CONFIRMED_DEFINITIONS_FILE, confirmedLedgerContent } from '../src/core/confirmedDefinitions';
import { loadTrustedDefinitions } from '../src/core/definitions';
import { OutputRelay } from '../src/core/outputRelay';
import { startProcess } from '../src/core/processRunner';

const TRUE = '/usr/bin/true';
const HEAD = '/usr/bin/head';

type Options = Record<string, unknown>;

/** Every bridge this process made, disposed (temp folder removed) at the end even when a scenario fails. */
const bridges: BenchBridge[] = [];

function benchBridge(...args: Parameters<typeof createBenchBridge>): BenchBridge {
  const bridge = createBenchBridge(...args);
  bridges.push(bridge);
  return bridge;
}

function producerArgs(bytes: number): string[] {
  return ['-c', String(bytes), '/dev/zero'];
}

// ---- 1. round trip of a no-op command --------------------------------------------------------------

interface RoundTripOptions {
  methods: string[];
  rounds: number;
  /** Samples per round, by method (default 20). */
  perRound: Record<string, number>;
  warmup: number;
  httpPort?: number;
  /** ssh argv before the remote command (new connection each time). */
  ssh?: string[];
  /** ssh argv through an already-open master connection (ControlMaster). */
  sshMux?: string[];
}

/** Each method is one approved no-op run, start to exit code, as a function returning when it is over. */
function roundTripMethods(options: RoundTripOptions, bridge: BenchBridge): Record<string, () => Promise<unknown>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ file: TRUE, args: [] });
  return {
    // The limit: execa spawning the program directly, as the bridge does underneath.
    'raw-execa': async () => {
      const result = await execa(TRUE, [], { reject: false });
      if (result.exitCode !== 0) throw new Error(`true exited with ${result.exitCode}`);
    },
    // Below execa: node's own spawn, no pipes.
    'raw-spawn': () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(TRUE, [], { stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`true exited with ${code}`))));
      }),
    bridge: async () => {
      const result = await runThroughBridge(bridge.client, 'bench-true');
      if (result.outcome.exitCode !== 0) throw new Error(`the bridge ran true: ${JSON.stringify(result.outcome)}`);
      return result.polls;
    },
    http: () =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(
          { host: '127.0.0.1', port: options.httpPort, method: 'POST', path: '/exec', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (response) => {
            const parts: Buffer[] = [];
            response.on('data', (part: Buffer) => parts.push(part));
            response.on('end', () => {
              const reply = JSON.parse(Buffer.concat(parts).toString('utf8')) as { exitCode: number };
              if (reply.exitCode === 0) resolve();
              else reject(new Error(`the HTTP service answered ${JSON.stringify(reply)}`));
            });
          },
        );
        request.once('error', reject);
        request.end(body);
      }),
    ssh: async () => {
      const result = await execa(options.ssh![0]!, [...options.ssh!.slice(1), 'true'], { reject: false, stdin: 'ignore' });
      if (result.exitCode !== 0) throw new Error(`ssh true exited with ${result.exitCode}: ${String(result.stderr)}`);
    },
    'ssh-mux': async () => {
      const result = await execa(options.sshMux![0]!, [...options.sshMux!.slice(1), 'true'], { reject: false, stdin: 'ignore' });
      if (result.exitCode !== 0) throw new Error(`ssh (multiplexed) true exited with ${result.exitCode}: ${String(result.stderr)}`);
    },
  };
}

async function roundTrip(options: RoundTripOptions): Promise<unknown> {
  const bridge = benchBridge({ 'bench-true': { title: 'no-op', program: TRUE, confirm: 'never' } });
  const all = roundTripMethods(options, bridge);
  const methods = options.methods.map((name) => {
    const run = all[name];
    if (!run) throw new Error(`unknown round-trip method ${name}`);
    return { name, run };
  });
  const samples: Record<string, number[]> = Object.fromEntries(methods.map(({ name }) => [name, []]));
  const polls: number[] = [];
  for (const { run } of methods) for (let i = 0; i < options.warmup; i++) await run();
  // Rounds interleave the methods, so a slow spell on a shared machine hits all of them alike.
  for (let round = 0; round < options.rounds; round++) {
    for (const { name, run } of methods) {
      const count = options.perRound[name] ?? 20;
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        const extra = await run();
        samples[name]!.push(performance.now() - started);
        if (name === 'bridge') polls.push(extra as number);
      }
    }
  }
  return { samples, bridgePollsPerRun: polls.length ? polls.reduce((a, b) => a + b, 0) / polls.length : undefined };
}

// ---- 3. throughput ----------------------------------------------------------------------------------

interface ThroughputResult {
  method: string;
  bytes: number;
  ms: number;
  mibPerSecond: number;
  memory: MemoryFigures;
  polls?: number;
}

/** Counts what a child writes to its stdout; resolves once it has exited and its stdout has closed. */
function countChildOutput(file: string, args: string[], memory: PeakRss): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    child.stdout.on('data', (data: Buffer) => {
      bytes += data.length;
      memory.sample();
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`${file} exited with ${code}`))));
  });
}

async function throughput(options: { method: string; bytes: number; ssh?: string[] }): Promise<ThroughputResult> {
  const { method, bytes: expected } = options;
  let bridge: BenchBridge | undefined;
  if (method === 'poll' || method === 'poll-across-hosts') {
    bridge = benchBridge({ 'bench-stream': { program: HEAD, args: producerArgs(expected), confirm: 'never' } }, {}, { acrossHosts: method === 'poll-across-hosts' });
  }
  const memory = new PeakRss();
  const started = performance.now();
  let bytes = 0;
  let polls: number | undefined;
  switch (method) {
    // The reference: the producer's pipe read by node, nothing else.
    case 'raw':
      bytes = await countChildOutput(HEAD, producerArgs(expected), memory);
      break;
    // The same pipe through ssh (loopback sshd, new connection).
    case 'ssh':
      bytes = await countChildOutput(options.ssh![0]!, [...options.ssh!.slice(1), `head -c ${expected} /dev/zero`], memory);
      break;
    // The relay alone: the bridge's process runner, its OutputRelay, a consumer reading up to 1 MiB per read.
    case 'relay': {
      const handle = startProcess({ file: HEAD, args: producerArgs(expected), cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, shell: false });
      const relay = new OutputRelay({ highWaterMark: DEFAULT_LIMITS.relayHighWaterMark });
      relay.attach('stdout', handle.stdout);
      relay.attach('stderr', handle.stderr);
      // As the bridge does: once the process has exited nothing more is attached; the pipes are still read to their end.
      const done = handle.done.then((result) => {
        relay.end();
        return result;
      });
      let cursor = 0;
      polls = 0;
      for (;;) {
        const read = await relay.read(cursor, { maxBytes: DEFAULT_LIMITS.pollMaxBytes, waitMs: 1000 });
        polls++;
        for (const chunk of read.chunks) bytes += chunk.data.length;
        cursor = read.cursor;
        memory.sample();
        if (read.finished) break;
      }
      const result = await done;
      if (result.exitCode !== 0) throw new Error(`head exited with ${JSON.stringify(result)}`);
      break;
    }
    // The whole poll path: start and poll requests through toWire, base64 chunks, replies checked, validated and
    // decoded; across hosts, every message and reply also through JSON once more, as VS Code would send it.
    case 'poll':
    case 'poll-across-hosts': {
      const result = await runThroughBridge(bridge!.client, 'bench-stream', () => memory.sample());
      if (result.outcome.exitCode !== 0) throw new Error(`head through the bridge: ${JSON.stringify(result.outcome)}`);
      bytes = result.bytes;
      polls = result.polls;
      break;
    }
    default:
      throw new Error(`unknown throughput method ${method}`);
  }
  const ms = performance.now() - started;
  const figures = memory.stop();
  if (bytes !== expected) throw new Error(`${method}: received ${bytes} bytes, expected ${expected}`);
  return { method, bytes, ms, mibPerSecond: bytes / MiB / (ms / 1000), memory: figures, ...(polls !== undefined ? { polls } : {}) };
}

// ---- 4. scale -----------------------------------------------------------------------------------------

interface ScaleOptions {
  method: 'raw' | 'bridge';
  runs: number;
  bytesPerRun: number;
  /** The bridge's limits, over DEFAULT_LIMITS. */
  limits?: Partial<BridgeLimits>;
}

async function scale(options: ScaleOptions): Promise<unknown> {
  const { method, runs, bytesPerRun } = options;
  const bridge = method === 'bridge' ? benchBridge({ 'bench-stream': { program: HEAD, args: producerArgs(bytesPerRun), confirm: 'never' } }, options.limits) : undefined;
  // One run first, so that code loading and JIT warm-up are not counted against the first size.
  if (bridge) await runThroughBridge(bridge.client, 'bench-stream');
  else await execa(HEAD, producerArgs(bytesPerRun), { encoding: 'buffer' });
  collectGarbage();
  const memory = new PeakRss();
  const started = performance.now();
  const one = async (): Promise<number> => {
    if (bridge) return (await runThroughBridge(bridge.client, 'bench-stream', () => memory.sample())).bytes;
    // The reference: execa streaming the same output to a consumer that counts it.
    const child = execa(HEAD, producerArgs(bytesPerRun), { buffer: false, stdin: 'ignore', encoding: 'buffer' });
    let bytes = 0;
    child.stdout.on('data', (data: Buffer) => {
      bytes += data.length;
      memory.sample();
    });
    await child;
    return bytes;
  };
  const counts = await Promise.all(Array.from({ length: runs }, one));
  const ms = performance.now() - started;
  const figures = memory.stop();
  if (counts.some((count) => count !== bytesPerRun)) throw new Error(`${method}: a run did not deliver all of its ${bytesPerRun} bytes`);
  return { method, runs, bytesPerRun, ms, memory: figures };
}

// ---- the HTTP "execute" service on loopback ----------------------------------------------------------------

/** The usual hole in the wall: POST a program and its arguments, get its exit code. Prints its port, serves until stdin ends. */
function httpServer(): Promise<unknown> {
  const server = http.createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      const { file, args } = JSON.parse(Buffer.concat(parts).toString('utf8')) as { file: string; args: string[] };
      void execa(file, args, { reject: false }).then((result) => {
        const body = JSON.stringify({ exitCode: result.exitCode ?? null });
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
      process.stdin.resume();
      process.stdin.on('end', () => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      });
    });
  });
}

// ---- set-up for the bench in VS Code ----------------------------------------------------------------------

async function confirmedLedger({ commands }: { commands: Record<string, unknown> }): Promise<unknown> {
  const { definitions } = loadTrustedDefinitions(commands);
  return { file: CONFIRMED_DEFINITIONS_FILE, content: confirmedLedgerContent(definitions) };
}

// ---- main ----------------------------------------------------------------------------------------------

const scenarios: Record<string, (options: Options) => Promise<unknown>> = {
  roundtrip: (options) => roundTrip(options as unknown as RoundTripOptions),
  throughput: (options) => throughput(options as unknown as { method: string; bytes: number; ssh?: string[] }),
  scale: (options) => scale(options as unknown as ScaleOptions),
  'http-server': () => httpServer(),
  // The bridge's record of confirmed commands for these user settings, as after the user's first confirmation.
  'confirmed-ledger': (options) => confirmedLedger(options as unknown as { commands: Record<string, unknown> }),
};

async function main(): Promise<void> {
  const [name, json] = process.argv.slice(2);
  const scenario = name ? scenarios[name] : undefined;
  if (!scenario) throw new Error(`usage: worker.js <${Object.keys(scenarios).join('|')}> '<options JSON>'`);
  try {
    const result = await scenario(json ? (JSON.parse(json) as Options) : {});
    if (name !== 'http-server') process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all(bridges.map((bridge) => bridge.dispose()));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
