// Turns a definition plus validated parameter values into exactly what will run on the host:
// the absolute program, every argv element, the working directory and the environment additions.
// What the prompt shows is this object, and what runs is this object.
import path from 'node:path';
import { VARIABLE_PATTERN, type CommandDefinition } from './definitions';
import { refusedEnvironmentName } from './environmentPolicy';
import type { ParamValues } from './parameters';
import type { FolderMapping } from './pathMapping';
import { folderConfiguration, inlineCode, programName } from './workspaceCode';

/** The workspace folder as both sides see it. */
export type FolderPaths = FolderMapping;

export interface HostFacts {
  platform: NodeJS.Platform;
  userHome: string;
  /** The workspace folder mapped to the host, or why there is none (SSH remote, volume clone, no folder open). */
  folder: { ok: true; paths: FolderPaths } | { ok: false; reason: string };
  /** Looks a bare program name up on the host's PATH; undefined when not found. */
  findProgram(name: string): string | undefined;
  /** The path with symbolic links resolved, or undefined when it does not exist. */
  realPath?(hostPath: string): string | undefined;
  /** Whether a regular file exists at the path (following symbolic links). */
  isFile?(hostPath: string): boolean;
}

export interface ResolvedCommand {
  id: string;
  origin: CommandDefinition['origin'];
  title: string;
  /** The program as the definition wrote it. */
  program: string;
  /** The absolute host path that will be executed (for a shell command: the command line's program as written). */
  programPath: string;
  args: string[];
  cwd: string;
  envAdditions: Record<string, string>;
  shell: boolean;
  timeoutMs: number | undefined;
  /** Host paths of files inside the workspace that decide what runs (the program, scripts given as arguments). */
  workspaceFiles: string[];
  /** The cwd is the caller's or a proposal's choice: checked again just before the process starts. */
  cwdMustStayInside: boolean;
  /** Set when an argument is code for a shell or interpreter (`sh -c`), e.g. "sh -c": what that code runs is not bound by an approval. */
  inlineCode: string | undefined;
  /** Set when the program is a tool that reads its configuration from the workspace (git, make, npm, …) and works there. */
  workspaceConfiguration: { tool: string; reads: string } | undefined;
}

export type ResolveResult = { ok: true; command: ResolvedCommand } | { ok: false; message: string };

class ResolveError extends Error {}

/** Expands ${…} variables in one string. Unknown variables are an error, not left as literal text. */
function expand(template: string, definition: CommandDefinition, params: ParamValues, host: HostFacts, where: string): string {
  return template.replace(VARIABLE_PATTERN, (_match, name: string) => {
    if (name.startsWith('param:')) {
      const param = name.slice('param:'.length);
      if (!Object.hasOwn(definition.parameters, param)) throw new ResolveError(`${where}: \${${name}} names no declared parameter`);
      if (definition.shell) throw new ResolveError(`${where}: parameters cannot be used in a shell command line`);
      return Object.hasOwn(params, param) ? params[param]! : '';
    }
    switch (name) {
      case 'workspaceFolder':
        return requireFolder(host, where).hostPath;
      case 'containerWorkspaceFolder':
        return requireFolder(host, where).containerPath;
      case 'workspaceFolderBasename':
        return path.posix.basename(requireFolder(host, where).containerPath);
      case 'userHome':
        return host.userHome;
      case 'pathSeparator':
        return host.platform === 'win32' ? '\\' : '/';
      default:
        throw new ResolveError(`${where}: unknown variable \${${name}}`);
    }
  });
}

function requireFolder(host: HostFacts, where: string): FolderPaths {
  if (!host.folder.ok) throw new ResolveError(`${where} needs the workspace folder on the host, but ${host.folder.reason}`);
  return host.folder.paths;
}

/**
 * Why `cwd` is not a place to run, when it really leads outside the workspace folder: the container can
 * turn a folder into a symbolic link to anywhere at any moment, so this is checked where the path leads now.
 */
