// The attack suite: hostile input from the workspace side, through BridgeService with real processes.
//
// The container, the repository and every extension are untrusted (see the design's trust model). Each row
// of ATTACKS below is one hostile request; every definition it could reach would create a marker file if it
// ran, so "nothing ran" is proven by the marker's absence, not by trusting the reply. Every refusal must be
// an error reply with a clear message and exactly one audit record.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditDecision } from '../../src/core/auditLog';
import type { PromptContent } from '../../src/core/promptText';
import { ALWAYS_BUTTON, RUN_BUTTON, RUN_ONCE_BUTTON } from '../../src/core/promptText';
import type { ErrorCode } from '../../src/core/protocol';
import {
  argvDefinition,
  createHarness,
  disposeHarness,
  follow,
  runToCompletion,
  touchDefinition,
  waitUntil,
  type Harness,
  type Reply,
} from './support/fakePorts';

const posix = process.platform !== 'win32';
/** A pattern that lets every value through, so that only the absence of a shell keeps metacharacters inert. */
const ANYTHING = '[\\s\\S]*';
/** The kind of pattern a careful definition uses: a file name, no separators, no "..". */
const FILE_NAME = '[A-Za-z0-9_][A-Za-z0-9_-]*(\\.[A-Za-z0-9]+)?';

interface Ctx {
  h: Harness;
  /** Created by any definition of this suite that runs. */
  marker: string;
}

interface AttackRow {
  name: string;
  posixOnly?: boolean;
  setup?: (ctx: Ctx) => void | Promise<void>;
  /** The raw argument of hostCommands.bridge.start, exactly as a hostile caller would pass it. */
  request: (ctx: Ctx) => unknown;
  expect: { code: ErrorCode; ran: false; prompted?: boolean; auditDecision: AuditDecision; message?: RegExp };
  /** Further assertions on what the user was shown, the warnings, … */
  check?: (ctx: Ctx, reply: Reply) => void | Promise<void>;
}

/** A well-formed start request. */
function start(command: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, command, params, source: 'api', stream: true, ...extra };
}

/** A start request for host.free with the given value as its one parameter. */
function freeValue(value: string): () => unknown {
  return () => start('host.free', { value });
}

/**
 * What every row starts from. Trusted (the host user's setting): host.touch (no parameters), host.file (a
 * parameter restricted to a file name), host.free (a parameter that accepts anything), all confirm: never,
 * so that only validation stands between the request and a run. Proposed by the workspace: ws.touch.
 */
function baseline({ h, marker }: Ctx): void {
  h.ports.trustedSetting = {
    'host.touch': touchDefinition(h.ports, marker, { confirm: 'never' }),
    'host.file': touchDefinition(h.ports, marker, {
      confirm: 'never',
      args: [h.ports.fixture('touch.js'), marker, '${param:value}'],
      parameters: { value: { pattern: FILE_NAME, maxLength: 64 } },
    }),
    'host.free': touchDefinition(h.ports, marker, {
      confirm: 'never',
      args: [h.ports.fixture('touch.js'), marker, '${param:value}'],
      parameters: { value: { pattern: ANYTHING, maxLength: 100 } },
    }),
  };
  h.ports.setProposals({ commands: { 'ws.touch': touchDefinition(h.ports, marker) } });
}

/** Replaces the proposals with one definition, ws.x. */
function propose(ctx: Ctx, definition: Record<string, unknown>, id = 'ws.x'): void {
  ctx.h.ports.setProposals({ commands: { [id]: definition } });
}

/** Runs `command` once under an "always" approval, then removes the marker that run created. */
async function approveAlways(ctx: Ctx, command: string, params: Record<string, string> = {}): Promise<void> {
  ctx.h.ports.prompt.answer(ALWAYS_BUTTON);
  const done = await runToCompletion(ctx.h.service, start(command, params));
  assert.equal(done.start.ok, true, `setup run refused: ${JSON.stringify(done.start)}`);
  assert.equal(done.outcome?.exitCode, 0, `setup run failed: ${done.stderr.toString()}`);
  assert.equal(ctx.h.ports.approvals.records.size, 1);
  assert.ok(existsSync(ctx.marker), 'the setup run should have created the marker');
  rmSync(ctx.marker);
}

/** A workspace script (POSIX shell) that creates the marker. */
function markerScript(ctx: Ctx, comment = ''): string {
  return `#!/bin/sh\n# ${comment}\n: > '${ctx.marker}'\n`;
}

function lastPrompt(ctx: Ctx): PromptContent {
  const prompt = ctx.h.ports.prompt.shown.at(-1);
  assert.ok(prompt, 'no prompt was shown');
  return prompt;
}

/** Nothing in the prompt can be rendered invisibly or change direction; newlines only separate lines. */
function assertDisplaySafe(prompt: PromptContent): void {
  const hidden = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
  assert.doesNotMatch(prompt.message, hidden, `raw control or format character in the message: ${JSON.stringify(prompt.message)}`);
  assert.doesNotMatch(prompt.detail.replace(/\n/g, ''), hidden, `raw control or format character in the detail: ${JSON.stringify(prompt.detail)}`);
}

function warnings(ctx: Ctx): Promise<string[]> {
  return ctx.h.service.list({ v: 1, source: 'palette' }).then((reply) => reply.warnings as string[]);
}

function cyclic(): unknown {
  const message: Record<string, unknown> = start('host.touch');
  message.self = message;
  return message;
}

function throwingGetter(): unknown {
  const message = start('host.touch');
  Object.defineProperty(message, 'params', { enumerable: true, get: () => { throw new Error('gotcha'); } });
  return message;
}

