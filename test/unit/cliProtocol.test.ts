import assert from 'node:assert/strict';
import { cliFolderName, cliFrameSchema, cliRequestSchema, describeCliEnd, endedAbnormally, formatCommandList, parseCliArgs } from '../../src/core/cliProtocol';
import type { CommandSummary, RunOutcome } from '../../src/core/protocol';

describe('host-command CLI arguments', () => {
  it('a command id, name=value parameters and the current folder as cwd', () => {
    const parsed = parseCliArgs(['greet', 'who=world', 'greeting=a=b'], '/workspaces/proj/sub');
    assert.deepEqual({ ...parsed, params: { ...parsed.params } }, {
      kind: 'run',
      command: 'greet',
      params: { who: 'world', greeting: 'a=b' },
      cwd: '/workspaces/proj/sub',
    });
  });

  it('a value keeps spaces, quotes and shell characters verbatim', () => {
    const parsed = parseCliArgs(['greet', 'who=x; rm -rf ~ "$(id)"'], '/w');
    assert.equal(parsed.params.who, 'x; rm -rf ~ "$(id)"');
  });

  it('--cwd and --no-cwd', () => {
    assert.equal(parseCliArgs(['--cwd', '/workspaces/proj/a', 'greet'], '/x').cwd, '/workspaces/proj/a');
    assert.equal(parseCliArgs(['--no-cwd', 'greet'], '/x').cwd, undefined);
    assert.match(parseCliArgs(['--cwd'], '/x').error ?? '', /needs a folder/);
  });

  it('--list and --help', () => {
    assert.equal(parseCliArgs(['--list'], '/x').kind, 'list');
    assert.equal(parseCliArgs(['-h'], '/x').kind, 'help');
    assert.equal(parseCliArgs(['--help'], '/x').error, undefined);
  });

  it('refuses what is not a parameter, unknown options and a missing command, with a reason', () => {
    assert.match(parseCliArgs(['greet', 'world'], '/x').error ?? '', /name=value/);
    assert.match(parseCliArgs(['greet', '=x'], '/x').error ?? '', /name=value/);
    assert.match(parseCliArgs(['--force'], '/x').error ?? '', /unknown option --force/);
    assert.match(parseCliArgs([], '/x').error ?? '', /which host command/);
  });

  it('a "__proto__=x" argument becomes an own key that the protocol then refuses', () => {
    const parsed = parseCliArgs(['greet', '__proto__=x'], '/x');
    assert.equal(Object.hasOwn(parsed.params, '__proto__'), true);
    const request = cliRequestSchema.safeParse({ v: 1, kind: 'run', command: 'greet', params: JSON.parse(JSON.stringify({ ...parsed.params })) });
    assert.equal(request.success, false);
  });
});

describe('host-command socket messages', () => {
  it('accepts the two request kinds and refuses anything else', () => {
    assert.equal(cliRequestSchema.safeParse({ v: 1, kind: 'list' }).success, true);
    assert.equal(cliRequestSchema.safeParse({ v: 1, kind: 'run', command: 'a', params: { x: 'y' }, cwd: '/w' }).success, true);
    assert.equal(cliRequestSchema.safeParse({ v: 1, kind: 'run', command: 'a; rm', params: {} }).success, false);
    assert.equal(cliRequestSchema.safeParse({ v: 1, kind: 'approve', command: 'a' }).success, false);
    assert.equal(cliRequestSchema.safeParse({ v: 2, kind: 'list' }).success, false);
    assert.equal(cliRequestSchema.safeParse({ v: 1, kind: 'list', extra: true }).success, false);
  });

  it('frames carry output, the outcome or an error', () => {
    assert.equal(cliFrameSchema.safeParse({ kind: 'output', stream: 'stdout', data: 'aGk=' }).success, true);
    assert.equal(cliFrameSchema.safeParse({ kind: 'exit', outcome: { exitCode: 0, signal: null, durationMs: 3, reason: 'exited' } }).success, true);
    assert.equal(cliFrameSchema.safeParse({ kind: 'error', code: 'denied', message: 'no' }).success, true);
    assert.equal(cliFrameSchema.safeParse({ kind: 'output', stream: 'stdin', data: '' }).success, false);
  });
});

