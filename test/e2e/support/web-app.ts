// Starts the real app for browser tests: builds the renderer once (vite), runs the web
// bridge (`electron/web/server.ts`) as a child process with HOME and XDG_CONFIG_HOME in
// temp dirs, and launches headless Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Builds the renderer into `outDir` with the project's own vite config, as a production bundle
 * like `npm run build` makes. Vitest sets NODE_ENV=test, and vite takes NODE_ENV over the build
 * mode: without this the e2e tests would run React's development build, whose per-render
 * instrumentation walks every changed prop (a 100,000-entry array per repaint) and made the
 * 100k listing much slower than what users get (test/bench/README.md).
 */
export async function buildRenderer(outDir: string): Promise<void> {
  const { build } = await import('vite');
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(repoRoot, 'renderer', 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

export interface WebServer {
  url: string;
  /** The temp dir holding home and configHome (pass it to start the app again on the same dirs). */
  base: string;
  home: string;
  configHome: string;
  /** Ends the process and removes its dirs. */
  stop(): Promise<void>;
  /** Ends the process and keeps its dirs: SIGTERM quits as the app does (its context disposed), SIGKILL is a crash. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  output(): string;
}

/** Runs `node --import tsx electron/web/server.ts --port 0` and resolves with the URL from its first stdout line; `base` reuses an earlier server's dirs. */
export async function startWebServer(staticDir: string, opts: { base?: string } = {}): Promise<WebServer> {
  const base = opts.base ?? mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-'));
  const home = path.join(base, 'home');
  const configHome = path.join(base, 'config');
  mkdirSync(home, { recursive: true });
  mkdirSync(configHome, { recursive: true });
  // Node itself with tsx's loader (not the tsx wrapper, which would run it in a grandchild): a
  // signal reaches the server process, so SIGKILL really is a crash.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'electron', 'web', 'server.ts'), '--port', '0', '--static', staticDir],
    {
      cwd: repoRoot,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: configHome, SSH_AUTH_SOCK: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      out += d.toString();
      const m = /Skiff web preview: (http:\/\/\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`web server exited (${code}) before printing its URL:\n${out}`)));
  });
  const kill = async (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return {
    url,
    base,
    home,
    configHome,
    output: () => out,
    kill,
    async stop() {
      await kill('SIGTERM');
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium: Debian's (or $CHROMIUM_PATH), else Playwright's own download if present. */
export async function launchChromium(): Promise<Browser> {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return chromium.launch({
    headless: true,
    ...(existsSync(candidate) ? { executablePath: candidate } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface WebApp {
  server: WebServer;
  browser: Browser;
  page: Page;
  /** Closes the browser, stops the bridge and removes the built renderer. */
  close(): Promise<void>;
}

/**
 * The app as most browser tests use it: the renderer built into a temp folder, the web bridge
 * serving it, and one 1280 × 800 page in headless Chromium whose uncaught errors go to stderr.
 */
export async function openWebApp(): Promise<WebApp> {
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-renderer-'));
  let server: WebServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
    rmSync(staticDir, { recursive: true, force: true });
  };
  try {
    await buildRenderer(staticDir);
    server = await startWebServer(staticDir);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    return { server, browser, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}
