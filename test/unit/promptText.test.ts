import assert from 'node:assert/strict';
import { ALWAYS_BUTTON, DONT_RUN_BUTTON, promptContent, RUN_BUTTON, RUN_ONCE_BUTTON } from '../../src/core/promptText';
import type { RequestSource } from '../../src/core/protocol';
import type { ResolvedCommand } from '../../src/core/resolve';

function command(overrides: Partial<ResolvedCommand> = {}): ResolvedCommand {
  return {
    id: 'test',
    origin: 'workspace',
    title: 'Run tests',
    program: 'npm',
    programPath: '/usr/local/bin/npm',
    args: ['run', 'test'],
    cwd: '/home/me/proj',
    envAdditions: {},
    shell: false,
    timeoutMs: undefined,
    workspaceFiles: [],
    inlineCode: undefined,
    cwdMustStayInside: false,
    workspaceConfiguration: undefined,
    ...overrides,
  };
}

const WARNING = '⚠ Some values contain invisible, control or direction-changing characters; they are shown escaped.';

/** Anything a terminal or a dialog could render as something else, or not at all. */
const RAW_DISGUISE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u115F\u1160\u3164\uFFA0]/u;

function assertNoRawDisguise(text: string, allowNewlines: boolean): void {
  const stripped = allowNewlines ? text.replace(/\n/g, '') : text;
  const match = RAW_DISGUISE.exec(stripped);
  assert.equal(match, null, `raw U+${match?.[0].codePointAt(0)!.toString(16).toUpperCase()} in ${JSON.stringify(text)}`);
}

