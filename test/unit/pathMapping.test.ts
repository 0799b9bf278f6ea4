import assert from 'node:assert/strict';
import {
  containerToHost,
  FolderMapping,
  hostFolderFor,
  hostToContainer,
  rewriteHostPathsInText,
} from '../../src/core/pathMapping';

const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');
const devContainerUri = (hostPath: string, path = '/workspaces/proj') => ({
  scheme: 'vscode-remote',
  authority: `dev-container+${hex(JSON.stringify({ hostPath }))}`,
  path,
});
const onLinux = { bridgeRunsRemote: false, hostPlatform: 'linux' as const };
const onMac = { bridgeRunsRemote: false, hostPlatform: 'darwin' as const };
const onWindows = { bridgeRunsRemote: false, hostPlatform: 'win32' as const };

const posix: FolderMapping = { containerPath: '/workspaces/proj', hostPath: '/home/me/proj', hostFlavor: 'posix' };
const win: FolderMapping = { containerPath: '/workspaces/proj', hostPath: 'C:\\Users\\me\\proj', hostFlavor: 'win32' };
const wsl: FolderMapping = { containerPath: '/workspaces/proj', hostPath: '\\\\wsl.localhost\\Ubuntu\\home\\me\\proj', hostFlavor: 'win32' };

function mappingOf(result: ReturnType<typeof hostFolderFor>): FolderMapping {
  assert.ok(result.ok, `expected a mapping, got: ${result.ok ? '' : result.reason}`);
  return result.mapping;
}

describe('hostFolderFor', () => {
  it('local window: the fsPath is the host folder', () => {
    assert.deepEqual(mappingOf(hostFolderFor({ scheme: 'file', authority: '', path: '/home/me/proj', fsPath: '/home/me/proj' }, onLinux)), {
      containerPath: '/home/me/proj',
      hostPath: '/home/me/proj',
      hostFlavor: 'posix',
    });
    assert.deepEqual(mappingOf(hostFolderFor({ scheme: 'file', authority: '', path: '/c:/Users/me/proj', fsPath: 'c:\\Users\\me\\proj' }, onWindows)), {
      containerPath: '/c:/Users/me/proj',
      hostPath: 'c:\\Users\\me\\proj',
      hostFlavor: 'win32',
    });
  });

  it('local window without fsPath derives it from the URI path', () => {
    assert.equal(mappingOf(hostFolderFor({ scheme: 'file', authority: '', path: '/c:/Users/me/proj' }, onWindows)).hostPath, 'c:\\Users\\me\\proj');
  });

  it('dev container on macOS/Linux', () => {
    assert.deepEqual(mappingOf(hostFolderFor(devContainerUri('/Users/me/proj'), onMac)), {
      containerPath: '/workspaces/proj',
      hostPath: '/Users/me/proj',
      hostFlavor: 'posix',
    });
  });

  it('dev container on Windows, with forward slashes and a trailing separator normalized', () => {
    assert.deepEqual(mappingOf(hostFolderFor(devContainerUri('C:/Users/me/proj/', '/workspaces/proj/'), onWindows)), {
      containerPath: '/workspaces/proj',
      hostPath: 'C:\\Users\\me\\proj',
      hostFlavor: 'win32',
    });
  });

  it('dev container whose folder is in WSL, seen from Windows', () => {
    assert.equal(mappingOf(hostFolderFor(devContainerUri('\\\\wsl.localhost\\Ubuntu\\home\\me\\proj'), onWindows)).hostPath, '\\\\wsl.localhost\\Ubuntu\\home\\me\\proj');
  });

  it('a Windows host path on a POSIX bridge (and the reverse) is refused', () => {
    const a = hostFolderFor(devContainerUri('C:\\Users\\me\\proj'), onLinux);
    assert.ok(!a.ok && /not a POSIX path/.test(a.reason));
    const b = hostFolderFor(devContainerUri('/home/me/proj'), onWindows);
    assert.ok(!b.ok && /not a Windows path/.test(b.reason));
  });

  it('WSL window: \\\\wsl.localhost\\<distro> plus the path', () => {
    assert.deepEqual(mappingOf(hostFolderFor({ scheme: 'vscode-remote', authority: 'wsl+Ubuntu', path: '/home/me/proj' }, onWindows)), {
      containerPath: '/home/me/proj',
      hostPath: '\\\\wsl.localhost\\Ubuntu\\home\\me\\proj',
      hostFlavor: 'win32',
    });
    const notWindows = hostFolderFor({ scheme: 'vscode-remote', authority: 'wsl+Ubuntu', path: '/home/me/proj' }, onLinux);
    assert.ok(!notWindows.ok && /only .* on Windows/.test(notWindows.reason));
  });

  it('bridge forced into the remote extension host: the URI path is the host path', () => {
    const result = hostFolderFor({ scheme: 'vscode-remote', authority: 'localhost:8080', path: '/home/coder/proj' }, { bridgeRunsRemote: true, hostPlatform: 'linux' });
    assert.deepEqual(mappingOf(result), { containerPath: '/home/coder/proj', hostPath: '/home/coder/proj', hostFlavor: 'posix' });
  });

  it('remotes without a host copy say why', () => {
    const ssh = hostFolderFor({ scheme: 'vscode-remote', authority: 'ssh-remote+devbox', path: '/home/me/proj' }, onLinux);
    assert.ok(!ssh.ok && /the host has no copy of this folder: it lives only on the SSH remote "devbox"/.test(ssh.reason));
    const volume = hostFolderFor(
      { scheme: 'vscode-remote', authority: `dev-container+${hex('{"repositoryPath":"https://github.com/o/r","volumeName":"r-1","folder":"r"}')}`, path: '/workspaces/r' },
      onLinux,
    );
    assert.ok(!volume.ok && /container volume/.test(volume.reason));
  });

  it('other schemes and relative paths are refused', () => {
    const vfs = hostFolderFor({ scheme: 'vscode-vfs', authority: 'github', path: '/o/r' }, onLinux);
    assert.ok(!vfs.ok && /not on disk/.test(vfs.reason));
    const rel = hostFolderFor({ scheme: 'vscode-remote', authority: 'wsl+Ubuntu', path: 'home' }, onWindows);
    assert.ok(!rel.ok);
  });
});

