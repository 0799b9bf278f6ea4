// Where does the folder of a remote window live on the machine the bridge runs on?
//
// The answer is hidden in the remote authority (`vscode-remote://AUTHORITY/path`). Its format belongs to
// each remote extension, is undocumented and has changed shape before, so everything here is defensive:
// unknown or damaged input yields `noHostPath` with a reason a user can act on, and nothing throws.
//
// Shapes seen in public bug reports and tools (see test/unit/remoteAuthority.test.ts for the sources):
//   dev-container+<hex>            hex = UTF-8 of a raw host path (older) or of JSON {"hostPath": ...}
//   dev-container+<hex>@<parent>   nested: the container runs behind another remote (ssh-remote, wsl, tunnel)
//   dev-container+<hex of {"repositoryPath","volumeName",...}>   a clone in a container volume
//   attached-container+<hex>       JSON {"containerName": ...}, no host folder
//   wsl+<distro>, ssh-remote+<host or hex JSON>, codespaces+<name>, tunnel+<name>, k8s-container+k=v+...

export type HostFolderInfo =
  /** No remote: workspace paths are host paths. */
  | { kind: 'local' }
  /** A dev container whose workspace is a folder of this machine. */
  | { kind: 'devContainer'; hostPath: string; configFile?: string }
  /** A WSL window: the host sees the folder as \\wsl.localhost\<distro>\<linux path>. */
  | { kind: 'wsl'; distro: string }
  /** The folder has no copy on this machine, or the authority could not be read. */
  | { kind: 'noHostPath'; remote: string; reason: string };

/** Longest host path we accept; real ones are far shorter, longer ones are damage or an attack. */
export const MAX_HOST_PATH_LENGTH = 4096;
/** A real authority is well under 2 KB (hex doubles the JSON); refuse to decode megabytes. */
const MAX_AUTHORITY_LENGTH = 64 * 1024;

// WSL distro names as `wsl --install`/`--import` create them. Anything else could smuggle separators into
// the \\wsl.localhost\<distro> path we build from it.
const WSL_DISTRO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function parseRemoteAuthority(authority: string | undefined): HostFolderInfo {
  if (authority === undefined || authority === '') return { kind: 'local' };
  if (typeof authority !== 'string') return malformed('', 'the remote authority is not a string');
  if (authority.length > MAX_AUTHORITY_LENGTH) return malformed('', 'the remote authority is implausibly long');

  const { kind, rest } = splitKind(authority);
  switch (kind) {
    case 'dev-container':
      return parseDevContainer(rest);
    case 'wsl':
      return WSL_DISTRO.test(rest)
        ? { kind: 'wsl', distro: rest }
        : malformed(kind, 'the WSL distribution name in the remote authority is missing or invalid');
    default:
      return { kind: 'noHostPath', remote: safeLabel(kind), reason: `the host has no copy of this folder: ${whereItLives(kind, rest)}` };
  }
}

/** `kind+rest`; a URI that was never decoded may still spell the `+` as `%2B`. */
function splitKind(authority: string): { kind: string; rest: string } {
  let text = authority;
  if (!text.includes('+') && /%2b/i.test(text)) text = text.replace(/%2b/gi, '+');
  const plus = text.indexOf('+');
  return plus < 0 ? { kind: text.toLowerCase(), rest: '' } : { kind: text.slice(0, plus).toLowerCase(), rest: text.slice(plus + 1) };
}

/** Human description of where a remote folder lives, for reasons shown to the user. */
function whereItLives(kind: string, rest: string): string {
  switch (kind) {
    case 'ssh-remote':
      return `it lives only on the SSH remote ${sshHostLabel(rest)}`;
    case 'attached-container':
      return 'this window is attached to a running container, and which host folder (if any) it mounts is unknown';
    case 'codespaces':
      return 'it lives only in a GitHub Codespace in the cloud';
    case 'tunnel':
      return `it lives only on the machine behind the remote tunnel ${quote(rest)}`;
    case 'k8s-container':
      return 'it lives only in a Kubernetes pod';
    default:
      return `the remote kind ${quote(kind)} is not one the bridge knows how to map`;
  }
}

