// What in a command line lets the workspace decide what runs, beyond the files it names: code written
// into an argument (`sh -c "…"`, `python -c "…"`), and tools that read their configuration, scripts or
// hooks from the folder they work in (git, make, npm, …). An approval of the command line cannot cover
// either, because the workspace can change them after the user answered.
//
// The checks lean towards "yes": a false alarm only means a proposal is asked about every time, a miss
// means a changed script runs without asking. So every argument counts as a possible program (wrappers
// such as env, nice, setarch or unshare need no list), and a code flag counts wherever it appears.

/** The program's name without folder or Windows extension, lower-cased: "/usr/bin/Python3.exe" → "python3". */
export function programName(programPath: string): string {
  const base = programPath.split(/[\\/]/).pop() ?? programPath;
  return base.replace(/\.(exe|cmd|bat|com)$/i, '').toLowerCase();
}

const SHELLS = new Set(['sh', 'bash', 'rbash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'tcsh', 'csh', 'elvish', 'nu', 'xonsh', 'busybox', 'toybox', 'script']);
/** For each family, the flags that take code (or, for python -m, a module found first in the working directory). */
const CODE_FLAGS: Record<string, RegExp> = {
  shell: /^-[A-Za-z]*c[A-Za-z]*$/, // -c, -ec, -lc, script -qc
  python: /^-[A-Za-z]*[cm]$/,
  node: /^(-[A-Za-z]*[ep]|--(eval|print)(=.*)?)$/,
  deno: /^(eval|task)$/,
  bun: /^(-e|--eval|run)$/,
  perl: /^-[A-Za-z]*[eE]$/,
  ruby: /^-[A-Za-z]*e$/,
  php: /^-r$/,
  osascript: /^-e$/,
  lua: /^-e$/,
  rscript: /^(-e|--expr)$/,
  julia: /^(-e|--eval|-E|--print)$/,
  pwsh: /^-(c|command|encodedcommand|ec)$/i,
  cmd: /^\/[ck]$/i,
  vim: /^(-c|--cmd|\+.+|-S)$/,
  gdb: /^(-ex|-x|-ix|--eval-command(=.*)?|--command(=.*)?)$/,
};

function family(name: string): string | undefined {
  if (SHELLS.has(name)) return 'shell';
  const base = /^(python|pypy|perl|ruby|nodejs|node|php|lua|julia)[\d.]*$/.exec(name)?.[1] ?? name;
  if (base === 'nodejs') return 'node';
  if (base === 'pypy') return 'python';
  if (base === 'powershell') return 'pwsh';
  if (['vi', 'nvim', 'ex', 'view'].includes(base)) return 'vim';
  return Object.hasOwn(CODE_FLAGS, base) ? base : undefined;
}

/** Tools whose first operand is a program in their own language, unless they read it from a file (-f). */
const PROGRAM_TEXT_TOOLS = new Set(['awk', 'gawk', 'mawk', 'nawk', 'sed', 'gsed']);
/** find runs the command after these, for every file it finds. */
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** An argument that is a whole command line ("sh -c …" for `env -S`): its first word is the program. */
function firstWord(arg: string): string {
  return arg.trim().split(/\s+/)[0] ?? '';
}

/**
 * Where the command passes code inline: the interpreter, the flag as written and the index of the code
 * argument (args.length when there is none to point at), or undefined.
 */
export function inlineCode(programPath: string, args: readonly string[]): { interpreter: string; flag: string; codeIndex: number } | undefined {
  const candidates = [programPath, ...args];
  for (const [position, candidate] of candidates.entries()) {
    const rest = args.slice(position);
    const name = programName(candidate);
    if (/\s/.test(candidate.trim()) && position > 0 && family(programName(firstWord(candidate))) !== undefined) {
      return { interpreter: firstWord(candidate), flag: '(a command line in one argument)', codeIndex: position - 1 };
    }
    if (PROGRAM_TEXT_TOOLS.has(name) && !rest.some((arg) => /^(-f|--file)(=|$)/.test(arg) || /^-[A-Za-z]*f$/.test(arg))) {
      const operand = rest.findIndex((arg) => !arg.startsWith('-'));
      return { interpreter: candidate, flag: '(program text)', codeIndex: operand < 0 ? args.length : position + operand };
    }
    if (name === 'find') {
      const exec = rest.findIndex((arg) => FIND_EXEC.has(arg));
      if (exec >= 0) return { interpreter: candidate, flag: rest[exec]!, codeIndex: position + exec + 1 };
    }
    const kind = family(name);
    if (kind === undefined) continue;
    const flag = rest.findIndex((arg) => CODE_FLAGS[kind]!.test(arg));
    if (flag >= 0) return { interpreter: candidate, flag: rest[flag]!, codeIndex: position + flag + 1 };
  }
  return undefined;
}

/** Tools that run what the folder's own files tell them to, with what those files are. */
const CONFIGURED_BY_FOLDER: Record<string, string> = {
  git: 'its configuration and hooks (.git/config, .git/hooks), which can name programs to run',
  hg: 'its configuration and hooks (.hg/hgrc)',
  gh: 'the repository\'s git configuration',
  make: 'the Makefile',
  gmake: 'the Makefile',
  cmake: 'the CMake files',
  ninja: 'build.ninja',
  meson: 'the meson.build files',
  npm: 'package.json scripts and .npmrc',
  npx: 'package.json and the project\'s node_modules',
  pnpm: 'package.json scripts and .npmrc',
  yarn: 'package.json scripts and .yarnrc',
  corepack: 'package.json',
  bun: 'package.json scripts and bunfig.toml',
  deno: 'deno.json tasks',
  cargo: 'Cargo.toml and build scripts',
  go: 'go.mod and the project\'s code',
  mvn: 'pom.xml and its plugins',
  gradle: 'the Gradle build scripts',
  gradlew: 'the Gradle build scripts',
  bundle: 'the Gemfile',
  rake: 'the Rakefile',
  just: 'the justfile',
  task: 'the Taskfile',
  pip: 'the project\'s setup files when installing from the folder',
  pip3: 'the project\'s setup files when installing from the folder',
  pytest: 'conftest.py and the project\'s configuration',
  tox: 'tox.ini',
  nox: 'noxfile.py',
  'docker-compose': 'the compose file',
  'podman-compose': 'the compose file',
  dotnet: 'the project files and their MSBuild targets',
  msbuild: 'the project files and their MSBuild targets',
  composer: 'composer.json scripts',
  terraform: 'the .tf files and the providers they name',
  tofu: 'the .tf files and the providers they name',
  'ansible-playbook': 'the playbook and ansible.cfg',
  ansible: 'ansible.cfg',
  'sphinx-build': 'conf.py',
  latexmk: 'latexmkrc',
  vagrant: 'the Vagrantfile',
  swift: 'Package.swift',
  zig: 'build.zig',
  bazel: 'the BUILD files and .bazelrc',
  bazelisk: 'the BUILD files and .bazelrc',
  buck2: 'the BUCK files',
  sbt: 'build.sbt',
  mix: 'mix.exs',
  'pre-commit': '.pre-commit-config.yaml',
  jest: 'its configuration and the tests',
  vitest: 'its configuration and the tests',
  mocha: 'its configuration and the tests',
  eslint: 'its configuration and plugins',
  prettier: 'its configuration and plugins',
  tsc: 'tsconfig.json and the plugins it names',
  tsx: 'tsconfig.json',
  'ts-node': 'tsconfig.json',
  webpack: 'webpack.config.js',
  vite: 'vite.config.*',
  poetry: 'pyproject.toml',
  uv: 'pyproject.toml',
  pdm: 'pyproject.toml',
  hatch: 'pyproject.toml',
  pipenv: 'the Pipfile',
  invoke: 'tasks.py',
  fab: 'fabfile.py',
  scons: 'the SConstruct file',
  waf: 'the wscript file',
  rebar3: 'rebar.config',
  stack: 'stack.yaml and the Cabal files',
  cabal: 'the Cabal files',
  lein: 'project.clj',
  clj: 'deps.edn',
  helm: 'the chart\'s templates and hooks',
  skaffold: 'skaffold.yaml',
  tilt: 'the Tiltfile',
  earthly: 'the Earthfile',
  nix: 'the Nix files',
  'nix-build': 'the Nix files',
  'nix-shell': 'shell.nix',
  direnv: '.envrc',
};
/** Container tools that take their orders from the command line, except when they build or compose. */
const CONTAINER_TOOLS = new Set(['docker', 'podman', 'nerdctl']);
const BUILDING = new Set(['compose', 'build', 'buildx', 'builder', 'bake', 'stack']);

/** The tool and what it reads from the folder it works in, when the command runs such a tool. */
export function folderConfiguration(programPath: string, args: readonly string[]): { tool: string; reads: string } | undefined {
  const candidates = [programPath, ...args];
  for (const [position, candidate] of candidates.entries()) {
    // A whole command line in one argument (`env -S "make test"`) counts by its first word.
    const tool = programName(/\s/.test(candidate.trim()) ? firstWord(candidate) : candidate);
    if (Object.hasOwn(CONFIGURED_BY_FOLDER, tool)) return { tool, reads: CONFIGURED_BY_FOLDER[tool]! };
    if (tool.startsWith('git-')) return { tool, reads: CONFIGURED_BY_FOLDER.git! };
    if (CONTAINER_TOOLS.has(tool)) {
      const building = args.slice(position).find((arg) => BUILDING.has(arg));
      if (building) return { tool: `${tool} ${building}`, reads: 'the compose file, Dockerfiles and the build context' };
    }
  }
  return undefined;
}
