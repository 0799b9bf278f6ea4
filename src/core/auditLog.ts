// The audit trail on the host: one JSON line per request, in the bridge's global storage, rotated by
// size. Written synchronously so a record survives the window closing right after.
import fs from 'node:fs';
import path from 'node:path';
import type { CommandOrigin, RequestSource } from './protocol';

export type AuditDecision =
  | 'trusted' // the user's own command with confirm: never, run without asking
  | 'confirmed' // the user's own command, and the user clicked Run
  | 'approved-once'
  | 'approved-always' // ran under an earlier "always" approval, or was just given one
  | 'denied'
  | 'refused-invalid'
  | 'refused-unknown'
  | 'refused-policy'
  | 'refused-busy'
  | 'failed-to-start';

export interface AuditRecord {
  time: string;
  source: RequestSource | 'unknown';
  workspace: string;
  command: string | null;
  origin?: CommandOrigin;
  decision: AuditDecision;
  program?: string;
  args?: string[];
  cwd?: string;
  exitCode?: number | null;
  signal?: string | null;
  reason?: string;
  durationMs?: number;
  outputBytes?: number;
  message?: string;
}

export class AuditLog {
  private size: number | undefined;
  /** The folder was created (or found) once; it is created again only if it disappears. */
  private folderMade = false;

  constructor(
    readonly file: string,
    private readonly maxBytes = 1024 * 1024,
    private readonly keep = 3,
  ) {}

  append(record: AuditRecord): void {
    let line = `${JSON.stringify(record)}\n`;
    if (!this.folderMade) this.makeFolder();
    if (this.size === undefined) {
      this.size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
      // A torn last line left by a crash: end it first, or this record would join it and be skipped with it.
      if (this.size > 0 && !endsWithNewline(this.file, this.size)) line = `\n${line}`;
    }
    if (this.size > 0 && this.size + Buffer.byteLength(line) > this.maxBytes) this.rotate();
    try {
      fs.appendFileSync(this.file, line, { mode: 0o600 });
    } catch (error) {
      // Its folder was removed since (the user cleared the extension's storage): make it again, as before each record.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.makeFolder();
      fs.appendFileSync(this.file, line, { mode: 0o600 });
    }
    this.size += Buffer.byteLength(line);
  }

  private makeFolder(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.folderMade = true;
  }

  /** audit.jsonl → audit.1.jsonl → … → audit.<keep>.jsonl, the oldest dropped. */
  private rotate(): void {
    const rotated = (n: number) => this.file.replace(/\.jsonl$/, '') + `.${n}.jsonl`;
    fs.rmSync(rotated(this.keep), { force: true });
    for (let n = this.keep - 1; n >= 1; n--) {
      if (fs.existsSync(rotated(n))) fs.renameSync(rotated(n), rotated(n + 1));
    }
    fs.renameSync(this.file, rotated(1));
    this.size = 0;
  }

  /** The newest records first, across rotated files. */
  read(limit = 500): AuditRecord[] {
    const files = [this.file, ...Array.from({ length: this.keep }, (_, i) => this.file.replace(/\.jsonl$/, '') + `.${i + 1}.jsonl`)];
    const records: AuditRecord[] = [];
    for (const file of files) {
      if (!fs.existsSync(file)) continue;
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse();
      for (const line of lines) {
        try {
          records.push(JSON.parse(line) as AuditRecord);
        } catch {
          // A torn last line after a crash: skip it rather than hide the rest.
        }
        if (records.length >= limit) return records;
      }
    }
    return records;
  }
}

function endsWithNewline(file: string, size: number): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    fs.closeSync(fd);
  }
}
