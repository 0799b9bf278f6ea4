// `"type": "host"` tasks: one provided per host command (Tasks: Run Task lists them), and any tasks.json
// entry naming a command and its params. VS Code resolves ${input:…}, ${workspaceFolder} and the other
// variables in the definition before handing it to the CustomExecution callback.
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { escapeForDisplay } from '../core/displayEscape';
import { commandIdSchema, describeIssues, paramsSchema } from '../core/protocol';
import type { BridgeClient } from './bridgeClient';
import { askForParameters } from './parameterPrompts';
import { HostTaskTerminal } from './taskTerminal';

export const HOST_TASK_TYPE = 'host';

const hostTaskDefinitionSchema = z.object({
  type: z.literal(HOST_TASK_TYPE),
  command: commandIdSchema,
  params: z.optional(paramsSchema),
  cwd: z.optional(z.string()),
});

export class HostTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly client: BridgeClient,
    private readonly onRunning?: (command: string, runId: string, running: boolean) => void,
  ) {}

  async provideTasks(): Promise<vscode.Task[]> {
    try {
      const listed = await this.client.list('task');
      // The name is the title, which a workspace proposal may write: shown escaped, so it cannot reverse or hide text.
      return listed.commands.map((command) => this.task({ type: HOST_TASK_TYPE, command: command.id }, escapeForDisplay(command.title), vscode.TaskScope.Workspace));
    } catch {
      return [];
    }
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    if (task.definition.type !== HOST_TASK_TYPE) return undefined;
    return this.task(task.definition, task.name, task.scope ?? vscode.TaskScope.Workspace);
  }

  /**
   * A provided task (Tasks: Run Task → host) carries no parameter values: ask for the required ones, as the
   * palette does, rather than fail. tasks.json entries that give every value are not asked anything.
   */
  private async completeParameters(command: string, params: Record<string, string>): Promise<Record<string, string> | undefined> {
    const summary = (await this.client.list('task').catch(() => undefined))?.commands.find((candidate) => candidate.id === command);
    const missing = summary?.parameters.filter((spec) => spec.required && spec.default === undefined && !Object.hasOwn(params, spec.name)) ?? [];
    if (!summary || missing.length === 0) return params;
    return askForParameters({ ...summary, parameters: missing }, params);
  }

  private task(definition: vscode.TaskDefinition, name: string, scope: vscode.WorkspaceFolder | vscode.TaskScope): vscode.Task {
    const execution = new vscode.CustomExecution(async (resolved) => {
      const parsed = hostTaskDefinitionSchema.safeParse(resolved);
      if (!parsed.success) return new InvalidTaskTerminal(`Invalid "host" task: ${describeIssues(parsed.error)}`);
      const { command, cwd } = parsed.data;
      const params = await this.completeParameters(command, parsed.data.params ?? {});
      if (!params) return new InvalidTaskTerminal(`Host command "${command}" was not run: no value was given for its required parameters.`);
      return new HostTaskTerminal(this.client, { command, params, cwd }, (runId, running) => this.onRunning?.(command, runId, running));
    });
    const task = new vscode.Task(definition, scope, name, 'host', execution, []);
    task.detail = `Runs "${escapeForDisplay(String(definition.command))}" on the host`;
    return task;
  }
}

/** Says what is wrong with a tasks.json entry, in the task's own terminal, and fails the task. */
class InvalidTaskTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  constructor(private readonly message: string) {}

  open(): void {
    this.writeEmitter.fire(`\x1b[31m${this.message}\x1b[0m\r\n`);
    setTimeout(() => this.closeEmitter.fire(2), 150);
  }

  close(): void {}
}
