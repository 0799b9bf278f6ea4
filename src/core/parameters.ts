// Typed parameters: a definition declares them, the caller supplies string values, the host validates
// every value before anything is resolved. A value only ever fills whole argv elements.
import vm from 'node:vm';
import type { ParameterSpec } from './protocol';

/**
 * Longest one pattern may take on one value. A workspace proposal writes the pattern and the container
 * sends the value, so a pattern with catastrophic backtracking ("(a+)+b" against 4096 "a"s) would
 * otherwise hold the extension host's only thread for hours.
 */
export const PATTERN_TIME_LIMIT_MS = 250;

/**
 * Longest all the patterns of one request may take together: a definition may declare up to 32 parameters,
 * each with a slow pattern and a default that triggers it.
 */
export const REQUEST_PATTERN_BUDGET_MS = 500;

/**
 * Patterns that ran out of time once. They are refused at once from then on: otherwise each request could
 * hold the thread for the full limit again. Bounded: a container rewriting its patterns cannot grow it without end.
 */
const slowPatterns = new Set<string>();
const MAX_REMEMBERED_SLOW_PATTERNS = 256;

/** Below this much time left, a pattern is not run at all. */
const MIN_PATTERN_TIME_MS = 25;

/** Time left for pattern checks, shared by the checks of one request. */
export interface PatternBudget {
  remainingMs: number;
}

export type ParamValues = Record<string, string>;

/** Why a single value is not acceptable, or undefined when it is. Used by the host and by live input validation. */
export function checkParameterValue(spec: ParameterSpec, value: string, budget: PatternBudget = { remainingMs: PATTERN_TIME_LIMIT_MS }): string | undefined {
  if (value.includes('\0')) return `${spec.name}: NUL characters are not allowed`;
  if (spec.maxLength !== undefined && value.length > spec.maxLength) {
    return `${spec.name}: at most ${spec.maxLength} characters (got ${value.length})`;
  }
  if (spec.enum && !spec.enum.includes(value)) {
    return `${spec.name}: must be one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (spec.pattern !== undefined) {
    const pattern = compilePattern(spec.pattern);
    if (!pattern) return `${spec.name}: the definition's pattern is not a valid regular expression`;
    if (slowPatterns.has(spec.pattern)) return `${spec.name}: the definition's pattern took too long to check a value before, so it is not used again`;
    // Too little time left to judge a pattern fairly: refuse the request without running it.
    if (budget.remainingMs < MIN_PATTERN_TIME_MS) return `${spec.name}: checking the parameters took too long`;
    const limit = Math.min(PATTERN_TIME_LIMIT_MS, budget.remainingMs);
    const started = performance.now();
    const matched = testWithinLimit(pattern, value, limit);
    budget.remainingMs -= performance.now() - started;
    if (matched === undefined) {
      // Only a pattern that had its full time is marked slow: a cut-short check says nothing about the pattern,
      // and a request must not be able to get the user's own pattern refused for good.
      if (limit >= PATTERN_TIME_LIMIT_MS) {
        if (slowPatterns.size >= MAX_REMEMBERED_SLOW_PATTERNS) slowPatterns.delete(slowPatterns.values().next().value!);
        slowPatterns.add(spec.pattern);
      }
      return `${spec.name}: the definition's pattern takes too long to check this value`;
    }
    if (!matched) return `${spec.name}: must match /${spec.pattern}/`;
  }
  if (spec.required && value === '') return `${spec.name}: a value is required`;
  return undefined;
}

/** The pattern must match the whole value: an unanchored pattern would let "ok; rm -rf ~" through. */
export function compilePattern(pattern: string): RegExp | undefined {
  try {
    // Valid on its own first: "a)|(.*" would otherwise close the anchoring group early and match anything.
    new RegExp(pattern, 'u');
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

let sandbox: vm.Context | undefined;

/** pattern.test(value), or undefined when it did not finish in time: a vm timeout interrupts a running match. */
function testWithinLimit(pattern: RegExp, value: string, timeoutMs: number): boolean | undefined {
  sandbox ??= vm.createContext({});
  sandbox.pattern = pattern;
  sandbox.value = value;
  try {
    return vm.runInContext('pattern.test(value)', sandbox, { timeout: Math.max(1, Math.floor(timeoutMs)) }) === true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return undefined;
    throw error;
  } finally {
    sandbox.pattern = undefined;
    sandbox.value = undefined;
  }
}

export type ParamsResult = { ok: true; values: ParamValues } | { ok: false; errors: string[] };

/**
 * Checks supplied values against the declared parameters: unknown names are refused, defaults fill
 * what is missing, required ones must be present. Returns a null-prototype record.
 */
export function validateParams(specs: ParameterSpec[], supplied: ParamValues): ParamsResult {
  const errors: string[] = [];
  const values: ParamValues = Object.create(null) as ParamValues;
  const known = new Map(specs.map((spec) => [spec.name, spec]));
  const budget: PatternBudget = { remainingMs: REQUEST_PATTERN_BUDGET_MS };
  for (const name of Object.keys(supplied)) {
    if (!known.has(name)) errors.push(`unknown parameter "${name}"`);
  }
  for (const spec of specs) {
    const given = Object.hasOwn(supplied, spec.name) ? supplied[spec.name] : undefined;
    const value = given ?? spec.default;
    if (value === undefined) {
      if (spec.required) errors.push(`${spec.name}: a value is required`);
      continue;
    }
    const problem = checkParameterValue(spec, value, budget);
    if (problem) errors.push(problem);
    else values[spec.name] = value;
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}
