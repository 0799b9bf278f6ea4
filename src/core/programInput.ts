// The program a user types into "Add a Host Command": checked as they type, so a mistake such as
// "sleep 10" (the program and its argument in one box) is caught there rather than at the first run.
import path from 'node:path';

/** Variables that expand to an absolute host path, so a program starting with one is a path, as an absolute one is. */
const ABSOLUTE_VARIABLE = /^\$\{(?:userHome|workspaceFolder)\}(?:[\\/]|$)/;

/**
 * An absolute path on either kind of host ("/usr/bin/x", "C:\\Program Files\\x.exe", "\\\\server\\share\\x"),
 * or one made from a variable that expands to one ("${userHome}/bin/x").
 */
export function isAbsoluteProgram(program: string): boolean {
  return path.posix.isAbsolute(program) || path.win32.isAbsolute(program) || ABSOLUTE_VARIABLE.test(program);
}

/**
 * Why the typed program cannot be right, or undefined when it can. A program that is not an absolute path is
 * run by name (looked up on the host's PATH) or as a path relative to the working directory: spaces in it are
 * almost always arguments typed into the wrong box. Absolute paths may contain spaces.
 */
export function checkProgramInput(value: string): string | undefined {
  const program = value.trim();
  if (program === '') return 'the program is required';
  if (isAbsoluteProgram(program) || !/\s/.test(program)) return undefined;
  const [first = '', ...rest] = program.split(/\s+/);
  if (/[\\/]/.test(first)) {
    return 'a program path with spaces must be absolute (e.g. /Applications/My App.app/Contents/MacOS/tool); otherwise it has no spaces';
  }
  return `a program name has no spaces: put "${rest.join(' ')}" in the next step (arguments)`;
}
