import assert from 'node:assert/strict';
import { checkParameterValue, compilePattern, validateParams, type ParamValues } from '../../src/core/parameters';
import type { ParameterSpec } from '../../src/core/protocol';

function spec(name: string, extra: Partial<ParameterSpec> = {}): ParameterSpec {
  return { name, required: true, ...extra };
}

function valuesOf(result: ReturnType<typeof validateParams>): ParamValues {
  assert.ok(result.ok, `expected valid, got: ${result.ok ? '' : result.errors.join('; ')}`);
  return result.values;
}

function errorsOf(result: ReturnType<typeof validateParams>): string[] {
  assert.ok(!result.ok, `expected errors, got values ${JSON.stringify(result.ok ? result.values : null)}`);
  return result.errors;
}

describe('checkParameterValue', () => {
  describe('pattern', () => {
    const branch = spec('branch', { pattern: '[a-z]+' });

    it('accepts a value the pattern matches in full', () => {
      assert.equal(checkParameterValue(branch, 'main'), undefined);
    });

    it('is anchored: a matching prefix, suffix or middle is not enough', () => {
      for (const value of ['abc; rm -rf ~', 'rm -rf ~; abc', '$(reboot)abc', ' abc', 'abc\n', 'abc\nrm -rf ~', 'ABC']) {
        const problem = checkParameterValue(branch, value);
        assert.ok(problem, `accepted ${JSON.stringify(value)}`);
        assert.match(problem, /^branch: must match \/\[a-z\]\+\/$/);
      }
    });

    it('anchors every alternative, not just the first and last', () => {
      const choice = spec('x', { pattern: 'start|stop' });
      assert.equal(checkParameterValue(choice, 'start'), undefined);
      assert.equal(checkParameterValue(choice, 'stop'), undefined);
      assert.ok(checkParameterValue(choice, 'start; reboot'));
      assert.ok(checkParameterValue(choice, 'reboot; stop'));
    });

    it('a pattern that would break out of the anchoring group is refused as invalid', () => {
      for (const pattern of ['a)|(.*', 'x)|.*|(?:y', 'a)(']) {
        const problem = checkParameterValue(spec('x', { pattern }), 'anything; rm -rf ~');
        assert.equal(problem, `x: the definition's pattern is not a valid regular expression`, pattern);
      }
    });

    it('an invalid regular expression in the definition gives a clear error, not an exception', () => {
      for (const pattern of ['[a-z', '(', '*', 'a{2,1}', '\\']) {
        assert.equal(checkParameterValue(spec('x', { pattern }), 'a'), `x: the definition's pattern is not a valid regular expression`, pattern);
      }
    });

    it('gives up on a pattern with catastrophic backtracking instead of freezing the host', function () {
      // Unchecked, this match would run for years; the test's own timeout is the bound that matters.
      this.timeout(10_000);
      const problem = checkParameterValue(spec('x', { pattern: '(a+)+b' }), 'a'.repeat(4096));
      assert.equal(problem, `x: the definition's pattern takes too long to check this value`);
      // Once slow, the pattern is not run again: each request could otherwise hold the thread as long again.
      assert.equal(checkParameterValue(spec('x', { pattern: '(a+)+b' }), 'aab'), `x: the definition's pattern took too long to check a value before, so it is not used again`);
      assert.equal(checkParameterValue(spec('x', { pattern: '(a+)+c' }), 'aac'), undefined, 'another pattern is checked as usual');
    });

    it('a check cut short by the request\'s budget neither runs below 25 ms nor marks the pattern slow', function () {
      this.timeout(10_000);
      const slow = spec('y', { pattern: '(y+)+z' });
      assert.equal(checkParameterValue(slow, 'y'.repeat(4096), { remainingMs: 100 }), `y: the definition's pattern takes too long to check this value`);
      assert.equal(checkParameterValue(slow, 'yyz'), undefined, 'cut short, so not judged: the pattern is still used');
      assert.equal(checkParameterValue(spec('w', { pattern: '[a-z]+' }), 'abc', { remainingMs: 10 }), 'w: checking the parameters took too long');
      assert.equal(checkParameterValue(spec('w', { pattern: '[a-z]+' }), 'abc'), undefined);
    });

    it('all the patterns of one request share one time budget: many slow parameters cannot add up', function () {
      this.timeout(10_000);
      // Different patterns, each slow on its default: the first two use up the budget, the rest are not run.
      const specs = ['(b+)+c', '(d+)+e', '(f+)+g', '(h+)+i'].map((pattern, index) => spec(`p${index}`, { pattern, default: pattern[1]!.repeat(4096) }));
      const result = validateParams(specs, {});
      assert.equal(result.ok, false);
      const errors = result.ok ? [] : result.errors;
      assert.deepEqual(errors.slice(0, 2), ["p0: the definition's pattern takes too long to check this value", "p1: the definition's pattern takes too long to check this value"]);
      assert.deepEqual(errors.slice(2), ['p2: checking the parameters took too long', 'p3: checking the parameters took too long']);
    });

    it('treats the pattern as Unicode-aware', () => {
      assert.equal(checkParameterValue(spec('x', { pattern: '\\p{L}+' }), 'Grüße'), undefined);
      assert.equal(checkParameterValue(spec('x', { pattern: '.' }), '😀'), undefined);
    });

    it('an empty value must still match the pattern', () => {
      assert.match(checkParameterValue(spec('x', { pattern: '[a-z]+', required: false }), '')!, /must match/);
      assert.equal(checkParameterValue(spec('x', { pattern: '[a-z]*', required: false }), ''), undefined);
    });
  });

  describe('enum', () => {
    const env = spec('env', { enum: ['staging', 'production'] });
    it('accepts only the listed values, exactly', () => {
      assert.equal(checkParameterValue(env, 'staging'), undefined);
      for (const value of ['Staging', 'staging ', 'staging;ls', 'stag', '']) {
        assert.equal(checkParameterValue(env, value), 'env: must be one of "staging", "production"', value);
      }
    });
  });

  describe('maxLength', () => {
    it('counts characters and reports the limit and the length', () => {
      const short = spec('tag', { maxLength: 3 });
      assert.equal(checkParameterValue(short, 'abc'), undefined);
      assert.equal(checkParameterValue(short, 'abcd'), 'tag: at most 3 characters (got 4)');
    });
  });

  describe('NUL', () => {
    it('refuses a NUL character anywhere, even when the pattern or enum would allow it', () => {
      assert.equal(checkParameterValue(spec('x'), 'a\0b'), 'x: NUL characters are not allowed');
      assert.equal(checkParameterValue(spec('x', { pattern: '[\\s\\S]*' }), '\0'), 'x: NUL characters are not allowed');
      assert.equal(checkParameterValue(spec('x', { enum: ['a\0'] }), 'a\0'), 'x: NUL characters are not allowed');
    });
  });

  describe('required', () => {
    it('a required parameter refuses the empty string; an optional one accepts it', () => {
      assert.equal(checkParameterValue(spec('x'), ''), 'x: a value is required');
      assert.equal(checkParameterValue(spec('x', { required: false }), ''), undefined);
    });
  });

  it('accepts any other string when nothing restricts it, spaces and quotes included', () => {
    assert.equal(checkParameterValue(spec('msg'), 'fix: "quoted" & $(not run)'), undefined);
  });
});

