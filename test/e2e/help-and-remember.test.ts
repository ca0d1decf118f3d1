// End to end in headless Chromium over the `npm run web` bridge: About Skiff and Keyboard
// shortcuts as a user reaches them, keys from the command catalog doing what the menus say, and
// Quick Connect's "Remember password" keeping the password (real Secret Service) with a saved
// server the sidebar shows, so the next Quick Connect to the same user@host:port does not ask.
// The password login is against the scriptable ssh2 server (OpenSSH here only does keys).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { passwordAccount } from '../../electron/core/secrets/secret-store';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { buildRenderer, launchChromium, repoRoot, startWebServer, type WebServer } from './support/web-app';

const POLL = { timeout: 60_000, interval: 100 };
const PASSWORD = 'e2e-remembered-Pa55';

let server: WebServer;
let sftp: FakeServer;
let browser: Browser;
let page: Page;
let staticDir: string;
/** Why the real keychain cannot be used here, or null when it can. */
let noKeychain: string | null = null;

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const ssh2Version = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', 'ssh2', 'package.json'), 'utf8')) as { version: string }).version;
const localGrid = () => page.getByRole('grid', { name: 'Local files' });
const savedServers = () => page.getByRole('navigation', { name: 'Saved servers' });
const bookmarks = (): Array<Record<string, unknown>> => {
  try {
    return (JSON.parse(readFileSync(path.join(server.configHome, 'Skiff', 'bookmarks.json'), 'utf8')) as { bookmarks: Array<Record<string, unknown>> })
      .bookmarks;
  } catch {
    return [];
  }
};

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-help-'));
  await buildRenderer(staticDir);
  server = await startWebServer(staticDir);
  sftp = await startFakeServer({ users: { quick: { password: PASSWORD } }, home: '/home/quick', files: { '/home/quick/on-the-server.txt': 'hello\n' } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  mkdirSync(path.join(server.home, 'work'), { recursive: true });
  writeFileSync(path.join(server.home, 'work', 'visible.txt'), 'v\n');
  writeFileSync(path.join(server.home, 'work', '.hidden-config'), 'h\n');
  // The web bridge runs with this process's environment: probe the same Secret Service.
  const probe = new KeytarSecretStore();
  const account = passwordAccount({ username: 'probe', host: `probe-${process.pid}.skiff-test.invalid`, port: 22 });
  try {
    await probe.set(account, 'probe');
    await probe.delete(account);
  } catch (err) {
    noKeychain = `no usable Secret Service in this session: ${(err as Error).message}`;
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sftp?.stop();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
});

async function quickConnect(o: { password?: string; remember?: boolean }): Promise<void> {
  const qc = page.getByRole('form', { name: 'Quick Connect' });
  await qc.getByLabel('Host', { exact: true }).fill(sftp.host);
  await qc.getByLabel('Port', { exact: true }).fill(String(sftp.port));
  await qc.getByLabel('Username', { exact: true }).fill('quick');
  await qc.getByLabel('Password', { exact: true }).fill(o.password ?? '');
  if (o.remember) await qc.getByRole('checkbox', { name: 'Remember password' }).check();
  await qc.getByRole('button', { name: 'Connect', exact: true }).click();
}

/** Answers a first-contact host-key question with "Trust and remember" if one comes. */
async function trustIfAsked(): Promise<void> {
  const trust = page.getByRole('dialog', { name: /host key/i });
  const remote = page.getByRole('grid', { name: 'Remote files' });
  await Promise.race([trust.waitFor({ timeout: 60_000 }), remote.waitFor({ timeout: 60_000 })]);
  if (await trust.count()) await trust.getByRole('button', { name: 'Trust and remember' }).click();
  await remote.waitFor({ timeout: 60_000 });
}

describe.sequential('Help, keys and remembered passwords in a browser', () => {
  it('About (sidebar): the versions it runs on and the licences of every package it ships', async () => {
    await page.goto(server.url);
    await localGrid().waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'About', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'About Skiff' });
    const versions = dialog.getByLabel('Versions');
    await versions.waitFor({ timeout: 60_000 });
    const text = (await versions.textContent()) ?? '';
    expect(text).toContain(`Skiff${version}`);
    expect(text).toContain(`ssh2${ssh2Version}`);
    expect(text).toMatch(/Node\.js\d+\.\d+\.\d+/);
    expect(text).toContain('Electronnone (browser preview)');
    expect(text).toMatch(/Chromium \(this browser\)\d+\./);
    const list = dialog.getByRole('list', { name: 'Licences' });
    await list.getByText(`ssh2 ${ssh2Version}`).waitFor();
    const react = list.getByRole('listitem').filter({ hasText: /^react \d/ });
    await react.locator('summary').click();
    expect(await react.textContent()).toMatch(/MIT · renderer.*Permission is hereby granted/s);
    expect(await dialog.textContent()).toMatch(/Skiff ships \d+ packages: MIT \(\d+\)/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('F1 and Ctrl+/ open Keyboard shortcuts with the keys the menus show; Ctrl+H shows hidden files as it says', async () => {
    const box = page.getByRole('textbox', { name: 'Local path' });
    await box.fill(path.join(server.home, 'work'));
    await box.press('Enter');
    await localGrid()
      .getByRole('row', { name: /^visible\.txt,/ })
      .waitFor();
    await localGrid()
      .getByRole('row', { name: /^visible\.txt,/ })
      .click();
    await page.keyboard.press('F1');
    let dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.locator('tr[data-command="find"]').textContent()).toBe('Find on server…Ctrl+F');
    expect(await dialog.locator('tr[data-command="toggle-hidden"]').textContent()).toBe('Show hidden filesCtrl+H');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+/');
    dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    expect(
      await localGrid()
        .getByRole('row', { name: /^\.hidden-config,/ })
        .count(),
    ).toBe(0);
    await localGrid().press('Control+h');
    await localGrid()
      .getByRole('row', { name: /^\.hidden-config,/ })
      .waitFor();
    expect(await page.getByRole('region', { name: 'Local pane' }).getByRole('checkbox', { name: 'Hidden' }).isChecked()).toBe(true);
    await localGrid().press('Control+h');
    await localGrid()
      .getByRole('row', { name: /^\.hidden-config,/ })
      .waitFor({ state: 'detached' });
  });

  it('Quick Connect with "Remember password": kept in the keychain with a saved server; the next Quick Connect does not ask', async (ctx) => {
    if (noKeychain !== null) ctx.skip(noKeychain);
    await quickConnect({ password: PASSWORD, remember: true });
    await trustIfAsked();
    const name = `quick@${sftp.host}`;
    await page
      .getByRole('status')
      .filter({ hasText: `Saved as “${name}”, with the password in the system keychain.` })
      .waitFor({ timeout: 60_000 });
    const saved = savedServers().getByRole('button', { name: new RegExp(`^${name.replace(/[.]/g, '\\.')} `) });
    await saved.waitFor();
    await expect.poll(() => bookmarks().map((b) => [b.name, b.username, b.port, b.rememberPassword]), POLL).toEqual([[name, 'quick', sftp.port, true]]);
    expect(readFileSync(path.join(server.configHome, 'Skiff', 'bookmarks.json'), 'utf8')).not.toContain(PASSWORD);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText(/Use Quick Connect or pick a saved server/).waitFor();

    // A fresh page: nothing typed but user@host:port.
    await page.reload();
    await localGrid().waitFor({ timeout: 60_000 });
    const before = sftp.authAttempts.length;
    let asked = 0;
    const counting = setInterval(
      () =>
        void page
          .getByRole('dialog', { name: /^Password for/ })
          .count()
          .then((n) => (asked += n)),
      50,
    );
    await quickConnect({});
    await trustIfAsked();
    clearInterval(counting);
    expect(asked).toBe(0);
    expect(
      sftp.authAttempts
        .slice(before)
        .filter((a) => a.method === 'password')
        .map((a) => [a.password === PASSWORD, a.accepted]),
    ).toEqual([[true, true]]);
    await page
      .getByRole('grid', { name: 'Remote files' })
      .getByRole('row', { name: /^on-the-server\.txt,/ })
      .waitFor();
    expect(await page.content()).not.toContain(PASSWORD);
  });

  it('Ctrl+F opens Find on the server, as the menus and the context menu say', async () => {
    if ((await page.getByRole('grid', { name: 'Remote files' }).count()) === 0) {
      await quickConnect({ password: PASSWORD });
      await trustIfAsked();
    }
    const remote = page.getByRole('grid', { name: 'Remote files' });
    await remote.getByRole('row', { name: /^on-the-server\.txt,/ }).click();
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Remote file actions' });
    expect(await menu.getByRole('menuitem', { name: /^Find on server…/ }).textContent()).toBe('Find on server…Ctrl+F');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await remote.press('Control+f');
    const find = page.getByRole('dialog', { name: 'Find on server' });
    await find.waitFor();
    await page.keyboard.press('Escape');
    await find.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Disconnect' }).click();
  });

  it('deleting the saved server takes its password out of the keychain', async (ctx) => {
    if (noKeychain !== null) ctx.skip(noKeychain);
    const secrets = new KeytarSecretStore();
    const account = passwordAccount({ username: 'quick', host: sftp.host, port: sftp.port });
    expect(await secrets.has(account)).toBe(true);
    await savedServers()
      .getByRole('button', { name: /^quick@/ })
      .focus();
    await page.keyboard.press('Delete');
    await page
      .getByRole('alertdialog', { name: /^Delete saved server/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect.poll(() => bookmarks().length, POLL).toBe(0);
    await expect.poll(() => secrets.has(account), POLL).toBe(false);
  });
});
