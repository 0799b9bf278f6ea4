// `npm start`: builds both extensions and serves a real VS Code workbench (code-server) on the demo
// workspace, with a few host commands in the user settings. Open the printed URL in a browser.
// Ctrl-C stops code-server (its whole process group) and removes the temporary data folder.
//
// Flags: --port N (default 8080), --folder PATH (default demo/), --restricted (open the folder in Restricted
// Mode, not trusted), --no-build
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './lib/code-server.mjs';
import { startWorkbench } from './lib/workbench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

const port = Number(option('--port', process.env.PORT ?? '8080'));
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`--port: not a port number: ${option('--port', '')}`);
  process.exit(2);
}
const folder = path.resolve(option('--folder', path.join(root, 'demo')));

/** Host commands for the demo: the shape of `hostCommands.commands` in the host user's settings. */
const DEMO_COMMANDS = {
  'host-info': {
    title: 'Host info',
    description: 'The host kernel and machine (uname -a)',
    program: 'uname',
    args: ['-a'],
  },
  'list-home': {
    title: 'List home folder',
    description: 'ls -la of your home folder on the host',
    program: 'ls',
    args: ['-la', '${userHome}'],
  },
  'disk-usage': {
    title: 'Disk usage',
    description: 'Free space on the host (df -h)',
    program: 'df',
    args: ['-h'],
    statusBar: { text: '$(database) Disk usage', tooltip: 'Show disk usage on the host' },
  },
  'fail-on-purpose': {
    title: 'Fail on purpose',
    description: 'Writes to stderr and exits with code 3',
    program: 'sh',
    args: ['-c', 'echo about to fail >&2; exit 3'],
  },
  'who-am-i': {
    title: 'Who am I (asks once, then no prompt)',
    description: 'Your user and groups on the host (id)',
    program: 'id',
    args: [],
    confirm: 'never',
  },
};

if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const entry = ensureCodeServer();
const workbench = await startWorkbench({
  workspaceFolder: folder,
  userSettings: { 'hostCommands.commands': DEMO_COMMANDS, 'workbench.colorTheme': 'Default Dark Modern' },
  extensions: [path.join(root, 'extensions', 'bridge'), path.join(root, 'extensions', 'workspace')],
  port,
  codeServerEntry: entry,
  // Workspace trust is off by default here (a throwaway profile on your own folder); --restricted turns it on, untrusted.
  trustWorkspace: !process.argv.includes('--restricted'),
  dataDirPrefix: 'host-commands-start-',
}).catch((error) => {
  console.error(error.message);
  if (/already in use/.test(error.message)) console.error('Pick another one with: npm start -- --port 8081');
  process.exit(1);
});

const line = '─'.repeat(Math.max(20, workbench.url.length + 4));
console.log(`\n${line}\n  Host Commands demo is running:\n\n  ${workbench.url}\n\n  folder: ${folder}${process.argv.includes('--restricted') ? ' (Restricted Mode)' : ''}\n  data:   ${workbench.dataDir}\n  log:    ${workbench.logFile}\n${line}`);
console.log('Press Ctrl-C to stop.\n');

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  // code-server ending from here on is this stop, not a crash: the watchdog below must not report it.
  clearInterval(watch);
  console.log(`\n${signal}: stopping code-server…`);
  await workbench.stop();
  console.log('stopped; temporary data removed.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));

// Keep running; say so if code-server ends on its own.
const watch = setInterval(() => {
  if (stopping) return;
  try {
    process.kill(workbench.pid, 0);
  } catch {
    clearInterval(watch);
    stopping = true;
    let log = '';
    try {
      log = fs.readFileSync(workbench.logFile, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      // already gone
    }
    console.error(`code-server exited unexpectedly. Its last log lines:\n${log}`);
    void workbench.stop().then(() => process.exit(1));
  }
}, 2000);
