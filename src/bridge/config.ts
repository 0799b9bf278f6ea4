// Every bridge setting is read here and nowhere else.
import * as vscode from 'vscode';
import { loadTrustedDefinitions, type LoadResult } from '../core/definitions';
import { DEFAULT_LIMITS, type BridgeLimits } from '../core/bridgeService';

const SECTION = 'hostCommands';

export class BridgeConfig {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /**
   * The trusted definitions, from the user's own settings only. The setting is application-scoped, so
   * VS Code already ignores workspace, folder and remote values; reading only the user-level value makes
   * that explicit, should a future VS Code ever merge them.
   */
  trustedDefinitions(): LoadResult {
    return loadTrustedDefinitions(this.section.inspect('commands')?.globalValue);
  }

  limits(): BridgeLimits {
    const user = <T>(key: string, fallback: T): T => (this.section.inspect<T>(key)?.globalValue ?? fallback);
    return {
      ...DEFAULT_LIMITS,
      maxConcurrentRuns: clamp(user('maxConcurrentRuns', DEFAULT_LIMITS.maxConcurrentRuns), 1, 64),
    };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : min;
}
