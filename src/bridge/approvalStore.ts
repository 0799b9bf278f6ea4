// "Always allow" approvals live in the bridge's globalState: on the host, out of reach of every file
// the container can write.
import type * as vscode from 'vscode';
import type { ApprovalRecord } from '../core/approvals';
import type { ApprovalStore } from '../core/bridgeService';

const KEY = 'hostCommands.approvals.v1';

export class GlobalStateApprovalStore implements ApprovalStore {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, ApprovalRecord> {
    const value = this.state.get<Record<string, ApprovalRecord>>(KEY);
    return value && typeof value === 'object' ? value : {};
  }

  has(key: string): boolean {
    return Object.hasOwn(this.all(), key);
  }

  approvedEarlier(commandId: string, workspace: string): boolean {
    return Object.values(this.all()).some((record) => record.commandId === commandId && record.workspace === workspace);
  }

  list(): ApprovalRecord[] {
    return Object.values(this.all()).sort((a, b) => b.approvedAt.localeCompare(a.approvedAt));
  }

  async add(record: ApprovalRecord): Promise<void> {
    await this.state.update(KEY, { ...this.all(), [record.key]: record });
  }

  async revoke(keys: string[]): Promise<void> {
    const remaining = { ...this.all() };
    for (const key of keys) delete remaining[key];
    await this.state.update(KEY, remaining);
  }
}
