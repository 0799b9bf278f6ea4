// The relay between a process's pipes and a polling consumer: exact bytes, order, re-delivery, bounded memory.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { OutputRelay, type RelayChunk } from '../../src/core/outputRelay';

const MiB = 1 << 20;
/** The most a pipe delivers in one read (libuv reads 64 KiB at a time). */
const PIPE_CHUNK = 64 * 1024;

async function readAll(relay: OutputRelay, maxBytes: number): Promise<RelayChunk[]> {
  const chunks: RelayChunk[] = [];
  let cursor = 0;
  for (;;) {
    const result = await relay.read(cursor, { maxBytes, waitMs: 1000 });
    chunks.push(...result.chunks);
    cursor = result.cursor;
    if (result.finished) return chunks;
  }
}

function bytesOf(chunks: RelayChunk[], stream?: 'stdout' | 'stderr'): Buffer {
  return Buffer.concat(chunks.filter((chunk) => !stream || chunk.stream === stream).map((chunk) => chunk.data));
}

/**
 * Runs `node -e script` with its stdout and stderr attached to `relay`, and ends the relay as soon as the
 * process exits, as the bridge does: output still in the pipes then must not be lost.
 */
function attachNode(relay: OutputRelay, script: string): Promise<number | null> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  relay.attach('stdout', child.stdout);
  relay.attach('stderr', child.stderr);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      relay.end();
      resolve(code);
    }),
  );
}

