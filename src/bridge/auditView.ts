// "Host Commands: Show Audit Log": the newest records first, one readable line each, in a read-only editor.
import * as vscode from 'vscode';
import type { AuditLog, AuditRecord } from '../core/auditLog';
import { displayArgument } from '../core/displayEscape';

export const AUDIT_SCHEME = 'host-commands-audit';
export const AUDIT_URI = vscode.Uri.from({ scheme: AUDIT_SCHEME, path: '/Host Commands Audit Log' });

export class AuditView implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: AuditLog) {}

  refresh(): void {
    this.changed.fire(AUDIT_URI);
  }

  provideTextDocumentContent(): string {
    const records = this.log.read();
    const header = [
      `Host Commands audit log — newest first (${records.length} shown)`,
      `File: ${this.log.file}  (JSON Lines, rotated by size)`,
      '',
      ['time', 'source', 'command', 'decision', 'result', 'program and arguments'].join(' | '),
      '',
    ];
    return [...header, ...records.map(formatRecord)].join('\n') + '\n';
  }
}

export function formatRecord(record: AuditRecord): string {
  const result =
    record.exitCode !== undefined || record.signal
      ? record.signal
        ? `signal ${record.signal}`
        : `exit ${record.exitCode ?? '-'}${record.reason && record.reason !== 'exited' ? ` (${record.reason})` : ''}`
      : (record.message ?? '');
  const duration = record.durationMs !== undefined ? ` ${Math.round(record.durationMs)} ms` : '';
  const bytes = record.outputBytes !== undefined ? ` ${record.outputBytes} B out` : '';
  const argv = record.program ? [record.program, ...(record.args ?? [])].map(displayArgument).join(' ') : '';
  return [record.time, record.source, record.command ?? '-', record.decision, `${result}${duration}${bytes}`, argv].join(' | ');
}
