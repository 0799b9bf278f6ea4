// `npm test`: type-check, lint, build, unit tests, end-to-end tests in a real workbench; then one summary
// line "N passed, N failed" (", N skipped" when some were skipped), exit code non-zero on any failure.
//
// Flags: --no-e2e (skip the end-to-end tests), --e2e-only (skip type-check, lint and unit tests),
//        --update-screenshots (rewrite the README's screenshots in media/screenshots),
//        --grep TEXT (only tests whose full title contains TEXT).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { ensureCodeServer } from './lib/code-server.mjs';

process.setSourceMapsEnabled(true);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const argv = process.argv.slice(2);
const skipE2e = argv.includes('--no-e2e');
const e2eOnly = argv.includes('--e2e-only');
// --update-screenshots: the e2e suites write the README's screenshots into media/screenshots.
if (argv.includes('--update-screenshots')) process.env.HOST_COMMANDS_UPDATE_SCREENSHOTS = '1';
const grepIndex = argv.indexOf('--grep');
const grep = grepIndex >= 0 ? argv[grepIndex + 1] : undefined;

const problems = [];
const totals = { passed: 0, failed: 0, skipped: 0 };

function heading(text) {
  process.stdout.write(`\n=== ${text} ===\n`);
}

function step(name, command, args) {
  heading(name);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    problems.push(`${name} failed (${result.status ?? result.signal})`);
    // A failed step counts in the summary line, so it never reads "0 failed" for a failed run.
    totals.failed++;
    process.stdout.write(`${name}: FAILED after ${seconds} s\n`);
    return false;
  }
  process.stdout.write(`${name}: ok (${seconds} s)\n`);
  return true;
}

function bin(name) {
  return path.join(root, 'node_modules', '.bin', name);
}

function findFiles(dir, pattern) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((file) => path.join(dir, String(file)))
    .filter((file) => pattern.test(file))
    .sort();
}

async function runMocha(name, files, options) {
  heading(`${name} (${files.length} file${files.length === 1 ? '' : 's'})`);
  if (files.length === 0) {
    process.stdout.write('no test files\n');
    return;
  }
  const mocha = new Mocha({ reporter: 'spec', color: process.stdout.isTTY, ...(grep ? { grep } : {}), ...options });
  for (const file of files) mocha.addFile(path.resolve(file));
  try {
    await mocha.loadFilesAsync();
  } catch (error) {
    problems.push(`${name}: loading the test files failed: ${error?.stack ?? error}`);
    totals.failed++;
    return;
  }
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
  });
  totals.passed += stats.passes;
  totals.failed += stats.failures;
  totals.skipped += stats.pending;
  mocha.dispose();
}

const started = Date.now();
if (!e2eOnly) {
  step('type-check', bin('tsc'), ['--noEmit', '-p', '.']);
  step('type-check bench', bin('tsc'), ['--noEmit', '-p', 'bench']);
  step('lint', bin('eslint'), ['.']);
}

fs.rmSync(path.join(root, 'out', 'test'), { recursive: true, force: true });
const built =
  step('build extensions', process.execPath, ['esbuild.mjs']) &&
  (e2eOnly || step('build unit tests', process.execPath, ['esbuild.mjs', '--tests'])) &&
  step('build end-to-end tests', process.execPath, ['esbuild.mjs', '--e2e']);

if (built) {
  if (!e2eOnly) {
    await runMocha('unit tests', findFiles('out/test/unit', /\.test\.js$/), { timeout: 20_000 });
    // Keeps `npm run bench` working; it measures, it asserts no time.
    step('bench (smoke)', process.execPath, ['scripts/bench.mjs', '--smoke']);
  }
  if (!skipE2e) {
    heading('code-server');
    try {
      process.stdout.write(`${ensureCodeServer()}\n`);
      await runMocha('end-to-end tests', findFiles('out/test/e2e', /\.e2e\.js$/), { timeout: 180_000, slow: 15_000 });
    } catch (error) {
      problems.push(`end-to-end tests could not run: ${error?.message ?? error}`);
      totals.failed++;
    }
  }
}

process.stdout.write(`\n`);
for (const problem of problems) process.stdout.write(`! ${problem}\n`);
process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`);
process.exit(problems.length > 0 || totals.failed > 0 ? 1 : 0);
