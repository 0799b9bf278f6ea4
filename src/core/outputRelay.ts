// A bounded buffer between a running process and whoever polls for its output.
//
// Output crosses to the caller by polling (see PollRequest in protocol.ts): the caller says how many bytes
// it has consumed (its cursor) and gets what follows. Bytes are dropped only when a later cursor
// acknowledges them, so a poll whose reply was lost can be repeated with the same cursor. The buffer is
// bounded by pausing the process's pipes: a paused pipe fills up and the kernel blocks the producer's
// writes, which slows the process down instead of growing our memory.
import { finished, type Readable } from 'node:stream';

export type StreamName = 'stdout' | 'stderr';

export interface RelayChunk {
  stream: StreamName;
  data: Buffer;
}

export interface RelayReadResult {
  /** Consecutive bytes of one stream are merged into one chunk. Treat the buffers as read-only. */
  chunks: RelayChunk[];
  /** Offset just past the last byte returned: the cursor to send next. */
  cursor: number;
  /** end() was called, every attached stream has finished, and `cursor` is past the last byte there will ever be. */
  finished: boolean;
}

export interface OutputRelayOptions {
  /**
   * Bytes buffered before the producers are paused (e.g. 1 MiB). A function is asked again each time: the
   * bridge shrinks each run's share of one output budget while many runs stream at once.
   */
  highWaterMark: number | (() => number);
  /** false: nobody polls; output only goes to the onData listeners and producers are never paused. Default true. */
  retain?: boolean;
}

export type RelayListener = (chunk: RelayChunk) => void;

export class OutputRelay {
  private readonly highWaterMark: () => number;
  private retain: boolean;
  /** Retained chunks in arrival order; `start` is the offset of the first byte of chunks[0]. */
  private readonly chunks: RelayChunk[] = [];
  private start = 0;
  /** Offset just past the last byte received. */
  private total = 0;
  private ended = false;
  private readonly open = new Set<Readable>();
  private readonly paused = new Set<Readable>();
  private readonly listeners = new Set<RelayListener>();
  private readonly waiters = new Set<() => void>();
  private markReleased!: () => void;
  /**
   * Settles once the relay holds nothing and never will again: every stream has ended and the consumer has
   * acknowledged the last byte, or the output was discarded. Until then it counts against a shared budget.
   */
  readonly released = new Promise<void>((resolve) => (this.markReleased = resolve));

  constructor(options: OutputRelayOptions) {
    const { highWaterMark } = options;
    if (typeof highWaterMark === 'number' && !(highWaterMark > 0)) throw new RangeError('highWaterMark must be a positive number of bytes');
    this.highWaterMark = typeof highWaterMark === 'number' ? () => highWaterMark : highWaterMark;
    this.retain = options.retain ?? true;
  }

  /** Bytes held for the consumer, including those delivered but not yet acknowledged. */
  get bufferedBytes(): number {
    return this.total - this.start;
  }

  /**
   * Reads `readable` until it ends. The stream is resumed here: the process runner starts its pipes
   * paused so that no byte is lost before this call.
   */
  attach(stream: StreamName, readable: Readable | NodeJS.ReadableStream): void {
    if (this.ended) throw new Error('the output relay has already ended');
    const source = readable as Readable;
    this.open.add(source);
    source.on('data', (data: Buffer | string) => {
      this.add(stream, typeof data === 'string' ? Buffer.from(data) : data);
      if (this.retain && this.bufferedBytes >= this.highWaterMark()) {
        source.pause();
        this.paused.add(source);
      }
    });
    // Node resumes a child's pipes once on its own when the child exits (child_process flushStdio), which
    // would let them flow past the high-water mark: hold them until we resume them ourselves.
    source.on('resume', () => {
      if (this.paused.has(source)) source.pause();
    });
    // An error (the pipe broke) ends the stream as far as the consumer is concerned: nothing more will come.
    finished(source, { writable: false }, () => {
      this.open.delete(source);
      this.paused.delete(source);
      this.wake();
      this.checkReleased();
    });
    source.resume();
  }

