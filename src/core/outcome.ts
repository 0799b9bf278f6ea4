// How a run's end is put into words, the same on both sides.
import type { RunOutcome } from './protocol';

export function outcomeSucceeded(outcome: RunOutcome): boolean {
  return outcome.reason === 'exited' && outcome.exitCode === 0 && !outcome.signal;
}

export function describeOutcome(outcome: RunOutcome): string {
  switch (outcome.reason) {
    case 'exited':
      return outcome.signal ? `was killed by ${outcome.signal}` : `exited with exit code ${outcome.exitCode}`;
    case 'cancelled':
      return 'was cancelled';
    case 'timeout':
      return 'timed out and was stopped';
    case 'caller-gone':
      return 'was stopped because its caller went away';
    case 'shutdown':
      return 'was stopped because the window closed';
    case 'spawn-failed':
      return `failed to start: ${outcome.message ?? 'unknown error'}`;
  }
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
