import assert from 'node:assert/strict';
import { buildChildEnvironment, refusedEnvironmentName } from '../../src/core/environmentPolicy';

describe('refusedEnvironmentName', () => {
  const refusedExact = [
    'PATH', 'PATHEXT', 'HOME', 'SHELL', 'COMSPEC', 'IFS', 'ENV', 'BASH_ENV', 'ZDOTDIR', 'PROMPT_COMMAND',
    'NODE_OPTIONS', 'NODE_PATH', 'ELECTRON_RUN_AS_NODE', 'PYTHONPATH', 'PYTHONSTARTUP', 'PERL5OPT', 'RUBYOPT',
    'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'CLASSPATH', 'DOTNET_STARTUP_HOOKS', 'CORECLR_PROFILER_PATH',
    'GCONV_PATH', 'TMPDIR', 'EDITOR', 'PAGER', 'GIT_SSH_COMMAND', 'GIT_EXEC_PATH', 'GIT_DIR', 'RUSTC_WRAPPER',
    'CC', 'MAKEFLAGS', 'SSH_AUTH_SOCK', 'XDG_CONFIG_HOME', 'SYSTEMROOT',
    // Siblings of refused names that run a program just the same.
    'RUSTC_WORKSPACE_WRAPPER', 'GIT_SEQUENCE_EDITOR', 'MANPAGER',
    // Configuration that names a program or library to load (engines, credential helpers, exec plugins, compiler plugins).
    'OPENSSL_CONF', 'KUBECONFIG', 'DOCKER_CONFIG', 'AWS_CONFIG_FILE', 'GOENV', 'RUSTFLAGS', 'CFLAGS', 'LDFLAGS',
  ];
  for (const name of refusedExact) {
    it(`refuses ${name}`, () => {
      const reason = refusedEnvironmentName(name);
      assert.ok(reason, `${name} was allowed`);
      assert.match(reason, /changes which program runs/, reason);
    });
  }

  it('is case-insensitive, as Windows environment names are', () => {
    for (const name of ['path', 'Path', 'pAtH', 'node_options', 'Ld_Preload', 'dyld_insert_libraries', 'ComSpec', 'SystemRoot', 'home']) {
      assert.ok(refusedEnvironmentName(name), `${name} was allowed`);
    }
  });

  const refusedByPrefix: Array<[string, string]> = [
    ['LD_PRELOAD', 'LD_'],
    ['LD_LIBRARY_PATH', 'LD_'],
    ['LD_AUDIT', 'LD_'],
    ['DYLD_INSERT_LIBRARIES', 'DYLD_'],
    ['DYLD_LIBRARY_PATH', 'DYLD_'],
    ['COMPlus_EnableDiagnostics', 'COMPLUS_'],
    ['DOTNET_ADDITIONAL_DEPS', 'DOTNET_'],
    ['GIT_CONFIG_COUNT', 'GIT_CONFIG'],
    ['GIT_CONFIG_KEY_0', 'GIT_CONFIG'],
    ['GIT_CONFIG_PARAMETERS', 'GIT_CONFIG'],
    ['npm_config_script_shell', 'NPM_CONFIG_'],
    ['MALLOC_CHECK_', 'MALLOC_'],
    ['BASH_FUNC_ls%%', 'BASH_FUNC_'],
    ['PYTHONWARNINGS', 'PYTHON'],
    ['NODE_EXTRA_CA_CERTS', 'NODE_'],
    ['JAVA_HOME', 'JAVA_'],
    ['PERL_MB_OPT', 'PERL'],
    ['RUBY_GC_HEAP_INIT_SLOTS', 'RUBY'],
    ['__COMPAT_LAYER', '__'],
    ['CARGO_BUILD_RUSTC_WRAPPER', 'CARGO_'],
    ['CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER', 'CARGO_'],
    ['YARN_YARN_PATH', 'YARN_'],
    ['PIP_CONFIG_FILE', 'PIP_'],
  ];
  for (const [name, prefix] of refusedByPrefix) {
    it(`refuses ${name} (${prefix}*)`, () => {
      const reason = refusedEnvironmentName(name);
      assert.ok(reason, `${name} was allowed`);
      assert.ok(reason.includes(`${prefix}*`), reason);
      assert.match(reason, /can inject code/, reason);
    });
  }

  it('allows ordinary names', () => {
    for (const name of ['FOO', 'MY_TOKEN_NAME', 'CI', 'DEBUG', 'RUST_LOG', 'LANG', 'TZ', 'APP_ENV', 'FORCE_COLOR', 'NO_COLOR', 'DOCKER_BUILDKIT', 'LOGLEVEL', 'BUILD_ID', 'X', '_X']) {
      assert.equal(refusedEnvironmentName(name), undefined, name);
    }
  });

  it('does not refuse names that merely contain a refused name', () => {
    for (const name of ['MY_PATH', 'XPATH', 'OLD_LD_PRELOAD', 'MY_NODE_OPTIONS', 'HOMEPAGE_URL', 'CCACHE_DIR_X']) {
      assert.equal(refusedEnvironmentName(name), undefined, name);
    }
  });
});

describe('buildChildEnvironment', () => {
  it('is the host environment plus the additions, and nothing else', () => {
    const host = { PATH: '/usr/bin:/bin', HOME: '/home/me', LANG: 'en_US.UTF-8' };
    const env = buildChildEnvironment(host, { CI: '1', FOO: 'bar' });
    assert.deepEqual({ ...env }, { PATH: '/usr/bin:/bin', HOME: '/home/me', LANG: 'en_US.UTF-8', CI: '1', FOO: 'bar' });
  });

  it('additions override host values of the same name', () => {
    assert.deepEqual({ ...buildChildEnvironment({ FOO: 'host', BAR: 'keep' }, { FOO: 'definition' }) }, { FOO: 'definition', BAR: 'keep' });
  });

  it('drops undefined host entries', () => {
    const env = buildChildEnvironment({ A: 'a', B: undefined }, {});
    assert.deepEqual(Object.keys(env), ['A']);
  });

  it('does not modify its inputs', () => {
    const host = { A: 'a' };
    const additions = { B: 'b' };
    buildChildEnvironment(host, additions);
    assert.deepEqual(host, { A: 'a' });
    assert.deepEqual(additions, { B: 'b' });
  });

  it('takes nothing from process.env when given another host environment', () => {
    const env = buildChildEnvironment({ ONLY: 'this' }, {});
    assert.deepEqual(Object.keys(env), ['ONLY']);
  });

  it('has a null prototype, so names like "constructor" are ordinary entries', () => {
    const env = buildChildEnvironment({}, { constructor: 'x' });
    assert.equal(Object.getPrototypeOf(env), null);
    assert.equal(env.constructor, 'x');
    assert.equal(buildChildEnvironment({}, {}).toString, undefined);
  });
});
