// `npm run bench`: how fast and how light Host Commands is, against the usual ways out of a container and
// against the physical limit (a raw process spawn). Prints a table and writes bench/results/latest.json (git-ignored)
// and latest.md (the same table in Markdown, committed and quoted in the README). Every figure is a ratio against a reference measured in the
// same run: these machines are shared and noisy, so absolute times alone mean little.
//
//   1. Round trip of an approved no-op host command (`true`, no prompt) through the full path (validation,
//      policy, JSON across the protocol, spawn, result), against execa spawning it, a loopback HTTP "execute"
//      service, and ssh to a loopback sshd (started here with throwaway keys, stopped at the end).
//   2. The same round trip inside the extension host of a real VS Code (code-server), through the workspace
//      part's client.
//   3. Throughput of 1 GiB of host output through the relay, against a raw pipe and the ssh pipe; peak memory.
//   4. Scale: 1, 10 and 100 concurrent runs; total time and memory.
//   5. Activation time of each part in the real VS Code, and the size of each minified bundle.
//
// Flags: --smoke     tiny samples, 16 MiB, no VS Code, no sshd (under 30 s; run by `npm test`; exits 0 unless the
//                    bench itself broke, whatever the figures)
//        --no-vscode  skip 2 and 5's activation; --no-ssh  skip the sshd references
//        --only LIST  some of roundtrip,throughput,scale,vscode (comma-separated)
//        --profile    also save a CPU profile of the extension host during the in-VS Code round trips
//                     (out/bench/vscode-roundtrip.cpuprofile)
//        --out FILE   where to write the JSON, the Markdown table beside it (default bench/results/latest.json;
//                     smoke.json with --smoke, which writes no table; partial.json with --only)
/* global performance */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, portInUse } from './lib/workbench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const withVscode = !smoke && !argv.includes('--no-vscode');
const withSsh = !smoke && !argv.includes('--no-ssh');
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(argv[onlyIndex + 1].split(',')) : undefined;
const wanted = (part) => !only || only.has(part);
const profile = argv.includes('--profile');
const outIndex = argv.indexOf('--out');
const outFile = path.resolve(outIndex >= 0 ? argv[outIndex + 1] : path.join('bench', 'results', smoke ? 'smoke.json' : only ? 'partial.json' : 'latest.json'));

const MiB = 1024 * 1024;
const KiB = 1024;
const GiB = 1024 * MiB;

const settings = smoke
  ? {
      roundTrip: { warmup: 2, rounds: 2, perRound: { 'raw-execa': 5, 'raw-spawn': 5, bridge: 5, http: 5 } },
      throughput: { bytes: 16 * MiB, repeats: 1 },
      scale: { sizes: [1, 10, 100], bytesPerRun: 64 * KiB, repeats: 1 },
    }
  : {
      roundTrip: { warmup: 10, rounds: 10, perRound: { 'raw-execa': 30, 'raw-spawn': 30, bridge: 30, http: 30, ssh: 10, 'ssh-mux': 30 } },
      throughput: { bytes: GiB, repeats: 3 },
      scale: { sizes: [1, 10, 100], bytesPerRun: MiB, repeats: 3 },
      vscode: { windows: 7, warmup: 10, rounds: 10, perRound: 20 },
    };

const TARGETS = {
  roundTripVsRaw: 1.5,
  sshVsBridge: 50,
  relayVsRawPipe: 0.5,
  streamMemoryMiB: 64,
  activationMs: 30,
  bundleKiB: 250,
  /** Per-run cost at 100 concurrent runs over that at 10: 1 is linear; 10 % allowed for noise. */
  scaleGrowth: 1.1,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const notes = [];
const cleanups = [];

// ---- running the worker (one scenario per process, see bench/worker.ts) ----------------------------------

const WORKER = path.join(root, 'out', 'bench', 'worker.js');

function runWorker(scenario, options, { timeoutMs = smoke ? 60_000 : 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', WORKER, scenario, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = signal === 'SIGKILL' ? `no result within ${timeoutMs / 1000} s` : `${code ?? signal}`;
        return reject(new Error(`bench worker ${scenario} ${JSON.stringify(options)} failed (${why}):\n${stderr.slice(-3000)}`));
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()));
      } catch (error) {
        reject(new Error(`bench worker ${scenario}: unreadable result ${JSON.stringify(stdout.slice(-500))}: ${error.message}`));
      }
    });
  });
}

