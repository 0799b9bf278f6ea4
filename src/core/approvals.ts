// "Always allow" approvals: bound to a hash of exactly what was approved (the definition as the workspace
// wrote it, the program it resolved to, the content of workspace files that decide what runs) and to
// the workspace. Change one character of any of it and the key no longer matches, so the user is asked again.
import { createHash } from 'node:crypto';
import type { CommandDefinition } from './definitions';
import type { ResolvedCommand } from './resolve';

export interface ApprovalRecord {
  key: string;
  commandId: string;
  workspace: string;
  program: string;
  args: string[];
  approvedAt: string;
}

/** JSON with sorted keys, so the same definition always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface ApprovalSubject {
  workspace: string;
  definition: CommandDefinition;
  resolved: ResolvedCommand;
  /** Content hash of each workspace file in resolved.workspaceFiles ('missing' when absent). */
  fileHashes: Record<string, string>;
  /** Values of parameters the definition does not constrain (no pattern, no enum): the approval covers only these values. */
  boundParams?: Record<string, string>;
}

export function approvalKey(subject: ApprovalSubject): string {
  const { definition, resolved } = subject;
  return sha256(
    canonicalJson({
      kind: 'host-commands-approval/1',
      workspace: subject.workspace,
      definition: { ...definition },
      programPath: resolved.programPath,
      cwd: resolved.cwd,
      files: subject.fileHashes,
      params: subject.boundParams ?? {},
    }),
  );
}
