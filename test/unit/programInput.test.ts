import assert from 'node:assert/strict';
import { checkProgramInput, isAbsoluteProgram } from '../../src/core/programInput';

describe('checkProgramInput', () => {
  it('requires a program', () => {
    for (const value of ['', ' ', '\t ']) assert.equal(checkProgramInput(value), 'the program is required', JSON.stringify(value));
  });

  it('accepts a program name and a path without spaces, with or without surrounding spaces', () => {
    for (const value of ['sleep', 'docker', '  open  ', 'my-tool.exe', './scripts/build.sh', 'bin\\tool', '/usr/local/bin/my-tool', 'C:\\tools\\x.exe', 'café', '工具']) {
      assert.equal(checkProgramInput(value), undefined, value);
    }
  });

  it('refuses a program name followed by arguments, and says which words belong in the next step', () => {
    assert.equal(checkProgramInput('sleep 10'), 'a program name has no spaces: put "10" in the next step (arguments)');
    assert.equal(checkProgramInput('  git   log --oneline '), 'a program name has no spaces: put "log --oneline" in the next step (arguments)');
    assert.equal(checkProgramInput('node scripts/build.js'), 'a program name has no spaces: put "scripts/build.js" in the next step (arguments)');
    assert.equal(checkProgramInput('echo\thello'), 'a program name has no spaces: put "hello" in the next step (arguments)');
  });

  it('refuses a relative path with spaces: it must be absolute', () => {
    for (const value of ['./My Tool/run', 'tools/my tool', 'bin\\my tool.exe']) {
      assert.match(checkProgramInput(value) ?? '', /^a program path with spaces must be absolute/, value);
    }
  });

  it('accepts absolute paths with spaces, on either kind of host', () => {
    for (const value of [
      '/Applications/My App.app/Contents/MacOS/tool',
      'C:\\Program Files\\x.exe',
      'c:/Program Files/x.exe',
      '\\\\server\\share\\My Tools\\x.exe',
      '${userHome}/My Tools/x',
      '${workspaceFolder}\\build tools\\x.cmd',
    ]) {
      assert.equal(checkProgramInput(value), undefined, value);
    }
  });
});

describe('isAbsoluteProgram', () => {
  it('knows absolute paths and the variables that expand to one', () => {
    for (const value of ['/bin/sh', 'C:\\x.exe', 'D:/x', '\\\\server\\share\\x', '${userHome}', '${userHome}/x', '${workspaceFolder}/x']) {
      assert.equal(isAbsoluteProgram(value), true, value);
    }
  });

  it('does not take names, relative paths or other variables for absolute paths', () => {
    for (const value of ['sh', './x', 'bin/x', 'C:x.exe', '${userHomeX}/x', '${workspaceFolderBasename}/x', '${env:HOME}/x', 'x ${userHome}']) {
      assert.equal(isAbsoluteProgram(value), false, value);
    }
  });
});
