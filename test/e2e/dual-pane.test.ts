// End to end in headless Chromium: the real renderer over the `npm run web` bridge, the
// real handler registry and core, against the real OpenSSH sshd. One user story, in order:
// quick connect → trust dialog → browse → drag-and-drop both ways (sha256-identical) →
// rename, mkdir, chmod, delete → conflict with "apply to all" → find and download →
// a 100,000-entry folder → screenshots → disconnect.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildRenderer, launchChromium, repoRoot, startWebServer, type WebServer } from './support/web-app';

const sshd = inject('sshd');
const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const POLL = { timeout: 60_000, interval: 100 };

let server: WebServer;
let browser: Browser;
let page: Page;
let staticDir: string;
let localDir: string;
let remoteDir: string;
const timings: Record<string, number> = {};

/**
 * Listing round trips seen on the bridge's WebSocket (sent/received in this process's clock):
 * how long each page took on the server side, and how long the page sat before pulling the next.
 */
interface ListTrip {
  sent: number;
  received?: number;
  entries?: number;
}
const listTrips = new Map<number, ListTrip>();
const LIST_CHANNELS = new Set(['sftp:list-dir', 'local:list-dir', 'list:next']);
function recordListFrames(p: Page): void {
  p.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      const m = JSON.parse(String(f.payload)) as { id?: number; channel?: string };
      if (typeof m.id === 'number' && m.channel && LIST_CHANNELS.has(m.channel)) listTrips.set(m.id, { sent: performance.now() });
    });
    ws.on('framereceived', (f) => {
      const m = JSON.parse(String(f.payload)) as { id?: number; result?: { ok: boolean; value?: { entries?: unknown[] } } };
      const t = typeof m.id === 'number' ? listTrips.get(m.id) : undefined;
      if (t) {
        t.received = performance.now();
        t.entries = m.result?.value?.entries?.length ?? 0;
      }
    });
  });
}
const cspViolations: string[] = [];

const localGrid = () => page.getByRole('grid', { name: 'Local files' });
const remoteGrid = () => page.getByRole('grid', { name: 'Remote files' });
const row = (grid: ReturnType<typeof localGrid>, name: string) => grid.getByRole('row', { name: new RegExp(`^${escapeRe(name)},`) });

/**
 * Where screenshots go: the README's copies in build/screenshots only when asked for
 * (SKIFF_UPDATE_SCREENSHOTS=1), so an ordinary test run leaves the work tree clean.
 */
const screenshotDir = process.env.SKIFF_UPDATE_SCREENSHOTS === '1' ? path.join(repoRoot, 'build', 'screenshots') : path.join(os.tmpdir(), 'skiff-screenshots');

/** Extra README screenshots of dialogs (light theme). */
async function shot(name: string): Promise<void> {
  const out = screenshotDir;
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: path.join(out, `${name}.png`) });
}

async function goTo(which: 'Local path' | 'Remote path', dir: string): Promise<void> {
  const box = page.getByRole('textbox', { name: which });
  await box.fill(dir);
  await box.press('Enter');
  await expect.poll(() => box.inputValue(), POLL).toBe(dir);
}

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-renderer-'));
  await buildRenderer(staticDir);
  server = await startWebServer(staticDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  recordListFrames(page);
  // Main-thread stalls over 50 ms, as the browser itself reports them (printed, never asserted).
  // (Page code as text: this file is type-checked as Node code, without the DOM types.)
  await page.addInitScript({
    content: `window.skiffLongTasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.skiffLongTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });`,
  });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });

  // Local side: HOME/work with a random file; remote side: a folder in the sshd scratch dir.
  localDir = path.join(server.home, 'work');
  mkdirSync(localDir, { recursive: true });
  writeFileSync(path.join(localDir, 'upload.bin'), randomBytes(3 * 1024 * 1024 + 123));
  remoteDir = mkdtempSync(path.join(sshd.scratch, 'e2e-'));
  mkdirSync(path.join(remoteDir, 'folder-down', 'nested'), { recursive: true });
  writeFileSync(path.join(remoteDir, 'folder-down', 'one.bin'), randomBytes(700_000));
  writeFileSync(path.join(remoteDir, 'folder-down', 'nested', 'two.txt'), 'two\n'.repeat(1000));
}, 180_000);

afterAll(async () => {
  if (page) console.log(`[e2e timings ms] ${JSON.stringify(timings)}`);
  await browser?.close();
  await server?.stop();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  if (remoteDir) rmSync(remoteDir, { recursive: true, force: true });
});

