import assert from 'node:assert/strict';
import { checkWire, ProtocolError, toWire } from '../../src/core/protocol';

/** What toWire says of `value` under `maxBytes`: 'ok' or its refusal's message. */
function verdict(check: () => unknown): string {
  try {
    check();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof ProtocolError, `not a ProtocolError: ${String(error)}`);
    assert.equal(error.code, 'invalid-request');
    return error.message;
  }
}

class Instance {
  v = 1;
  s = 'é';
}

const cyclic: unknown[] = [];
cyclic.push(cyclic);
let deep: unknown = 'x';
for (let i = 0; i < 40; i++) deep = { d: [deep] };

const values: Record<string, unknown> = {
  'plain text': 'x'.repeat(1000),
  'escapes and control characters': 'a"b\\c\n\t\u0001\u001f',
  'non-ASCII text and a surrogate pair': 'é€😀',
  'lone surrogates': '\ud800x\udc00',
  'numbers, booleans, null': [0, -0, 1.5e300, -7, true, false, null],
  'non-finite numbers': [NaN, Infinity],
  'a reply with base64 output': { v: 1, ok: true, chunks: [{ stream: 'stdout', data: Buffer.alloc(3000, 7).toString('base64') }], cursor: 3000 },
  'members JSON leaves out': { v: 1, u: undefined, f: () => 1, [Symbol('s')]: 1, list: [undefined, () => 1, Symbol('t')] },
  'keys that need escaping': { 'é"\n': 1, '': [] },
  'a sparse array': [1, , 3], // eslint-disable-line no-sparse-arrays
  'an object without prototype': Object.assign(Object.create(null) as object, { v: 1 }),
  'toJSON': { at: new Date(0) },
  'a class instance': new Instance(),
  'deep nesting': deep,
  'undefined (empty)': undefined,
  'a cyclic value': cyclic,
  'a BigInt': { cursor: 10n },
};

describe('checkWire', () => {
  it('accepts and refuses exactly what toWire does, with the same message, at every size limit around the real one', () => {
    for (const [name, value] of Object.entries(values)) {
      let size: number;
      try {
        const text = JSON.stringify(value);
        size = text === undefined ? 10 : Buffer.byteLength(text);
      } catch {
        size = 10;
      }
      for (const maxBytes of [0, 1, size - 1, size, size + 1, Math.floor(size / 6), size * 6 + 10]) {
        assert.equal(verdict(() => checkWire(value, maxBytes)), verdict(() => toWire(value, maxBytes)), `${name}, at most ${maxBytes} bytes`);
      }
    }
  });

  it('reads a getter once when the size is settled without serializing', () => {
    let calls = 0;
    checkWire({ get x() { calls++; return 'y'; } }, 1000);
    assert.equal(calls, 1);
  });
});
