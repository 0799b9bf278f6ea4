// The host environment a command runs in. A VS Code started from the Dock or a desktop launcher on
// macOS does not have the login shell's PATH, so `npm`, `brew` or `docker` would not be found; the
// login shell is asked once for its PATH and that is used instead.
import { execFileSync } from 'node:child_process';
import which from 'which';

const MARKER = '__HOST_COMMANDS_PATH__';

/** PATH as the user's login shell sets it, or undefined when it cannot be read quickly. */
export function loginShellPath(shell = process.env.SHELL, timeoutMs = 3000): string | undefined {
  if (!shell || process.platform === 'win32') return undefined;
  try {
    const out = execFileSync(shell, ['-ilc', `printf '%s%s%s' '${MARKER}' "$PATH" '${MARKER}'`], {
      encoding: 'utf8',
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, TERM: 'dumb' },
    });
    const match = new RegExp(`${MARKER}(.*?)${MARKER}`, 's').exec(out);
    return match?.[1] || undefined;
  } catch {
    return undefined;
  }
}

/** The environment host processes start from: this process's, with PATH from the login shell where the launcher dropped it. */
export function hostBaseEnvironment(env: NodeJS.ProcessEnv = process.env, platform = process.platform): NodeJS.ProcessEnv {
  if (platform !== 'darwin') return { ...env };
  const shellPath = loginShellPath(env.SHELL);
  return shellPath ? { ...env, PATH: shellPath } : { ...env };
}

/** Looks a program up on the given PATH (and PATHEXT on Windows). */
export function findProgramOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const found = which.sync(name, { nothrow: true, path: env.PATH ?? env.Path ?? '' });
  return found ?? undefined;
}