describe('host-command folder name', () => {
  it('is the same for a user and a workspace every time, and differs between users and workspaces', () => {
    const name = cliFolderName('1000', 'file:///workspaces/proj');
    assert.match(name, /^host-commands-1000-[0-9a-f]{12}$/);
    assert.equal(cliFolderName('1000', 'file:///workspaces/proj'), name);
    assert.notEqual(cliFolderName('1001', 'file:///workspaces/proj'), name);
    assert.notEqual(cliFolderName('1000', 'file:///workspaces/other'), name);
  });

  it('a user name cannot put a path separator or anything odd into it', () => {
    assert.match(cliFolderName('DOMAIN\\me/../x y', 'k'), /^host-commands-DOMAIN_me_.._x_y-[0-9a-f]{12}$/);
  });
});

describe('host-command --list', () => {
  const summary = (id: string, title: string, parameters: string[] = [], origin: CommandSummary['origin'] = 'user'): CommandSummary => ({
    id,
    title,
    origin,
    prompt: 'none',
    parameters: parameters.map((name) => ({ name, required: true })),
  });

  it('aligns the columns, with no trailing spaces', () => {
    const shown = formatCommandList([summary('greet', 'Greet', ['who']), summary('build-all', 'Build everything', [], 'workspace'), summary('x', 'X', ['a', 'b'])]);
    assert.equal(
      shown,
      ['greet      user       Greet             (who=)', 'build-all  workspace  Build everything', 'x          user       X                 (a= b=)', ''].join('\n'),
    );
  });

  it('shows optional parameters in brackets, with their default', () => {
    const command: CommandSummary = {
      ...summary('ping', 'Ping'),
      parameters: [
        { name: 'host', required: false, default: 'example.org' },
        { name: 'count', required: false },
        { name: 'note', required: false, default: 'two words' },
      ],
    };
    assert.equal(formatCommandList([command]), 'ping  user  Ping  ([host=example.org] [count=] [note="two words"])\n');
  });

  it('escapes a title that would reorder or hide what follows it (U+202E, newline, escape sequences)', () => {
    const shown = formatCommandList([summary('rtl', 'Safe \u202Etxt.exe'), summary('nl', 'one\ntwo \u001b[2J')]);
    assert.ok(!shown.includes('\u202E') && !shown.includes('\u001b'), shown);
    assert.equal(shown.split('\n').length, 3, shown);
    assert.ok(shown.includes('Safe \\u202Etxt.exe'), shown);
    assert.ok(shown.includes('one\\ntwo \\u001B[2J'), shown);
  });

  it('no commands: nothing', () => {
    assert.equal(formatCommandList([]), '');
  });
});

describe('host-command end of run', () => {
  const outcome = (fields: Partial<RunOutcome>): RunOutcome => ({ exitCode: null, signal: null, durationMs: 5, reason: 'exited', ...fields });

  it('a process that exited with a code of its own ended normally, whatever the code', () => {
    assert.equal(endedAbnormally(outcome({ exitCode: 0 })), false);
    assert.equal(endedAbnormally(outcome({ exitCode: 5 })), false);
  });

  it('says how any other run ended, in the words the rest of the product uses', () => {
    assert.equal(endedAbnormally(outcome({ signal: 'SIGKILL' })), true);
    assert.equal(describeCliEnd('sleeper', outcome({ signal: 'SIGKILL' })), 'host-command: sleeper was killed by SIGKILL');
    assert.equal(describeCliEnd('build', outcome({ reason: 'timeout', exitCode: 143 })), 'host-command: build timed out and was stopped');
    assert.equal(endedAbnormally(outcome({ reason: 'timeout', exitCode: 143 })), true);
    assert.equal(describeCliEnd('where', outcome({ reason: 'spawn-failed', message: 'working directory not found: /x' })), 'host-command: where failed to start: working directory not found: /x');
    assert.equal(describeCliEnd('a', outcome({ reason: 'cancelled' })), 'host-command: a was cancelled');
  });

  it('escapes a message that would disguise the line', () => {
    assert.equal(describeCliEnd('where', outcome({ reason: 'spawn-failed', message: 'no such folder: /w/\u202Eevil' })), 'host-command: where failed to start: no such folder: /w/\\u202Eevil');
  });
});
