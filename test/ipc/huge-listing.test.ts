// A 100,000-entry remote folder through the registry: the first page is small and arrives while
// the server is still sending the folder; pulling the rest yields every entry exactly once.
// Times are printed for the report, never asserted (the machine is shared and noisy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListPage, SessionInfo } from '../../electron/ipc/contract';
import { PAGE_SIZE } from '../../electron/ipc/list-registry';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { createAppFixture, type AppFixture } from './app-fixture';

const N = 100_000;
let f: AppFixture;
let server: FakeServer;

beforeAll(async () => {
  f = await createAppFixture();
  const entries = Array.from({ length: N }, (_, i) => ({ filename: `file-${String(i).padStart(6, '0')}.dat` }));
  server = await startFakeServer({
    users: { tester: { password: 'secret' } },
    listings: { '/home/tester/huge': entries },
    files: { '/home/tester/huge': { dir: true } },
  });
});
afterAll(async () => {
  await server?.stop();
  await f.close();
});

describe('100,000-entry folder', () => {
  it('shows a first page at once and streams the rest in bounded pages', async () => {
    f.onEvent = (e, p) => {
      if (e === 'question:ask') void f.call('question:answer', { id: (p as { id: string }).id, answer: { kind: 'host-key', decision: 'trust-once' } });
    };
    const r = await f.call('session:connect', { host: server.host, port: server.port, username: 'tester', authMethod: 'password', password: 'secret' });
    f.onEvent = undefined;
    expect(r.ok).toBe(true);
    const sessionId = (r.value as SessionInfo).sessionId;

    const t0 = performance.now();
    const first = await f.call('sftp:list-dir', { sessionId, path: '/home/tester/huge' });
    const tFirst = performance.now() - t0;
    expect(first.ok).toBe(true);
    let page = first.value as ListPage;
    expect(page.done).toBe(false);
    expect(page.entries.length).toBeGreaterThan(0);
    expect(page.entries.length).toBeLessThanOrEqual(PAGE_SIZE);
    const names = new Set(page.entries.map((e) => e.name));
    let pages = 1;
    while (!page.done) {
      const next = await f.call('list:next', { listId: page.listId });
      expect(next.ok).toBe(true);
      page = next.value as ListPage;
      expect(page.entries.length).toBeLessThanOrEqual(PAGE_SIZE);
      for (const e of page.entries) names.add(e.name);
      pages += 1;
    }
    const tAll = performance.now() - t0;
    expect(names.size).toBe(N);
    console.log(
      `[measure] 100,000-entry listing: first page ${tFirst.toFixed(0)} ms (${(first.value as ListPage).entries.length} rows), all ${tAll.toFixed(0)} ms in ${pages} pages`,
    );
    await f.call('session:disconnect', { sessionId });
  });

  it('navigating away cancels: after list:cancel the server stops being asked for the folder', async () => {
    f.onEvent = (e, p) => {
      if (e === 'question:ask') void f.call('question:answer', { id: (p as { id: string }).id, answer: { kind: 'host-key', decision: 'trust-once' } });
    };
    const r = await f.call('session:connect', { host: server.host, port: server.port, username: 'tester', authMethod: 'password', password: 'secret' });
    f.onEvent = undefined;
    const sessionId = (r.value as SessionInfo).sessionId;
    const first = (await f.call('sftp:list-dir', { sessionId, path: '/home/tester/huge' })).value as ListPage;
    expect(first.done).toBe(false);
    expect(await f.call('list:cancel', { listId: first.listId })).toMatchObject({ ok: true });
    expect(await f.call('list:next', { listId: first.listId })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    // The session stays usable after a cancelled listing.
    expect(await f.call('sftp:stat', { sessionId, path: '/home/tester/huge' })).toMatchObject({ ok: true, value: { type: 'directory' } });
    await f.call('session:disconnect', { sessionId });
  });
});
