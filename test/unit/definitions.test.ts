import assert from 'node:assert/strict';
import {
  loadProposedDefinitions,
  loadTrustedDefinitions,
  mergeDefinitions,
  parameterSpecs,
  PROPOSALS_FILE,
  type CommandDefinition,
} from '../../src/core/definitions';

function only(result: { definitions: CommandDefinition[] }): CommandDefinition {
  assert.equal(result.definitions.length, 1, `expected one definition, got ${result.definitions.map((d) => d.id).join(', ')}`);
  return result.definitions[0]!;
}

describe('loadTrustedDefinitions', () => {
  it('loads a valid definition with its defaults filled in', () => {
    const result = loadTrustedDefinitions({ build: { program: 'make', args: ['all'] } });
    assert.deepEqual(result.warnings, []);
    const definition = only(result);
    assert.equal(definition.id, 'build');
    assert.equal(definition.origin, 'user');
    assert.equal(definition.program, 'make');
    assert.deepEqual(definition.args, ['all']);
    assert.deepEqual(definition.env, {});
    assert.deepEqual(definition.parameters, {});
    assert.equal(definition.shell, false);
    assert.equal(definition.confirm, 'always');
  });

  it('keeps the fields only the host user may set: shell and confirm', () => {
    const definition = only(loadTrustedDefinitions({ up: { program: 'docker compose up -d', shell: true, confirm: 'never' } }));
    assert.equal(definition.shell, true);
    assert.equal(definition.confirm, 'never');
  });

  it('treats no setting (undefined or null) as no commands and no warning', () => {
    assert.deepEqual(loadTrustedDefinitions(undefined), { definitions: [], warnings: [] });
    assert.deepEqual(loadTrustedDefinitions(null), { definitions: [], warnings: [] });
    assert.deepEqual(loadTrustedDefinitions({}), { definitions: [], warnings: [] });
  });

  for (const [label, value] of [
    ['a string', 'make'],
    ['a number', 42],
    ['an array', [{ program: 'make' }]],
    ['a boolean', true],
  ] as const) {
    it(`refuses a setting that is ${label}, with a warning`, () => {
      const result = loadTrustedDefinitions(value);
      assert.deepEqual(result.definitions, []);
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0]!, /hostCommands\.commands must be an object/);
    });
  }

  it('skips an invalid entry with a warning naming its id and the problem, and keeps the valid ones', () => {
    const result = loadTrustedDefinitions({
      good: { program: 'make' },
      noProgram: { args: ['x'] },
      badArgs: { program: 'make', args: 'all' },
      typo: { program: 'make', agrs: ['all'] },
      badConfirm: { program: 'make', confirm: 'sometimes' },
      notAnObject: 'make all',
    });
    assert.deepEqual(
      result.definitions.map((d) => d.id),
      ['good'],
    );
    assert.equal(result.warnings.length, 5);
    const warningFor = (id: string) => {
      const warning = result.warnings.find((w) => w.startsWith(`hostCommands.commands.${id}:`));
      assert.ok(warning, `no warning for ${id}: ${result.warnings.join(' | ')}`);
      assert.match(warning, /skipped$/);
      return warning;
    };
    assert.match(warningFor('noProgram'), /program/);
    assert.match(warningFor('badArgs'), /args/);
    assert.match(warningFor('typo'), /agrs/);
    assert.match(warningFor('badConfirm'), /confirm/);
    warningFor('notAnObject');
  });

  it('never half-uses an entry: one bad parameter makes the whole command skipped', () => {
    const result = loadTrustedDefinitions({
      deploy: { program: 'deploy', args: ['${param:env}'], parameters: { env: { enum: ['staging'] }, '1bad': {} } },
    });
    assert.deepEqual(result.definitions, []);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /^hostCommands\.commands\.deploy: .*parameters.*; skipped$/);
  });

  for (const id of ['', '-leading-dash', '.hidden', 'has space', 'semi;colon', 'slash/id', 'x'.repeat(65), '__proto__', 'naïve']) {
    it(`refuses the command id ${JSON.stringify(id.length > 20 ? `${id.slice(0, 10)}…(${id.length})` : id)}`, () => {
      const result = loadTrustedDefinitions(JSON.parse(JSON.stringify({ [id]: { program: 'make' }, ok: { program: 'make' } })) as unknown);
      assert.deepEqual(
        result.definitions.map((d) => d.id),
        ['ok'],
      );
      assert.equal(result.warnings.length, 1);
      assert.ok(result.warnings[0]!.includes(JSON.stringify(id)), result.warnings[0]);
      assert.match(result.warnings[0]!, /not a valid command id; skipped/);
    });
  }

  it('accepts ids with letters, digits, ".", "_" and "-" up to 64 characters', () => {
    const ids = ['a', 'A1', 'docker.up', 'npm_test', 'build-all', '9lives', 'x'.repeat(64)];
    const result = loadTrustedDefinitions(Object.fromEntries(ids.map((id) => [id, { program: 'true' }])));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(
      result.definitions.map((d) => d.id),
      ids,
    );
  });

  it('refuses parameter names that could reach Object.prototype', () => {
    for (const name of ['constructor', 'prototype']) {
      const result = loadTrustedDefinitions({ c: { program: 'x', parameters: { [name]: {} } } });
      assert.deepEqual(result.definitions, [], name);
      assert.equal(result.warnings.length, 1, name);
    }
  });

  it('declares at most 32 parameters: each may cost a pattern check on every request', () => {
    const parameters = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, { default: 'x' }]));
    assert.equal(loadTrustedDefinitions({ c: { program: 'x', parameters: parameters(32) } }).definitions.length, 1);
    const result = loadTrustedDefinitions({ c: { program: 'x', parameters: parameters(33) } });
    assert.deepEqual(result.definitions, []);
    assert.match(result.warnings[0]!, /at most 32 parameters/);
  });

  it('skips, when loading, a definition whose every run would fail: unknown variable, undeclared parameter, parameter with a shell, bad pattern', () => {
    const result = loadTrustedDefinitions({
      ok: { program: 'git', args: ['${workspaceFolder}', '${param:b}'], cwd: '${userHome}', env: { X: '${pathSeparator}' }, parameters: { b: { pattern: '[a-z]+' } } },
      unknownVariable: { program: 'make', args: ['${workspaceRoot}'] },
      undeclared: { program: 'make', env: { A: '${param:nope}' } },
      shellParam: { program: 'echo ${param:m}', shell: true, parameters: { m: {} } },
      badPattern: { program: 'make', args: ['${param:p}'], parameters: { p: { pattern: '[' } } },
    });
    assert.deepEqual(result.definitions.map((d) => d.id), ['ok']);
    assert.deepEqual(result.warnings, [
      'hostCommands.commands.unknownVariable: args[0]: unknown variable ${workspaceRoot} (known: ${workspaceFolder}, ${containerWorkspaceFolder}, ${workspaceFolderBasename}, ${userHome}, ${pathSeparator}, ${param:NAME}); skipped',
      'hostCommands.commands.undeclared: env.A: ${param:nope} names no declared parameter; skipped',
      'hostCommands.commands.shellParam: program: parameters cannot be used with "shell": true; skipped',
      'hostCommands.commands.badPattern: parameters.p.pattern is not a valid regular expression; skipped',
    ]);
    const proposals = loadProposedDefinitions(JSON.stringify({ commands: { bad: { program: 'make', cwd: '${file}' } } }));
    assert.deepEqual(proposals.definitions, []);
    assert.match(proposals.warnings[0]!, /^\.vscode\/host-commands\.json: bad: cwd: unknown variable \$\{file\}/);
  });

  it('says a missing field "is required", not in the schema library\'s words', () => {
    assert.deepEqual(loadTrustedDefinitions({ c: { title: 'No program' } }).warnings, ['hostCommands.commands.c: program: is required; skipped']);
  });

  it('refuses environment variable names that are not plain identifiers', () => {
    const result = loadTrustedDefinitions({ c: { program: 'x', env: { 'A=B': '1' } } });
    assert.deepEqual(result.definitions, []);
    assert.match(result.warnings[0]!, /^hostCommands\.commands\.c: env/);
  });
});