// ---- references: the HTTP exec service and a loopback sshd -------------------------------------------------

async function startHttpService() {
  const child = spawn(process.execPath, [WORKER, 'http-server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (data) => {
      text += data;
      if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]).port);
    });
    child.once('exit', (code) => reject(new Error(`the HTTP exec service exited (${code})`)));
  });
  const stop = async () => {
    child.stdin.end();
    const exited = await Promise.race([new Promise((resolve) => child.once('exit', () => resolve(true))), sleep(3000).then(() => false)]);
    if (!exited) child.kill('SIGKILL');
  };
  cleanups.push(stop);
  return { port, stop };
}

function commandPath(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function sshdPath() {
  return ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'].find((file) => fs.existsSync(file)) ?? commandPath('sshd');
}

/** Debian's openssh-server and -client, installed once if missing (root, or sudo without a password). */
function ensureOpenSsh() {
  if (sshdPath() && commandPath('ssh') && commandPath('ssh-keygen')) return true;
  if (!commandPath('apt-get')) throw new Error('openssh-server is not installed and there is no apt-get to install it');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [command, ...rest] = [...sudo, ...args];
    const result = spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) throw new Error(`${[command, ...rest].join(' ')} failed (${result.status ?? result.signal})`);
  };
  // Installing must not start a system sshd listening on every interface: Debian asks policy-rc.d first.
  const policy = '/usr/sbin/policy-rc.d';
  const addedPolicy = !fs.existsSync(policy) && process.getuid?.() === 0;
  if (addedPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    log('installing openssh-server and openssh-client (apt-get)');
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'openssh-server', 'openssh-client']);
  } finally {
    if (addedPolicy) fs.rmSync(policy, { force: true });
  }
  return Boolean(sshdPath());
}

