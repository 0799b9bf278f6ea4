// Runs inside the extension host of a window in Restricted Mode (the folder is not trusted): the
// workspace's proposals are neither listed nor run, whoever asks; the user's own commands still work.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { BridgeCommands, PROTOCOL_VERSION } from '../../../src/core/protocol';
import { callBridge, fileAppears, testContext, waitForCommand } from '../support/inhost';

interface Context {
  proposalId: string;
  /** The proposal appends a line here when it runs. */
  runsLog: string;
  /** The user's own command touches this file. */
  ownMarker: string;
}

type Reply = { v: number; ok: boolean; code?: string; message?: string; runId?: string };
type ListReply = { ok: boolean; commands: { id: string; origin: string }[]; warnings: string[] };

const context = testContext<Context>();

describe('Restricted Mode', function () {
  before(async function () {
    this.timeout(30_000);
    await waitForCommand(BridgeCommands.start, 25_000);
  });

  it('the window really is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.ok(fs.existsSync(`${vscode.workspace.workspaceFolders![0]!.uri.path}/.vscode/host-commands.json`), 'the proposals file is there');
  });

  it('the bridge lists the user\'s command, not the proposal, and warns why', async () => {
    const reply = await callBridge<ListReply>(BridgeCommands.list, { v: PROTOCOL_VERSION, source: 'api' });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.deepEqual(reply.commands.map((command) => command.id), ['own-command']);
    assert.ok(reply.warnings.some((warning) => /Restricted Mode/.test(warning)), JSON.stringify(reply.warnings));
  });

  it('a direct hostCommands.bridge.start of the proposal id is refused and runs nothing', async () => {
    for (const stream of [false, true]) {
      const reply = await callBridge<Reply>(BridgeCommands.start, { v: PROTOCOL_VERSION, command: context.proposalId, params: {}, source: 'api', stream });
      assert.equal(reply.ok, false, `the proposal was started in Restricted Mode: ${JSON.stringify(reply)}`);
      assert.equal(reply.code, 'unknown-command', JSON.stringify(reply));
      assert.equal(reply.runId, undefined);
    }
    assert.equal(await fileAppears(context.runsLog, 1500), false, 'the proposal ran');
  });

  it('hostCommands.run (the public command) refuses it too', async () => {
    const result = (await vscode.commands.executeCommand('hostCommands.run', { command: context.proposalId })) as { ok: boolean; reason: string } | undefined;
    assert.equal(result?.ok, false, JSON.stringify(result));
    assert.equal(result?.reason, 'refused');
    assert.equal(await fileAppears(context.runsLog, 1000), false, 'the proposal ran');
  });

  it('control: the user\'s own command runs', async () => {
    const reply = await callBridge<Reply>(BridgeCommands.start, { v: PROTOCOL_VERSION, command: 'own-command', params: {}, source: 'api', stream: false });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal(await fileAppears(context.ownMarker, 10_000), true, 'the user command did not run');
    // Its audit record is written when the process ends; poll for the outcome so it is there for the UI test.
    for (let i = 0; i < 20; i++) {
      const poll = await callBridge<{ ok: boolean; outcome?: unknown }>(BridgeCommands.poll, { v: PROTOCOL_VERSION, runId: reply.runId, cursor: 0, waitMs: 1000 });
      if (poll.outcome) return;
    }
    assert.fail('no outcome for the user command');
  });
});