describe('loadProposedDefinitions', () => {
  it('reads JSONC: comments and trailing commas as in any .vscode file', () => {
    const text = `// Proposed host commands
{
  "$schema": "./node_modules/host-commands/schema.json",
  /* the build */
  "commands": {
    "build": {
      "program": "make", // on the host
      "args": ["all",],
    },
  },
}`;
    const result = loadProposedDefinitions(text);
    assert.deepEqual(result.warnings, []);
    const definition = only(result);
    assert.equal(definition.id, 'build');
    assert.equal(definition.origin, 'workspace');
    assert.equal(definition.program, 'make');
    assert.deepEqual(definition.args, ['all']);
    assert.equal(definition.shell, false);
    assert.equal(definition.confirm, 'always');
  });

  it('warns about a file that is not valid JSON, naming the file, and loads nothing', () => {
    for (const text of ['{"commands": {"build": {"program": "make"}', '{"commands": {"build" "make"}}', 'not json at all', '{"commands": {}} trailing']) {
      const result = loadProposedDefinitions(text, 'folder/.vscode/host-commands.json');
      assert.deepEqual(result.definitions, [], text);
      assert.equal(result.warnings.length, 1, text);
      assert.match(result.warnings[0]!, /^folder\/\.vscode\/host-commands\.json: not valid JSON \(\w+ at line \d+, column \d+\)$/, text);
    }
  });

  it('names the default file in warnings', () => {
    const result = loadProposedDefinitions('{');
    assert.ok(result.warnings[0]!.startsWith(`${PROPOSALS_FILE}: `));
  });

  it('warns when the file is not an object with "commands", or has other top-level fields', () => {
    for (const text of ['[]', '"commands"', '{}', '{"commands": []}', '{"commands": {}, "extra": 1}']) {
      const result = loadProposedDefinitions(text);
      assert.deepEqual(result.definitions, [], text);
      assert.equal(result.warnings.length, 1, text);
    }
    assert.deepEqual(loadProposedDefinitions('{"commands": {}}'), { definitions: [], warnings: [] });
  });

  for (const field of ['shell', 'confirm'] as const) {
    it(`refuses a proposal that sets "${field}" (reserved to the host user), with a warning`, () => {
      const value = field === 'shell' ? true : 'never';
      const result = loadProposedDefinitions(JSON.stringify({ commands: { sneaky: { program: 'sh', [field]: value }, fine: { program: 'make' } } }));
      assert.deepEqual(
        result.definitions.map((d) => d.id),
        ['fine'],
      );
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0]!, new RegExp(`^\\.vscode/host-commands\\.json: sneaky: .*${field}.*; skipped$`));
    });
  }

  it('refuses even a harmless-looking shell: false or confirm: always in a proposal', () => {
    const result = loadProposedDefinitions(JSON.stringify({ commands: { a: { program: 'x', shell: false }, b: { program: 'x', confirm: 'always' } } }));
    assert.deepEqual(result.definitions, []);
    assert.equal(result.warnings.length, 2);
  });

  it('refuses unknown fields in a definition and in a parameter', () => {
    const result = loadProposedDefinitions(
      JSON.stringify({
        commands: {
          a: { program: 'x', runAs: 'root' },
          b: { program: 'x', parameters: { p: { pattern: '.*', unchecked: true } } },
          c: { program: 'x', statusBar: { text: 'Go', command: 'other' } },
        },
      }),
    );
    assert.deepEqual(result.definitions, []);
    assert.equal(result.warnings.length, 3);
    assert.match(result.warnings[0]!, /a: .*runAs/);
    assert.match(result.warnings[1]!, /b: .*unchecked/);
    assert.match(result.warnings[2]!, /c: .*command/);
  });

  it('refuses invalid ids in the file and keeps the rest', () => {
    const result = loadProposedDefinitions(JSON.stringify({ commands: { 'bad id': { program: 'x' }, good: { program: 'x' } } }));
    assert.deepEqual(
      result.definitions.map((d) => d.id),
      ['good'],
    );
    assert.deepEqual(result.warnings, [`${PROPOSALS_FILE}: "bad id" is not a valid command id; skipped`]);
  });

  it('a "__proto__" key in the commands object neither pollutes Object.prototype nor is loaded', () => {
    const text = '{"commands": {"__proto__": {"program": "evil", "polluted": "yes"}, "ok": {"program": "make"}}}';
    const result = loadProposedDefinitions(text);
    assert.deepEqual(
      result.definitions.map((d) => d.id),
      ['ok'],
    );
    assert.ok(!result.definitions.some((d) => d.program === 'evil'));
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined);
    assert.equal(probe.program, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  });

  it('a "__proto__" key inside a definition or its env does not pollute Object.prototype', () => {
    loadProposedDefinitions('{"commands": {"ok": {"program": "make", "env": {"__proto__": {"polluted": "yes"}}, "__proto__": {"polluted": "yes"}}}}');
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined);
  });

  it('forces shell off and confirmation on for every proposal', () => {
    const definition = only(loadProposedDefinitions(JSON.stringify({ commands: { t: { program: 'npm', args: ['test'] } } })));
    assert.equal(definition.shell, false);
    assert.equal(definition.confirm, 'always');
    assert.equal(definition.origin, 'workspace');
  });
});

