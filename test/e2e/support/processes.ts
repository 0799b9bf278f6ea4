// Whether a process is still running, for the tests that check a process tree was ended. Usable from both
// sides (the Node-side suites and the in-host ones): it needs neither vscode nor Playwright.
import * as fs from 'node:fs';

/**
 * A killed child stays a zombie until init reaps it (in some containers only every second or so); signal 0
 * still reaches a zombie, so /proc tells the two apart. A zombie runs nothing: it counts as gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z /s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): signal 0 is all there is
  }
}
