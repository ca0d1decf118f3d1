// End to end in headless Chromium through the `npm run web` bridge against the real sshd: a low
// upload limit set in Settings holds a running upload back (checked only as a lower bound: still
// running after a second, which a slow machine cannot break), and clearing it in Settings lets the
// same job finish without a restart; the file lands byte-identical.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { POLL, goTo as goToDir, panes, quickConnectWithKey } from './support/panes';
import { openWebApp, type WebApp, type WebServer } from './support/web-app';

const sshd = inject('sshd');
const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

let server: WebServer;
let app: WebApp;
let page: Page;
let localDir: string;
let remoteDir: string;

const ui = () => panes(page);
const localGrid = () => ui().local();
const remoteGrid = () => ui().remote();
const row = (grid: ReturnType<typeof localGrid>, name: string) => ui().row(grid, name);
const goTo = (which: 'Local path' | 'Remote path', dir: string) => goToDir(page, which, dir);

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
  app = await openWebApp();
  ({ server, page } = app);
  localDir = path.join(server.home, 'limited');
  mkdirSync(localDir, { recursive: true });
  writeFileSync(path.join(localDir, 'slow.bin'), randomBytes(4 * 1024 * 1024 + 17));
  remoteDir = mkdtempSync(path.join(sshd.scratch, 'e2e-limit-'));
}, 180_000);

afterAll(async () => {
  await app?.close();
  if (remoteDir) rmSync(remoteDir, { recursive: true, force: true });
});

describe.sequential('speed limit, in a browser', () => {
  it('a 256 KiB/s upload limit holds a 4 MiB upload back; clearing it in Settings lets the running job finish', async () => {
    await page.goto(server.url);
    await quickConnectWithKey(page, { host: sshd.host, port: sshd.port, username: sshd.user, keyPath: sshd.clientKeys.ed25519 });

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