describe('containerToHost', () => {
  const ok = (containerPath: string, mapping: FolderMapping): string => {
    const result = containerToHost(containerPath, mapping);
    assert.ok(result.ok, `expected ${containerPath} to map, got: ${result.ok ? '' : result.reason}`);
    return result.hostPath;
  };
  const refused = (containerPath: string, mapping: FolderMapping, reason: RegExp): void => {
    const result = containerToHost(containerPath, mapping);
    assert.ok(!result.ok, `expected ${containerPath} to be refused, got ${result.ok ? result.hostPath : ''}`);
    assert.match(result.reason, reason);
  };

  it('maps the folder itself and paths inside it', () => {
    assert.equal(ok('/workspaces/proj', posix), '/home/me/proj');
    assert.equal(ok('/workspaces/proj/', posix), '/home/me/proj');
    assert.equal(ok('/workspaces/proj/src/a.ts', posix), '/home/me/proj/src/a.ts');
    assert.equal(ok('/workspaces/proj/src/../lib/./b', posix), '/home/me/proj/lib/b');
    assert.equal(ok('/workspaces/proj//src', posix), '/home/me/proj/src');
    assert.equal(ok('/workspaces/proj/..dotdot-name', posix), '/home/me/proj/..dotdot-name');
  });

  it('relative paths are relative to the workspace folder', () => {
    assert.equal(ok('src', posix), '/home/me/proj/src');
    assert.equal(ok('.', posix), '/home/me/proj');
  });

  it('Windows host: backslashes, drive letter kept', () => {
    assert.equal(ok('/workspaces/proj/src/a.ts', win), 'C:\\Users\\me\\proj\\src\\a.ts');
    assert.equal(ok('/workspaces/proj', win), 'C:\\Users\\me\\proj');
  });

  it('WSL UNC host', () => {
    assert.equal(ok('/workspaces/proj/src', wsl), '\\\\wsl.localhost\\Ubuntu\\home\\me\\proj\\src');
  });

  it('refuses escapes and look-alike siblings', () => {
    refused('/workspaces/proj/../other', posix, /outside the workspace folder \/workspaces\/proj/);
    refused('/workspaces/projX', posix, /outside/);
    refused('/workspaces/projX/a', posix, /outside/);
    refused('/workspaces', posix, /outside/);
    refused('/', posix, /outside/);
    refused('/etc/passwd', posix, /outside/);
    refused('../other', posix, /outside/);
    refused('src/../../other', posix, /outside/);
  });

  it('container paths are case-sensitive even when the host is not', () => {
    refused('/Workspaces/proj/a', win, /outside/);
  });

  it('refuses NUL bytes, empty paths and backslashes bound for Windows', () => {
    refused('/workspaces/proj/a\u0000b', posix, /NUL/);
    refused('', posix, /empty/);
    refused('/workspaces/proj/a\\..\\..\\..\\Windows', win, /backslash/);
    assert.equal(ok('/workspaces/proj/odd\\name', posix), '/home/me/proj/odd\\name');
  });

  it('a root container folder and a root host folder', () => {
    assert.equal(ok('/etc/x', { containerPath: '/', hostPath: '/srv/root', hostFlavor: 'posix' }), '/srv/root/etc/x');
    assert.equal(ok('/workspaces/proj/a', { containerPath: '/workspaces/proj', hostPath: 'D:\\', hostFlavor: 'win32' }), 'D:\\a');
  });
});

