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

    const notInline: Array<[string, string[]]> = [
      ['sh', ['script.sh', '-c']], // after the script name, -c belongs to the script
      ['node', ['build.js', '-e']],
      ['python3', ['tool.py', '-c', 'x']],
      ['make', ['-C', 'dir']],
      ['grep', ['-c', 'pattern', 'file']],
      ['awk', ['-f', 'prog.awk', 'data']], // the program is a file: bound by its content like any script
      ['find', ['.', '-name', '*.log']],
      ['sh', []],
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
    it('sees the tool behind a wrapper, not in ordinary arguments', () => {
      assert.equal(folderConfiguration('/usr/bin/env', ['GIT_DIR=x', 'git', 'log'])?.tool, 'git');
      assert.equal(folderConfiguration('/bin/echo', ['git']), undefined);
      assert.equal(folderConfiguration('/usr/bin/open', ['.']), undefined);
    });
  });
});
