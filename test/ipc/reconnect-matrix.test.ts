// The fault matrix of issue 13: a 256 MiB file and a 500-file tree, each uploaded and downloaded
// at once through the fault proxy, while the link is cut for 2 s, black-holed for 30 s, the server
// restarted, or cut three times; then a cut while a conflict question is open, a server that comes
// back with another host key, a link that never comes back, and Cancel while reconnecting.
// Real app context and registry, a private OpenSSH sshd (restarted on its port), real files.
// Every case ends byte-identical, with no part file, no extra copies, and nothing asked.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepaliveFor } from '../../electron/core/sftp/reconnect-policy';
import type { EventPayloads, QuestionDto, SessionInfo, TransferJobDto } from '../../electron/ipc/contract';
import { startLinkProxy, type LinkProxy } from '../support/link-proxy';
import { startSshd, type SshdHandle } from '../support/sshd';
import { createAppFixture, type AppFixture } from './app-fixture';

const BIG = 256 * 1024 * 1024;
const TREE_FILES = 500;
const DEAD_LINK_S = 5;
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TERMINAL = new Set(['done', 'failed', 'cancelled', 'skipped']);

/** Every file below `dir` as relative path → sha256 (folders as 'dir'). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[r] = 'dir';
        walk(path.join(d, e.name), r);
      } else out[r] = sha(path.join(d, e.name));
    }
  };
  walk(dir, '');
  return out;
}

function writeBig(file: string): void {
  const chunk = 16 * 1024 * 1024;
  writeFileSync(file, '');
  for (let i = 0; i < BIG / chunk; i++) writeFileSync(file, randomBytes(chunk), { flag: 'a' });
}

/** 500 files (1 B – 200 KiB) in nested folders, and two empty nested folders. */
function writeTree(root: string): void {
  for (let i = 0; i < TREE_FILES; i++) {
    const dir = path.join(root, `d${i % 10}`, `e${i % 3}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}.bin`), randomBytes(1 + ((i * 7919) % (200 * 1024))));
  }
  mkdirSync(path.join(root, 'empty', 'deeper'), { recursive: true });
}

