import assert from 'node:assert/strict';
import { HostFolderInfo, parseRemoteAuthority } from '../../src/core/remoteAuthority';

const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');
const devContainer = (payload: unknown): string =>
  `dev-container+${hex(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;

function assertNoHostPath(info: HostFolderInfo, reasonPattern: RegExp, remote?: string): void {
  assert.equal(info.kind, 'noHostPath', `expected noHostPath, got ${JSON.stringify(info)}`);
  if (info.kind !== 'noHostPath') return;
  assert.match(info.reason, reasonPattern);
  if (remote !== undefined) assert.equal(info.remote, remote);
}

describe('parseRemoteAuthority', () => {
  describe('real authorities from public reports', () => {
    it('JSON payload with localDocker, settings.context and a configFile URI (microsoft/vscode#290858, issue reporter output)', () => {
      const authority =
        'dev-container+7b22686f737450617468223a222f55736572732f6368726d617274692f446576656c6f706d656e742f7265706f732f736d6b747374222c226c6f63616c446f636b6572223a66616c73652c2273657474696e6773223a7b22636f6e74657874223a226465736b746f702d6c696e7578227d2c22636f6e66696746696c65223a7b22246d6964223a312c22667350617468223a222f55736572732f6368726d617274692f446576656c6f706d656e742f7265706f732f736d6b7473742f2e646576636f6e7461696e65722f646576636f6e7461696e65722e6a736f6e222c2270617468223a222f55736572732f6368726d617274692f446576656c6f706d656e742f7265706f732f736d6b7473742f2e646576636f6e7461696e65722f646576636f6e7461696e65722e6a736f6e222c22736368656d65223a2266696c65227d7d';
      assert.deepEqual(parseRemoteAuthority(authority), {
        kind: 'devContainer',
        hostPath: '/Users/chrmarti/Development/repos/smktst',
        configFile: '/Users/chrmarti/Development/repos/smktst/.devcontainer/devcontainer.json',
      });
    });

    it('older raw hex host path on macOS (microsoft/vscode-remote-release#2133, from storage.json)', () => {
      const authority = 'dev-container+2f55736572732f6a6f687269612f446576656c6f706d656e742f70726f71756573742d646f776e6c6f61646572';
      assert.deepEqual(parseRemoteAuthority(authority), { kind: 'devContainer', hostPath: '/Users/johria/Development/proquest-downloader' });
    });

    it('older raw hex host path on Linux (microsoft/vscode-python#17523, log in oscarhermoso/vscode-unittest-failure)', () => {
      const authority = 'dev-container+2f686f6d652f6368656573653835322f446f63756d656e74732f4769744875622f6b6564796f75';
      assert.deepEqual(parseRemoteAuthority(authority), { kind: 'devContainer', hostPath: '/home/cheese852/Documents/GitHub/kedyou' });
    });

    it('raw hex UNC path of a folder inside WSL (m2thiew/micro-lms README)', () => {
      const authority = 'dev-container+5c5c77736c2e6c6f63616c686f73745c44656269616e5c686f6d655c6d6d615c6d6963726f2d6c6d73';
      assert.deepEqual(parseRemoteAuthority(authority), { kind: 'devContainer', hostPath: '\\\\wsl.localhost\\Debian\\home\\mma\\micro-lms' });
    });

    it('Windows drive path with a configFile that has no fsPath (link VS Code wrote into a public README; repository not identified)', () => {
      const authority =
        'dev-container+7b22686f737450617468223a22633a5c5c7265706f735c5c6d6f76696573617373697374616e74222c226c6f63616c446f636b6572223a66616c73652c22636f6e66696746696c65223a7b22246d6964223a312c2270617468223a222f433a2f7265706f732f6d6f76696573617373697374616e742f2e646576636f6e7461696e65722f646576636f6e7461696e65722e6a736f6e222c22736368656d65223a2266696c65227d7d';
      assert.deepEqual(parseRemoteAuthority(authority), {
        kind: 'devContainer',
        hostPath: 'c:\\repos\\moviesassistant',
        configFile: '/C:/repos/moviesassistant/.devcontainer/devcontainer.json',
      });
    });

    it('a remote Docker host in settings.host means the local folder is not the workspace (microsoft/vscode-remote-release#4643)', () => {
      const authority =
        'dev-container+7b22686f737450617468223a222f55736572732f63687269737469616e2f70726f6a656374732f646576636f6e7461696e65723130222c2273657474696e6773223a7b22686f7374223a227373683a2f2f66322e7461696c7363616c652e746b227d7d';
      assertNoHostPath(parseRemoteAuthority(authority), /Docker host "ssh:\/\/f2\.tailscale\.tk"/, 'dev-container');
    });

    it('volume clones have no host folder (decoded payloads quoted in microsoft/vscode-remote-release#7511)', () => {
      const withoutSettings = {
        repositoryPath: 'https://github.com/repo/repo.git/tree/master',
        volumeName: 'repo-c569aa5ca69d9edb4a6cd47bd85c76e5',
        folder: 'repo',
        inspectVolume: false,
      };
      const withSshHost = {
        repositoryPath: 'https://github.com/repo/repo.git/tree/master',
        volumeName: '__UNIQUE__',
        folder: 'folder',
        settings: { host: 'ssh://ssh-host' },
        cloneInfo: { urlToClone: 'https://github.com/repo/repo.git', ref: 'master' },
        inspectVolume: false,
      };
      assertNoHostPath(parseRemoteAuthority(devContainer(withoutSettings)), /cloned into a container volume/, 'dev-container');
      assertNoHostPath(parseRemoteAuthority(devContainer(withSshHost)), /cloned into a container volume/, 'dev-container');
    });

    it('attached-container with a plain (non-hex) name (microsoft/vscode-remote-release#10446)', () => {
      assertNoHostPath(parseRemoteAuthority('attached-container+test6'), /attached to a running container/, 'attached-container');
    });

    it('k8s-container with key=value parts (microsoft/vscode-remote-release#10347, redacted by the reporter)', () => {
      const authority =
        'k8s-container+context=<CLUSTER>+podname=pgluss-slack-<REPO>-zyfx2k19-0+namespace=default+name=release+image=<REDACTED>.dkr.ecr.us-east-1.amazonaws.com/release@sha256:<REDACTED>';
      assertNoHostPath(parseRemoteAuthority(authority), /Kubernetes pod/, 'k8s-container');
    });

    it('wsl+<distro> (microsoft/vscode-remote-release#2909 and microsoft/python-language-server#1920)', () => {
      assert.deepEqual(parseRemoteAuthority('wsl+Ubuntu'), { kind: 'wsl', distro: 'Ubuntu' });
      assert.deepEqual(parseRemoteAuthority('wsl+ubuntu-18.04'), { kind: 'wsl', distro: 'ubuntu-18.04' });
    });

    it('codespaces, also still percent-encoded (microsoft/vscode#187373)', () => {
      assertNoHostPath(parseRemoteAuthority('codespaces+boli8845-ideal-fiesta-7r579g4xprfx57'), /GitHub Codespace/, 'codespaces');
      assertNoHostPath(parseRemoteAuthority('codespaces%2Bboli8845-ideal-fiesta-7r579g4xprfx57'), /GitHub Codespace/, 'codespaces');
    });

    it('ssh-remote as typed by the user, with an @ in the host (microsoft/vscode-remote-release#9324)', () => {
      assertNoHostPath(parseRemoteAuthority('ssh-remote+user@192.168.10.132'), /only on the SSH remote "user@192\.168\.10\.132"/, 'ssh-remote');
    });

    it('tunnel+<machine> (microsoft/vscode-remote-release#10077)', () => {
      assertNoHostPath(parseRemoteAuthority('tunnel+desktop'), /remote tunnel "desktop"/, 'tunnel');
    });
  });

  describe('synthetic shapes', () => {
    it('no authority is a local window', () => {
      assert.deepEqual(parseRemoteAuthority(undefined), { kind: 'local' });
      assert.deepEqual(parseRemoteAuthority(''), { kind: 'local' });
    });

    it('JSON with only hostPath, on each OS', () => {
      assert.deepEqual(parseRemoteAuthority(devContainer({ hostPath: '/home/me/proj' })), { kind: 'devContainer', hostPath: '/home/me/proj' });
      assert.deepEqual(parseRemoteAuthority(devContainer({ hostPath: 'C:\\Users\\me\\proj' })), { kind: 'devContainer', hostPath: 'C:\\Users\\me\\proj' });
      assert.deepEqual(parseRemoteAuthority(devContainer({ hostPath: 'C:/Users/me/proj' })), { kind: 'devContainer', hostPath: 'C:/Users/me/proj' });
      assert.deepEqual(parseRemoteAuthority(devContainer({ hostPath: '\\\\wsl$\\Ubuntu\\home\\me\\proj' })), {
        kind: 'devContainer',
        hostPath: '\\\\wsl$\\Ubuntu\\home\\me\\proj',
      });
    });

    it('raw Windows paths of the older format', () => {
      assert.deepEqual(parseRemoteAuthority(devContainer('c:\\Users\\me\\proj')), { kind: 'devContainer', hostPath: 'c:\\Users\\me\\proj' });
      assert.deepEqual(parseRemoteAuthority(devContainer('\\\\wsl$\\Ubuntu\\home\\me\\proj')), { kind: 'devContainer', hostPath: '\\\\wsl$\\Ubuntu\\home\\me\\proj' });
    });

    it('upper-case hex and non-ASCII paths decode as UTF-8', () => {
      assert.deepEqual(parseRemoteAuthority(`dev-container+${hex('/home/me/café').toUpperCase()}`), { kind: 'devContainer', hostPath: '/home/me/café' });
    });

    it('a local Docker socket in settings.host still has a host folder', () => {
      const authority = devContainer({ hostPath: '/home/me/proj', settings: { host: 'unix:///run/user/501/docker.sock' } });
      assert.deepEqual(parseRemoteAuthority(authority), { kind: 'devContainer', hostPath: '/home/me/proj' });
      assertNoHostPath(parseRemoteAuthority(devContainer({ hostPath: '/home/me/proj', settings: { host: 'tcp://10.0.0.5:2375' } })), /Docker host "tcp:/);
    });

    it('configFile that is not a usable path is left out rather than failing', () => {
      const authority = devContainer({ hostPath: '/p', configFile: { $mid: 1, path: 42, scheme: 'file' } });
      assert.deepEqual(parseRemoteAuthority(authority), { kind: 'devContainer', hostPath: '/p' });
    });

    it('attached-container with hex JSON (the {"containerName"} shape)', () => {
      assertNoHostPath(parseRemoteAuthority(`attached-container+${hex('{"containerName":"/test"}')}`), /attached/, 'attached-container');
    });

    it('ssh-remote with hex JSON shows the host name', () => {
      assertNoHostPath(parseRemoteAuthority(`ssh-remote+${hex('{"hostName":"devbox.lan","user":"me"}')}`), /SSH remote "devbox\.lan"/);
    });

    it('unknown kinds are named in the reason', () => {
      assertNoHostPath(parseRemoteAuthority('future-remote+abc'), /"future-remote" is not one the bridge knows/, 'future-remote');
      assertNoHostPath(parseRemoteAuthority('justaname'), /"justaname"/, 'justaname');
    });
  });

  describe('nested authorities (dev-container+HEX@parent; documented by kyanet/vscode-recent-by-remote)', () => {
    it('a container behind SSH: the host path is on the SSH machine', () => {
      const authority = `${devContainer({ hostPath: '/home/deploy/app' })}@ssh-remote+reddev`;
      assertNoHostPath(parseRemoteAuthority(authority), /runs behind another remote.*SSH remote "reddev"/, 'dev-container');
    });

    it('a container behind SSH with a user@host parent', () => {
      const authority = `${devContainer({ hostPath: '/srv/app' })}@ssh-remote+build@example.org`;
      assertNoHostPath(parseRemoteAuthority(authority), /SSH remote "build@example\.org"/);
    });

    it('a container behind a tunnel', () => {
      assertNoHostPath(parseRemoteAuthority(`${devContainer('/home/me/p')}@tunnel+myhost`), /remote tunnel "myhost"/);
    });

    it('a container started inside WSL: Linux host path becomes the UNC path', () => {
      const authority = `${devContainer({ hostPath: '/home/me/proj', configFile: { path: '/home/me/proj/.devcontainer/devcontainer.json', scheme: 'vscode-fileHost' } })}@wsl+Ubuntu-24.04`;
      assert.deepEqual(parseRemoteAuthority(authority), {
        kind: 'devContainer',
        hostPath: '\\\\wsl.localhost\\Ubuntu-24.04\\home\\me\\proj',
        configFile: '/home/me/proj/.devcontainer/devcontainer.json',
      });
    });

    it('a WSL parent with a hostPath that is already a Windows path keeps it', () => {
      assert.deepEqual(parseRemoteAuthority(`${devContainer('\\\\wsl.localhost\\Ubuntu\\home\\me')}@wsl+Ubuntu`), {
        kind: 'devContainer',
        hostPath: '\\\\wsl.localhost\\Ubuntu\\home\\me',
      });
    });

    it('a WSL parent with an unsafe distro name is refused', () => {
      assertNoHostPath(parseRemoteAuthority(`${devContainer('/home/me')}@wsl+..\\..\\evil`), /WSL distribution name/);
      assertNoHostPath(parseRemoteAuthority(`${devContainer('/home/me')}@wsl+`), /WSL distribution name/);
    });
  });

  describe('malformed input never throws', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['empty payload', 'dev-container+', /not valid hex/],
      ['odd-length hex', 'dev-container+2f6', /not valid hex/],
      ['non-hex', 'dev-container+2g', /not valid hex/],
      ['hex of a file URI typed by hand', 'dev-container+file:///home/me/p', /not valid hex/],
      ['invalid UTF-8', 'dev-container+2fc328', /not valid hex-encoded UTF-8/],
      ['truncated JSON', devContainer('{"hostPath":"/a"'), /JSON that cannot be read/],
      ['JSON array', devContainer('{"hostPath":"/a"}'.replace('{', '[{') + ']'), /not an absolute path/],
      ['JSON without hostPath', devContainer({ workspacePath: '/home/me/p' }), /no "hostPath"/],
      ['hostPath not a string', devContainer({ hostPath: 42 }), /not a string/],
      ['hostPath null', devContainer({ hostPath: null }), /not a string/],
      ['hostPath empty', devContainer({ hostPath: '' }), /empty/],
      ['relative hostPath', devContainer({ hostPath: 'proj/src' }), /not an absolute path/],
      ['raw relative path', devContainer('proj'), /not an absolute path/],
      ['drive-relative Windows path', devContainer({ hostPath: 'C:proj' }), /not an absolute path/],
      ['hostPath with NUL', devContainer({ hostPath: '/home/me\u0000/p' }), /control characters/],
      ['hostPath with a newline', devContainer({ hostPath: '/home/me\n/p' }), /control characters/],
      ['hostPath with DEL', devContainer('/home/\u007f'), /control characters/],
      ['absurdly long hostPath', devContainer({ hostPath: `/${'a'.repeat(5000)}` }), /implausibly long/],
      ['wsl without distro', 'wsl+', /WSL distribution name/],
      ['wsl with a separator in the distro', 'wsl+Ubuntu\\..', /WSL distribution name/],
    ];
    for (const [name, authority, reason] of cases) {
      it(name, () => assertNoHostPath(parseRemoteAuthority(authority), reason));
    }

    it('an absurdly long authority is refused before decoding', () => {
      assertNoHostPath(parseRemoteAuthority(`dev-container+${'2f'.repeat(40000)}`), /implausibly long/);
    });

    it('control characters in an unknown kind do not reach the message', () => {
      const info = parseRemoteAuthority('evil\u001b[31m+x');
      assert.equal(info.kind, 'noHostPath');
      assert.ok(info.kind === 'noHostPath' && !info.reason.includes('\u001b') && !info.remote.includes('\u001b'));
    });

    it('a non-string at run time is refused', () => {
      assertNoHostPath(parseRemoteAuthority(42 as unknown as string), /not a string/);
    });
  });
});
