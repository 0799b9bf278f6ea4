// Makes a value safe to show in a confirmation prompt: anything that could disguise what will run
// (newlines, control characters, bidi overrides, zero-width and other invisible characters) is shown
// as a visible escape instead of being rendered.

/** Characters that change layout or are invisible: C0/C1 controls, bidi controls, zero-width and format characters. */
const DISGUISING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u{115F}\u{1160}\u{3164}\u{FFA0}\u{FFFC}\u{FFFD}]|[\u{2000}-\u{200A}\u{205F}\u{3000}\u{00A0}\u{1680}\u{202F}]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0', '\\': '\\\\' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0)!;
  return code <= 0xffff ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : `\\u{${code.toString(16).toUpperCase()}}`;
}

/** True when showing the value as-is could mislead. */
export function hasDisguisingCharacters(value: string): boolean {
  DISGUISING.lastIndex = 0;
  return DISGUISING.test(value);
}

/**
 * The value as it should appear in a prompt. Plain values are shown unchanged; a value with any
 * disguising character is shown with those characters (and backslashes) escaped, so the escaping
 * itself cannot be forged by a value that already contains a literal "\n".
 */
export function escapeForDisplay(value: string): string {
  if (!hasDisguisingCharacters(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(DISGUISING, (ch) => escapeChar(ch));
}

/** An argv element as it reads in a prompt: quoted when empty or when spaces would hide its boundaries. */
export function displayArgument(value: string): string {
  const shown = escapeForDisplay(value);
  return shown === '' || /[\s"'`$;&|<>(){}*?#~]/.test(shown) ? JSON.stringify(shown).replace(/\\\\/g, '\\') : shown;
}
