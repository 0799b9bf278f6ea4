// Agent mode: the approved host commands as language-model tools. An agent can list them and run one;
// the bridge still asks on the host before every run it makes (even for commands set to confirm: never).
import stripAnsi from 'strip-ansi';
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { describeOutcome } from '../core/outcome';
import { commandIdSchema, describeIssues, paramsSchema } from '../core/protocol';
import type { BridgeClient } from './bridgeClient';
import { followRun } from './runSession';

export const LIST_TOOL = 'host-commands_list';
export const RUN_TOOL = 'host-commands_run';

/** What an agent gets back of a run's output: the end, which is where errors are. */
const MAX_TOOL_OUTPUT_BYTES = 16 * 1024;

const runInputSchema = z.strictObject({ command: commandIdSchema, params: z.optional(paramsSchema) });
type RunInput = z.infer<typeof runInputSchema>;

function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

export function registerLanguageModelTools(client: BridgeClient): vscode.Disposable[] {
  // Agent tools arrived in VS Code 1.95; on a host without them there is nothing to register.
  if (typeof vscode.lm?.registerTool !== 'function') return [];
  return [
    vscode.lm.registerTool<Record<string, never>>(LIST_TOOL, {
      async invoke() {
        const listed = await client.list('tool');
        const lines = listed.commands.map((command) => {
          const params = command.parameters.map((p) => `${p.name}${p.required ? '' : '?'}${p.enum ? ` (one of ${p.enum.join(', ')})` : p.pattern ? ` (matching ${p.pattern})` : ''}`);
          return `- ${command.id}: ${command.title}${command.description ? ` — ${command.description}` : ''}${params.length ? `; parameters: ${params.join(', ')}` : ''}`;
        });
        return textResult(lines.length ? `Host commands that can be run (each run is confirmed by the user on the host):\n${lines.join('\n')}` : 'No host commands are defined.');
      },
    }),
    vscode.lm.registerTool<RunInput>(RUN_TOOL, {
      prepareInvocation(options) {
        return { invocationMessage: `Running host command "${String(options.input?.command)}" (confirm on the host)…` };
      },
      async invoke(options, token) {
        const input = runInputSchema.safeParse(options.input);
        if (!input.success) return textResult(`Invalid input: ${describeIssues(input.error)}`);
        let started;
        try {
          started = await client.start({ command: input.data.command, params: input.data.params ?? {}, source: 'tool', stream: true });
        } catch (error) {
          return textResult(`The host command was not run: ${(error as Error).message}`);
        }
        const tail: Buffer[] = [];
        let kept = 0;
        const outcome = await followRun(client, started.runId, {
          onOutput: (_stream, data) => {
            tail.push(Buffer.from(data));
            kept += data.length;
            while (kept - (tail[0]?.length ?? 0) >= MAX_TOOL_OUTPUT_BYTES) kept -= tail.shift()!.length;
          },
          onCancelRequested: (cancel) => token.onCancellationRequested(cancel),
        });
        let output = Buffer.concat(tail);
        const truncated = output.length > MAX_TOOL_OUTPUT_BYTES;
        if (truncated) output = output.subarray(output.length - MAX_TOOL_OUTPUT_BYTES);
        const text = stripAnsi(output.toString('utf8'));
        return textResult(`Host command "${input.data.command}" ${describeOutcome(outcome)}.\n${truncated ? '(output truncated to its last 16 KiB)\n' : ''}${text}`);
      },
    }),
  ];
}
