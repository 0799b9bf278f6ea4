import assert from 'node:assert/strict';
import { KNOWN_VARIABLES, loadProposedDefinitions, loadTrustedDefinitions, trustedDefinitionSchema, type CommandDefinition } from '../../src/core/definitions';
import { validateParams, type ParamValues } from '../../src/core/parameters';
import { parameterSpecs } from '../../src/core/definitions';
import { resolveCommand, type HostFacts, type ResolvedCommand } from '../../src/core/resolve';

const HOST_FOLDER = '/home/me/src/proj';
const CONTAINER_FOLDER = '/workspaces/proj';

const programs: Record<string, string> = { make: '/usr/bin/make', npm: '/usr/local/bin/npm', node: '/usr/local/bin/node' };

function linuxHost(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    platform: 'linux',
    userHome: '/home/me',
    folder: { ok: true, paths: { hostPath: HOST_FOLDER, containerPath: CONTAINER_FOLDER, hostFlavor: 'posix' } },
    findProgram: (name) => programs[name],
    ...overrides,
  };
}

const sshHost = (): HostFacts =>
  linuxHost({ folder: { ok: false, reason: 'the folder is on an SSH remote, which has no host path for it' } });

function winHost(): HostFacts {
  return {
    platform: 'win32',
    userHome: 'C:\\Users\\me',
    folder: { ok: true, paths: { hostPath: 'C:\\Users\\me\\proj', containerPath: CONTAINER_FOLDER, hostFlavor: 'win32' } },
    findProgram: (name) => ({ npm: 'C:\\Program Files\\nodejs\\npm.cmd', git: 'C:\\Program Files\\Git\\cmd\\git.exe' })[name],
  };
}

function trusted(raw: Record<string, unknown>, id = 'cmd'): CommandDefinition {
  const result = loadTrustedDefinitions({ [id]: raw });
  assert.deepEqual(result.warnings, []);
  return result.definitions[0]!;
}

function proposed(raw: Record<string, unknown>, id = 'cmd'): CommandDefinition {
  const result = loadProposedDefinitions(JSON.stringify({ commands: { [id]: raw } }));
  assert.deepEqual(result.warnings, []);
  return result.definitions[0]!;
}

/**
 * A definition as the schema takes it, without the checks made when settings are loaded (definitionProblems):
 * for the checks resolve makes again, should such a definition ever reach it.
 */
function unchecked(raw: Record<string, unknown>, id = 'cmd'): CommandDefinition {
  return { ...trustedDefinitionSchema.parse(raw), id, origin: 'user' };
}

/** Parameters go through validation first, as in the bridge. */
function params(definition: CommandDefinition, supplied: ParamValues = {}): ParamValues {
  const result = validateParams(parameterSpecs(definition), supplied);
  assert.ok(result.ok, result.ok ? '' : result.errors.join('; '));
  return result.values;
}

function resolved(definition: CommandDefinition, supplied: ParamValues = {}, host = linuxHost()): ResolvedCommand {
  const result = resolveCommand(definition, params(definition, supplied), host);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.command;
}

function refusal(definition: CommandDefinition, supplied: ParamValues = {}, host = linuxHost()): string {
  const result = resolveCommand(definition, params(definition, supplied), host);
  assert.ok(!result.ok, `expected a refusal, got ${JSON.stringify(result.ok ? result.command : null)}`);
  return result.message;
}

