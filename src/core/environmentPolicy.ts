// Which environment additions a workspace proposal may make. Anything that changes which program runs
// or injects code into an interpreter, loader or shell is refused: with it, an approved "npm test"
// could run anything. The host user's own definitions may set what they like.

const EXACT = new Set(
  [
    'PATH', 'PATHEXT', 'HOME', 'USERPROFILE', 'SHELL', 'COMSPEC', 'IFS', 'ENV', 'BASH_ENV', 'ZDOTDIR',
    'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'CDPATH', 'GLOBIGNORE',
    'NODE_OPTIONS', 'NODE_PATH', 'NODE_REPL_EXTERNAL_MODULE', 'ELECTRON_RUN_AS_NODE',
    'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PYTHONUSERBASE', 'PYTHONINSPECT', 'PYTHONBREAKPOINT',
    'PERL5LIB', 'PERLLIB', 'PERL5OPT', 'PERL5DB', 'RUBYLIB', 'RUBYOPT', 'GEM_HOME', 'GEM_PATH',
    'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'CLASSPATH', 'MAVEN_OPTS', 'GRADLE_OPTS',
    'DOTNET_STARTUP_HOOKS', 'CORECLR_PROFILER', 'CORECLR_PROFILER_PATH', 'CORECLR_ENABLE_PROFILING',
    'GCONV_PATH', 'LOCPATH', 'HOSTALIASES', 'RES_OPTIONS', 'NLSPATH', 'TMPDIR', 'TEMP', 'TMP',
    'EDITOR', 'VISUAL', 'PAGER', 'MANPAGER', 'LESSOPEN', 'LESSCLOSE', 'BROWSER', 'SUDO_ASKPASS', 'SSH_ASKPASS',
    'SSH_AUTH_SOCK', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_EXEC_PATH', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_PAGER', 'GIT_ASKPASS',
    'GIT_EXTERNAL_DIFF', 'GIT_PROXY_COMMAND', 'GIT_TEMPLATE_DIR', 'GIT_DIR', 'GIT_WORK_TREE',
    'RUSTC_WRAPPER', 'RUSTC_WORKSPACE_WRAPPER', 'RUSTC', 'CARGO_HOME', 'CC', 'CXX', 'LD', 'MAKEFLAGS', 'GOFLAGS', 'GOROOT',
    'PHPRC', 'PHP_INI_SCAN_DIR', 'LUA_INIT', 'LUA_PATH', 'LUA_CPATH', 'TCLLIBPATH', 'R_PROFILE', 'R_PROFILE_USER',
    'COMPOSER_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_DIRS', 'XDG_DATA_DIRS', 'SYSTEMROOT', 'WINDIR',
    // Configuration that names programs or libraries to load: engines, credential helpers, exec plugins, compiler plugins.
    'OPENSSL_CONF', 'OPENSSL_ENGINES', 'OPENSSL_MODULES', 'KUBECONFIG', 'DOCKER_CONFIG', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
    'GOENV', 'GOTOOLCHAIN', 'RUSTFLAGS', 'RUSTDOCFLAGS', 'CFLAGS', 'CXXFLAGS', 'CPPFLAGS', 'LDFLAGS', 'CGO_CFLAGS', 'CGO_LDFLAGS',
  ].map((name) => name.toUpperCase()),
);

/** Name families: dynamic loaders (LD_*, DYLD_*), runtime hooks (COMPlus_*, DOTNET_*), git, npm and cargo config injection, malloc hooks. */
const PREFIXES = ['LD_', 'DYLD_', 'COMPLUS_', 'DOTNET_', 'GIT_CONFIG', 'NPM_CONFIG_', 'YARN_', 'PIP_', 'CARGO_', 'MALLOC_', 'BASH_FUNC_', 'PYTHON', 'NODE_', 'JAVA_', 'JDK_', 'PERL', 'RUBY', '__'];

/** The reason a proposal may not set this variable, or undefined when it may. Case-insensitive: Windows names are. */
export function refusedEnvironmentName(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (EXACT.has(upper)) return 'it changes which program runs or what it loads';
  const prefix = PREFIXES.find((candidate) => upper.startsWith(candidate));
  if (prefix) return `${prefix}* variables can inject code into the program or its loader`;
  return undefined;
}

/** The host process environment: the host's own, plus the definition's additions. The container's never reaches it. */
export function buildChildEnvironment(hostEnv: NodeJS.ProcessEnv, additions: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(hostEnv)) {
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(additions)) env[name] = value;
  return env;
}
