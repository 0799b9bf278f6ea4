// The host-command CLI's folder, on the real file system: the same private folder every time, and never
// one that someone else could have prepared.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { clearStaleSocket, isPrivateFolder, openCliFolder } from '../../src/workspace/cliFolder';

const posix = process.platform !== 'win32';

describe('host-command folder', () => {
  let base: string;

  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-unit-')));
  });

  afterEach(() => {
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('is created private (0700) the first time and reused the next', () => {
    const first = openCliFolder('host-commands-1-abc', base);
    assert.deepEqual(first, { folder: path.join(base, 'host-commands-1-abc'), stable: true });
    if (posix) assert.equal(fs.statSync(first.folder).mode & 0o777, 0o700);
    fs.writeFileSync(path.join(first.folder, 'kept'), '');
    assert.deepEqual(openCliFolder('host-commands-1-abc', base), first);
    assert.ok(fs.existsSync(path.join(first.folder, 'kept')));
  });

  it('one others can read or enter is not used: a fresh private folder instead', function () {
    if (!posix) this.skip();
    const stable = path.join(base, 'host-commands-1-abc');
    fs.mkdirSync(stable);
    fs.chmodSync(stable, 0o755);
    const opened = openCliFolder('host-commands-1-abc', base);
    assert.equal(opened.stable, false);
    assert.notEqual(opened.folder, stable);
    assert.equal(fs.statSync(opened.folder).mode & 0o777, 0o700);
  });

  it('a symlink, even to a private folder of this user, is not used', function () {
    if (!posix) this.skip();
    const target = path.join(base, 'elsewhere');
    fs.mkdirSync(target, { mode: 0o700 });
    fs.symlinkSync(target, path.join(base, 'host-commands-1-abc'));
    const opened = openCliFolder('host-commands-1-abc', base);
    assert.equal(opened.stable, false);
    assert.equal(isPrivateFolder(path.join(base, 'host-commands-1-abc')), false);
  });

  it('a file in its place is not used', () => {
    fs.writeFileSync(path.join(base, 'host-commands-1-abc'), '');
    assert.equal(openCliFolder('host-commands-1-abc', base).stable, false);
  });

  it('a folder another user owns is not used', function () {
    if (!posix || process.getuid?.() !== 0) this.skip(); // only root can give a folder away
    const stable = path.join(base, 'host-commands-0-abc');
    fs.mkdirSync(stable, { mode: 0o700 });
    fs.chownSync(stable, 12345, 12345);
    assert.equal(isPrivateFolder(stable), false);
    assert.equal(openCliFolder('host-commands-0-abc', base).stable, false);
  });

  it('a stale socket (no server behind it) is removed; a live one is left alone', async function () {
    if (!posix) this.skip();
    const socketPath = path.join(base, 'ipc.sock');
    const live = net.createServer();
    live.listen(socketPath);
    await once(live, 'listening');
    assert.equal(await clearStaleSocket(socketPath), false);
    assert.ok(fs.existsSync(socketPath));
    live.close();
    await once(live, 'close');

    // A server that ended without removing its socket file, as a crashed extension host leaves it.
    const { spawnSync } = await import('node:child_process');
    const script = `const s=require('net').createServer().listen(${JSON.stringify(socketPath)},()=>process.exit(0))`;
    assert.equal(spawnSync(process.execPath, ['-e', script]).status, 0);
    assert.ok(fs.lstatSync(socketPath).isSocket(), 'the dead server left its socket file');
    assert.equal(await clearStaleSocket(socketPath), true);
    assert.equal(fs.existsSync(socketPath), false);

    assert.equal(await clearStaleSocket(socketPath), true, 'nothing there: free');
  });
});
