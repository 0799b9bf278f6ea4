import assert from 'node:assert/strict';
import { approvalKey, canonicalJson, sha256, type ApprovalSubject } from '../../src/core/approvals';
import { loadProposedDefinitions, type CommandDefinition } from '../../src/core/definitions';
import { resolveCommand, type HostFacts, type ResolvedCommand } from '../../src/core/resolve';

describe('canonicalJson', () => {
  it('does not depend on key order, at any depth', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' } };
    const b = { a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(canonicalJson(a), '{"a":{"x":"x","y":[1,{"p":2,"q":1}]},"b":1}');
  });

  it('keeps array order significant', () => {
    assert.notEqual(canonicalJson(['a', 'b']), canonicalJson(['b', 'a']));
  });

  it('drops undefined properties, like JSON', () => {
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
    assert.equal(canonicalJson({ a: undefined, b: 1 }), canonicalJson({ b: 1 }));
  });

  it('writes undefined array elements as null, like JSON', () => {
    assert.equal(canonicalJson([undefined, 1]), '[null,1]');
  });

  it('handles null-prototype objects', () => {
    const record = Object.create(null) as Record<string, string>;
    record.z = '1';
    record.a = '2';
    assert.equal(canonicalJson(record), '{"a":"2","z":"1"}');
  });

  it('quotes keys and strings so no two different values collide', () => {
    assert.notEqual(canonicalJson({ 'a,"b":1': 2 }), canonicalJson({ a: 1, b: 2 }));
    assert.notEqual(canonicalJson(['a,b']), canonicalJson(['a', 'b']));
    assert.notEqual(canonicalJson('1'), canonicalJson(1));
    assert.notEqual(canonicalJson(null), canonicalJson('null'));
    assert.equal(canonicalJson('line\nbreak'), '"line\\nbreak"');
  });
});