/** An sshd on 127.0.0.1 only, with throwaway host and client keys; returns the ssh argv (before the remote command). */
async function startSshd() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-bench-ssh-'));
  fs.chmodSync(dir, 0o700);
  const keygen = (file) => {
    const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'host-commands-bench', '-f', file], { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`ssh-keygen failed for ${file}`);
  };
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'client_key'));
  fs.copyFileSync(path.join(dir, 'client_key.pub'), path.join(dir, 'authorized_keys'));
  const user = os.userInfo().username;
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'UseDNS no',
      'PrintMotd no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  // sshd refuses to start without its privilege separation directory (the system service would create it).
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd = spawn(sshdPath(), ['-D', '-e', '-f', config, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let sshdErrors = '';
  sshd.stderr.on('data', (data) => (sshdErrors += data));
  const stopSshd = async () => {
    if (sshd.exitCode === null && sshd.signalCode === null) {
      sshd.kill('SIGTERM');
      await Promise.race([new Promise((resolve) => sshd.once('exit', resolve)), sleep(3000)]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.push(stopSshd);
  for (let i = 0; i < 100 && !(await portInUse(port)); i++) {
    if (sshd.exitCode !== null) throw new Error(`sshd exited (${sshd.exitCode}): ${sshdErrors.trim()}`);
    await sleep(50);
  }
  const ssh = [
    commandPath('ssh'),
    '-F', '/dev/null',
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'LogLevel=ERROR',
    '-i', path.join(dir, 'client_key'),
    '-p', String(port),
    `${user}@127.0.0.1`,
  ];
  const check = spawnSync(ssh[0], [...ssh.slice(1), 'true'], { encoding: 'utf8', timeout: 20_000 });
  if (check.status !== 0) throw new Error(`ssh to the loopback sshd failed (${check.status ?? check.signal}): ${check.stderr.trim()} ${sshdErrors.trim()}`);

  // The kind reference: one connection kept open (ControlMaster), each command a new session on it.
  const socket = path.join(dir, 'mux.sock');
  const master = spawn(ssh[0], [...ssh.slice(1, -1), '-M', '-S', socket, '-N', ssh[ssh.length - 1]], { stdio: 'ignore' });
  const stopMaster = async () => {
    if (master.exitCode !== null || master.signalCode !== null) return;
    master.kill('SIGTERM');
    await Promise.race([new Promise((resolve) => master.once('exit', resolve)), sleep(3000)]);
  };
  cleanups.unshift(stopMaster);
  for (let i = 0; i < 100 && !fs.existsSync(socket); i++) await sleep(50);
  const sshMux = fs.existsSync(socket) ? [...ssh.slice(0, -1), '-S', socket, '-o', 'ControlMaster=no', ssh[ssh.length - 1]] : undefined;
  return {
    ssh,
    sshMux,
    version: spawnSync(ssh[0], ['-V'], { encoding: 'utf8' }).stderr.trim(),
    stop: async () => {
      await stopMaster();
      await stopSshd();
    },
  };
}

// ---- 1, 3, 4: outside VS Code ---------------------------------------------------------------------------------

async function measureRoundTrip({ httpPort, ssh }) {
  const methods = ['raw-execa', 'raw-spawn', 'bridge', 'http', ...(ssh ? ['ssh'] : []), ...(ssh?.sshMux ? ['ssh-mux'] : [])];
  const options = { ...settings.roundTrip, methods, httpPort, ssh: ssh?.ssh, sshMux: ssh?.sshMux };
  log(`round trip: ${methods.join(', ')}`);
  const result = await runWorker('roundtrip', options);
  return { samples: result.samples, bridgePollsPerRun: result.bridgePollsPerRun };
}

async function measureThroughput({ ssh }) {
  const { bytes, repeats } = settings.throughput;
  const methods = ['raw', 'relay', 'poll', 'poll-across-hosts', ...(ssh ? ['ssh'] : [])];
  const runs = Object.fromEntries(methods.map((method) => [method, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const method of methods) {
      log(`throughput: ${method} ${formatBytes(bytes)} (${repeat + 1}/${repeats})`);
      runs[method].push(await runWorker('throughput', { method, bytes, ssh: ssh?.ssh }));
    }
  }
  return { bytes, runs };
}

async function measureScale() {
  const { sizes, bytesPerRun, repeats } = settings.scale;
  const variants = [
    { name: 'raw', options: { method: 'raw' } },
    // As shipped, the bridge runs 4 at a time and refuses more than 32 waiting: the queue is widened so that all 100 are accepted.
    { name: 'bridge', options: { method: 'bridge', limits: { maxQueuedRuns: 100 } } },
    { name: 'bridge-all', options: { method: 'bridge', limits: { maxConcurrentRuns: 100, maxQueuedRuns: 100 } } },
  ];
  const runs = {};
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const size of sizes) {
      for (const variant of variants) {
        log(`scale: ${variant.name} × ${size} (${repeat + 1}/${repeats})`);
        (runs[`${variant.name}/${size}`] ??= []).push(await runWorker('scale', { ...variant.options, runs: size, bytesPerRun }));
      }
    }
  }
  return { sizes, bytesPerRun, variants: variants.map((variant) => variant.name), runs };
}

// ---- 2 and 5: in a real VS Code ----------------------------------------------------------------------------------

const BRIDGE_ID = 'host-commands.host-commands-bridge';
const WORKSPACE_ID = 'host-commands.host-commands';
const HARNESS_ID = 'host-commands-test.host-commands-test-harness';

async function measureInVscode() {
  const { ensureCodeServer } = await import('./lib/code-server.mjs');
  const wb = await import('./lib/workbench.mjs');
  log('code-server: installing if needed');
  ensureCodeServer();
  const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-bench-vscode-')));
  cleanups.push(async () => fs.rmSync(scratch, { recursive: true, force: true }));
  const workspaceFolder = path.join(scratch, 'ws');
  fs.mkdirSync(workspaceFolder);
  fs.writeFileSync(path.join(workspaceFolder, 'README.md'), '# bench workspace\n');
  const outputFile = path.join(scratch, 'bench.jsonl');
  const resultsFile = path.join(scratch, 'results.json');
  const { windows, warmup, rounds, perRound } = settings.vscode;
  const context = {
    outputFile,
    extensionIds: [BRIDGE_ID, WORKSPACE_ID, HARNESS_ID],
    roundTrip: { command: 'bench-true', program: '/usr/bin/true', warmup, rounds, perRound },
    ...(profile ? { profileFile: path.join(root, 'out', 'bench', 'vscode-roundtrip.cpuprofile') } : {}),
  };
  const extensions = ['out/bench/extensions/bridge', 'out/bench/extensions/workspace', 'out/bench/harness-extension'].map((dir) => path.join(root, dir));
  const commands = { 'bench-true': { title: 'no-op', program: '/usr/bin/true', confirm: 'never' } };
  // Measured as a command the user has confirmed before: its first run would otherwise ask (a new command in the settings).
  const ledger = await runWorker('confirmed-ledger', { commands });
  const workbench = await wb.startWorkbench({
    workspaceFolder,
    extensions,
    userSettings: { 'hostCommands.commands': commands },
    userFiles: { [path.join('User', 'globalStorage', BRIDGE_ID, ledger.file)]: ledger.content },
    env: {
      HOST_COMMANDS_TEST_SUITE: path.join(root, 'out', 'bench', 'inhost', 'bench.inhost.js'),
      HOST_COMMANDS_TEST_RESULTS: resultsFile,
      HOST_COMMANDS_TEST_CONTEXT: JSON.stringify(context),
      HOST_COMMANDS_TEST_TIMEOUT: '600000',
    },
  });
  cleanups.unshift(() => workbench.stop());
  const browser = await wb.launchBrowser();
  cleanups.unshift(() => browser.close());
  // Each window load starts a new extension host: a fresh activation of every part. The first one also measures round trips.
  for (let window = 0; window < windows; window++) {
    fs.rmSync(resultsFile, { force: true });
    log(`VS Code: window ${window + 1}/${windows}${window === 0 ? ' (activation and round trips)' : ' (activation)'}`);
    if (window === 0) await wb.openWorkbench(browser.page, workbench.url, undefined, { readyText: 'e2e harness' });
    else await browser.page.reload({ waitUntil: 'domcontentloaded' });
    const deadline = Date.now() + 300_000;
    while (!fs.existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error('the in-host bench wrote no results within 5 minutes');
      await sleep(200);
    }
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    if (results.failed > 0) throw new Error(`the in-host bench failed: ${results.tests.map((test) => test.error).filter(Boolean).join('\n')}`);
  }
  const lines = fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  return { vscodeVersion: lines[0]?.vscodeVersion, windows: lines.map((line) => ({ pid: line.pid, activation: line.activation })), roundTrip: lines.find((line) => line.roundTrip)?.roundTrip };
}

/** The files of each part that its extension loads: the bridge loads processRunner.js on its first run. */
const BUNDLE_FILES = { bridge: ['extension.js', 'processRunner.js'], workspace: ['extension.js'] };

function bundleSizes() {
  const bundles = {};
  for (const [part, names] of Object.entries(BUNDLE_FILES)) {
    const files = {};
    const byPackage = {};
    for (const name of names) {
      files[name] = fs.statSync(path.join(root, 'out', 'bench', 'extensions', part, 'dist', name)).size;
      // What it is made of, by package (from esbuild's metafile).
      const meta = JSON.parse(fs.readFileSync(path.join(root, 'out', 'bench', 'meta', `${part}-dist-${name}.json`), 'utf8'));
      const output = Object.values(meta.outputs).find((entry) => entry.entryPoint);
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const source = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(own code)';
        byPackage[source] = (byPackage[source] ?? 0) + bytesInOutput;
      }
    }
    const bytes = Object.values(files).reduce((total, size) => total + size, 0);
    bundles[part] = { bytes, files, byPackage: Object.fromEntries(Object.entries(byPackage).sort((a, b) => b[1] - a[1])) };
  }
  return bundles;
}

// ---- figures and the table --------------------------------------------------------------------------------------

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  return sorted[low] + (sorted[Math.ceil(rank)] - sorted[low]) * (rank - low);
}
const median = (values) => percentile(values, 0.5);
const summary = (values) => ({ n: values.length, p50: percentile(values, 0.5), p90: percentile(values, 0.9) });

function formatBytes(bytes) {
  return bytes >= GiB ? `${bytes / GiB} GiB` : bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}
const ms = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const ratio = (value) => (value >= 100 ? `${value.toFixed(0)}×` : value >= 10 ? `${value.toFixed(1)}×` : `${value.toFixed(2)}×`);
const percent = (value) => `${(value * 100).toFixed(0)} %`;
const mib = (value) => `${value.toFixed(1)} MiB`;

/** One row of the table; `met` is true, false, or undefined when the row has no target. */
function row(section, what, figure, reference, vsReference, target = '', met = undefined) {
  return { section, what, figure, reference, vsReference, target, met };
}

function buildRows(report) {
  const rows = [];
  const targets = [];
  const check = (name, met, detail) => {
    targets.push({ name, met, detail });
    return met;
  };

  // 1. round trip
  const rt = report.roundTrip;
  if (rt) {
    const s = Object.fromEntries(Object.entries(rt.samples).map(([name, values]) => [name, summary(values)]));
    const raw = s['raw-execa'];
    const label = {
      'raw-execa': 'raw execa spawn (the limit)',
      'raw-spawn': 'node spawn, no pipes',
      bridge: 'Host Commands, full path',
      http: 'HTTP exec service, loopback, keep-alive',
      ssh: 'ssh 127.0.0.1 true, new connection',
      'ssh-mux': 'ssh, one open connection (ControlMaster)',
    };
    for (const [name, value] of Object.entries(s)) {
      const figure = `${ms(value.p50)} / ${ms(value.p90)} ms`;
      const vs = `${ratio(value.p50 / raw.p50)} / ${ratio(value.p90 / raw.p90)}`;
      if (name === 'bridge') {
        const met = check('round trip p50 ≤ 1.5× raw spawn', value.p50 / raw.p50 <= TARGETS.roundTripVsRaw, `${ratio(value.p50 / raw.p50)}`);
        rows.push(row('1. round trip, p50 / p90', label[name], figure, 'raw execa', vs, `p50 ≤ ${TARGETS.roundTripVsRaw}×`, met));
        if (rt.bridgePollsPerRun !== undefined) rows.push(row('1. round trip, p50 / p90', '  of which: polls until the outcome (mean per run)', rt.bridgePollsPerRun.toFixed(2), '', ''));
      } else {
        rows.push(row('1. round trip, p50 / p90', label[name] ?? name, figure, name === 'raw-execa' ? '—' : 'raw execa', name === 'raw-execa' ? '1.00×' : vs));
      }
    }
    if (s.ssh) {
      const faster = s.ssh.p50 / s.bridge.p50;
      const met = check('≥ 50× faster than ssh with a new connection', faster >= TARGETS.sshVsBridge, ratio(faster));
      rows.push(row('1. round trip, p50 / p90', 'ssh new connection ÷ Host Commands', `${ratio(faster)} / ${ratio(s.ssh.p90 / s.bridge.p90)}`, 'Host Commands', '', `≥ ${TARGETS.sshVsBridge}×`, met));
    } else {
      rows.push(row('1. round trip, p50 / p90', 'ssh 127.0.0.1 true', 'skipped', '', '', `≥ ${TARGETS.sshVsBridge}×`));
    }
    if (s.http) rows.push(row('1. round trip, p50 / p90', 'HTTP exec service ÷ Host Commands', `${ratio(s.http.p50 / s.bridge.p50)} / ${ratio(s.http.p90 / s.bridge.p90)}`, 'Host Commands', ''));
  }

  // 2. in VS Code
  const vs = report.vscode;
  if (vs?.roundTrip) {
    const raw = summary(vs.roundTrip.raw);
    const bridge = summary(vs.roundTrip.bridge);
    rows.push(row('2. round trip in VS Code (extension host), p50 / p90', 'raw execa spawn in the extension host', `${ms(raw.p50)} / ${ms(raw.p90)} ms`, '—', '1.00×'));
    const met = check('round trip in VS Code p50 ≤ 1.5× raw spawn', bridge.p50 / raw.p50 <= TARGETS.roundTripVsRaw, ratio(bridge.p50 / raw.p50));
    rows.push(
      row('2. round trip in VS Code (extension host), p50 / p90', 'workspace part → bridge (executeCommand, JSON)', `${ms(bridge.p50)} / ${ms(bridge.p90)} ms`, 'raw execa', `${ratio(bridge.p50 / raw.p50)} / ${ratio(bridge.p90 / raw.p90)}`, `p50 ≤ ${TARGETS.roundTripVsRaw}×`, met),
    );
    const parts = vs.roundTrip.breakdown;
    if (parts) {
      const start = summary(parts.startMs);
      const hello = summary(parts.helloMs);
      const polls = parts.polls.reduce((total, value) => total + value, 0) / parts.polls.length;
      rows.push(row('2. round trip in VS Code (extension host), p50 / p90', '  of which: the start request', `${ms(start.p50)} / ${ms(start.p90)} ms`, 'raw execa', `${ratio(start.p50 / raw.p50)} / ${ratio(start.p90 / raw.p90)}`));
      rows.push(row('2. round trip in VS Code (extension host), p50 / p90', `  then polls until the outcome (mean per run)`, polls.toFixed(2), '', ''));
      rows.push(row('2. round trip in VS Code (extension host), p50 / p90', '  a bare request (hello), for scale', `${ms(hello.p50)} / ${ms(hello.p90)} ms`, 'raw execa', `${ratio(hello.p50 / raw.p50)} / ${ratio(hello.p90 / raw.p90)}`));
      if (parts.statMs?.length) {
        const stat = summary(parts.statMs);
        rows.push(row('2. round trip in VS Code (extension host), p50 / p90', '  workspace.fs.stat of a missing workspace file', `${ms(stat.p50)} / ${ms(stat.p90)} ms`, 'raw execa', `${ratio(stat.p50 / raw.p50)} / ${ratio(stat.p90 / raw.p90)}`));
      }
    }
  } else {
    rows.push(row('2. round trip in VS Code (extension host), p50 / p90', 'workspace part → bridge', 'skipped', '', '', `p50 ≤ ${TARGETS.roundTripVsRaw}×`));
  }

  // 3. throughput
  const tp = report.throughput;
  if (tp) {
    const best = (method) => {
      const runs = tp.runs[method];
      return { mibPerSecond: median(runs.map((run) => run.mibPerSecond)), growthMiB: Math.max(...runs.map((run) => run.memory.growthMiB)) };
    };
    const raw = best('raw');
    const section = `3. throughput, ${formatBytes(tp.bytes)} of output (median MiB/s; peak memory growth)`;
    rows.push(row(section, 'raw pipe → node consumer', `${raw.mibPerSecond.toFixed(0)} MiB/s; ${mib(raw.growthMiB)}`, '—', '100 %'));
    const labels = {
      relay: 'relay alone (process → OutputRelay → 1 MiB reads)',
      poll: 'full poll path (requests through toWire, base64, replies checked and validated)',
      'poll-across-hosts': '  the same, plus one JSON round trip per message and reply (VS Code between two extension hosts)',
      ssh: 'ssh pipe (loopback, new connection)',
    };
    for (const method of Object.keys(tp.runs).filter((name) => name !== 'raw')) {
      const value = best(method);
      const share = value.mibPerSecond / raw.mibPerSecond;
      let target = '';
      let met;
      if (method === 'relay' || method === 'poll') {
        const fast = check(`${method}: throughput ≥ 50 % of the raw pipe`, share >= TARGETS.relayVsRawPipe, percent(share));
        const light = check(`${method}: memory growth < 64 MiB streaming ${formatBytes(tp.bytes)}`, value.growthMiB < TARGETS.streamMemoryMiB, mib(value.growthMiB));
        target = `≥ 50 %; < ${TARGETS.streamMemoryMiB} MiB`;
        met = fast && light;
      }
      rows.push(row(section, labels[method] ?? method, `${value.mibPerSecond.toFixed(0)} MiB/s; ${mib(value.growthMiB)}`, 'raw pipe', percent(share), target, met));
    }
    if (tp.runs.ssh) rows.push(row(section, 'full poll path ÷ ssh pipe', ratio(best('poll').mibPerSecond / best('ssh').mibPerSecond), 'ssh pipe', ''));
  }

  // 4. scale
  const sc = report.scale;
  if (sc) {
    const at = (variant, size) => {
      const runs = sc.runs[`${variant}/${size}`];
      return { ms: median(runs.map((run) => run.ms)), growthMiB: median(runs.map((run) => run.memory.growthMiB)) };
    };
    const section = `4. scale, concurrent runs of ${formatBytes(sc.bytesPerRun)} output each (median total time; memory growth)`;
    const labels = { raw: 'raw execa', bridge: 'Host Commands, 4 at a time (default), rest queued', 'bridge-all': 'Host Commands, all at once' };
    for (const variant of sc.variants) {
      for (const size of sc.sizes) {
        const value = at(variant, size);
        const raw = at('raw', size);
        rows.push(row(section, `${labels[variant]} × ${size}`, `${ms(value.ms)} ms; ${mib(value.growthMiB)}`, variant === 'raw' ? '—' : `raw × ${size}`, variant === 'raw' ? '1.00×' : ratio(value.ms / raw.ms)));
      }
      if (sc.sizes.includes(10) && sc.sizes.includes(100)) {
        const ten = at(variant, 10);
        const hundred = at(variant, 100);
        const timeGrowth = hundred.ms / 100 / (ten.ms / 10);
        // Memory below 1 MiB a run is noise in an RSS figure: compare with a floor.
        const memoryGrowth = Math.max(hundred.growthMiB, 1) / 100 / (Math.max(ten.growthMiB, 1) / 10);
        // The machine's own growth, for reading the figures below: on 2 cores, 100 raw spawns are not always linear either.
        if (variant === 'raw') {
          rows.push(row(section, `${labels[variant]}: per-run cost at 100 ÷ at 10`, `time ${ratio(timeGrowth)}; memory ${ratio(memoryGrowth)}`, '', ''));
          continue;
        }
        const met = check(`${variant}: 100 runs cost no more per run than 10 (time, memory)`, timeGrowth <= TARGETS.scaleGrowth && memoryGrowth <= TARGETS.scaleGrowth, `time ${ratio(timeGrowth)}, memory ${ratio(memoryGrowth)}`);
        rows.push(row(section, `${labels[variant]}: per-run cost at 100 ÷ at 10`, `time ${ratio(timeGrowth)}; memory ${ratio(memoryGrowth)}`, '', '', `≤ ${TARGETS.scaleGrowth}× (linear)`, met));
      }
    }
  }

  // 5. activation and bundles
  const section5 = '5. activation (median of window loads) and minified bundle size';
  if (vs?.windows?.length) {
    const activation = (id) => {
      const all = vs.windows.map((window) => window.activation[id]).filter(Boolean);
      return { totalMs: median(all.map((a) => a.totalMs)), loadMs: median(all.map((a) => a.loadMs)), callMs: median(all.map((a) => a.callMs)), maxMs: Math.max(...all.map((a) => a.totalMs)), n: all.length };
    };
    const reference = activation(HARNESS_ID);
    rows.push(row(section5, `activation: a near-empty extension (the test harness), ${reference.n} windows`, `${ms(reference.totalMs)} ms`, '—', '1.00×'));
    for (const [id, label] of [[BRIDGE_ID, 'bridge'], [WORKSPACE_ID, 'workspace part']]) {
      const value = activation(id);
      const met = check(`activation of the ${label} < 30 ms`, value.totalMs < TARGETS.activationMs, `${ms(value.totalMs)} ms`);
      const what = `activation: ${label} (require ${ms(value.loadMs)} + activate() ${ms(value.callMs)} ms; slowest window ${ms(value.maxMs)})`;
      rows.push(row(section5, what, `${ms(value.totalMs)} ms`, 'near-empty extension', ratio(value.totalMs / Math.max(reference.totalMs, 1)), `< ${TARGETS.activationMs} ms`, met));
    }
  } else {
    rows.push(row(section5, 'activation', 'skipped', '', '', `< ${TARGETS.activationMs} ms`));
  }
  for (const [part, value] of Object.entries(report.bundles)) {
    const kib = value.bytes / KiB;
    const top = Object.entries(value.byPackage).slice(0, 3).map(([name, bytes]) => `${name} ${(bytes / KiB).toFixed(0)}`).join(', ');
    const met = check(`${part} bundle < 250 KiB`, kib < TARGETS.bundleKiB, `${kib.toFixed(0)} KiB`);
    const files = Object.entries(value.files ?? {});
    const split = files.length > 1 ? `; ${files.map(([name, bytes]) => `${name} ${(bytes / KiB).toFixed(0)}`).join(' + ')} KiB` : '';
    rows.push(row(section5, `bundle: ${part} (${top} KiB${split})`, `${kib.toFixed(0)} KiB`, 'target', percent(kib / TARGETS.bundleKiB), `< ${TARGETS.bundleKiB} KiB`, met));
  }
  return { rows, targets };
}

function markdownTable(rows) {
  const status = (met) => (met === undefined ? '' : met ? 'met' : '**missed**');
  const lines = [];
  let section;
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      lines.push('', `**${section}**`, '', '| measurement | figure | against | ratio | target | |', '|---|---|---|---|---|---|');
    }
    lines.push(`| ${r.what} | ${r.figure} | ${r.reference} | ${r.vsReference} | ${r.target} | ${status(r.met)} |`);
  }
  return lines.join('\n').trim();
}