  push(stream: StreamName, data: Buffer): void {
    if (this.ended) throw new Error('the output relay has already ended');
    this.add(stream, data);
  }

  /**
   * Nothing more will be attached or pushed. Streams already attached are still read to their end: a
   * process may exit while its output is still in the pipes, and ending here loses none of it.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.wake();
    this.checkReleased();
  }

  /**
   * The consumer is gone for good: drop what is buffered, keep nothing from now on, and let the producers
   * run free so that their pipes drain and close. Listeners still get everything.
   */
  discard(): void {
    this.retain = false;
    this.chunks.length = 0;
    this.start = this.total;
    for (const source of this.paused) source.resume();
    this.paused.clear();
    this.wake();
    this.markReleased();
  }

  /** Calls `listener` with every chunk as it arrives, whether or not anyone reads. Returns the unsubscribe function. */
  onData(listener: RelayListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Acknowledges every byte before `cursor`, then returns up to `maxBytes` of what follows, waiting up to
   * `waitMs` if nothing is buffered yet. A cursor behind the buffer acknowledges nothing new (its bytes were
   * already dropped); one beyond the end acknowledges everything buffered.
   */
  async read(cursor: number, options: { maxBytes: number; waitMs: number }): Promise<RelayReadResult> {
    if (!this.retain) throw new Error('this output relay does not keep output for reading');
    this.acknowledge(cursor);
    // Answer with output or at the very end, not at every step on the way there (the process exiting before its
    // pipes close, one pipe closing before the other): each early answer costs the caller another round trip.
    const deadline = performance.now() + options.waitMs;
    while (this.bufferedBytes === 0 && !this.complete && this.retain) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      await this.waitForData(left);
    }
    return this.take(options.maxBytes);
  }

  private checkReleased(): void {
    if (this.complete && this.bufferedBytes === 0) this.markReleased();
  }

  /** No byte will ever arrive again. */
  private get complete(): boolean {
    return this.ended && this.open.size === 0;
  }

  private add(stream: StreamName, data: Buffer): void {
    if (data.length === 0) return;
    const chunk: RelayChunk = { stream, data };
    for (const listener of this.listeners) {
      try {
        listener(chunk);
      } catch {
        // A failing mirror (e.g. a disposed output channel) must not stop the run or the consumer.
      }
    }
    this.total += data.length;
    if (!this.retain) {
      this.start = this.total;
      return;
    }
    this.chunks.push(chunk);
    this.wake();
  }

  private acknowledge(cursor: number): void {
    const upTo = Math.min(Math.max(cursor, this.start), this.total);
    let drop = upTo - this.start;
    let whole = 0;
    while (drop > 0) {
      const chunk = this.chunks[whole]!;
      if (chunk.data.length <= drop) {
        drop -= chunk.data.length;
        whole += 1;
      } else {
        this.chunks[whole] = { stream: chunk.stream, data: chunk.data.subarray(drop) };
        drop = 0;
      }
    }
    this.chunks.splice(0, whole);
    this.start = upTo;
    this.checkReleased();
    if (this.bufferedBytes < this.highWaterMark()) {
      for (const source of this.paused) source.resume();
      this.paused.clear();
    }
  }

  private take(maxBytes: number): RelayReadResult {
    const runs: { stream: StreamName; parts: Buffer[] }[] = [];
    let taken = 0;
    for (const chunk of this.chunks) {
      const room = maxBytes - taken;
      if (room <= 0) break;
      const data = chunk.data.length <= room ? chunk.data : chunk.data.subarray(0, room);
      const last = runs[runs.length - 1];
      if (last && last.stream === chunk.stream) last.parts.push(data);
      else runs.push({ stream: chunk.stream, parts: [data] });
      taken += data.length;
    }
    const cursor = this.start + taken;
    return {
      chunks: runs.map((run) => ({ stream: run.stream, data: run.parts.length === 1 ? run.parts[0]! : Buffer.concat(run.parts) })),
      cursor,
      finished: this.complete && cursor === this.total,
    };
  }

  private waitForData(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, waitMs);
      this.waiters.add(wake);
    });
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
