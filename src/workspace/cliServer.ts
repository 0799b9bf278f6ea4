// Serves the `host-command` CLI in the container's terminals: a Unix socket in a private folder, its path
// and the CLI's folder given to every new terminal through the environment variable collection.
// Each request goes to the bridge like any other entry point (source "cli").
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { CLI_ENV_SOCKET, cliRequestSchema, type CliFrame } from '../core/cliProtocol';
import { describeIssues } from '../core/protocol';
import { BridgeError, type BridgeClient } from './bridgeClient';
import { followRun } from './runSession';

const MAX_REQUEST_LINE = 64 * 1024;

export class CliServer implements vscode.Disposable {
  private constructor(
    private readonly server: net.Server,
    private readonly folder: string,
  ) {}

  static async start(context: vscode.ExtensionContext, client: BridgeClient, onRunning?: (command: string, runId: string, running: boolean) => void): Promise<CliServer> {
    // A folder only this user can enter: the socket inside it is as private as the container user.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-'));
    fs.chmodSync(folder, 0o700);
    const socketPath = process.platform === 'win32' ? `\\\\.\\pipe\\${path.basename(folder)}` : path.join(folder, 'ipc.sock');
    const server = net.createServer((connection) => void serveConnection(connection, client, onRunning));
    server.listen(socketPath);
    await once(server, 'listening');

    const binFolder = path.join(folder, 'bin');
    fs.mkdirSync(binFolder);
    const cli = path.join(context.extensionPath, 'dist', 'cli.js');
    if (process.platform === 'win32') {
      fs.writeFileSync(path.join(binFolder, 'host-command.cmd'), `@"${process.execPath}" "${cli}" %*\r\n`);
    } else {
      fs.writeFileSync(path.join(binFolder, 'host-command'), `#!/bin/sh\nexec '${process.execPath.replace(/'/g, `'\\''`)}' '${cli.replace(/'/g, `'\\''`)}' "$@"\n`, { mode: 0o755 });
    }
    const environment = context.environmentVariableCollection;
    environment.description = 'Host Commands: the host-command CLI';
    environment.replace(CLI_ENV_SOCKET, socketPath);
    environment.prepend('PATH', `${binFolder}${path.delimiter}`);
    return new CliServer(server, folder);
  }

  dispose(): void {
    this.server.close();
    fs.rmSync(this.folder, { recursive: true, force: true });
  }
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
