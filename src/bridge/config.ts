// Every bridge setting is read here and nowhere else.
import * as vscode from 'vscode';
import { loadTrustedDefinitions, type LoadResult } from '../core/definitions';
import { DEFAULT_LIMITS, type BridgeLimits } from '../core/bridgeService';

const SECTION = 'hostCommands';

export class BridgeConfig implements vscode.Disposable {
  /** The parsed trusted definitions, until the settings change: parsing them on every run costs a good share of it. */
  private trusted: LoadResult | undefined;
  private readonly listener = vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) this.trusted = undefined;
  });

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /**
   * The trusted definitions, from the user's own settings only. The setting is application-scoped, so
   * VS Code already ignores workspace, folder and remote values; reading only the user-level value makes
   * that explicit, should a future VS Code ever merge them. Frozen, since every request shares them.
   */
  trustedDefinitions(): LoadResult {
    return (this.trusted ??= deepFreeze(loadTrustedDefinitions(this.section.inspect('commands')?.globalValue)));
  }

  /** The raw user-level value of hostCommands.commands, as an object ({} when unset or not an object). */
  userCommandsValue(): Record<string, unknown> {
    const value = this.section.inspect('commands')?.globalValue;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  }

  limits(): BridgeLimits {
    const user = <T>(key: string, fallback: T): T => (this.section.inspect<T>(key)?.globalValue ?? fallback);
    return {
      ...DEFAULT_LIMITS,
      maxConcurrentRuns: clamp(user('maxConcurrentRuns', DEFAULT_LIMITS.maxConcurrentRuns), 1, 64),
    };
  }

  dispose(): void {
    this.listener.dispose();
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : min;
}
