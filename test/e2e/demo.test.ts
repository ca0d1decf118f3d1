// `npm run demo -- --web` as a newcomer uses it: started through npm, the page opened in
// headless Chromium, the saved server clicked, its host key trusted in the dialog, a sample
// file dragged onto the server; then Ctrl+C (SIGINT to the whole process group, as a terminal
// sends it) stops everything and removes every file the demo made. The same for the scriptable
// ssh2 server (`--server fake`), whose password lives in the keychain when there is one.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuestionDto } from '../../electron/ipc/contract';
import { KeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { connectBridge } from '../web/bridge-client';
import { buildRenderer, launchChromium, repoRoot } from './support/web-app';

const POLL = { timeout: 60_000, interval: 100 };
let staticDir: string;
let browser: Browser | undefined;
const running: ChildProcess[] = [];

interface RunningDemo {
  child: ChildProcess;
  url: string;
  profile: string;
  port: number;
  password: string | null;
  output: () => string;
  /** When npm and everything it started are gone (the output pipes closed): npm's exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm run demo -- --web --no-open --static DIR [more]` in a process group of its own. */
async function startDemo(more: string[] = []): Promise<RunningDemo> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['run', 'demo', '--', '--web', '--no-open', '--static', staticDir, ...more], {
    cwd: repoRoot,
    detached: true,
    env: { ...process.env, SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('close', (code, signal) => r({ code, signal })));
  await expect.poll(() => /Skiff web preview: (http:\/\/\S+)/.test(out) || child.exitCode !== null, POLL).toBe(true);
  const url = /Skiff web preview: (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`the demo did not start:\n${out}`);
  const profile = /^demo: profile {2}(\S+) /m.exec(out)?.[1] ?? '';
  const port = Number(/^demo: server .* on 127\.0\.0\.1:(\d+)/m.exec(out)?.[1]);
  const password = /^demo: password (\S+) /m.exec(out)?.[1] ?? null;
  return { child, url, profile, port, password, output: () => out, exited };
}

/** Ctrl+C: SIGINT to npm, the demo and every child it started. */
async function ctrlC(d: RunningDemo): Promise<void> {
  process.kill(-d.child.pid!, 'SIGINT');
  const { code, signal } = await d.exited;
  // npm dies of the SIGINT it passed on (a shell shows ^C); the demo itself exits 0 once clean.
  expect(code === 0 || signal === 'SIGINT', `npm ended with ${code ?? signal}:\n${d.output()}`).toBe(true);
  expect(d.output()).toContain(`demo: removed ${d.profile}`);
}

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-demo-static-'));
  await buildRenderer(staticDir);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const c of running) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  }
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
});

