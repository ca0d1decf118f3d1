// Starts the real app for browser tests: builds the renderer once (vite), runs the web
// bridge (`electron/web/server.ts`) as a child process with HOME and XDG_CONFIG_HOME in
// temp dirs, and launches headless Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

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
  home: string;
  configHome: string;
  stop(): Promise<void>;
  output(): string;
}

/** Runs `tsx electron/web/server.ts --port 0` and resolves with the URL from its first stdout line. */
export async function startWebServer(staticDir: string): Promise<WebServer> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-'));
  const home = path.join(base, 'home');
  const configHome = path.join(base, 'config');
  mkdirSync(home, { recursive: true });
  mkdirSync(configHome, { recursive: true });
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  const child: ChildProcess = spawn(tsx, [path.join(repoRoot, 'electron', 'web', 'server.ts'), '--port', '0', '--static', staticDir], {
    cwd: repoRoot,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: configHome, SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  return {
    url,
    home,
    configHome,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
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