export function cwdEscape(cwd: string, host: HostFacts): string | undefined {
  if (!host.folder.ok || !host.realPath) return undefined;
  const api = hostPathApi(host);
  const realCwd = host.realPath(cwd);
  if (realCwd === undefined) return `the working directory ${JSON.stringify(cwd)} does not exist on the host`;
  const realFolder = host.realPath(host.folder.paths.hostPath) ?? host.folder.paths.hostPath;
  if (isInside(realCwd, realFolder, api)) return undefined;
  return `cwd ${JSON.stringify(cwd)} leads outside the workspace folder (to ${JSON.stringify(realCwd)}) through a symbolic link`;
}

function hostPathApi(host: HostFacts): typeof path.posix {
  return host.platform === 'win32' ? path.win32 : path.posix;
}

function isInside(child: string, parent: string, api: typeof path.posix): boolean {
  const relative = api.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !api.isAbsolute(relative));
}

/**
 * An argv element whose parameter was not given disappears, so optional flags can be left out. Only a
 * declared parameter of a non-shell command: anything else goes on to expand() and its error.
 */
function isOnlyAbsentParam(template: string, definition: CommandDefinition, params: ParamValues): boolean {
  const match = /^\$\{param:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(template);
  return match !== null && !definition.shell && Object.hasOwn(definition.parameters, match[1]!) && !Object.hasOwn(params, match[1]!);
}

export interface ResolveOptions {
  /** The caller's working directory, already mapped to the host; used when the definition sets no cwd. */
  requestedCwd?: string;
}

export function resolveCommand(definition: CommandDefinition, params: ParamValues, host: HostFacts, options: ResolveOptions = {}): ResolveResult {
  try {
    const api = hostPathApi(host);
    const defaultCwd = options.requestedCwd ?? (host.folder.ok ? host.folder.paths.hostPath : host.userHome);
    const cwd = api.normalize(definition.cwd !== undefined ? expand(definition.cwd, definition, params, host, 'cwd') : defaultCwd);
    if (!api.isAbsolute(cwd)) throw new ResolveError(`cwd must be an absolute host path, got ${JSON.stringify(cwd)}`);
    if (definition.origin === 'workspace' && host.folder.ok && !isInside(cwd, host.folder.paths.hostPath, api)) {
      throw new ResolveError(`cwd ${JSON.stringify(cwd)} is outside the workspace folder; a workspace proposal may only run inside it`);
    }
    // Said before any prompt, rather than after the user agreed to run in a folder that is not there.
    if (host.realPath && host.realPath(cwd) === undefined) throw new ResolveError(`the working directory ${JSON.stringify(cwd)} does not exist on the host`);
    // A cwd the caller chose, or any cwd of a proposal, is in the container's hands: it can turn a folder
    // into a symbolic link to anywhere, so check where the path really leads.
    const callerChoseCwd = definition.cwd === undefined && options.requestedCwd !== undefined;
    const cwdMustStayInside = (definition.origin === 'workspace' || callerChoseCwd) && host.folder.ok;
    const escape = cwdMustStayInside ? cwdEscape(cwd, host) : undefined;
    if (escape) throw new ResolveError(escape);
    if (definition.origin === 'workspace' && !host.folder.ok && definition.cwd !== undefined) {
      // Without the folder on the host there is nothing to check the proposal's cwd against: refuse, do not guess.
      throw new ResolveError(`cwd ${JSON.stringify(cwd)}: a workspace proposal may only run inside the workspace folder, but ${host.folder.reason}`);
    }

    const args = definition.args.flatMap((template, index) =>
      isOnlyAbsentParam(template, definition, params) ? [] : [expand(template, definition, params, host, `args[${index}]`)],
    );

    const envAdditions: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [name, template] of Object.entries(definition.env)) {
      if (definition.origin === 'workspace') {
        const refusal = refusedEnvironmentName(name);
        if (refusal) throw new ResolveError(`env: a workspace proposal may not set ${name}: ${refusal}`);
      }
      envAdditions[name] = expand(template, definition, params, host, `env.${name}`);
    }

    const program = expand(definition.program, definition, params, host, 'program');
    const programPath = definition.shell ? program : locateProgram(program, cwd, host, api);

    const inline = definition.shell ? undefined : inlineCode(programPath, args);
    // Code is not a file name, whatever it looks like.
    const pathArgs = args.filter((_arg, index) => index !== inline?.codeIndex);
    const workspaceFiles: string[] = [];
    let touchesWorkspace = false;
    if (host.folder.ok) {
      touchesWorkspace = isInside(cwd, host.folder.paths.hostPath, api);
      // A script is usually named relative to cwd ("node scripts/build.js"): it decides what runs as much as an
      // absolute one. A bare word counts too when such a file is there ("sh payload"). Environment values can
      // name files the program reads (a config file, a preload), so they count like arguments.
      // An option's value names a file as well as a whole argument does ("--require=./pre.js", "--config=/ws/x").
      const optionValues = pathArgs.flatMap((arg) => /^--?[^=\s]+=([\s\S]+)$/.exec(arg)?.[1] ?? []);
      const named = [...pathArgs, ...optionValues, ...Object.values(envAdditions)];
      const relativeFiles = named
        .filter((arg) => looksLikeRelativeFile(arg, api) || (isPlainWord(arg, api) && host.isFile?.(api.resolve(cwd, arg)) === true))
        .map((arg) => api.resolve(cwd, arg));
      for (const candidate of [programPath, ...named, ...relativeFiles]) {
        if (api.isAbsolute(candidate) && isInside(candidate, host.folder.paths.hostPath, api)) touchesWorkspace = true;
        if (api.isAbsolute(candidate) && isInside(candidate, host.folder.paths.hostPath, api) && candidate !== host.folder.paths.hostPath) {
          workspaceFiles.push(api.normalize(candidate));
        }
      }
    }

    const timeoutMs = definition.timeoutSeconds !== undefined ? Math.round(definition.timeoutSeconds * 1000) : undefined;
    return {
      ok: true,
      command: {
        id: definition.id,
        origin: definition.origin,
        title: definition.title ?? definition.id,
        program: definition.program,
        programPath,
        args,
        cwd,
        envAdditions,
        shell: definition.shell,
        timeoutMs,
        workspaceFiles: [...new Set(workspaceFiles)],
        cwdMustStayInside,
        inlineCode: inline ? `${programName(inline.interpreter)} ${inline.flag}` : undefined,
        workspaceConfiguration: touchesWorkspace ? folderConfiguration(programPath, args) : undefined,
      },
    };
  } catch (error) {
    if (error instanceof ResolveError) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * A relative argument that reads as a file path: it has a separator ("scripts/build.js", "./x.sh") or ends in a
 * file extension ("build.js"). Options, URLs, "key=value" and plain words are left alone.
 */
function isPlainWord(arg: string, api: typeof path.posix): boolean {
  return arg !== '' && arg !== '.' && arg !== '..' && !arg.startsWith('-') && !api.isAbsolute(arg) && !/[:=\0]/.test(arg);
}

function looksLikeRelativeFile(arg: string, api: typeof path.posix): boolean {
  if (arg === '' || arg.startsWith('-') || api.isAbsolute(arg) || /[:=\0]/.test(arg)) return false;
  return arg.includes('/') || (api === path.win32 && arg.includes('\\')) || /\.[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*$/.test(arg);
}

/**
 * The absolute program to execute. A bare name is looked up on the host's PATH now, so the prompt shows
 * the file that will really run; a relative path is made absolute against cwd for the same reason.
 */
function locateProgram(program: string, cwd: string, host: HostFacts, api: typeof path.posix): string {
  if (program.includes('\0')) throw new ResolveError('program contains a NUL character');
  const hasSeparator = program.includes('/') || (host.platform === 'win32' && program.includes('\\'));
  if (!hasSeparator) {
    const found = host.findProgram(program);
    if (!found) throw new ResolveError(`program "${program}" was not found on the host's PATH`);
    return found;
  }
  return api.isAbsolute(program) ? api.normalize(program) : api.resolve(cwd, program);
}
