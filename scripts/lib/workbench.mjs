// Starts and stops a real VS Code workbench (code-server) with unpacked extensions, and drives it from a
// headless Chromium through playwright-core. Used by `npm start` and by the end-to-end tests.
//
// Each start gets a fresh data folder under the OS temp folder (user data, extensions, XDG folders), a free
// port on 127.0.0.1, and runs code-server in its own process group so that stop() ends every child with it.
/* global AbortSignal, WheelEvent, requestAnimationFrame */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH, ensureCodeServer } from './code-server.mjs';

// ---- code-server --------------------------------------------------------------------------------

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The folder name VS Code gives an installed extension: `<publisher>.<name>-<version>`. */
export function extensionFolderName(manifest) {
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase();
}

const EXTENSION_FILES = /^(package\.json|package\.nls(\.[\w-]+)?\.json|readme(\.md|\.txt)?|license(\.md|\.txt)?|changelog\.md)$/i;
const EXTENSION_FOLDERS = new Set(['dist', 'media', 'schemas', 'walkthrough']);

/** Copies what an installed extension needs (manifest, dist/, media/, schemas/, README, LICENSE) into extensionsDir. */
export function installUnpackedExtension(sourceDir, extensionsDir) {
  const manifestPath = path.join(sourceDir, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const target = path.join(extensionsDir, extensionFolderName(manifest));
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(sourceDir, { withFileTypes: true })) {
    const from = path.join(sourceDir, entry.name);
    if (entry.isDirectory() && EXTENSION_FOLDERS.has(entry.name)) {
      fs.cpSync(from, path.join(target, entry.name), { recursive: true, dereference: true });
    } else if (entry.isFile() && EXTENSION_FILES.test(entry.name)) {
      fs.copyFileSync(from, path.join(target, entry.name));
    }
  }
  if (manifest.main && !fs.existsSync(path.join(target, manifest.main)) && !fs.existsSync(path.join(target, `${manifest.main}.js`))) {
    process.stderr.write(`[workbench] warning: ${manifest.publisher}.${manifest.name} has no ${manifest.main} (not built yet?)\n`);
  }
  return { id: `${manifest.publisher}.${manifest.name}`, folder: target, manifest };
}