const ATTACKS: AttackRow[] = [
  // ---- the workspace trying to make itself trusted ----------------------------------------------------
  {
    name: 'a proposal asking for shell: true is refused when the file is loaded',
    setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { shell: true })),
    request: () => start('ws.x'),
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown', message: /"ws\.x" is not a host command/ },
    check: async (ctx) => assert.match((await warnings(ctx)).join('\n'), /ws\.x.*shell/),
  },
  {
    name: 'a proposal asking for confirm: "never" is refused when the file is loaded',
    setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { confirm: 'never' })),
    request: () => start('ws.x'),
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown' },
    check: async (ctx) => assert.match((await warnings(ctx)).join('\n'), /ws\.x.*confirm/),
  },
  {
    name: 'a proposal claiming origin "user" is refused when the file is loaded',
    setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { origin: 'user' })),
    request: () => start('ws.x'),
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown' },
  },
  {
    name: 'a proposals file that smuggles a hostCommands.commands block is refused as a whole',
    setup: (ctx) =>
      ctx.h.ports.setProposals({
        commands: {},
        'hostCommands.commands': { 'ws.x': touchDefinition(ctx.h.ports, ctx.marker, { confirm: 'never' }) },
      }),
    request: () => start('ws.x'),
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown' },
  },
  {
    name: 'hostCommands.commands in the workspace settings never becomes a trusted command',
    setup: (ctx) => {
      // VS Code would ignore an application-scoped setting here; the bridge only reads the trustedDefinitions port.
      ctx.h.ports.writeWorkspaceFile('.vscode/settings.json', JSON.stringify({ 'hostCommands.commands': { 'ws.x': touchDefinition(ctx.h.ports, ctx.marker, { confirm: 'never' }) } }));
    },
    request: () => start('ws.x'),
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown' },
  },
  {
    name: 'a proposal cannot shadow a trusted id: the user\'s own definition is the one asked about',
    setup: (ctx) => {
      ctx.h.ports.trustedSetting = { build: argvDefinition(ctx.h.ports, ['the-users-build']) };
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker), 'build');
    },
    request: () => start('build'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: async (ctx) => {
      const prompt = lastPrompt(ctx);
      assert.match(prompt.message, /^Run "build" on the host\?$/);
      assert.match(prompt.detail, /the-users-build/);
      assert.doesNotMatch(prompt.detail, /touch\.js/);
      assert.match((await warnings(ctx)).join('\n'), /"build".*ignored/);
    },
  },
  {
    name: 'Restricted Mode: a proposal is refused even when the request names it, and proposals are not read',
    setup: (ctx) => {
      ctx.h.ports.trustAnswers = [false];
    },
    request: () => start('ws.touch'),
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown' },
    check: (ctx) => assert.equal(ctx.h.ports.proposalReads, 0),
  },
  {
    name: 'Restricted Mode entered between loading the definitions and running: the proposal is refused',
    setup: (ctx) => {
      ctx.h.ports.trustAnswers = [true, false];
    },
    request: () => start('ws.touch'),
    expect: { code: 'refused', ran: false, prompted: false, auditDecision: 'refused-policy', message: /Restricted Mode/ },
  },

  // ---- shell metacharacters and path tricks in parameters, against the definition's own pattern -------
  ...(
    [
      ['";" command separator', 'x; touch PWNED'],
      ['"&&"', 'x && touch PWNED'],
      ['"|" pipe', 'x | touch PWNED'],
      ['"$(…)" substitution', '$(touch PWNED)'],
      ['backticks', '`touch PWNED`'],
      ['">" redirect', 'x > PWNED'],
      ['a newline', 'x\ntouch PWNED'],
      ['"../" traversal', '../../etc/passwd'],
      ['an absolute path', '/etc/passwd'],
      ['a leading dash (option injection)', '--help'],
    ] as const
  ).map(
    ([what, value]): AttackRow => ({
      name: `parameter with ${what}, refused by the definition's pattern`,
      request: () => start('host.file', { value }),
      expect: { code: 'invalid-params', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /value: must match/ },
    }),
  ),
  {
    name: 'a NUL inside a parameter is refused even by a pattern that accepts anything',
    request: freeValue('x\0; touch PWNED'),
    expect: { code: 'invalid-params', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /NUL/ },
  },
  {
    name: 'a proposal pattern with catastrophic backtracking cannot freeze the host: the check gives up',
    setup: (ctx) =>
      // A pattern no other test uses: a pattern that was slow once is refused at once from then on.
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { args: [ctx.h.ports.fixture('touch.js'), ctx.marker, '${param:value}'], parameters: { value: { pattern: '(q+)+z' } } })),
    request: () => start('ws.x', { value: 'q'.repeat(4096) }),
    expect: { code: 'invalid-params', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /pattern takes too long/ },
  },
  {
    name: 'many parameters with slow patterns and defaults that trigger them share one budget: the checks stop and the request is refused',
    setup: (ctx) => {
      const parameters = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`p${i}`, { pattern: `((?:k${i})+)+z`, default: `k${i}`.repeat(1000) }]));
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { parameters }));
    },
    request: () => start('ws.x'),
    expect: { code: 'invalid-params', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /checking the parameters took too long/ },
  },
  {
    name: 'a trusted shell command cannot take parameters (they would reach the shell)',
    setup: (ctx) => {
      ctx.h.ports.trustedSetting = {
        'host.sh': { program: `echo \${param:value} > '${ctx.marker}'`, shell: true, confirm: 'never', parameters: { value: { pattern: ANYTHING } } },
      };
    },
    request: () => start('host.sh', { value: 'x' }),
    // Skipped when the settings are loaded, with the reason (resolve refuses it too, should one get through).
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown', message: /parameters cannot be used with "shell": true; skipped/ },
  },

  // ---- working directory of a proposal -------------------------------------------------------------
  ...(
    [
      ['".." (relative)', '..'],
      ['"../.." (relative)', '../..'],
      ['"/" (absolute, outside)', '/'],
      ['an absolute path outside the workspace', '${userHome}'],
      ['"${workspaceFolder}/.."', '${workspaceFolder}/..'],
      ['a sibling folder that shares the prefix', '${workspaceFolder}/../ws-evil'],
      ['the container path of the folder', '${containerWorkspaceFolder}'],
    ] as const
  ).map(
    ([what, cwd]): AttackRow => ({
      name: `proposal cwd ${what} is refused`,
      setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { cwd })),
      request: () => start('ws.x'),
      expect: { code: 'refused', ran: false, prompted: false, auditDecision: 'refused-policy', message: /cwd/ },
    }),
  ),
  {
    name: 'proposal cwd built from a parameter that walks out with "../.." is refused',
    setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { cwd: '${workspaceFolder}/${param:dir}', parameters: { dir: { pattern: ANYTHING } } })),
    request: () => start('ws.x', { dir: '../..' }),
    expect: { code: 'refused', ran: false, prompted: false, auditDecision: 'refused-policy', message: /outside the workspace folder/ },
  },
  {
    name: 'proposal cwd given entirely by an absolute parameter is refused',
    setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { cwd: '${param:dir}', parameters: { dir: { pattern: ANYTHING } } })),
    request: () => start('ws.x', { dir: '/' }),
    expect: { code: 'refused', ran: false, prompted: false, auditDecision: 'refused-policy', message: /outside the workspace folder/ },
  },
  {
    name: 'proposal cwd when the workspace folder has no host path (SSH, volume) is refused, not trusted blindly',
    setup: (ctx) => {
      ctx.h.ports.folderUnavailable = 'the window is connected over SSH';
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { cwd: '/' }));
    },
    request: () => start('ws.x'),
    expect: { code: 'refused', ran: false, prompted: false, auditDecision: 'refused-policy', message: /cwd.*SSH/ },
  },

  // ---- the program of a proposal: the prompt names the exact file ---------------------------------------
  {
    name: 'proposal program given as an absolute path outside the workspace: the prompt shows it',
    posixOnly: true,
    setup: (ctx) => {
      const tool = ctx.h.ports.writeFixture('tool.sh', markerScript(ctx), 0o755);
      propose(ctx, { program: tool });
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => assert.ok(lastPrompt(ctx).detail.includes(`Program: ${ctx.h.ports.fixture('tool.sh')}\n`)),
  },
  {
    name: 'proposal program "./tool.sh": the prompt shows the absolute path and that the file is in the workspace',
    posixOnly: true,
    setup: (ctx) => {
      ctx.h.ports.writeWorkspaceFile('tool.sh', markerScript(ctx), 0o755);
      propose(ctx, { program: './tool.sh' });
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => {
      const { detail } = lastPrompt(ctx);
      const file = path.join(ctx.h.ports.workspace, 'tool.sh');
      assert.ok(detail.includes(`Program: ${file}\n`), detail);
      assert.match(detail, /inside the workspace/);
      assert.ok(detail.includes(`  ${file}\n`), detail);
    },
  },
  {
    name: 'proposal program "../tool.sh" (out of the workspace): the prompt shows the absolute path it resolves to',
    posixOnly: true,
    setup: (ctx) => {
      ctx.h.ports.writeFixture('../tool.sh', markerScript(ctx), 0o755);
      propose(ctx, { program: '../tool.sh' });
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => assert.ok(lastPrompt(ctx).detail.includes(`Program: ${path.join(ctx.h.ports.root, 'tool.sh')}\n`), lastPrompt(ctx).detail),
  },
  {
    name: 'proposal program that is not on the host PATH is refused before any prompt',
    setup: (ctx) => propose(ctx, { program: 'no-such-program-9f2c' }),
    request: () => start('ws.x'),
    expect: { code: 'refused', ran: false, prompted: false, auditDecision: 'refused-policy', message: /not found on the host's PATH/ },
  },

  // ---- environment additions of a proposal ------------------------------------------------------------
  ...['PATH', 'LD_PRELOAD', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'ld_preload', 'Path', 'BASH_ENV', 'GIT_SSH_COMMAND'].map(
    (name): AttackRow => ({
      name: `proposal env ${name} is refused`,
      setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { env: { [name]: `/tmp/evil:${ctx.marker}` } })),
      request: () => start('ws.x'),
      expect: { code: 'refused', ran: false, prompted: false, auditDecision: 'refused-policy', message: new RegExp(`may not set ${name}`) },
    }),
  ),

  // ---- size ---------------------------------------------------------------------------------------------
  {
    name: 'a message over 64 KiB is refused',
    request: () => start('host.touch', {}, { label: 'x'.repeat(70 * 1024) }),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /larger than 65536 bytes/ },
  },
  {
    name: 'a message over 64 KiB in UTF-8 bytes (though not in characters) is refused',
    request: () => start('host.free', Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`p${i}`, '€'.repeat(3000)]))),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /larger than 65536 bytes/ },
  },
  {
    name: 'a parameter value over the protocol limit (4096 characters) is refused',
    request: freeValue('a'.repeat(4097)),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /at most 4096 characters/ },
  },
  {
    name: 'a parameter value over the definition\'s maxLength is refused',
    request: freeValue('a'.repeat(101)),
    expect: { code: 'invalid-params', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /at most 100 characters/ },
  },
  {
    name: 'more than 32 parameters are refused',
    request: () => start('host.free', Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`p${i}`, 'x']))),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /at most 32 parameters/ },
  },
  {
    name: 'an undeclared parameter is refused',
    request: () => start('host.touch', { extra: 'x' }),
    expect: { code: 'invalid-params', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /unknown parameter "extra"/ },
  },

  // ---- prototype keys -----------------------------------------------------------------------------------
  ...['__proto__', 'constructor', 'prototype'].flatMap((key): AttackRow[] => [
    {
      name: `"${key}" as a parameter name is refused`,
      request: () => JSON.parse(`{"v":1,"command":"host.touch","source":"api","params":{${JSON.stringify(key)}:"x"}}`),
      expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /params/ },
    },
    {
      name: `"${key}" as a key of the message is refused`,
      request: () => JSON.parse(`{"v":1,"command":"host.touch","source":"api",${JSON.stringify(key)}:{"polluted":true}}`),
      expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid' },
    },
  ]),
  {
    name: 'prototype pollution through "__proto__" in params and message (JSON), nothing polluted',
    request: () => JSON.parse('{"v":1,"command":"host.touch","source":"api","params":{"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}'),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid' },
  },
  {
    name: 'prototype pollution through "__proto__" in the proposals file, nothing polluted',
    setup: (ctx) =>
      ctx.h.ports.setProposals(
        `{ "__proto__": { "polluted": true }, "commands": { "__proto__": { "polluted": true, "ws.x": ${JSON.stringify(touchDefinition(ctx.h.ports, ctx.marker))} } } }`,
      ),
    request: () => start('ws.x'),
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown' },
  },
  ...['constructor', 'toString', 'hasOwnProperty'].map(
    (id): AttackRow => ({
      name: `the command id "${id}" is not found through Object.prototype`,
      request: () => start(id),
      expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown' },
    }),
  ),

  // ---- wrong shapes and types ---------------------------------------------------------------------------
  {
    name: 'a number as the command',
    request: () => start('host.touch', {}, { command: 42 }),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /command/ },
  },
  {
    name: 'an array as the params',
    request: () => start('host.touch', {}, { params: ['x'] }),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /params/ },
  },
  {
    name: 'a number as a parameter value',
    request: () => start('host.free', { value: 1 }),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /params\.value/ },
  },
  {
    name: 'a string as v',
    request: () => start('host.touch', {}, { v: '1' }),
    expect: { code: 'unsupported-version', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /"1" is not supported/ },
  },
  {
    name: 'v missing',
    request: () => ({ command: 'host.touch', params: {}, source: 'api' }),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /v:/ },
  },
  {
    name: 'v: 2',
    request: () => start('host.touch', {}, { v: 2 }),
    expect: { code: 'unsupported-version', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /protocol version 2 is not supported/ },
  },
  {
    name: 'null as the message',
    request: () => null,
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid' },
  },
  {
    name: 'undefined as the message',
    request: () => undefined,
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /empty/ },
  },
  {
    name: 'a function as the message',
    request: () => () => start('host.touch'),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /empty/ },
  },
  {
    name: 'a string (a command line) as the message',
    request: () => 'host.touch; touch PWNED',
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid' },
  },
  {
    name: 'a cyclic object',
    request: cyclic,
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /not plain JSON/ },
  },
  {
    name: 'an object with a getter that throws',
    request: throwingGetter,
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /not plain JSON/ },
  },
  {
    name: 'a BigInt inside the message',
    request: () => start('host.touch', {}, { label: 10n }),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /not plain JSON/ },
  },
  {
    name: 'an unknown source',
    request: () => start('host.touch', {}, { source: 'trusted-user' }),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /source/ },
  },
  {
    name: 'a command id shaped like a path',
    request: () => start('../host.touch'),
    expect: { code: 'invalid-request', ran: false, prompted: false, auditDecision: 'refused-invalid', message: /command id/ },
  },
  {
    name: 'an unknown command id',
    request: () => start('host.nope'),
    expect: { code: 'unknown-command', ran: false, prompted: false, auditDecision: 'refused-unknown', message: /"host\.nope" is not a host command/ },
  },

  // ---- approvals that must not be reused -------------------------------------------------------------
  {
    name: 'a folder in the workspace replaced by a symbolic link out of it does not take a proposal there',
    posixOnly: true,
    setup: (ctx) => {
      symlinkSync(ctx.h.ports.home, path.join(ctx.h.ports.workspace, 'sub'));
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { cwd: '${workspaceFolder}/sub' }));
    },
    request: () => start('ws.x'),
    expect: { code: 'refused', ran: false, prompted: false, auditDecision: 'refused-policy', message: /symbolic link/ },
  },
  {
    name: 'an "always" approval given for one value of an unconstrained parameter does not cover another value',
    setup: async (ctx) => {
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { args: [ctx.h.ports.fixture('touch.js'), ctx.marker, '${param:what}'], parameters: { what: {} } }));
      await approveAlways(ctx, 'ws.x', { what: 'build.js' });
    },
    request: () => start('ws.x', { what: '--require=./evil.js' }),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => assert.match(lastPrompt(ctx).detail, /what = --require=\.\/evil\.js — any value: approved for this value only/),
  },
  {
    name: 'an "always" approval replayed after the definition changed by one character asks again',
    setup: async (ctx) => {
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { args: [ctx.h.ports.fixture('touch.js'), ctx.marker, 'release'] }));
      await approveAlways(ctx, 'ws.x');
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { args: [ctx.h.ports.fixture('touch.js'), ctx.marker, 'releasf'] }));
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
  },
  {
    name: 'an "always" approval replayed after an environment value changed asks again',
    setup: async (ctx) => {
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { env: { MODE: 'safe' } }));
      await approveAlways(ctx, 'ws.x');
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { env: { MODE: 'sage' } }));
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
  },
  {
    name: 'an "always" approval from another workspace does not carry over',
    setup: async (ctx) => {
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker));
      await approveAlways(ctx, 'ws.x');
      ctx.h.ports.identity = 'vscode-remote://dev-container%2Bother/workspaces/proj';
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
  },
  {
    name: 'the program file in the workspace rewritten after an "always" approval asks again',
    posixOnly: true,
    setup: async (ctx) => {
      ctx.h.ports.writeWorkspaceFile('tool.sh', markerScript(ctx, 'v1'), 0o755);
      propose(ctx, { program: './tool.sh' });
      await approveAlways(ctx, 'ws.x');
      ctx.h.ports.writeWorkspaceFile('tool.sh', markerScript(ctx, 'v2: now something else'), 0o755);
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => assert.match(lastPrompt(ctx).detail, /^You always allowed an earlier version of this command\. Something it depends on has changed since/),
  },
  {
    name: 'a script argument given by ${workspaceFolder} rewritten after an "always" approval asks again',
    setup: async (ctx) => {
      ctx.h.ports.writeWorkspaceFile('scripts/build.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'v1');\n`);
      propose(ctx, { program: 'node', args: ['${workspaceFolder}/scripts/build.js'] });
      await approveAlways(ctx, 'ws.x');
      ctx.h.ports.writeWorkspaceFile('scripts/build.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'v2');\n`);
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
  },
  {
    name: 'a script argument given relative to the workspace, rewritten after an "always" approval, asks again',
    setup: async (ctx) => {
      ctx.h.ports.writeWorkspaceFile('scripts/build.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'v1');\n`);
      propose(ctx, { program: 'node', args: ['scripts/build.js'] });
      await approveAlways(ctx, 'ws.x');
      ctx.h.ports.writeWorkspaceFile('scripts/build.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'v2');\n`);
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => assert.ok(lastPrompt(ctx).detail.includes(`  ${path.join(ctx.h.ports.workspace, 'scripts', 'build.js')}\n`), lastPrompt(ctx).detail),
  },

  {
    name: 'a workspace script named by a bare word ("sh payload", no extension) rewritten after an "always" approval asks again',
    posixOnly: true,
    setup: async (ctx) => {
      ctx.h.ports.writeWorkspaceFile('payload', markerScript(ctx, 'v1'));
      propose(ctx, { program: 'sh', args: ['payload'] });
      await approveAlways(ctx, 'ws.x');
      ctx.h.ports.writeWorkspaceFile('payload', markerScript(ctx, 'v2: changed after approval'));
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => assert.ok(lastPrompt(ctx).detail.includes(`  ${path.join(ctx.h.ports.workspace, 'payload')}\n`), lastPrompt(ctx).detail),
  },
  {
    name: 'a workspace file named in an environment value (a preload, a config) rewritten after an "always" approval asks again',
    setup: async (ctx) => {
      ctx.h.ports.writeWorkspaceFile('tools/preload.js', '// v1\n');
      propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { env: { HOST_TOOL_CONFIG: '${workspaceFolder}/tools/preload.js' } }));
      await approveAlways(ctx, 'ws.x');
      ctx.h.ports.writeWorkspaceFile('tools/preload.js', '// v2: changed after approval\n');
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
  },
  {
    name: 'a workspace file named as an option value (--require=./pre.js) rewritten after an "always" approval asks again',
    setup: async (ctx) => {
      ctx.h.ports.writeWorkspaceFile('pre.js', '// v1\n');
      ctx.h.ports.writeWorkspaceFile('main.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'ran');\n`);
      propose(ctx, { program: 'node', args: ['--require=./pre.js', '${workspaceFolder}/main.js'] });
      await approveAlways(ctx, 'ws.x');
      ctx.h.ports.writeWorkspaceFile('pre.js', '// v2: changed after approval\n');
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => assert.ok(lastPrompt(ctx).detail.includes(`  ${path.join(ctx.h.ports.workspace, 'pre.js')}\n`), lastPrompt(ctx).detail),
  },
  {
    name: 'a folder named as the script (node app/, python dir) is never "always" approvable: its files change without it',
    setup: (ctx) => {
      ctx.h.ports.writeWorkspaceFile('app/index.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'ran');\n`);
      propose(ctx, { program: 'node', args: ['${workspaceFolder}/app'] });
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => {
      const prompt = lastPrompt(ctx);
      assert.ok(!prompt.buttons.includes(ALWAYS_BUTTON), JSON.stringify(prompt.buttons));
      assert.ok(prompt.detail.includes(`${path.join(ctx.h.ports.workspace, 'app')} (a folder, whose files can change without it: an approval cannot pin it down)`), prompt.detail);
      assert.doesNotMatch(prompt.detail, /not there now/);
      assert.match(prompt.detail, /"Always Allow" is not offered/);
    },
  },
  {
    name: 'a named pipe in place of a script neither hangs the bridge nor is "always" approvable',
    posixOnly: true,
    setup: (ctx) => {
      mkdirSync(path.join(ctx.h.ports.workspace, 'tools'), { recursive: true });
      execFileSync('mkfifo', [path.join(ctx.h.ports.workspace, 'tools', 'run.js')]);
      propose(ctx, { program: 'node', args: ['${workspaceFolder}/tools/run.js'] });
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => {
      const prompt = lastPrompt(ctx);
      assert.ok(!prompt.buttons.includes(ALWAYS_BUTTON), JSON.stringify(prompt.buttons));
      assert.match(prompt.detail, /run\.js \(not a regular file: an approval cannot pin it down\)/);
    },
  },
  {
    name: 'a huge sparse file (or a link to /dev/zero) named as a script is not read whole and is not "always" approvable',
    posixOnly: true,
    setup: (ctx) => {
      ctx.h.ports.writeWorkspaceFile('big.js', '');
      truncateSync(path.join(ctx.h.ports.workspace, 'big.js'), 2 * 1024 * 1024 * 1024);
      symlinkSync('/dev/zero', path.join(ctx.h.ports.workspace, 'zero.js'));
      propose(ctx, { program: 'node', args: ['${workspaceFolder}/big.js', '${workspaceFolder}/zero.js'] });
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => {
      const prompt = lastPrompt(ctx);
      assert.ok(!prompt.buttons.includes(ALWAYS_BUTTON), JSON.stringify(prompt.buttons));
      assert.match(prompt.detail, /big\.js \(larger than 64 MiB: an approval cannot pin it down\)/);
      assert.match(prompt.detail, /zero\.js \(not a regular file: an approval cannot pin it down\)/);
    },
  },
  {
    name: 'a proposal running a workspace script through `sh -c` is never "always" approvable: the prompt says why',
    posixOnly: true,
    setup: (ctx) => {
      ctx.h.ports.writeWorkspaceFile('src/hello.sh', markerScript(ctx, 'v1'));
      propose(ctx, { program: 'sh', args: ['-c', 'sh src/hello.sh'] });
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => {
      const prompt = lastPrompt(ctx);
      assert.ok(!prompt.buttons.includes(ALWAYS_BUTTON), JSON.stringify(prompt.buttons));
      assert.match(prompt.detail, /runs code written into its arguments \(sh -c\)/);
      assert.match(prompt.detail, /"Always Allow" is not offered/);
      // The code is not listed as if it were a file, and nothing promises the approval is bound to files.
      assert.doesNotMatch(prompt.detail, /sh src\/hello\.sh\n/);
      assert.doesNotMatch(prompt.detail, /holds only while/);
      assert.doesNotMatch(prompt.detail, /earlier version/, 'nothing was approved before');
    },
  },
  {
    name: 'an "Always Allow" answer for a proposal that runs inline code (`env node -e`) stores nothing and runs nothing',
    setup: (ctx) => {
      propose(ctx, { program: 'env', args: ['node', '-e', 'require("./build.js")'] });
      ctx.h.ports.prompt.answer(ALWAYS_BUTTON);
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => assert.equal(ctx.h.ports.approvals.records.size, 0),
  },
  {
    name: 'a proposal running git in the workspace warns that git follows the workspace\'s configuration, and asks every time',
    posixOnly: true,
    setup: (ctx) => {
      // Any program named git will do: the warning is about the name, and this one never runs.
      const git = path.join(ctx.h.ports.root, 'bin', 'git');
      mkdirSync(path.dirname(git), { recursive: true });
      writeFileSync(git, markerScript(ctx), { mode: 0o755 });
      propose(ctx, { program: git, args: ['-C', '${workspaceFolder}', 'status'] });
    },
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => {
      const prompt = lastPrompt(ctx);
      assert.match(prompt.detail, /⚠ git works in the workspace and follows its configuration and hooks/);
      assert.ok(!prompt.buttons.includes(ALWAYS_BUTTON), JSON.stringify(prompt.buttons));
    },
  },

  // ---- what the user is shown ---------------------------------------------------------------------------
  ...(
    [
      ['a right-to-left override (U+202E)', 'invoice\u202Egpj.exe', 'invoice\\u202Egpj.exe'],
      ['a zero-width space (U+200B)', 'rm\u200B -rf', 'rm\\u200B -rf'],
      ['a newline', 'harmless\n  [3] --really', 'harmless\\n  [3] --really'],
      ['a carriage return', 'safe\rDANGER', 'safe\\rDANGER'],
    ] as const
  ).map(
    ([what, value, shown]): AttackRow => ({
      name: `a displayed value with ${what} is shown escaped, with a warning`,
      setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { args: [ctx.h.ports.fixture('touch.js'), ctx.marker, '${param:value}'], parameters: { value: { pattern: ANYTHING } } })),
      request: () => start('ws.x', { value }),
      expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
      check: (ctx) => {
        const prompt = lastPrompt(ctx);
        assertDisplaySafe(prompt);
        assert.ok(prompt.detail.includes(shown), prompt.detail);
        assert.match(prompt.detail, /invisible, control or direction-changing characters; they are shown escaped/);
      },
    }),
  ),
  {
    name: 'an environment value with a newline is shown escaped, with a warning',
    setup: (ctx) => propose(ctx, touchDefinition(ctx.h.ports, ctx.marker, { env: { GREETING: 'hi\nPATH=/evil' } })),
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => {
      const prompt = lastPrompt(ctx);
      assertDisplaySafe(prompt);
      assert.ok(prompt.detail.includes('  GREETING=hi\\nPATH=/evil\n'), prompt.detail);
      assert.match(prompt.detail, /shown escaped/);
    },
  },
  {
    name: 'a proposal title with bidi and zero-width characters is shown escaped in the message',
    setup: (ctx) => propose(ctx, { ...touchDefinition(ctx.h.ports, ctx.marker), title: 'Format\u200B code\u202E\nReally' }),
    request: () => start('ws.x'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
    check: (ctx) => {
      const prompt = lastPrompt(ctx);
      assertDisplaySafe(prompt);
      assert.ok(prompt.message.includes('Format\\u200B code\\u202E\\nReally'), prompt.message);
    },
  },

  // ---- answers that are not an approval ----------------------------------------------------------------
  {
    name: 'Cancel (the prompt answers undefined) on a proposal: denied, nothing runs',
    request: () => start('ws.touch'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied', message: /cancelled on the host; nothing ran/ },
  },
  {
    name: 'Cancel on a trusted command that asks: denied, nothing runs',
    setup: (ctx) => {
      ctx.h.ports.trustedSetting = { 'host.ask': touchDefinition(ctx.h.ports, ctx.marker) };
    },
    request: () => start('host.ask'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
  },
  {
    name: 'a "Run" answer is not an approval of a proposal (only Run Once / Always Allow are)',
    setup: (ctx) => ctx.h.ports.prompt.answer(RUN_BUTTON),
    request: () => start('ws.touch'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
  },
  {
    name: 'a "Run Once" answer is not a confirmation of a trusted command (only Run is)',
    setup: (ctx) => {
      ctx.h.ports.trustedSetting = { 'host.ask': touchDefinition(ctx.h.ports, ctx.marker) };
      ctx.h.ports.prompt.answer(RUN_ONCE_BUTTON);
    },
    request: () => start('host.ask'),
    expect: { code: 'denied', ran: false, prompted: true, auditDecision: 'denied' },
  },
];

describe('attack suite', function () {
  this.timeout(20_000);
  let ctx: Ctx | undefined;

  afterEach(async () => {
    if (ctx) await disposeHarness(ctx.h);
    ctx = undefined;
  });

  after(() => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  });

  describe('hostile requests are refused, answered with a clear error, audited, and nothing runs', () => {
    for (const row of ATTACKS) {
      it(row.name, async function () {
        if (row.posixOnly && !posix) this.skip();
        const h = createHarness();
        ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
        baseline(ctx);
        await row.setup?.(ctx);
        const auditsBefore = h.ports.audits.length;
        const promptsBefore = h.ports.prompt.shown.length;
        const startedBefore = h.ports.observer.startedIds().length;

        const reply = await h.service.start(row.request(ctx));

        assert.equal(reply.ok, false, `expected a refusal, got ${JSON.stringify(reply)}`);
        assert.equal(reply.v, 1);
        assert.equal(reply.code, row.expect.code, `code; message: ${String(reply.message)}`);
        assert.equal(typeof reply.message, 'string');
        assert.ok((reply.message as string).length >= 10, `message too terse: ${String(reply.message)}`);
        if (row.expect.message) assert.match(reply.message as string, row.expect.message);

        // Nothing ran: no process was started, and the marker its program would have written is not there.
        await h.service.dispose();
        assert.equal(h.ports.observer.startedIds().length, startedBefore, 'a process was started');
        assert.equal(existsSync(ctx.marker), false, 'the marker exists: the command ran');

        if (row.expect.prompted !== undefined) {
          assert.equal(h.ports.prompt.shown.length > promptsBefore, row.expect.prompted, row.expect.prompted ? 'expected a prompt' : 'expected no prompt');
        }
        assert.equal(h.ports.prompt.reentered, 0);

        const audits = h.ports.audits.slice(auditsBefore);
        assert.equal(audits.length, 1, `expected one audit record, got ${JSON.stringify(audits)}`);
        assert.equal(audits[0]!.decision, row.expect.auditDecision);
        assert.equal(audits[0]!.message, reply.message);
        assert.equal(audits[0]!.workspace, h.ports.workspaceIdentity());

        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
        await row.check?.(ctx, reply);
      });
    }
  });

  describe('metacharacters with a pattern that allows them arrive as one verbatim argv element', () => {
    const values: Array<[string, (marker: string) => string]> = [
      ['";"', (m) => `x; touch ${m}`],
      ['"&&"', (m) => `x && touch ${m}`],
      ['"|"', (m) => `x | touch ${m}`],
      ['"$(…)"', (m) => `$(touch ${m})`],
      ['backticks', (m) => `\`touch ${m}\``],
      ['">" redirect', (m) => `> ${m}`],
      ['"<" and "2>&1"', (m) => `< /etc/passwd 2>&1 >> ${m}`],
      ['a newline', (m) => `x\ntouch ${m}\n`],
      ['quotes', (m) => `"'; touch ${m}; echo '"`],
      ['globs and tilde', () => '* ~ ?[a-z]'],
      ['%VAR% and !VAR!', () => '%PATH% !PATH!'],
      ['"../" traversal', () => '../../../../etc/passwd'],
      ['an absolute path', () => '/etc/passwd'],
      ['a leading dash', () => '--require=/tmp/evil.js'],
      ['spaces only', () => '   '],
      ['an empty string', () => ''],
      ['bidi and zero-width characters', () => 'a\u202Eb\u200Bc'],
    ];
    for (const [what, make] of values) {
      it(what, async () => {
        const h = createHarness();
        ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
        const value = make(ctx.marker);
        const free = { parameters: { value: { pattern: ANYTHING, required: false } } };
        h.ports.trustedSetting = { 'host.argv': argvDefinition(h.ports, ['${param:value}'], { ...free, confirm: 'never' }) };
        h.ports.setProposals({ commands: { 'ws.argv': argvDefinition(h.ports, ['before', '${param:value}', 'after'], free) } });

        const trusted = await runToCompletion(h.service, start('host.argv', { value }));
        assert.equal(trusted.outcome?.exitCode, 0, JSON.stringify(trusted.start));
        assert.deepEqual(JSON.parse(trusted.stdout.toString('utf8')), [value]);
        assert.deepEqual((trusted.start.resolved as { args: string[] }).args, [h.ports.fixture('argv.js'), value]);

        h.ports.prompt.answer(RUN_ONCE_BUTTON);
        const proposed = await runToCompletion(h.service, start('ws.argv', { value }));
        assert.equal(proposed.outcome?.exitCode, 0, JSON.stringify(proposed.start));
        assert.deepEqual(JSON.parse(proposed.stdout.toString('utf8')), ['before', value, 'after']);
        assertDisplaySafe(lastPrompt(ctx));

        assert.equal(existsSync(ctx.marker), false, 'something interpreted the value');
        assert.deepEqual(h.ports.audits.map((a) => a.decision), ['trusted', 'approved-once']);
      });
    }
  });

  describe('a flood of 20 concurrent start requests for a command that prompts', () => {
    for (const kind of ['trusted', 'proposal'] as const) {
      it(`${kind}: one prompt on screen at a time, the excess refused as busy, every request audited, nothing runs`, async () => {
        const maxQueuedPrompts = 3;
        const h = createHarness({ maxQueuedPrompts });
        ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
        const id = kind === 'trusted' ? 'host.ask' : 'ws.ask';
        if (kind === 'trusted') h.ports.trustedSetting = { [id]: touchDefinition(h.ports, ctx.marker) };
        else h.ports.setProposals({ commands: { [id]: touchDefinition(h.ports, ctx.marker) } });

        h.ports.prompt.hold();
        const settled: Reply[] = [];
        const replies = Array.from({ length: 20 }, () => h.service.start(start(id)).then((reply) => (settled.push(reply), reply)));
        const admitted = 1 + maxQueuedPrompts; // one on screen, the rest waiting behind it
        await waitUntil('the requests beyond the queue to be refused', () => settled.length === 20 - admitted);
        assert.ok(settled.every((reply) => reply.code === 'busy'), JSON.stringify(settled));
        assert.ok(settled.every((reply) => /too many requests are waiting for confirmation/.test(reply.message as string)));
        assert.equal(h.ports.prompt.shown.length, 1, 'only one prompt on screen');
        assert.equal(h.ports.audits.filter((a) => a.decision === 'refused-busy').length, 20 - admitted);

        h.ports.prompt.release(); // every prompt is cancelled from now on
        const all = await Promise.all(replies);
        // The user declined the first: the ones waiting behind it, from the same caller, are not shown at all.
        assert.equal(h.ports.prompt.shown.length, 1);
        assert.equal(all.filter((reply) => /you declined it on the host moments ago/.test(reply.message as string)).length, admitted - 1, JSON.stringify(all));
        assert.equal(h.ports.prompt.maxActive, 1);
        assert.equal(h.ports.prompt.reentered, 0, 'a prompt was shown while another was on screen');
        assert.deepEqual(
          all.map((reply) => reply.code).sort(),
          [...Array<string>(20 - admitted).fill('busy'), ...Array<string>(admitted).fill('denied')].sort(),
        );
        const decisions = h.ports.audits.map((a) => a.decision);
        assert.equal(decisions.length, 20);
        assert.equal(decisions.filter((d) => d === 'refused-busy').length, 20 - admitted);
        assert.equal(decisions.filter((d) => d === 'denied').length, admitted);
        await h.service.dispose();
        assert.deepEqual(h.ports.observer.startedIds(), []);
        assert.equal(existsSync(ctx.marker), false);
      });
    }
  });

  describe('after "Don\'t Run"', () => {
    it('the same command asked for again by a program in the container is refused without a prompt for a while, then asked again', async () => {
      const h = createHarness({ declinedQuietMs: 300 });
      ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
      h.ports.trustedSetting = { 'host.ask': touchDefinition(h.ports, ctx.marker), 'host.other': touchDefinition(h.ports, ctx.marker) };
      assert.equal((await h.service.start(start('host.ask', {}, { source: 'cli' }))).code, 'denied');
      assert.equal(h.ports.prompt.shown.length, 1);

      const again = await h.service.start(start('host.ask', {}, { source: 'cli' }));
      assert.equal(again.code, 'denied');
      assert.match(again.message as string, /you declined it on the host moments ago; not asking again for \d+ s/);
      assert.equal(h.ports.prompt.shown.length, 1, 'no second prompt');
      assert.equal(h.ports.audits.at(-1)?.decision, 'denied');
      // Claiming to be another extension or an agent instead changes nothing.
      assert.match((await h.service.start(start('host.ask', {}, { source: 'api' }))).message as string, /declined it on the host moments ago/);
      assert.match((await h.service.start(start('host.ask', {}, { source: 'tool' }))).message as string, /declined it on the host moments ago/);
      assert.equal(h.ports.prompt.shown.length, 1, 'no prompt for another source either');

      // Another command, or the user's own click in the palette, is asked as usual (the burst rule below covers a script claiming to click).
      await h.service.start(start('host.other', {}, { source: 'cli' }));
      await h.service.start(start('host.ask', {}, { source: 'palette' }));
      assert.equal(h.ports.prompt.shown.length, 3);

      await new Promise((resolve) => setTimeout(resolve, 350));
      await h.service.start(start('host.ask', {}, { source: 'cli' }));
      assert.equal(h.ports.prompt.shown.length, 4, 'asked again once the quiet time is over');
      await h.service.dispose();
      assert.equal(existsSync(ctx.marker), false);
    });

    it('several "Don\'t Run" in a row hold every prompt for a while, whatever source is claimed: new command ids each time do not keep the user answering', async () => {
      const h = createHarness({ declinedQuietMs: 300, declineBurst: 3 });
      ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
      h.ports.setProposals({ commands: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((id) => [`ws.${id}`, touchDefinition(h.ports, ctx!.marker)])) });
      for (const id of ['a', 'b', 'c']) assert.equal((await h.service.start(start(`ws.${id}`))).code, 'denied');
      assert.equal(h.ports.prompt.shown.length, 3);
      const held = await h.service.start(start('ws.d', {}, { source: 'palette' }));
      assert.equal(held.code, 'denied');
      assert.match(held.message as string, /you declined 3 host commands in a row; not asking about any for \d+ s/);
      assert.equal(h.ports.prompt.shown.length, 3, 'no fourth prompt');
      assert.equal(h.ports.audits.at(-1)?.decision, 'denied');

      await new Promise((resolve) => setTimeout(resolve, 350));
      h.ports.prompt.answer(RUN_ONCE_BUTTON);
      const done = await runToCompletion(h.service, start('ws.e'));
      assert.equal(done.outcome?.exitCode, 0, 'asked again (and run) once the quiet time is over');
      assert.equal(h.ports.prompt.shown.length, 4);
      await h.service.dispose();
    });
  });

  it('malformed poll and cancel messages are refused with clear errors and audited', async () => {
    const h = createHarness();
    ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
    const bad: Array<[string, () => Promise<Reply>]> = [
      ['poll with a runId that is not one', () => h.service.poll({ v: 1, runId: '__proto__', cursor: 0 })],
      ['poll with a negative cursor', () => h.service.poll({ v: 1, runId: 'run-0123456789abcdef', cursor: -1 })],
      ['poll holding the bridge for an hour', () => h.service.poll({ v: 1, runId: 'run-0123456789abcdef', cursor: 0, waitMs: 3_600_000 })],
      ['cancel with an extra field', () => h.service.cancel({ v: 1, runId: 'run-0123456789abcdef', force: true })],
      ['cancel with a cyclic message', () => h.service.cancel(cyclic())],
    ];
    for (const [what, send] of bad) {
      const before = h.ports.audits.length;
      const reply = await send();
      assert.deepEqual([reply.ok, reply.code], [false, 'invalid-request'], what);
      assert.ok((reply.message as string).length >= 10, what);
      assert.deepEqual(h.ports.audits.slice(before).map((a) => a.decision), ['refused-invalid'], what);
    }
  });

  it('Run Once runs but stores no approval: the next request asks again', async () => {
    const h = createHarness();
    ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
    baseline(ctx);
    h.ports.prompt.answer(RUN_ONCE_BUTTON);
    const first = await runToCompletion(h.service, start('ws.touch'));
    assert.equal(first.outcome?.exitCode, 0);
    assert.ok(existsSync(ctx.marker));
    assert.equal(h.ports.approvals.records.size, 0);
    rmSync(ctx.marker);

    const second = await h.service.start(start('ws.touch'));
    assert.equal(second.code, 'denied');
    assert.equal(h.ports.prompt.shown.length, 2);
    await h.service.dispose();
    assert.equal(existsSync(ctx.marker), false);
    assert.deepEqual(h.ports.audits.map((a) => a.decision), ['approved-once', 'denied']);
  });

  it('an "always" approval covers other values of a parameter that a pattern limits, and the prompt said so', async () => {
    const h = createHarness();
    ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
    propose(ctx, touchDefinition(h.ports, ctx.marker, { args: [h.ports.fixture('touch.js'), ctx.marker, '${param:branch}'], parameters: { branch: { pattern: '[a-z]+' } } }));
    await approveAlways(ctx, 'ws.x', { branch: 'main' });
    assert.match(lastPrompt(ctx).detail, /branch = main — must match \/\[a-z\]\+\//);
    const other = await runToCompletion(h.service, start('ws.x', { branch: 'develop' }));
    assert.equal(other.outcome?.exitCode, 0);
    assert.equal(h.ports.prompt.shown.length, 1);
  });

  describe("the caller's working directory (a container path) is mapped to the host or refused", () => {
    const outside: Array<[string, string]> = [
      ['an absolute path outside the workspace', '/etc'],
      ['a ".." walk out of the workspace', '/workspaces/proj/../other'],
      ['a sibling folder sharing the prefix', '/workspaces/project'],
      ['a relative walk out', '../..'],
    ];
    for (const [what, cwd] of outside) {
      it(`${what} is refused, nothing runs`, async () => {
        const h = createHarness();
        ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
        h.ports.trustedSetting = { 'host.touch': touchDefinition(h.ports, ctx.marker, { confirm: 'never' }) };
        const reply = await h.service.start(start('host.touch', {}, { cwd }));
        assert.equal(reply.code, 'refused', JSON.stringify(reply));
        assert.match(reply.message as string, /outside the workspace folder|does not map/);
        assert.equal(h.ports.audits.at(-1)?.decision, 'refused-policy');
        await h.service.dispose();
        assert.equal(existsSync(ctx.marker), false);
      });
    }

    it('a folder inside the workspace runs in the same folder on the host', async () => {
      const h = createHarness();
      ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
      h.ports.writeWorkspaceFile('sub/dir/.keep', '');
      h.ports.trustedSetting = { 'host.pwd': { program: 'node', args: ['-e', 'process.stdout.write(process.cwd())'], confirm: 'never' } };
      const done = await runToCompletion(h.service, start('host.pwd', {}, { cwd: '/workspaces/proj/sub/dir' }));
      assert.equal(done.outcome?.exitCode, 0, JSON.stringify(done.start));
      assert.equal(done.stdout.toString(), path.join(h.ports.workspace, 'sub', 'dir'));
    });

    it('a caller cwd through a symbolic link in the workspace does not take the user\'s own command out of it', async function () {
      if (process.platform === 'win32') this.skip(); // symbolic links need privileges there
      const h = createHarness();
      ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
      symlinkSync(h.ports.home, path.join(h.ports.workspace, 'rootlink'));
      h.ports.trustedSetting = { 'host.touch': touchDefinition(h.ports, ctx.marker, { confirm: 'never' }) };
      const reply = await h.service.start(start('host.touch', {}, { cwd: '/workspaces/proj/rootlink' }));
      assert.equal(reply.code, 'refused', JSON.stringify(reply));
      assert.match(reply.message as string, /leads outside the workspace folder .* through a symbolic link/);
      assert.equal(h.ports.audits.at(-1)?.decision, 'refused-policy');
      await h.service.dispose();
      assert.equal(existsSync(ctx.marker), false);
    });

    it('a folder swapped for a symbolic link out of the workspace while the prompt is open: nothing runs', async function () {
      if (process.platform === 'win32') this.skip();
      const h = createHarness();
      ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
      h.ports.writeWorkspaceFile('sub/.keep', '');
      h.ports.trustedSetting = { 'host.touch': touchDefinition(h.ports, ctx.marker) }; // confirm: always
      h.ports.prompt.hold();
      h.ports.prompt.answer(RUN_BUTTON);
      const reply = h.service.start(start('host.touch', {}, { source: 'cli', cwd: '/workspaces/proj/sub' }));
      await waitUntil('the prompt', () => h.ports.prompt.shown.length === 1);
      assert.match(lastPrompt(ctx).detail, /Working directory: .*\/sub\n/);
      const sub = path.join(h.ports.workspace, 'sub');
      rmSync(sub, { recursive: true });
      symlinkSync(h.ports.home, sub);
      h.ports.prompt.release();
      const started = await reply;
      assert.equal(started.ok, true, JSON.stringify(started));
      const { outcome } = await follow(h.service, started.runId as string);
      assert.equal(outcome?.reason, 'spawn-failed');
      assert.match(outcome?.message ?? '', /leads outside the workspace folder .* through a symbolic link; nothing ran/);
      await h.service.dispose();
      assert.equal(existsSync(ctx.marker), false);
      assert.deepEqual(h.ports.observer.startedIds(), []);
    });

    it('without a host copy of the folder (SSH, volume clone) a caller cwd is refused with the reason', async () => {
      const h = createHarness();
      ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
      h.ports.folderUnavailable = 'the folder lives only on the SSH remote';
      h.ports.trustedSetting = { 'host.touch': touchDefinition(h.ports, ctx.marker, { confirm: 'never' }) };
      const reply = await h.service.start(start('host.touch', {}, { cwd: '/workspaces/proj' }));
      assert.equal(reply.code, 'refused');
      assert.match(reply.message as string, /only on the SSH remote/);
      await h.service.dispose();
      assert.equal(existsSync(ctx.marker), false);
    });
  });

  it('an AI agent tool request is confirmed on the host even for a "confirm: never" command; Cancel runs nothing', async () => {
    const h = createHarness();
    ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
    h.ports.trustedSetting = { 'host.touch': touchDefinition(h.ports, ctx.marker, { confirm: 'never' }) };
    const listed = await h.service.list({ v: 1, source: 'tool' });
    assert.equal((listed.commands as Array<{ prompt: string }>)[0]?.prompt, 'confirm');
    const reply = await h.service.start(start('host.touch', {}, { source: 'tool' }));
    assert.equal(reply.code, 'denied');
    assert.equal(h.ports.prompt.shown.length, 1);
    assert.match(lastPrompt(ctx).detail, /Requested by an AI agent tool/);
    await h.service.dispose();
    assert.equal(existsSync(ctx.marker), false);
    assert.equal(h.ports.audits.at(-1)?.source, 'tool');
  });

  describe('an extension writes the user\'s own setting (VS Code lets any extension write an application-scoped setting)', () => {
    /** The host user confirmed nothing yet: the definitions below were written by someone, not seen by the user. */
    function unconfirmed(limits: Parameters<typeof createHarness>[0] = {}): Ctx {
      const h = createHarness(limits);
      h.ports.confirmedDefinitions.confirmEverything = false;
      const c: Ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
      h.ports.trustedSetting = { 'host.touch': touchDefinition(h.ports, c.marker, { confirm: 'never' }) };
      ctx = c;
      return c;
    }

    it('a "confirm: never" command new in the settings asks on the host first, says why, and Don\'t Run runs nothing', async () => {
      const c = unconfirmed({ declinedQuietMs: 100 });
      const { h } = c;
      const listed = await h.service.list({ v: 1, source: 'api' });
      assert.equal((listed.commands as Array<{ prompt: string }>)[0]?.prompt, 'confirm', 'the picker says it will ask');
      const reply = await h.service.start(start('host.touch'));
      assert.equal(reply.code, 'denied');
      assert.equal(h.ports.prompt.shown.length, 1);
      const prompt = lastPrompt(c);
      assert.match(prompt.message, /new or changed in your settings/);
      assert.match(prompt.detail, /Extensions can write your settings too, including extensions running in the container/);
      assert.match(prompt.detail, /Once you run it, it runs without asking/);
      assert.equal(existsSync(c.marker), false);
      assert.equal(h.ports.audits.at(-1)?.decision, 'denied');
      // Declining confirms nothing: the next request (once the quiet time after "Don't Run" is over) asks the same way.
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal((await h.service.start(start('host.touch', {}, { source: 'palette' }))).code, 'denied');
      assert.equal(h.ports.prompt.shown.length, 2);
      assert.match(lastPrompt(c).message, /new or changed in your settings/);
    });

    it('once the user runs it from the prompt, it runs without asking; changed by one character, it asks again', async () => {
      const c = unconfirmed();
      const { h } = c;
      h.ports.prompt.answer(RUN_BUTTON);
      const first = await runToCompletion(h.service, start('host.touch'));
      assert.equal(first.outcome?.exitCode, 0);
      assert.ok(existsSync(c.marker));
      rmSync(c.marker);
      const second = await runToCompletion(h.service, start('host.touch'));
      assert.equal(second.outcome?.exitCode, 0);
      assert.equal(h.ports.prompt.shown.length, 1, 'the confirmed definition runs without asking');
      assert.equal(h.ports.audits.at(-1)?.decision, 'trusted');
      rmSync(c.marker);

      h.ports.trustedSetting = { 'host.touch': touchDefinition(h.ports, `${c.marker}2`, { confirm: 'never' }) };
      const changed = await h.service.start(start('host.touch'));
      assert.equal(changed.code, 'denied');
      assert.equal(h.ports.prompt.shown.length, 2);
      assert.match(lastPrompt(c).message, /new or changed in your settings/);
      assert.equal(existsSync(`${c.marker}2`), false);
    });

    it('an optional, unlimited parameter slipped into a confirmed command shows in the prompt that confirms the change', async () => {
      const c = unconfirmed();
      const { h } = c;
      // The user's own command, confirmed as it was; then an extension appends an argument a caller can fill later.
      const original = touchDefinition(h.ports, c.marker, { confirm: 'never', cwd: h.ports.root });
      h.ports.trustedSetting = { 'host.touch': original };
      await h.ports.confirmedDefinitions.confirm(h.ports.trustedDefinitions().definitions[0]!);
      h.ports.trustedSetting = {
        'host.touch': { ...original, cwd: undefined, args: [...(original.args as string[]), '${param:extra}'], parameters: { extra: { required: false } } },
      };
      assert.equal((await h.service.start(start('host.touch'))).code, 'denied');
      const prompt = lastPrompt(c);
      assert.match(prompt.message, /new or changed in your settings/);
      assert.match(prompt.detail, /Parameters \(callers may give other values; only the rule limits them\):\n {2}extra = \(not given\) — ⚠ any value/);
      assert.match(prompt.detail, /no "cwd" in the definition: callers may run it in any folder of the workspace/);
      assert.equal(existsSync(c.marker), false);
    });

    it('a "confirm: always" command new in the settings says so in its usual prompt', async () => {
      const c = unconfirmed();
      const { h } = c;
      h.ports.trustedSetting = { 'host.touch': touchDefinition(h.ports, c.marker, { confirm: 'always' }) };
      assert.equal((await h.service.start(start('host.touch'))).code, 'denied');
      assert.match(lastPrompt(c).detail, /new or changed in your user settings/);
      assert.doesNotMatch(lastPrompt(c).detail, /runs without asking/);
      assert.equal(existsSync(c.marker), false);
    });
  });

  it('a proposal that policy refuses whatever its parameters is left out of the list, with a warning that says why', async () => {
    const h = createHarness();
    ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
    h.ports.setProposals({
      commands: {
        'ws.hook': touchDefinition(h.ports, ctx.marker, { env: { LD_PRELOAD: '/tmp/evil.so' } }),
        'ws.fine': touchDefinition(h.ports, ctx.marker),
        // Refused with its default folder, but another value may be fine: it stays listed.
        'ws.param': touchDefinition(h.ports, ctx.marker, { cwd: '${workspaceFolder}/${param:dir}', parameters: { dir: { pattern: '[a-z./]+', default: '../..' } } }),
      },
    });
    const listed = await h.service.list({ v: 1, source: 'palette' });
    const warnings = listed.warnings as string[];
    assert.ok(warnings.some((w) => /"ws\.hook", which cannot run on this host: env: a workspace proposal may not set LD_PRELOAD/.test(w)), warnings.join('\n'));
    assert.ok(!warnings.some((w) => w.includes('ws.fine')), warnings.join('\n'));
    assert.deepEqual((listed.commands as Array<{ id: string }>).map((command) => command.id), ['ws.fine', 'ws.param']);
    assert.equal(existsSync(ctx.marker), false);
  });

  it('runs waiting for a free slot are bounded: beyond the queue, requests are refused as busy', async () => {
    const h = createHarness({ maxConcurrentRuns: 1, maxQueuedRuns: 2 });
    ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
    h.ports.trustedSetting = { 'host.sleep': { program: 'node', args: ['-e', 'setTimeout(() => {}, 60000)'], confirm: 'never' } };
    const admitted = [];
    for (let i = 0; i < 3; i++) admitted.push(await h.service.start(start('host.sleep')));
    assert.ok(admitted.every((reply) => reply.ok === true), JSON.stringify(admitted));
    const refused = await h.service.start(start('host.sleep'));
    assert.equal(refused.code, 'busy');
    assert.match(refused.message as string, /waiting for a free slot/);
    assert.equal(h.ports.audits.at(-1)?.decision, 'refused-busy');
  });

  it('a workspace script rewritten while its approved run waits for a slot does not run', async () => {
    const h = createHarness({ maxConcurrentRuns: 1 });
    ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
    h.ports.trustedSetting = { 'host.sleep': { program: 'node', args: ['-e', 'setTimeout(() => {}, 60000)'], confirm: 'never' } };
    h.ports.writeWorkspaceFile('scripts/build.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'v1');\n`);
    propose(ctx, { program: 'node', args: ['${workspaceFolder}/scripts/build.js'] });
    const blocker = await h.service.start(start('host.sleep'));
    h.ports.prompt.answer(RUN_ONCE_BUTTON);
    const queued = await h.service.start(start('ws.x'));
    assert.equal(queued.ok, true, JSON.stringify(queued));
    h.ports.writeWorkspaceFile('scripts/build.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'v2');\n`);
    await h.service.cancel({ v: 1, runId: blocker.runId });
    const done = await follow(h.service, queued.runId as string);
    assert.equal(done.outcome?.reason, 'spawn-failed');
    assert.match(done.outcome?.message ?? '', /changed after it was approved/);
    assert.equal(existsSync(ctx.marker), false);
  });

  it('an "always" approval for exactly the same definition and files is honoured without a prompt (control case)', async () => {
    const h = createHarness();
    ctx = { h, marker: path.join(h.ports.root, 'MARKER') };
    h.ports.writeWorkspaceFile('scripts/build.js', `require('fs').writeFileSync(${JSON.stringify(ctx.marker)}, 'v1');\n`);
    propose(ctx, { program: 'node', args: ['${workspaceFolder}/scripts/build.js'] });
    await approveAlways(ctx, 'ws.x');
    const again = await runToCompletion(h.service, start('ws.x'));
    assert.equal(again.outcome?.exitCode, 0);
    assert.equal(h.ports.prompt.shown.length, 1);
    assert.deepEqual(h.ports.audits.map((a) => a.decision), ['approved-always', 'approved-always']);
  });
});