describe('compilePattern', () => {
  it('returns an anchored regular expression', () => {
    const re = compilePattern('[0-9]+');
    assert.ok(re);
    assert.ok(re.test('123'));
    assert.ok(!re.test('123abc'));
    assert.ok(!re.test('abc123'));
  });

  it('returns undefined for an invalid pattern', () => {
    assert.equal(compilePattern('(unclosed'), undefined);
  });
});

describe('validateParams', () => {
  const specs: ParameterSpec[] = [
    spec('branch', { pattern: '[A-Za-z0-9._/-]+' }),
    spec('env', { enum: ['staging', 'production'], default: 'staging', required: false }),
    spec('verbose', { enum: ['--verbose'], required: false }),
  ];

  it('returns the supplied values and fills defaults', () => {
    assert.deepEqual({ ...valuesOf(validateParams(specs, { branch: 'main' })) }, { branch: 'main', env: 'staging' });
    assert.deepEqual({ ...valuesOf(validateParams(specs, { branch: 'main', env: 'production', verbose: '--verbose' })) }, {
      branch: 'main',
      env: 'production',
      verbose: '--verbose',
    });
  });

  it('leaves an optional parameter without a default absent (not empty)', () => {
    const values = valuesOf(validateParams(specs, { branch: 'main' }));
    assert.equal(Object.hasOwn(values, 'verbose'), false);
  });

  it('refuses a missing required parameter', () => {
    assert.deepEqual(errorsOf(validateParams(specs, {})), ['branch: a value is required']);
  });

  it('a required parameter with a default is satisfied by the default', () => {
    assert.deepEqual({ ...valuesOf(validateParams([spec('x', { default: 'd' })], {})) }, { x: 'd' });
  });

  it('refuses unknown parameter names', () => {
    const errors = errorsOf(validateParams(specs, { branch: 'main', brnach: 'x' }));
    assert.ok(errors.includes('unknown parameter "brnach"'), errors.join('; '));
  });

  it('refuses an own "__proto__" or "constructor" key as unknown', () => {
    const supplied = JSON.parse('{"branch": "main", "__proto__": "x", "constructor": "y"}') as ParamValues;
    const errors = errorsOf(validateParams(specs, supplied));
    assert.ok(errors.includes('unknown parameter "__proto__"'), errors.join('; '));
    assert.ok(errors.includes('unknown parameter "constructor"'), errors.join('; '));
  });

  it('does not take values from the prototype of the supplied object', () => {
    const supplied = Object.create({ branch: 'inherited' }) as ParamValues;
    assert.deepEqual(errorsOf(validateParams(specs, supplied)), ['branch: a value is required']);
  });

  it('validates supplied values and reports every problem at once', () => {
    const errors = errorsOf(validateParams(specs, { branch: 'main; rm -rf ~', env: 'prod', extra: '1' }));
    assert.equal(errors.length, 3);
    assert.ok(errors.some((e) => e.startsWith('branch: must match')));
    assert.ok(errors.some((e) => e.startsWith('env: must be one of')));
    assert.ok(errors.includes('unknown parameter "extra"'));
  });

  it('checks defaults too: a default that breaks its own rules is an error', () => {
    const errors = errorsOf(validateParams([spec('x', { pattern: '[a-z]+', default: 'NOT OK', required: false })], {}));
    assert.deepEqual(errors, ['x: must match /[a-z]+/']);
  });

  it('an invalid pattern makes validation fail with a clear error', () => {
    assert.deepEqual(errorsOf(validateParams([spec('x', { pattern: '[' })], { x: 'a' })), ["x: the definition's pattern is not a valid regular expression"]);
  });

  it('returns a record with a null prototype', () => {
    const values = valuesOf(validateParams(specs, { branch: 'main' }));
    assert.equal(Object.getPrototypeOf(values), null);
    assert.equal((values as Record<string, unknown>).toString, undefined);
    assert.equal((values as Record<string, unknown>).constructor, undefined);
  });

  it('with no declared parameters, accepts only an empty set', () => {
    assert.deepEqual({ ...valuesOf(validateParams([], {})) }, {});
    assert.deepEqual(errorsOf(validateParams([], { a: '1' })), ['unknown parameter "a"']);
  });
});