describe.sequential('npm run demo -- --web (OpenSSH sshd)', () => {
  let demo: RunningDemo;
  it('starts a server on 127.0.0.1 and a profile with one saved server for it', async () => {
    demo = await startDemo();
    expect(demo.output()).toMatch(/^demo: server {3}OpenSSH sshd on 127\.0\.0\.1:\d+/m);
    expect(existsSync(demo.profile)).toBe(true);
    const saved = JSON.parse(readFileSync(path.join(demo.profile, 'config', 'Skiff', 'bookmarks.json'), 'utf8')) as {
      bookmarks: Array<Record<string, unknown>>;
    };
    expect(saved.bookmarks).toHaveLength(1);
    expect(saved.bookmarks[0]).toMatchObject({
      name: 'Skiff demo server',
      host: '127.0.0.1',
      port: demo.port,
      username: os.userInfo().username,
      authMethod: 'key',
      keyPath: path.join(demo.profile, 'home', '.ssh', 'id_skiff_demo'),
      remoteDir: path.join(demo.profile, 'server'),
      localDir: path.join(demo.profile, 'home', 'Drag these to the server'),
    });
    // No host key is trusted in advance: the newcomer sees the dialog.
    expect(existsSync(path.join(demo.profile, 'home', '.ssh', 'known_hosts'))).toBe(false);
  });

  it('in the browser: the saved server, the host-key dialog, the sample files, a file dragged onto the server', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(demo.url);
    const server = page.getByRole('button', { name: /^Skiff demo server / });
    await server.waitFor({ timeout: 60_000 });
    await server.focus();
    await page.keyboard.press('Enter');
    const trust = page.getByRole('dialog', { name: /host key/i });
    await trust.waitFor({ timeout: 60_000 });
    expect(await trust.textContent()).toContain(`127.0.0.1:${demo.port}`);
    await trust.getByRole('button', { name: 'Trust and remember' }).click();
    const remote = page.getByRole('grid', { name: 'Remote files' });
    for (const name of ['README.txt', 'Documents', 'Photos', 'Projects'])
      await remote.getByRole('row', { name: new RegExp(`^${name},`) }).waitFor({ timeout: 60_000 });
    const local = page.getByRole('grid', { name: 'Local files' });
    const hello = local.getByRole('row', { name: /^hello\.txt,/ });
    await hello.waitFor({ timeout: 60_000 });
    await hello.dragTo(remote);
    const uploaded = path.join(demo.profile, 'server', 'hello.txt');
    await expect.poll(() => existsSync(uploaded) && readFileSync(uploaded, 'utf8'), POLL).toBe('Hello, server!\n');
    await remote.getByRole('row', { name: /^hello\.txt,/ }).waitFor({ timeout: 60_000 });
    await page.close();
  });

  it('Ctrl+C stops the server and the preview and removes the profile, the keys and the files', async () => {
    await ctrlC(demo);
    expect(existsSync(demo.profile)).toBe(false);
    expect(await refused(demo.port)).toBe(true);
    expect(await refused(Number(new URL(demo.url).port))).toBe(true);
  });
});

describe.sequential('npm run demo -- --web --server fake (no OpenSSH)', () => {
  let demo: RunningDemo;
  let account = '';
  it('logs in with the password from the keychain, or the one it printed when there is none', async () => {
    demo = await startDemo(['--server', 'fake']);
    expect(demo.output()).toMatch(/^demo: server {3}ssh2's scriptable SFTP server on 127\.0\.0\.1:\d+/m);
    const saved = JSON.parse(readFileSync(path.join(demo.profile, 'config', 'Skiff', 'bookmarks.json'), 'utf8')) as {
      bookmarks: Array<{ id: string; rememberPassword: boolean; authMethod: string }>;
    };
    const b = saved.bookmarks[0]!;
    expect(b.authMethod).toBe('password');
    // Never in a file: neither the bookmark nor anything else in the profile holds it.
    expect(JSON.stringify(saved)).not.toMatch(/"password"\s*:/);
    expect(b.rememberPassword).toBe(demo.password === null);
    account = `sftp://demo@127.0.0.1:${demo.port}`;
    if (demo.password === null) expect(await new KeytarSecretStore().has(account)).toBe(true);

    const u = new URL(demo.url);
    const c = await connectBridge(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`, u.origin);
    try {
      const asked: QuestionDto['kind'][] = [];
      const off = c.api.on('question:ask', (q) => {
        asked.push(q.kind);
        if (q.kind === 'host-key') void c.api.question.answer({ id: q.id, answer: { kind: 'host-key', decision: 'trust-once' } });
      });
      const session = await c.api.session.connect({ bookmarkId: b.id, ...(demo.password ? { password: demo.password } : {}) });
      off();
      expect(asked).toEqual(['host-key']);
      const page = await c.api.sftp.listDir({ sessionId: session.sessionId, path: '/home/demo' });
      expect(page.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['README.txt', 'Documents', 'Photos']));
      await c.api.session.disconnect({ sessionId: session.sessionId });
    } finally {
      c.close();
    }
  });

  it('Ctrl+C removes the profile and the keychain entry', async () => {
    await ctrlC(demo);
    expect(existsSync(demo.profile)).toBe(false);
    expect(await refused(demo.port)).toBe(true);
    if (demo.password === null) expect(await new KeytarSecretStore().has(account)).toBe(false);
  });
});
