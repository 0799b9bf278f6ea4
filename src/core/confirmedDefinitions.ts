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

/** The ledger as a small JSON file: `{ "v": 1, "commands": { "<id>": "<fingerprint>" } }`. */
export class FileDefinitionLedger implements DefinitionLedger {
  private cache: Map<string, string> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  isConfirmed(definition: CommandDefinition): boolean {
    return this.entries().get(definition.id) === definitionFingerprint(definition);
  }

  confirm(definition: CommandDefinition): Promise<void> {
    this.entries().set(definition.id, definitionFingerprint(definition));
    // Writes one after another, each with everything confirmed so far.
    const written = this.writing.then(() => this.write());
    this.writing = written.catch(() => undefined);
    return written;
  }

  private entries(): Map<string, string> {
    if (this.cache) return this.cache;
    this.cache = new Map();
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      const commands = parsed !== null && typeof parsed === 'object' && (parsed as { v?: unknown }).v === FILE_VERSION ? (parsed as { commands?: unknown }).commands : undefined;
      if (commands !== null && typeof commands === 'object') {
        for (const [id, fingerprint] of Object.entries(commands)) {
          if (typeof fingerprint === 'string') this.cache.set(id, fingerprint);
        }
      }
    } catch {
      // No file yet, or an unreadable one: nothing is confirmed, so each command asks once.
    }
    return this.cache;
  }

  private async write(): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temporary, ledgerFileContent(this.entries()), { mode: 0o600 });
    await fs.promises.rename(temporary, this.file);
  }
}
