// What in a command line lets the workspace decide what runs, beyond the files it names: code written
// into an argument (`sh -c "…"`, `python -c "…"`), and tools that read their configuration, scripts or
// hooks from the folder they work in (git, make, npm, …). An approval of the command line cannot cover
// either, because the workspace can change them after the user answered.

/** The program's name without folder or Windows extension, lower-cased: "/usr/bin/Python3.exe" → "python3". */
export function programName(programPath: string): string {
  const base = programPath.split(/[\\/]/).pop() ?? programPath;
  return base.replace(/\.(exe|cmd|bat|com)$/i, '').toLowerCase();
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'tcsh', 'csh', 'elvish', 'nu', 'xonsh']);
const INTERPRETERS: Record<string, RegExp> = {
  python: /^-[A-Za-z]*[cm]$/, // -c code, -m a module (found first in the working directory)
  node: /^(-e|-p|--eval|--print)$/,
  deno: /^eval$/,
  bun: /^(-e|--eval)$/,
  perl: /^-[A-Za-z]*[eE]$/,
  ruby: /^-[A-Za-z]*e$/,
  php: /^-r$/,
  osascript: /^-e$/,
  lua: /^-e$/,
  rscript: /^(-e|--expr)$/,
  julia: /^(-e|--eval|-E|--print)$/,
  pwsh: /^-(c|command|encodedcommand|ec)$/i,
  powershell: /^-(c|command|encodedcommand|ec)$/i,
  cmd: /^\/[ck]$/i,
};

function interpreterFlag(name: string): RegExp | undefined {
  if (SHELLS.has(name)) return /^-[A-Za-z]*c[A-Za-z]*$/; // -c, -ec, -xc, -lc
  // python3, python3.12, perl5.36, ruby3.2 …
  const family = /^(python|perl|ruby|node|php)[\d.]*$/.exec(name)?.[1] ?? name;
  return Object.hasOwn(INTERPRETERS, family) ? INTERPRETERS[family] : undefined;
}

/** Programs that run the program named in their arguments: `env sh -c …` is still `sh -c …`. */
const WRAPPERS = new Set(['busybox', 'env', 'nice', 'nohup', 'timeout', 'time', 'stdbuf', 'ionice', 'setsid', 'sudo', 'doas', 'xargs', 'command', 'exec', 'caffeinate', 'chrt', 'taskset', 'flock', 'watch', 'strace', 'ltrace', 'unbuffer', 'start']);

/** Each place in the command line that may be the program that really runs: the program, and behind a wrapper every argument. */
function programPositions(programPath: string, args: readonly string[]): number[] {
  return WRAPPERS.has(programName(programPath)) ? [-1, ...args.keys()] : [-1];
}

/**
 * Where the command passes code inline: the flag as written and the index of the code argument, or undefined.
 * Only flags before the interpreter's first non-option argument count (after it they belong to the script).
 */
/** Tools whose first operand is a program in their own language, unless they read it from a file (-f). */
const PROGRAM_TEXT_TOOLS = new Set(['awk', 'gawk', 'mawk', 'nawk', 'busybox-awk', 'sed', 'gsed']);
/** find runs the command after these, for every file it finds. */
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

export function inlineCode(programPath: string, args: readonly string[]): { interpreter: string; flag: string; codeIndex: number } | undefined {
  for (const position of programPositions(programPath, args)) {
    const interpreter = position < 0 ? programPath : args[position]!;
    const name = programName(interpreter);
    const rest = args.slice(position + 1);
    if (PROGRAM_TEXT_TOOLS.has(name) && !rest.some((arg) => /^(-f|--file)(=|$)/.test(arg) || /^-[A-Za-z]*f$/.test(arg))) {
      const operand = rest.findIndex((arg) => !arg.startsWith('-'));
      return { interpreter, flag: '(program text)', codeIndex: operand < 0 ? args.length : position + 1 + operand };
    }
    if (name === 'find') {
      const exec = rest.findIndex((arg) => FIND_EXEC.has(arg));
      if (exec >= 0) return { interpreter, flag: rest[exec]!, codeIndex: position + 2 + exec };
    }
    const flag = interpreterFlag(name);
    if (!flag) continue;
    for (let index = position + 1; index < args.length; index++) {
      const arg = args[index]!;
      if (flag.test(arg)) return { interpreter, flag: arg, codeIndex: index + 1 };
      if (!arg.startsWith('-') && !(name === 'cmd' && arg.startsWith('/'))) break;
    }
  }
  return undefined;
}

/** Tools that run what the folder's own files tell them to, with what those files are. */
const CONFIGURED_BY_FOLDER: Record<string, string> = {
  git: 'its configuration and hooks (.git/config, .git/hooks), which can name programs to run',
  make: 'the Makefile',
  gmake: 'the Makefile',
  npm: 'package.json scripts and .npmrc',
  npx: 'package.json and the project\'s node_modules',
  pnpm: 'package.json scripts and .npmrc',
  yarn: 'package.json scripts and .yarnrc',
  cargo: 'Cargo.toml and build scripts',
  go: 'go.mod and the project\'s code',
  mvn: 'pom.xml and its plugins',
  gradle: 'the Gradle build scripts',
  gradlew: 'the Gradle build scripts',
  bundle: 'the Gemfile',
  rake: 'the Rakefile',
  just: 'the justfile',
  task: 'the Taskfile',
  'docker-compose': 'the compose file',
  tox: 'tox.ini',
  nox: 'noxfile.py',
};

/** The tool and what it reads from the folder it works in, when the command runs such a tool. */
export function folderConfiguration(programPath: string, args: readonly string[]): { tool: string; reads: string } | undefined {
  for (const position of programPositions(programPath, args)) {
    const tool = programName(position < 0 ? programPath : args[position]!);
    if (Object.hasOwn(CONFIGURED_BY_FOLDER, tool)) return { tool, reads: CONFIGURED_BY_FOLDER[tool]! };
    // docker itself takes its orders from the command line, except when it builds or composes.
    const subcommand = args.slice(position + 1).find((arg) => !arg.startsWith('-'));
    if ((tool === 'docker' || tool === 'podman') && (subcommand === 'compose' || subcommand === 'build' || subcommand === 'buildx')) {
      return { tool: `${tool} ${subcommand}`, reads: 'the compose file, Dockerfiles and the build context' };
    }
  }
  return undefined;
}
