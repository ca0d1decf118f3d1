// End to end in headless Chromium through the `npm run web` bridge against the real sshd: a low
// upload limit set in Settings holds a running upload back (checked only as a lower bound: still
// running after a second, which a slow machine cannot break), and clearing it in Settings lets the
// same job finish without a restart; the file lands byte-identical.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildRenderer, launchChromium, startWebServer, type WebServer } from './support/web-app';

const sshd = inject('sshd');
const POLL = { timeout: 60_000, interval: 100 };
const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let server: WebServer;
let browser: Browser;
let page: Page;
let staticDir: string;
let localDir: string;
let remoteDir: string;

const localGrid = () => page.getByRole('grid', { name: 'Local files' });
const remoteGrid = () => page.getByRole('grid', { name: 'Remote files' });
const row = (grid: ReturnType<typeof localGrid>, name: string) => grid.getByRole('row', { name: new RegExp(`^${escapeRe(name)},`) });

async function goTo(which: 'Local path' | 'Remote path', dir: string): Promise<void> {
  const box = page.getByRole('textbox', { name: which });
  await box.fill(dir);
  await box.press('Enter');
  await expect.poll(() => box.inputValue(), POLL).toBe(dir);
}

/** Opens Settings, sets the upload limit (empty = none), saves. */
async function setUploadLimit(value: string, unit: 'KiB' | 'MiB'): Promise<void> {
  await page.getByRole('button', { name: 'Settings…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const input = dialog.getByLabel('Upload speed limit', { exact: true });
  await input.waitFor({ timeout: 30_000 });
  await input.fill(value);
  await dialog.getByLabel('Upload speed limit unit').selectOption(unit);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => dialog.count(), POLL).toBe(0);
}

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-renderer-'));
  await buildRenderer(staticDir);
  server = await startWebServer(staticDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  localDir = path.join(server.home, 'limited');
  mkdirSync(localDir, { recursive: true });
  writeFileSync(path.join(localDir, 'slow.bin'), randomBytes(4 * 1024 * 1024 + 17));
  remoteDir = mkdtempSync(path.join(sshd.scratch, 'e2e-limit-'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  if (remoteDir) rmSync(remoteDir, { recursive: true, force: true });
});

describe.sequential('speed limit, in a browser', () => {
  it('a 256 KiB/s upload limit holds a 4 MiB upload back; clearing it in Settings lets the running job finish', async () => {
    await page.goto(server.url);
    await page.getByLabel('Host', { exact: true }).fill(sshd.host);
    await page.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await page.getByLabel('Username', { exact: true }).fill(sshd.user);
    await page.getByLabel('Key file', { exact: true }).fill(sshd.clientKeys.ed25519);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const trust = page.getByRole('dialog', { name: /host key/i });
    await trust.waitFor({ timeout: 60_000 });
    await trust.getByRole('button', { name: 'Trust and remember' }).click();
    await remoteGrid().waitFor({ timeout: 60_000 });

    await setUploadLimit('256', 'KiB');
    const queue = page.getByRole('region', { name: 'Transfers' });
    await expect.poll(() => queue.getByRole('status').textContent(), POLL).toBe('Uploads limited to 256 KiB/s');

    await goTo('Local path', localDir);
    await goTo('Remote path', remoteDir);
    await row(localGrid(), 'slow.bin').dragTo(remoteGrid());
    const job = queue.getByRole('listitem').filter({ hasText: 'slow.bin' });
    await expect.poll(() => job.textContent(), POLL).toContain('Running');
    // At 256 KiB/s the 4 MiB take about 16 s: after one second the job must still be running (a
    // lower bound only; a slower machine only makes it more so).
    await page.waitForTimeout(1000);
    expect(await job.textContent()).toContain('Running');
    expect(existsSync(path.join(remoteDir, 'slow.bin'))).toBe(false);

    await setUploadLimit('', 'MiB');
    await expect.poll(() => queue.getByRole('status').count(), POLL).toBe(0);
    await expect.poll(() => job.textContent(), POLL).toContain('Done');
    expect(sha256(path.join(remoteDir, 'slow.bin'))).toBe(sha256(path.join(localDir, 'slow.bin')));
  });
});
