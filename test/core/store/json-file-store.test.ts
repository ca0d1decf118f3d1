// The shared JSON file machinery, exercised through BookmarkStore (and settings) on real temp dirs.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BookmarkStore } from '../../../electron/core/store/bookmark-store';
import { SettingsStore, speedLimitsOf } from '../../../electron/core/store/settings';
import { isSkiffError } from '../../../electron/core/errors';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'skiff-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fixedNow = () => new Date('2026-01-02T03:04:05.678Z');
const KEPT = 'bookmarks.json.corrupt-2026-01-02T03-04-05.678Z';

function validBookmark(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '8b7f1c1e-2f4a-4c1e-9a57-0d7f2a5e9b10',
    name: 'Prod',
    host: 'prod.example.com',
    port: 22,
    username: 'deploy',
    authMethod: 'password',
    keyPath: null,
    remoteDir: '/srv',
    localDir: null,
    group: 'Work',
    notes: '',
    rememberPassword: false,
    lastConnectedAt: null,
    createdAt: '2025-12-01T10:00:00.000Z',
    updatedAt: '2025-12-01T10:00:00.000Z',
    ...over,
  };
}

describe('JsonFileStore via BookmarkStore', () => {
  it('starts empty without a file and creates it on the first save', async () => {
    const dir = path.join(tempDir(), 'nested', 'Skiff');
    const store = await BookmarkStore.open({ configDir: dir });
    expect(store.list()).toEqual([]);
    expect(store.problems).toEqual([]);
    expect(existsSync(path.join(dir, 'bookmarks.json'))).toBe(false);
    await store.create({ name: 'a', host: 'a.example', username: 'u' });
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'bookmarks.json'), 'utf8'));
    expect(onDisk.version).toBe(2);
    expect(onDisk.bookmarks).toHaveLength(1);
    if (process.platform !== 'win32') {
      // Host and user names are private: only the owner may read them.
      expect(statSync(path.join(dir, 'bookmarks.json')).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
  });

  it('reports a hand-broken file with line and column, keeps it aside byte-identical, and starts empty', async () => {
    const dir = tempDir();
    const broken = '{\n  "version": 2,\n  "bookmarks": [\n    { "name": "x", }\n  ]\n}\n';
    writeFileSync(path.join(dir, 'bookmarks.json'), broken);
    const store = await BookmarkStore.open({ configDir: dir, now: fixedNow });
    expect(store.list()).toEqual([]);
    expect(store.readOnly).toBeNull();
    const [p] = store.problems;
    expect(p?.kind).toBe('parse');
    expect(p?.line).toBe(4);
    expect(p?.column).toBe(20);
    expect(p?.message).toMatch(/not valid JSON: expected a "quoted" property name at line 4, column 20\..*No bookmarks could be recovered/);
    expect(p?.keptAs).toBe(path.join(dir, KEPT));
    expect(readFileSync(path.join(dir, KEPT), 'utf8')).toBe(broken);
    // The main file is now valid and editable; the kept copy is never touched again.
    await store.create({ name: 'new', host: 'h.example', username: 'u' });
    expect(readFileSync(path.join(dir, KEPT), 'utf8')).toBe(broken);
  });

  it('treats an empty (truncated) file as corrupt and keeps it', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'bookmarks.json'), '');
    const store = await BookmarkStore.open({ configDir: dir, now: fixedNow });
    expect(store.problems[0]).toMatchObject({ kind: 'parse', line: 1, column: 1 });
    expect(readFileSync(path.join(dir, KEPT), 'utf8')).toBe('');
  });

  it('never overwrites an earlier kept copy with the same timestamp', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'bookmarks.json'), 'first{');
    await BookmarkStore.open({ configDir: dir, now: fixedNow });
    writeFileSync(path.join(dir, 'bookmarks.json'), 'second{');
    const again = await BookmarkStore.open({ configDir: dir, now: fixedNow });
    expect(readFileSync(path.join(dir, KEPT), 'utf8')).toBe('first{');
    expect(again.problems[0]?.keptAs).toBe(path.join(dir, `${KEPT}-1`));
    expect(readFileSync(path.join(dir, `${KEPT}-1`), 'utf8')).toBe('second{');
  });

  it('wrong schema: names each bad field by path, keeps the valid bookmarks, keeps the original aside', async () => {
    const dir = tempDir();
    const good = validBookmark();
    const badPort = validBookmark({ id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', name: 'Bad port', port: 70000 });
    const badHost = validBookmark({ id: '2c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', name: 'Bad host', host: 'user@host' });
    const text = JSON.stringify({ version: 2, bookmarks: [good, badPort, badHost] }, null, 2);
    writeFileSync(path.join(dir, 'bookmarks.json'), text);
    const store = await BookmarkStore.open({ configDir: dir, now: fixedNow });
    expect(store.list().map((b) => b.name)).toEqual(['Prod']);
    const p = store.problems[0]!;
    expect(p.kind).toBe('schema');
    expect(p.issues?.map((i) => i.path)).toEqual(['bookmarks[1].port', 'bookmarks[2].host']);
    expect(p.message).toContain('bookmarks[1].port');
    expect(p.message).toContain(`kept as “${path.join(dir, KEPT)}”. 1 valid bookmark was recovered.`);
    expect(readFileSync(path.join(dir, KEPT), 'utf8')).toBe(text);
    // What was recovered is written back, so the next start is clean.
    const reopened = await BookmarkStore.open({ configDir: dir });
    expect(reopened.problems).toEqual([]);
    expect(reopened.list().map((b) => b.name)).toEqual(['Prod']);
  });

  it('a document that is not an object or has no version is kept aside and reported', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'bookmarks.json'), '[1, 2, 3]');
    const store = await BookmarkStore.open({ configDir: dir, now: fixedNow });
    expect(store.problems[0]).toMatchObject({ kind: 'schema', keptAs: path.join(dir, KEPT) });
    expect(store.problems[0]!.issues?.[0]?.path).toBe('version');
    expect(store.problems[0]!.message).toMatch(/JSON array/);
  });

  it('a file from a future version opens read-only, shows what it can, and is never rewritten', async () => {
    const dir = tempDir();
    const text = JSON.stringify({ version: 7, bookmarks: [validBookmark({ futureField: { x: 1 } })], somethingNew: true });
    writeFileSync(path.join(dir, 'bookmarks.json'), text);
    const store = await BookmarkStore.open({ configDir: dir });
    expect(store.readOnly).toMatch(/newer version of Skiff \(format 7/);
    expect(store.problems[0]?.kind).toBe('future-version');
    expect(store.list().map((b) => b.name)).toEqual(['Prod']);
    const err = await store.create({ name: 'x', host: 'x.example', username: 'u' }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'READ_ONLY')).toBe(true);
    expect(readFileSync(path.join(dir, 'bookmarks.json'), 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['bookmarks.json']);
  });

  it('migrates a format-1 file step by step to format 2 (and persists it on the next save)', async () => {
    const dir = tempDir();
    const v1 = {
      version: 1,
      bookmarks: [
        {
          id: '8b7f1c1e-2f4a-4c1e-9a57-0d7f2a5e9b10',
          name: 'Old',
          host: 'old.example',
          port: 2222,
          username: 'me',
          authMethod: 'key',
          keyFile: '~/.ssh/id_ed25519',
          remoteDir: null,
          localDir: null,
          lastConnectedAt: null,
          createdAt: '2025-01-01T00:00:00.000Z',
          updatedAt: '2025-01-01T00:00:00.000Z',
        },
      ],
    };
    writeFileSync(path.join(dir, 'bookmarks.json'), JSON.stringify(v1));
    const store = await BookmarkStore.open({ configDir: dir });
    expect(store.problems).toEqual([]);
    const [b] = store.list();
    expect(b).toMatchObject({ name: 'Old', keyPath: '~/.ssh/id_ed25519', group: null, notes: '', rememberPassword: false, port: 2222 });
    expect(b).not.toHaveProperty('keyFile');
    await store.update(b!.id, { notes: 'migrated' });
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'bookmarks.json'), 'utf8'));
    expect(onDisk.version).toBe(2);
    expect(onDisk.bookmarks[0].keyPath).toBe('~/.ssh/id_ed25519');
  });

  it('fifty concurrent updates never interleave: the file stays valid and holds the last state', async () => {
    const dir = tempDir();
    const store = await BookmarkStore.open({ configDir: dir });
    const b = await store.create({ name: 'n0', host: 'h.example', username: 'u' });
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => store.update(b.id, { name: `n${i + 1}`, notes: 'x'.repeat(i * 100) })));
    expect(all.map((r) => r.name)).toEqual(Array.from({ length: 50 }, (_, i) => `n${i + 1}`));
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'bookmarks.json'), 'utf8'));
    expect(onDisk.bookmarks).toHaveLength(1);
    expect(onDisk.bookmarks[0].name).toBe('n50');
    expect(onDisk.bookmarks[0].notes).toHaveLength(4900);
    expect(readdirSync(dir)).toEqual(['bookmarks.json']); // no temp files left behind
  });

  it('in a burst, a failing call (unknown id) fails alone; the calls around it are saved', async () => {
    const dir = tempDir();
    const store = await BookmarkStore.open({ configDir: dir });
    const b = await store.create({ name: 'n0', host: 'h.example', username: 'u' });
    const results = await Promise.allSettled([
      store.update(b.id, { name: 'before' }),
      store.update('00000000-0000-4000-8000-000000000000', { name: 'ghost' }),
      store.update(b.id, { port: 2022 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reopened = await BookmarkStore.open({ configDir: dir });
    expect(reopened.get(b.id)).toMatchObject({ name: 'before', port: 2022 });
  });

  it('concurrent creates all survive (each write sees the previous one)', async () => {
    const dir = tempDir();
    const store = await BookmarkStore.open({ configDir: dir });
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.create({ name: `s${i}`, host: `h${i}.example`, username: 'u' })));
    const reopened = await BookmarkStore.open({ configDir: dir });
    expect(reopened.list()).toHaveLength(30);
  });

  it('an edit made outside Skiff while it runs is adopted, not erased, by the next save', async () => {
    const dir = tempDir();
    const store = await BookmarkStore.open({ configDir: dir });
    await store.create({ name: 'A', host: 'a.example', username: 'u' });
    const file = path.join(dir, 'bookmarks.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.bookmarks.push(validBookmark({ name: 'B (hand-added)' }));
    writeFileSync(file, JSON.stringify(doc, null, 2)); // an editor saving in place
    await store.create({ name: 'C', host: 'c.example', username: 'u' });
    const names = JSON.parse(readFileSync(file, 'utf8')).bookmarks.map((b: { name: string }) => b.name);
    expect(names).toEqual(['A', 'B (hand-added)', 'C']);
    expect(store.list().map((b) => b.name)).toEqual(['A', 'B (hand-added)', 'C']);
  });

  it('a file broken outside Skiff while it runs is kept aside on the next save; the loaded bookmarks survive', async () => {
    const dir = tempDir();
    const store = await BookmarkStore.open({ configDir: dir, now: fixedNow });
    await store.create({ name: 'A', host: 'a.example', username: 'u' });
    const file = path.join(dir, 'bookmarks.json');
    writeFileSync(file, '{ "version": 2, "bookmarks": [ oops ] }');
    await store.create({ name: 'B', host: 'b.example', username: 'u' });
    expect(readFileSync(path.join(dir, KEPT), 'utf8')).toBe('{ "version": 2, "bookmarks": [ oops ] }');
    expect(JSON.parse(readFileSync(file, 'utf8')).bookmarks.map((b: { name: string }) => b.name)).toEqual(['A', 'B']);
    const p = store.problems.at(-1)!;
    expect(p.message).toMatch(/not valid JSON.*\(changed outside Skiff\).*kept as.*Skiff kept the bookmarks it had loaded/);
  });

  it('a newer Skiff replacing the file while this one runs makes it read-only instead of downgrading it', async () => {
    const dir = tempDir();
    const store = await BookmarkStore.open({ configDir: dir });
    await store.create({ name: 'A', host: 'a.example', username: 'u' });
    const file = path.join(dir, 'bookmarks.json');
    const future = JSON.stringify({ version: 3, bookmarks: [] });
    writeFileSync(file, future);
    const err = await store.create({ name: 'B', host: 'b.example', username: 'u' }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'READ_ONLY')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(future);
  });

  it('a symlinked bookmarks.json (dotfile manager) stays a symlink; the target gets the new content', async () => {
    const dir = tempDir();
    const dotfiles = tempDir();
    const { symlinkSync, lstatSync } = await import('node:fs');
    const target = path.join(dotfiles, 'skiff-bookmarks.json');
    writeFileSync(target, JSON.stringify({ version: 2, bookmarks: [validBookmark()] }));
    symlinkSync(target, path.join(dir, 'bookmarks.json'));
    const store = await BookmarkStore.open({ configDir: dir });
    await store.create({ name: 'Linked', host: 'l.example', username: 'u' });
    expect(lstatSync(path.join(dir, 'bookmarks.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).bookmarks.map((b: { name: string }) => b.name)).toEqual(['Prod', 'Linked']);
    expect(readdirSync(dotfiles)).toEqual(['skiff-bookmarks.json']);
  });

  it('config path blocked by a file: the store opens, saving fails clearly, nothing is lost', async () => {
    const base = tempDir();
    const blocker = path.join(base, 'Skiff');
    writeFileSync(blocker, 'not a dir');
    const store = await BookmarkStore.open({ configDir: blocker });
    const err = await store.create({ name: 'x', host: 'x.example', username: 'u' }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'NOT_A_DIRECTORY')).toBe(true);
    expect((err as Error).message).toMatch(/Could not save bookmarks .*a file is in the way.*not saved/);
    expect(readFileSync(blocker, 'utf8')).toBe('not a dir');
    expect(store.list()).toEqual([]);
  });

  it('an unreadable bookmarks path (a directory) opens read-only and is left alone', async () => {
    const dir = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'bookmarks.json'));
    const store = await BookmarkStore.open({ configDir: dir });
    expect(store.problems[0]?.kind).toBe('unreadable');
    expect(store.readOnly).toMatch(/could not read/);
    const err = await store.create({ name: 'x', host: 'x.example', username: 'u' }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'READ_ONLY')).toBe(true);
  });
});