describe('OutputRelay', function () {
  this.timeout(20_000);

  it('keeps the arrival order across interleaved stdout and stderr', async () => {
    const relay = new OutputRelay({ highWaterMark: MiB });
    const pushed: RelayChunk[] = [];
    for (let i = 0; i < 50; i++) {
      const chunk: RelayChunk = { stream: i % 3 === 0 ? 'stderr' : 'stdout', data: Buffer.from(`${i};`) };
      pushed.push(chunk);
      relay.push(chunk.stream, chunk.data);
    }
    relay.end();
    // Small slices, so chunks are cut and merged at many boundaries; a reply merges neighbours of one stream.
    const read = await readAll(relay, 7);
    const runs = (chunks: RelayChunk[]): string[][] => mergeRuns(chunks).map((chunk) => [chunk.stream, chunk.data.toString()]);
    assert.deepEqual(runs(read), runs(pushed));
  });

  it('delivers bytes exactly: split multi-byte UTF-8 and invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('é€😀 ok ', 'utf8'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0x00, 0xf0, 0x9f]), Buffer.from('\r\n😀', 'utf8')]);
    const relay = new OutputRelay({ highWaterMark: MiB });
    // Pushed in pieces that cut characters in half, and read back in slices of 3 bytes.
    for (let at = 0; at < bytes.length; at += 5) relay.push('stdout', bytes.subarray(at, at + 5));
    relay.end();
    assert.ok(bytesOf(await readAll(relay, 3)).equals(bytes));

    const fromProcess = new OutputRelay({ highWaterMark: MiB });
    const hex = bytes.toString('hex');
    const exit = attachNode(
      fromProcess,
      `const b = Buffer.from('${hex}', 'hex'); for (let i = 0; i < b.length; i++) { require('fs').writeSync(1, b.subarray(i, i + 1)); require('fs').writeSync(2, b.subarray(i, i + 1)); }`,
    );
    const chunks = await readAll(fromProcess, 4);
    assert.equal(await exit, 0);
    assert.ok(bytesOf(chunks, 'stdout').equals(bytes));
    assert.ok(bytesOf(chunks, 'stderr').equals(bytes));
  });

  it('end() while output is still in the pipes loses none of it, and keeps them paused', async () => {
    const highWaterMark = 16 * 1024;
    const relay = new OutputRelay({ highWaterMark });
    // 100 KiB: more than the relay takes before pausing, less than it plus the pipe can hold, so the
    // process exits (and the relay is ended) with part of its output still unread in the pipe.
    const exit = attachNode(relay, `process.stdout.write(Buffer.alloc(${100 * 1024}, 'xyz'))`);
    assert.equal(await exit, 0);
    // Node resumes a child's pipes by itself after it exits; the relay must still hold them back.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(relay.bufferedBytes <= highWaterMark + PIPE_CHUNK, `buffered ${relay.bufferedBytes}`);
    const data = bytesOf(await readAll(relay, MiB));
    assert.ok(data.equals(Buffer.alloc(100 * 1024, 'xyz')));
  });

  it('re-delivers the same bytes when polled again with the same cursor', async () => {
    const relay = new OutputRelay({ highWaterMark: MiB });
    relay.push('stdout', Buffer.from('first '));
    relay.push('stderr', Buffer.from('second '));
    relay.push('stdout', Buffer.from('third'));
    relay.end();

    const once = await relay.read(0, { maxBytes: 10, waitMs: 0 });
    const again = await relay.read(0, { maxBytes: 10, waitMs: 0 });
    assert.deepEqual(again, once);
    assert.equal(once.cursor, 10);
    assert.equal(once.finished, false);

    const rest = await relay.read(once.cursor, { maxBytes: 100, waitMs: 0 });
    assert.equal(bytesOf([...once.chunks, ...rest.chunks]).toString(), 'first second third');
    assert.equal(rest.cursor, 18);
    assert.equal(rest.finished, true);
    assert.equal(relay.bufferedBytes, 8, 'the last reply is kept until a later cursor acknowledges it');

    // The bytes before cursor 10 were acknowledged: an old cursor cannot bring them back.
    const stale = await relay.read(0, { maxBytes: 100, waitMs: 0 });
    assert.equal(bytesOf(stale.chunks).toString(), 'nd third');
    assert.equal(stale.cursor, 18);

    const done = await relay.read(18, { maxBytes: 100, waitMs: 0 });
    assert.deepEqual(done, { chunks: [], cursor: 18, finished: true });
    assert.equal(relay.bufferedBytes, 0);
  });

  it('waits for data when none is buffered, and reports the end', async () => {
    const relay = new OutputRelay({ highWaterMark: MiB });
    const empty = await relay.read(0, { maxBytes: 100, waitMs: 0 });
    assert.deepEqual(empty, { chunks: [], cursor: 0, finished: false });

    const waiting = relay.read(0, { maxBytes: 100, waitMs: 10_000 });
    setTimeout(() => relay.push('stderr', Buffer.from('late')), 20);
    const woken = await waiting;
    assert.equal(bytesOf(woken.chunks, 'stderr').toString(), 'late');

    const ending = relay.read(woken.cursor, { maxBytes: 100, waitMs: 10_000 });
    setTimeout(() => relay.end(), 20);
    assert.deepEqual(await ending, { chunks: [], cursor: 4, finished: true });
  });

  it('without a consumer, forwards everything to listeners and never pauses the producer', async () => {
    const relay = new OutputRelay({ highWaterMark: 1024, retain: false });
    let mirrored = 0;
    relay.onData((chunk) => {
      mirrored += chunk.data.length;
    });
    const exit = attachNode(relay, `const b = Buffer.alloc(${MiB}, 97); for (let i = 0; i < 64; i++) require('fs').writeSync(1, b);`);
    // If the relay paused the pipe, nobody would ever resume it and the process would never exit.
    assert.equal(await exit, 0);
    await waitUntil(() => mirrored === 64 * MiB);
    assert.equal(relay.bufferedBytes, 0);
    await assert.rejects(relay.read(0, { maxBytes: 1, waitMs: 0 }), /does not keep output/);
  });

  it('discard() lets a paused producer run to its end when the consumer is gone', async () => {
    const relay = new OutputRelay({ highWaterMark: 64 * 1024 });
    let mirrored = 0;
    relay.onData((chunk) => {
      mirrored += chunk.data.length;
    });
    const exit = attachNode(relay, `const b = Buffer.alloc(${MiB}, 97); for (let i = 0; i < 16; i++) require('fs').writeSync(1, b);`);
    await waitUntil(() => relay.bufferedBytes >= 64 * 1024); // nobody reads: the producer is held back
    relay.discard();
    assert.equal(await exit, 0);
    await waitUntil(() => mirrored === 16 * MiB);
    assert.equal(relay.bufferedBytes, 0);
  });

  it('asks a highWaterMark function again: a smaller share holds the producer back sooner, a larger one lets it go on', async () => {
    let share = 64 * 1024;
    const relay = new OutputRelay({ highWaterMark: () => share });
    const size = 4 * MiB;
    const exit = attachNode(relay, `process.stdout.write(Buffer.alloc(${size}, 'q'))`);
    await waitUntil(() => relay.bufferedBytes >= share);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(relay.bufferedBytes <= share + PIPE_CHUNK, `buffered ${relay.bufferedBytes} with a share of ${share}`);

    share = MiB;
    // A read acknowledges nothing here (cursor 0) but lets the relay compare with the new share and resume.
    await relay.read(0, { maxBytes: 1, waitMs: 0 });
    await waitUntil(() => relay.bufferedBytes >= MiB);
    assert.ok(relay.bufferedBytes <= MiB + PIPE_CHUNK, `buffered ${relay.bufferedBytes} with a share of ${MiB}`);

    const data = bytesOf(await readAll(relay, MiB));
    assert.equal(await exit, 0);
    assert.ok(data.equals(Buffer.alloc(size, 'q')));
  });

  it('streams 1 GiB from a fast producer with bounded memory (backpressure)', async function () {
    this.timeout(120_000);
    const highWaterMark = MiB;
    const total = 1024 * MiB;
    const relay = new OutputRelay({ highWaterMark });
    let mirrored = 0;
    // Listeners see each chunk just before it is buffered: this tracks the fullest the buffer ever gets.
    let bufferedPeak = 0;
    relay.onData((chunk) => {
      mirrored += chunk.data.length;
      bufferedPeak = Math.max(bufferedPeak, relay.bufferedBytes + chunk.data.length);
    });
    const exit = attachNode(
      relay,
      `const b = Buffer.alloc(${MiB}, 120); let left = ${total / MiB};
       const write = () => { while (left > 0) { left--; if (!process.stdout.write(b)) return process.stdout.once('drain', write); } };
       write();`,
    );

    const rssBefore = process.memoryUsage.rss();
    let rssPeak = rssBefore;
    // The consumer starts late, so the producer surely outruns it once, however fast this machine reads.
    await waitUntil(() => relay.bufferedBytes >= highWaterMark);
    let received = 0;
    let cursor = 0;
    let reads = 0;
    for (;;) {
      const result = await relay.read(cursor, { maxBytes: 4 * MiB, waitMs: 1000 });
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      for (const chunk of result.chunks) received += chunk.data.length;
      cursor = result.cursor;
      if (result.finished) break;
      // A consumer slower than the producer: it yields to the event loop between polls.
      if (++reads % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }

    assert.equal(await exit, 0);
    assert.equal(received, total);
    assert.equal(cursor, total);
    assert.equal(mirrored, total);
    assert.ok(bufferedPeak >= highWaterMark, `the buffer filled up (peak ${bufferedPeak}), so the pipes were paused`);
    assert.ok(bufferedPeak <= highWaterMark + 2 * PIPE_CHUNK, `buffered at most highWaterMark + one chunk per stream (peak ${bufferedPeak})`);
    assert.ok(rssPeak - rssBefore < 64 * MiB, `RSS grew by ${((rssPeak - rssBefore) / MiB).toFixed(1)} MiB`);
  });
});

/** Joins neighbouring chunks of the same stream, the way a reply does. */
function mergeRuns(chunks: RelayChunk[]): RelayChunk[] {
  const runs: RelayChunk[] = [];
  for (const chunk of chunks) {
    const last = runs[runs.length - 1];
    if (last && last.stream === chunk.stream) last.data = Buffer.concat([last.data, chunk.data]);
    else runs.push({ stream: chunk.stream, data: chunk.data });
  }
  return runs;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
