// The Node-side fixture of the end-to-end tests: one real workbench (code-server) with the two Host
// Commands extensions built from this repository and the test harness extension, one headless Chromium
// page on it, scratch folders, and the bridge between in-host mocha results and this mocha run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import Mocha from 'mocha';
import type { Page } from 'playwright-core';
import * as wb from '../../../scripts/lib/workbench.mjs';
import { cliFolderName } from '../../../src/core/cliProtocol';
import { CONFIRMED_DEFINITIONS_FILE, confirmedLedgerContent } from '../../../src/core/confirmedDefinitions';
import { loadTrustedDefinitions } from '../../../src/core/definitions';
import { currentUser } from '../../../src/workspace/cliFolder';
import type { InhostResults } from '../../harness-extension/src/extension';

export type { InhostResults };

/** The repository root (the folder whose package.json is the development root). */
export const repoRoot: string = (() => {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'host-commands-dev') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
})();

export const BRIDGE_EXTENSION = path.join(repoRoot, 'extensions', 'bridge');
/** The bridge's extension id, the name of its global storage folder. */
const BRIDGE_ID = 'host-commands.host-commands-bridge';
export const WORKSPACE_EXTENSION = path.join(repoRoot, 'extensions', 'workspace');
/** Built by `node esbuild.mjs --e2e` from test/harness-extension. */
export const HARNESS_EXTENSION = path.join(repoRoot, 'out', 'test', 'harness-extension');
/**
 * Where the documentation screenshots go: the committed ones in media/screenshots are only rewritten on
 * request (`npm run screenshots`), so an ordinary test run leaves the working tree clean.
 */
export const SCREENSHOTS = process.env.HOST_COMMANDS_UPDATE_SCREENSHOTS
  ? path.join(repoRoot, 'media', 'screenshots')
  : path.join(repoRoot, 'test-results', 'screenshots');
export const FAILURES = path.join(repoRoot, 'test-results');
/** The status bar text the harness shows once extensions are active (only when it runs an in-host suite). */
export const HARNESS_READY_TEXT = 'e2e harness';
/** The workspace part's own status bar item. */
export const HOST_COMMANDS_STATUS_TEXT = 'Host Commands';

export const OUTPUT_CHANNEL = 'Host Commands';
export const RUN_COMMAND_TITLE = 'Host Commands: Run Host Command…';

