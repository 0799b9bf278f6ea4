// Asks for the parameter values a command needs, with the same checks the host will apply, live.
import * as vscode from 'vscode';
import { parameterPlaceholder } from '../core/parameterHint';
import { checkParameterValue } from '../core/parameters';
import type { CommandSummary } from '../core/protocol';

/** Values for every parameter not already given; undefined when the user backs out. */
export async function askForParameters(command: CommandSummary, given: Record<string, string> = {}): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = { ...given };
  const specs = command.parameters.filter((spec) => !Object.hasOwn(values, spec.name));
  for (const [index, spec] of specs.entries()) {
    const title = `${command.title}: ${spec.name} (${index + 1}/${specs.length})`;
    let value: string | undefined;
    if (spec.enum) {
      const picked = await vscode.window.showQuickPick(
        spec.enum.map((option) => ({ label: option, description: option === spec.default ? 'default' : undefined })),
        { title, placeHolder: spec.description ?? `Choose ${spec.name}`, ignoreFocusOut: true },
      );
      value = picked?.label;
    } else {
      value = await vscode.window.showInputBox({
        title,
        prompt: spec.description ?? `Value for ${spec.name}`,
        value: spec.default ?? '',
        placeHolder: parameterPlaceholder(spec),
        ignoreFocusOut: true,
        validateInput: (text) => (text === '' && !spec.required ? undefined : checkParameterValue(spec, text)),
      });
    }
    if (value === undefined) return undefined;
    if (value === '' && !spec.required) continue;
    values[spec.name] = value;
  }
  return values;
}
