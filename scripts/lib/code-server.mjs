// Installs code-server (the real VS Code workbench served to a browser) from the npm registry, offline
// from any other host, and caches it outside the clone so a second run does not reinstall it.
// Also makes sure Debian's Chromium is there for Playwright. Linux (Debian/Ubuntu) only.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = process.env.HOST_COMMANDS_CODE_SERVER_VERSION ?? '4.96.4';
export const CHROMIUM_PATH = process.env.HOST_COMMANDS_CHROMIUM ?? '/usr/bin/chromium';

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'host-commands-dev');
}

function log(message) {
  process.stderr.write(`[setup] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
  }
}

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** The Debian packages the harness needs: the browser, ripgrep for code-server's search, krb5 headers for its kerberos module. */
export function ensureSystemPackages() {
  const missing = [];
  if (!fs.existsSync(CHROMIUM_PATH)) missing.push('chromium');
  if (!commandExists('rg')) missing.push('ripgrep');
  if (!fs.existsSync('/usr/include/krb5.h') && !fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (!commandExists('g++') || !commandExists('make')) missing.push('build-essential');
  if (missing.length === 0) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  if (!commandExists('apt-get')) {
    throw new Error(`Missing system packages (${missing.join(', ')}) and no apt-get to install them. Install them by hand.`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update', '-qq'], { env });
  run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/** Node's headers, so node-gyp builds native modules without downloading them. */
function nodeHeadersDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'))) return prefix;
  throw new Error(`Node headers not found under ${prefix}/include/node; install the nodejs headers (Debian: libnode-dev or nodejs).`);
}

export function codeServerDir(version = CODE_SERVER_VERSION) {
  return path.join(cacheRoot(), `code-server-${version}`);
}

export function codeServerBin(version = CODE_SERVER_VERSION) {
  return path.join(codeServerDir(version), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Rewrites git "resolved" URLs in a shrinkwrap to the registry tarball of the same name and version. */
function replaceGitResolved(shrinkwrapPath, env) {
  const shrinkwrap = JSON.parse(fs.readFileSync(shrinkwrapPath, 'utf8'));
  let changed = 0;
  for (const [key, entry] of Object.entries(shrinkwrap.packages ?? {})) {
    if (!entry.resolved || !/^git|^github:|git\+/.test(entry.resolved)) continue;
    const name = entry.name ?? key.replace(/^.*node_modules\//, '');
    const tarball = execFileSync('npm', ['view', `${name}@${entry.version}`, 'dist.tarball'], { env, encoding: 'utf8' }).trim();
    if (!tarball) throw new Error(`no registry tarball for ${name}@${entry.version}`);
    entry.resolved = tarball;
    changed++;
  }
  for (const [name, entry] of Object.entries(shrinkwrap.dependencies ?? {})) {
    if (entry.resolved && /^git|^github:|git\+/.test(entry.resolved)) {
      entry.resolved = execFileSync('npm', ['view', `${name}@${entry.version}`, 'dist.tarball'], { env, encoding: 'utf8' }).trim();
      changed++;
    }
  }
  fs.writeFileSync(shrinkwrapPath, JSON.stringify(shrinkwrap, null, 2));
  return changed;
}

function symlink(target, linkPath) {
  fs.rmSync(linkPath, { force: true, recursive: true });
  fs.mkdirSync(path.dirname(linkPath), { recursive: true });
  fs.symlinkSync(target, linkPath);
}

/** Installs code-server into the cache once; returns the path of its entry script. */
export function ensureCodeServer(version = CODE_SERVER_VERSION) {
  const dir = codeServerDir(version);
  const stamp = path.join(dir, '.installed');
  if (fs.existsSync(stamp)) return codeServerBin(version);
  ensureSystemPackages();
  const started = Date.now();
  log(`installing code-server ${version} into ${dir} (once; cached afterwards)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  const env = { ...process.env, npm_config_nodedir: nodeHeadersDir(), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const npm = (args, cwd) => run('npm', args, { cwd, env });

  npm(['install', '--ignore-scripts', '--no-save', '--loglevel=error', `code-server@${version}`], dir);
  npm(['rebuild', 'argon2'], dir);

  const pkg = path.join(dir, 'node_modules', 'code-server');
  const vscodeDir = path.join(pkg, 'lib', 'vscode');
  const changed = replaceGitResolved(path.join(vscodeDir, 'npm-shrinkwrap.json'), env);
  log(`rewrote ${changed} git dependencies to registry tarballs`);
  npm(['install', '--omit=dev', '--ignore-scripts', '--loglevel=error'], vscodeDir);

  const ripgrepPackage = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep');
  if (fs.existsSync(ripgrepPackage)) {
    const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
    symlink(rg, path.join(ripgrepPackage, 'bin', 'rg'));
  }
  npm(['rebuild'], vscodeDir);

  // What code-server's own postinstall would do.
  symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  symlink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  symlink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  npm(['install', '--omit=dev', '--loglevel=error'], path.join(vscodeDir, 'extensions'));

  fs.writeFileSync(stamp, new Date().toISOString());
  log(`code-server ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return codeServerBin(version);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureSystemPackages();
  console.log(ensureCodeServer());
}