describe('resolveCommand', () => {
  describe('variables', () => {
    it('${workspaceFolder} is the folder on the HOST, not the container path', () => {
      const command = resolved(trusted({ program: 'make', args: ['-C', '${workspaceFolder}'] }));
      assert.deepEqual(command.args, ['-C', HOST_FOLDER]);
    });

    it('${containerWorkspaceFolder}, ${workspaceFolderBasename}, ${userHome} and ${pathSeparator}', () => {
      const command = resolved(
        trusted({
          program: 'make',
          args: ['${containerWorkspaceFolder}', '${workspaceFolderBasename}', '${userHome}', 'a${pathSeparator}b', '${userHome}/.cache/${workspaceFolderBasename}'],
        }),
      );
      assert.deepEqual(command.args, [CONTAINER_FOLDER, 'proj', '/home/me', 'a/b', '/home/me/.cache/proj']);
    });

    it('${pathSeparator} is the host’s: a backslash on Windows', () => {
      assert.deepEqual(resolved(trusted({ program: 'npm', args: ['a${pathSeparator}b'] }), {}, winHost()).args, ['a\\b']);
    });

    it('expands variables in program, cwd and env values too', () => {
      const command = resolved(
        trusted({ program: '${workspaceFolder}/bin/tool', cwd: '${workspaceFolder}/sub', env: { OUT: '${userHome}/out', NAME: '${workspaceFolderBasename}' } }),
      );
      assert.equal(command.programPath, `${HOST_FOLDER}/bin/tool`);
      assert.equal(command.cwd, `${HOST_FOLDER}/sub`);
      assert.deepEqual({ ...command.envAdditions }, { OUT: '/home/me/out', NAME: 'proj' });
    });

    it('an unknown variable is an error naming it and where it is, never left as text', () => {
      assert.match(refusal(unchecked({ program: 'make', args: ['${workspaceRoot}'] })), /args\[0\].*unknown variable \$\{workspaceRoot\}/);
      assert.match(refusal(unchecked({ program: 'make', args: ['${env:HOME}'] })), /unknown variable \$\{env:HOME\}/);
      assert.match(refusal(unchecked({ program: 'make', cwd: '${file}' })), /^cwd: unknown variable \$\{file\}/);
      assert.match(refusal(unchecked({ program: 'make', env: { A: '${}' } })), /^env\.A: unknown variable \$\{\}/);
      assert.match(refusal(unchecked({ program: '${command:foo}' })), /^program: unknown variable/);
    });

    it('gives every variable the loader accepts a value (the two lists agree)', () => {
      const definition = trusted({ program: 'echo', args: KNOWN_VARIABLES.map((name) => `\${${name}}`) });
      const args = resolved(definition, {}, linuxHost({ findProgram: () => '/bin/echo' })).args;
      assert.equal(args.length, KNOWN_VARIABLES.length);
      for (const arg of args) assert.doesNotMatch(arg, /\$\{/);
    });

    it('names the right argument position in an error', () => {
      assert.match(refusal(unchecked({ program: 'make', args: ['a', 'b', '${nope}'] })), /^args\[2\]:/);
      const afterDropped = unchecked({ program: 'make', args: ['${param:opt}', '${nope}'], parameters: { opt: { required: false } } });
      assert.match(refusal(afterDropped), /^args\[1\]:/);
    });

    it('${param:X} inserts the validated value', () => {
      const definition = trusted({ program: 'git', args: ['checkout', '${param:branch}'], parameters: { branch: { pattern: '[a-z/]+' } } });
      assert.deepEqual(resolved(definition, { branch: 'feature/x' }, linuxHost({ findProgram: () => '/usr/bin/git' })).args, ['checkout', 'feature/x']);
    });

    it('${param:X} inside a larger element fills only that part', () => {
      const definition = trusted({ program: 'make', args: ['--target=${param:t}'], parameters: { t: {} } });
      assert.deepEqual(resolved(definition, { t: 'all' }).args, ['--target=all']);
    });

    it('${param:undeclared} is an error, wherever it is', () => {
      for (const raw of [
        { program: 'make', args: ['--x=${param:nope}'] },
        { program: 'make', args: ['${param:nope}'] },
        { program: 'make', cwd: '${param:nope}' },
        { program: 'make', env: { A: '${param:nope}' } },
        { program: '${param:nope}' },
      ]) {
        assert.match(refusal(unchecked(raw)), /\$\{param:nope\} names no declared parameter/, JSON.stringify(raw));
      }
    });

    it('parameters in a shell definition are an error, even when the parameter is absent', () => {
      const definition = unchecked({ program: 'echo', args: ['${param:msg}'], shell: true, parameters: { msg: { required: false } } });
      assert.match(refusal(definition, { msg: 'hi; reboot' }), /parameters cannot be used in a shell command line/);
      assert.match(refusal(definition, {}), /parameters cannot be used in a shell command line/);
      const inProgram = unchecked({ program: 'echo ${param:msg}', shell: true, parameters: { msg: {} } });
      assert.match(refusal(inProgram, { msg: 'x' }), /parameters cannot be used in a shell command line/);
    });

    it('a value is inserted once: variables inside a parameter value are not expanded', () => {
      const definition = trusted({ program: 'make', args: ['${param:p}'], parameters: { p: {} } });
      assert.deepEqual(resolved(definition, { p: '${workspaceFolder}' }).args, ['${workspaceFolder}']);
      assert.deepEqual(resolved(definition, { p: '$& $1 $$' }).args, ['$& $1 $$']);
    });
  });

  describe('argv', () => {
    const definition = trusted({
      program: 'make',
      args: ['${param:target}', '${param:flag}', '--', '${param:name}'],
      parameters: { target: {}, flag: { enum: ['-k', '-n'], required: false }, name: { required: false } },
    });

    it('a parameter value is never split into several argv elements', () => {
      const command = resolved(definition, { target: 'all clean; rm -rf ~', name: 'a\nb c\td' });
      assert.deepEqual(command.args, ['all clean; rm -rf ~', '--', 'a\nb c\td']);
    });

    it('an element that is only an absent optional parameter is dropped', () => {
      assert.deepEqual(resolved(definition, { target: 'all' }).args, ['all', '--']);
      assert.deepEqual(resolved(definition, { target: 'all', flag: '-k' }).args, ['all', '-k', '--']);
    });

    it('an optional parameter given as "" stays as an empty argument', () => {
      assert.deepEqual(resolved(definition, { target: 'all', name: '' }).args, ['all', '--', '']);
    });

    it('an absent optional parameter inside a larger element becomes ""', () => {
      const partial = trusted({ program: 'make', args: ['--name=${param:n}'], parameters: { n: { required: false } } });
      assert.deepEqual(resolved(partial).args, ['--name=']);
    });

    it('a parameter with a default is filled, not dropped', () => {
      const withDefault = trusted({ program: 'make', args: ['${param:t}'], parameters: { t: { default: 'all' } } });
      assert.deepEqual(resolved(withDefault).args, ['all']);
    });

    it('keeps the title, id, origin, program as written and timeout', () => {
      const command = resolved(trusted({ program: 'make', title: 'Build', timeoutSeconds: 1.5 }, 'build'));
      assert.equal(command.id, 'build');
      assert.equal(command.title, 'Build');
      assert.equal(command.origin, 'user');
      assert.equal(command.program, 'make');
      assert.equal(command.timeoutMs, 1500);
      assert.equal(resolved(trusted({ program: 'make' }, 'b')).title, 'b');
      assert.equal(resolved(trusted({ program: 'make' })).timeoutMs, undefined);
    });
  });

  describe('working directory', () => {
    it('defaults to the workspace folder on the host', () => {
      assert.equal(resolved(trusted({ program: 'make' })).cwd, HOST_FOLDER);
      assert.equal(resolved(proposed({ program: 'make' })).cwd, HOST_FOLDER);
    });

    it('defaults to the home folder when there is no host folder', () => {
      assert.equal(resolved(trusted({ program: 'make' }), {}, sshHost()).cwd, '/home/me');
    });

    it('must be absolute', () => {
      assert.match(refusal(trusted({ program: 'make', cwd: 'sub' })), /cwd must be an absolute host path/);
    });

    it('a proposal may use a folder inside the workspace', () => {
      assert.equal(resolved(proposed({ program: 'make', cwd: '${workspaceFolder}/packages/app' })).cwd, `${HOST_FOLDER}/packages/app`);
    });

    it('a proposal may not run outside the workspace folder', () => {
      for (const cwd of ['/etc', '${userHome}', '/home/me/src/proj-other', '/home/me/src']) {
        assert.match(refusal(proposed({ program: 'make', cwd })), /outside the workspace folder/, cwd);
      }
    });

    it('a proposal cannot escape the folder with ".."', () => {
      for (const cwd of ['${workspaceFolder}/..', '${workspaceFolder}/../..', '${workspaceFolder}/sub/../../other', '${workspaceFolder}/./../proj-x']) {
        assert.match(refusal(proposed({ program: 'make', cwd })), /outside the workspace folder/, cwd);
      }
      assert.equal(resolved(proposed({ program: 'make', cwd: '${workspaceFolder}/a/../b' })).cwd, `${HOST_FOLDER}/b`);
    });

    it('a proposal cannot leave the folder through a parameter either', () => {
      const definition = proposed({ program: 'make', cwd: '${workspaceFolder}/${param:dir}', parameters: { dir: {} } });
      assert.match(refusal(definition, { dir: '../../..' }), /outside the workspace folder/);
    });

    it('the user’s own command may run anywhere', () => {
      assert.equal(resolved(trusted({ program: 'make', cwd: '/etc' })).cwd, '/etc');
      assert.equal(resolved(trusted({ program: 'make', cwd: '${workspaceFolder}/..' })).cwd, '/home/me/src');
    });

    it('on a Windows host, paths are Windows paths and the check is case-insensitive', () => {
      const host = winHost();
      assert.equal(resolved(proposed({ program: 'npm' }), {}, host).cwd, 'C:\\Users\\me\\proj');
      assert.equal(resolved(proposed({ program: 'npm', cwd: '${workspaceFolder}\\pkg' }), {}, host).cwd, 'C:\\Users\\me\\proj\\pkg');
      assert.equal(resolved(proposed({ program: 'npm', cwd: 'c:\\users\\ME\\proj\\pkg' }), {}, host).cwd, 'c:\\users\\ME\\proj\\pkg');
      assert.equal(resolved(proposed({ program: 'npm', cwd: '${workspaceFolder}/pkg' }), {}, host).cwd, 'C:\\Users\\me\\proj\\pkg');
      for (const cwd of ['${workspaceFolder}\\..', 'D:\\proj', 'C:\\Windows', '\\\\server\\share\\proj']) {
        assert.match(refusal(proposed({ program: 'npm', cwd }), {}, host), /outside the workspace folder/, cwd);
      }
    });
  });

  describe('program', () => {
    it('a bare name is looked up on the host PATH, and the prompt gets the file that will run', () => {
      const seen: string[] = [];
      const command = resolved(trusted({ program: 'npm', args: ['test'] }), {}, linuxHost({ findProgram: (name) => (seen.push(name), programs[name]) }));
      assert.equal(command.program, 'npm');
      assert.equal(command.programPath, '/usr/local/bin/npm');
      assert.deepEqual(seen, ['npm']);
    });

    it('a name not found on PATH is a clear error', () => {
      assert.equal(refusal(trusted({ program: 'nosuchtool' })), `program "nosuchtool" was not found on the host's PATH`);
    });

    it('a relative path is made absolute against the working directory', () => {
      assert.equal(resolved(trusted({ program: './scripts/build.sh' })).programPath, `${HOST_FOLDER}/scripts/build.sh`);
      assert.equal(resolved(trusted({ program: 'bin/tool', cwd: '/opt/x' })).programPath, '/opt/x/bin/tool');
      assert.equal(resolved(trusted({ program: '../tool' })).programPath, '/home/me/src/tool');
    });

    it('an absolute path is kept (normalized) and not looked up', () => {
      const command = resolved(trusted({ program: '/usr/bin//env' }), {}, linuxHost({ findProgram: () => assert.fail('looked up') }));
      assert.equal(command.programPath, '/usr/bin/env');
    });

    it('on Windows, a bare name is looked up and backslash paths count as paths', () => {
      const host = winHost();
      assert.equal(resolved(trusted({ program: 'npm' }), {}, host).programPath, 'C:\\Program Files\\nodejs\\npm.cmd');
      assert.equal(resolved(trusted({ program: 'C:\\tools\\x.exe' }), {}, host).programPath, 'C:\\tools\\x.exe');
      assert.equal(resolved(trusted({ program: 'scripts\\build.cmd' }), {}, host).programPath, 'C:\\Users\\me\\proj\\scripts\\build.cmd');
    });

    it('a shell command line is kept as written, not looked up', () => {
      const command = resolved(trusted({ program: 'make all && make install', shell: true }), {}, linuxHost({ findProgram: () => assert.fail('looked up') }));
      assert.equal(command.programPath, 'make all && make install');
      assert.equal(command.shell, true);
    });
  });

  describe('code and configuration the workspace controls', () => {
    it('code after sh -c is marked as inline code and not listed as a file', () => {
      const command = resolved(proposed({ program: 'make', args: [] }));
      assert.equal(command.inlineCode, undefined);
      const inline = resolved(proposed({ program: 'node', args: ['-e', 'require("./scripts/x.js")'] }));
      assert.equal(inline.inlineCode, 'node -e');
      assert.deepEqual(inline.workspaceFiles, []);
    });

    it('a tool that follows its folder\'s configuration is marked when it works in the workspace', () => {
      assert.equal(resolved(trusted({ program: 'make' })).workspaceConfiguration?.tool, 'make');
      assert.equal(resolved(trusted({ program: 'make', args: ['-C', '${workspaceFolder}'], cwd: '/tmp' })).workspaceConfiguration?.tool, 'make');
    });

    it('the same tool working outside the workspace is not', () => {
      assert.equal(resolved(trusted({ program: 'make', cwd: '${userHome}' })).workspaceConfiguration, undefined);
      assert.equal(resolved(trusted({ program: 'make' }), {}, sshHost()).workspaceConfiguration, undefined);
    });
  });

  describe('workspaceFiles', () => {
    it('lists the program and arguments that are files inside the host folder', () => {
      const command = resolved(proposed({ program: './tools/run.sh', args: ['${workspaceFolder}/scripts/x.js', '/usr/share/x', '--flag', '${workspaceFolder}'] }));
      assert.deepEqual(command.workspaceFiles, [`${HOST_FOLDER}/tools/run.sh`, `${HOST_FOLDER}/scripts/x.js`]);
    });

    it('does not list the folder itself, paths outside it, or a program found on PATH', () => {
      const command = resolved(proposed({ program: 'node', args: ['${workspaceFolder}', '/home/me/src/proj-other/x', '${workspaceFolder}/../y'] }));
      assert.deepEqual(command.workspaceFiles, []);
    });

    it('lists a file only once', () => {
      const command = resolved(proposed({ program: '${workspaceFolder}/run', args: ['${workspaceFolder}/run', '${workspaceFolder}/./run'] }));
      assert.deepEqual(command.workspaceFiles, [`${HOST_FOLDER}/run`]);
    });

    it('lists a script named relative to the working directory', () => {
      const command = resolved(proposed({ program: 'node', args: ['scripts/build.js', './run.sh', 'test.py', '${param:script}'], parameters: { script: {} } }), {
        script: 'tools/gen.mjs',
      });
      assert.deepEqual(command.workspaceFiles, [`${HOST_FOLDER}/scripts/build.js`, `${HOST_FOLDER}/run.sh`, `${HOST_FOLDER}/test.py`, `${HOST_FOLDER}/tools/gen.mjs`]);
      const inSub = resolved(proposed({ program: 'node', args: ['build.js'], cwd: '${workspaceFolder}/pkg' }));
      assert.deepEqual(inSub.workspaceFiles, [`${HOST_FOLDER}/pkg/build.js`]);
    });

    it('leaves options, plain words, key=value and URLs alone, and relative paths that leave the folder', () => {
      const command = resolved(proposed({ program: 'npm', args: ['run', 'test', '--', '--verbose', 'KEY=a/b', 'https://example.com/x.js', '-f', '../outside.js', '--out=../elsewhere.js', ''] }));
      assert.deepEqual(command.workspaceFiles, []);
    });

    it('lists a file named as an option value (--require=./pre.js, --out=dist/x.js): it may be code the program loads', () => {
      const command = resolved(proposed({ program: 'node', args: ['--require=./pre.js', '--out=dist/x.js', `--config=${'${workspaceFolder}'}/c.json`] }));
      assert.deepEqual([...command.workspaceFiles].sort(), [`${HOST_FOLDER}/c.json`, `${HOST_FOLDER}/dist/x.js`, `${HOST_FOLDER}/pre.js`]);
    });

    it('is filled for the user’s own commands too', () => {
      assert.deepEqual(resolved(trusted({ program: '${workspaceFolder}/x.sh' })).workspaceFiles, [`${HOST_FOLDER}/x.sh`]);
    });

    it('works with Windows host paths', () => {
      assert.deepEqual(resolved(proposed({ program: '${workspaceFolder}\\build.cmd' }), {}, winHost()).workspaceFiles, ['C:\\Users\\me\\proj\\build.cmd']);
    });
  });

  describe('no workspace folder on the host (SSH, volume clone)', () => {
    it('${workspaceFolder} is a clear error that names the reason', () => {
      const message = refusal(trusted({ program: 'make', args: ['${workspaceFolder}'] }), {}, sshHost());
      assert.equal(message, 'args[0] needs the workspace folder on the host, but the folder is on an SSH remote, which has no host path for it');
    });

    it('so are ${containerWorkspaceFolder} and ${workspaceFolderBasename}, and in cwd', () => {
      assert.match(refusal(trusted({ program: 'make', args: ['${containerWorkspaceFolder}'] }), {}, sshHost()), /needs the workspace folder on the host, but the folder is on an SSH remote/);
      assert.match(refusal(trusted({ program: 'make', args: ['${workspaceFolderBasename}'] }), {}, sshHost()), /SSH remote/);
      assert.match(refusal(trusted({ program: 'make', cwd: '${workspaceFolder}' }), {}, sshHost()), /^cwd needs the workspace folder/);
    });

    it('a proposal’s own cwd is refused, with the reason: there is no folder to keep it inside', () => {
      for (const cwd of ['/', '/etc', '${userHome}']) {
        const message = refusal(proposed({ program: 'make', cwd }), {}, sshHost());
        assert.match(message, /a workspace proposal may only run inside the workspace folder, but the folder is on an SSH remote/, cwd);
      }
    });

    it('commands that do not need the folder still resolve', () => {
      const command = resolved(trusted({ program: 'make', args: ['${userHome}'] }), {}, sshHost());
      assert.deepEqual(command.args, ['/home/me']);
      assert.deepEqual(command.workspaceFiles, []);
    });
  });

  describe('environment additions', () => {
    it('a proposal may add ordinary variables', () => {
      assert.deepEqual({ ...resolved(proposed({ program: 'make', env: { CI: '1', MY_TOKEN_NAME: 'x' } })).envAdditions }, { CI: '1', MY_TOKEN_NAME: 'x' });
    });

    it('a proposal may not set loader or interpreter hooks', () => {
      for (const name of ['LD_PRELOAD', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'PATH', 'path', 'BASH_ENV', 'GIT_CONFIG_COUNT']) {
        assert.match(refusal(proposed({ program: 'make', env: { [name]: 'x' } })), new RegExp(`^env: a workspace proposal may not set ${name}: `), name);
      }
    });

    it('the user’s own command may set them', () => {
      assert.deepEqual({ ...resolved(trusted({ program: 'make', env: { NODE_OPTIONS: '--max-old-space-size=4096' } })).envAdditions }, {
        NODE_OPTIONS: '--max-old-space-size=4096',
      });
    });

    it('the additions record has a null prototype', () => {
      assert.equal(Object.getPrototypeOf(resolved(trusted({ program: 'make', env: { A: 'b' } })).envAdditions), null);
    });
  });
});
