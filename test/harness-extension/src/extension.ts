// Test-only extension: runs an in-host mocha suite with the real `vscode` API and writes the results to a
// JSON file that the Node-side end-to-end test waits for. See README.md.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type MochaType from 'mocha';
import * as vscode from 'vscode';

export interface InhostTestResult {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
  durationMs?: number;
}

export interface InhostResults {
  suite: string;
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  tests: InhostTestResult[];
}

const READY_TEXT = '$(beaker) e2e harness';

export function activate(context: vscode.ExtensionContext): void {
  const suite = process.env.HOST_COMMANDS_TEST_SUITE;
  const resultsFile = process.env.HOST_COMMANDS_TEST_RESULTS;
  // Nothing to run: stay out of sight (the UI tests take screenshots for the README).
  if (!suite || !resultsFile) return;
  const item = vscode.window.createStatusBarItem('hostCommandsTestHarness', vscode.StatusBarAlignment.Right, -1000);
  item.name = 'Host Commands test harness';
  item.text = READY_TEXT;
  item.tooltip = 'Host Commands end-to-end test harness';
  item.show();
  context.subscriptions.push(item);
  // Do not hold up activation: the suite waits for what it needs itself.
  setTimeout(() => {
    void runSuite(suite, resultsFile, item);
  }, 0);
}

export function deactivate(): void {
  // nothing to release
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.message}${error.stack ? `\n${error.stack.split('\n').slice(1, 8).join('\n')}` : ''}`;
  return String(error);
}

function writeResults(file: string, results: InhostResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(temporary, file); // atomic: the reader never sees half a file
}

async function runSuite(suiteFile: string, resultsFile: string, item: vscode.StatusBarItem): Promise<void> {
  const started = Date.now();
  const tests: InhostTestResult[] = [];
  item.text = '$(beaker~spin) e2e harness: running';
  try {
    // The repository's own mocha, found next to the suite (not bundled into this extension).
    const Mocha = createRequire(suiteFile)('mocha') as typeof MochaType;
    const grep = process.env.HOST_COMMANDS_TEST_GREP;
    const mocha = new Mocha({ ui: 'bdd', timeout: Number(process.env.HOST_COMMANDS_TEST_TIMEOUT ?? 30_000), color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
    mocha.addFile(suiteFile);
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => tests.push({ title: test.title, fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration }));
      runner.on('fail', (test, error) =>
        tests.push({ title: test.title, fullTitle: test.fullTitle(), state: 'failed', error: errorText(error), durationMs: test.duration }),
      );
      runner.on('pending', (test) => tests.push({ title: test.title, fullTitle: test.fullTitle(), state: 'pending' }));
    });
  } catch (error) {
    tests.push({ title: 'load the in-host suite', fullTitle: `load ${path.basename(suiteFile)}`, state: 'failed', error: errorText(error) });
  }
  const results: InhostResults = {
    suite: suiteFile,
    passed: tests.filter((test) => test.state === 'passed').length,
    failed: tests.filter((test) => test.state === 'failed').length,
    pending: tests.filter((test) => test.state === 'pending').length,
    durationMs: Date.now() - started,
    tests,
  };
  writeResults(resultsFile, results);
  item.text = `$(beaker) e2e harness: ${results.passed} passed, ${results.failed} failed`;
}
