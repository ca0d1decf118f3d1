// End to end in headless Chromium through the `npm run web` bridge: a 96 MiB upload to the real
// sshd through the fault proxy; the link is cut for 2 s a third of the way in (a Wi-Fi hand-over).
// The remote pane shows "Reconnecting… (attempt n)" and keeps its folder, the session comes back
// by itself and the job finishes byte-identical without a single click.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startLinkProxy, type LinkProxy } from '../support/link-proxy';
import { POLL, goTo as goToDir, panes, quickConnectWithKey } from './support/panes';
import { openWebApp, type WebApp, type WebServer } from './support/web-app';

const sshd = inject('sshd');
const SIZE = 96 * 1024 * 1024;
const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

let server: WebServer;
let app: WebApp;
let page: Page;
let link: LinkProxy;
let localDir: string;
let remoteDir: string;

const ui = () => panes(page);
const localGrid = () => ui().local();
const remoteGrid = () => ui().remote();
const row = (grid: ReturnType<typeof localGrid>, name: string) => ui().row(grid, name);
const goTo = (which: 'Local path' | 'Remote path', dir: string) => goToDir(page, which, dir);

beforeAll(async () => {
  app = await openWebApp();
  ({ server, page } = app);
  // 320 Mbit/s: the upload takes a few seconds, so the cut lands in its middle.
  link = await startLinkProxy({ targetPort: sshd.port, rateMbit: 320 });
  localDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-reconnect-local-'));
  remoteDir = mkdtempSync(path.join(sshd.scratch, 'e2e-reconnect-'));
  writeFileSync(path.join(localDir, 'big.bin'), randomBytes(SIZE));
}, 180_000);

afterAll(async () => {
  await app?.close();
  await link?.stop();
  for (const d of [localDir, remoteDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe.sequential('a dropped link in the browser', () => {
  it('shows Reconnecting… and finishes the upload by itself after a 2 s cut', async () => {
    await page.goto(server.url);
    await quickConnectWithKey(page, { host: link.host, port: link.port, username: sshd.user, keyPath: sshd.clientKeys.ed25519 });
    await goTo('Local path', localDir);
    await goTo('Remote path', remoteDir);

    await row(localGrid(), 'big.bin').dragTo(remoteGrid());
    const part = () => readdirSync(remoteDir).find((n) => n.endsWith('.skiffpart'));
    await expect.poll(() => (part() ? statSync(path.join(remoteDir, part()!)).size : 0), POLL).toBeGreaterThan(SIZE / 3);

    const cut = link.cutFor(2000);
    const status = page.getByRole('status').filter({ hasText: /Reconnecting… \(attempt \d+\)/ });
    await status.waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel', exact: true }).waitFor();
    // The job says what it waits for (not a frozen "Running" at 0 B/s).
    const transfers = page.getByRole('region', { name: 'Transfers' });
    await transfers.getByText('Waiting for the connection').waitFor({ timeout: 10_000 });
    await cut;

    // Back by itself: the header returns to the connection's own commands, the folder is the same.
    await page.getByRole('button', { name: 'Disconnect' }).waitFor({ timeout: 90_000 });
    expect(await page.getByRole('textbox', { name: 'Remote path' }).inputValue()).toBe(remoteDir);
    const target = path.join(remoteDir, 'big.bin');
    await expect.poll(() => existsSync(target) && statSync(target).size, POLL).toBe(SIZE);
    expect(sha256(target)).toBe(sha256(path.join(localDir, 'big.bin')));
    expect(readdirSync(remoteDir)).toEqual(['big.bin']);
    await expect.poll(() => transfers.getByText('Done').count(), POLL).toBe(1);
    expect(await transfers.getByText(/Failed/).count()).toBe(0);
    await row(remoteGrid(), 'big.bin').waitFor({ timeout: 30_000 });
    // The proxy saw a second connection: the session really reconnected (not a stale socket).
    expect((await link.stats()).connections).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
