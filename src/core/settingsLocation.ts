// Where a property sits in a settings.json text, so the editor can put the cursor on it without editing the file.
import { findNodeAtLocation, parseTree, type JSONPath } from 'jsonc-parser/lib/esm/main.js';

/** The offset of the key of the property at `path` (e.g. `['hostCommands.commands', 'my-id']`), if it is there. */
export function propertyKeyOffset(text: string, path: JSONPath): number | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const property = root ? findNodeAtLocation(root, path)?.parent : undefined;
  return property?.type === 'property' ? property.children?.[0]?.offset : undefined;
}
