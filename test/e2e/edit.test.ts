// End to end in headless Chromium over the `npm run web` bridge, against the real sshd: the
// Editor command set in Settings to a script that saves the file, Edit (F4 and the context
// menu) → the server has the saved bytes and the "Edited files" region says "Uploaded at …";
// the server's file changed meanwhile → the conflict question, "Keep both"; Open on a program
// → refused with the reason; Stop editing.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { editorCommand } from '../core/edit/helpers';
import { openWebApp, repoRoot, type WebApp, type WebServer } from './support/web-app';

const sshd = inject('sshd');
const POLL = { timeout: 60_000, interval: 100 };
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let server: WebServer;
let app: WebApp;
let page: Page;
let remoteDir: string;

const remoteGrid = () => page.getByRole('grid', { name: 'Remote files' });
const row = (name: string) => remoteGrid().getByRole('row', { name: new RegExp(`^${escapeRe(name)},`) });
const edits = () => page.getByRole('region', { name: 'Edited files' });
const editRow = (name: string) => edits().getByRole('listitem', { name: new RegExp(`^${escapeRe(name)},`) });

async function setEditor(command: string): Promise<void> {
  await remoteGrid().click();
  await page.keyboard.press('Control+Comma');
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const box = dialog.getByRole('textbox', { name: 'Editor command' });
  await box.fill(command);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
}

beforeAll(async () => {
  app = await openWebApp();
  ({ server, page } = app);
  remoteDir = mkdtempSync(path.join(sshd.scratch, 'e2e-edit-'));
  writeFileSync(path.join(remoteDir, 'notes.txt'), 'written on the server\n');
  utimesSync(path.join(remoteDir, 'notes.txt'), 1_500_000_000, 1_500_000_000);
  writeFileSync(path.join(remoteDir, 'page.html'), '<p>v1</p>');
  writeFileSync(path.join(remoteDir, 'deploy.sh'), 'echo deploying\n');
}, 180_000);

afterAll(async () => {
  await app?.close();
  if (remoteDir) rmSync(remoteDir, { recursive: true, force: true });
});

describe.sequential('Edit a remote file in a local editor (browser, real sshd)', () => {
  it('connects and opens the remote folder', async () => {
    await page.goto(server.url);
    await page.getByRole('grid', { name: 'Local files' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Host', { exact: true }).fill(sshd.host);
    await page.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await page.getByLabel('Username', { exact: true }).fill(sshd.user);
    await page.getByLabel('Key file', { exact: true }).fill(sshd.clientKeys.ed25519);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const trust = page.getByRole('dialog', { name: /host key/i });
    await trust.waitFor({ timeout: 60_000 });
    await trust.getByRole('button', { name: 'Trust once' }).click();
    await remoteGrid().waitFor({ timeout: 60_000 });
    const box = page.getByRole('textbox', { name: 'Remote path' });
    await box.fill(remoteDir);
    await box.press('Enter');
    await row('notes.txt').waitFor();
  });

  it('F4 with the Editor command set to a script: the save is on the server, "Uploaded at HH:MM"', async () => {
    await setEditor(editorCommand('rename', 'saved from the editor'));
    await row('notes.txt').click();
    await page.keyboard.press('F4');
    await editRow('notes.txt').waitFor({ timeout: 60_000 });
    await expect.poll(() => readFileSync(path.join(remoteDir, 'notes.txt'), 'utf8'), POLL).toBe('saved from the editor');
    await expect.poll(() => editRow('notes.txt').textContent(), POLL).toMatch(/Uploaded at \d\d:\d\d/);
    expect(await edits().textContent()).toContain(`${sshd.user}@${sshd.host}`);
    expect(await edits().textContent()).toContain(path.join(remoteDir, 'notes.txt'));
    // Only the file: no part or temp file left on the server.
    expect(readdirSync(remoteDir).sort()).toEqual(['deploy.sh', 'notes.txt', 'page.html']);
  });

  it('the server changed meanwhile: the conflict question, "Keep both" uploads “page (edited).html”', async () => {
    await setEditor(editorCommand('record'));
    await row('page.html').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await expect.poll(() => editRow('page.html').textContent(), POLL).toContain('Watching');
    const local = await editRow('page.html').getByText('page.html', { exact: true }).getAttribute('title');
    expect(local && local.startsWith(os.tmpdir())).toBe(true);
    writeFileSync(path.join(remoteDir, 'page.html'), '<p>their v2</p>');
    utimesSync(path.join(remoteDir, 'page.html'), 1_600_000_000, 1_600_000_000);
    writeFileSync(local!, '<p>my v2</p>');
    const q = page.getByRole('dialog', { name: /changed on the server/ });
    await q.waitFor({ timeout: 60_000 });
    expect(await q.textContent()).toContain('page (edited).html');
    await q.getByRole('button', { name: /^Keep both/ }).click();
    await expect.poll(() => readFileSync(path.join(remoteDir, 'page (edited).html'), 'utf8'), POLL).toBe('<p>my v2</p>');
    expect(readFileSync(path.join(remoteDir, 'page.html'), 'utf8')).toBe('<p>their v2</p>');
    await expect.poll(() => editRow('page (edited).html').textContent(), POLL).toMatch(/Uploaded at/);
    // For the README when asked (SKIFF_UPDATE_SCREENSHOTS=1), else a temp folder.
    const out = process.env.SKIFF_UPDATE_SCREENSHOTS === '1' ? path.join(repoRoot, 'build', 'screenshots') : path.join(os.tmpdir(), 'skiff-screenshots');
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: path.join(out, 'edited-files.png') });
  });

  it('Open (Enter) on a program with no Editor command is refused and says why', async () => {
    await setEditor('');
    await row('deploy.sh').click();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText(/never runs a file from a server/).count(), POLL).toBeGreaterThan(0);
    expect(await editRow('deploy.sh').count()).toBe(0);
  });

  it('Stop editing removes the entry (everything was uploaded, so the copy goes)', async () => {
    await editRow('notes.txt').getByRole('button', { name: 'Stop editing notes.txt' }).click();
    await editRow('notes.txt').waitFor({ state: 'detached' });
    await editRow('page (edited).html').getByRole('button', { name: 'Stop editing page (edited).html' }).click();
    await edits().waitFor({ state: 'detached' });
  });
});