function textTable(rows) {
  const header = ['measurement', 'figure', 'against', 'ratio', 'target', ''];
  const cells = rows.map((r) => [r.what, r.figure, r.reference, r.vsReference, r.target, r.met === undefined ? '' : r.met ? 'met' : 'MISSED']);
  const widths = header.map((_, column) => Math.max(header[column].length, ...cells.map((line) => line[column].length)));
  const format = (line) => line.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  const out = [];
  let section;
  rows.forEach((r, index) => {
    if (r.section !== section) {
      section = r.section;
      out.push('', r.section, format(header), widths.map((width) => '-'.repeat(width)).join('  '));
    }
    out.push(format(cells[index]));
  });
  return out.join('\n');
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model?.trim() ?? 'unknown CPU'}`,
    memoryGiB: Math.round(os.totalmem() / GiB),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

// ---- main ------------------------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  log(`${smoke ? 'smoke' : 'full'} run; building the shipped bundles and the bench (node esbuild.mjs --bench)`);
  const build = spawnSync(process.execPath, ['esbuild.mjs', '--bench'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the bench build failed');

  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const report = { date: new Date().toISOString(), mode: smoke ? 'smoke' : 'full', machine: machine(), settings, notes };
  report.bundles = bundleSizes();

  let ssh;
  if (withSsh && (wanted('roundtrip') || wanted('throughput'))) {
    try {
      if (!ensureOpenSsh()) throw new Error('sshd is still missing after installing openssh-server');
      ssh = await startSshd();
      report.ssh = ssh.version;
    } catch (error) {
      notes.push(`ssh references skipped: ${error.message}`);
      log(notes[notes.length - 1]);
    }
  }
  if (smoke) notes.push('smoke run: no ssh, no VS Code, small samples, 16 MiB streams; figures are only a sign of life');
  else if (!withSsh) notes.push('ssh references skipped (--no-ssh)');

  if (wanted('roundtrip')) {
    const http = await startHttpService();
    report.roundTrip = await measureRoundTrip({ httpPort: http.port, ssh });
    await http.stop();
  }
  if (wanted('throughput')) report.throughput = await measureThroughput({ ssh });
  if (wanted('scale')) report.scale = await measureScale();
  await ssh?.stop();

  if (withVscode && wanted('vscode')) {
    try {
      report.vscode = await measureInVscode();
    } finally {
      while (cleanups.length) await cleanups.shift()().catch(() => undefined);
    }
  }

  const { rows, targets } = buildRows(report);
  report.rows = rows;
  report.targets = targets;
  report.durationSeconds = Math.round((performance.now() - started) / 1000);

  const heading = `Host Commands bench, ${report.mode} run, ${report.date.slice(0, 16).replace('T', ' ')} UTC — ${report.machine.cpu}, ${report.machine.memoryGiB} GiB, ${report.machine.os}, Node ${report.machine.node}${report.vscode ? `, VS Code ${report.vscode.vscodeVersion} (code-server)` : ''}`;
  process.stdout.write(`${heading}\n${textTable(rows)}\n`);
  if (notes.length) process.stdout.write(`\nNotes:\n${notes.map((note) => `- ${note}`).join('\n')}\n`);
  const missed = targets.filter((target) => !target.met);
  process.stdout.write(`\nTargets: ${targets.length - missed.length} of ${targets.length} met${missed.length ? `; missed: ${missed.map((target) => `${target.name} (${target.detail})`).join('; ')}` : ''}. (${report.durationSeconds} s)\n`);

  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(root, outFile)}`);
  if (!smoke) {
    // The table as Markdown, next to the JSON (bench/results/latest.md is committed and copied into the README).
    const markdownFile = outFile.replace(/(\.json)?$/, '.md');
    const markdown = `${heading}\n\n${markdownTable(rows)}\n${notes.length ? `\n${notes.map((note) => `- ${note}`).join('\n')}\n` : ''}`;
    fs.writeFileSync(markdownFile, markdown);
    log(`wrote ${path.relative(root, markdownFile)}`);
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  while (cleanups.length) await cleanups.shift()().catch(() => undefined);
}
