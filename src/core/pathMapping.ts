// Translating paths between the workspace folder as the container sees it and the same folder on the host.
//
// The bridge runs commands on the host, but callers speak in container paths (`/workspaces/proj/src`). Only
// paths inside the workspace folder have a host counterpart; anything else is refused rather than guessed,
// because a wrong guess runs a command in the wrong directory. Output goes the other way: host paths in task
// output are rewritten to container paths so problem matchers in the container find the files.
import path from 'node:path';
import { isAbsoluteHostPath, parseRemoteAuthority, wslUncPath } from './remoteAuthority';

export type PathFlavor = 'posix' | 'win32';

export interface FolderMapping {
  /** The workspace folder inside the container (POSIX, absolute, normalized, no trailing slash). */
  containerPath: string;
  /** The same folder on the host, in the host's own flavor. */
  hostPath: string;
  hostFlavor: PathFlavor;
}

export interface FolderUriLike {
  scheme: string;
  authority: string;
  path: string;
  fsPath?: string;
}

export type HostFolderResult = { ok: true; mapping: FolderMapping } | { ok: false; reason: string };

export function hostFolderFor(
  folderUri: FolderUriLike,
  options: { bridgeRunsRemote: boolean; hostPlatform: NodeJS.Platform },
): HostFolderResult {
  const hostFlavor: PathFlavor = options.hostPlatform === 'win32' ? 'win32' : 'posix';
  if (typeof folderUri.path !== 'string' || !folderUri.path.startsWith('/')) {
    return { ok: false, reason: 'the workspace folder has no absolute path' };
  }
  const containerPath = trimTrailingSeparator(path.posix.normalize(folderUri.path), 'posix');

  if (folderUri.scheme === 'file') {
    // A local window: there is no container, both sides see the same folder.
    const local = folderUri.fsPath ?? uriPathToFsPath(folderUri.path, hostFlavor);
    return mappingTo(containerPath, local, hostFlavor);
  }
  if (folderUri.scheme !== 'vscode-remote') {
    return { ok: false, reason: `the workspace folder is not on disk (its scheme is "${folderUri.scheme}")` };
  }
  if (options.bridgeRunsRemote) {
    // The bridge shares the remote extension host with the workspace (e.g. code-server): same machine, same path.
    return mappingTo(containerPath, uriPathToFsPath(folderUri.path, hostFlavor), hostFlavor);
  }

  const info = parseRemoteAuthority(folderUri.authority);
  switch (info.kind) {
    case 'local':
      return mappingTo(containerPath, uriPathToFsPath(folderUri.path, hostFlavor), hostFlavor);
    case 'devContainer':
      return mappingTo(containerPath, info.hostPath, hostFlavor);
    case 'wsl':
      if (hostFlavor !== 'win32') return { ok: false, reason: 'a WSL folder only has a host path on Windows' };
      return mappingTo(containerPath, wslUncPath(info.distro, containerPath), hostFlavor);
    case 'noHostPath':
      return { ok: false, reason: info.reason };
  }
}

/** Checks that the host folder is an absolute path of this host's OS before trusting it. */
function mappingTo(containerPath: string, hostPath: string, hostFlavor: PathFlavor): HostFolderResult {
  if (hostPath.includes('\0') || !isAbsoluteHostPath(hostPath)) {
    return { ok: false, reason: `the host folder "${hostPath}" is not an absolute path` };
  }
  const hostLooksWindows = !hostPath.startsWith('/');
  if (hostLooksWindows !== (hostFlavor === 'win32')) {
    // E.g. a Windows path in the authority while the bridge runs on Linux: not a folder of this machine.
    return { ok: false, reason: `the host folder "${hostPath}" is not a ${hostFlavor === 'win32' ? 'Windows' : 'POSIX'} path, but the bridge runs on ${hostFlavor === 'win32' ? 'Windows' : 'a POSIX system'}` };
  }
  const normalized = trimTrailingSeparator(path[hostFlavor].normalize(hostPath), hostFlavor);
  return { ok: true, mapping: { containerPath, hostPath: normalized, hostFlavor } };
}