/** The user settings every workbench starts with; `extra` is merged over them. */
export function baseUserSettings({ trustWorkspace = true } = {}, extra = {}) {
  return {
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.startupEditor': 'none',
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'terminal.integrated.gpuAcceleration': 'off',
    'window.restoreWindows': 'none',
    'git.enabled': false,
    'chat.commandCenter.enabled': false,
    // The bridge is a UI extension with no browser entry; in code-server it only loads next to the workspace.
    'remote.extensionKind': { 'host-commands.host-commands-bridge': ['workspace'] },
    'security.workspace.trust.enabled': !trustWorkspace ? true : false,
    ...(trustWorkspace ? {} : { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' }),
    ...extra,
  };
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of the group is still alive. */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts code-server on a fresh data folder.
 * @returns {Promise<{url: string, baseUrl: string, port: number, dataDir: string, userDataDir: string, extensionsDir: string, logFile: string, pid: number, extensions: {id: string, folder: string}[], stop(): Promise<void>}>}
 */
export async function startWorkbench({
  workspaceFolder,
  userSettings = {},
  userFiles = {},
  extensions = [],
  env = {},
  trustWorkspace = true,
  port,
  codeServerEntry,
  keepDataDir = process.env.HOST_COMMANDS_KEEP_DATA === '1',
  readyTimeoutMs = 60_000,
  dataDirPrefix = 'host-commands-wb-',
} = {}) {
  const entry = codeServerEntry ?? ensureCodeServer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), dataDirPrefix));
  const userDataDir = path.join(dataDir, 'user-data');
  const extensionsDir = path.join(dataDir, 'extensions');
  const xdg = { XDG_CONFIG_HOME: path.join(dataDir, 'xdg-config'), XDG_DATA_HOME: path.join(dataDir, 'xdg-data'), XDG_CACHE_HOME: path.join(dataDir, 'xdg-cache') };
  for (const dir of [path.join(userDataDir, 'User'), extensionsDir, ...Object.values(xdg)]) fs.mkdirSync(dir, { recursive: true });

  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(baseUserSettings({ trustWorkspace }, userSettings), null, 2)}\n`);
  for (const [relative, content] of Object.entries(userFiles)) {
    const file = path.join(userDataDir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  // Unpacked extensions can only be dropped in before the first start (before extensions.json exists).
  const installed = extensions.map((folder) => installUnpackedExtension(path.resolve(folder), extensionsDir));

  const chosenPort = port ?? (await freePort());
  if (port && (await portInUse(port))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`port ${port} is already in use on 127.0.0.1`);
  }
  const args = [
    entry,
    '--bind-addr', `127.0.0.1:${chosenPort}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(trustWorkspace ? ['--disable-workspace-trust'] : []),
    ...(workspaceFolder ? [path.resolve(workspaceFolder)] : []),
  ];
  const logFile = path.join(dataDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const childEnv = { ...process.env, ...xdg, ...env };
  // A parent's VS Code variables would confuse the server (and its extension host) about where it runs.
  for (const name of Object.keys(childEnv)) if (/^VSCODE_(?!.*PORTABLE)/.test(name)) delete childEnv[name];
  const child = spawn(process.execPath, args, { cwd: dataDir, env: childEnv, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const pid = child.pid;

  // If this Node process ends without calling stop(), take code-server with it.
  const onExit = () => killGroup(pid, 'SIGKILL');
  process.on('exit', onExit);

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    if (killGroup(pid, 'SIGTERM')) {
      await waitForExit(child, 5000);
      for (let i = 0; i < 20 && groupAlive(pid); i++) await sleep(100);
      if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
      for (let i = 0; i < 20 && groupAlive(pid); i++) await sleep(100);
    }
    if (!keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }

  const baseUrl = `http://127.0.0.1:${chosenPort}/`;
  const url = workspaceFolder ? `${baseUrl}?folder=${encodeURIComponent(path.resolve(workspaceFolder))}` : baseUrl;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = tail(logFile);
      await stop();
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log}`);
    }
    try {
      const response = await fetch(`${baseUrl}healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const log = tail(logFile);
      await stop();
      throw new Error(`code-server did not answer on ${baseUrl} within ${readyTimeoutMs} ms:\n${log}`);
    }
    await sleep(150);
  }
  return { url, baseUrl, port: chosenPort, dataDir, userDataDir, extensionsDir, logFile, pid, extensions: installed, stop };
}

// ---- the browser --------------------------------------------------------------------------------

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches headless Debian Chromium with a fresh profile.
 * @returns {Promise<{context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, profileDir: string, close(): Promise<void>}>}
 */