describe.sequential('Skiff in a browser against a real sshd', () => {
  it('quick connect asks to trust the host key, then shows the remote home', async () => {
    await page.goto(server.url);
    await expect.poll(() => localGrid().getAttribute('aria-rowcount'), POLL).not.toBeNull();
    await page.getByLabel('Host', { exact: true }).fill(sshd.host);
    await page.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await page.getByLabel('Username', { exact: true }).fill(sshd.user);
    await page.getByLabel('Key file', { exact: true }).fill(sshd.clientKeys.ed25519);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();

    const dialog = page.getByRole('dialog', { name: /host key/i });
    await dialog.waitFor({ timeout: 60_000 });
    const fp = await dialog.getByRole('textbox', { name: 'SHA256 fingerprint' }).inputValue();
    // The fingerprint shown is exactly what ssh-keygen prints for one of the server's host keys.
    const known = Object.values(sshd.hostKeys).map((k) => execFileSync('ssh-keygen', ['-lf', `${k}.pub`], { encoding: 'utf8' }).split(' ')[1]);
    expect(known).toContain(fp);
    expect(await dialog.textContent()).toContain(`${sshd.host}:${sshd.port}`);
    await shot('host-key-dialog');
    await dialog.getByRole('button', { name: 'Trust and remember' }).click();

    await remoteGrid().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('button', { name: 'Disconnect' }).isVisible()).toBe(true);
    // "Trust and remember" wrote known_hosts in the isolated HOME.
    expect(readFileSync(path.join(server.home, '.ssh', 'known_hosts'), 'utf8')).toContain(`[${sshd.host}]:${sshd.port}`);
  });

  it('browses both sides by path bar and by double-click', async () => {
    await goTo('Local path', localDir);
    await row(localGrid(), 'upload.bin').waitFor();
    await goTo('Remote path', remoteDir);
    await row(remoteGrid(), 'folder-down').dblclick();
    await row(remoteGrid(), 'nested').waitFor();
    await remoteGrid().press('Backspace');
    await row(remoteGrid(), 'folder-down').waitFor();
  });

  it('shows hostile names from the real server as inert, visible text', async () => {
    const dir = path.join(remoteDir, 'hostile');
    mkdirSync(dir);
    const names = ['<img src=x onerror=alert(1)>', '\u001b[31mred\u001b[0m.txt', 'invoice\u202Efdp.exe'];
    for (const n of names) writeFileSync(path.join(dir, n), 'x');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await goTo('Remote path', dir);
    await row(remoteGrid(), '<img src=x onerror=alert(1)>').waitFor();
    await row(remoteGrid(), '␛[31mred␛[0m.txt').waitFor();
    await row(remoteGrid(), 'invoice\uFFFDfdp.exe').waitFor();
    expect(await page.locator('img').count()).toBe(0);
    expect(await remoteGrid().textContent()).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
    expect(dialogs).toBe(0);
    await goTo('Remote path', remoteDir);
    await row(remoteGrid(), 'folder-down').waitFor();
  });

  it('drags a file local → remote and a folder remote → local; copies are identical', async () => {
    await row(localGrid(), 'upload.bin').dragTo(remoteGrid());
    const up = path.join(remoteDir, 'upload.bin');
    await expect.poll(() => existsSync(up) && statSync(up).size === statSync(path.join(localDir, 'upload.bin')).size, POLL).toBe(true);
    expect(sha256(up)).toBe(sha256(path.join(localDir, 'upload.bin')));
    await row(remoteGrid(), 'upload.bin').waitFor(); // the remote pane refreshed itself

    await row(remoteGrid(), 'folder-down').dragTo(localGrid());
    const two = path.join(localDir, 'folder-down', 'nested', 'two.txt');
    const one = path.join(localDir, 'folder-down', 'one.bin');
    await expect.poll(() => existsSync(two) && existsSync(one) && statSync(one).size === 700_000, POLL).toBe(true);
    expect(sha256(one)).toBe(sha256(path.join(remoteDir, 'folder-down', 'one.bin')));
    expect(sha256(two)).toBe(sha256(path.join(remoteDir, 'folder-down', 'nested', 'two.txt')));
    const transfers = page.getByRole('region', { name: 'Transfers' });
    await expect.poll(() => transfers.getByRole('progressbar').count(), POLL).toBeGreaterThanOrEqual(2);
  });

  it('renames (F2), makes a folder (F7), changes mode (properties) and deletes (Del) on the server', async () => {
    await row(remoteGrid(), 'upload.bin').click();
    await page.keyboard.press('F2');
    const rename = page.getByRole('dialog', { name: /^Rename/ });
    await rename.getByRole('textbox', { name: 'New name' }).fill('renamed.bin');
    await rename.getByRole('textbox', { name: 'New name' }).press('Enter');
    await expect.poll(() => existsSync(path.join(remoteDir, 'renamed.bin')) && !existsSync(path.join(remoteDir, 'upload.bin')), POLL).toBe(true);
    await row(remoteGrid(), 'renamed.bin').waitFor();

    await page.keyboard.press('F7');
    const mk = page.getByRole('dialog', { name: /^New folder/ });
    await mk.getByRole('textbox', { name: 'Folder name' }).fill('made-here');
    await mk.getByRole('textbox', { name: 'Folder name' }).press('Enter');
    await expect.poll(() => existsSync(path.join(remoteDir, 'made-here')) && statSync(path.join(remoteDir, 'made-here')).isDirectory(), POLL).toBe(true);

    await row(remoteGrid(), 'renamed.bin').click();
    await page.keyboard.press('Alt+Enter');
    const props = page.getByRole('dialog', { name: /^Properties/ });
    await props.getByRole('textbox', { name: 'Octal mode' }).fill('600');
    expect(await props.getByRole('checkbox', { name: 'Group read' }).isChecked()).toBe(false);
    await props.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => statSync(path.join(remoteDir, 'renamed.bin')).mode & 0o777, POLL).toBe(0o600);

    await row(remoteGrid(), 'made-here').click();
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('alertdialog', { name: /^Delete/ });
    expect(await confirm.textContent()).toMatch(/recursively/);
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => existsSync(path.join(remoteDir, 'made-here')), POLL).toBe(false);
  });

  it('asks once about conflicts when "apply to all" is ticked', async () => {
    for (const n of ['conflict-a.txt', 'conflict-b.txt']) {
      writeFileSync(path.join(localDir, n), `new local content of ${n}\n`);
      writeFileSync(path.join(remoteDir, n), 'old remote\n');
    }
    await localGrid().press('Control+r');
    await remoteGrid().press('Control+r');
    await row(remoteGrid(), 'conflict-a.txt').waitFor();
    await row(localGrid(), 'conflict-a.txt').click();
    await row(localGrid(), 'conflict-b.txt').click({ modifiers: ['Control'] });
    await page.keyboard.press('F5');
    const dialog = page.getByRole('dialog', { name: 'File already exists' });
    await dialog.waitFor({ timeout: 60_000 });
    expect(await dialog.textContent()).toMatch(/B \(\d+ bytes\)/);
    await dialog.getByRole('checkbox', { name: 'Apply to all' }).check();
    await shot('conflict-dialog');
    await dialog.getByRole('button', { name: 'Overwrite', exact: true }).click();
    // Both files end up overwritten without a second question (it would block the job).
    for (const n of ['conflict-a.txt', 'conflict-b.txt']) {
      await expect.poll(() => readFileSync(path.join(remoteDir, n), 'utf8'), POLL).toBe(`new local content of ${n}\n`);
    }
    expect(await page.getByRole('dialog', { name: 'File already exists' }).count()).toBe(0);
    // The job reaches "Done" and the remote pane refreshes itself to show the new sizes.
    await expect.poll(() => row(remoteGrid(), 'conflict-a.txt').getAttribute('aria-label'), POLL).toMatch(/, 36 B$/);
  });

  it('finds a file on the server by glob and downloads it', async () => {
    mkdirSync(path.join(remoteDir, 'deep', 'er'), { recursive: true });
    writeFileSync(path.join(remoteDir, 'deep', 'er', 'needle-42.txt'), 'found me\n');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const find = page.getByRole('dialog', { name: 'Find on server' });
    await find.getByLabel('Name or pattern').fill('needle-*.txt');
    await find.getByLabel('Search in').fill(remoteDir);
    await find.getByRole('button', { name: 'Find', exact: true }).click();
    const hit = find.getByRole('checkbox', { name: path.join(remoteDir, 'deep', 'er', 'needle-42.txt') });
    await hit.waitFor({ timeout: 60_000 });
    await hit.check();
    await find.getByRole('button', { name: /^Download selected/ }).click();
    const got = path.join(localDir, 'needle-42.txt');
    await expect.poll(() => existsSync(got) && readFileSync(got, 'utf8'), POLL).toBe('found me\n');
  });

  it('takes the README screenshots (light and dark)', async () => {
    await goTo('Remote path', remoteDir);
    await row(remoteGrid(), 'renamed.bin').click();
    const transfers = page.getByRole('region', { name: 'Transfers' });
    await expect.poll(() => transfers.getByText(/^(Running|Queued)$/).count(), POLL).toBe(0);
    const out = screenshotDir;
    mkdirSync(out, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(out, `main-${scheme}.png`) });
      expect(statSync(path.join(out, `main-${scheme}.png`)).size).toBeGreaterThan(10_000);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a 100,000-entry folder at once with a bounded number of DOM rows', async () => {
    // What is measured is what users run: React's production build (its development build
    // re-walks every changed prop on each render, a 100,000-entry array per repaint).
    const bundles = readdirSync(path.join(staticDir, 'assets')).filter((f) => f.endsWith('.js'));
    expect(bundles.length).toBeGreaterThan(0);
    for (const f of bundles) expect(readFileSync(path.join(staticDir, 'assets', f), 'utf8')).not.toContain('jsxDEV');

    const big = path.join(remoteDir, 'big');
    mkdirSync(big);
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) closeSync(openSync(path.join(big, `f${String(i).padStart(6, '0')}`), 'w'));
    timings.create100k = Math.round(performance.now() - t0);

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async (): Promise<number> => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
    const busy0 = await busy();
    listTrips.clear();
    await page.evaluate('window.skiffLongTasks = []');
    const t1 = performance.now();
    await goTo('Remote path', big);
    await remoteGrid()
      .getByRole('row', { name: /^f\d{6},/ })
      .first()
      .waitFor({ timeout: 60_000 });
    timings.firstRows100k = Math.round(performance.now() - t1);
    const rowsEarly = await remoteGrid().getByRole('row').count();
    expect(rowsEarly).toBeLessThan(300);

    await expect.poll(() => remoteGrid().getAttribute('aria-rowcount'), { timeout: 170_000, interval: 250 }).toBe('100001');
    timings.all100k = Math.round(performance.now() - t1);
    // Where the time went: main-thread busy time in the page, time waiting for the server per
    // page, and how long the page took to ask for the next one after a page arrived.
    timings.pageBusy100k = Math.round(((await busy()) - busy0) * 1000);
    const trips = [...listTrips.values()].filter((t) => t.received !== undefined).sort((a, b) => a.sent - b.sent);
    timings.listTrips100k = trips.length;
    // Every page but the first carries at least one whole READDIR reply (OpenSSH: 100 names),
    // usually five: the round trips stay bounded however the pages are timed.
    expect(trips.length).toBeGreaterThan(1);
    expect(trips.length).toBeLessThanOrEqual(100_000 / 100 + 2);
    timings.serverWait100k = Math.round(trips.reduce((s, t) => s + (t.received! - t.sent), 0));
    const gaps = trips.slice(1).map((t, i) => t.sent - trips[i]!.received!);
    timings.pullGap100k = Math.round(gaps.reduce((s, g) => s + g, 0));
    timings.maxPullGap100k = Math.round(Math.max(0, ...gaps));
    const stalls = (await page.evaluate('window.skiffLongTasks')) as number[];
    timings.longTasks100k = stalls.length;
    timings.longestTask100k = Math.round(Math.max(0, ...stalls));
    await cdp.detach();
    await row(remoteGrid(), 'f000000').waitFor();
    const rows = await remoteGrid().getByRole('row').count();
    expect(rows).toBeGreaterThan(10);
    expect(rows).toBeLessThan(300);
    // Scrolling to the end keeps the bound and reaches the last file.
    await row(remoteGrid(), 'f000000').click();
    await page.keyboard.press('End');
    await row(remoteGrid(), 'f099999').waitFor();
    expect(await remoteGrid().getByRole('row').count()).toBeLessThan(300);
    timings.domRows100k = rows;
  });

  it('disconnects', async () => {
    await goTo('Remote path', remoteDir);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText(/Use Quick Connect or pick a saved server/).waitFor();
    expect(await remoteGrid().count()).toBe(0);
  });

  it('warns in red when the host key changed, shows both fingerprints, and disconnects by default', async () => {
    // Pretend we remembered a different ed25519 key for this server.
    const knownHosts = path.join(server.home, '.ssh', 'known_hosts');
    const strangerPub = readFileSync(`${sshd.clientKeys.stranger}.pub`, 'utf8').trim().split(/\s+/);
    writeFileSync(knownHosts, `[${sshd.host}]:${sshd.port} ${strangerPub[0]} ${strangerPub[1]}\n`);
    const oldFp = execFileSync('ssh-keygen', ['-lf', `${sshd.clientKeys.stranger}.pub`], { encoding: 'utf8' }).split(' ')[1];
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /host key/i });
    await dialog.waitFor({ timeout: 60_000 });
    expect(await dialog.textContent()).toMatch(/has changed/);
    expect(await dialog.getByRole('textbox', { name: 'Old fingerprint' }).inputValue()).toBe(oldFp);
    const newFp = await dialog.getByRole('textbox', { name: 'New fingerprint' }).inputValue();
    expect(newFp).not.toBe(oldFp);
    expect(await dialog.textContent()).toContain(`${knownHosts}:1`);
    expect(await dialog.getByRole('button', { name: 'Trust and remember' }).count()).toBe(0);
    await shot('changed-host-key-dialog');
    // Enter on the default button disconnects.
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: /host key|trusted|rejected/i })
      .first()
      .waitFor({ timeout: 60_000 });
    expect(await remoteGrid().count()).toBe(0);
    expect(readFileSync(knownHosts, 'utf8')).toContain(strangerPub[1]);
    // The whole session ran under the page's strict CSP (no inline script or style) without a violation.
    expect(cspViolations).toEqual([]);
  });
});
