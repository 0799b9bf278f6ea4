import assert from 'node:assert/strict';
import {
  cancelRequestSchema,
  errorResponse,
  helloRequestSchema,
  listReplySchema,
  listRequestSchema,
  MAX_PARAMS,
  MAX_PARAM_VALUE_LENGTH,
  MAX_REQUEST_BYTES,
  parseMessage,
  pollRequestSchema,
  PROTOCOL_VERSION,
  ProtocolError,
  startRequestSchema,
  toWire,
  type ErrorCode,
} from '../../src/core/protocol';

function refusedWith(code: ErrorCode, fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `not a ProtocolError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

const start = { v: 1, command: 'build', params: { target: 'all' }, source: 'palette' };

describe('parseMessage', () => {
  it('accepts a valid request and fills defaults', () => {
    assert.deepEqual(parseMessage(startRequestSchema, start), { ...start, stream: false });
    assert.deepEqual(parseMessage(startRequestSchema, { v: 1, command: 'build', source: 'cli' }), { v: 1, command: 'build', params: {}, source: 'cli', stream: false });
    assert.deepEqual(parseMessage(pollRequestSchema, { v: 1, runId: 'run-0123456789abcdef', cursor: 0 }), { v: 1, runId: 'run-0123456789abcdef', cursor: 0, waitMs: 1000 });
    assert.deepEqual(parseMessage(helloRequestSchema, { v: 1 }), { v: 1 });
  });

  it('refuses extra fields, at the top level and nested', () => {
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, shell: true }), /shell/);
    refusedWith('invalid-request', () => parseMessage(listRequestSchema, { v: 1, source: 'palette', extra: 1 }));
    refusedWith('invalid-request', () => parseMessage(helloRequestSchema, { v: 1, x: null }));
    refusedWith('invalid-request', () => parseMessage(cancelRequestSchema, { v: 1, runId: 'run-0123456789abcdef', force: true }));
  });

  it('refuses an own "__proto__" key as an extra field', () => {
    const raw = JSON.parse('{"v": 1, "command": "build", "source": "palette", "__proto__": {"stream": true}}') as unknown;
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, raw), /__proto__/);
  });

  it('refuses "__proto__" as a parameter name, like the other reserved names', () => {
    for (const params of ['{"__proto__": "x"}', '{"__proto__": {"target": "x"}, "a": "1"}']) {
      const raw = JSON.parse(`{"v": 1, "command": "build", "source": "palette", "params": ${params}}`) as unknown;
      refusedWith('invalid-request', () => parseMessage(startRequestSchema, raw), /__proto__/);
    }
  });

  it('a message with another protocol version is "unsupported-version"', () => {
    for (const v of [0, 2, '1', 1.5, null, true]) {
      refusedWith('unsupported-version', () => parseMessage(startRequestSchema, { ...start, v }), /protocol version .* is not supported/);
    }
  });

  it('a message without a version is refused', () => {
    const { v: _v, ...unversioned } = start;
    assert.throws(() => parseMessage(startRequestSchema, unversioned), ProtocolError);
    assert.throws(() => parseMessage(helloRequestSchema, {}), ProtocolError);
  });

  it('refuses wrong types, naming the field', () => {
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, command: 42 }), /command/);
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, params: { target: 1 } }), /params\.target/);
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, params: ['all'] }), /params/);
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, stream: 'yes' }), /stream/);
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, source: 'shell' }), /source/);
    refusedWith('invalid-request', () => parseMessage(pollRequestSchema, { v: 1, runId: 'run-0123456789abcdef', cursor: -1 }), /cursor/);
    refusedWith('invalid-request', () => parseMessage(pollRequestSchema, { v: 1, runId: 'run-0123456789abcdef', cursor: 1.5 }), /cursor/);
    refusedWith('invalid-request', () => parseMessage(pollRequestSchema, { v: 1, runId: 'run-0123456789abcdef', cursor: 0, waitMs: 60_000 }), /waitMs/);
    refusedWith('invalid-request', () => parseMessage(cancelRequestSchema, { v: 1, runId: '../../etc' }), /runId/);
  });

  it('refuses a message that is not an object', () => {
    for (const raw of [null, 'hello', 1, [], [start], true]) {
      refusedWith('invalid-request', () => parseMessage(startRequestSchema, raw));
    }
  });

  it('refuses undefined and functions (nothing would cross)', () => {
    refusedWith('invalid-request', () => parseMessage(helloRequestSchema, undefined), /empty/);
    refusedWith('invalid-request', () => parseMessage(helloRequestSchema, () => ({ v: 1 })), /empty/);
  });

  it('refuses invalid command ids and parameter names', () => {
    for (const command of ['', 'has space', '-x', 'a'.repeat(65), 'semi;colon']) {
      refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, command }));
    }
    for (const name of ['1x', 'a-b', 'constructor', 'prototype', '']) {
      refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, params: { [name]: 'x' } }));
    }
  });

  it('limits parameter count and value length', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_PARAMS + 1 }, (_, i) => [`p${i}`, 'x']));
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, params: many }));
    const enough = Object.fromEntries(Array.from({ length: MAX_PARAMS }, (_, i) => [`p${i}`, 'x']));
    assert.equal(Object.keys(parseMessage(startRequestSchema, { ...start, params: enough }).params).length, MAX_PARAMS);
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, { ...start, params: { p: 'x'.repeat(MAX_PARAM_VALUE_LENGTH + 1) } }));
    assert.equal(parseMessage(startRequestSchema, { ...start, params: { p: 'x'.repeat(MAX_PARAM_VALUE_LENGTH) } }).params.p!.length, MAX_PARAM_VALUE_LENGTH);
  });

  it('refuses an oversized message before validating it', () => {
    const big = { ...start, label: 'x'.repeat(MAX_REQUEST_BYTES) };
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, big), new RegExp(`larger than ${MAX_REQUEST_BYTES} bytes`));
    refusedWith('invalid-request', () => parseMessage(helloRequestSchema, { v: 1 }, 5), /larger than 5 bytes/);
  });

  it('counts bytes, not characters', () => {
    const message = { v: 1, s: 'é' };
    const bytes = Buffer.byteLength(JSON.stringify(message));
    assert.equal(bytes, JSON.stringify(message).length + 1);
    refusedWith('invalid-request', () => toWire(message, bytes - 1));
    assert.deepEqual(toWire(message, bytes), message);
  });

  it('refuses a cyclic value instead of sending a partial or null message', () => {
    const cyclic: Record<string, unknown> = { v: 1, command: 'build', source: 'palette' };
    cyclic.params = cyclic;
    refusedWith('invalid-request', () => parseMessage(startRequestSchema, cyclic), /cyclic/);
  });

  it('refuses values JSON cannot hold, such as BigInt', () => {
    refusedWith('invalid-request', () => parseMessage(pollRequestSchema, { v: 1, runId: 'run-0123456789abcdef', cursor: 10n }));
  });

  it('validates replies the same way', () => {
    assert.deepEqual(parseMessage(listReplySchema, errorResponse('denied', 'no')), { v: PROTOCOL_VERSION, ok: false, code: 'denied', message: 'no' });
    assert.deepEqual(parseMessage(listReplySchema, { v: 1, ok: true, commands: [], warnings: [] }), { v: 1, ok: true, commands: [], warnings: [] });
    refusedWith('invalid-request', () => parseMessage(listReplySchema, { v: 1, ok: true, commands: [], warnings: [], extra: 1 }));
    refusedWith('invalid-request', () => parseMessage(listReplySchema, { v: 1, ok: false, code: 'oops', message: 'x' }));
  });
});

describe('toWire', () => {
  it('returns a deep copy: later changes to the original do not show through', () => {
    const original = { v: 1, params: { a: 'x' }, list: [1, [2]] };
    const copy = toWire(original) as typeof original;
    assert.deepEqual(copy, original);
    assert.notEqual(copy, original);
    assert.notEqual(copy.params, original.params);
    original.params.a = 'changed';
    (original.list[1] as number[]).push(3);
    assert.equal(copy.params.a, 'x');
    assert.deepEqual(copy.list, [1, [2]]);
  });

  it('evaluates a getter exactly once and keeps the value, not the getter', () => {
    let calls = 0;
    const raw = {
      v: 1,
      get command() {
        calls++;
        return calls === 1 ? 'build' : 'rm-everything';
      },
      source: 'palette',
    };
    const parsed = parseMessage(startRequestSchema, raw);
    assert.equal(calls, 1);
    assert.equal(parsed.command, 'build');
    assert.equal(parsed.command, 'build');
    assert.equal(calls, 1);
    const wire = toWire({ get x() { return 1; } }) as object;
    assert.equal(typeof Object.getOwnPropertyDescriptor(wire, 'x')?.get, 'undefined');
  });

  it('drops prototypes: class instances become plain objects, inherited properties are gone', () => {
    class Request {
      v = 1;
      inheritedMethod() {
        return 'x';
      }
    }
    const wire = toWire(new Request()) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(wire), Object.prototype);
    assert.equal(wire.inheritedMethod, undefined);
    assert.deepEqual(wire, { v: 1 });
    const withProto = Object.create({ source: 'palette' }) as Record<string, unknown>;
    withProto.v = 1;
    assert.deepEqual(toWire(withProto), { v: 1 });
    refusedWith('invalid-request', () => parseMessage(listRequestSchema, withProto), /source/);
  });

  it('drops functions, symbols and undefined properties, as executeCommand would', () => {
    assert.deepEqual(toWire({ v: 1, f: () => 1, u: undefined, [Symbol('s')]: 1 }), { v: 1 });
  });

  it('uses toJSON as JSON does', () => {
    assert.deepEqual(toWire({ at: new Date(0) }), { at: '1970-01-01T00:00:00.000Z' });
  });

  it('refuses cyclic values and oversized messages', () => {
    const a: unknown[] = [];
    a.push(a);
    refusedWith('invalid-request', () => toWire(a), /cyclic/);
    refusedWith('invalid-request', () => toWire('x'.repeat(100), 50), /larger than 50 bytes/);
  });
});

describe('errorResponse', () => {
  it('builds a versioned error reply', () => {
    assert.deepEqual(errorResponse('busy', 'wait'), { v: PROTOCOL_VERSION, ok: false, code: 'busy', message: 'wait' });
  });
});