describe('hostToContainer', () => {
  it('maps the host folder and paths inside it', () => {
    assert.equal(hostToContainer('/home/me/proj', posix), '/workspaces/proj');
    assert.equal(hostToContainer('/home/me/proj/', posix), '/workspaces/proj');
    assert.equal(hostToContainer('/home/me/proj/src/a.ts', posix), '/workspaces/proj/src/a.ts');
  });

  it('is case-sensitive on POSIX hosts', () => {
    assert.equal(hostToContainer('/home/me/Proj/a', posix), undefined);
  });

  it('Windows: case-insensitive, either separator', () => {
    assert.equal(hostToContainer('C:\\Users\\me\\proj\\src\\a.ts', win), '/workspaces/proj/src/a.ts');
    assert.equal(hostToContainer('c:\\users\\ME\\Proj\\src\\a.ts', win), '/workspaces/proj/src/a.ts');
    assert.equal(hostToContainer('C:/Users/me/proj/src/a.ts', win), '/workspaces/proj/src/a.ts');
    assert.equal(hostToContainer('\\\\WSL.localhost\\Ubuntu\\home\\me\\proj\\x', wsl), '/workspaces/proj/x');
  });

  it('outside the folder is undefined', () => {
    assert.equal(hostToContainer('/home/me/projX/a', posix), undefined);
    assert.equal(hostToContainer('/home/me/proj/../other', posix), undefined);
    assert.equal(hostToContainer('C:\\Users\\me\\projX', win), undefined);
    assert.equal(hostToContainer('D:\\Users\\me\\proj', win), undefined);
    assert.equal(hostToContainer('relative/path', posix), undefined);
    assert.equal(hostToContainer('\\Users\\me\\proj', win), undefined);
    assert.equal(hostToContainer('/home/me/proj/a\u0000', posix), undefined);
  });
});

describe('rewriteHostPathsInText', () => {
  it('rewrites POSIX paths in compiler output', () => {
    assert.equal(
      rewriteHostPathsInText('/home/me/proj/src/a.ts:3:5 - error TS2322\n', posix),
      '/workspaces/proj/src/a.ts:3:5 - error TS2322\n',
    );
    assert.equal(rewriteHostPathsInText('cwd is /home/me/proj', posix), 'cwd is /workspaces/proj');
    assert.equal(rewriteHostPathsInText('at fn (/home/me/proj/a.js:1:2)', posix), 'at fn (/workspaces/proj/a.js:1:2)');
  });

  it('leaves look-alikes and longer paths alone', () => {
    assert.equal(rewriteHostPathsInText('/home/me/projX/a.ts', posix), '/home/me/projX/a.ts');
    assert.equal(rewriteHostPathsInText('/mnt/home/me/proj/a.ts', posix), '/mnt/home/me/proj/a.ts');
    assert.equal(rewriteHostPathsInText('/home/me/Proj/a.ts', posix), '/home/me/Proj/a.ts');
  });

  it('Windows: tsc, MSBuild and gcc styles, any case, either separator', () => {
    assert.equal(
      rewriteHostPathsInText('C:\\Users\\me\\proj\\src\\a.ts(3,5): error TS2322: x', win),
      '/workspaces/proj/src/a.ts(3,5): error TS2322: x',
    );
    assert.equal(rewriteHostPathsInText('c:\\users\\me\\PROJ\\src\\b.c:12:1: warning', win), '/workspaces/proj/src/b.c:12:1: warning');
    assert.equal(rewriteHostPathsInText('C:/Users/me/proj/src/c.js:1', win), '/workspaces/proj/src/c.js:1');
    assert.equal(rewriteHostPathsInText('"C:\\Users\\me\\proj"', win), '"/workspaces/proj"');
    assert.equal(rewriteHostPathsInText('C:\\Users\\me\\proj\\', win), '/workspaces/proj');
  });

  it('Windows: several paths on one line, siblings untouched', () => {
    assert.equal(
      rewriteHostPathsInText('copy C:\\Users\\me\\proj\\a C:\\Users\\me\\projX\\b C:\\Users\\me\\proj\\c', win),
      'copy /workspaces/proj/a C:\\Users\\me\\projX\\b /workspaces/proj/c',
    );
  });

  it('WSL UNC paths', () => {
    assert.equal(
      rewriteHostPathsInText('\\\\wsl.localhost\\Ubuntu\\home\\me\\proj\\src\\a.ts:1:1', wsl),
      '/workspaces/proj/src/a.ts:1:1',
    );
  });

  it('regex characters in the host folder are literal', () => {
    const odd: FolderMapping = { containerPath: '/w/p', hostPath: '/home/me/a+b.c', hostFlavor: 'posix' };
    assert.equal(rewriteHostPathsInText('/home/me/a+b.c/x /home/me/aab.c/x', odd), '/w/p/x /home/me/aab.c/x');
  });

  it('text without the host folder is unchanged', () => {
    assert.equal(rewriteHostPathsInText('all good\n', win), 'all good\n');
  });
});
