// Builds the two extensions (host bridge and workspace part) as two CommonJS bundles with `vscode` external,
// and, with --tests, each unit/integration test file as its own bundle for mocha.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
};

const extensions = [
  { entryPoints: ['src/bridge/extension.ts'], outfile: 'extensions/bridge/dist/extension.js' },
  { entryPoints: ['src/workspace/extension.ts'], outfile: 'extensions/workspace/dist/extension.js' },
  { entryPoints: ['src/workspace/cli/main.ts'], outfile: 'extensions/workspace/dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

function listTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true })
    .map((file) => path.join(dir, String(file)))
    .filter((file) => /\.test\.ts$/.test(file));
}

const builds = tests
  ? [{ entryPoints: listTests('test/unit'), outdir: 'out/test/unit', outbase: 'test/unit', sourcemap: 'inline', minify: false }]
  : extensions.filter((entry) => entry.entryPoints.every((file) => fs.existsSync(file)));

if (watch) {
  for (const options of builds) await (await esbuild.context({ ...common, ...options })).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build({ ...common, ...options, metafile: true })));
}
