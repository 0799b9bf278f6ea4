// Asks for the parameter values a command needs, with the same checks the host will apply, live.
// Titles, descriptions and choices may come from a workspace proposal: they are shown escaped, so none can
// reverse or hide the text around it.
import * as vscode from 'vscode';
import { escapeForDisplay } from '../core/displayEscape';
import { parameterPlaceholder } from '../core/parameterHint';
import { checkParameterValue } from '../core/parameters';
import type { CommandSummary } from '../core/protocol';

/** Values for every parameter not already given; undefined when the user backs out. */
export async function askForParameters(command: CommandSummary, given: Record<string, string> = {}): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = { ...given };
  const specs = command.parameters.filter((spec) => !Object.hasOwn(values, spec.name));
  for (const [index, spec] of specs.entries()) {
    const title = `${escapeForDisplay(command.title)}: ${spec.name} (${index + 1}/${specs.length})`;
    const description = spec.description === undefined ? undefined : escapeForDisplay(spec.description);
    let value: string | undefined;
    if (spec.enum) {
      // The label is what is shown; the value sent is the option itself.
      const picked = await vscode.window.showQuickPick(
        spec.enum.map((option) => ({ label: escapeForDisplay(option), description: option === spec.default ? 'default' : undefined, option })),
        { title, placeHolder: description ?? `Choose ${spec.name}`, ignoreFocusOut: true },
      );
      value = picked?.option;
    } else {
      value = await vscode.window.showInputBox({
        title,
        prompt: description ?? `Value for ${spec.name}`,
        value: spec.default ?? '',
        placeHolder: parameterPlaceholder(spec),
        ignoreFocusOut: true,
        validateInput: (text) => {
          const problem = text === '' && !spec.required ? undefined : checkParameterValue(spec, text);
          return problem === undefined ? undefined : escapeForDisplay(problem);
        },
      });
    }
    if (value === undefined) return undefined;
    if (value === '' && !spec.required) continue;
    values[spec.name] = value;
  }
  return values;
}
