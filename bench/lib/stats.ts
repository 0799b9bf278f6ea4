// Summaries of timing samples and a peak-memory sampler for the bench.

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  mean: number;
  min: number;
  max: number;
}

/** Linear interpolation between the closest ranks (the usual "type 7" percentile). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export const MiB = 1024 * 1024;

export interface MemoryFigures {
  /** RSS when the measurement began (after a full GC where --expose-gc allows it). */
  baselineMiB: number;
  peakMiB: number;
  /** Peak minus baseline: what the workload cost this process. */
  growthMiB: number;
}

/**
 * Samples this process's resident set size on a timer and when sample() is called (the workload calls it between
 * chunks, where a timer may not get a turn), at most once per interval: reading the RSS costs tens of
 * microseconds, which would otherwise slow down what is being measured. Keeps the peak.
 */
export class PeakRss {
  private readonly baseline: number;
  private peak: number;
  private last = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly intervalMs = 2) {
    collectGarbage();
    this.baseline = process.memoryUsage.rss();
    this.peak = this.baseline;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const now = performance.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  stop(): MemoryFigures {
    this.last = 0;
    this.sample();
    clearInterval(this.timer);
    return { baselineMiB: this.baseline / MiB, peakMiB: this.peak / MiB, growthMiB: (this.peak - this.baseline) / MiB };
  }
}

/** A full GC when node runs with --expose-gc; otherwise nothing. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
