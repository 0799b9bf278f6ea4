import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { proposedDefinitionSchema, proposalsFileSchema, trustedDefinitionSchema } from '../../src/core/definitions';
import { BridgeCommands } from '../../src/core/protocol';

/** The repository root: the nearest folder above this file (source or bundle) with both extension folders. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'extensions', 'bridge', 'package.json')) && fs.existsSync(path.join(dir, 'src'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

const root = repoRoot();
const readJson = (relative: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(root, relative), 'utf8')) as Record<string, unknown>;

interface JsonSchemaObject {
  type?: string;
  properties?: Record<string, JsonSchemaObject>;
  additionalProperties?: JsonSchemaObject | boolean;
  required?: string[];
  scope?: string;
}

interface Manifest {
  publisher: string;
  name: string;
  extensionKind?: string[];
  api?: string;
  extensionDependencies?: string[];
  contributes: {
    commands?: Array<{ command: string; title: string }>;
    menus?: { commandPalette?: Array<{ command: string; when?: string }> };
    configuration?: { properties: Record<string, JsonSchemaObject> };
  };
}

const bridge = readJson('extensions/bridge/package.json') as unknown as Manifest;
const workspace = readJson('extensions/workspace/package.json') as unknown as Manifest;
const proposalsJsonSchema = readJson('extensions/workspace/schemas/host-commands.schema.json') as unknown as JsonSchemaObject;

/** The TypeScript source of one part (src/bridge, src/workspace) plus the shared core, as one text. */
function sourceOf(part: 'bridge' | 'workspace'): string {
  return [`src/${part}`, 'src/core']
    .flatMap((dir) =>
      fs
        .readdirSync(path.join(root, dir), { recursive: true })
        .map((file) => path.join(root, dir, String(file)))
        .filter((file) => file.endsWith('.ts')),
    )
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}

const sorted = (keys: Iterable<string>) => [...keys].sort();

/** Keys of a zod object whose value cannot be left out (no optional, no default). */
function requiredKeys(shape: Record<string, z.ZodMiniType>): string[] {
  return Object.entries(shape)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([key]) => key);
}

function definitionSchemaOf(property: JsonSchemaObject | undefined, where: string): JsonSchemaObject {
  assert.ok(property, `${where} is missing`);
  const definition = property.additionalProperties;
  assert.ok(definition && typeof definition === 'object', `${where}.additionalProperties is not a schema`);
  assert.equal(definition.additionalProperties, false, `${where}: a definition must not allow unknown fields`);
  assert.ok(definition.properties, `${where}: no properties`);
  return definition;
}

/** The zod schema inside optional/default wrappers. */
function unwrap(schema: z.ZodMiniType): z.ZodMiniType {
  let current: z.ZodMiniType = schema;
  while (current instanceof z.ZodMiniOptional || current instanceof z.ZodMiniDefault) current = current.def.innerType as z.ZodMiniType;
  return current;
}

function parameterShape(schema: typeof trustedDefinitionSchema | typeof proposedDefinitionSchema): Record<string, z.ZodMiniType> {
  const record = unwrap(schema.shape.parameters);
  assert.ok(record instanceof z.ZodMiniRecord);
  const value = record.def.valueType as z.ZodMiniType;
  assert.ok(value instanceof z.ZodMiniObject);
  return value.shape as Record<string, z.ZodMiniType>;
}

function statusBarShape(schema: typeof trustedDefinitionSchema | typeof proposedDefinitionSchema): Record<string, z.ZodMiniType> {
  const object = unwrap(schema.shape.statusBar);
  assert.ok(object instanceof z.ZodMiniObject);
  return object.shape as Record<string, z.ZodMiniType>;
}

function hiddenFromPalette(manifest: Manifest): Set<string> {
  return new Set((manifest.contributes.menus?.commandPalette ?? []).filter((entry) => entry.when === 'false').map((entry) => entry.command));
}

