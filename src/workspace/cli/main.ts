// `host-command`: run an approved host command from the container terminal. It talks to the workspace
// part over a private socket; the bridge on the host still validates, asks and audits.
import net from 'node:net';
import { CLI_ENV_SOCKET, CLI_USAGE, cliFrameSchema, describeCliEnd, endedAbnormally, formatCommandList, parseCliArgs, type CliRequest } from '../../core/cliProtocol';
import { constants as osConstants } from 'node:os';
import { PROTOCOL_VERSION } from '../../core/protocol';

function fail(message: string, code = 2): never {
  process.stderr.write(`host-command: ${message}\n`);
  process.exit(code);
}

const args = parseCliArgs(process.argv.slice(2), process.cwd());
if (args.kind === 'help') {
  if (args.error) process.stderr.write(`host-command: ${args.error}\n\n`);
  process.stderr.write(`${CLI_USAGE}\n`);
  process.exit(args.error ? 2 : 0);
}

const socketPath = process.env[CLI_ENV_SOCKET];
if (!socketPath) fail(`${CLI_ENV_SOCKET} is not set: run this in a terminal of a VS Code window with Host Commands installed (open a new terminal after installing).`);

const request: CliRequest =
  args.kind === 'list'
    ? { v: PROTOCOL_VERSION, kind: 'list' }
    : { v: PROTOCOL_VERSION, kind: 'run', command: args.command!, params: { ...args.params }, ...(args.cwd ? { cwd: args.cwd } : {}) };

const socket = net.createConnection(socketPath);
socket.on('error', (error) => fail(`cannot reach VS Code (${error.message}); is the window still open?`));
socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));

// Ctrl-C: closing the connection cancels the run on the host.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    socket.destroy();
    process.exit(128 + (osConstants.signals[signal] ?? 2));
  });
}

let buffered = '';
socket.setEncoding('utf8');
socket.on('data', (text: string) => {
  buffered += text;
  let newline: number;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    handle(line);
  }
});
socket.on('end', () => fail('VS Code closed the connection before the command finished', 1));

function handle(line: string): void {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    fail('unexpected reply from VS Code', 1);
  }
  const parsed = cliFrameSchema.safeParse(json);
  if (!parsed.success) fail('unexpected reply from VS Code; are the extension and this CLI the same version?', 1);
  const frame = parsed.data;
  switch (frame.kind) {
    case 'output':
      (frame.stream === 'stdout' ? process.stdout : process.stderr).write(Buffer.from(frame.data, 'base64'));
      return;
    case 'list':
      process.stdout.write(formatCommandList(frame.commands));
      finish(0);
      return;
    case 'error':
      fail(frame.message, frame.code === 'denied' ? 1 : 2);
      return;
    case 'exit': {
      const { outcome } = frame;
      if (outcome.exitCode !== null && !endedAbnormally(outcome)) {
        finish(outcome.exitCode);
        return;
      }
      process.stderr.write(`${describeCliEnd(request.kind === 'run' ? request.command : '', outcome)}\n`);
      const signalNumber = outcome.signal ? (osConstants.signals as Record<string, number>)[outcome.signal] : undefined;
      finish(outcome.exitCode ?? (signalNumber ? 128 + signalNumber : 1));
    }
  }
}

function finish(code: number): void {
  // Let stdout drain before exiting, so piped output is complete.
  process.stdout.write('', () => process.exit(code));
}
