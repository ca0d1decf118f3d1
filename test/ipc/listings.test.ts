// Paged listings: the first page comes back while the side is still listing, pages are bounded,
// every entry arrives exactly once, and cancel (navigating away) stops the listing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FileEntry } from '../../electron/core/fs/file-system';
import type { ListPage } from '../../electron/ipc/contract';
import { ListRegistry, PAGE_SIZE } from '../../electron/ipc/list-registry';
import { connect } from '../../electron/core/sftp/session';
import { isSkiffError } from '../../electron/core/errors';
import { trustAll } from '../core/sftp/support';
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

/** These sources never wait on I/O: their read-ahead runs on microtasks, all done before the next macrotask. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

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

  it('reads ahead while a page is out, but never more than about a page', async () => {
    let produced = 0;
    const reg = new ListRegistry({ pageSize: 10 });
    const page = await reg.start('/d', async function* () {
      for (let b = 0; b < 100; b++) {
        produced += 3;
        yield [entry(`a${b}`), entry(`b${b}`), entry(`c${b}`)];
      }
    });
    expect(page.entries.length).toBe(3);
    // Nobody pulls: the read-ahead fills one page (10 entries = 4 batches of 3) and stops.
    await settle();
    expect(produced).toBe(3 + 12);
    const second = await reg.next(page.listId);
    expect(second.entries.map((e) => e.name)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3', 'a4']);
    reg.cancel(page.listId);
  });

  it('a read that fails during read-ahead fails the next pull (not a silently short listing)', async () => {
    const reg = new ListRegistry({ pageSize: 10 });
    const page = await reg.start('/d', async function* () {
      yield [entry('a')];
      yield [entry('b')];
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    expect(page.entries.map((e) => e.name)).toEqual(['a']);
    await settle();
    await expect(reg.next(page.listId)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(reg.openCount).toBe(0);
  });

  it('copies only contract fields from entries', async () => {
    const reg = new ListRegistry();
    const page = await reg.start('/d', async function* () {
      yield [{ ...entry('x'), secretInternal: 'leak' } as FileEntry];
    });
    expect(Object.keys(page.entries[0]!)).not.toContain('secretInternal');
  });
});

describe('a big remote folder from the real OpenSSH server (several READDIRs in flight)', () => {
  it('lists every name exactly once, and a listing cancelled mid-way leaves the session usable', async () => {
    const sshd = inject('sshd');
    const dir = path.join(sshd.scratch, `listings-${process.pid}`);
    mkdirSync(dir);
    const M = 2_345;
    for (let i = 0; i < M; i++) writeFileSync(path.join(dir, `n${i}`), '');
    const session = await connect({ host: sshd.host, port: sshd.port, username: sshd.user, privateKeyPath: sshd.clientKeys.ed25519, verifyHostKey: trustAll });
    try {
      const reg = new ListRegistry();
      let page = await reg.start(dir, (signal) => session.fs.listBatches(dir, { signal }));
      const names: string[] = page.entries.map((e) => e.name);
      while (!page.done) {
        page = await reg.next(page.listId);
        names.push(...page.entries.map((e) => e.name));
      }
      expect(names.length).toBe(M);
      expect(new Set(names).size).toBe(M);

      // Cancel after the first page, several times over: the handle is closed, the channel keeps working.
      for (let k = 0; k < 5; k++) {
        const first = await reg.start(dir, (signal) => session.fs.listBatches(dir, { signal }));
        expect(first.done).toBe(false);
        reg.cancel(first.listId);
      }
      expect(reg.openCount).toBe(0);
      expect((await session.fs.stat(dir)).type).toBe('directory');
      expect((await session.fs.list(dir)).length).toBe(M);
      // A listing aborted while its READDIRs are in flight rejects with CANCELLED.
      const ac = new AbortController();
      const it = session.fs.listBatches(dir, { signal: ac.signal })[Symbol.asyncIterator]();
      await it.next();
      ac.abort();
      const late = await it.next().then(
        () => 'no error',
        (e: unknown) => (isSkiffError(e, 'CANCELLED') ? 'CANCELLED' : String(e)),
      );
      expect(late).toBe('CANCELLED');
      expect((await session.fs.stat(dir)).type).toBe('directory');
    } finally {
      await session.close();
    }
  });
});