function parseDevContainer(rest: string): HostFolderInfo {
  const remote = 'dev-container';
  // Hex never contains '@', so the first '@' separates the container from the remote it runs behind.
  const at = rest.indexOf('@');
  const hex = at < 0 ? rest : rest.slice(0, at);
  const parent = at < 0 ? undefined : splitKind(rest.slice(at + 1));

  const text = decodeHex(hex);
  if (text === undefined) return malformed(remote, 'the dev container authority is not valid hex-encoded UTF-8');

  let hostPath: unknown = text;
  let configFile: string | undefined;
  if (text.startsWith('{')) {
    const payload = parseJsonObject(text);
    if (payload === undefined) return malformed(remote, 'the dev container authority holds JSON that cannot be read');
    if (!('hostPath' in payload)) {
      if ('volumeName' in payload || 'repositoryPath' in payload) {
        return noHost(remote, 'the repository was cloned into a container volume, so the host has no copy of this folder');
      }
      return malformed(remote, 'the dev container authority names no host folder (no "hostPath")');
    }
    hostPath = payload.hostPath;
    const dockerHost = isRecord(payload.settings) ? payload.settings.host : undefined;
    if (typeof dockerHost === 'string' && !isLocalDockerHost(dockerHost)) {
      return noHost(remote, `the container runs on the Docker host ${quote(dockerHost)}, so its workspace is not this machine's folder`);
    }
    configFile = configFilePath(payload.configFile);
  }

  const problem = hostPathProblem(hostPath);
  if (problem !== undefined) return malformed(remote, problem);
  const folder = hostPath as string;

  if (parent?.kind === 'wsl') {
    // A container started from inside a WSL distro: a Linux host path is inside that distro.
    if (!WSL_DISTRO.test(parent.rest)) return malformed(remote, 'the WSL distribution name in the remote authority is missing or invalid');
    const hostFolder = folder.startsWith('/') ? wslUncPath(parent.rest, folder) : folder;
    return withConfig({ kind: 'devContainer', hostPath: hostFolder }, configFile);
  }
  if (parent !== undefined) {
    // The host path belongs to the machine behind the parent remote, not to the machine the bridge runs on.
    return noHost(remote, `the host has no copy of this folder: the dev container runs behind another remote, and ${whereItLives(parent.kind, parent.rest)}`);
  }
  return withConfig({ kind: 'devContainer', hostPath: folder }, configFile);
}

/** \\wsl.localhost\<distro>\<linux path with backslashes>, how Windows sees a path inside a distro. */
export function wslUncPath(distro: string, linuxPath: string): string {
  return `\\\\wsl.localhost\\${distro}${linuxPath.replace(/\//g, '\\')}`;
}

/** Why a decoded host path is unusable, or undefined when it is an absolute path of some OS. */
export function hostPathProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'the host folder in the dev container authority is not a string';
  if (value === '') return 'the host folder in the dev container authority is empty';
  if (value.length > MAX_HOST_PATH_LENGTH) return 'the host folder in the dev container authority is implausibly long';
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'the host folder in the dev container authority contains control characters';
  if (!isAbsoluteHostPath(value)) return `the host folder ${quote(value)} in the dev container authority is not an absolute path`;
  return undefined;
}

/** POSIX `/x`, Windows `C:\x` or `C:/x`, or UNC `\\server\share`. Drive-relative `C:x` is not absolute. */
export function isAbsoluteHostPath(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || /^\\\\[^\\/]+[\\/][^\\/]+/.test(value);
}

/** Hex of UTF-8, strictly: odd length, non-hex digits and invalid UTF-8 all fail. */
function decodeHex(hex: string): string | undefined {
  if (hex === '' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(hex, 'hex'));
  } catch {
    return undefined;
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Docker daemon answers on this machine (socket or named pipe); `ssh://` and `tcp://` point elsewhere. */
function isLocalDockerHost(host: string): boolean {
  return /^(unix|npipe):\/\//i.test(host);
}

/** configFile is a serialized URI ({ $mid, fsPath?, path, scheme }); informational only, so be lenient. */
function configFilePath(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const candidate = typeof value.fsPath === 'string' ? value.fsPath : value.path;
  return typeof candidate === 'string' && hostPathProblem(candidate) === undefined ? candidate : undefined;
}

function withConfig(info: { kind: 'devContainer'; hostPath: string }, configFile: string | undefined): HostFolderInfo {
  return configFile === undefined ? info : { ...info, configFile };
}

function sshHostLabel(rest: string): string {
  // Newer Remote-SSH versions hex-encode {"hostName": "...", "user": "..."}; older ones use the host as typed.
  const text = decodeHex(rest);
  const payload = text?.startsWith('{') ? parseJsonObject(text) : undefined;
  if (payload !== undefined && typeof payload.hostName === 'string') return quote(payload.hostName);
  return quote(rest);
}

function noHost(remote: string, reason: string): HostFolderInfo {
  return { kind: 'noHostPath', remote, reason };
}

function malformed(remote: string, reason: string): HostFolderInfo {
  return { kind: 'noHostPath', remote: safeLabel(remote), reason: `${reason}, so the host folder is unknown` };
}

/** Authority text ends up in messages: keep it short and printable. */
function safeLabel(text: string): string {
  // eslint-disable-next-line no-control-regex -- strip control characters from untrusted text
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}

function quote(text: string): string {
  return `"${safeLabel(text)}"`;
}