describe('sha256', () => {
  it('is the hex SHA-256 of strings and buffers alike', () => {
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    assert.equal(sha256(''), empty);
    assert.equal(sha256(Buffer.alloc(0)), empty);
    assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('approvalKey', () => {
  const host: HostFacts = {
    platform: 'linux',
    userHome: '/home/me',
    folder: { ok: true, paths: { hostPath: '/home/me/proj', containerPath: '/workspaces/proj', hostFlavor: 'posix' } },
    findProgram: (name) => `/usr/bin/${name}`,
  };

  function definitionFrom(raw: Record<string, unknown>, id = 'test'): CommandDefinition {
    const result = loadProposedDefinitions(JSON.stringify({ commands: { [id]: raw } }));
    assert.deepEqual(result.warnings, []);
    return result.definitions[0]!;
  }

  function resolve(definition: CommandDefinition, facts = host): ResolvedCommand {
    const result = resolveCommand(definition, {}, facts);
    assert.ok(result.ok, result.ok ? '' : result.message);
    return result.command;
  }

  const baseRaw = { title: 'Run tests', program: '${workspaceFolder}/scripts/test.sh', args: ['--ci'], env: { CI: '1' } };

  function subject(overrides: Partial<ApprovalSubject> = {}, raw: Record<string, unknown> = baseRaw): ApprovalSubject {
    const definition = definitionFrom(raw);
    const resolved = resolve(definition);
    return {
      workspace: 'dev-container:/home/me/proj',
      definition,
      resolved,
      fileHashes: { '/home/me/proj/scripts/test.sh': sha256('#!/bin/sh\nnpm test\n') },
      ...overrides,
    };
  }

  const base = approvalKey(subject());

  it('is a SHA-256 hex digest', () => {
    assert.match(base, /^[0-9a-f]{64}$/);
  });

  it('is stable: the same subject built again gives the same key', () => {
    assert.equal(approvalKey(subject()), base);
    assert.equal(approvalKey(subject()), approvalKey(subject()));
  });

  it('does not depend on the key order the workspace wrote its definition in', () => {
    const reordered = { env: { CI: '1' }, args: ['--ci'], program: '${workspaceFolder}/scripts/test.sh', title: 'Run tests' };
    assert.equal(approvalKey(subject({}, reordered)), base);
  });

  it('does not depend on the order of file hashes', () => {
    const two = { '/home/me/proj/a': 'h1', '/home/me/proj/b': 'h2' };
    const swapped = { '/home/me/proj/b': 'h2', '/home/me/proj/a': 'h1' };
    assert.equal(approvalKey(subject({ fileHashes: two })), approvalKey(subject({ fileHashes: swapped })));
  });

  it('changes when the definition text changes by one character, in any field', () => {
    const variants: Array<Record<string, unknown>> = [
      { ...baseRaw, title: 'Run tests!' },
      { ...baseRaw, program: '${workspaceFolder}/scripts/test.sh ' },
      { ...baseRaw, args: ['--cI'] },
      { ...baseRaw, args: ['--ci', ''] },
      { ...baseRaw, args: [] },
      { ...baseRaw, env: { CI: '2' } },
      { ...baseRaw, env: { CJ: '1' } },
      { ...baseRaw, description: 'x' },
      { ...baseRaw, cwd: '${workspaceFolder}' },
      { ...baseRaw, timeoutSeconds: 60 },
      { ...baseRaw, parameters: { p: { required: false } } },
      { ...baseRaw, statusBar: { text: 'Test' } },
    ];
    const keys = new Set([base]);
    for (const raw of variants) {
      const key = approvalKey(subject({}, raw));
      assert.ok(!keys.has(key), `same key for ${JSON.stringify(raw)}`);
      keys.add(key);
    }
  });

  it('changes with a parameter’s rules', () => {
    const a = approvalKey(subject({}, { ...baseRaw, parameters: { p: { pattern: '[a-z]+', required: false } } }));
    const b = approvalKey(subject({}, { ...baseRaw, parameters: { p: { pattern: '[a-z]*', required: false } } }));
    assert.notEqual(a, b);
  });

  it('changes with the command id', () => {
    const definition = definitionFrom(baseRaw, 'test2');
    assert.notEqual(approvalKey(subject({ definition, resolved: resolve(definition) })), base);
  });

  it('changes with the workspace', () => {
    assert.notEqual(approvalKey(subject({ workspace: 'dev-container:/home/me/proj2' })), base);
    assert.notEqual(approvalKey(subject({ workspace: 'dev-container:/home/me/pro' })), base);
  });

  it('changes with the resolved program path (the same name found elsewhere on PATH)', () => {
    const definition = definitionFrom({ program: 'npm', args: ['test'] });
    const here = resolve(definition);
    const elsewhere = resolve(definition, { ...host, findProgram: () => '/tmp/evil/npm' });
    const s = subject({ definition, resolved: here, fileHashes: {} });
    assert.notEqual(approvalKey({ ...s, resolved: elsewhere }), approvalKey(s));
  });

  it('changes with the content hash of a workspace file', () => {
    const changed = { '/home/me/proj/scripts/test.sh': sha256('#!/bin/sh\nnpm test \n') };
    assert.notEqual(approvalKey(subject({ fileHashes: changed })), base);
    assert.notEqual(approvalKey(subject({ fileHashes: { '/home/me/proj/scripts/test.sh': 'missing' } })), base);
    assert.notEqual(approvalKey(subject({ fileHashes: {} })), base);
  });

  it('changes with the working directory', () => {
    const s = subject();
    assert.notEqual(approvalKey({ ...s, resolved: { ...s.resolved, cwd: '/home/me/proj/sub' } }), base);
  });

  it('does not change with parameter values (an approval covers every valid value)', () => {
    const s = subject();
    assert.equal(approvalKey({ ...s, resolved: { ...s.resolved, args: ['--other'] } }), base);
  });
});
