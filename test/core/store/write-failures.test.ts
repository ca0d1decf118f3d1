// Real write failures of the config dir: immutable/unwritable (PERMISSION_DENIED), a read-only
// mount (READ_ONLY) and a full disk (NO_SPACE). Root ignores file modes, so these use kernel
// features that bind root too (chattr +i, a ro bind mount, a tiny tmpfs) and skip, with the
// reason, where the machine does not allow them.
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BookmarkStore } from '../../../electron/core/store/bookmark-store';
import { isSkiffError, type ErrorCode } from '../../../electron/core/errors';

const isRoot = process.getuid?.() === 0;
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups.reverse()) {
    try {
      c();
    } catch {
      // best effort: keep cleaning the rest
    }
  }
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'skiff-wfail-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A store with one saved bookmark, the bytes on disk, and the config dir. */
async function seeded(dir: string) {
  const store = await BookmarkStore.open({ configDir: dir });
  const b = await store.create({ name: 'keep me', host: 'keep.example', username: 'u' });
  const file = path.join(dir, 'bookmarks.json');
  return { store, b, file, bytes: readFileSync(file) };
}

async function expectSaveFails(store: BookmarkStore, id: string, code: ErrorCode, file: string, bytes: Buffer): Promise<void> {
  const err = await store.update(id, { name: 'changed' }).catch((e: unknown) => e);
  expect(isSkiffError(err, code), String(err)).toBe(true);
  expect((err as Error).message).toContain('Could not save bookmarks');
  expect((err as Error).message).toContain('Your change was not saved; the existing file is unchanged.');
  // Nothing lost: the file and the in-memory state are what they were.
  expect(readFileSync(file).equals(bytes)).toBe(true);
  expect(store.get(id)?.name).toBe('keep me');
  expect(readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
}

function tryRun(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return `${cmd}: ${r.error.message}`;
  return r.status === 0 ? null : `${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`;
}

describe('config writes that fail', () => {
  it('an unwritable config dir → PERMISSION_DENIED, nothing lost', async (ctx: TestContext) => {
    const dir = path.join(tempDir(), 'Skiff');
    mkdirSync(dir);
    const { store, b, file, bytes } = await seeded(dir);
    if (isRoot) {
      // Root bypasses mode bits; the immutable attribute binds root too.
      const why = tryRun('chattr', ['+i', dir]);
      if (why) ctx.skip(`running as root and chattr +i is not available here (${why})`);
      cleanups.push(() => execFileSync('chattr', ['-i', dir]));
    } else {
      chmodSync(dir, 0o500);
      cleanups.push(() => chmodSync(dir, 0o700));
    }
    await expectSaveFails(store, b.id, 'PERMISSION_DENIED', file, bytes);
  });

  it('a read-only mount → READ_ONLY, nothing lost', async (ctx: TestContext) => {
    if (!isRoot) ctx.skip('needs root to create a read-only bind mount');
    const dir = path.join(tempDir(), 'Skiff');
    mkdirSync(dir);
    const { store, b, file, bytes } = await seeded(dir);
    const why = tryRun('mount', ['--bind', '-o', 'ro', dir, dir]);
    if (why) ctx.skip(`cannot create a read-only bind mount here (${why})`);
    cleanups.push(() => execFileSync('umount', [dir]));
    await expectSaveFails(store, b.id, 'READ_ONLY', file, bytes);
  });

  it('a full disk → NO_SPACE, nothing lost, no temp file left', async (ctx: TestContext) => {
    if (!isRoot) ctx.skip('needs root to mount a tiny tmpfs');
    const dir = path.join(tempDir(), 'Skiff');
    mkdirSync(dir);
    const why = tryRun('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'skiff-test-full', dir]);
    if (why) ctx.skip(`cannot mount a tmpfs here (${why})`);
    cleanups.push(() => execFileSync('umount', [dir]));
    const { store, b, file, bytes } = await seeded(dir);
    // Fill the rest of the file system.
    const filler = path.join(dir, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(1024 * 1024));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const err = await store.update(b.id, { name: 'changed', notes: 'n'.repeat(8000) }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'NO_SPACE'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/disk is full.*not saved/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(store.get(b.id)?.name).toBe('keep me');
    expect(readdirSync(dir).sort()).toEqual(['bookmarks.json', 'filler']);
  });
});
