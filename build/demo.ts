// `npm run demo`: a first run without a server of one's own. Starts a throwaway SFTP server on
// 127.0.0.1 serving a folder of sample files, makes a throwaway Skiff profile (HOME and
// XDG_CONFIG_HOME) holding a saved server for it, and opens Skiff on that profile. Ctrl+C stops
// the server and Skiff and removes everything the demo made.
//
//   npm run demo                      the desktop app (needs the Electron binary)
//   npm run demo -- --web             the browser preview, the same bridge as `npm run web`
//   options: --server auto|openssh|fake   OpenSSH's sshd where installed (auto), else ssh2's
//                                         scriptable server (a password login)
//            --port N (web, 0 = any)  --no-open (web: only print the URL)
//            --static DIR (web: an already built renderer instead of building dist/renderer)
//
// The server is the test bed's: OpenSSH logs in as the current user with a key made for the
// demo, so the saved server uses that key; the fake server wants a password, which goes to the
// keychain when one is available and is otherwise typed by the user (never written to a file).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConfigDir } from '../electron/core/paths';
import { KeytarSecretStore } from '../electron/core/secrets/keytar-secret-store';
import { passwordAccount } from '../electron/core/secrets/secret-store';
import { BookmarkService } from '../electron/core/store/bookmark-service';
import { BookmarkStore } from '../electron/core/store/bookmark-store';
import type { BookmarkInput } from '../electron/core/store/bookmark-schema';
import { startWebBridge, type WebBridge } from '../electron/web/web-bridge';
import { startFakeServer, type FakeServer } from '../test/support/fake-server';
import { findOpenSsh, startSshd, type SshdHandle } from '../test/support/sshd';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The sample tree on the server: a few folders and files, one big enough to watch the progress bar. */
function serverSamples(): Record<string, string | Buffer> {
  const icon = readFileSync(path.join(root, 'build', 'icon.png'));
  return {
    'README.txt': 'This folder is the demo server. Drag files here from the left pane, or drag these to the left.\n',
    'Documents/report.txt': 'Quarterly report\n================\nAll good.\n',
    'Documents/budget.csv': 'item,amount\nsails,120\nrope,35\n',
    'Photos/skiff.png': icon,
    'Projects/site/index.html': '<!doctype html><title>Hello</title><h1>Hello from the demo server</h1>\n',
    'Projects/site/style.css': 'h1 { color: teal; }\n',
    'Big file (8 MiB).bin': randomBytes(8 * 1024 * 1024),
  };
}

/** The sample tree on this computer's side, where the local pane opens. */
function localSamples(): Record<string, string | Buffer> {
  return {
    'Drag these to the server/hello.txt': 'Hello, server!\n',
    'Drag these to the server/notes.md': '# Notes\n\n- drag me onto the right pane\n',
    'Drag these to the server/pictures/logo.png': readFileSync(path.join(root, 'build', 'icon.png')),
  };
}

function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, data] of Object.entries(files)) {
    const full = path.join(dir, ...rel.split('/'));
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, data);
  }
}

export interface DemoOptions {
  server: 'auto' | 'openssh' | 'fake';
  /** Prints what the demo does (one line each). */
  log: (line: string) => void;
}

