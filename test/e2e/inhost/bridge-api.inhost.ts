// Runs inside the extension host: calls the bridge's internal commands exactly as the workspace part (or
// any other extension in either host) can, with valid, unknown and malformed messages. Nothing but a valid
// message for a defined command may start a process; a marker file the command would create proves it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { BridgeCommands, errorResponseSchema, PROTOCOL_VERSION, type PollResponse } from '../../../src/core/protocol';
import { callBridge, fileAppears, sleep, testContext, waitForCommand } from '../support/inhost';

interface Context {
  /** Created by the command `api-marker`; must not exist until the control test runs it. */
  markerFile: string;
  /** Created by the command this suite plants in the user settings, if it ever ran. */
  plantedMarker: string;
  secretFile: string;
  secret: string;
}

type Reply = { v: number; ok: boolean; code?: string; message?: string; runId?: string; resolved?: { program: string; args: string[]; cwd: string } };

const context = testContext<Context>();

function startMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: PROTOCOL_VERSION, command: 'api-marker', params: {}, source: 'api', stream: false, ...overrides };
}

/** Polls a run to its end; returns its stdout, stderr and outcome. */
async function follow(runId: string): Promise<{ stdout: Buffer; stderr: Buffer; outcome: NonNullable<PollResponse['outcome']> }> {
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let cursor = 0;
  let polls = 0;
  let last: unknown;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const reply = await callBridge<PollResponse | Reply>(BridgeCommands.poll, { v: PROTOCOL_VERSION, runId, cursor, waitMs: 1000 });
    polls++;
    last = reply;
    assert.equal(reply.ok, true, `poll failed: ${JSON.stringify(reply)}`);
    const poll = reply as PollResponse;
    for (const chunk of poll.chunks) out[chunk.stream].push(Buffer.from(chunk.data, 'base64'));
    cursor = poll.cursor;
    if (poll.outcome) return { stdout: Buffer.concat(out.stdout), stderr: Buffer.concat(out.stderr), outcome: poll.outcome };
    if (Date.now() > deadline) {
      throw new Error(`run ${runId}: no outcome after ${polls} polls in 15 s; last reply ${JSON.stringify(last).slice(0, 500)}; output so far ${JSON.stringify(Buffer.concat(out.stdout).toString())}`);
    }
  }
}

function assertRefused(reply: unknown, codes: string[]): void {
  const parsed = errorResponseSchema.safeParse(reply);
  assert.ok(parsed.success, `expected an error reply {v, ok:false, code, message}, got ${JSON.stringify(reply)?.slice(0, 300)}`);
  assert.ok(codes.includes(parsed.data.code), `expected code ${codes.join(' or ')}, got ${parsed.data.code}: ${parsed.data.message}`);
  assert.ok(parsed.data.message.length > 0, 'the refusal says why');
}

