// Typed parameters: a definition declares them, the caller supplies string values, the host validates
// every value before anything is resolved. A value only ever fills whole argv elements.
import type { ParameterSpec } from './protocol';

export type ParamValues = Record<string, string>;

/** Why a single value is not acceptable, or undefined when it is. Used by the host and by live input validation. */
export function checkParameterValue(spec: ParameterSpec, value: string): string | undefined {
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
    if (!pattern.test(value)) return `${spec.name}: must match /${spec.pattern}/`;
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

export type ParamsResult = { ok: true; values: ParamValues } | { ok: false; errors: string[] };

/**
 * Checks supplied values against the declared parameters: unknown names are refused, defaults fill
 * what is missing, required ones must be present. Returns a null-prototype record.
 */
export function validateParams(specs: ParameterSpec[], supplied: ParamValues): ParamsResult {
  const errors: string[] = [];
  const values: ParamValues = Object.create(null) as ParamValues;
  const known = new Map(specs.map((spec) => [spec.name, spec]));
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
    const problem = checkParameterValue(spec, value);
    if (problem) errors.push(problem);
    else values[spec.name] = value;
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}