describe('settings.json on the same machinery', () => {
  it('defaults without a file, validated partial updates, persisted', async () => {
    const dir = tempDir();
    const s = await SettingsStore.open({ configDir: dir });
    expect(s.get()).toMatchObject({ theme: 'system', hostKeyPolicy: 'ask', transferConcurrency: 4, preservePermissions: true, windowBounds: null });
    await s.update({ theme: 'dark', transferConcurrency: 8 });
    const reopened = await SettingsStore.open({ configDir: dir });
    expect(reopened.get()).toMatchObject({ theme: 'dark', transferConcurrency: 8, showHidden: false });
  });

  it('rejects bad values naming the field, and unknown keys', async () => {
    const s = await SettingsStore.open({ configDir: tempDir() });
    const err = await s.update({ transferConcurrency: 0 }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as { field: string }).field).toBe('transferConcurrency');
    // "no" would disable host key checking: not a choice Skiff offers.
    const policy = await s.update({ hostKeyPolicy: 'no' as never }).catch((e: unknown) => e);
    expect((policy as { field: string }).field).toBe('hostKeyPolicy');
    const unknown = await s.update({ colour: 'red' } as never).catch((e: unknown) => e);
    expect(isSkiffError(unknown, 'INVALID_ARGUMENT')).toBe(true);
    expect(s.get().transferConcurrency).toBe(4);
    // An explicit undefined means "not sent", not "clear it".
    expect((await s.update({ theme: undefined, showHidden: true })).theme).toBe('system');
  });

  it('a damaged settings file keeps its valid fields, resets the bad ones, and is kept aside', async () => {
    const dir = tempDir();
    const text = JSON.stringify({ version: 1, theme: 'dark', transferConcurrency: 'lots', showHidden: true });
    writeFileSync(path.join(dir, 'settings.json'), text);
    const s = await SettingsStore.open({ configDir: dir, now: fixedNow });
    expect(s.get()).toMatchObject({ theme: 'dark', showHidden: true, transferConcurrency: 4 });
    expect(s.problems[0]?.issues?.[0]?.path).toBe('transferConcurrency');
    expect(readFileSync(path.join(dir, 'settings.json.corrupt-2026-01-02T03-04-05.678Z'), 'utf8')).toBe(text);
  });

  it('a settings file from an older build with missing keys just loads with defaults', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, theme: 'light' }));
    const s = await SettingsStore.open({ configDir: dir });
    expect(s.problems).toEqual([]);
    expect(s.get()).toMatchObject({ theme: 'light', conflictDefault: 'ask', uploadLimitKiBps: null, downloadLimitKiBps: null });
  });

  it('speed limits: off by default, whole KiB/s from 1 to 10 GiB/s, null turns one off again', async () => {
    const dir = tempDir();
    const s = await SettingsStore.open({ configDir: dir });
    expect(speedLimitsOf(s.get())).toEqual({ uploadBytesPerSec: null, downloadBytesPerSec: null });
    await s.update({ uploadLimitKiBps: 256, downloadLimitKiBps: 2048 });
    const reopened = await SettingsStore.open({ configDir: dir });
    expect(reopened.get()).toMatchObject({ uploadLimitKiBps: 256, downloadLimitKiBps: 2048 });
    expect(speedLimitsOf(reopened.get())).toEqual({ uploadBytesPerSec: 256 * 1024, downloadBytesPerSec: 2048 * 1024 });
    for (const bad of [0, -1, 1.5, 10 * 1024 * 1024 + 1, '256']) {
      const err = await s.update({ uploadLimitKiBps: bad as never }).catch((e: unknown) => e);
      expect((err as { field: string }).field).toBe('uploadLimitKiBps');
    }
    expect(await s.update({ downloadLimitKiBps: 10 * 1024 * 1024 })).toMatchObject({ downloadLimitKiBps: 10 * 1024 * 1024 });
    expect(await s.update({ uploadLimitKiBps: null })).toMatchObject({ uploadLimitKiBps: null, downloadLimitKiBps: 10 * 1024 * 1024 });
  });

  it('a damaged speed limit in the file falls back to no limit and is reported', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, uploadLimitKiBps: -3, downloadLimitKiBps: 512 }));
    const s = await SettingsStore.open({ configDir: dir, now: fixedNow });
    expect(s.get()).toMatchObject({ uploadLimitKiBps: null, downloadLimitKiBps: 512 });
    expect(s.problems[0]?.issues?.[0]?.path).toBe('uploadLimitKiBps');
  });
});
