// The status bar: one "Host Commands" item that opens the picker, plus a button for each definition
// that asks for one. While a command runs its button spins, and so does the main item, which then offers
// the output and a way to cancel each run.
import * as vscode from 'vscode';
import { escapeForDisplay } from '../core/displayEscape';
import type { CommandSummary } from '../core/protocol';

export const RUN_FROM_STATUS_BAR = 'hostCommands.runFromStatusBar';
export const STATUS_BAR_MENU = 'hostCommands.statusBarMenu';

const IDLE_TOOLTIP = 'Run a command on the host machine';

/** A run in progress, as the main item's menu lists it. */
export interface RunningEntry {
  commandId: string;
  title: string;
  runId: string;
}

export class StatusBar implements vscode.Disposable {
  private readonly main = vscode.window.createStatusBarItem('hostCommands.main', vscode.StatusBarAlignment.Left, 10);
  private buttons = new Map<string, { item: vscode.StatusBarItem; summary: CommandSummary }>();
  /** Run ids in progress, per command id. */
  private readonly running = new Map<string, Set<string>>();
  /** Every listed command's title, so the running menu names runs of commands without a button too. */
  private titles = new Map<string, string>();
  private idleTooltip = IDLE_TOOLTIP;

  constructor() {
    this.main.name = 'Host Commands';
    this.main.text = '$(remote-explorer) Host Commands';
    this.renderMain();
    this.main.show();
  }

  setRunsOnRemote(where: string | undefined): void {
    this.idleTooltip = where ? `Run a command — note: the bridge runs on ${where}, not on your local machine` : IDLE_TOOLTIP;
    this.renderMain();
  }

  update(commands: CommandSummary[]): void {
    this.titles = new Map(commands.map((command) => [command.id, command.title]));
    const wanted = new Map(commands.filter((command) => command.statusBar).map((command) => [command.id, command]));
    for (const [id, button] of this.buttons) {
      if (!wanted.has(id)) {
        button.item.dispose();
        this.buttons.delete(id);
      }
    }
    for (const [id, summary] of wanted) {
      const spec = summary.statusBar!;
      let button = this.buttons.get(id);
      if (!button) {
        const item = vscode.window.createStatusBarItem(
          `hostCommands.button.${id}`,
          spec.alignment === 'right' ? vscode.StatusBarAlignment.Right : vscode.StatusBarAlignment.Left,
          spec.priority ?? 0,
        );
        item.name = `Host Command: ${escapeForDisplay(summary.title)}`;
        button = { item, summary };
        this.buttons.set(id, button);
      }
      button.summary = summary;
      this.render(id);
      button.item.show();
    }
  }

  setRunning(id: string, runId: string, running: boolean): void {
    const runs = this.running.get(id) ?? new Set<string>();
    if (running) runs.add(runId);
    else runs.delete(runId);
    this.running.set(id, runs);
    this.render(id);
    this.renderMain();
  }

  /** The runs in progress, oldest command first. */
  runningEntries(): RunningEntry[] {
    return [...this.running].flatMap(([commandId, runs]) => [...runs].map((runId) => ({ commandId, title: this.titles.get(commandId) ?? commandId, runId })));
  }

  private renderMain(): void {
    const total = this.runningEntries().length;
    // While something runs, a click offers its output and Cancel; otherwise it opens the picker.
    this.main.text = total > 0 ? `$(sync~spin) Host Commands (${total})` : '$(remote-explorer) Host Commands';
    this.main.tooltip = total > 0 ? `${total} host command${total === 1 ? '' : 's'} running — click to show the output, cancel, or run another` : this.idleTooltip;
    this.main.command = total > 0 ? STATUS_BAR_MENU : 'hostCommands.runHostCommand';
  }

  private render(id: string): void {
    const button = this.buttons.get(id);
    if (!button) return;
    const spec = button.summary.statusBar!;
    const busy = this.runningIds(id).length > 0;
    // A proposal's words, like every value from the workspace side, are shown with invisible characters escaped.
    const text = escapeForDisplay(spec.text);
    const title = escapeForDisplay(button.summary.title);
    button.item.text = busy ? `$(sync~spin) ${text.replace(/\$\([a-z0-9~-]+\)\s*/gi, '')}` : text;
    button.item.tooltip = busy ? `${title} is running — click to show its output or cancel it` : spec.tooltip !== undefined ? escapeForDisplay(spec.tooltip) : `Run "${title}" on the host`;
    button.item.command = { title, command: RUN_FROM_STATUS_BAR, arguments: [id] };
  }

  runningIds(id: string): string[] {
    return [...(this.running.get(id) ?? [])];
  }

  summary(id: string): CommandSummary | undefined {
    return this.buttons.get(id)?.summary;
  }

  dispose(): void {
    this.main.dispose();
    for (const button of this.buttons.values()) button.item.dispose();
  }
}
