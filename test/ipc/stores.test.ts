// Bookmarks, settings and secrets through the registry with the real stores, and connecting by
// bookmark with the password from the real keychain (or asked for when there is none).
// Keychain tests need a Secret Service: run them inside
//   dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run … test/ipc'
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookmarkList, BookmarkSaveResult, QuestionDto, SessionInfo, SettingsDto } from '../../electron/ipc/contract';
import { KeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import type { TransferQueue } from '../../electron/core/transfers/transfer-queue';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { answering, createAppFixture, type AppFixture } from './app-fixture';

let f: AppFixture;
let server: FakeServer;
const hasDbus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);

beforeAll(async () => {
  f = await createAppFixture();
  server = await startFakeServer({ users: { tester: { password: 'pa55-word' }, quick: { password: 'qc-pa55-word' } } });
});
afterAll(async () => {
  await server?.stop();
  await f.close();
});

async function ok<T>(channel: string, arg?: unknown): Promise<T> {
  const r = await f.call(channel, arg);
  if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

describe('settings', () => {
  it('has defaults, saves a patch atomically to settings.json, and refuses bad values', async () => {
    const s = await ok<SettingsDto>('settings:get');
    expect(s).toMatchObject({ theme: 'system', hostKeyPolicy: 'ask', windowBounds: null });
    const after = await ok<SettingsDto>('settings:set', { theme: 'dark', windowBounds: { x: 1, y: 2, width: 800, height: 600 } });
    expect(after).toMatchObject({ theme: 'dark', windowBounds: { x: 1, y: 2, width: 800, height: 600, maximized: false } });
    const onDisk = JSON.parse(readFileSync(path.join(f.tmp, 'config', 'Skiff', 'settings.json'), 'utf8')) as { theme: string };
    expect(onDisk.theme).toBe('dark');
    expect(await f.call('settings:set', { hostKeyPolicy: 'no' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await f.call('settings:set', { extraKnownHostsFiles: ['relative/known_hosts'] })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('keeps the dead-link time (default 15 s) within 5–120 s', async () => {
    expect((await ok<SettingsDto>('settings:get')).deadLinkSeconds).toBe(15);
    expect((await ok<SettingsDto>('settings:set', { deadLinkSeconds: 30 })).deadLinkSeconds).toBe(30);
    expect(await f.call('settings:set', { deadLinkSeconds: 2 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await f.call('settings:set', { deadLinkSeconds: 121 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('speed limits are off by default, bounded, and reach the running transfer queue when saved', async () => {
    const queue = (f.ctx.services.transfers as unknown as { queue: TransferQueue }).queue;
    expect(await ok<SettingsDto>('settings:get')).toMatchObject({ uploadLimitKiBps: null, downloadLimitKiBps: null });
    expect(queue.speedLimits).toEqual({ uploadBytesPerSec: null, downloadBytesPerSec: null });
    expect(await ok<SettingsDto>('settings:set', { uploadLimitKiBps: 256 })).toMatchObject({ uploadLimitKiBps: 256, downloadLimitKiBps: null });
    expect(queue.speedLimits).toEqual({ uploadBytesPerSec: 256 * 1024, downloadBytesPerSec: null });
    await ok<SettingsDto>('settings:set', { uploadLimitKiBps: null, downloadLimitKiBps: 2048 });
    expect(queue.speedLimits).toEqual({ uploadBytesPerSec: null, downloadBytesPerSec: 2048 * 1024 });
    for (const bad of [0, 2.5, 10 * 1024 * 1024 + 1, 'fast']) {
      expect(await f.call('settings:set', { downloadLimitKiBps: bad })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    expect(queue.speedLimits.downloadBytesPerSec).toBe(2048 * 1024);
    await ok<SettingsDto>('settings:set', { downloadLimitKiBps: null });
  });
});

describe('bookmarks', () => {
  it('create, list, update, duplicate, delete — no secret in the JSON', async () => {
    const created = await ok<BookmarkSaveResult>('bookmarks:create', {
      bookmark: { name: 'Lab', host: 'lab.example', username: 'ann', authMethod: 'agent', group: 'Work', remoteDir: '/srv' },
    });
    expect(created.bookmark).toMatchObject({
      name: 'Lab',
      host: 'lab.example',
      port: 22,
      username: 'ann',
      authMethod: 'agent',
      group: 'Work',
      remoteDir: '/srv',
    });
    const list = await ok<BookmarkList>('bookmarks:list');
    expect(list.bookmarks.map((b) => b.id)).toContain(created.bookmark.id);
    expect(list.groups).toContain('Work');
    expect(list.problems).toEqual([]);
    const updated = await ok<BookmarkSaveResult>('bookmarks:update', { id: created.bookmark.id, patch: { port: 2222 } });
    expect(updated.bookmark.port).toBe(2222);
    const copy = await ok<{ id: string; name: string }>('bookmarks:duplicate', { id: created.bookmark.id });
    expect(copy.id).not.toBe(created.bookmark.id);
    await ok('bookmarks:delete', { id: copy.id });
    expect((await ok<BookmarkList>('bookmarks:list')).bookmarks.map((b) => b.id)).not.toContain(copy.id);
  });

  it('names the bad field of an invalid bookmark', async () => {
    const r = await f.call('bookmarks:create', { bookmark: { name: 'x', host: 'bad host name', username: 'u' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(r.error!.message.toLowerCase()).toContain('host');
    expect(await f.call('bookmarks:create', { bookmark: { name: 'x', host: 'h', username: 'u', remoteDir: 'srv/../etc' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
  });
});

describe('connect by bookmark', () => {
  it('without a keychain: asks for the password (saying why), connects, stores nothing in plain text', async (ctx) => {
    if (hasDbus) ctx.skip('a D-Bus session is present, so the keychain may work: the no-keychain path is tested without D-Bus');
    const b = await ok<BookmarkSaveResult>('bookmarks:create', {
      bookmark: { name: 'Fake', host: server.host, port: server.port, username: 'tester', authMethod: 'password', rememberPassword: true },
      password: 'pa55-word',
    });
    expect(b.keychainWarning).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    const asked: QuestionDto[] = [];
    f.onEvent = (e, p) => {
      if (e !== 'question:ask') return;
      const q = p as QuestionDto;
      asked.push(q);
      void f.call('question:answer', {
        id: q.id,
        answer: q.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : { kind: 'password', secret: 'pa55-word', remember: true },
      });
    };
    const s = await ok<SessionInfo>('session:connect', { bookmarkId: b.bookmark.id });
    f.onEvent = undefined;
    expect(s.bookmarkId).toBe(b.bookmark.id);
    expect(asked.find((q) => q.kind === 'password')).toMatchObject({ reason: 'keychain-unavailable', canRemember: false, bookmarkName: 'Fake' });
    expect(await f.call('secrets:has', { bookmarkId: b.bookmark.id, kind: 'password' })).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
    // No password anywhere in the config dir.
    const files = ['bookmarks.json', 'settings.json'].map((n) => readFileSync(path.join(f.tmp, 'config', 'Skiff', n), 'utf8'));
    for (const text of files) expect(text).not.toContain('pa55-word');
    await ok('session:disconnect', { sessionId: s.sessionId });
  });

  it('with the real keychain: secrets:set/has/delete (no getter), and a remembered password is used without asking', async (ctx) => {
    if (!hasDbus) ctx.skip('no D-Bus session (run under dbus-run-session with gnome-keyring to test the real keychain)');
    const b = await ok<BookmarkSaveResult>('bookmarks:create', {
      bookmark: { name: 'Kc', host: server.host, port: server.port, username: 'tester', authMethod: 'password', rememberPassword: true },
    });
    await ok('secrets:set', { bookmarkId: b.bookmark.id, kind: 'password', secret: 'pa55-word' });
    expect(await ok<boolean>('secrets:has', { bookmarkId: b.bookmark.id, kind: 'password' })).toBe(true);
    const asked: QuestionDto[] = [];
    f.onEvent = (e, p) => {
      if (e !== 'question:ask') return;
      const q = p as QuestionDto;
      asked.push(q);
      void f.call('question:answer', {
        id: q.id,
        answer: q.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : { kind: 'password', secret: null },
      });
    };
    const s = await ok<SessionInfo>('session:connect', { bookmarkId: b.bookmark.id });
    f.onEvent = undefined;
    expect(asked.filter((q) => q.kind === 'password')).toEqual([]);
    expect(server.authAttempts.filter((a) => a.method === 'password' && a.accepted).length).toBeGreaterThan(0);
    await ok('session:disconnect', { sessionId: s.sessionId });
    // No secret ever crosses back: the results carry booleans and nothing else.
    expect(JSON.stringify(f.events)).not.toContain('pa55-word');
    await ok('secrets:delete', { bookmarkId: b.bookmark.id, kind: 'password' });
    expect(await ok<boolean>('secrets:has', { bookmarkId: b.bookmark.id, kind: 'password' })).toBe(false);
    await ok('bookmarks:delete', { id: b.bookmark.id });
  });
});

describe('Quick Connect with “Remember password”', () => {
  /** Answers host-key questions with trust-once (any password question is cancelled) and records them all. */
  const recordQuestions = (): QuestionDto[] => answering(f, (q) => (q.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : null)).asked;
  const quick = (extra: Record<string, unknown> = {}) => ({ host: server.host, port: server.port, username: 'quick', authMethod: 'password', ...extra });

  it('with the real keychain: the password that worked is kept with a saved server the sidebar lists, and the next Quick Connect does not ask', async (ctx) => {
    if (!hasDbus) ctx.skip('no D-Bus session (run under dbus-run-session with gnome-keyring to test the real keychain)');
    let asked = recordQuestions();
    const s = await ok<SessionInfo>('session:connect', quick({ password: 'qc-pa55-word', rememberPassword: true }));
    f.onEvent = undefined;
    expect(asked.filter((q) => q.kind === 'password')).toEqual([]);
    expect(s.keychainWarning).toBeUndefined();
    expect(s.remembered).toMatchObject({ name: `quick@${server.host}`, created: true });
    expect(s.bookmarkId).toBe(s.remembered!.bookmarkId);
    const saved = (await ok<BookmarkList>('bookmarks:list')).bookmarks.find((b) => b.id === s.bookmarkId);
    expect(saved).toMatchObject({
      name: `quick@${server.host}`,
      host: server.host,
      port: server.port,
      username: 'quick',
      authMethod: 'password',
      rememberPassword: true,
    });
    expect(saved!.lastConnectedAt).not.toBeNull();
    expect(await ok<boolean>('secrets:has', { bookmarkId: s.bookmarkId, kind: 'password' })).toBe(true);
    expect(readFileSync(path.join(f.tmp, 'config', 'Skiff', 'bookmarks.json'), 'utf8')).not.toContain('qc-pa55-word');
    await ok('session:disconnect', { sessionId: s.sessionId });

    // Same user@host:port, no password typed: the keychain answers, nothing is asked.
    const before = server.authAttempts.length;
    asked = recordQuestions();
    const again = await ok<SessionInfo>('session:connect', quick());
    f.onEvent = undefined;
    expect(asked.filter((q) => q.kind === 'password')).toEqual([]);
    expect(
      server.authAttempts
        .slice(before)
        .filter((a) => a.method === 'password')
        .map((a) => [a.password, a.accepted]),
    ).toEqual([['qc-pa55-word', true]]);
    expect(again).toMatchObject({ bookmarkId: s.bookmarkId });
    expect(again.remembered).toBeUndefined();
    await ok('session:disconnect', { sessionId: again.sessionId });
    expect(JSON.stringify(f.events)).not.toContain('qc-pa55-word');
    // Deleting the saved server takes the password out of the keychain.
    await ok('bookmarks:delete', { id: s.bookmarkId });
  });

  it('without a keychain: connects, says the password was not remembered, and saves no server without it', async () => {
    // A keychain whose native module cannot load: the real failure mode, whether or not this session has a Secret Service.
    const g = await createAppFixture({ secretStore: new KeytarSecretStore({ load: () => import('skiff-missing-native-keytar' as string) }) });
    try {
      const q = answering(g, (x) => (x.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : null));
      const r = await g.call('session:connect', quick({ password: 'qc-pa55-word', rememberPassword: true }));
      q.stop();
      expect(r.ok).toBe(true);
      const s = r.value as SessionInfo;
      expect(s.keychainWarning).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
      expect(s.remembered).toBeUndefined();
      const list = await g.call('bookmarks:list');
      expect((list.value as BookmarkList).bookmarks).toEqual([]);
      await g.call('session:disconnect', { sessionId: s.sessionId });
    } finally {
      await g.close();
    }
  });
});
