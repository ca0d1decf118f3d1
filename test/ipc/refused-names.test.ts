// A hostile server's listing through the real registry: names that cannot be files in the folder
// are left out of the pages but reported with them (display-safe, capped), the good entries are
// all still listed, and a local listing never carries a `refused` field.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REFUSED_NAME_CHARS, MAX_REFUSED_NAMES, type ListPage, type SessionInfo } from '../../electron/ipc/contract';
import { ListRegistry } from '../../electron/ipc/list-registry';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { createAppFixture, type AppFixture } from './app-fixture';

const HOSTILE = ['../../x', 'a/b', '/etc/passwd', 'nul\0byte', ''];
const FLOOD = 1_000;
const LONG = `${'\u0001'.repeat(400)}/x`;

let f: AppFixture;
let server: FakeServer;
let sessionId: string;

beforeAll(async () => {
  f = await createAppFixture();
  const file = (filename: string) => ({ filename });
  server = await startFakeServer({
    users: { tester: { password: 'secret' } },
    // Small READDIR replies: the refused names are spread over several batches and pages.
    readdirBatch: 3,
    listings: {
      '/home/tester/hostile': [file('.'), file('..'), file('good-1.txt'), ...HOSTILE.map(file), file('esc\u001b[31m.txt'), file('good-2.txt')],
      '/home/tester/flood': [
        file(LONG),
        ...Array.from({ length: FLOOD }, (_, i) => file(`evil/${i}`)),
        ...Array.from({ length: 20 }, (_, i) => file(`ok-${i}`)),
      ],
      '/home/tester/clean': [file('one'), file('two')],
    },
    files: { '/home/tester/hostile': { dir: true }, '/home/tester/flood': { dir: true }, '/home/tester/clean': { dir: true } },
  });
  f.onEvent = (e, p) => {
    if (e === 'question:ask') void f.call('question:answer', { id: (p as { id: string }).id, answer: { kind: 'host-key', decision: 'trust-once' } });
  };
  const r = await f.call('session:connect', { host: server.host, port: server.port, username: 'tester', authMethod: 'password', password: 'secret' });
  f.onEvent = undefined;
  expect(r.ok).toBe(true);
  sessionId = (r.value as SessionInfo).sessionId;
});
afterAll(async () => {
  await server?.stop();
  await f?.close();
});

/** Pulls a listing to the end; returns every page. */
async function listAll(first: Promise<Awaited<ReturnType<AppFixture['call']>>>): Promise<ListPage[]> {
  let r = await first;
  expect(r.ok, JSON.stringify(r.error)).toBe(true);
  const pages = [r.value as ListPage];
  while (!pages[pages.length - 1]!.done) {
    r = await f.call('list:next', { listId: pages[0]!.listId });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    pages.push(r.value as ListPage);
  }
  return pages;
}

describe('sftp:list-dir pages report the names they left out', () => {
  it('lists the good entries and names each refused one, display-safe, with its reason', async () => {
    const pages = await listAll(f.call('sftp:list-dir', { sessionId, path: '/home/tester/hostile' }));
    const names = pages.flatMap((p) => p.entries.map((e) => e.name));
    // A control character is legal in a POSIX name: kept (the pane renders it escaped).
    expect(names.sort()).toEqual(['esc\u001b[31m.txt', 'good-1.txt', 'good-2.txt']);
    const last = pages[pages.length - 1]!.refused;
    expect(last?.count).toBe(HOSTILE.length);
    expect(last?.names.map((n) => n.name)).toEqual(['../../x', 'a/b', '/etc/passwd', 'nul\\u0000byte', '']);
    for (const n of last!.names) {
      expect(n.reason.length).toBeGreaterThan(0);
      expect(n.name).not.toContain('\0');
    }
    expect(last!.names[0]!.reason).toMatch(/climbs out/);
    expect(last!.names[2]!.reason).toMatch(/absolute path/);
    // The count only grows from page to page (a running total).
    const counts = pages.map((p) => p.refused?.count ?? 0);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
  });

  it('caps what a flooding server can send: a count, the first names, each name shortened', async () => {
    const pages = await listAll(f.call('sftp:list-dir', { sessionId, path: '/home/tester/flood' }));
    expect(pages.flatMap((p) => p.entries.map((e) => e.name)).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `ok-${i}`).sort());
    for (const p of pages) expect(p.refused?.names.length ?? 0).toBeLessThanOrEqual(MAX_REFUSED_NAMES);
    const last = pages[pages.length - 1]!.refused!;
    expect(last.count).toBe(FLOOD + 1);
    expect(last.names).toHaveLength(MAX_REFUSED_NAMES);
    expect(last.names[1]!.name).toBe('evil/0');
    const long = last.names[0]!.name;
    expect(long.length).toBeLessThanOrEqual(MAX_REFUSED_NAME_CHARS);
    expect(long.startsWith('\\u0001\\u0001')).toBe(true);
    expect(long.endsWith('…')).toBe(true);
    for (const n of last.names) expect(/[\u0000-\u001f\u007f-\u009f]/.test(n.name)).toBe(false);
  });

  it('a clean remote folder and a local folder carry no refused field', async () => {
    const remote = await listAll(f.call('sftp:list-dir', { sessionId, path: '/home/tester/clean' }));
    expect(remote.flatMap((p) => p.entries.map((e) => e.name)).sort()).toEqual(['one', 'two']);
    for (const p of remote) expect(p).not.toHaveProperty('refused');
    const dir = path.join(f.tmp, 'local-clean');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a.txt'), '');
    const local = await listAll(f.call('local:list-dir', { path: dir }));
    expect(local.flatMap((p) => p.entries.map((e) => e.name))).toEqual(['a.txt']);
    for (const p of local) expect(p).not.toHaveProperty('refused');
  });
});

describe('ListRegistry refused names', () => {
  it('never copies the raw name, and does not split a surrogate pair when shortening', async () => {
    const reg = new ListRegistry();
    const emoji = '😀'.repeat(MAX_REFUSED_NAME_CHARS);
    const page = await reg.start('/d', (_signal, onRefused) =>
      (async function* () {
        onRefused({ rawName: 'raw\u001b/x', shownName: 'raw\\u001b/x', reason: 'it contains “/”' });
        onRefused({ rawName: `${emoji}/x`, shownName: `${emoji}/x`, reason: 'it contains “/”' });
        yield [];
      })(),
    );
    expect(page.done).toBe(true);
    expect(page.refused?.count).toBe(2);
    expect(page.refused?.names[0]).toEqual({ name: 'raw\\u001b/x', reason: 'it contains “/”' });
    const long = page.refused!.names[1]!.name;
    expect(long.length).toBeLessThanOrEqual(MAX_REFUSED_NAME_CHARS);
    expect(/[\uD800-\uDBFF]…$/.test(long)).toBe(false);
    expect(long.endsWith('😀…')).toBe(true);
  });
});
