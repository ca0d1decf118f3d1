// Launches the REAL app with Playwright's `_electron` where the Electron binary is installed (a
// developer's desktop). CI installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1, so there it is
// skipped BY NAME with the reason.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

/** The Electron binary path, or why there is none. */
function electronBinary(): { path: string } | { reason: string } {
  try {
    const p = require('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) return { path: p };
    return { reason: `require('electron') gave ${JSON.stringify(p)}, which does not exist` };
  } catch (err) {
    return { reason: (err as Error).message };
  }
}

describe('Electron smoke', () => {
  it('launches the real app: one secure window from app://, window.skiff present, no Node in the page', async (ctx) => {
    const bin = electronBinary();
    if (!('path' in bin)) {
      ctx.skip(`Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): ${bin.reason}`);
      return;
    }
    await promisify(execFile)(process.execPath, [path.join(root, 'build', 'build.mjs')], { cwd: root });
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-electron-'));
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({
      executablePath: bin.path,
      args: [root, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, HOME: tmp, XDG_CONFIG_HOME: path.join(tmp, 'xdg') } as Record<string, string>,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(page.url()).toBe('app://skiff/index.html');
      expect(await page.title()).toBe('Skiff');
      const probe = await page.evaluate(async () => {
        const w = (globalThis as unknown as { window: unknown }).window as {
          skiff?: { app: { info(): Promise<{ mode: string }> } };
          require?: unknown;
          process?: unknown;
        };
        return { hasApi: typeof w.skiff === 'object', mode: (await w.skiff?.app.info())?.mode, require: typeof w.require, process: typeof w.process };
      });
      expect(probe).toEqual({ hasApi: true, mode: 'electron', require: 'undefined', process: 'undefined' });
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
