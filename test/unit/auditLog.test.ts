import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, type AuditRecord } from '../../src/core/auditLog';

function record(n: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    time: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
    source: 'palette',
    workspace: '/home/me/proj',
    command: `cmd-${n}`,
    decision: 'trusted',
    ...extra,
  };
}

const commands = (records: AuditRecord[]) => records.map((r) => r.command);

describe('AuditLog', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-audit-'));
    file = path.join(dir, 'logs', 'audit.jsonl');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads nothing before anything was written', () => {
    assert.deepEqual(new AuditLog(file).read(), []);
  });

  it('creates the folder, appends one JSON line per record and reads them back newest first', () => {
    const log = new AuditLog(file);
    log.append(record(1));
    log.append(record(2, { decision: 'denied', program: '/usr/bin/make', args: ['a b', 'c\nd'], exitCode: null }));
    log.append(record(3));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '');
    assert.deepEqual(JSON.parse(lines[0]!), record(1));
    const read = log.read();
    assert.deepEqual(commands(read), ['cmd-3', 'cmd-2', 'cmd-1']);
    assert.deepEqual(read[1], record(2, { decision: 'denied', program: '/usr/bin/make', args: ['a b', 'c\nd'], exitCode: null }));
  });

  it('keeps each record on one line whatever its values contain', () => {
    const log = new AuditLog(file);
    log.append(record(1, { message: 'line1\nline2\r\n{"fake": "record"}\u2028' }));
    assert.equal(fs.readFileSync(file, 'utf8').split('\n').length, 2);
    assert.equal(log.read()[0]!.message, 'line1\nline2\r\n{"fake": "record"}\u2028');
  });

  it('makes its folder again when it was removed between two records', () => {
    const log = new AuditLog(file);
    log.append(record(1));
    fs.rmSync(path.dirname(file), { recursive: true });
    log.append(record(2));
    assert.deepEqual(commands(log.read()), ['cmd-2']);
  });

  it('limits how many records are read', () => {
    const log = new AuditLog(file);
    for (let n = 1; n <= 10; n++) log.append(record(n));
    assert.deepEqual(commands(log.read(3)), ['cmd-10', 'cmd-9', 'cmd-8']);
  });

  it('continues an existing log written by an earlier session', () => {
    new AuditLog(file).append(record(1));
    const later = new AuditLog(file);
    later.append(record(2));
    assert.deepEqual(commands(later.read()), ['cmd-2', 'cmd-1']);
  });

  it('creates the file readable and writable by the user only (0600)', function () {
    if (process.platform === 'win32') this.skip();
    const log = new AuditLog(file);
    log.append(record(1));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('rotated files stay 0600', function () {
    if (process.platform === 'win32') this.skip();
    const log = new AuditLog(file, 200, 2);
    for (let n = 1; n <= 10; n++) log.append(record(n));
    for (const name of fs.readdirSync(path.dirname(file))) {
      assert.equal(fs.statSync(path.join(path.dirname(file), name)).mode & 0o777, 0o600, name);
    }
  });

  describe('rotation', () => {
    const lineBytes = Buffer.byteLength(`${JSON.stringify(record(1))}\n`);
    /** Room for `n` records whatever their number (cmd-1 … cmd-12), and not for n + 1. */
    const room = (n: number) => lineBytes * n + n;

    it('rotates by size: no file grows past the limit', () => {
      const maxBytes = room(3);
      const log = new AuditLog(file, maxBytes, 3);
      for (let n = 1; n <= 5; n++) log.append(record(n));
      for (const name of fs.readdirSync(path.dirname(file))) {
        assert.ok(fs.statSync(path.join(path.dirname(file), name)).size <= maxBytes, name);
      }
      assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['audit.1.jsonl', 'audit.jsonl']);
      assert.deepEqual(commands(log.read()), ['cmd-5', 'cmd-4', 'cmd-3', 'cmd-2', 'cmd-1']);
    });

    it('keeps N rotated files and drops the oldest', () => {
      const log = new AuditLog(file, room(2), 2);
      for (let n = 1; n <= 12; n++) log.append(record(n));
      assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['audit.1.jsonl', 'audit.2.jsonl', 'audit.jsonl']);
      // 3 files of 2 records: the 6 newest survive, newest first across files.
      assert.deepEqual(commands(log.read()), ['cmd-12', 'cmd-11', 'cmd-10', 'cmd-9', 'cmd-8', 'cmd-7']);
      assert.deepEqual(commands(new AuditLog(file, room(2), 2).read()), ['cmd-12', 'cmd-11', 'cmd-10', 'cmd-9', 'cmd-8', 'cmd-7']);
    });

    it('counts the size of a log left by an earlier session', () => {
      new AuditLog(file, room(2), 1).append(record(1));
      new AuditLog(file, room(2), 1).append(record(2));
      const third = new AuditLog(file, room(2), 1);
      third.append(record(3));
      assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['audit.1.jsonl', 'audit.jsonl']);
      assert.deepEqual(commands(third.read()), ['cmd-3', 'cmd-2', 'cmd-1']);
    });

    it('never rotates an empty file away, even for a record larger than the limit', () => {
      const log = new AuditLog(file, 10, 2);
      log.append(record(1, { message: 'x'.repeat(100) }));
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['audit.jsonl']);
      assert.deepEqual(commands(log.read()), ['cmd-1']);
    });

    it('reads the limit across rotated files, newest first', () => {
      const log = new AuditLog(file, room(2), 3);
      for (let n = 1; n <= 7; n++) log.append(record(n));
      assert.deepEqual(commands(log.read(5)), ['cmd-7', 'cmd-6', 'cmd-5', 'cmd-4', 'cmd-3']);
    });
  });

  describe('damaged lines', () => {
    it('skips a torn last line (a crash mid-write) and keeps the records before it', () => {
      const log = new AuditLog(file);
      log.append(record(1));
      log.append(record(2));
      fs.appendFileSync(file, JSON.stringify(record(3)).slice(0, 25));
      assert.deepEqual(commands(new AuditLog(file).read()), ['cmd-2', 'cmd-1']);
    });

    it('a record appended after a torn line is not lost with it', () => {
      const first = new AuditLog(file);
      first.append(record(1));
      fs.appendFileSync(file, JSON.stringify(record(2)).slice(0, 25));
      const next = new AuditLog(file);
      next.append(record(3));
      next.append(record(4));
      assert.deepEqual(commands(next.read()), ['cmd-4', 'cmd-3', 'cmd-1']);
    });

    it('skips a garbage line in the middle and keeps the rest', () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(record(1))}\nnot json\n${JSON.stringify(record(2))}\n`);
      assert.deepEqual(commands(new AuditLog(file).read()), ['cmd-2', 'cmd-1']);
    });
  });
});