describe('promptContent', () => {
  it('confirm: a "Run" button and a message naming the command', () => {
    const content = promptContent('confirm', command({ origin: 'user' }), 'palette', 'proj');
    assert.deepEqual(content.buttons, [DONT_RUN_BUTTON, RUN_BUTTON]);
    assert.equal(content.message, 'Run "Run tests" on the host?');
  });

  it('approve: "Run Once" and "Always Allow in This Workspace", and a message naming the workspace', () => {
    const content = promptContent('approve', command(), 'palette', 'my-repo');
    assert.deepEqual(content.buttons, [DONT_RUN_BUTTON, RUN_ONCE_BUTTON, ALWAYS_BUTTON]);
    assert.equal(content.message, 'The workspace "my-repo" proposes a host command: Run tests. Run it on this machine?');
  });

  it('the dialog adds Cancel itself: no button says it', () => {
    for (const kind of ['confirm', 'approve'] as const) {
      assert.ok(!promptContent(kind, command(), 'palette', 'w').buttons.some((b) => /cancel/i.test(b)));
    }
  });

  it('shows the resolved program, every argument, and the working directory', () => {
    const { detail } = promptContent('confirm', command({ args: ['run', 'test', '--', 'a b', ''] }), 'palette', 'proj');
    const lines = detail.split('\n');
    assert.ok(lines.includes('Program: /usr/local/bin/npm'), detail);
    assert.ok(lines.includes('Arguments:'), detail);
    assert.ok(lines.includes('  [1] run'), detail);
    assert.ok(lines.includes('  [2] test'), detail);
    assert.ok(lines.includes('  [3] --'), detail);
    assert.ok(lines.includes('  [4] "a b"'), detail);
    assert.ok(lines.includes('  [5] ""'), detail);
    assert.ok(lines.includes('Working directory: /home/me/proj'), detail);
  });

  it('lists all of many arguments', () => {
    const args = Array.from({ length: 40 }, (_, i) => `arg${i}`);
    const { detail } = promptContent('confirm', command({ args }), 'palette', 'proj');
    args.forEach((arg, i) => assert.ok(detail.includes(`  [${i + 1}] ${arg}\n`), arg));
  });

  it('says so when there are no arguments', () => {
    assert.ok(promptContent('confirm', command({ args: [] }), 'palette', 'proj').detail.split('\n').includes('Arguments: (none)'));
  });

  it('says when the command runs through the host shell', () => {
    const shell = promptContent('confirm', command({ shell: true, programPath: 'make && make install', args: [] }), 'palette', 'p').detail;
    assert.ok(shell.includes('Runs through the host shell'), shell);
    assert.ok(shell.includes('Program: make && make install'), shell);
    assert.ok(!promptContent('confirm', command(), 'palette', 'p').detail.includes('shell'));
  });

  it('shows environment additions, escaped', () => {
    const { detail } = promptContent('approve', command({ envAdditions: { CI: '1', MSG: 'hello world', X: 'a\nb' } }), 'palette', 'p');
    const lines = detail.split('\n');
    assert.ok(lines.includes('Environment additions:'), detail);
    assert.ok(lines.includes('  CI=1'), detail);
    assert.ok(lines.includes('  MSG="hello world"'), detail);
    assert.ok(lines.includes('  X=a\\nb'), detail);
    assert.ok(!promptContent('approve', command(), 'palette', 'p').detail.includes('Environment'));
  });

  it('shows the time limit', () => {
    assert.ok(promptContent('confirm', command({ timeoutMs: 90_000 }), 'palette', 'p').detail.includes('Time limit: 90 s'));
  });

  it('warns about workspace files the container can change, and ties approval to their content', () => {
    const files = ['/home/me/proj/scripts/test.sh', '/home/me/proj/x.js'];
    const approve = promptContent('approve', command({ workspaceFiles: files }), 'palette', 'p').detail;
    assert.ok(approve.includes('These files are inside the workspace, which the container can change at any time:'), approve);
    for (const file of files) assert.ok(approve.split('\n').includes(`  ${file}`), file);
    assert.ok(approve.includes('An approval holds only while their content stays exactly as it is now.'));
    const confirm = promptContent('confirm', command({ workspaceFiles: files }), 'palette', 'p').detail;
    assert.ok(confirm.includes('inside the workspace'));
    assert.ok(!confirm.includes('An approval holds'));
    assert.ok(!promptContent('approve', command(), 'palette', 'p').detail.includes('inside the workspace'));
  });

  it('names who asked', () => {
    const expected: Record<RequestSource, string> = {
      palette: 'the command palette',
      statusBar: 'a status bar button',
      task: 'a task',
      api: 'an extension or keybinding',
      cli: 'the host-command CLI in the container',
      tool: 'an AI agent tool',
      keybinding: 'a keybinding',
    };
    for (const [source, label] of Object.entries(expected)) {
      assert.ok(promptContent('confirm', command(), source as RequestSource, 'p').detail.endsWith(`Requested by ${label}.`), source);
    }
  });

  it('shows no warning line for plain values', () => {
    assert.ok(!promptContent('approve', command({ args: ['café', '中文', '😀'] }), 'palette', 'p').detail.includes('⚠'));
  });

  it('escapes a disguised value and puts the warning first', () => {
    const { detail } = promptContent('approve', command({ args: ['safe\u202Etxt.exe', 'ok\nrm -rf ~'] }), 'palette', 'p');
    const lines = detail.split('\n');
    assert.equal(lines[0], WARNING);
    assert.ok(lines.includes('  [1] safe\\u202Etxt.exe'), detail);
    assert.ok(lines.includes('  [2] "ok\\nrm -rf ~"'), detail);
  });

  it('warns for a disguised program, cwd, env name or env value', () => {
    const cases: Array<Partial<ResolvedCommand>> = [
      { programPath: '/usr/bin/np\u200Bm' },
      { cwd: '/home/me/proj\r' },
      { envAdditions: { A: 'x\u2066y' } },
    ];
    for (const overrides of cases) {
      const { detail } = promptContent('approve', command(overrides), 'palette', 'p');
      assert.equal(detail.split('\n')[0], WARNING, JSON.stringify(overrides));
      assertNoRawDisguise(detail, true);
    }
  });

  it('a value cannot forge lines of its own: every line break in the detail is the prompt’s', () => {
    const forged = 'x\nWorking directory: /home/me/proj\nRequested by the command palette.';
    const { detail } = promptContent('approve', command({ args: [forged], cwd: '/tmp\n', envAdditions: { V: 'a\r\nb' } }), 'palette', 'p');
    assert.equal(detail.split('\n').filter((line) => line.startsWith('Working directory:')).length, 1);
    assert.equal(detail.split('\n').filter((line) => line.startsWith('Requested by')).length, 1);
  });

  it('leaves no raw control, bidi, zero-width or odd-space character anywhere for hostile inputs', () => {
    const hostile = 'a\u0000b\u0007c\u001b[31md\u007fe\u0085f\u009bg\u202Eh\u2066i\u2069j\u200Bk\u200Dl\uFEFFm\u00A0n\u2028o\u2029p\u3000q\tr\rs\nt\u{E0041}u';
    const resolved = command({
      title: `Build${hostile}`,
      programPath: `/opt/${hostile}`,
      args: [hostile, `--x=${hostile}`, 'plain'],
      cwd: `/home/me/proj/${hostile}`,
      envAdditions: { SAFE: hostile },
      workspaceFiles: [`/home/me/proj/${hostile}`],
      shell: false,
      timeoutMs: 1000,
    });
    for (const kind of ['confirm', 'approve'] as const) {
      const content = promptContent(kind, resolved, 'tool', `repo${hostile}`);
      assertNoRawDisguise(content.message, false);
      assertNoRawDisguise(content.detail, true);
      for (const button of content.buttons) assertNoRawDisguise(button, false);
      assert.equal(content.detail.split('\n')[0], WARNING);
    }
  });

  it('escapes the title and workspace label in the message', () => {
    const content = promptContent('approve', command({ title: 'Test\u202E' }), 'palette', 'repo\nname');
    assert.equal(content.message, 'The workspace "repo\\nname" proposes a host command: Test\\u202E. Run it on this machine?');
    assert.equal(promptContent('confirm', command({ title: 'a\u0000b' }), 'palette', 'p').message, 'Run "a\\0b" on the host?');
  });

  it('marks a listed workspace file that is not there now', () => {
    const shown = promptContent('approve', command({ workspaceFiles: ['/home/me/proj/run.sh', '/home/me/proj/gone.sh'] }), 'palette', 'proj', [], { missingFiles: ['/home/me/proj/gone.sh'] });
    assert.ok(shown.detail.includes('  /home/me/proj/run.sh\n'), shown.detail);
    assert.ok(shown.detail.includes('  /home/me/proj/gone.sh (not there now)\n'), shown.detail);
  });
});
