// `npm run package`: a production build, then one VSIX per extension with @vscode/vsce.
// The bundles are self-contained, so vsce packages no node_modules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args, cwd = root) => {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(process.execPath, ['esbuild.mjs', '--production']);
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
for (const part of ['bridge', 'workspace']) {
  const dir = path.join(root, 'extensions', part);
  for (const file of ['LICENSE']) fs.copyFileSync(path.join(root, file), path.join(dir, file));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const out = path.join(root, 'dist', `${manifest.name}-${manifest.version}.vsix`);
  run(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', out], dir);
}
