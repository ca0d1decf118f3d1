// Paged listings: the first page comes back while the side is still listing, pages are bounded,
// every entry arrives exactly once, and cancel (navigating away) stops the listing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileEntry } from '../../electron/core/fs/file-system';
import type { ListPage } from '../../electron/ipc/contract';
import { ListRegistry, PAGE_SIZE } from '../../electron/ipc/list-registry';
import { createAppFixture, type AppFixture } from './app-fixture';

let f: AppFixture;
let big: string;
const N = 3_210;

beforeAll(async () => {
  f = await createAppFixture();
  big = path.join(f.tmp, 'big');
  mkdirSync(big);
  for (let i = 0; i < N; i++) writeFileSync(path.join(big, `f${String(i).padStart(5, '0')}.txt`), '');
});
afterAll(async () => {
  await f.close();
});

function entry(name: string): FileEntry {
  return { name, path: `/d/${name}`, type: 'file', size: 0, mtimeMs: 0, atimeMs: 0, mode: 0o644, uid: 0, gid: 0 };
}

describe('local:list-dir + list:next over the real LocalFs', () => {
  it('returns every entry once, in pages of at most PAGE_SIZE', async () => {
    let r = (await f.call('local:list-dir', { path: big })) as { ok: true; value: ListPage };
    expect(r.ok).toBe(true);
    const names: string[] = [];
    let pages = 0;
    for (;;) {
      pages += 1;
      expect(r.value.entries.length).toBeLessThanOrEqual(PAGE_SIZE);
      names.push(...r.value.entries.map((e) => e.name));
      if (r.value.done) break;
      r = (await f.call('list:next', { listId: r.value.listId })) as { ok: true; value: ListPage };
      expect(r.ok).toBe(true);
    }
    expect(names.length).toBe(N);
    expect(new Set(names).size).toBe(N);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(N / PAGE_SIZE));
    // A finished listing is forgotten.
    expect(await f.call('list:next', { listId: r.value.listId })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('cancel stops a listing: the next page is refused', async () => {
    const r = (await f.call('local:list-dir', { path: big })) as { ok: true; value: ListPage };
    expect(r.value.done).toBe(false);
    expect(await f.call('list:cancel', { listId: r.value.listId })).toMatchObject({ ok: true });
    expect(await f.call('list:next', { listId: r.value.listId })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('reports a missing folder with its code and path', async () => {
    expect(await f.call('local:list-dir', { path: path.join(f.tmp, 'nope') })).toMatchObject({ ok: false, error: { code: 'NO_SUCH_FILE' } });
  });
});

describe('ListRegistry', () => {
  it('answers the first page while the side is still listing, and aborts the side on cancel', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    let aborted = false;
    let secondBatchServed = false;
    const reg = new ListRegistry();
    const page = await reg.start('/d', (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return (async function* () {
        yield [entry('a'), entry('b')];
        await blocked; // the rest of a huge folder has not arrived yet
        secondBatchServed = true;
        yield [entry('c')];
      })();
    });
    expect(page.entries.map((e) => e.name)).toEqual(['a', 'b']);
    expect(page.done).toBe(false);
    expect(secondBatchServed).toBe(false);
    reg.cancel(page.listId);
    expect(aborted).toBe(true);
    release();
    expect(reg.openCount).toBe(0);
  });

  it('drops the oldest listing when too many are left open', async () => {
    const reg = new ListRegistry({ maxOpen: 2 });
    const src = () =>
      (async function* () {
        yield [entry('a')];
        yield [entry('b')];
      })();
    const p1 = await reg.start('/1', src);
    await reg.start('/2', src);
    await reg.start('/3', src);
    expect(reg.openCount).toBe(2);
    await expect(reg.next(p1.listId)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('copies only contract fields from entries', async () => {
    const reg = new ListRegistry();
    const page = await reg.start('/d', async function* () {
      yield [{ ...entry('x'), secretInternal: 'leak' } as FileEntry];
    });
    expect(Object.keys(page.entries[0]!)).not.toContain('secretInternal');
  });
});
