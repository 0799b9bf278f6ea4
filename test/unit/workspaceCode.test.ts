import assert from 'node:assert/strict';
import { folderConfiguration, inlineCode, programName } from '../../src/core/workspaceCode';

describe('workspaceCode', () => {
  it('programName drops the folder, a Windows extension and case', () => {
    assert.equal(programName('/usr/bin/python3'), 'python3');
    assert.equal(programName('C:\\Program Files\\Git\\cmd\\Git.EXE'), 'git');
    assert.equal(programName('npm.cmd'), 'npm');
  });

  describe('inlineCode', () => {
    const inline: Array<[string, string[], string, number]> = [
      ['/bin/sh', ['-c', 'sh src/hello.sh'], '-c', 1],
      ['/bin/bash', ['-e', '-x', '-c', 'make'], '-c', 3],
      ['bash', ['-lc', 'true'], '-lc', 1],
      ['/usr/bin/python3.12', ['-c', 'import os'], '-c', 1],
      ['python3', ['-m', 'tool'], '-m', 1],
      ['node', ['-e', 'x()'], '-e', 1],
      ['node', ['--eval', 'x()'], '--eval', 1],
      ['perl', ['-ne', 'print'], '-ne', 1],
      ['ruby', ['-e', 'puts 1'], '-e', 1],
      ['pwsh', ['-NoProfile', '-Command', 'x'], '-Command', 2],
      ['C:\\Windows\\System32\\cmd.exe', ['/d', '/c', 'x.cmd'], '/c', 2],
      // behind a wrapper, the wrapped program counts
      ['/usr/bin/env', ['sh', '-c', 'x'], '-c', 2],
      ['nice', ['-n', '5', 'bash', '-c', 'x'], '-c', 4],
      ['timeout', ['5', 'node', '-e', 'x'], '-e', 3],
      ['busybox', ['sh', '-c', 'x'], '-c', 2],
      ['awk', ['BEGIN { system("sh ./x.sh") }'], '(program text)', 0],
      ['sed', ['-n', '1e sh ./x.sh', 'file'], '(program text)', 1],
      ['find', ['.', '-name', '*.sh', '-exec', 'sh', '{}', ';'], '-exec', 4],
      ['lua', ['-e', 'os.execute("x")'], '-e', 1],
    ];
    for (const [program, args, flag, codeIndex] of inline) {
      it(`${program} ${args.join(' ')} → code after ${flag}`, () => {
        const found = inlineCode(program, args);
        assert.equal(found?.flag, flag);
        assert.equal(found?.codeIndex, codeIndex);
      });
    }

    // Bypasses a hostile repository tried: an option with a value before the flag, a wrapper nobody listed,
    // a whole command line in one argument.
    const bypasses: Array<[string, string[], string]> = [
      ['sh', ['-o', 'errexit', '-c', 'sh payload'], '-c'],
      ['bash', ['--rcfile', 'x', '-c', 'y'], '-c'],
      ['setarch', ['x86_64', 'sh', '-c', 'sh payload'], '-c'],
      ['python3', ['-W', 'ignore', '-c', 'x'], '-c'],
      ['node', ['-r', './x.js', '-e', '1'], '-e'],
      ['node', ['-pe', '1'], '-pe'],
      ['node', ['--eval=require("./x")'], '--eval=require("./x")'],
      ['nodejs', ['-e', 'x'], '-e'],
      ['perl', ['-I', 'lib', '-e', 'x'], '-e'],
      ['env', ['-S', 'sh -c "sh payload"'], '(a command line in one argument)'],
      ['script', ['-qc', 'sh payload', '/dev/null'], '-qc'],
      ['vim', ['-es', '-c', '!sh payload'], '-c'],
      ['gdb', ['-batch', '-ex', 'shell sh payload'], '-ex'],
      ['rbash', ['-c', 'x'], '-c'],
    ];
    for (const [program, args, flag] of bypasses) {
      it(`${program} ${args.join(' ')} → code after ${flag}`, () => assert.equal(inlineCode(program, args)?.flag, flag));
    }

    // Leaning towards "yes": a flag after a script name may belong to the script, and still counts.
    it('a code flag counts wherever it appears', () => {
      assert.equal(inlineCode('sh', ['script.sh', '-c'])?.flag, '-c');
      assert.equal(inlineCode('python3', ['tool.py', '-c', 'x'])?.flag, '-c');
    });

    const notInline: Array<[string, string[]]> = [
      ['sh', ['script.sh', 'arg']],
      ['node', ['build.js']],
      ['make', ['-C', 'dir']],
      ['grep', ['-c', 'pattern', 'file']],
      ['sh', []],
      ['awk', ['-f', 'prog.awk', 'data']], // the program is a file: bound by its content like any script
      ['find', ['.', '-name', '*.log']],
      ['docker', ['ps', '--format', '{{.Names}}']],
    ];
    for (const [program, args] of notInline) {
      it(`${program} ${args.join(' ')} → no inline code`, () => assert.equal(inlineCode(program, args), undefined));
    }
  });

  describe('folderConfiguration', () => {
    it('names git, make, npm and what they read', () => {
      assert.equal(folderConfiguration('/usr/bin/git', ['status'])?.tool, 'git');
      assert.match(folderConfiguration('/usr/bin/git', ['status'])?.reads ?? '', /hooks/);
      assert.equal(folderConfiguration('/usr/bin/make', [])?.tool, 'make');
      assert.equal(folderConfiguration('C:\\nodejs\\npm.cmd', ['test'])?.tool, 'npm');
    });
    it('docker only when it composes or builds', () => {
      assert.equal(folderConfiguration('/usr/bin/docker', ['compose', '-f', 'compose.yaml', 'up'])?.tool, 'docker compose');
      assert.equal(folderConfiguration('/usr/bin/docker', ['build', '.'])?.tool, 'docker build');
      assert.equal(folderConfiguration('/usr/bin/docker', ['ps', '--format', '{{.Names}}']), undefined);
    });
    it('sees the tool behind any wrapper, or as the first word of a command line in one argument', () => {
      assert.equal(folderConfiguration('/usr/bin/env', ['GIT_DIR=x', 'git', 'log'])?.tool, 'git');
      assert.equal(folderConfiguration('setarch', ['x86_64', 'make'])?.tool, 'make');
      assert.equal(folderConfiguration('env', ['-S', 'make test'])?.tool, 'make');
      assert.equal(folderConfiguration('/usr/lib/git-core/git-status', [])?.tool, 'git-status');
      assert.equal(folderConfiguration('/usr/bin/open', ['.']), undefined);
    });
    it('docker, podman and nerdctl when they build or compose, wherever the subcommand sits', () => {
      assert.equal(folderConfiguration('docker', ['--log-level', 'info', 'compose', 'config'])?.tool, 'docker compose');
      assert.equal(folderConfiguration('docker', ['image', 'build', '.'])?.tool, 'docker build');
      assert.equal(folderConfiguration('nerdctl', ['compose', 'up'])?.tool, 'nerdctl compose');
      assert.equal(folderConfiguration('podman-compose', ['up'])?.tool, 'podman-compose');
    });
    it('build and test tools that run the project\'s own files', () => {
      for (const tool of ['pytest', 'cmake', 'ninja', 'meson', 'hg', 'corepack', 'pip3']) assert.equal(folderConfiguration(tool, [])?.tool, tool);
      const more = ['dotnet', 'eslint', 'composer', 'terraform', 'ansible-playbook', 'sphinx-build', 'latexmk', 'vagrant', 'swift', 'zig', 'bazel', 'sbt', 'mix', 'pre-commit', 'jest', 'vitest', 'tsx', 'ts-node', 'poetry', 'uv'];
      for (const tool of more) assert.equal(folderConfiguration(`/usr/local/bin/${tool}`, ['run'])?.tool, tool);
    });
  });
});
