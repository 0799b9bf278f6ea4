// Runs inside the extension host: two host commands running at once keep their outputs apart — each
// caller's poll stream carries only its own run's bytes, and each ends with its own exit code — both
// through the bridge's commands and through the public hostCommands.run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BridgeCommands, PROTOCOL_VERSION, type PollResponse } from '../../../src/core/protocol';
import { callBridge, waitForCommand } from '../support/inhost';

type StartReply = { ok: boolean; runId?: string; code?: string; message?: string };
type Outcome = NonNullable<PollResponse['outcome']>;

/** What each command prints: five numbered lines on stdout, one on stderr (see statusbar.e2e.ts). */
function expectedStdout(word: string): string {
  return [1, 2, 3, 4, 5].map((n) => `${word} ${n}\n`).join('');
}

async function follow(runId: string): Promise<{ stdout: string; stderr: string; outcome: Outcome; polls: number }> {
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let cursor = 0;
  let polls = 0;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const reply = await callBridge<PollResponse & { ok: boolean }>(BridgeCommands.poll, { v: PROTOCOL_VERSION, runId, cursor, waitMs: 500 });
    polls++;
    assert.equal(reply.ok, true, `poll failed: ${JSON.stringify(reply)}`);
    for (const chunk of reply.chunks) out[chunk.stream].push(Buffer.from(chunk.data, 'base64'));
    cursor = reply.cursor;
    if (reply.outcome) return { stdout: Buffer.concat(out.stdout).toString(), stderr: Buffer.concat(out.stderr).toString(), outcome: reply.outcome, polls };
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end within 20 s`);
  }
}

describe('two runs at once', function () {
  this.timeout(30_000);

  before(async function () {
    await waitForCommand(BridgeCommands.start, 25_000);
  });

  it('through the bridge (stream: true): each poll stream has only its own output, each its own exit code', async () => {
    const [a, b] = await Promise.all(
      ['count-alpha', 'count-bravo'].map((command) =>
        callBridge<StartReply>(BridgeCommands.start, { v: PROTOCOL_VERSION, command, params: {}, source: 'api', stream: true }),
      ),
    );
    assert.equal(a!.ok, true, JSON.stringify(a));
    assert.equal(b!.ok, true, JSON.stringify(b));
    assert.notEqual(a!.runId, b!.runId);
    const [alpha, bravo] = await Promise.all([follow(a!.runId!), follow(b!.runId!)]);
    assert.equal(alpha.stdout, expectedStdout('alpha'));
    assert.equal(alpha.stderr, 'alpha on stderr\n');
    assert.equal(bravo.stdout, expectedStdout('bravo'));
    assert.equal(bravo.stderr, 'bravo on stderr\n');
    assert.deepEqual([alpha.outcome.reason, alpha.outcome.exitCode], ['exited', 3]);
    assert.deepEqual([bravo.outcome.reason, bravo.outcome.exitCode], ['exited', 5]);
    // They really overlapped: each took well over a second, and both were started before either ended.
    assert.ok(alpha.outcome.durationMs > 1000 && bravo.outcome.durationMs > 1000, JSON.stringify([alpha.outcome, bravo.outcome]));
  });

  it('through the public hostCommands.run: both results carry their own exit codes', async () => {
    // Each of the two waits for the other to start (statusbar.e2e.ts, meet()): run one after the other, both exit 9.
    const results = (await Promise.all(
      ['meet-alpha', 'meet-bravo'].map((command) => vscode.commands.executeCommand('hostCommands.run', { command })),
    )) as ({ ok: boolean; exitCode: number | null; reason: string } | undefined)[];
    assert.deepEqual(
      results.map((result) => [result?.reason, result?.exitCode]),
      [
        ['exited', 3],
        ['exited', 5],
      ],
      JSON.stringify(results),
    );
  });
});
