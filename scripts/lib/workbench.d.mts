// Types for workbench.mjs, so the TypeScript end-to-end tests can import it.
import type { BrowserContext, Page } from 'playwright-core';

export interface WorkbenchOptions {
  workspaceFolder?: string;
  userSettings?: Record<string, unknown>;
  /** Files to put in the user data folder before the first start, by path relative to it (e.g. an extension's global storage). */
  userFiles?: Record<string, string>;
  /** Absolute paths of unpacked extension folders (each with package.json and dist/). */
  extensions?: string[];
  /** Added to code-server's environment (and so to its extension host's). */
  env?: Record<string, string>;
  /** true (default): workspace trust disabled, everything trusted. false: trust enabled, the folder opens in Restricted Mode. */
  trustWorkspace?: boolean;
  /** Default: a free port. */
  port?: number;
  codeServerEntry?: string;
  keepDataDir?: boolean;
  readyTimeoutMs?: number;
  dataDirPrefix?: string;
}

export interface Workbench {
  /** The URL that opens the workspace folder. */
  url: string;
  baseUrl: string;
  port: number;
  dataDir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  pid: number;
  extensions: { id: string; folder: string }[];
  stop(): Promise<void>;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  profileDir: string;
  close(): Promise<void>;
}

export interface Timeout {
  timeout?: number;
}

export interface Notification {
  message: string;
  buttons: string[];
}

export const CHROMIUM_ARGS: string[];
export function freePort(): Promise<number>;
export function portInUse(port: number): Promise<boolean>;
export function extensionFolderName(manifest: { publisher: string; name: string; version: string }): string;
export function installUnpackedExtension(sourceDir: string, extensionsDir: string): { id: string; folder: string; manifest: Record<string, unknown> };
export function baseUserSettings(options?: { trustWorkspace?: boolean }, extra?: Record<string, unknown>): Record<string, unknown>;
export function startWorkbench(options?: WorkbenchOptions): Promise<Workbench>;
export function launchBrowser(options?: { headless?: boolean; viewport?: { width: number; height: number }; executablePath?: string }): Promise<Browser>;
export function openWorkbench(page: Page, url: string, folder?: string, options?: { readyText?: string; timeout?: number }): Promise<void>;
export function pickQuickPickItem(page: Page, label: string, options?: Timeout & { filter?: boolean; match?: 'exact' | 'channel' }): Promise<void>;
export function quickPickItems(page: Page, options?: Timeout): Promise<{ label: string; description: string }[]>;
export function runPaletteCommand(page: Page, title: string, options?: Timeout): Promise<void>;
export function closeQuickInput(page: Page): Promise<void>;
export function dialog(page: Page): ReturnType<Page['locator']>;
export function dialogText(page: Page, options?: Timeout): Promise<string>;
export function dialogButtons(page: Page, options?: Timeout): Promise<string[]>;
export function clickDialogButton(page: Page, label: string, options?: Timeout): Promise<void>;
export const NOTIFICATION_ITEMS: string;
export function notifications(page: Page): Promise<Notification[]>;
export function waitForNotification(page: Page, text: string | RegExp, options?: Timeout): Promise<Notification>;
export function clickNotificationButton(page: Page, text: string, buttonLabel: string, options?: Timeout): Promise<void>;
export function panelEditorText(page: Page, options?: Timeout): Promise<string>;
export function outputChannelText(page: Page, channelName: string, options?: Timeout): Promise<string>;
export function showOutputChannel(page: Page, channelName: string, options?: Timeout): Promise<void>;
export function outputChannelLogText(dataDir: string, channelName: string): string;
export function editorText(page: Page, options?: Timeout): Promise<string>;
export function activeEditorTitle(page: Page, options?: Timeout): Promise<string>;
export function terminalText(page: Page, options?: Timeout): Promise<string>;
export function waitForTerminalText(page: Page, text: string | RegExp, options?: Timeout): Promise<string>;
export function statusBarItem(page: Page, text: string): ReturnType<Page['locator']>;
export function statusBarItemIcons(page: Page, text: string, options?: Timeout): Promise<string[]>;
export function runTaskFromPalette(page: Page, label: string, options?: Timeout): Promise<void>;
export function screenshot(page: Page, file: string, options?: { fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number } }): Promise<string>;