describe('bridge API, called through vscode.commands.executeCommand', function () {
  before(async function () {
    this.timeout(30_000);
    await waitForCommand(BridgeCommands.start, 25_000);
    assert.equal(fs.existsSync(context.markerFile), false, 'the marker file does not exist before the tests');
  });

  describe('valid and unknown requests', () => {
  it('hello answers with the protocol version', async () => {
    const reply = await callBridge<Record<string, unknown>>(BridgeCommands.hello, { v: PROTOCOL_VERSION });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal(reply.v, PROTOCOL_VERSION);
  });

  it('list offers the commands from the user settings, as "user" commands', async () => {
    const reply = await callBridge<{ ok: boolean; commands: { id: string; origin: string; prompt: string }[] }>(BridgeCommands.list, { v: PROTOCOL_VERSION, source: 'api' });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    const ids = reply.commands.map((command) => command.id).sort();
    assert.deepEqual(ids, ['api-echo', 'api-marker']);
    for (const command of reply.commands) {
      assert.equal(command.origin, 'user');
      assert.equal(command.prompt, 'none', 'confirm: "never" commands run without a prompt');
    }
  });

  it('start with stream:true runs a real host process; poll returns its exact bytes and exit code 0', async () => {
    const reply = await callBridge<Reply>(BridgeCommands.start, { v: PROTOCOL_VERSION, command: 'api-echo', params: {}, source: 'api', stream: true });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.match(String(reply.runId), /^run-[0-9a-f]+$/);
    assert.equal(reply.resolved?.args.at(-1), context.secretFile, 'the resolved view shows the arguments');
    const { stdout, stderr, outcome } = await follow(String(reply.runId));
    assert.equal(stdout.toString('utf8'), `secret: ${context.secret}\n`);
    assert.equal(stderr.toString('utf8'), 'to stderr\n');
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.reason, 'exited');
  });

  it('start with stream:false runs it too; poll reports its outcome', async () => {
    const reply = await callBridge<Reply>(BridgeCommands.start, { v: PROTOCOL_VERSION, command: 'api-echo', params: {}, source: 'api', stream: false });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    const { outcome } = await follow(String(reply.runId));
    assert.equal(outcome.exitCode, 0);
  });

  it('an undefined command id is refused as unknown-command', async () => {
    const reply = await callBridge(BridgeCommands.start, startMessage({ command: 'no-such-command' }));
    assertRefused(reply, ['unknown-command']);
  });
  });

  describe('malformed start messages are refused and run nothing', () => {
    const cyclic: Record<string, unknown> = startMessage();
    cyclic.self = cyclic;
    const cases: { name: string; message: () => unknown; codes: string[] }[] = [
      { name: 'no argument at all', message: () => undefined, codes: ['invalid-request'] },
      { name: 'null', message: () => null, codes: ['invalid-request'] },
      { name: 'a string holding the JSON', message: () => JSON.stringify(startMessage()), codes: ['invalid-request'] },
      { name: 'a number', message: () => 42, codes: ['invalid-request'] },
      { name: 'an array', message: () => [startMessage()], codes: ['invalid-request'] },
      { name: 'a command line instead of an id', message: () => startMessage({ command: 'touch /tmp/owned' }), codes: ['invalid-request'] },
      { name: 'a path as the command id', message: () => startMessage({ command: '../../../bin/sh' }), codes: ['invalid-request'] },
      { name: 'missing v', message: () => ({ command: 'api-marker', params: {}, source: 'api', stream: false }), codes: ['invalid-request'] },
      { name: 'v: 2', message: () => startMessage({ v: 2 }), codes: ['unsupported-version'] },
      { name: 'v: "1" (a string)', message: () => startMessage({ v: '1' }), codes: ['unsupported-version', 'invalid-request'] },
      { name: 'an extra field', message: () => startMessage({ shell: true }), codes: ['invalid-request'] },
      { name: 'an own __proto__ key', message: () => JSON.parse(JSON.stringify(startMessage()).replace(/^\{/, '{"__proto__":{"admin":true},')), codes: ['invalid-request'] },
      { name: 'command of the wrong type', message: () => startMessage({ command: 42 }), codes: ['invalid-request'] },
      { name: 'params as an array', message: () => startMessage({ params: ['a'] }), codes: ['invalid-request'] },
      { name: 'a parameter value that is not a string', message: () => startMessage({ params: { name: 1 } }), codes: ['invalid-request'] },
      { name: 'an unknown source', message: () => startMessage({ source: 'root' }), codes: ['invalid-request'] },
      { name: 'stream as a string', message: () => startMessage({ stream: 'yes' }), codes: ['invalid-request'] },
      { name: 'a huge payload (1 MB label)', message: () => startMessage({ label: 'x'.repeat(1024 * 1024) }), codes: ['invalid-request'] },
      { name: 'a huge parameter value', message: () => startMessage({ params: { name: 'y'.repeat(100_000) } }), codes: ['invalid-request'] },
      { name: 'a cyclic object', message: () => cyclic, codes: ['invalid-request'] },
    ];
    for (const testCase of cases) {
      it(`${testCase.name} → ${testCase.codes.join(' / ')}`, async () => {
        assertRefused(await callBridge(BridgeCommands.start, testCase.message()), testCase.codes);
      });
    }

    it('poll and cancel with malformed messages are refused too', async () => {
      assertRefused(await callBridge(BridgeCommands.poll, { v: PROTOCOL_VERSION, runId: '../../etc/passwd', cursor: 0, waitMs: 0 }), ['invalid-request']);
      assertRefused(await callBridge(BridgeCommands.poll, { v: PROTOCOL_VERSION, runId: 'run-0123456789abcdef0123', cursor: -1, waitMs: 0 }), ['invalid-request']);
      assertRefused(await callBridge(BridgeCommands.cancel, { v: 2, runId: 'run-0123456789abcdef0123' }), ['unsupported-version']);
      assertRefused(await callBridge(BridgeCommands.poll, { v: PROTOCOL_VERSION, runId: 'run-0123456789abcdef0123', cursor: 0, waitMs: 0 }), ['unknown-run']);
    });

    it('the public hostCommands.run refuses malformed arguments with the reason, and runs nothing', async () => {
      const cases: [string, unknown][] = [
        ['no argument', undefined],
        ['the id as a bare string', 'api-marker'],
        ['a command line', { command: 'api-marker; touch /tmp/x' }],
        ['an extra field', { command: 'api-marker', shell: true }],
        ['params as an array', { command: 'api-marker', params: ['x'] }],
        ['a parameter value that is not a string', { command: 'api-marker', params: { x: 1 } }],
        ['cwd of the wrong type', { command: 'api-marker', cwd: 5 }],
        ['a parameter the command does not declare', { command: 'api-marker', params: { extra: 'x' } }],
      ];
      for (const [name, args] of cases) {
        const result = (await vscode.commands.executeCommand('hostCommands.run', args)) as { ok: boolean; exitCode: number | null; reason: string; message?: string } | undefined;
        assert.equal(result?.ok, false, `${name}: ${JSON.stringify(result)}`);
        assert.equal(result?.exitCode, null, name);
        assert.ok((result?.message ?? '').length > 0, `${name}: the result says why`);
      }
    });

    it('none of them ran the command (its marker file does not exist)', async () => {
      assert.equal(await fileAppears(context.markerFile, 1500), false, 'the marker file was created: something ran');
    });
  });

  describe('an extension plants a command in the user settings', () => {
    it('the write goes through, but the "confirm: never" command it planted asks on the host first (answered Don\'t Run): nothing runs', async function () {
      this.timeout(60_000);
      // Any extension, in either host, can write an application-scoped user setting: this is what the bridge cannot prevent.
      const settings = () => vscode.workspace.getConfiguration('hostCommands').inspect<Record<string, unknown>>('commands')?.globalValue ?? {};
      const original = settings();
      await vscode.workspace
        .getConfiguration('hostCommands')
        .update('commands', { ...original, planted: { title: 'Planted', program: 'touch', args: [context.plantedMarker], confirm: 'never' } }, vscode.ConfigurationTarget.Global);
      try {
        assert.ok(Object.hasOwn(settings(), 'planted'), 'the extension wrote the user setting');
        let reply: Reply;
        // The bridge picks up the change on its configuration event: until then the id is unknown (and nothing runs).
        for (let attempt = 0; ; attempt++) {
          reply = await callBridge<Reply>(BridgeCommands.start, startMessage({ command: 'planted' }));
          if (reply.code !== 'unknown-command' || attempt > 50) break;
          await sleep(100);
        }
        // The Node side of this test watches for the host prompt and answers it with Don't Run.
        assertRefused(reply, ['denied']);
        assert.equal(await fileAppears(context.plantedMarker, 1000), false, 'the planted command ran');
      } finally {
        await vscode.workspace.getConfiguration('hostCommands').update('commands', original, vscode.ConfigurationTarget.Global);
      }
    });
  });

  // Mocha runs a suite's own tests before its nested suites: the control lives in a suite of its own, after.
  describe('control', () => {
  it('the same command with a valid message does run (creates the marker file)', async () => {
    const reply = await callBridge<Reply>(BridgeCommands.start, startMessage());
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal(await fileAppears(context.markerFile, 10_000), true, 'the marker file was not created');
    await sleep(200); // let the run's footer reach the output channel before the Node side reads it
  });

  it('the bridge commands are internal: not offered in the command palette', async () => {
    // Registered (callable), but the manifest hides them from the palette with "when": "false".
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(BridgeCommands.start));
    const manifest = vscode.extensions.all.find((extension) => extension.id === 'host-commands.host-commands-bridge')?.packageJSON as
      | { contributes?: { menus?: { commandPalette?: { command: string; when?: string }[] } } }
      | undefined;
    assert.ok(manifest, 'the bridge shares this extension host in these tests, so its manifest is visible');
    const hidden = new Set((manifest?.contributes?.menus?.commandPalette ?? []).filter((entry) => entry.when === 'false').map((entry) => entry.command));
    for (const id of Object.values(BridgeCommands)) assert.ok(hidden.has(id), `${id} is hidden from the palette`);
  });
  });
});
