// The content hash of a workspace file that decides what runs, for binding an approval to it. The container
// controls these paths, so reading one must neither hang (a named pipe), nor fill memory (a huge or sparse
// file, a link to /dev/zero), nor pretend to pin what it cannot (a folder, whose files change freely).
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';

/** The file is not there: the prompt says so, and an approval is bound to its absence. */
export const MISSING = 'missing';
/** Prefix of a result that no approval can be bound to; the rest says why, for the prompt. */
export const UNPINNABLE = 'unpinnable:';

/** Bigger than this is not read: scripts and configuration are far smaller. */
export const MAX_PINNED_BYTES = 64 * 1024 * 1024;

/** The reason a fingerprint cannot pin the file down, or undefined for a content hash or MISSING. */
export function unpinnableReason(fingerprint: string): string | undefined {
  return fingerprint.startsWith(UNPINNABLE) ? fingerprint.slice(UNPINNABLE.length) : undefined;
}

/**
 * sha256 of the file's bytes; MISSING; or UNPINNABLE + why. The file is opened without blocking and checked
 * through its own handle, so what is hashed is the file that was checked.
 */
export async function fileFingerprint(file: string): Promise<string> {
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer, holding a thread of libuv's pool.
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return MISSING;
    if (code === 'EISDIR') return `${UNPINNABLE}a folder, whose files can change without it`;
    return `${UNPINNABLE}cannot be read (${code ?? 'error'})`;
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return `${UNPINNABLE}a folder, whose files can change without it`;
    if (!stat.isFile()) return `${UNPINNABLE}not a regular file`;
    if (stat.size > MAX_PINNED_BYTES) return `${UNPINNABLE}larger than ${MAX_PINNED_BYTES / 1024 / 1024} MiB`;
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(64 * 1024);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      // It may grow while it is read: stop at the limit rather than follow it.
      if (total > MAX_PINNED_BYTES) return `${UNPINNABLE}larger than ${MAX_PINNED_BYTES / 1024 / 1024} MiB`;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } catch (error) {
    return `${UNPINNABLE}cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
