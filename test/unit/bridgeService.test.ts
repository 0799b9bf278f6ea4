// The bridge's normal paths, end to end through BridgeService with real processes: listing, confirming,
// running, relaying output, exit codes, cancellation, the concurrency limit, and the audit trail.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandSummary } from '../../src/core/protocol';
import { ALWAYS_BUTTON, DONT_RUN_BUTTON, RUN_BUTTON, RUN_ONCE_BUTTON } from '../../src/core/promptText';
import {
  argvDefinition,
  createHarness,
  disposeHarness,
  follow,
  runToCompletion,
  startMessage,
  touchDefinition,
  waitUntil,
  type Harness,
  type Reply,
} from './support/fakePorts';

const posix = process.platform !== 'win32';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('BridgeService', function () {
  this.timeout(20_000);
  let h: Harness;

  beforeEach(() => {
    h = createHarness();
  });

  afterEach(async () => {
    assert.equal(h.ports.prompt.reentered, 0, 'a prompt was shown while another was still on screen');
    await disposeHarness(h);
  });

  describe('hello and list', () => {
    it('says hello with the protocol version and where commands run', async () => {
      assert.deepEqual(await h.service.hello({ v: 1 }), { v: 1, ok: true, bridgeVersion: '0.0.0-test', runsOn: 'host' });
    });

    it('lists trusted commands and proposals with their origin and the prompt each will get', async () => {
      h.ports.trustedSetting = {
        build: { title: 'Build', program: 'node', args: ['-v'] },
        quick: { program: 'node', confirm: 'never', parameters: { name: { pattern: '[a-z]+', description: 'who' } } },
      };
      h.ports.setProposals({ commands: { 'ws.test': { title: 'Test', program: 'node', args: ['-v'], statusBar: { text: '$(beaker) Test' } } } });
      const reply = await h.service.list({ v: 1, source: 'palette' });
      assert.equal(reply.ok, true);
      const commands = reply.commands as CommandSummary[];
      const byId = new Map(commands.map((c) => [c.id, c]));
      assert.deepEqual([...byId.keys()].sort(), ['build', 'quick', 'ws.test']);
      assert.deepEqual([byId.get('build')?.origin, byId.get('build')?.prompt, byId.get('build')?.title], ['user', 'confirm', 'Build']);
      assert.deepEqual([byId.get('quick')?.origin, byId.get('quick')?.prompt, byId.get('quick')?.title], ['user', 'none', 'quick']);
      assert.deepEqual([byId.get('ws.test')?.origin, byId.get('ws.test')?.prompt], ['workspace', 'approve']);
      assert.deepEqual(byId.get('quick')?.parameters, [{ name: 'name', description: 'who', pattern: '[a-z]+', enum: undefined, maxLength: undefined, required: true, default: undefined }]);
      assert.equal(byId.get('ws.test')?.statusBar?.text, '$(beaker) Test');
      assert.deepEqual(reply.warnings, []);
      assert.equal(h.ports.prompt.shown.length, 0, 'listing never prompts');
    });

    it('lets a trusted command shadow a proposal with the same id, with a warning', async () => {
      h.ports.trustedSetting = { build: { program: 'node', args: ['-v'] } };
      h.ports.setProposals({ commands: { build: { program: 'node', args: ['-e', 'evil()'] } } });
      const reply = await h.service.list({ v: 1, source: 'palette' });
      const commands = reply.commands as CommandSummary[];
      assert.deepEqual(commands.map((c) => [c.id, c.origin]), [['build', 'user']]);
      const warnings = reply.warnings as string[];
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /"build".*ignored/);
    });

    it('hides proposals in Restricted Mode, says why, and does not even read them', async () => {
      h.ports.trustedSetting = { build: { program: 'node' } };
      h.ports.setProposals({ commands: { 'ws.test': { program: 'node' } } });
      h.ports.trustAnswers = [false];
      const reply = await h.service.list({ v: 1, source: 'palette' });
      assert.deepEqual((reply.commands as CommandSummary[]).map((c) => c.id), ['build']);
      assert.match((reply.warnings as string[]).join('\n'), /Restricted Mode/);
      assert.equal(h.ports.proposalReads, 0);
      // Asked for by id, a hidden proposal is refused with a hint at why.
      const start = await h.service.start(startMessage('ws.test'));
      assert.equal(start.code, 'unknown-command');
      assert.match(start.message as string, /^"ws\.test" is not a host command defined on this host \(in Restricted Mode, commands proposed by this workspace are hidden until you trust it\)$/);
      assert.equal(h.ports.proposalReads, 0);
    });

    it('reports a broken proposals file as a warning without hiding the trusted commands', async () => {
      h.ports.trustedSetting = { build: { program: 'node' } };
      h.ports.setProposals('{ "commands": { "x": ');
      const reply = await h.service.list({ v: 1, source: 'palette' });
      assert.deepEqual((reply.commands as CommandSummary[]).map((c) => c.id), ['build']);
      assert.match((reply.warnings as string[]).join('\n'), /not valid JSON/);
    });
  });

  describe('running', () => {
    it('runs a trusted command after the user picks Run, in the workspace folder, with the resolved view in the reply', async () => {
      const marker = path.join(h.ports.root, 'ran');
      h.ports.trustedSetting = { build: { ...touchDefinition(h.ports, marker, { args: [h.ports.fixture('touch.js'), marker, '${workspaceFolder}'] }) } };
      h.ports.prompt.answer(RUN_BUTTON);
      const done = await runToCompletion(h.service, startMessage('build', {}, { source: 'palette' }));
      assert.equal(done.start.ok, true, JSON.stringify(done.start));
      assert.deepEqual(done.start.resolved, {
        program: process.execPath,
        args: [h.ports.fixture('touch.js'), marker, h.ports.workspace],
        cwd: h.ports.workspace,
      });
      assert.deepEqual(done.outcome && [done.outcome.reason, done.outcome.exitCode, done.outcome.signal], ['exited', 0, null]);
      assert.ok(existsSync(marker));
      assert.equal(h.ports.prompt.shown.length, 1);
      const prompt = h.ports.prompt.shown[0]!;
      assert.deepEqual(prompt.buttons, [DONT_RUN_BUTTON, RUN_BUTTON]);
      assert.match(prompt.message, /Run "build" on the host\?/);
      assert.ok(prompt.detail.includes(`Program: ${process.execPath}`), prompt.detail);
      assert.ok(prompt.detail.includes(`Working directory: ${h.ports.workspace}`), prompt.detail);
      assert.match(prompt.detail, /Requested by the command palette/);
    });

    it('runs a confirm: never command without asking', async () => {
      h.ports.trustedSetting = { quick: argvDefinition(h.ports, ['a b'], { confirm: 'never' }) };
      const done = await runToCompletion(h.service, startMessage('quick'));
      assert.equal(h.ports.prompt.shown.length, 0);
      assert.deepEqual(JSON.parse(done.stdout.toString('utf8')), ['a b']);
      assert.equal(h.ports.audits.at(-1)?.decision, 'trusted');
    });

    it('relays stdout and stderr byte-exact through poll, including bytes that are not UTF-8', async () => {
      // Every byte value, twice, plus a large block: more than one poll's worth of data in several writes.
      const script = [
        'const all = Buffer.alloc(512); for (let i = 0; i < 512; i++) all[i] = i % 256;',
        'process.stdout.write(all);',
        "process.stderr.write(Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0xc3]));",
        "process.stdout.write(Buffer.alloc(300000, 0x5a), () => process.stdout.write(Buffer.from([0xe2, 0x82])));",
      ].join('\n');
      h.ports.writeFixture('bytes.js', script);
      h.ports.trustedSetting = { bytes: { program: 'node', args: [h.ports.fixture('bytes.js')], confirm: 'never' } };
      const done = await runToCompletion(h.service, startMessage('bytes'));
      const expected = Buffer.concat([Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)), Buffer.alloc(300000, 0x5a), Buffer.from([0xe2, 0x82])]);
      assert.ok(done.stdout.equals(expected), `stdout differs (${done.stdout.length} bytes, expected ${expected.length})`);
      assert.ok(done.stderr.equals(Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0xc3])));
      assert.equal(h.ports.audits.at(-1)?.outputBytes, expected.length + 5);
    });

    it('lets a caller that did not ask for the output (stream: false) still poll for the outcome', async () => {
      h.ports.trustedSetting = { quiet: { program: 'node', args: ['-e', "process.stdout.write('x'); process.exit(4)"], confirm: 'never' } };
      const done = await runToCompletion(h.service, startMessage('quiet', {}, { stream: false }));
      assert.equal(done.start.ok, true);
      assert.equal(done.outcome?.exitCode, 4);
      assert.equal(done.stdout.length, 0, 'the output went to the output channel only');
      assert.deepEqual(
        h.ports.observer.events.filter((e) => e.type === 'output').map((e) => e.type === 'output' && e.bytes),
        [1],
      );
      assert.deepEqual(h.ports.audits.map((a) => a.decision), ['trusted']);
    });

    it('polls do not spin when the output ends before the process does', async () => {
      // The process closes stdout and stderr, then lives on until the gate file appears.
      const gate = path.join(h.ports.root, 'gate');
      h.ports.writeFixture(
        'closes.js',
        "const fs = require('fs'); fs.closeSync(1); fs.closeSync(2); (function wait() { if (fs.existsSync(process.argv[2])) process.exit(5); setTimeout(wait, 10); })();\n",
      );
      h.ports.trustedSetting = { closes: { program: 'node', args: [h.ports.fixture('closes.js'), gate], confirm: 'never' } };
      const start = await h.service.start(startMessage('closes'));
      const runId = start.runId as string;
      await waitUntil('the process to have started', () => h.ports.observer.startedIds().length === 1);
      // A poll holds until output, the end of a stream, or the outcome; one that returned empty-handed at once,
      // again and again, would make every caller spin until the process exits.
      const polls: Reply[] = [];
      const first = h.service.poll({ v: 1, runId, cursor: 0, waitMs: 5000 });
      writeFileSync(gate, '');
      polls.push(await first);
      while (!polls.at(-1)!.outcome) polls.push(await h.service.poll({ v: 1, runId, cursor: 0, waitMs: 5000 }));
      assert.ok(polls.length <= 3, `${polls.length} polls for a run with no output`);
      assert.deepEqual(polls.flatMap((poll) => poll.chunks as unknown[]), []);
      assert.equal((polls.at(-1)!.outcome as { exitCode: number }).exitCode, 5);
    });

    it('reports the exit code', async () => {
      h.ports.trustedSetting = { fail: { program: 'node', args: ['-e', 'process.exit(3)'], confirm: 'never' } };
      const done = await runToCompletion(h.service, startMessage('fail'));
      assert.deepEqual(done.outcome && [done.outcome.reason, done.outcome.exitCode, done.outcome.signal], ['exited', 3, null]);
    });

    it('reports the signal that ended the process', async function () {
      if (!posix) this.skip();
      h.ports.trustedSetting = { die: { program: 'node', args: ['-e', "process.kill(process.pid, 'SIGKILL')"], confirm: 'never' } };
      const done = await runToCompletion(h.service, startMessage('die'));
      assert.deepEqual(done.outcome && [done.outcome.reason, done.outcome.exitCode, done.outcome.signal], ['exited', null, 'SIGKILL']);
      assert.equal(h.ports.audits.at(-1)?.signal, 'SIGKILL');
    });

    it('reports a program that cannot start, and audits it as failed-to-start', async () => {
      h.ports.trustedSetting = { gone: { program: path.join(h.ports.root, 'no-such-program'), confirm: 'never' } };
      const done = await runToCompletion(h.service, startMessage('gone'));
      assert.equal(done.outcome?.reason, 'spawn-failed');
      assert.match(done.outcome?.message ?? '', /program not found/);
      assert.equal(h.ports.audits.at(-1)?.decision, 'failed-to-start');
    });

    it('cancel ends a running process', async () => {
      h.ports.writeFixture('forever.js', "process.stdout.write('ready ' + process.pid + '\\n'); setInterval(() => {}, 1000);\n");
      h.ports.trustedSetting = { forever: { program: 'node', args: [h.ports.fixture('forever.js')], confirm: 'never' } };
      const start = await h.service.start(startMessage('forever'));
      const runId = start.runId as string;
      const ready = await follow(h.service, runId, { stopWhen: (out) => out.includes('\n') });
      const pid = Number(/ready (\d+)/.exec(ready.stdout.toString('utf8'))?.[1]);
      assert.ok(pid > 0);
      assert.deepEqual(h.service.activeRuns().map((run) => run.runId), [runId]);
      assert.deepEqual(await h.service.cancel({ v: 1, runId }), { v: 1, ok: true, cancelled: true });
      const ended = await follow(h.service, runId);
      assert.equal(ended.outcome?.reason, 'cancelled');
      assert.equal(ended.outcome?.exitCode, null);
      assert.throws(() => process.kill(pid, 0), /ESRCH/);
      assert.deepEqual(h.service.activeRuns(), []);
      assert.deepEqual(await h.service.cancel({ v: 1, runId }), { v: 1, ok: true, cancelled: false });
      const record = h.ports.audits.at(-1)!;
      assert.deepEqual([record.decision, record.reason], ['trusted', 'cancelled']);
    });

    it('a child left writing after its parent exited is ended once nobody will read it (the run is forgotten, or the bridge stops)', async function () {
      if (!posix) this.skip();
      await disposeHarness(h);
      h = createHarness({ finishedRunRetentionMs: 200, callerLeaseMs: 400 });
      // The parent exits at once; its child keeps the output pipe open and writes forever.
      h.ports.trustedSetting = { orphan: { program: 'sh', args: ['-c', '(while :; do echo tick; sleep 0.05; done) & echo "child $!"; exit 0'], confirm: 'never' } };
      const pids: number[] = [];
      const runIds: string[] = [];
      for (let i = 0; i < 2; i++) {
        const start = await h.service.start(startMessage('orphan'));
        runIds.push(start.runId as string);
        const first = await h.service.poll({ v: 1, runId: start.runId, cursor: 0, waitMs: 2000 });
        const text = Buffer.concat((first.chunks as Array<{ data: string }>).map((chunk) => Buffer.from(chunk.data, 'base64'))).toString();
        pids.push(Number(/child (\d+)/.exec(text)?.[1]));
      }
      assert.ok(pids.every((pid) => pid > 0), JSON.stringify(pids));
      // The second run's caller keeps reading; the first run's caller is gone.
      let reading = true;
      const reader = (async () => {
        let cursor = 0;
        while (reading) cursor = ((await h.service.poll({ v: 1, runId: runIds[1], cursor, waitMs: 50 })).cursor as number | undefined) ?? cursor;
      })();
      await waitUntil('both parents to exit', () => h.service.activeRuns().length === 0);
      for (const pid of pids) process.kill(pid, 0); // both children still alive, still writing
      await waitUntil('the forgotten run\'s child to end', () => !isAlive(pids[0]!), 10_000);
      assert.ok(isAlive(pids[1]!), 'the child whose output is still read goes on');
      await h.service.dispose();
      reading = false;
      await reader;
      await waitUntil('the other child to end when the bridge stops', () => !isAlive(pids[1]!), 10_000);
    });

    it('an unknown run id is an error reply', async () => {
      const reply = await h.service.poll({ v: 1, runId: 'run-0123456789abcdef', cursor: 0 });
      assert.deepEqual([reply.ok, reply.code], [false, 'unknown-run']);
    });

    it('queues runs beyond maxConcurrentRuns: the second starts only once the first has ended', async () => {
      await disposeHarness(h);
      h = createHarness({ maxConcurrentRuns: 1 });
      const gate = path.join(h.ports.root, 'gate');
      const secondMarker = path.join(h.ports.root, 'second-ran');
      h.ports.writeFixture(
        'gate.js',
        "const fs = require('fs'); process.stdout.write('waiting\\n'); (function wait() { if (fs.existsSync(process.argv[2])) process.exit(0); setTimeout(wait, 10); })();\n",
      );
      h.ports.trustedSetting = {
        first: { program: 'node', args: [h.ports.fixture('gate.js'), gate], confirm: 'never' },
        second: { ...touchDefinition(h.ports, secondMarker), confirm: 'never' },
      };
      const first = await h.service.start(startMessage('first'));
      await follow(h.service, first.runId as string, { stopWhen: (out) => out.includes('waiting') });
      const second = await h.service.start(startMessage('second'));
      assert.equal(second.ok, true, 'the second run is accepted and waits, it is not refused');
      // While the first holds the only slot, a poll of the second returns without output or outcome.
      const early = await h.service.poll({ v: 1, runId: second.runId, cursor: 0, waitMs: 200 });
      assert.deepEqual([early.chunks, early.outcome], [[], undefined]);
      assert.deepEqual(h.ports.observer.startedIds(), [first.runId]);
      assert.equal(existsSync(secondMarker), false);

      writeFileSync(gate, '');
      const secondDone = await follow(h.service, second.runId as string);
      assert.equal(secondDone.outcome?.exitCode, 0);
      assert.ok(existsSync(secondMarker));
      const order = h.ports.observer.events.filter((e) => e.type !== 'output').map((e) => `${e.type}:${e.runId === first.runId ? 'first' : 'second'}`);
      assert.deepEqual(order, ['started:first', 'ended:first', 'started:second', 'ended:second']);
    });

    it('many runs streaming at once share one output budget: each holds only its share while nobody reads, and all output arrives', async () => {
      const KiB = 1024;
      // A share above the floor of one pipe read (64 KiB), so that what holds the runs back is the budget.
      const share = 192 * KiB;
      const runs = 8;
      await disposeHarness(h);
      h = createHarness({ maxConcurrentRuns: runs, relayBudget: runs * share, relayHighWaterMark: 1024 * KiB });
      const size = 2 * 1024 * KiB;
      h.ports.trustedSetting = { big: { program: 'node', args: ['-e', `process.stdout.write(Buffer.alloc(${size}, 0x61))`], confirm: 'never' } };
      const received = (runId: string): number =>
        h.ports.observer.events.reduce((sum, event) => sum + (event.type === 'output' && event.runId === runId ? event.bytes : 0), 0);

      const ids: string[] = [];
      for (let i = 0; i < runs; i++) ids.push((await h.service.start(startMessage('big'))).runId as string);
      await waitUntil('every run to fill its share', () => h.ports.observer.startedIds().length === runs && ids.every((id) => received(id) >= share));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Paused once past its share: what it holds is the share plus at most the one pipe read (64 KiB) that crossed it.
      for (const id of ids) assert.ok(received(id) <= share + 64 * KiB, `run ${id} took ${received(id)} bytes with nobody reading`);

      const done = await Promise.all(ids.map((id) => follow(h.service, id)));
      for (const run of done) assert.equal(run.stdout.length, size);

      // Control: alone, a run gets the whole budget, not one share.
      const alone = (await h.service.start(startMessage('big'))).runId as string;
      await waitUntil('the lone run to take more than one share', () => received(alone) > share + 64 * KiB);
      assert.equal((await follow(h.service, alone)).stdout.length, size);
    });
  });

  describe('workspace proposals', () => {
    it('asks on first run; Always Allow stores an approval, and the next run does not ask', async () => {
      h.ports.setProposals({ commands: { 'ws.argv': argvDefinition(h.ports, ['${param:name}'], { parameters: { name: { pattern: '[a-z]+' } } }) } });
      h.ports.prompt.answer(ALWAYS_BUTTON);
      const first = await runToCompletion(h.service, startMessage('ws.argv', { name: 'one' }, { source: 'task' }));
      assert.deepEqual(JSON.parse(first.stdout.toString('utf8')), ['one']);
      assert.equal(h.ports.prompt.shown.length, 1);
      const prompt = h.ports.prompt.shown[0]!;
      assert.deepEqual(prompt.buttons, [DONT_RUN_BUTTON, RUN_ONCE_BUTTON, ALWAYS_BUTTON]);
      assert.match(prompt.message, /The workspace "proj" proposes a host command: ws\.argv/);
      assert.match(prompt.detail, /\[2\] one/);
      assert.match(prompt.detail, /Requested by a task/);
      assert.equal(h.ports.approvals.records.size, 1);
      const approval = [...h.ports.approvals.records.values()][0]!;
      assert.deepEqual([approval.commandId, approval.program, approval.workspace], ['ws.argv', process.execPath, h.ports.workspaceIdentity()]);

      const second = await runToCompletion(h.service, startMessage('ws.argv', { name: 'two' }));
      assert.deepEqual(JSON.parse(second.stdout.toString('utf8')), ['two']);
      assert.equal(h.ports.prompt.shown.length, 1, 'the approval holds');
      assert.deepEqual(h.ports.audits.map((a) => a.decision), ['approved-always', 'approved-always']);
    });

    it('Run Once runs and stores nothing', async () => {
      h.ports.setProposals({ commands: { 'ws.argv': argvDefinition(h.ports, ['x']) } });
      h.ports.prompt.answer(RUN_ONCE_BUTTON, RUN_ONCE_BUTTON);
      await runToCompletion(h.service, startMessage('ws.argv'));
      await runToCompletion(h.service, startMessage('ws.argv'));
      assert.equal(h.ports.prompt.shown.length, 2);
      assert.equal(h.ports.approvals.records.size, 0);
      assert.deepEqual(h.ports.audits.map((a) => a.decision), ['approved-once', 'approved-once']);
    });
  });

  describe('audit', () => {
    it('records every run with who asked, what ran, the decision, exit code, duration and output size', async () => {
      h.ports.trustedSetting = { hello: { program: 'node', args: ['-e', "process.stdout.write('hello'); process.exit(2)"] } };
      h.ports.prompt.answer(RUN_BUTTON);
      await runToCompletion(h.service, startMessage('hello', {}, { source: 'cli' }));
      assert.equal(h.ports.audits.length, 1);
      const record = h.ports.audits[0]!;
      assert.equal(record.source, 'cli');
      assert.equal(record.workspace, h.ports.workspaceIdentity());
      assert.equal(record.command, 'hello');
      assert.equal(record.origin, 'user');
      assert.equal(record.decision, 'confirmed', 'the user was asked and clicked Run');
      assert.equal(record.program, process.execPath);
      assert.deepEqual(record.args, ['-e', "process.stdout.write('hello'); process.exit(2)"]);
      assert.equal(record.cwd, h.ports.workspace);
      assert.equal(record.exitCode, 2);
      assert.equal(record.signal, null);
      assert.equal(record.reason, 'exited');
      assert.equal(typeof record.durationMs, 'number');
      assert.ok(record.durationMs! >= 0);
      assert.equal(record.outputBytes, 5);
      assert.ok(!Number.isNaN(Date.parse(record.time)));
    });

    it('records a cancelled prompt as denied, and nothing runs', async () => {
      const marker = path.join(h.ports.root, 'ran');
      h.ports.trustedSetting = { build: touchDefinition(h.ports, marker) };
      h.ports.prompt.answer(undefined);
      const reply = await h.service.start(startMessage('build'));
      assert.deepEqual([reply.ok, reply.code], [false, 'denied']);
      assert.match(reply.message as string, /cancelled on the host; nothing ran/);
      assert.deepEqual(h.ports.audits.map((a) => a.decision), ['denied']);
      assert.equal(existsSync(marker), false);
    });
  });

  it('answers for a finished run again (a lost reply), and forgets it once nobody has asked about it for a while', async () => {
    await disposeHarness(h);
    h = createHarness({ finishedRunRetentionMs: 300, callerLeaseMs: 200 });
    h.ports.trustedSetting = { quick: { program: 'node', args: ['-e', 'process.stdout.write("done")'], confirm: 'never' } };
    const done = await runToCompletion(h.service, startMessage('quick'));
    assert.equal(done.outcome?.exitCode, 0);
    const again = await h.service.poll({ v: 1, runId: done.runId, cursor: 0, waitMs: 0 });
    assert.equal(again.ok, true, 'a finished run can be asked for again (a lost reply)');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const gone = await h.service.poll({ v: 1, runId: done.runId, cursor: 0, waitMs: 0 });
    assert.equal(gone.code, 'unknown-run');
  });
});
