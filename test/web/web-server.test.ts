// `npm run web` as a child process, exactly as the browser end-to-end tests start it:
// first stdout line, token and Origin checks, and a real round trip through the bridge to the
// real sshd (host-key question answered over the socket, then a folder listed).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { QuestionDto } from '../../electron/ipc/contract';
import { isSkiffApiError } from '../../electron/ipc/create-api';
import { connectBridge, type BridgeClient } from './bridge-client';

const root = path.resolve(import.meta.dirname, '..', '..');
let child: ChildProcess;
let firstLine = '';
let tmp: string;
let home: string;
let origin = '';
let token = '';

function wsUrl(t = token): string {
  return `${origin.replace('http', 'ws')}/ws?token=${encodeURIComponent(t)}`;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-web-'));
  home = path.join(tmp, 'home');
  mkdirSync(home);
  child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'electron', 'web', 'server.ts'), '--port', '0'], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(tmp, 'xdg'), SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`web server exited (${code}) before printing its URL: ${err}`)));
  });
  const m = /^Skiff web preview: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)$/.exec(firstLine);
  if (m) {
    origin = m[1]!;
    token = m[2]!;
  }
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('npm run web (electron/web/server.ts)', () => {
  it('prints the preview URL with a port and a token as its first stdout line', () => {
    expect(firstLine).toMatch(/^Skiff web preview: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
    expect(Number(new URL(origin).port)).toBeGreaterThan(0);
  });

  it('refuses a WebSocket with a wrong or missing token', async () => {
    await expect(connectBridge(wsUrl('not-the-token'), origin)).rejects.toThrow('HTTP 401');
    await expect(connectBridge(`${origin.replace('http', 'ws')}/ws`, origin)).rejects.toThrow('HTTP 401');
  });

  it('refuses a WebSocket from a foreign or missing Origin even with the right token', async () => {
    await expect(connectBridge(wsUrl(), 'http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(connectBridge(wsUrl(), 'http://localhost:1')).rejects.toThrow('HTTP 403');
    await expect(connectBridge(wsUrl(), undefined)).rejects.toThrow('HTTP 403');
  });

  it('serves the page with a strict CSP (or says how to build it)', async () => {
    const res = await new Promise<http.IncomingMessage & { body: string }>((resolve, reject) => {
      http
        .get(`${origin}/`, (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += d.toString()));
          r.on('end', () => resolve(Object.assign(r, { body })));
        })
        .on('error', reject);
    });
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(res.headers['content-security-policy']).toContain(`connect-src 'self' ${origin.replace('http', 'ws')}`);
    if (existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<div id="root">');
    } else {
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('node build/build.mjs --renderer-only');
    }
  });

  it('does not serve files outside the renderer folder', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(`${origin}/..%2f..%2fpackage.json`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect([403, 404]).toContain(status);
  });

  describe('with a client', () => {
    let c: BridgeClient;
    beforeAll(async () => {
      c = await connectBridge(wsUrl(), origin);
    });
    afterAll(() => c?.close());

    it('answers app:info in web mode, and refuses unknown channels and malformed frames as data', async () => {
      const info = await c.api.app.info();
      expect(info).toMatchObject({ name: 'Skiff', mode: 'web', nativeDialogs: false });
      const unknown = (await c.raw(JSON.stringify({ id: 7, channel: 'shell:open-external', args: ['https://x'] }), 7)) as {
        ok: boolean;
        error: { code: string };
      };
      expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      const malformed = (await c.raw('{"id": 8, "chan', null)) as { ok: boolean; error: { code: string } };
      expect(malformed).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      await expect(c.api.dialog.pickFolder()).rejects.toSatisfy((e: unknown) => isSkiffApiError(e, 'UNSUPPORTED'));
    });

    it('connects to the real sshd through the bridge (host key asked over the socket), lists a folder, disconnects', async () => {
      const sshd = inject('sshd');
      const dir = mkdtempSync(path.join(sshd.scratch, 'web-'));
      for (const n of ['alpha.txt', 'beta.csv', 'gamma']) writeFileSync(path.join(dir, n), n);
      mkdirSync(path.join(dir, 'sub'));

      const asked: QuestionDto[] = [];
      const off = c.api.on('question:ask', (q) => {
        asked.push(q);
        if (q.kind === 'host-key') void c.api.question.answer({ id: q.id, answer: { kind: 'host-key', decision: 'trust-remember' } });
      });
      const session = await c.api.session.connect({
        host: sshd.host,
        port: sshd.port,
        username: sshd.user,
        authMethod: 'key',
        keyPath: sshd.clientKeys.ed25519,
      });
      off();
      expect(asked.map((q) => q.kind)).toEqual(['host-key']);
      expect(asked[0]).toMatchObject({ status: 'unknown', host: sshd.host, port: sshd.port });
      expect((asked[0] as { fingerprint: string }).fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      // "Trust and remember" wrote to the isolated HOME, in OpenSSH's [host]:port form.
      expect(readFileSync(path.join(home, '.ssh', 'known_hosts'), 'utf8')).toContain(`[${sshd.host}]:${sshd.port}`);

      const page = await c.api.sftp.listDir({ sessionId: session.sessionId, path: dir });
      const names = [...page.entries.map((e) => e.name)];
      let cur = page;
      while (!cur.done) {
        cur = await c.api.list.next({ listId: cur.listId });
        names.push(...cur.entries.map((e) => e.name));
      }
      expect(names.sort()).toEqual(['alpha.txt', 'beta.csv', 'gamma', 'sub']);
      expect(page.entries.find((e) => e.name === 'sub')?.type ?? cur.entries.find((e) => e.name === 'sub')?.type).toBe('directory');

      const closed = new Promise((r) => c.api.on('session:closed', r));
      await c.api.session.disconnect({ sessionId: session.sessionId });
      expect(await closed).toMatchObject({ sessionId: session.sessionId, byUser: true });
      await expect(c.api.sftp.stat({ sessionId: session.sessionId, path: dir })).rejects.toSatisfy((e: unknown) => isSkiffApiError(e, 'NOT_CONNECTED'));
    });
  });
});
