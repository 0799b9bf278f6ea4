// Hashing a workspace file the container controls: exact for a regular file; never hangs, never reads
// without bound, and says why when a path cannot be pinned down.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileFingerprint, MAX_PINNED_BYTES, MISSING, unpinnableReason } from '../../src/core/fileFingerprint';

const posix = process.platform !== 'win32';

describe('fileFingerprint', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-fingerprint-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is the sha256 of a regular file, through a symbolic link too, and changes with one byte', async () => {
    const file = path.join(dir, 'tool.sh');
    const bytes = Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.alloc(200_000, 0x61)]);
    fs.writeFileSync(file, bytes);
    const expected = createHash('sha256').update(bytes).digest('hex');
    assert.equal(await fileFingerprint(file), expected);
    if (posix) {
      fs.symlinkSync(file, path.join(dir, 'link.sh'));
      assert.equal(await fileFingerprint(path.join(dir, 'link.sh')), expected);
    }
    fs.appendFileSync(file, 'x');
    assert.notEqual(await fileFingerprint(file), expected);
  });

  it('says "missing" for a file that is not there, also below a file', async () => {
    fs.writeFileSync(path.join(dir, 'file'), '');
    assert.equal(await fileFingerprint(path.join(dir, 'nope')), MISSING);
    assert.equal(await fileFingerprint(path.join(dir, 'file', 'below')), MISSING);
    assert.equal(unpinnableReason(MISSING), undefined);
  });

  it('cannot pin down a folder, a named pipe, a device or a file over the limit, and says which', async function () {
    if (!posix) this.skip();
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const sparse = path.join(dir, 'sparse');
    fs.writeFileSync(sparse, '');
    fs.truncateSync(sparse, MAX_PINNED_BYTES + 1);
    const cases: Array<[string, string]> = [
      [dir, 'a folder, whose files can change without it'],
      [fifo, 'not a regular file'],
      ['/dev/zero', 'not a regular file'],
      [sparse, 'larger than 64 MiB'],
    ];
    for (const [file, reason] of cases) assert.equal(unpinnableReason(await fileFingerprint(file)), reason, file);
  });
});
