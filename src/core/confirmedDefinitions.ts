// The user's own host commands as the host user last confirmed them.
//
// `hostCommands.commands` is an application-scoped user setting, but VS Code lets any extension write such a
// setting through the configuration API, including an extension running in the container (a repository can
// ask for extensions, and a process in the container can install one). So the setting alone does not prove
// the user wrote a definition: one that is new or changed since the user last confirmed it asks once on the
// host, whatever its "confirm" says. The record lives in a file in the bridge's global storage, on the host,
// where nothing in the container can write.
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson, sha256 } from './approvals';
import type { CommandDefinition } from './definitions';

export interface DefinitionLedger {
  /** Whether the user confirmed exactly this definition (every field) under its id. */
  isConfirmed(definition: CommandDefinition): boolean;
  /** Records that the user confirmed this definition on the host. */
  confirm(definition: CommandDefinition): Promise<void>;
}

/** Definitions are loaded once per settings change and then reused: hash each once, not on every request. */
const fingerprints = new WeakMap<CommandDefinition, string>();

/** A hash of every field of the definition: changing any of them (even the title) asks again. */
export function definitionFingerprint(definition: CommandDefinition): string {
  let fingerprint = fingerprints.get(definition);
  if (fingerprint === undefined) {
    fingerprint = sha256(canonicalJson({ kind: 'host-commands-confirmed/1', definition: { ...definition } }));
    fingerprints.set(definition, fingerprint);
  }
  return fingerprint;
}

const FILE_VERSION = 1;

/** Where the bridge keeps the file, under its global storage folder. */
export const CONFIRMED_DEFINITIONS_FILE = 'confirmed-commands.json';

/** The file's content for these fingerprints by command id. */
export function ledgerFileContent(fingerprints: Iterable<[string, string]>): string {
  return `${JSON.stringify({ v: FILE_VERSION, commands: Object.fromEntries(fingerprints) }, null, 2)}\n`;
}

/** The file as it is once the user has confirmed each of these definitions (for setting up a profile). */
export function confirmedLedgerContent(definitions: readonly CommandDefinition[]): string {
  return ledgerFileContent(definitions.map((definition) => [definition.id, definitionFingerprint(definition)]));
}

/**
 * The ledger as a small JSON file: `{ "v": 1, "commands": { "<id>": "<fingerprint>" } }`. Several windows (each its
 * own bridge) share it: each reads it again when it changed on disk, and each write merges into what is there.
 */
export class FileDefinitionLedger implements DefinitionLedger {
  private cache: Map<string, string> | undefined;
  /** Which version of the file the cache holds: a write replaces the file (a new inode) and sets its time. */
  private cachedVersion: string | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  isConfirmed(definition: CommandDefinition): boolean {
    return this.entries().get(definition.id) === definitionFingerprint(definition);
  }

  /** Counts only once written: a confirmation that could not be saved is asked again. */
  confirm(definition: CommandDefinition): Promise<void> {
    const fingerprint = definitionFingerprint(definition);
    return this.update((entries) => entries.set(definition.id, fingerprint));
  }

  /** Forgets commands no longer in the settings: one deleted on purpose and written back by someone else asks again. */
  forgetAllBut(ids: ReadonlySet<string>): Promise<void> {
    if ([...this.entries().keys()].every((id) => ids.has(id))) return Promise.resolve();
    return this.update((entries) => {
      for (const id of [...entries.keys()]) if (!ids.has(id)) entries.delete(id);
    });
  }

  private entries(): Map<string, string> {
    const version = this.version();
    if (this.cache && version === this.cachedVersion) return this.cache;
    this.cache = this.read();
    this.cachedVersion = version;
    return this.cache;
  }

  private version(): string | undefined {
    try {
      const stat = fs.statSync(this.file);
      return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      return undefined;
    }
  }

  private read(): Map<string, string> {
    const entries = new Map<string, string>();
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      const commands = parsed !== null && typeof parsed === 'object' && (parsed as { v?: unknown }).v === FILE_VERSION ? (parsed as { commands?: unknown }).commands : undefined;
      if (commands !== null && typeof commands === 'object') {
        for (const [id, fingerprint] of Object.entries(commands)) {
          if (typeof fingerprint === 'string') entries.set(id, fingerprint);
        }
      }
    } catch {
      // No file yet, or an unreadable one: nothing is confirmed, so each command asks once.
    }
    return entries;
  }

  /** Applies `change` to what is on disk now (another window may have written since) and writes it back. */
  private update(change: (entries: Map<string, string>) => void): Promise<void> {
    const written = this.writing.then(async () => {
      const entries = this.read();
      change(entries);
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await fs.promises.writeFile(temporary, ledgerFileContent(entries), { mode: 0o600 });
      await fs.promises.rename(temporary, this.file);
      this.cache = entries;
      this.cachedVersion = this.version();
    });
    // One write after another; a failed one does not stop the next.
    this.writing = written.catch(() => undefined);
    return written;
  }
}
