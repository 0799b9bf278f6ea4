import assert from 'node:assert/strict';
import { parameterPlaceholder } from '../../src/core/parameterHint';
import { validateParams } from '../../src/core/parameters';
import type { ParameterSpec } from '../../src/core/protocol';

function spec(extra: Partial<ParameterSpec>): ParameterSpec {
  return { name: 'name', required: false, ...extra };
}

describe('parameterPlaceholder', () => {
  it('says "required" for a required parameter, with or without a default', () => {
    assert.equal(parameterPlaceholder(spec({ required: true })), 'required');
    assert.equal(parameterPlaceholder(spec({ required: true, default: 'host' })), 'required');
  });

  it('says an empty optional value without a default is omitted', () => {
    assert.equal(parameterPlaceholder(spec({})), 'optional: leave empty to omit');
  });

  it('names the default an empty optional value runs with', () => {
    assert.equal(parameterPlaceholder(spec({ default: 'host' })), 'leave empty for the default: host');
    assert.equal(parameterPlaceholder(spec({ default: 'café' })), 'leave empty for the default: café');
  });

  it('shows a default with spaces quoted, an empty one as "", and disguising characters escaped', () => {
    assert.equal(parameterPlaceholder(spec({ default: 'a b' })), 'leave empty for the default: "a b"');
    assert.equal(parameterPlaceholder(spec({ default: '' })), 'leave empty for the default: ""');
    assert.equal(parameterPlaceholder(spec({ default: 'x\u202Ey' })), 'leave empty for the default: x\\u202Ey');
  });

  it('tells the truth: an omitted optional value is the default on the host', () => {
    const withDefault = spec({ default: 'host' });
    assert.deepEqual({ ...(validateParams([withDefault], {}) as { values: object }).values }, { name: 'host' });
    assert.deepEqual({ ...(validateParams([spec({})], {}) as { values: object }).values }, {});
  });
});