describe('mergeDefinitions', () => {
  it('a proposal cannot take the id of one of the user’s own commands', () => {
    const trusted = loadTrustedDefinitions({ deploy: { program: '/usr/local/bin/deploy' } });
    const proposed = loadProposedDefinitions(JSON.stringify({ commands: { deploy: { program: 'curl' }, test: { program: 'npm' } } }));
    const merged = mergeDefinitions(trusted, proposed);
    assert.deepEqual(
      merged.definitions.map((d) => [d.id, d.origin, d.program]),
      [
        ['deploy', 'user', '/usr/local/bin/deploy'],
        ['test', 'workspace', 'npm'],
      ],
    );
    assert.equal(merged.warnings.length, 1);
    assert.match(merged.warnings[0]!, /"deploy".*ignored/);
  });

  it('keeps the warnings of both sources', () => {
    const merged = mergeDefinitions(loadTrustedDefinitions('x'), loadProposedDefinitions('{'));
    assert.equal(merged.warnings.length, 2);
  });
});

describe('parameterSpecs', () => {
  it('a parameter without a default is required unless it says otherwise', () => {
    const definition = only(
      loadTrustedDefinitions({
        c: {
          program: 'x',
          parameters: {
            plain: {},
            withDefault: { default: 'main' },
            optional: { required: false },
            requiredWithDefault: { default: 'x', required: true },
            described: { description: 'Branch', pattern: '[a-z]+', enum: ['a', 'b'], maxLength: 10 },
          },
        },
      }),
    );
    const specs = parameterSpecs(definition);
    const byName = new Map(specs.map((spec) => [spec.name, spec]));
    assert.deepEqual(
      specs.map((s) => s.name),
      ['plain', 'withDefault', 'optional', 'requiredWithDefault', 'described'],
    );
    assert.equal(byName.get('plain')!.required, true);
    assert.equal(byName.get('withDefault')!.required, false);
    assert.equal(byName.get('withDefault')!.default, 'main');
    assert.equal(byName.get('optional')!.required, false);
    assert.equal(byName.get('requiredWithDefault')!.required, true);
    assert.deepEqual(byName.get('described'), {
      name: 'described',
      description: 'Branch',
      pattern: '[a-z]+',
      enum: ['a', 'b'],
      maxLength: 10,
      required: true,
      default: undefined,
    });
  });

  it('a definition without parameters has none', () => {
    assert.deepEqual(parameterSpecs(only(loadTrustedDefinitions({ c: { program: 'x' } }))), []);
  });
});
