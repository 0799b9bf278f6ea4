import assert from 'node:assert/strict';
import { displayArgument, escapeForDisplay, hasDisguisingCharacters } from '../../src/core/displayEscape';

const hex = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');

/** Every character that must never be rendered raw in a prompt. */
const disguising: Array<[string, number]> = [
  ...[0x00, 0x01, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b, 0x1f, 0x7f].map((c): [string, number] => [`C0/DEL U+${hex(c)}`, c]),
  ...Array.from({ length: 0x20 }, (_, i): [string, number] => [`C1 U+${hex(0x80 + i)}`, 0x80 + i]),
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e].map((c): [string, number] => [`bidi embedding/override U+${hex(c)}`, c]),
  ...[0x2066, 0x2067, 0x2068, 0x2069].map((c): [string, number] => [`bidi isolate U+${hex(c)}`, c]),
  ...[0x200e, 0x200f, 0x061c].map((c): [string, number] => [`direction mark U+${hex(c)}`, c]),
  ...[0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad].map((c): [string, number] => [`zero-width/format U+${hex(c)}`, c]),
  ...[0x00a0, 0x1680, 0x2000, 0x2002, 0x2007, 0x200a, 0x202f, 0x205f, 0x3000].map((c): [string, number] => [`odd space U+${hex(c)}`, c]),
  ...[0x2028, 0x2029].map((c): [string, number] => [`line/paragraph separator U+${hex(c)}`, c]),
  ...[0x115f, 0x1160, 0x3164, 0xffa0].map((c): [string, number] => [`Hangul filler U+${hex(c)}`, c]),
  ['tag character U+E0041', 0xe0041],
];

describe('escapeForDisplay', () => {
  it('shows newline, CR, tab and NUL as named escapes', () => {
    assert.equal(escapeForDisplay('a\nb'), 'a\\nb');
    assert.equal(escapeForDisplay('a\rb'), 'a\\rb');
    assert.equal(escapeForDisplay('a\tb'), 'a\\tb');
    assert.equal(escapeForDisplay('a\0b'), 'a\\0b');
    assert.equal(escapeForDisplay('\r\n'), '\\r\\n');
  });

  it('shows ESC (terminal sequences) as \\u001B', () => {
    assert.equal(escapeForDisplay('\u001b[2Jclear'), '\\u001B[2Jclear');
  });

  it('shows bidi overrides and isolates escaped (the "Trojan Source" trick)', () => {
    assert.equal(escapeForDisplay('safe\u202Eexe.txt'), 'safe\\u202Eexe.txt');
    assert.equal(escapeForDisplay('\u2066rm\u2069'), '\\u2066rm\\u2069');
  });

  for (const [label, code] of disguising) {
    it(`escapes ${label}`, () => {
      const ch = String.fromCodePoint(code);
      const value = `a${ch}b`;
      assert.equal(hasDisguisingCharacters(value), true);
      const shown = escapeForDisplay(value);
      assert.ok(!shown.includes(ch), `raw character left in ${JSON.stringify(shown)}`);
      assert.ok(shown.startsWith('a\\') && shown.endsWith('b'), shown);
      assert.match(shown, /^a\\(?:[nrt0]|u[0-9A-F]{4}|u\{[0-9A-F]+\})b$/);
    });
  }

  it('uses the code point, not UTF-16 halves, for characters beyond the BMP', () => {
    assert.equal(escapeForDisplay('\u{E0041}'), '\\u{E0041}');
  });

  it('escapes every occurrence, not only the first', () => {
    assert.equal(escapeForDisplay('\u202E\u202E\n\n'), '\\u202E\\u202E\\n\\n');
  });

  it('leaves plain text unchanged', () => {
    for (const value of ['', 'npm', 'run test --watch', '/usr/local/bin/node', 'a "quoted" $HOME; echo', '~!@#%^&*()_+{}|:<>?']) {
      assert.equal(hasDisguisingCharacters(value), false, value);
      assert.equal(escapeForDisplay(value), value);
    }
  });

  it('leaves ordinary non-ASCII text unchanged: accents, CJK, RTL letters, emoji', () => {
    for (const value of ['café', 'é', '中文路径', 'Grüße', 'עברית', 'العربية', '😀', '🚀 deploy', '👍🏽']) {
      assert.equal(hasDisguisingCharacters(value), false, value);
      assert.equal(escapeForDisplay(value), value);
    }
  });

  it('does not double backslashes in a value that needs no escaping', () => {
    assert.equal(escapeForDisplay('C:\\Users\\me'), 'C:\\Users\\me');
    assert.equal(escapeForDisplay('a\\nb'), 'a\\nb');
  });

  it('doubles backslashes when escaping is needed, so a literal "\\n" cannot pass for an escaped newline', () => {
    const literal = escapeForDisplay('x\\ny\t');
    const real = escapeForDisplay('x\ny\t');
    assert.equal(literal, 'x\\\\ny\\t');
    assert.equal(real, 'x\\ny\\t');
    assert.notEqual(literal, real);
    assert.equal(escapeForDisplay('C:\\dir\u202E'), 'C:\\\\dir\\u202E');
  });

  it('is not fooled by a value that already spells an escape next to a real one', () => {
    assert.notEqual(escapeForDisplay('\\u202E\u200B'), escapeForDisplay('\u202E\u200B'));
  });

  it('hasDisguisingCharacters gives the same answer on repeated calls (no regex state leaks)', () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(hasDisguisingCharacters('a\nb'), true);
      assert.equal(hasDisguisingCharacters('ab'), false);
    }
  });
});

describe('displayArgument', () => {
  it('shows a plain argument as it is', () => {
    for (const value of ['--verbose', 'main', '/home/me/proj', 'C:\\Users\\me', 'key=value', 'café']) {
      assert.equal(displayArgument(value), value);
    }
  });

  it('quotes the empty argument so it is visible', () => {
    assert.equal(displayArgument(''), '""');
  });

  it('quotes an argument with spaces, so one argument is not read as several', () => {
    assert.equal(displayArgument('a b'), '"a b"');
    assert.equal(displayArgument('C:\\Program Files\\app'), '"C:\\Program Files\\app"');
  });

  it('quotes arguments with shell-looking characters, so they read as one literal value', () => {
    for (const value of ['a;b', '$HOME', 'a|b', 'a&b', '<in', 'out>', '$(x)', '`x`', '*.ts', 'a?', '#c', '~', "it's", '{a,b}']) {
      assert.equal(displayArgument(value), JSON.stringify(value), value);
    }
  });

  it('escapes quotes inside a quoted argument', () => {
    assert.equal(displayArgument('say "hi"'), '"say \\"hi\\""');
  });

  it('escapes disguising characters before deciding on quotes: a newline cannot split the line', () => {
    const shown = displayArgument('ok\nrm -rf ~');
    assert.ok(!shown.includes('\n'));
    assert.equal(shown, '"ok\\nrm -rf ~"');
    assert.equal(displayArgument('a\tb'), 'a\\tb');
    assert.equal(displayArgument('x\u00A0y'), 'x\\u00A0y');
  });

  it('keeps the doubled backslashes of an escaped value when quoting it', () => {
    assert.equal(displayArgument('C:\\a b\n'), '"C:\\\\a b\\n"');
  });
});