export interface Demo {
  /** The temp folder holding everything (profile, server files, keys). */
  base: string;
  home: string;
  configDir: string;
  /** What the server serves, and where the saved server opens. */
  serverDir: string;
  server: { kind: 'openssh' | 'fake'; host: string; port: number; username: string };
  bookmarkId: string;
  /** The fake server's password when no keychain holds it (the user types it). */
  password: string | null;
  /** Env for Skiff: the throwaway HOME / XDG_CONFIG_HOME (and their Windows and macOS twins). */
  env: Record<string, string>;
  /** Stops the server, forgets the keychain entry, removes `base`. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Makes the server, the profile and the saved server. */
export async function prepareDemo(opts: DemoOptions): Promise<Demo> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'skiff-demo-'));
  const home = path.join(base, 'home');
  const serverDir = path.join(base, 'server');
  mkdirSync(home, { recursive: true });
  const env = { HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: path.join(base, 'config'), APPDATA: path.join(base, 'config') };
  const configDir = defaultConfigDir(env, process.platform, home);
  writeTree(path.join(home), localSamples());
  writeTree(serverDir, serverSamples());

  let sshd: SshdHandle | null = null;
  let fake: FakeServer | null = null;
  let removeSecret: (() => Promise<unknown>) | null = null;
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    await Promise.all([sshd?.stop(), fake?.stop(), removeSecret?.().catch(() => undefined)]);
    rmSync(base, { recursive: true, force: true });
  };

  try {
    const useOpenSsh = opts.server === 'openssh' || (opts.server === 'auto' && hasOpenSsh());
    const store = await BookmarkStore.open({ configDir });
    const secrets = new KeytarSecretStore();
    const bookmarks = new BookmarkService(store, secrets);
    const common = {
      name: 'Skiff demo server',
      host: '127.0.0.1',
      localDir: path.join(home, 'Drag these to the server'),
      notes: 'Made by npm run demo; removed when the demo stops.',
    };
    let input: BookmarkInput;
    let password: string | null = null;
    let server: Demo['server'];
    if (useOpenSsh) {
      sshd = await startSshd({ dir: path.join(base, 'sshd') });
      // The key that sshd's authorized_keys lists, copied where a user keeps keys.
      const key = path.join(home, '.ssh', 'id_skiff_demo');
      mkdirSync(path.dirname(key), { recursive: true, mode: 0o700 });
      copyFileSync(sshd.clientKeys.ed25519, key);
      server = { kind: 'openssh', host: sshd.host, port: sshd.port, username: sshd.user };
      input = { ...common, port: sshd.port, username: sshd.user, authMethod: 'key', keyPath: key, remoteDir: serverDir };
      opts.log(`server   OpenSSH sshd on 127.0.0.1:${sshd.port}, logging in as ${sshd.user} with a key made for the demo`);
    } else {
      password = randomBytes(9).toString('base64url');
      const files: Record<string, string | Buffer> = {};
      for (const [rel, data] of Object.entries(serverSamples())) files[`/home/demo/${rel}`] = data;
      fake = await startFakeServer({ users: { demo: { password } }, home: '/home/demo', files });
      server = { kind: 'fake', host: fake.host, port: fake.port, username: 'demo' };
      input = { ...common, port: fake.port, username: 'demo', authMethod: 'password', remoteDir: '/home/demo' };
      opts.log(`server   ssh2's scriptable SFTP server on 127.0.0.1:${fake.port} (OpenSSH's sshd is not installed), user demo`);
    }
    let stored = false;
    if (password !== null) {
      // The password goes to the keychain only if there is one; never to a file.
      const r = await bookmarks.create({ ...input, rememberPassword: true }, { password }).catch(() => null);
      if (r && r.keychainWarning === null) {
        stored = true;
        const account = passwordAccount(r.bookmark);
        removeSecret = () => secrets.delete(account);
        opts.log('keychain the password is kept in your keychain for the demo, and removed when it stops');
      } else if (r) {
        await bookmarks.update(r.bookmark.id, { rememberPassword: false });
      }
    }
    const bookmark = store.list()[0] ?? (await bookmarks.create(input)).bookmark;
    if (password !== null && !stored) opts.log(`password ${password}   (no keychain here: type it when Skiff asks; it is not saved anywhere)`);
    opts.log(`files    ${useOpenSsh ? serverDir : `/home/demo on the server (in memory; a copy of the samples)`}`);
    opts.log(`profile  ${base} (Skiff's HOME and config; a saved server "${bookmark.name}")`);
    return { base, home, configDir, serverDir, server, bookmarkId: bookmark.id, password: stored ? null : password, env, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function hasOpenSsh(): boolean {
  try {
    findOpenSsh('sshd');
    findOpenSsh('sftp-server');
    findOpenSsh('ssh-keygen');
    return true;
  } catch {
    return false;
  }
}

/** The Electron binary's path; throws saying what to do when it is not installed. */
function electronBinary(): string {
  try {
    const p = require('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) return p;
  } catch {
    // Falls through to the explanation.
  }
  throw new Error(
    'The Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?). Run `npm run demo -- --web` for the browser preview, or reinstall without that variable.',
  );
}

/** Opens `url` in the default browser, quietly (the URL is printed anyway). */
function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const c = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
  c.on('error', () => undefined);
  c.unref();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      web: { type: 'boolean', default: false },
      server: { type: 'string', default: 'auto' },
      port: { type: 'string', default: '0' },
      'no-open': { type: 'boolean', default: false },
      static: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('Usage: npm run demo [-- --web] [--server auto|openssh|fake] [--port N] [--no-open] [--static DIR]\n');
    return;
  }
  if (!['auto', 'openssh', 'fake'].includes(values.server)) throw new Error(`--server must be auto, openssh or fake, not “${values.server}”`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got “${values.port}”`);

  const log = (line: string): void => void process.stdout.write(`demo: ${line}\n`);
  // The desktop app needs the Electron binary: say so before making anything.
  const electron = values.web ? '' : electronBinary();
  const demo = await prepareDemo({ server: values.server as DemoOptions['server'], log });
  let bridge: WebBridge | null = null;
  let app: ChildProcess | null = null;
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log('stopping: closing Skiff and the server, removing the demo folder…');
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((r) => app!.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    await bridge?.close().catch(() => undefined);
    await demo.cleanup();
    log(`removed ${demo.base}`);
    process.exit(code);
  };
  // Ctrl+C (the whole process group gets it, the server too) and a plain kill both clean up.
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    if (values.web) {
      let staticDir = values.static ? path.resolve(values.static) : path.join(root, 'dist', 'renderer');
      if (!values.static) {
        log('building the renderer (as npm run web does)…');
        execFileSync(process.execPath, [path.join(root, 'build', 'build.mjs'), '--renderer-only'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
        staticDir = path.join(root, 'dist', 'renderer');
      }
      // The bridge reads the user's side from HOME (the local pane, ~/.ssh/known_hosts): the demo's.
      Object.assign(process.env, demo.env);
      const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
      bridge = await startWebBridge({ port, staticDir, configDir: demo.configDir, home: demo.home, version });
      process.stdout.write(`Skiff web preview: ${bridge.url}\n`);
      if (!values['no-open']) openInBrowser(bridge.url);
    } else {
      log('building Skiff (as npm start does)…');
      execFileSync(process.execPath, [path.join(root, 'build', 'build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      // Chromium refuses to run as root with its sandbox on.
      const args = [root, ...(process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
      app = spawn(electron, args, { cwd: root, env: { ...process.env, ...demo.env }, stdio: 'inherit' });
      // Closing the window ends the demo too.
      app.once('exit', () => void stop(0));
      log('Skiff is starting…');
    }
    log(`next     open "Skiff demo server" in the sidebar, check and trust its host key, then drag a file from the left pane onto the right one`);
    log('Ctrl+C   stops the server and Skiff and removes everything the demo made');
  } catch (err) {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
    await stop(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