/** `/c:/Users/me` (a file URI path on Windows) becomes `c:\Users\me`; POSIX paths stay as they are. */
function uriPathToFsPath(uriPath: string, flavor: PathFlavor): string {
  if (flavor === 'posix') return uriPath;
  const withoutSlash = /^\/[A-Za-z]:/.test(uriPath) ? uriPath.slice(1) : uriPath;
  return withoutSlash.replace(/\//g, '\\');
}

/** Drops a trailing separator, but keeps roots (`/`, `C:\`, `\\server\share\`) intact. */
function trimTrailingSeparator(value: string, flavor: PathFlavor): string {
  const p = path[flavor];
  const root = p.parse(value).root;
  let end = value.length;
  while (end > root.length && (value[end - 1] === '/' || (flavor === 'win32' && value[end - 1] === '\\'))) end--;
  return value.slice(0, end);
}

export type ContainerToHostResult = { ok: true; hostPath: string } | { ok: false; reason: string };

/**
 * Maps a container path (absolute, or relative to the workspace folder) to the host.
 * Only the workspace folder and what is inside it have a host counterpart.
 */
export function containerToHost(containerPath: string, mapping: FolderMapping): ContainerToHostResult {
  if (typeof containerPath !== 'string' || containerPath === '') return { ok: false, reason: 'the path is empty' };
  if (containerPath.includes('\0')) return { ok: false, reason: 'the path contains a NUL byte' };
  if (mapping.hostFlavor === 'win32' && containerPath.includes('\\')) {
    // On Linux a backslash is an ordinary character; on a Windows host it would become a separator and
    // could walk out of the folder (`a\..\..`). Such names cannot be mapped faithfully anyway.
    return { ok: false, reason: `"${containerPath}" contains a backslash, which cannot be mapped to a Windows host` };
  }
  // Resolve `.` and `..` the way the container would, before deciding whether the path is inside.
  const resolved = path.posix.resolve(mapping.containerPath, containerPath);
  const rel = path.posix.relative(mapping.containerPath, resolved);
  if (rel === '..' || rel.startsWith('../')) {
    return { ok: false, reason: `"${containerPath}" is outside the workspace folder ${mapping.containerPath}; only paths inside it exist on the host` };
  }
  if (rel === '') return { ok: true, hostPath: mapping.hostPath };

  const host = path[mapping.hostFlavor];
  const hostPath = host.join(mapping.hostPath, ...rel.split('/'));
  // Belt and braces: whatever the host's own path rules make of the segments, the result must stay inside.
  const back = host.relative(mapping.hostPath, hostPath);
  if (back === '' || back === '..' || back.startsWith(`..${host.sep}`) || host.isAbsolute(back)) {
    return { ok: false, reason: `"${containerPath}" does not map to a path inside the host folder ${mapping.hostPath}` };
  }
  return { ok: true, hostPath };
}

/** Maps a host path inside the host folder back to the container; undefined when it is outside. */
export function hostToContainer(hostPath: string, mapping: FolderMapping): string | undefined {
  if (typeof hostPath !== 'string' || hostPath.includes('\0')) return undefined;
  const host = path[mapping.hostFlavor];
  // Only fully qualified paths: `\\foo` or `C:foo` would be resolved against whatever drive/cwd the bridge has.
  if (!isAbsoluteHostPath(hostPath) || hostPath.startsWith('/') !== (mapping.hostFlavor === 'posix')) return undefined;
  // path.win32.relative compares case-insensitively and accepts both separators, as Windows does.
  const rel = host.relative(mapping.hostPath, host.normalize(hostPath));
  if (rel === '') return mapping.containerPath;
  if (rel === '..' || rel.startsWith(`..${host.sep}`) || host.isAbsolute(rel)) return undefined;
  return path.posix.join(mapping.containerPath, rel.split(host.sep).join('/'));
}

// Characters that end a path token in tool output: whitespace, quotes, and what compilers put right after a
// file name (`file:12:5`, `file(12,5)`). None of them can appear in a Windows file name except `(` and `)`.
const STOP = `\\s"'\`<>|:*?()`;
const DELIMITED_BEFORE = `(?<![^${STOP}=,;\\[\\]{}])`;

/**
 * Replaces the host folder at the start of path tokens in `text` with the container folder, so that output
 * like `C:\proj\src\a.ts(3,5): error` reads `/workspaces/proj/src/a.ts(3,5): error` in the container.
 * On a Windows host the match is case-insensitive, accepts either separator, and the rest of the token gets
 * forward slashes. `/workspaces/projX` is not inside `/workspaces/proj`, and neither is a longer path that
 * merely contains the host folder.
 */
export function rewriteHostPathsInText(text: string, mapping: FolderMapping): string {
  const win = mapping.hostFlavor === 'win32';
  const sep = win ? '[\\\\/]' : '/';
  const prefix = win
    ? mapping.hostPath.split(/[\\/]+/).map(escapeRegExp).join(`${sep}+`)
    : escapeRegExp(mapping.hostPath);
  // A root host folder (`/` or `C:\`) already ends in a separator, so the rest must not demand another one.
  const rootPrefix = /[\\/]$/.test(mapping.hostPath);
  const rest = rootPrefix ? `((?:[^${STOP}]*)?)` : `((?:${sep}+[^${STOP}]*)?)`;
  const pattern = new RegExp(`${DELIMITED_BEFORE}${prefix}${rest}(?=$|[${STOP}])`, win ? 'gi' : 'g');
  return text.replace(pattern, (_match, tail: string) => {
    const tailPosix = win ? tail.replace(/[\\/]+/g, '/') : tail;
    if (tailPosix === '' || tailPosix === '/') return mapping.containerPath;
    const relative = tailPosix.replace(/^\/+/, '');
    return mapping.containerPath === '/' ? `/${relative}` : `${mapping.containerPath}/${relative}`;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
