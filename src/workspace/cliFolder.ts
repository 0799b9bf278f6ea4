// Where the `host-command` CLI's socket and script live. The folder is at the same path for a user and a
// workspace every time (terminals restored after a window reload keep the environment they started with),
// and only this user can enter it: under a shared temp folder, a folder someone else created first, a
// symlink, or one that others can read is not used; a fresh private folder is used instead.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface CliFolder {
  folder: string;
  /** The stable folder (kept after the window closes), or a fresh one for this activation only. */
  stable: boolean;
}

/** This user, as part of a folder name: the uid, or the user name where there are no uids (Windows). */
export function currentUser(): string {
  const uid = process.getuid?.();
  return uid !== undefined ? String(uid) : os.userInfo().username || 'user';
}

/** Whether `folder` is a real folder (not a symlink) owned by this user, with no access for group or others. */
export function isPrivateFolder(folder: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(folder);
  } catch {
    return false;
  }
  if (!stat.isDirectory()) return false;
  // Windows has neither uids nor mode bits; its temp folder is the user's own.
  if (process.platform === 'win32' || process.getuid === undefined) return true;
  return stat.uid === process.getuid() && (stat.mode & 0o077) === 0;
}

/** A fresh folder only this user can enter. */
export function freshPrivateFolder(base = os.tmpdir()): string {
  const folder = fs.mkdtempSync(path.join(base, 'host-commands-'));
  fs.chmodSync(folder, 0o700);
  return folder;
}

/** `base/name`, created with mode 0700 if missing, when it is private to this user; otherwise a fresh private folder. */
export function openCliFolder(name: string, base = os.tmpdir()): CliFolder {
  const folder = path.join(base, name);
  try {
    fs.mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return { folder: freshPrivateFolder(base), stable: false };
  }
  // Checked after mkdir, whether it made the folder or found one: whatever is there now is what gets used.
  if (isPrivateFolder(folder)) return { folder, stable: true };
  return { folder: freshPrivateFolder(base), stable: false };
}

/** Whether a server answers on the Unix socket (or named pipe) `socketPath`. */
export function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * Makes `socketPath` free to listen on: a socket file nobody answers on any more (left by a window that was
 * reloaded or crashed) is removed. False when a server still answers there.
 */
export async function clearStaleSocket(socketPath: string): Promise<boolean> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch {
    return true;
  }
  if (stat.isSocket() && (await socketAnswers(socketPath))) return false;
  fs.rmSync(socketPath, { force: true });
  return true;
}
