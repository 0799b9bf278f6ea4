// What the input box for one parameter says while it is empty: what leaving it empty will do.
import { displayArgument } from './displayEscape';
import type { ParameterSpec } from './protocol';

/**
 * An empty optional value is not sent, and the host then uses the parameter's default when it has one
 * (validateParams in ./parameters): say so, with the default as it will be used.
 */
export function parameterPlaceholder(spec: ParameterSpec): string {
  if (spec.required) return 'required';
  if (spec.default !== undefined) return `leave empty for the default: ${displayArgument(spec.default)}`;
  return 'optional: leave empty to omit';
}
