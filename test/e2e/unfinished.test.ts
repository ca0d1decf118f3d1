// End to end in headless Chromium: the queue survives a crash. A 64 MiB upload to a saved server
// (real sshd, through the link proxy so that it takes a few seconds) is running when the web
// bridge's process is killed (SIGKILL: no dispose, the journal as last written). The bridge starts
// again on the same config dir; the page shows “1 transfer did not finish”; Resume all connects to
// the saved server by itself and the job finishes: sha256-identical, no part file left.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startLinkProxy, type LinkProxy } from '../support/link-proxy';
import { POLL, goTo as goToDir, panes } from './support/panes';
import { buildRenderer, launchChromium, startWebServer, type WebServer } from './support/web-app';

const sshd = inject('sshd');
const MiB = 1024 * 1024;
const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let server: WebServer;
let browser: Browser;
let page: Page;
let staticDir: string;
let remoteDir: string;
let link: LinkProxy;

const ui = () => panes(page);
const localGrid = () => ui().local();
const remoteGrid = () => ui().remote();
const row = (grid: ReturnType<typeof localGrid>, name: string) => ui().row(grid, name);
const goTo = (which: 'Local path' | 'Remote path', dir: string) => goToDir(page, which, dir);
const journal = (): { jobs: Array<{ parts: string[]; bytesDone: number }> } => {
  const file = path.join(server.configHome, 'Skiff', 'transfers.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { jobs: Array<{ parts: string[]; bytesDone: number }> }) : { jobs: [] };
};

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-unfinished-'));
  await buildRenderer(staticDir);
  link = await startLinkProxy({ targetPort: sshd.port, rateMbit: 80 });
  server = await startWebServer(staticDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  remoteDir = mkdtempSync(path.join(sshd.scratch, 'e2e-unfinished-'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await link?.stop();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  if (remoteDir) rmSync(remoteDir, { recursive: true, force: true });
});

describe.sequential('unfinished transfers after a crash (browser, real sshd)', () => {
  const local = () => path.join(server.home, 'work');
  const saved = `${sshd.user}@127.0.0.1`;

  it('a saved server, connected, with a 64 MiB upload running', async () => {
    mkdirSync(local(), { recursive: true });
    writeFileSync(path.join(local(), 'big.bin'), randomBytes(64 * MiB));
    await page.goto(server.url);
    await localGrid().waitFor({ timeout: 60_000 });
    const qc = page.getByRole('form', { name: 'Quick Connect' });
    await qc.getByLabel('Host', { exact: true }).fill(link.host);
    await qc.getByLabel('Port', { exact: true }).fill(String(link.port));
    await qc.getByLabel('Username', { exact: true }).fill(sshd.user);
    await qc.getByLabel('Key file', { exact: true }).fill(sshd.clientKeys.ed25519);
    await qc.getByRole('button', { name: 'Save' }).click();
    const bookmark = page.getByRole('navigation', { name: 'Saved servers' }).getByRole('button', { name: new RegExp(`^${escapeRe(saved)} `) });
    await bookmark.focus();
    await page.keyboard.press('Enter');
    const trust = page.getByRole('dialog', { name: /host key/i });
    await trust.waitFor({ timeout: 60_000 });
    await trust.getByRole('button', { name: 'Trust and remember' }).click();
    await remoteGrid().waitFor({ timeout: 60_000 });

    await goTo('Local path', local());
    await goTo('Remote path', remoteDir);
    await row(localGrid(), 'big.bin').dragTo(remoteGrid());
    // The journal has the job and its part once some of it is through (written every second or so).
    await expect.poll(() => journal().jobs.some((j) => j.parts.length === 1 && j.bytesDone >= 8 * MiB), POLL).toBe(true);
    expect(existsSync(path.join(remoteDir, 'big.bin'))).toBe(false);
  });

  it('the bridge process is killed mid-transfer: the part stays on the server, the final name never appears', async () => {
    await server.kill('SIGKILL');
    const names = readdirSync(remoteDir);
    expect(names).toEqual(['big.bin.skiffpart']);
  });

  it('after the restart the page says “1 transfer did not finish”; Resume all connects and finishes it', async () => {
    await link.setRate(null);
    server = await startWebServer(staticDir, { base: server.base });
    await page.goto(server.url);
    const prompt = page.getByRole('dialog', { name: '1 transfer did not finish' });
    await prompt.waitFor({ timeout: 60_000 });
    expect(await prompt.getByRole('listitem').first().textContent()).toContain(`big.bin`);
    await prompt.getByRole('button', { name: 'Resume all' }).click();
    await prompt.waitFor({ state: 'detached' });
    // No host-key question (trusted and remembered before), no other click: the saved server connects and the job resumes.
    await remoteGrid().waitFor({ timeout: 60_000 });
    const target = path.join(remoteDir, 'big.bin');
    await expect.poll(() => readdirSync(remoteDir), { timeout: 120_000, interval: 100 }).toEqual(['big.bin']);
    expect(sha256(target)).toBe(sha256(path.join(local(), 'big.bin')));
    const transfers = page.getByRole('region', { name: 'Transfers' });
    await transfers.getByText('Done', { exact: true }).waitFor({ timeout: 60_000 });
    await expect.poll(() => journal().jobs.length, POLL).toBe(0);
  });
});