// Every e2e file is bundled with its own copy of this module: they share one list and one exit handler
// (a handler per file would trip Node's "possible EventEmitter memory leak" warning once there are 10 files).
const SCRATCH_KEY = Symbol.for('host-commands-e2e.scratchDirs');
const scratchDirs: string[] = ((globalThis as Record<symbol, string[] | undefined>)[SCRATCH_KEY] ??= (() => {
  const dirs: string[] = [];
  process.on('exit', () => {
    if (process.env.HOST_COMMANDS_KEEP_DATA === '1') return;
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  return dirs;
})());

/** A fresh folder under the OS temp folder, removed when the process exits. */
export function scratchDir(prefix = 'host-commands-e2e-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  scratchDirs.push(dir);
  return dir;
}

/** A trusted host command, as the host user writes it in `hostCommands.commands`. */
export interface TrustedCommand {
  title?: string;
  description?: string;
  program: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  confirm?: 'always' | 'never';
  shell?: boolean;
  timeoutSeconds?: number;
  parameters?: Record<string, { description?: string; pattern?: string; enum?: string[]; maxLength?: number; required?: boolean; default?: string }>;
  statusBar?: { text: string; tooltip?: string; alignment?: 'left' | 'right'; priority?: number };
}

export interface SessionOptions {
  /** Trusted commands for the host user's settings (`hostCommands.commands`). */
  commands?: Record<string, TrustedCommand>;
  /**
   * Whether the host user has already confirmed `commands` on the host, as after their first run (default true).
   * false: each of them asks once first, as a command new in the settings does.
   */
  commandsConfirmed?: boolean;
  /** Any other user settings. */
  userSettings?: Record<string, unknown>;
  /** Base name of an in-host suite: "smoke" runs out/test/e2e/inhost/smoke.inhost.js in the extension host. */
  inhostSuite?: string;
  /** JSON handed to the in-host suite (HOST_COMMANDS_TEST_CONTEXT). */
  context?: Record<string, unknown>;
  env?: Record<string, string>;
  trustWorkspace?: boolean;
  /** What the workspace folder starts as: a copy of demo/ (default) or an empty folder. */
  workspace?: 'demo' | 'empty';
  /** Files to create in the workspace folder (relative path → content). */
  workspaceFiles?: Record<string, string>;
  /** Open the browser (default true; the extension host only starts when a window connects). */
  browser?: boolean;
  /** Status bar text that says the extensions are active. Default: the harness's item with an in-host suite, else the workspace part's. */
  readyText?: string;
}

export interface StartTimings {
  serverMs: number;
  browserMs: number;
  workbenchMs: number;
}

export class Session {
  private constructor(
    readonly workbench: wb.Workbench,
    readonly browser: wb.Browser | undefined,
    readonly workspaceFolder: string,
    readonly resultsFile: string | undefined,
    readonly timings: StartTimings,
  ) {}

  get page(): Page {
    if (!this.browser) throw new Error('this session has no browser');
    return this.browser.page;
  }

  static async start(options: SessionOptions = {}): Promise<Session> {
    const started = Date.now();
    const root = scratchDir('host-commands-session-');
    const workspaceFolder = path.join(root, 'demo');
    const demo = path.join(repoRoot, 'demo');
    if ((options.workspace ?? 'demo') === 'demo' && fs.existsSync(demo)) fs.cpSync(demo, workspaceFolder, { recursive: true });
    else fs.mkdirSync(workspaceFolder, { recursive: true });
    for (const [file, content] of Object.entries(options.workspaceFiles ?? {})) {
      fs.mkdirSync(path.dirname(path.join(workspaceFolder, file)), { recursive: true });
      fs.writeFileSync(path.join(workspaceFolder, file), content);
    }

    const env: Record<string, string> = { ...options.env };
    let resultsFile: string | undefined;
    if (options.inhostSuite) {
      const suite = path.join(repoRoot, 'out', 'test', 'e2e', 'inhost', `${options.inhostSuite}.inhost.js`);
      if (!fs.existsSync(suite)) throw new Error(`${suite} does not exist: run node esbuild.mjs --e2e first`);
      resultsFile = path.join(root, 'inhost-results.json');
      env.HOST_COMMANDS_TEST_SUITE = suite;
      env.HOST_COMMANDS_TEST_RESULTS = resultsFile;
      // Developers: HOST_COMMANDS_INHOST_GREP=text runs only the matching in-host tests.
      if (process.env.HOST_COMMANDS_INHOST_GREP) env.HOST_COMMANDS_TEST_GREP = process.env.HOST_COMMANDS_INHOST_GREP;
    }
    env.HOST_COMMANDS_TEST_CONTEXT = JSON.stringify({ workspaceFolder, ...options.context });

    const userSettings: Record<string, unknown> = { ...options.userSettings };
    if (options.commands) userSettings['hostCommands.commands'] = options.commands;

    const userFiles: Record<string, string> = {};
    if (options.commands && (options.commandsConfirmed ?? true)) {
      const { definitions } = loadTrustedDefinitions(options.commands);
      userFiles[path.join('User', 'globalStorage', BRIDGE_ID, CONFIRMED_DEFINITIONS_FILE)] = confirmedLedgerContent(definitions);
    }

    const workbench = await wb.startWorkbench({
      workspaceFolder,
      userSettings,
      userFiles,
      extensions: [BRIDGE_EXTENSION, WORKSPACE_EXTENSION, HARNESS_EXTENSION],
      env,
      trustWorkspace: options.trustWorkspace ?? true,
    });
    const serverMs = Date.now() - started;
    let browser: wb.Browser | undefined;
    let browserMs = 0;
    let workbenchMs = 0;
    try {
      if (options.browser !== false) {
        browser = await wb.launchBrowser();
        browserMs = Date.now() - started;
        const readyText = options.readyText ?? (options.inhostSuite ? HARNESS_READY_TEXT : HOST_COMMANDS_STATUS_TEXT);
        await wb.openWorkbench(browser.page, workbench.url, undefined, { readyText });
        workbenchMs = Date.now() - started;
      }
    } catch (error) {
      await browser?.close();
      await workbench.stop();
      throw error;
    }
    return new Session(workbench, browser, workspaceFolder, resultsFile, { serverMs, browserMs, workbenchMs });
  }

  /** Waits for the in-host suite's results file. */
  async inhostResults(timeoutMs = 120_000): Promise<InhostResults> {
    const file = this.resultsFile;
    if (!file) throw new Error('this session runs no in-host suite');
    const deadline = Date.now() + timeoutMs;
    while (!fs.existsSync(file)) {
      if (Date.now() > deadline) {
        throw new Error(`the in-host suite wrote no results within ${timeoutMs} ms. Extension host log:\n${this.extensionHostLog().slice(-4000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return JSON.parse(fs.readFileSync(file, 'utf8')) as InhostResults;
  }

  /** The remote extension host's log (activation errors show up here). */
  extensionHostLog(): string {
    const logs = path.join(this.workbench.userDataDir, 'logs');
    if (!fs.existsSync(logs)) return '';
    return fs
      .readdirSync(logs, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('remoteexthost.log'))
      .map((file) => fs.readFileSync(path.join(logs, file), 'utf8'))
      .join('\n');
  }

  /** Errors the extension host logged (failed activations and the like), with a few lines of stack each. */
  extensionHostErrors(): string {
    const lines = this.extensionHostLog().split('\n');
    const picked: string[] = [];
    lines.forEach((line, index) => {
      if (/\[error\]/.test(line)) picked.push(line, ...lines.slice(index + 1, index + 4).filter((next) => /^\s+at /.test(next)));
    });
    return picked.join('\n');
  }

  /** The output channel's text as logged to disk (no DOM involved). */
  outputLog(channel = OUTPUT_CHANNEL): string {
    return wb.outputChannelLogText(this.workbench.dataDir, channel);
  }

  /** The bridge's audit records as written to disk (its global storage), oldest first. */
  auditRecords(): Record<string, unknown>[] {
    const { dataDir } = this.workbench;
    const file = fs
      .readdirSync(dataDir, { recursive: true })
      .map(String)
      .find((name) => name.endsWith(path.join(BRIDGE_ID, 'audit.jsonl')));
    if (!file) return [];
    return fs
      .readFileSync(path.join(dataDir, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** A screenshot for the documentation: the test harness's own status bar item is hidden while it is taken. */
  async docsScreenshot(file: string): Promise<void> {
    const harness = this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: HARNESS_READY_TEXT });
    const hide = (visibility: string) => harness.evaluateAll((items, value) => items.forEach((item) => ((item as unknown as { style: { visibility: string } }).style.visibility = value)), visibility);
    await hide('hidden');
    try {
      await wb.screenshot(this.page, file);
    } finally {
      await hide('');
    }
  }

  /** Saves a screenshot and the logs of a failed test under test-results/ (not committed). */
  async captureFailure(title: string): Promise<void> {
    const base = path.join(FAILURES, title.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100));
    fs.mkdirSync(FAILURES, { recursive: true });
    if (this.browser) await wb.screenshot(this.page, `${base}.png`).catch(() => undefined);
    fs.writeFileSync(`${base}.exthost.log`, this.extensionHostLog());
    fs.writeFileSync(`${base}.output.log`, this.outputLog());
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.workbench.stop();
    // The host-command CLI's folder outlives a window on purpose; this workspace folder will not be seen again.
    fs.rmSync(path.join(os.tmpdir(), cliFolderName(currentUser(), pathToFileURL(this.workspaceFolder).href)), { recursive: true, force: true });
  }
}

/**
 * Turns each in-host test into a test of `suite` in this mocha run (call it from a `before` hook of that
 * suite: mocha reads the suite's tests after its before hooks ran).
 */
export function addInhostTests(suite: Mocha.Suite, results: InhostResults, session?: Session): void {
  for (const result of results.tests) {
    const test = new Mocha.Test(`[in host] ${result.fullTitle}`, function (this: Mocha.Context) {
      if (result.state === 'pending') this.skip();
      if (result.state === 'failed') {
        const hostErrors = session?.extensionHostErrors();
        const text = `${result.error ?? 'failed in the extension host'}${hostErrors ? `\n--- extension host errors ---\n${hostErrors}` : ''}`;
        const error = new Error(text);
        error.stack = text;
        throw error;
      }
    });
    suite.addTest(test);
  }
}

/** Polls `check` until it returns a truthy value or `ms` passes. */
export async function eventually<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 15_000, interval = 150): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Prints a timing line (picked up by the report). */
export function logTiming(label: string, ms: number): void {
  process.stdout.write(`      [timing] ${label}: ${(ms / 1000).toFixed(1)} s\n`);
}
