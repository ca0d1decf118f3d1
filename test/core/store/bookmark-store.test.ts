import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BookmarkStore } from '../../../electron/core/store/bookmark-store';
import { InvalidFieldsError } from '../../../electron/core/store/invalid-fields-error';
import { isSkiffError } from '../../../electron/core/errors';
import { defaultConfigDir, expandHome } from '../../../electron/core/paths';

const dirs: string[] = [];
async function openStore(now?: () => Date): Promise<BookmarkStore> {
  const d = mkdtempSync(path.join(os.tmpdir(), 'skiff-bm-'));
  dirs.push(d);
  return BookmarkStore.open({ configDir: d, ...(now ? { now } : {}) });
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function invalid(p: Promise<unknown>): Promise<InvalidFieldsError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidFieldsError);
  expect(isSkiffError(err, 'INVALID_ARGUMENT')).toBe(true);
  return err as InvalidFieldsError;
}

describe('BookmarkStore', () => {
  it('creates with defaults, reads back, updates, deletes — persisted across reopen', async () => {
    const store = await openStore();
    const b = await store.create({ name: ' Prod ', host: 'Prod.Example.com', username: 'deploy', remoteDir: '/srv', localDir: '' });
    expect(b).toMatchObject({
      name: 'Prod',
      port: 22,
      authMethod: 'password',
      keyPath: null,
      remoteDir: '/srv',
      localDir: null,
      group: null,
      notes: '',
      rememberPassword: false,
      lastConnectedAt: null,
    });
    expect(b.id).toMatch(/^[0-9a-f-]{36}$/);
    const updated = await store.update(b.id, { port: 2222, group: 'Work' });
    expect(updated).toMatchObject({ port: 2222, group: 'Work', name: 'Prod', createdAt: b.createdAt });
    const reopened = await BookmarkStore.open({ configDir: path.dirname(store.file) });
    expect(reopened.get(b.id)).toEqual(updated);
    await reopened.delete(b.id);
    expect(reopened.list()).toEqual([]);
    const missing = await reopened.delete(b.id).catch((e: unknown) => e);
    expect(isSkiffError(missing, 'NO_SUCH_FILE')).toBe(true);
  });

  it('drops a password smuggled into the input: bookmarks.json never holds a secret', async () => {
    const store = await openStore();
    const b = await store.create({ name: 'x', host: 'h.example', username: 'u', password: 'hunter2-smuggled' } as never);
    expect(b).not.toHaveProperty('password');
    expect(readFileSync(store.file, 'utf8')).not.toContain('hunter2-smuggled');
  });

  it('rejects bad host, port and username with INVALID_ARGUMENT naming the field', async () => {
    const store = await openStore();
    expect((await invalid(store.create({ name: 'x', host: 'user@host', username: 'u' }))).field).toBe('host');
    expect((await invalid(store.create({ name: 'x', host: 'has space.example', username: 'u' }))).field).toBe('host');
    expect((await invalid(store.create({ name: 'x', host: 'h.example:22', username: 'u' }))).field).toBe('host');
    expect((await invalid(store.create({ name: 'x', host: 'h.example', port: 0, username: 'u' }))).field).toBe('port');
    expect((await invalid(store.create({ name: 'x', host: 'h.example', port: 65536, username: 'u' }))).field).toBe('port');
    expect((await invalid(store.create({ name: 'x', host: 'h.example', port: 22.5, username: 'u' }))).field).toBe('port');
    expect((await invalid(store.create({ name: 'x', host: 'h.example', username: '' }))).field).toBe('username');
    expect((await invalid(store.create({ name: 'x', host: 'h.example', username: 'a b' }))).field).toBe('username');
    expect((await invalid(store.create({ name: '', host: 'h.example', username: 'u' }))).field).toBe('name');
    const key = await invalid(store.create({ name: 'x', host: 'h.example', username: 'u', authMethod: 'key' }));
    expect(key.field).toBe('keyPath');
    expect(key.message).toMatch(/keyPath: Choose a private key file/);
    expect(store.list()).toEqual([]);
  });

  it('accepts IPv4, IPv6 (bracketed or not) and single-label hosts', async () => {
    const store = await openStore();
    const v4 = await store.create({ name: 'a', host: '192.168.1.10', username: 'u' });
    const v6 = await store.create({ name: 'b', host: '[2001:db8::1]', username: 'u' });
    const local = await store.create({ name: 'c', host: 'nas', username: 'u' });
    expect([v4.host, v6.host, local.host]).toEqual(['192.168.1.10', '2001:db8::1', 'nas']);
  });

  it('an invalid update changes nothing', async () => {
    const store = await openStore();
    const b = await store.create({ name: 'x', host: 'h.example', username: 'u' });
    const before = readFileSync(store.file, 'utf8');
    expect((await invalid(store.update(b.id, { port: -1 }))).field).toBe('port');
    expect(readFileSync(store.file, 'utf8')).toBe(before);
    expect(store.get(b.id)?.port).toBe(22);
  });

  it('duplicates as “name (copy)”, then “(copy 2)”, right after the original', async () => {
    const store = await openStore();
    const a = await store.create({ name: 'Alpha', host: 'a.example', username: 'u', group: 'G', notes: 'n' });
    await store.create({ name: 'Beta', host: 'b.example', username: 'u' });
    await store.markConnected(a.id);
    const c1 = await store.duplicate(a.id);
    const c2 = await store.duplicate(a.id);
    expect(c1).toMatchObject({ name: 'Alpha (copy)', host: 'a.example', group: 'G', notes: 'n', lastConnectedAt: null });
    expect(c2.name).toBe('Alpha (copy 2)');
    expect(c1.id).not.toBe(a.id);
    const raw = JSON.parse(readFileSync(store.file, 'utf8')).bookmarks.map((b: { name: string }) => b.name);
    expect(raw).toEqual(['Alpha', 'Alpha (copy 2)', 'Alpha (copy)', 'Beta']);
  });

  it('sorts by name (natural, case-insensitive), host, and last connected (newest first, never last)', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const store = await openStore(() => new Date((t += 1000)));
    const s10 = await store.create({ name: 'server 10', host: 'b.example', username: 'u' });
    const s2 = await store.create({ name: 'Server 2', host: 'c.example', username: 'u' });
    const alpha = await store.create({ name: 'alpha', host: 'a.example', port: 2222, username: 'u' });
    expect(store.list({ sort: 'name' }).map((b) => b.name)).toEqual(['alpha', 'Server 2', 'server 10']);
    expect(store.list({ sort: 'host' }).map((b) => b.host)).toEqual(['a.example', 'b.example', 'c.example']);
    await store.markConnected(s10.id, new Date('2026-02-01T00:00:00Z'));
    await store.markConnected(s2.id, new Date('2026-03-01T00:00:00Z'));
    expect(store.list({ sort: 'lastConnected' }).map((b) => b.id)).toEqual([s2.id, s10.id, alpha.id]);
  });

  it('searches name and host case-insensitively and filters by group', async () => {
    const store = await openStore();
    await store.create({ name: 'Web Prod', host: 'web1.corp.example', username: 'u', group: 'Work' });
    await store.create({ name: 'Home NAS', host: 'nas.lan', username: 'u', group: 'Home' });
    await store.create({ name: 'Scratch', host: 'PROD-db.example', username: 'u' });
    expect(store.list({ search: 'prod' }).map((b) => b.name)).toEqual(['Scratch', 'Web Prod']);
    expect(store.list({ search: 'CORP' }).map((b) => b.name)).toEqual(['Web Prod']);
    expect(store.list({ search: 'nothing' })).toEqual([]);
    expect(store.groups()).toEqual(['Home', 'Work']);
    expect(store.list({ group: 'Home' }).map((b) => b.name)).toEqual(['Home NAS']);
    expect(store.list({ group: null }).map((b) => b.name)).toEqual(['Scratch']);
    expect(await store.renameGroup('Work', 'Clients')).toBe(1);
    expect(store.groups()).toEqual(['Clients', 'Home']);
  });
});

describe('defaultConfigDir', () => {
  it('follows XDG on Linux, ignoring an empty or relative XDG_CONFIG_HOME', () => {
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/a')).toBe('/x/cfg/Skiff');
    expect(defaultConfigDir({}, 'linux', '/home/a')).toBe('/home/a/.config/Skiff');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '' }, 'linux', '/home/a')).toBe('/home/a/.config/Skiff');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: 'rel/cfg' }, 'freebsd', '/home/a')).toBe('/home/a/.config/Skiff');
  });

  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/ignored' }, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/Skiff');
    expect(defaultConfigDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a')).toBe('C:\\Users\\a\\AppData\\Roaming\\Skiff');
    expect(defaultConfigDir({}, 'win32', 'C:\\Users\\a')).toBe('C:\\Users\\a\\AppData\\Roaming\\Skiff');
  });

  it('expandHome expands only a leading ~', () => {
    expect(expandHome('~', '/home/a')).toBe('/home/a');
    expect(expandHome('~/.ssh/id', '/home/a')).toBe(path.join('/home/a', '.ssh', 'id'));
    expect(expandHome('~other/x', '/home/a')).toBe('~other/x');
    expect(expandHome('/abs/~/x', '/home/a')).toBe('/abs/~/x');
  });
});