export async function launchBrowser({ headless = true, viewport = { width: 1440, height: 900 }, executablePath = CHROMIUM_PATH } = {}) {
  const { chromium } = await import('playwright-core');
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-browser-'));
  const home = path.join(profileDir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const context = await chromium.launchPersistentContext(path.join(profileDir, 'profile'), {
    executablePath,
    headless,
    args: CHROMIUM_ARGS,
    viewport,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config'), XDG_CACHE_HOME: path.join(profileDir, 'xdg-cache') },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Should this process end without close(), at least do not leave the profile behind (Playwright kills the browser).
  const onExit = () => fs.rmSync(profileDir, { recursive: true, force: true });
  process.on('exit', onExit);
  let closed = false;
  return {
    context,
    page,
    profileDir,
    async close() {
      if (closed) return;
      closed = true;
      process.off('exit', onExit);
      await context.close().catch(() => undefined);
      fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

// ---- driving the workbench ------------------------------------------------------------------------

/**
 * Opens the workbench (on `folder` if given) and waits until it is usable: the workbench DOM exists and,
 * if `readyText` is given, a status bar item with that text shows (an extension put it there on activation).
 */
export async function openWorkbench(page, url, folder, { readyText, timeout = 60_000 } = {}) {
  const target = new URL(url);
  if (folder) target.searchParams.set('folder', path.resolve(folder));
  await page.goto(target.toString(), { waitUntil: 'domcontentloaded', timeout });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout });
  if (readyText) {
    await page.locator('.part.statusbar .statusbar-item').filter({ hasText: readyText }).first().waitFor({ state: 'visible', timeout });
  }
}

function normalizeText(text) {
  return (text ?? '').replace(/\u00a0/g, ' ');
}

/** The visible quick input box (palette or quick pick). */
function quickInput(page) {
  return page.locator('.quick-input-widget');
}

/** Picks the row whose label is exactly `label`, typing it as a filter first so virtualization cannot hide it. */
export async function pickQuickPickItem(page, label, { timeout = 15_000, filter = true, match = 'exact' } = {}) {
  const widget = quickInput(page);
  await widget.waitFor({ state: 'visible', timeout });
  const input = widget.locator('.quick-input-box input');
  if (filter) {
    const current = await input.inputValue();
    const prefix = current.startsWith('>') ? '>' : '';
    await input.fill(`${prefix}${label}`);
  }
  const deadline = Date.now() + timeout;
  for (;;) {
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    const labels = await rows.evaluateAll((elements) =>
      elements.map((element) => (element.querySelector('.label-name')?.textContent ?? '').replace(/\u00a0/g, ' ').trim()),
    );
    // 'channel': an output channel may be listed as "Name (Remote)" when another host has one of that name.
    let index = labels.indexOf(label);
    if (index < 0 && match === 'channel') index = labels.findIndex((shown) => shown.startsWith(`${label} (`));
    if (index >= 0) {
      // Click by label, not by index: the list may re-render (filtering is asynchronous) before the click lands.
      const shown = labels[index];
      const exact = new RegExp(`^\\s*${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
      const row = widget.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
      try {
        await row.click({ timeout: 3000 });
        return;
      } catch {
        // re-rendered away; look again
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`no quick pick item labelled ${JSON.stringify(label)}; saw ${JSON.stringify(labels)}`);
    }
    await sleep(100);
  }
}

/** The labels and descriptions currently shown in the quick pick. */
export async function quickPickItems(page, { timeout = 15_000 } = {}) {
  const widget = quickInput(page);
  await widget.waitFor({ state: 'visible', timeout });
  await widget.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout });
  return widget.locator('.quick-input-list .monaco-list-row').evaluateAll((elements) =>
    elements.map((element) => ({
      label: (element.querySelector('.label-name')?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
      description: (element.querySelector('.label-description')?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
    })),
  );
}

/** Runs a command from the palette by its full title as shown there (e.g. "Host Commands: Run Host Command…"). */
export async function runPaletteCommand(page, title, { timeout = 15_000 } = {}) {
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, trial: true }).catch(() => undefined);
  const widget = quickInput(page);
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('F1');
    try {
      await widget.waitFor({ state: 'visible', timeout: 3000 });
      break;
    } catch {
      // focus may still be outside the workbench; try again
      if (attempt === 2) throw new Error('the command palette did not open');
    }
  }
  await widget.locator('.quick-input-box input').fill(`>${title}`);
  await pickQuickPickItem(page, title, { timeout, filter: false });
}

/** Presses Escape until no quick input is open. */
export async function closeQuickInput(page) {
  for (let i = 0; i < 3 && (await quickInput(page).isVisible()); i++) await page.keyboard.press('Escape');
}

/** The visible modal dialog. */
export function dialog(page) {
  return page.locator('.monaco-dialog-box');
}

/** The text of the modal dialog (message and detail), as shown. */
export async function dialogText(page, { timeout = 15_000 } = {}) {
  const box = dialog(page);
  await box.waitFor({ state: 'visible', timeout });
  return normalizeText(await box.locator('.dialog-message-container').innerText());
}

/** The button labels of the modal dialog. */
export async function dialogButtons(page, { timeout = 15_000 } = {}) {
  const box = dialog(page);
  await box.waitFor({ state: 'visible', timeout });
  return (await box.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((text) => normalizeText(text).trim());
}

/** Clicks the dialog button labelled exactly `label` and waits for the dialog to close. */
export async function clickDialogButton(page, label, { timeout = 15_000 } = {}) {
  const box = dialog(page);
  await box.waitFor({ state: 'visible', timeout });
  const buttons = box.locator('.monaco-button');
  const labels = (await buttons.allInnerTexts()).map((text) => normalizeText(text).trim());
  const index = labels.indexOf(label);
  if (index < 0) throw new Error(`no dialog button ${JSON.stringify(label)}; saw ${JSON.stringify(labels)}`);
  await buttons.nth(index).click();
  await box.waitFor({ state: 'hidden', timeout });
}

/** Toasts and, when it is open, the notification center: where a person finds a notification. */
export const NOTIFICATION_ITEMS = '.notification-toast-container .notification-list-item, .notifications-center .notification-list-item';

/** Visible notifications (toasts, or the open notification center): their message and button labels. */
export async function notifications(page) {
  return page.locator(NOTIFICATION_ITEMS).evaluateAll((items) =>
    items.map((item) => ({
      message: (item.querySelector('.notification-list-item-message')?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
      buttons: [...item.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((button) => (button.textContent ?? '').trim()),
    })),
  );
}

/** Waits for a notification toast whose message contains `text` (a string or a RegExp); returns its message. */
export async function waitForNotification(page, text, { timeout = 30_000 } = {}) {
  const matches = (message) => (typeof text === 'string' ? message.includes(text) : text.test(message));
  const started = Date.now();
  const deadline = started + timeout;
  let centerOpened = false;
  for (;;) {
    const found = (await notifications(page)).find((item) => matches(item.message));
    if (found) return found;
    // The workbench files a notification in the center without a toast when more than three arrive within
    // 800 ms (its spam protection), which quick tests do; a person would open the bell then, and so does this.
    if (!centerOpened && Date.now() - started > Math.min(5000, timeout / 2)) {
      centerOpened = true;
      await runPaletteCommand(page, 'Notifications: Show Notifications').catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new Error(`no notification matching ${text}; saw ${JSON.stringify(await notifications(page))}`);
    }
    await sleep(150);
  }
}

/** Clicks a button of the notification toast whose message contains `text`. */
export async function clickNotificationButton(page, text, buttonLabel, { timeout = 30_000 } = {}) {
  await waitForNotification(page, text, { timeout });
  const item = page
    .locator(NOTIFICATION_ITEMS)
    .filter({ has: page.locator('.notification-list-item-message', { hasText: text }) })
    .first();
  await item.locator('.notification-list-item-buttons-container .monaco-button', { hasText: buttonLabel }).first().click();
}

/**
 * Reads every line of the editor in the panel (Output view), scrolling through it: Monaco only renders the
 * visible lines. Lines are keyed by their vertical position, so overlapping screens are not duplicated.
 */
export async function panelEditorText(page, { timeout = 15_000 } = {}) {
  return monacoEditorText(page.locator('.part.panel .monaco-editor').first(), { timeout });
}

/** Every line of the active editor in the editor area (e.g. a read-only document a command opened), scrolling through it. */
export async function editorText(page, { timeout = 15_000 } = {}) {
  return monacoEditorText(page.locator('.part.editor .editor-group-container.active .monaco-editor').first(), { timeout });
}

async function monacoEditorText(editor, { timeout }) {
  await editor.waitFor({ state: 'visible', timeout });
  const readScreen = () =>
    editor.locator('.view-lines .view-line').evaluateAll((lines) =>
      lines.map((line) => ({ top: parseFloat(line.style.top || '0'), text: (line.textContent ?? '').replace(/\u00a0/g, ' ') })),
    );
  // Scrolls by dispatching wheel events on the editor, then waits two frames for Monaco to render.
  const scroll = (deltaY) =>
    editor.evaluate(
      (element, delta) =>
        new Promise((resolve) => {
          const target = element.querySelector('.monaco-scrollable-element.editor-scrollable') ?? element;
          target.dispatchEvent(new WheelEvent('wheel', { deltaY: delta, deltaMode: 0, bubbles: true, cancelable: true }));
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(undefined)));
        }),
      deltaY,
    );
  await scroll(-1e7);
  const byTop = new Map();
  const height = Math.max(50, ((await editor.boundingBox())?.height ?? 400) * 0.8);
  let previousFirst;
  for (let step = 0; step < 2000; step++) {
    const screen = await readScreen();
    for (const line of screen) byTop.set(line.top, line.text);
    const first = screen.length ? Math.min(...screen.map((line) => line.top)) : 0;
    if (step > 0 && first === previousFirst) break; // the last scroll did not move: at the end
    previousFirst = first;
    await scroll(height);
  }
  return [...byTop.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, text]) => text)
    .join('\n');
}

/** Opens the Output panel on `channelName` (as a person would: the palette, then the channel) and returns its text. */
export async function outputChannelText(page, channelName, { timeout = 15_000 } = {}) {
  await showOutputChannel(page, channelName, { timeout });
  return panelEditorText(page, { timeout });
}

/** Shows the Output view on `channelName` through "Output: Show Output Channels…". */
export async function showOutputChannel(page, channelName, { timeout = 15_000 } = {}) {
  await runPaletteCommand(page, 'Output: Show Output Channels...', { timeout }).catch(async () => {
    await closeQuickInput(page);
    await runPaletteCommand(page, 'Output: Show Output Channels…', { timeout });
  });
  await pickQuickPickItem(page, channelName, { timeout, match: 'channel' });
  await page.locator('.part.panel .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout });
}

/**
 * The text an output channel wrote, read from its log file in the data folder (what the Output view shows,
 * without going through the DOM). Matches the file by the channel name.
 */
export function outputChannelLogText(dataDir, channelName) {
  const logsDir = path.join(dataDir, 'user-data', 'logs');
  if (!fs.existsSync(logsDir)) return '';
  const files = fs
    .readdirSync(logsDir, { recursive: true })
    .map((file) => path.join(logsDir, String(file)))
    .filter((file) => {
      const base = path.basename(file);
      return base.endsWith('.log') && (base === `${channelName}.log` || base.replace(/^\d+-/, '') === `${channelName}.log`);
    });
  return files.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
}

/** The title of the active editor tab in the editor area. */
export async function activeEditorTitle(page, { timeout = 15_000 } = {}) {
  const tab = page.locator('.part.editor .editor-group-container.active .tab.active .label-name').first();
  await tab.waitFor({ state: 'visible', timeout });
  return normalizeText(await tab.innerText()).trim();
}

/**
 * The text of the terminal shown in the panel (terminal.integrated.gpuAcceleration is off, so its rows are DOM
 * text). Only the visible rows: enough for a task's output of a few lines.
 */
export async function terminalText(page, { timeout = 15_000 } = {}) {
  const rows = page.locator('.part.panel .xterm-rows:visible');
  await rows.first().waitFor({ state: 'visible', timeout });
  return normalizeText((await rows.allInnerTexts()).join('\n'));
}

/** Waits until the visible terminal's text contains `text` (a string or RegExp); returns the whole text. */
export async function waitForTerminalText(page, text, { timeout = 30_000 } = {}) {
  const matches = (shown) => (typeof text === 'string' ? shown.includes(text) : text.test(shown));
  const deadline = Date.now() + timeout;
  let shown = '';
  for (;;) {
    shown = await terminalText(page, { timeout: Math.max(1000, deadline - Date.now()) }).catch(() => '');
    if (matches(shown)) return shown;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${text}; it shows:\n${shown}`);
    await sleep(150);
  }
}

/** The status bar item whose text contains `text` (a codicon such as `$(rocket)` renders as an icon, not as text). */
export function statusBarItem(page, text) {
  return page.locator('.part.statusbar .statusbar-item').filter({ hasText: text }).first();
}

/** The codicon classes shown in a status bar item, e.g. ["codicon-sync", "codicon-modifier-spin"]. */
export async function statusBarItemIcons(page, text, { timeout = 15_000 } = {}) {
  const item = statusBarItem(page, text);
  await item.waitFor({ state: 'visible', timeout });
  return item.locator('.codicon').evaluateAll((icons) => icons.flatMap((icon) => [...icon.classList].filter((name) => name.startsWith('codicon-'))));
}

/** Runs a task by its label as a person does: "Tasks: Run Task", then the task (typed as a filter). */
export async function runTaskFromPalette(page, label, { timeout = 15_000 } = {}) {
  await runPaletteCommand(page, 'Tasks: Run Task', { timeout });
  await pickQuickPickItem(page, label, { timeout });
}

/** Saves a PNG of the page (creating the folder). */
export async function screenshot(page, file, { fullPage = false, clip } = {}) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  await page.screenshot({ path: file, fullPage, ...(clip ? { clip } : {}), animations: 'disabled' });
  return file;
}
