// Helpers for the suites that run inside the extension host (test/e2e/inhost/*.inhost.ts), through the
// test harness extension. They use the real `vscode` API; the bridge is reached only by executeCommand,
// exactly as the workspace part reaches it.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

/** What the Node-side test passed down (environment variable HOST_COMMANDS_TEST_CONTEXT, JSON). */
export function testContext<T = Record<string, unknown>>(): T {
  const raw = process.env.HOST_COMMANDS_TEST_CONTEXT;
  if (!raw) throw new Error('HOST_COMMANDS_TEST_CONTEXT is not set');
  return JSON.parse(raw) as T;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a command is registered in any extension host (getCommands sees across hosts). */
export async function waitForCommand(id: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes(id)) return;
    await sleep(200);
  }
  throw new Error(`command ${id} was not registered within ${timeoutMs} ms`);
}

/** Calls a bridge command with one message, as the workspace part does. */
export async function callBridge<T = unknown>(command: string, message: unknown): Promise<T> {
  return (await vscode.commands.executeCommand(command, message)) as T;
}

/** Waits until `file` exists (resolves true) or `ms` passes (resolves false). */
export async function fileAppears(file: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (fs.existsSync(file)) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}
