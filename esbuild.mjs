// Builds the two extensions (host bridge and workspace part) as two CommonJS bundles with `vscode` external,
// and, with --tests, each unit/integration test file as its own bundle for mocha;
// with --e2e, the end-to-end suites (run by mocha in Node, driving a real workbench through playwright-core),
// the in-host suites they load into the extension host, and the test harness extension that runs those;
// with --bench, what `npm run bench` runs (see benchBuilds).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const e2e = process.argv.includes('--e2e');
const production = process.argv.includes('--production');
const bench = process.argv.includes('--bench');

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

// The bridge loads its process runner (execa and its dependencies, more than half of the bridge's code) with
// import('./processRunner') on the first run. Built as a file of its own next to the bundle, it is neither parsed
// nor run while VS Code activates the bridge; `dynamic-import: false` makes that import() a require().
const processRunnerApart = {
  name: 'process-runner-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/processRunner$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './processRunner.js', external: true } : undefined));
  },
};

const extensions = [
  { entryPoints: ['src/bridge/extension.ts'], outfile: 'extensions/bridge/dist/extension.js', plugins: [processRunnerApart], supported: { 'dynamic-import': false } },
  { entryPoints: ['src/core/processRunner.ts'], outfile: 'extensions/bridge/dist/processRunner.js' },
  { entryPoints: ['src/workspace/extension.ts'], outfile: 'extensions/workspace/dist/extension.js' },
  { entryPoints: ['src/workspace/cli/main.ts'], outfile: 'extensions/workspace/dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

function listTests(dir, pattern = /\.test\.ts$/) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true })
    .map((file) => path.join(dir, String(file)))
    .filter((file) => pattern.test(file));
}

const e2eBuilds = [
  // Node-side suites: mocha and playwright-core stay external (the runner's own mocha must be the one that
  // receives the in-host results as tests). scripts/lib/*.mjs is bundled in; its import.meta is not used then.
  {
    entryPoints: listTests('test/e2e', /\.e2e\.ts$/),
    outdir: 'out/test/e2e',
    outbase: 'test/e2e',
    external: ['vscode', 'mocha', 'playwright-core'],
    sourcemap: 'inline',
    minify: false,
    logOverride: { 'empty-import-meta': 'silent' },
  },
  // Suites that run inside the extension host (describe/it come from the harness's mocha).
  { entryPoints: listTests('test/e2e/inhost', /\.inhost\.ts$/), outdir: 'out/test/e2e/inhost', outbase: 'test/e2e/inhost', sourcemap: 'inline', minify: false },
  // The test-only extension that runs them, as an unpacked extension folder under out/ (manifest copied below).
  { entryPoints: ['test/harness-extension/src/extension.ts'], outfile: 'out/test/harness-extension/dist/extension.js', sourcemap: 'inline', minify: false },
];
if (e2e) {
  fs.mkdirSync('out/test/harness-extension', { recursive: true });
  for (const file of ['package.json', 'README.md']) fs.copyFileSync(path.join('test/harness-extension', file), path.join('out/test/harness-extension', file));
}

// With --bench (`npm run bench`): the shipped, minified bundles of both parts as unpacked extension folders under
// out/bench/extensions/ (extensions/*/dist keeps the development build), the bench worker, the in-host bench
// suite and the test harness extension that runs it.
const benchBuilds = [
  ...extensions
    .filter((entry) => entry.entryPoints.every((file) => fs.existsSync(file)))
    .map((entry) => ({ ...entry, outfile: path.join('out/bench', entry.outfile), minify: true, sourcemap: false })),
  { entryPoints: ['bench/worker.ts'], outfile: 'out/bench/worker.js', sourcemap: 'inline', minify: false },
  { entryPoints: ['test/e2e/inhost/bench.inhost.ts'], outfile: 'out/bench/inhost/bench.inhost.js', sourcemap: 'inline', minify: false },
  { entryPoints: ['test/harness-extension/src/extension.ts'], outfile: 'out/bench/harness-extension/dist/extension.js', sourcemap: 'inline', minify: false },
];
if (bench) {
  const copy = (from, to) => fs.existsSync(from) && fs.cpSync(from, to, { recursive: true });
  for (const part of ['bridge', 'workspace']) {
    for (const item of ['package.json', 'README.md', 'LICENSE', 'schemas', 'media']) copy(path.join('extensions', part, item), path.join('out/bench/extensions', part, item));
  }
  for (const file of ['package.json', 'README.md']) copy(path.join('test/harness-extension', file), path.join('out/bench/harness-extension', file));
}

const builds = bench
  ? benchBuilds
  : e2e
    ? e2eBuilds.filter((entry) => !Array.isArray(entry.entryPoints) || entry.entryPoints.length > 0)
    : tests
      ? [{ entryPoints: listTests('test/unit'), outdir: 'out/test/unit', outbase: 'test/unit', sourcemap: 'inline', minify: false }]
      : extensions.filter((entry) => entry.entryPoints.every((file) => fs.existsSync(file)));

if (watch) {
  for (const options of builds) await (await esbuild.context({ ...common, ...options })).watch();
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build({ ...common, ...options, metafile: true })));
  if (bench) {
    // What each shipped bundle is made of, for the bench's size report.
    fs.mkdirSync('out/bench/meta', { recursive: true });
    builds.forEach(({ outfile }, index) => {
      if (!outfile?.startsWith(path.join('out/bench/extensions'))) return;
      const name = path.relative('out/bench/extensions', outfile).split(path.sep).join('-');
      fs.writeFileSync(path.join('out/bench/meta', `${name}.json`), JSON.stringify(results[index].metafile));
    });
  }
}
