// What the bridge knows about the open workspace: where its folder is on the host, what it proposes,
// and how to name it. Proposals are read by the bridge itself, through VS Code's file system, rather
// than taken from whoever calls: a caller cannot hand the bridge a proposal the workspace never made.
import fs from 'node:fs';
import os from 'node:os';
import * as vscode from 'vscode';
import { loadProposedDefinitions, PROPOSALS_FILE, type LoadResult } from '../core/definitions';
import { findProgramOnPath } from '../core/hostEnvironment';
import { hostFolderFor } from '../core/pathMapping';
import type { HostFacts } from '../core/resolve';

const MAX_PROPOSALS_BYTES = 256 * 1024;

export class WorkspaceContext {
  constructor(
    private readonly runsOn: 'host' | 'remote',
    private readonly hostEnvironment: () => NodeJS.ProcessEnv,
  ) {}

  folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  identity(): string {
    return this.folder()?.uri.toString() ?? vscode.workspace.workspaceFile?.toString() ?? '(no folder)';
  }

  label(): string {
    return this.folder()?.name ?? vscode.workspace.name ?? 'this window';
  }

  isTrusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  async proposals(): Promise<LoadResult> {
    const folder = this.folder();
    if (!folder) return { definitions: [], warnings: [] };
    const uri = vscode.Uri.joinPath(folder.uri, PROPOSALS_FILE);
    let bytes: Uint8Array;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_PROPOSALS_BYTES) {
        return { definitions: [], warnings: [`${PROPOSALS_FILE} is larger than ${MAX_PROPOSALS_BYTES / 1024} KiB; ignored`] };
      }
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      return { definitions: [], warnings: [] };
    }
    return loadProposedDefinitions(new TextDecoder('utf-8').decode(bytes));
  }

  async hostFacts(): Promise<HostFacts> {
    const env = this.hostEnvironment();
    const folder = this.folder();
    const mapped = folder
      ? hostFolderFor(
          { scheme: folder.uri.scheme, authority: folder.uri.authority, path: folder.uri.path, fsPath: folder.uri.scheme === 'file' ? folder.uri.fsPath : undefined },
          { bridgeRunsRemote: this.runsOn === 'remote', hostPlatform: process.platform },
        )
      : ({ ok: false, reason: 'no folder is open in this window' } as const);
    return {
      platform: process.platform,
      userHome: os.homedir(),
      folder: mapped.ok ? { ok: true, paths: mapped.mapping } : { ok: false, reason: mapped.reason },
      findProgram: (name) => findProgramOnPath(name, env),
      realPath: (hostPath) => {
        try {
          return fs.realpathSync.native(hostPath);
        } catch {
          return undefined;
        }
      },
      isFile: (hostPath) => {
        try {
          return fs.statSync(hostPath).isFile();
        } catch {
          return false;
        }
      },
    };
  }
}