describe('reconnect fault matrix (real sshd behind the fault proxy)', () => {
  let server: SshdHandle;
  let link: LinkProxy;
  let f: AppFixture;
  let session: SessionInfo;
  let local: string; // sources of uploads, targets of downloads
  let remote: string; // the server's side
  const asked: QuestionDto[] = [];
  let answerConflicts: ((q: QuestionDto) => void) | undefined;
  /** What every target folder must hold at the end. */
  let expected: Record<string, string>;

  beforeAll(async () => {
    server = await startSshd();
    // 640 Mbit/s: a case moves ~600 MiB in about 8 s, so a fault lands while all four jobs run.
    link = await startLinkProxy({ targetPort: server.port, rateMbit: 640 });
    f = await createAppFixture({ connectDefaults: keepaliveFor(DEAD_LINK_S) });
    f.onEvent = (event, payload) => {
      if (event !== 'question:ask') return;
      const q = payload as QuestionDto;
      asked.push(q);
      if (q.kind === 'host-key') void f.call('question:answer', { id: q.id, answer: { kind: 'host-key', decision: 'trust-once' } });
      else if (q.kind === 'conflict' && answerConflicts) answerConflicts(q);
      else if (q.kind !== 'conflict') void f.call('question:cancel', { id: q.id });
    };
    local = mkdtempSync(path.join(f.tmp, 'local-'));
    remote = mkdtempSync(path.join(server.scratch, 'matrix-'));
    writeBig(path.join(local, 'big.bin'));
    writeTree(path.join(local, 'tree'));
    expected = snapshot(local);
    // The download sources: the same bytes on the server's side.
    mkdirSync(path.join(remote, 'src'));
    cpSync(path.join(local, 'big.bin'), path.join(remote, 'src', 'big.bin'));
    cpSync(path.join(local, 'tree'), path.join(remote, 'src', 'tree'), { recursive: true });
    const r = await f.call('session:connect', {
      host: link.host,
      port: link.port,
      username: server.user,
      authMethod: 'key',
      keyPath: server.clientKeys.ed25519,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    session = r.value as SessionInfo;
  }, 120_000);

  afterAll(async () => {
    await f?.close();
    await link?.stop();
    await server?.stop();
  });

  async function ok<T>(channel: string, arg?: unknown): Promise<T> {
    const r = await f.call(channel, arg);
    if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
    return r.value as T;
  }
  const jobs = async (ids: string[]) => (await ok<TransferJobDto[]>('transfer:list')).filter((j) => ids.includes(j.id));
  const waitUntil = async (what: string, pred: () => Promise<boolean> | boolean, timeoutMs = 180_000): Promise<void> => {
    const end = Date.now() + timeoutMs;
    while (!(await pred())) {
      if (Date.now() > end) {
        const state = (await ok<TransferJobDto[]>('transfer:list')).map(
          (j) => `${j.id} ${j.direction} ${j.state} ${j.bytesDone}/${j.bytesTotal} ${j.error?.message ?? ''}`,
        );
        throw new Error(`timed out waiting for ${what}; jobs:\n${state.join('\n')}`);
      }
      await sleep(50);
    }
  };
  /** Every job has at least `share` of its bytes (so the fault lands in the middle of all of them). */
  const allPast = (ids: string[], share: number) =>
    waitUntil(`jobs past ${share}`, async () => {
      const js = await jobs(ids);
      return js.every((j) => j.bytesTotal > 0 && j.bytesDone >= j.bytesTotal * share && !TERMINAL.has(j.state));
    });
  const stateEvents = (since: number) =>
    f.events.slice(since).filter((e) => e.event === 'session:state' && (e.payload as { sessionId: string }).sessionId === session.sessionId);
  const reconnected = (since: number) =>
    f.waitForEvent<EventPayloads['session:state']>(
      (e, p) =>
        e === 'session:state' && (p as EventPayloads['session:state']).state === 'connected' && (p as { sessionId: string }).sessionId === session.sessionId,
      since,
    );

  type Kind = 'file' | 'tree';
  /** Starts one case's upload and download of `kind` at once, into fresh target folders. */
  async function startPair(kind: Kind, name: string) {
    const up = path.join(remote, `${kind}-${name}`);
    const down = path.join(local, `down-${kind}-${name}`);
    mkdirSync(up);
    mkdirSync(down);
    const source = kind === 'file' ? 'big.bin' : 'tree';
    const enqueue = (direction: 'upload' | 'download', sources: string[], targetDir: string) =>
      ok<TransferJobDto>('transfer:enqueue', { sessionId: session.sessionId, direction, sources, targetDir });
    const list = [await enqueue('upload', [path.join(local, source)], up), await enqueue('download', [path.join(remote, 'src', source)], down)];
    return { kind, ids: list.map((j) => j.id), up, down };
  }

  /** Both done, byte-identical, nothing left over, no question beyond the first host key. */
  async function expectFinished(c: Awaited<ReturnType<typeof startPair>>) {
    await waitUntil('jobs to finish', async () => (await jobs(c.ids)).every((j) => TERMINAL.has(j.state)));
    const end = await jobs(c.ids);
    for (const j of end) expect({ id: j.id, state: j.state, error: j.error ?? null }).toEqual({ id: j.id, state: 'done', error: null });
    expect(end.every((j) => j.sessionId === session.sessionId)).toBe(true);
    const want = Object.fromEntries(Object.entries(expected).filter(([k]) => (c.kind === 'file' ? k === 'big.bin' : k === 'tree' || k.startsWith('tree/'))));
    // The same names and bytes on both sides: no part files, no "(1)" copies.
    expect(snapshot(c.up)).toEqual(want);
    expect(snapshot(c.down)).toEqual(want);
    expect(asked.filter((q) => q.kind !== 'host-key' || asked.indexOf(q) > 0)).toEqual([]);
  }

  // Each fault, once with the big file and once with the tree (up and down at once each time;
  // the engine gives a big file's stripes the memory budget first, so the two kinds run apart).
  const faults: Record<string, (c: Awaited<ReturnType<typeof startPair>>) => Promise<void>> = {
    'cut for 2 s (browsing says RECONNECTING meanwhile)': async (c) => {
      await allPast(c.ids, 0.2);
      const since = f.events.length;
      const cut = link.cutFor(2000);
      await f.waitForEvent((e, p) => e === 'session:state' && (p as { state: string }).state === 'reconnecting', since);
      const during = await f.call('sftp:stat', { sessionId: session.sessionId, path: remote });
      expect(during).toMatchObject({ ok: false, error: { code: 'RECONNECTING' } });
      expect(during.error?.message).toMatch(/reconnecting/);
      await cut;
      await reconnected(since);
      expect(stateEvents(since)[0]?.payload).toMatchObject({ state: 'reconnecting', attempt: 1 });
      expect(f.events.slice(since).some((e) => e.event === 'session:closed')).toBe(false);
    },
    'black hole for 30 s (keepalive notices it)': async (c) => {
      await allPast(c.ids, 0.2);
      const since = f.events.length;
      await link.blackhole();
      await f.waitForEvent((e, p) => e === 'session:state' && (p as { state: string }).state === 'reconnecting', since);
      await sleep(30_000 - DEAD_LINK_S * 1000);
      await link.restore();
      await reconnected(since);
    },
    'server restarted (refused while down, back on the same port)': async (c) => {
      await allPast(c.ids, 0.2);
      const since = f.events.length;
      await link.cut();
      await server.stop();
      await link.restore(); // the proxy is up again, the server behind it is not: connections are refused
      await sleep(1500);
      server = await startSshd({ dir: server.dir, port: server.port });
      await reconnected(since);
      expect(stateEvents(since).some((e) => (e.payload as { attempt?: number }).attempt! >= 2)).toBe(true);
    },
    'cut three times in one transfer': async (c) => {
      // The first cut lands in both jobs; the later ones in whichever is still running past the mark.
      for (const share of [0.1, 0.4, 0.65]) {
        if (share === 0.1) await allPast(c.ids, share);
        else
          await waitUntil(`a job past ${share}`, async () =>
            (await jobs(c.ids)).some((j) => j.bytesTotal > 0 && j.bytesDone >= j.bytesTotal * share && !TERMINAL.has(j.state)),
          );
        const since = f.events.length;
        await link.cutFor(1000);
        await reconnected(since);
      }
    },
  };
  for (const kind of ['file', 'tree'] as const) {
    for (const [name, fault] of Object.entries(faults)) {
      it(`${kind === 'file' ? 'a 256 MiB file' : 'a 500-file tree'}, up and down at once — ${name}: same session id, both finish`, async () => {
        // A tree is a fifth of the bytes: a slower link keeps it running through three cuts.
        await link.setRate(kind === 'file' ? 640 : 80);
        const c = await startPair(kind, name.split(' ')[0]! + name.length);
        await fault(c);
        await expectFinished(c);
        expect((await ok<SessionInfo[]>('session:list')).map((s) => s.sessionId)).toEqual([session.sessionId]);
      }, 300_000);
    }
  }

  it('cut while a conflict question is open: asked once, answered after the reconnect, nothing lost', async () => {
    const up = path.join(remote, 'conflict');
    mkdirSync(path.join(up, 'tree', 'd3', 'e1'), { recursive: true });
    writeFileSync(path.join(up, 'tree', 'd3', 'e1', 'f13.bin'), 'an older copy on the server');
    let question: QuestionDto | undefined;
    answerConflicts = (q) => (question = q);
    try {
      const job = await ok<TransferJobDto>('transfer:enqueue', {
        sessionId: session.sessionId,
        direction: 'upload',
        sources: [path.join(local, 'tree')],
        targetDir: up,
        conflict: 'ask',
      });
      await waitUntil('the conflict question', () => question !== undefined);
      const since = f.events.length;
      await link.cutFor(2000);
      await reconnected(since);
      await ok('question:answer', { id: question!.id, answer: { kind: 'conflict', action: 'overwrite', applyToAll: false } });
      await waitUntil('the job to finish', async () => TERMINAL.has((await jobs([job.id]))[0]!.state));
      expect((await jobs([job.id]))[0]).toMatchObject({ state: 'done' });
      expect(asked.filter((q) => q.kind === 'conflict')).toHaveLength(1);
      const want = snapshot(path.join(local, 'tree'));
      expect(snapshot(path.join(up, 'tree'))).toEqual(want);
    } finally {
      answerConflicts = undefined;
      asked.splice(0, asked.length, ...asked.filter((q) => q.kind !== 'conflict'));
    }
  }, 300_000);
});

describe('when reconnecting cannot or must not succeed', () => {
  let server: SshdHandle;
  let link: LinkProxy;
  let f: AppFixture;
  const asked: QuestionDto[] = [];
  let local: string;
  let remote: string;

  beforeAll(async () => {
    server = await startSshd();
    link = await startLinkProxy({ targetPort: server.port, rateMbit: 200 });
    // A short give-up time, so "never comes back" ends within the test.
    f = await createAppFixture({ reconnectPolicy: { firstDelayMs: 200, maxDelayMs: 1000, giveUpAfterMs: 4000 } });
    f.onEvent = (event, payload) => {
      if (event !== 'question:ask') return;
      const q = payload as QuestionDto;
      asked.push(q);
      void f.call('question:answer', { id: q.id, answer: { kind: 'host-key', decision: 'trust-once' } });
    };
    local = mkdtempSync(path.join(f.tmp, 'local-'));
    remote = mkdtempSync(path.join(server.scratch, 'stop-'));
    writeFileSync(path.join(local, 'big.bin'), randomBytes(48 * 1024 * 1024));
  }, 120_000);

  afterAll(async () => {
    await f?.close();
    await link?.stop();
    await server?.stop();
    rmSync(local, { recursive: true, force: true });
  });

  async function ok<T>(channel: string, arg?: unknown): Promise<T> {
    const r = await f.call(channel, arg);
    if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
    return r.value as T;
  }
  /** Connects, starts an upload and waits until a quarter of it is through. */
  async function uploading(name: string) {
    const s = await ok<SessionInfo>('session:connect', {
      host: link.host,
      port: link.port,
      username: server.user,
      authMethod: 'key',
      keyPath: server.clientKeys.ed25519,
    });
    const dir = path.join(remote, name);
    mkdirSync(dir);
    const since = f.events.length;
    const job = await ok<TransferJobDto>('transfer:enqueue', {
      sessionId: s.sessionId,
      direction: 'upload',
      sources: [path.join(local, 'big.bin')],
      targetDir: dir,
    });
    await f.waitForEvent(
      (e, p) => e === 'transfer:progress' && (p as Array<{ id: string; bytesDone: number }>).some((x) => x.id === job.id && x.bytesDone > 12 * 1024 * 1024),
      since,
    );
    return { s, job, dir };
  }
  const failed = (id: string, since: number) =>
    f.waitForEvent<TransferJobDto>((e, p) => e === 'transfer:changed' && (p as TransferJobDto).id === id && TERMINAL.has((p as TransferJobDto).state), since);
  const closed = (sessionId: string, since: number) =>
    f.waitForEvent<EventPayloads['session:closed']>((e, p) => e === 'session:closed' && (p as { sessionId: string }).sessionId === sessionId, since);

  it('a link that never comes back: gives up after the policy’s time, says so, and the job offers Connect and retry', async () => {
    const { s, job, dir } = await uploading('gone');
    const since = f.events.length;
    await link.cut();
    const end = await closed(s.sessionId, since);
    expect(end).toMatchObject({ code: 'CONNECTION_LOST', byUser: false });
    expect(end.message).toMatch(/Could not reconnect to .* within 4 s/);
    const j = await failed(job.id, since);
    expect(j).toMatchObject({ state: 'failed', serverConnected: false });
    expect(j.error?.message).toMatch(/Could not reconnect/);
    // The part stays for a later Retry.
    expect(readdirSync(dir).some((n) => n.endsWith('.skiffpart'))).toBe(true);
    await link.restore();
  }, 120_000);

  it('Cancel while reconnecting: the session ends as the user asked, the job waits for Connect and retry', async () => {
    const { s, job } = await uploading('cancel');
    const since = f.events.length;
    await link.cut();
    await f.waitForEvent((e, p) => e === 'session:state' && (p as { sessionId: string }).sessionId === s.sessionId, since);
    try {
      await ok('session:disconnect', { sessionId: s.sessionId });
      expect(await closed(s.sessionId, since)).toMatchObject({ byUser: true });
      const j = await failed(job.id, since);
      expect(j).toMatchObject({ state: 'failed', serverConnected: false, error: { code: 'NOT_CONNECTED' } });
      expect(j.error?.message).toMatch(/disconnected .* while it was reconnecting/);
    } finally {
      await link.restore();
    }
  }, 120_000);

  it('the server comes back with another host key: reconnecting stops, unasked, with HOST_KEY_CHANGED', async () => {
    const { s, job } = await uploading('key');
    const askedBefore = asked.length;
    const since = f.events.length;
    await link.cut();
    await server.stop();
    server = await startSshd({ dir: server.dir, port: server.port, regenerateHostKeys: true });
    await link.restore();
    const end = await closed(s.sessionId, since);
    expect(end).toMatchObject({ code: 'HOST_KEY_CHANGED', byUser: false });
    expect(end.message).toMatch(/different host key than the one accepted for this session/);
    expect(asked.length).toBe(askedBefore);
    const j = await failed(job.id, since);
    expect(j).toMatchObject({ state: 'failed', error: { code: 'HOST_KEY_CHANGED' } });
  }, 120_000);
});
