import assert from 'node:assert/strict';
import { propertyKeyOffset } from '../../src/core/settingsLocation';

describe('propertyKeyOffset', () => {
  const text = [
    '{',
    '  // comments and trailing commas, as settings.json allows',
    '  "editor.fontSize": 14,',
    '  "hostCommands.commands": {',
    '    "first": { "program": "true" },',
    '    "edit-me": { "program": "echo", "args": ["one"] },',
    '  },',
    '}',
  ].join('\n');

  it('finds the key of a command inside hostCommands.commands', () => {
    const offset = propertyKeyOffset(text, ['hostCommands.commands', 'edit-me']);
    assert.equal(offset, text.indexOf('"edit-me"'));
  });

  it('finds a top-level setting', () => {
    assert.equal(propertyKeyOffset(text, ['hostCommands.commands']), text.indexOf('"hostCommands.commands"'));
  });

  it('is undefined for a command that is not there, or a path into a non-object', () => {
    assert.equal(propertyKeyOffset(text, ['hostCommands.commands', 'missing']), undefined);
    assert.equal(propertyKeyOffset(text, ['editor.fontSize', 'x']), undefined);
  });

  it('is undefined for text that is not an object at all', () => {
    assert.equal(propertyKeyOffset('', ['hostCommands.commands']), undefined);
    assert.equal(propertyKeyOffset('[1, 2]', ['hostCommands.commands']), undefined);
  });
});
