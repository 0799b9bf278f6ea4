// Serves the `host-command` CLI in the container's terminals: a Unix socket in a private folder (at the same
// path for this user and workspace after a reload, see cliFolder.ts), its path and the CLI's folder given to
// every new terminal through the environment variable collection.
// Each request goes to the bridge like any other entry point (source "cli").
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import { CLI_ENV_SOCKET, cliFolderName, cliRequestSchema, type CliFrame } from '../core/cliProtocol';
import { describeIssues } from '../core/protocol';
import { BridgeError, type BridgeClient } from './bridgeClient';
import { clearStaleSocket, currentUser, freshPrivateFolder, openCliFolder, type CliFolder } from './cliFolder';
import { followRun } from './runSession';

const MAX_REQUEST_LINE = 64 * 1024;

export class CliServer implements vscode.Disposable {
  private constructor(
    private readonly server: net.Server,
    private readonly folder: CliFolder,
    private readonly socketPath: string,
    /** The socket file this server made (its inode), so that dispose removes that one and no other. */
    private readonly socketIno: number | undefined,
  ) {}

  static async start(context: vscode.ExtensionContext, client: BridgeClient, onRunning?: (command: string, runId: string, running: boolean) => void): Promise<CliServer> {
    const server = net.createServer((connection) => void serveConnection(connection, client, onRunning));
    const name = cliFolderName(currentUser(), workspaceKey());
    let folder = openCliFolder(name);
    let socketPath = socketPathIn(folder, name);
    if (!(await listenWhenFree(server, socketPath))) {
      // Another window of this workspace serves there (or the path is unusable): this one gets a folder of its own.
      if (folder.stable) folder = { folder: freshPrivateFolder(), stable: false };
      socketPath = socketPathIn(folder, path.basename(folder.folder));
      await listen(server, socketPath);
    }
    const socketIno = process.platform === 'win32' ? undefined : fs.lstatSync(socketPath).ino;

    const binFolder = path.join(folder.folder, 'bin');
    fs.mkdirSync(binFolder, { recursive: true, mode: 0o700 });
    const cli = path.join(context.extensionPath, 'dist', 'cli.js');
    if (process.platform === 'win32') {
      writeReplacing(path.join(binFolder, 'host-command.cmd'), `@"${process.execPath}" "${cli}" %*\r\n`);
    } else {
      writeReplacing(path.join(binFolder, 'host-command'), `#!/bin/sh\nexec '${process.execPath.replace(/'/g, `'\\''`)}' '${cli.replace(/'/g, `'\\''`)}' "$@"\n`, 0o755);
    }
    const environment = context.environmentVariableCollection;
    environment.description = 'Host Commands: the host-command CLI';
    environment.replace(CLI_ENV_SOCKET, socketPath);
    environment.prepend('PATH', `${binFolder}${path.delimiter}`);
    return new CliServer(server, folder, socketPath, socketIno);
  }

  dispose(): void {
    this.server.close();
    if (!this.folder.stable) {
      fs.rmSync(this.folder.folder, { recursive: true, force: true });
      return;
    }
    // The stable folder stays (restored terminals have it in PATH); the socket goes, unless another window replaced it.
    try {
      if (this.socketIno !== undefined && fs.lstatSync(this.socketPath).ino === this.socketIno) fs.rmSync(this.socketPath, { force: true });
    } catch {
      // already gone
    }
  }
}

/** What identifies this window's workspace: the .code-workspace file, the first folder, or nothing. */
function workspaceKey(): string {
  return (vscode.workspace.workspaceFile ?? vscode.workspace.workspaceFolders?.[0]?.uri)?.toString() ?? 'no-workspace';
}

function socketPathIn(folder: CliFolder, name: string): string {
  return process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : path.join(folder.folder, 'ipc.sock');
}

async function listen(server: net.Server, socketPath: string): Promise<void> {
  server.listen(socketPath);
  await once(server, 'listening');
}

/**
 * Listens on `socketPath` once it is free. A server still answering there may be this window's previous
 * extension host, ending as the window reloads: it gets a moment. False when the path stays taken or
 * cannot be used.
 */
async function listenWhenFree(server: net.Server, socketPath: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (process.platform === 'win32' || (await clearStaleSocket(socketPath))) {
        await listen(server, socketPath);
        return true;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return false;
    }
    if (attempt >= TAKEN_RETRIES) return false;
    await new Promise((resolve) => setTimeout(resolve, TAKEN_RETRY_MS));
  }
}

const TAKEN_RETRIES = 10;
const TAKEN_RETRY_MS = 300;

/** Writes a file through a temporary one and a rename, so a terminal never runs a half-written script. */
function writeReplacing(file: string, content: string, mode?: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, mode === undefined ? undefined : { mode });
  fs.renameSync(temporary, file);
}

async function serveConnection(connection: net.Socket, client: BridgeClient, onRunning?: (command: string, runId: string, running: boolean) => void): Promise<void> {
  const send = async (frame: CliFrame) => {
    if (connection.destroyed) return;
    // Backpressure: a CLI whose stdout is slow slows the polling, which slows the host process.
    if (!connection.write(`${JSON.stringify(frame)}\n`)) await once(connection, 'drain').catch(() => undefined);
  };
  try {
    const line = await readLine(connection);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new BridgeError('invalid-request', 'the request is not JSON');
    }
    const parsed = cliRequestSchema.safeParse(json);
    if (!parsed.success) throw new BridgeError('invalid-request', `invalid request: ${describeIssues(parsed.error)}`);
    const request = parsed.data;
    if (request.kind === 'list') {
      await send({ kind: 'list', commands: (await client.list('cli')).commands });
    } else {
      const started = await client.start({ command: request.command, params: request.params, source: 'cli', stream: true, ...(request.cwd ? { cwd: request.cwd } : {}) });
      onRunning?.(request.command, started.runId, true);
      try {
        const outcome = await followRun(client, started.runId, {
          onOutput: (stream, data) => send({ kind: 'output', stream, data: Buffer.from(data).toString('base64') }),
          // The CLI went away (Ctrl-C, closed terminal): end the run on the host too.
          onCancelRequested: (cancel) => connection.once('close', cancel),
        });
        await send({ kind: 'exit', outcome });
      } finally {
        onRunning?.(request.command, started.runId, false);
      }
    }
  } catch (error) {
    const code = error instanceof BridgeError ? error.code : 'error';
    await send({ kind: 'error', code, message: (error as Error).message ?? String(error) });
  }
  connection.end();
}

function readLine(connection: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    connection.setEncoding('utf8');
    const onData = (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        connection.off('data', onData);
        connection.pause();
        resolve(buffered.slice(0, newline));
      } else if (buffered.length > MAX_REQUEST_LINE) {
        connection.off('data', onData);
        reject(new BridgeError('invalid-request', 'the request is too large'));
      }
    };
    connection.on('data', onData);
    connection.once('close', () => reject(new BridgeError('invalid-request', 'the CLI disconnected')));
  });
}
