// End to end in headless Chromium through the `npm run web` bridge: the remote pane's menu opens
// "Server information" for the real sshd (versions, extensions, quirks, limits; copy to the
// clipboard), and an upload to a server that refuses to set times lands with a per-file warning
// in the transfer queue.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { buildRenderer, launchChromium, startWebServer, type WebServer } from './support/web-app';

const sshd = inject('sshd');
const POLL = { timeout: 60_000, interval: 100 };
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let server: WebServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let staticDir: string;
let fake: FakeServer;

const remoteGrid = () => page.getByRole('grid', { name: 'Remote files' });
const localGrid = () => page.getByRole('grid', { name: 'Local files' });
const row = (grid: ReturnType<typeof localGrid>, name: string) => grid.getByRole('row', { name: new RegExp(`^${escapeRe(name)},`) });

async function quickConnect(o: { host: string; port: number; username: string; password?: string; keyPath?: string }): Promise<void> {
  await page.getByLabel('Host', { exact: true }).fill(o.host);
  await page.getByLabel('Port', { exact: true }).fill(String(o.port));
  await page.getByLabel('Username', { exact: true }).fill(o.username);
  await page.getByLabel('Password', { exact: true }).fill(o.password ?? '');
  await page.getByLabel('Key file', { exact: true }).fill(o.keyPath ?? '');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  const trust = page.getByRole('dialog', { name: /host key/i });
  await trust.waitFor({ timeout: 60_000 });
  await trust.getByRole('button', { name: 'Trust and remember' }).click();
  await page.getByRole('button', { name: 'Disconnect' }).waitFor({ timeout: 60_000 });
}

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-renderer-'));
  await buildRenderer(staticDir);
  server = await startWebServer(staticDir);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  fake = await startFakeServer({ refuse: { times: true }, files: { '/home/tester/drop': { dir: true } } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.stop();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
});

describe.sequential('server information and per-file warnings, in a browser', () => {
  it('the remote pane’s menu shows the real server’s versions, extensions, quirks and limits, and copies them', async () => {
    await page.goto(server.url);
    await quickConnect({ host: sshd.host, port: sshd.port, username: sshd.user, keyPath: sshd.clientKeys.ed25519 });
    await remoteGrid().waitFor({ timeout: 60_000 });
    await remoteGrid().click({ button: 'right', position: { x: 40, y: 120 } });
    const menu = page.getByRole('menu', { name: 'Remote file actions' });
    await menu.getByRole('menuitem', { name: 'Server information…' }).click();
    const dialog = page.getByRole('dialog', { name: `Server information — ${sshd.host}` });
    await dialog.waitFor({ timeout: 30_000 });
    const connection = dialog.getByRole('region', { name: 'Connection' });
    await expect.poll(() => connection.textContent(), POLL).toContain('OpenSSH sftp-server');
    const text = (await dialog.textContent()) ?? '';
    expect(text).toMatch(/SSH versionSSH-2\.0-OpenSSH_\d/);
    expect(text).toContain('SFTP version3');
    expect(text).toMatch(/Cipher(chacha20-poly1305@openssh\.com|aes\d+-(gcm|ctr))/);
    // Request sizes from limits@openssh.com, and the engine's answers for OpenSSH.
    expect(await dialog.getByRole('region', { name: 'Limits in use' }).textContent()).toContain('261,120 bytes (255 KiB), from limits@openssh.com');
    expect(await dialog.getByRole('region', { name: 'How Skiff works with this server' }).textContent()).toContain(
      'SYMLINK argument ordertarget first (OpenSSH’s)',
    );
    expect(await dialog.getByRole('region', { name: 'Quirks' }).textContent()).toContain('target first (OpenSSH’s order, the reverse of the SFTP draft)');
    const extensions = dialog.getByRole('region', { name: 'SFTP extensions' });
    for (const ext of ['posix-rename@openssh.com', 'statvfs@openssh.com', 'fsync@openssh.com', 'hardlink@openssh.com', 'limits@openssh.com', 'copy-data']) {
      expect(await extensions.textContent()).toContain(ext);
    }
    await dialog.getByRole('button', { name: 'Copy to clipboard' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await page.evaluate('navigator.clipboard.readText()');
    expect(copied).toMatch(/^Connection:\n {2}Server: .+@127\.0\.0\.1:\d+\n {2}Server software: OpenSSH sftp-server\n {2}SSH version: SSH-2\.0-OpenSSH_/);
    expect(copied).toContain('  posix-rename@openssh.com = 1');
    expect(copied).toMatch(/Quirks:\n {2}- Takes SYMLINK’s two paths target first/);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), POLL).toBe(0);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText('Not connected').first().waitFor();
  });

  it('an upload to a server that refuses to set times lands, with “modification time not kept” in the queue', async () => {
    const localDir = path.join(server.home, 'warn');
    mkdirSync(localDir, { recursive: true });
    writeFileSync(path.join(localDir, 'stamped.txt'), 'content whose time the server will not keep\n');
    utimesSync(path.join(localDir, 'stamped.txt'), 1_500_000_000, 1_500_000_000);
    await quickConnect({ host: fake.host, port: fake.port, username: 'tester', password: 'secret' });
    // The scripted server is one Skiff does not know: its information says so.
    await remoteGrid().click({ button: 'right', position: { x: 40, y: 120 } });
    await page.getByRole('menu', { name: 'Remote file actions' }).getByRole('menuitem', { name: 'Server information…' }).click();
    const info = page.getByRole('dialog', { name: `Server information — ${fake.host}` });
    await expect.poll(() => info.textContent(), POLL).toContain('Unknown SFTP server');
    expect(await info.getByRole('region', { name: 'SFTP extensions' }).textContent()).toContain('None listed.');
    await info.getByRole('button', { name: 'Close' }).click();

    const localPath = page.getByRole('textbox', { name: 'Local path' });
    await localPath.fill(localDir);
    await localPath.press('Enter');
    await row(localGrid(), 'stamped.txt').waitFor();
    const remotePath = page.getByRole('textbox', { name: 'Remote path' });
    await remotePath.fill('/home/tester/drop');
    await remotePath.press('Enter');
    await expect.poll(() => remotePath.inputValue(), POLL).toBe('/home/tester/drop');
    await row(localGrid(), 'stamped.txt').dragTo(remoteGrid());

    const queue = page.getByRole('region', { name: 'Transfers' });
    const toggle = queue.getByRole('button', { name: '1 warning for stamped.txt' });
    await toggle.waitFor({ timeout: 60_000 });
    await expect.poll(() => queue.textContent(), POLL).toContain('Done');
    await toggle.click();
    const list = queue.getByRole('list', { name: 'Warnings for stamped.txt' });
    expect(await list.textContent()).toMatch(/^stamped\.txt: modification time not kept — Modification time not kept: the server did not allow setting it/);
    // The file itself is there, whole.
    const n = fake.files.get('/home/tester/drop/stamped.txt');
    expect(n?.type === 'file' ? n.data.toString() : null).toBe('content whose time the server will not keep\n');
    await row(remoteGrid(), 'stamped.txt').waitFor();
  });
});