describe('extension manifests', () => {
  describe('bridge: hostCommands.commands setting', () => {
    const setting = bridge.contributes.configuration?.properties['hostCommands.commands'];

    it('is application-scoped, so no workspace, folder, remote or devcontainer.json setting can write it', () => {
      assert.ok(setting, 'hostCommands.commands is not contributed');
      assert.equal(setting.scope, 'application');
    });

    it('every hostCommands setting of the bridge is application-scoped', () => {
      for (const [name, property] of Object.entries(bridge.contributes.configuration?.properties ?? {})) {
        assert.equal(property.scope, 'application', name);
      }
    });

    it('its definition properties are exactly the fields of trustedDefinitionSchema', () => {
      const definition = definitionSchemaOf(setting, 'hostCommands.commands');
      assert.deepEqual(sorted(Object.keys(definition.properties!)), sorted(Object.keys(trustedDefinitionSchema.shape)));
    });

    it('its required fields are the ones the schema requires', () => {
      const definition = definitionSchemaOf(setting, 'hostCommands.commands');
      assert.deepEqual(sorted(definition.required ?? []), sorted(requiredKeys(trustedDefinitionSchema.shape)));
    });

    it('its parameter and status bar properties match the schema', () => {
      const definition = definitionSchemaOf(setting, 'hostCommands.commands');
      const parameters = definition.properties!.parameters!.additionalProperties as JsonSchemaObject;
      assert.deepEqual(sorted(Object.keys(parameters.properties!)), sorted(Object.keys(parameterShape(trustedDefinitionSchema))));
      assert.equal(parameters.additionalProperties, false);
      const statusBar = definition.properties!.statusBar!;
      assert.deepEqual(sorted(Object.keys(statusBar.properties!)), sorted(Object.keys(statusBarShape(trustedDefinitionSchema))));
      assert.equal(statusBar.additionalProperties, false);
    });
  });

  describe('workspace: .vscode/host-commands.json schema', () => {
    const commands = proposalsJsonSchema.properties?.commands;

    it('its top-level properties are those of proposalsFileSchema', () => {
      assert.deepEqual(sorted(Object.keys(proposalsJsonSchema.properties ?? {})), sorted(Object.keys(proposalsFileSchema.shape)));
      assert.equal(proposalsJsonSchema.additionalProperties, false);
      assert.deepEqual(sorted(proposalsJsonSchema.required ?? []), sorted(requiredKeys(proposalsFileSchema.shape)));
    });

    it('its definition properties are exactly the fields of proposedDefinitionSchema', () => {
      const definition = definitionSchemaOf(commands, 'commands');
      assert.deepEqual(sorted(Object.keys(definition.properties!)), sorted(Object.keys(proposedDefinitionSchema.shape)));
      assert.deepEqual(sorted(definition.required ?? []), sorted(requiredKeys(proposedDefinitionSchema.shape)));
    });

    it('does not offer the fields reserved to the host user', () => {
      const definition = definitionSchemaOf(commands, 'commands');
      assert.ok(!('shell' in definition.properties!));
      assert.ok(!('confirm' in definition.properties!));
    });

    it('its parameter and status bar properties match the schema', () => {
      const definition = definitionSchemaOf(commands, 'commands');
      const parameters = definition.properties!.parameters!.additionalProperties as JsonSchemaObject;
      assert.deepEqual(sorted(Object.keys(parameters.properties!)), sorted(Object.keys(parameterShape(proposedDefinitionSchema))));
      const statusBar = definition.properties!.statusBar!;
      assert.deepEqual(sorted(Object.keys(statusBar.properties!)), sorted(Object.keys(statusBarShape(proposedDefinitionSchema))));
    });

    it('is the schema the workspace manifest validates the file with', () => {
      const validation = (readJson('extensions/workspace/package.json').contributes as { jsonValidation?: Array<{ fileMatch: string; url: string }> }).jsonValidation;
      assert.ok(validation?.some((entry) => entry.fileMatch.endsWith('.vscode/host-commands.json') && path.normalize(entry.url) === path.normalize('./schemas/host-commands.schema.json')));
    });

    it('opens as JSON with Comments, so the comments the file may have are not flagged as errors', () => {
      const languages = (readJson('extensions/workspace/package.json').contributes as { languages?: Array<{ id: string; filenamePatterns?: string[] }> }).languages;
      assert.ok(languages?.some((entry) => entry.id === 'jsonc' && entry.filenamePatterns?.includes('**/.vscode/host-commands.json')), JSON.stringify(languages));
    });
  });

  describe('contributed commands', () => {
    for (const [label, manifest] of [
      ['bridge', bridge],
      ['workspace', workspace],
    ] as const) {
      it(`${label}: every command is registered by its own code or hidden from the palette`, () => {
        const hidden = hiddenFromPalette(manifest);
        const source = sourceOf(label);
        const problems = (manifest.contributes.commands ?? [])
          .map((entry) => entry.command)
          .filter((id) => !hidden.has(id) && !source.includes(`'${id}'`) && !source.includes(`"${id}"`));
        assert.deepEqual(problems, [], `contributed but neither registered nor hidden: ${problems.join(', ')}`);
      });

      it(`${label}: palette menu entries refer to contributed commands`, () => {
        const contributed = new Set((manifest.contributes.commands ?? []).map((entry) => entry.command));
        for (const entry of manifest.contributes.menus?.commandPalette ?? []) assert.ok(contributed.has(entry.command), entry.command);
      });
    }

    it('the bridge protocol endpoints are contributed and hidden from the palette', () => {
      const contributed = new Set((bridge.contributes.commands ?? []).map((entry) => entry.command));
      const hidden = hiddenFromPalette(bridge);
      for (const id of Object.values(BridgeCommands)) {
        assert.ok(contributed.has(id), `${id} not contributed`);
        assert.ok(hidden.has(id), `${id} shown in the palette`);
      }
    });

    it('no command id is contributed twice, within or across the two extensions', () => {
      const ids = [...(bridge.contributes.commands ?? []), ...(workspace.contributes.commands ?? [])].map((entry) => entry.command);
      assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
    });
  });

  describe('extension kinds', () => {
    it('the bridge is a UI extension with no API, so it runs on the host', () => {
      assert.deepEqual(bridge.extensionKind, ['ui']);
      assert.equal(bridge.api, 'none');
    });

    it('the workspace part runs next to the workspace and depends on the bridge', () => {
      assert.deepEqual(workspace.extensionKind, ['workspace']);
      assert.ok(workspace.extensionDependencies?.includes(`${bridge.publisher}.${bridge.name}`), JSON.stringify(workspace.extensionDependencies));
    });
  });
});
