// The queue survives a restart (issue 13): a 64 MiB upload or download is stopped by quitting (the
// app context disposed mid-transfer), a NEW context opens on the same config dir, "Resume all"
// continues from the part file (fewer bytes cross the link than the file has), and the result is
// sha256-identical with no part file left. Discard removes exactly the part files the jobs wrote.
// Real sshd through the link proxy (its rate cap keeps the first run slow enough to stop midway),
// the real app context and registry.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SessionInfo, TransferJobDto, UnfinishedResolution, UnfinishedTransfersDto } from '../../electron/ipc/contract';
import { startLinkProxy, type LinkProxy } from '../support/link-proxy';
import { answering, createAppFixture, type AppFixture } from './app-fixture';

const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const TERMINAL = ['done', 'failed', 'cancelled', 'skipped'];

describe('unfinished transfers across a restart of the app context', () => {
  const sshd = inject('sshd');
  let link: LinkProxy;
  beforeAll(async () => {
    link = await startLinkProxy({ targetPort: sshd.port });
  });
  afterAll(async () => {
    await link.stop();
  });

  /** Every question asked in any run (only host keys are answered; anything else would be a question a user should not get). */
  const asked: string[] = [];
  async function app(reuse?: AppFixture): Promise<AppFixture> {
    const f = await createAppFixture({ openPath: async () => undefined }, reuse ? { tmp: reuse.tmp } : undefined);
    answering(f, (q) => {
      if (q.kind === 'host-key') return { kind: 'host-key', decision: 'trust-once' };
      asked.push(q.kind);
      return null;
    });
    return f;
  }
  async function ok<T>(f: AppFixture, channel: string, arg?: unknown): Promise<T> {
    const r = await f.call(channel, arg);
    if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
    return r.value as T;
  }
  const connect = (f: AppFixture) =>
    ok<SessionInfo>(f, 'session:connect', { host: link.host, port: link.port, username: sshd.user, authMethod: 'key', keyPath: sshd.clientKeys.ed25519 });
  const progressed = (f: AppFixture, id: string, atLeast: number) =>
    f.waitForEvent((e, p) => e === 'transfer:progress' && (p as Array<{ id: string; bytesDone: number }>).some((x) => x.id === id && x.bytesDone >= atLeast));
  const changed = (f: AppFixture, id: string, states: string[], since: number) =>
    f.waitForEvent<TransferJobDto>(
      (e, p) => e === 'transfer:changed' && (p as TransferJobDto).id === id && states.includes((p as TransferJobDto).state),
      since,
    );
  /** How a restored job ends once it ran (it is added failed, so its first terminal event is not the one). */
  const ranAndSettled = async (f: AppFixture, id: string, since: number): Promise<TransferJobDto> => {
    const ran = await changed(f, id, ['running'], since);
    return changed(
      f,
      id,
      TERMINAL,
      f.events.findIndex((x) => x.payload === ran),
    );
  };
  const journal = (f: AppFixture): { jobs: Array<Record<string, unknown>> } =>
    JSON.parse(readFileSync(path.join(f.configDir, 'transfers.json'), 'utf8')) as { jobs: Array<Record<string, unknown>> };

  /** Starts a job on a slow link and quits the app once `atLeast` bytes are through. */
  async function quitMidway(direction: 'upload' | 'download'): Promise<{ a: AppFixture; src: string; dir: string; part: string; target: string }> {
    await link.setRate(80);
    const a = await app();
    const s = await connect(a);
    const local = path.join(a.tmp, 'local');
    mkdirSync(local, { recursive: true });
    const remote = mkdtempSync(path.join(sshd.scratch, `unfinished-${direction}-`));
    const [srcDir, dir] = direction === 'upload' ? [local, remote] : [remote, local];
    const src = path.join(srcDir, 'big.bin');
    writeFileSync(src, randomBytes(SIZE));
    const job = await ok<TransferJobDto>(a, 'transfer:enqueue', { sessionId: s.sessionId, direction, sources: [src], targetDir: dir });
    await progressed(a, job.id, 8 * MiB);
    await a.ctx.dispose(); // quitting
    return { a, src, dir, part: path.join(dir, 'big.bin.skiffpart'), target: path.join(dir, 'big.bin') };
  }

  for (const direction of ['upload', 'download'] as const) {
    it(`${direction}: quit mid-transfer, start again, Resume all → sha256-identical, continued from the part, no part left`, async () => {
      const { a, src, dir, part, target } = await quitMidway(direction);
      // Quitting kept what the job wrote, and the journal says where it stood.
      expect(existsSync(target)).toBe(false);
      const partSize = statSync(part).size;
      expect(partSize).toBeGreaterThan(0);
      expect(partSize).toBeLessThan(SIZE);
      expect(journal(a).jobs).toEqual([expect.objectContaining({ direction, sources: [src], targetDir: dir, parts: [part], bytesTotal: SIZE })]);
      // It shows how far the job had come (the stop itself uncounts the interrupted file).
      expect(journal(a).jobs[0]!.bytesDone).toBeGreaterThanOrEqual(8 * MiB);

      await link.setRate(null);
      const b = await app(a);
      try {
        const offered = await ok<UnfinishedTransfersDto>(b, 'transfer:unfinished');
        expect(offered.problems).toEqual([]);
        expect(offered.jobs).toEqual([
          expect.objectContaining({
            direction,
            label: 'big.bin',
            parts: 1,
            bytesTotal: SIZE,
            server: { host: link.host, port: link.port, username: sshd.user },
          }),
        ]);
        await connect(b);
        const before = await link.stats();
        const since = b.events.length;
        const r = await ok<UnfinishedResolution>(b, 'transfer:resolve-unfinished', { choice: 'resume' });
        expect(r.jobs).toHaveLength(1);
        expect(r.jobs[0]!.serverConnected).toBe(true);
        const done = await ranAndSettled(b, r.jobs[0]!.id, since);
        expect(done).toMatchObject({ state: 'done', bytesDone: SIZE });
        expect(sha(target)).toBe(sha(src));
        expect(readdirSync(dir).filter((n) => n !== 'local')).toEqual(['big.bin']);
        // It continued: what crossed the link is what the part lacked (plus the 16 MiB re-sent and the compare), not the whole file.
        const after = await link.stats();
        const moved = direction === 'upload' ? after.up - before.up : after.down - before.down;
        expect(moved).toBeLessThan(SIZE - partSize + 16 * MiB + 4 * MiB);
        // Nothing is offered any more, and the journal is empty once written.
        expect((await ok<UnfinishedTransfersDto>(b, 'transfer:unfinished')).jobs).toEqual([]);
        await b.ctx.dispose();
        expect(journal(b).jobs).toEqual([]);
      } finally {
        rmSync(b.tmp, { recursive: true, force: true });
        rmSync(direction === 'upload' ? dir : path.dirname(src), { recursive: true, force: true });
      }
    });
  }

  it('a tree of 500 files: quit midway, Resume all → every file identical, none asked about or copied twice, no part left', async () => {
    await link.setRate(80);
    asked.length = 0;
    const a = await app();
    const s = await connect(a);
    const tree = path.join(a.tmp, 'local', 'tree');
    for (let i = 0; i < 500; i++) {
      const dir = path.join(tree, `d${i % 10}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `f${i}.bin`), randomBytes(128 * 1024 + i));
    }
    const remote = mkdtempSync(path.join(sshd.scratch, 'unfinished-tree-'));
    const job = await ok<TransferJobDto>(a, 'transfer:enqueue', { sessionId: s.sessionId, direction: 'upload', sources: [tree], targetDir: remote });
    await progressed(a, job.id, 16 * MiB);
    await a.ctx.dispose();
    const landed = (journal(a).jobs[0]?.finished as unknown[] | undefined)?.length ?? 0;
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(500);

    await link.setRate(null);
    const b = await app(a);
    try {
      await connect(b);
      const before = await link.stats();
      const since = b.events.length;
      const r = await ok<UnfinishedResolution>(b, 'transfer:resolve-unfinished', { choice: 'resume' });
      const done = await ranAndSettled(b, r.jobs[0]!.id, since);
      expect(done).toMatchObject({ state: 'done', filesDone: 500, filesTotal: 500, fileErrors: [] });
      expect(asked).toEqual([]);
      for (let i = 0; i < 500; i++) {
        const rel = path.join(`d${i % 10}`, `f${i}.bin`);
        expect(sha(path.join(remote, 'tree', rel)), rel).toBe(sha(path.join(tree, rel)));
      }
      const all = readdirSync(path.join(remote, 'tree'), { recursive: true }) as string[];
      expect(all.filter((n) => n.endsWith('.skiffpart') || n.includes(' ('))).toEqual([]);
      expect(all).toHaveLength(510);
      // Files finished before the quit did not cross the link again.
      const total = 500 * 128 * 1024 + (499 * 500) / 2;
      expect((await link.stats()).up - before.up).toBeLessThan(total - landed * 128 * 1024 + 4 * MiB);
      await b.ctx.dispose();
    } finally {
      rmSync(b.tmp, { recursive: true, force: true });
      rmSync(remote, { recursive: true, force: true });
    }
  });

  it('Discard removes the part files the jobs wrote and nothing else (an upload’s at the next connection); edit downloads were never journaled', async () => {
    await link.setRate(40); // three jobs share it: none may finish before the quit
    const a = await app();
    const s = await connect(a);
    const local = path.join(a.tmp, 'local');
    mkdirSync(local, { recursive: true });
    const remote = mkdtempSync(path.join(sshd.scratch, 'unfinished-discard-'));
    writeFileSync(path.join(local, 'up.bin'), randomBytes(SIZE));
    writeFileSync(path.join(remote, 'down.bin'), randomBytes(SIZE));
    writeFileSync(path.join(remote, 'notes.txt'), randomBytes(24 * MiB));
    // Files that are not the jobs' own, part-like names included: Discard must leave them.
    for (const d of [local, remote]) {
      writeFileSync(path.join(d, 'keep.txt'), 'mine');
      writeFileSync(path.join(d, 'stranger.bin.skiffpart'), 'not written by these jobs');
    }
    const editing = ok(a, 'edit:open-files', { sessionId: s.sessionId, paths: [path.join(remote, 'notes.txt')], mode: 'open' }).catch(() => undefined);
    const edit = await a.waitForEvent<TransferJobDto>((e, p) => e === 'transfer:changed' && (p as TransferJobDto).label === 'notes.txt');
    const up = await ok<TransferJobDto>(a, 'transfer:enqueue', {
      sessionId: s.sessionId,
      direction: 'upload',
      sources: [path.join(local, 'up.bin')],
      targetDir: remote,
    });
    const down = await ok<TransferJobDto>(a, 'transfer:enqueue', {
      sessionId: s.sessionId,
      direction: 'download',
      sources: [path.join(remote, 'down.bin')],
      targetDir: local,
    });
    await Promise.all([progressed(a, up.id, 2 * MiB), progressed(a, down.id, 2 * MiB), progressed(a, edit.id, MiB)]);
    await a.ctx.dispose();
    await editing;
    const upPart = path.join(remote, 'up.bin.skiffpart');
    const downPart = path.join(local, 'down.bin.skiffpart');
    expect(existsSync(upPart) && existsSync(downPart)).toBe(true);

    await link.setRate(null);
    const b = await app(a);
    try {
      const offered = await ok<UnfinishedTransfersDto>(b, 'transfer:unfinished');
      // The edit download is the edit feature's own business: not offered.
      expect(offered.jobs.map((j) => j.label).sort()).toEqual(['down.bin', 'up.bin']);

      // Not connected yet: the local part goes now, the server's waits for its next connection.
      const r = await ok<UnfinishedResolution>(b, 'transfer:resolve-unfinished', { choice: 'discard' });
      expect(r).toEqual({ jobs: [], removedParts: 1, laterServers: [{ host: link.host, port: link.port, username: sshd.user }] });
      expect(readdirSync(local).sort()).toEqual(['keep.txt', 'stranger.bin.skiffpart', 'up.bin']);
      expect(existsSync(upPart)).toBe(true);
      expect((await ok<UnfinishedTransfersDto>(b, 'transfer:unfinished')).jobs).toEqual([]);
      expect(journal(b).jobs).toEqual([expect.objectContaining({ label: 'up.bin', discarded: true })]);

      await connect(b);
      await expect.poll(() => existsSync(upPart), { timeout: 30_000, interval: 50 }).toBe(false);
      expect(readdirSync(remote).sort()).toEqual(['down.bin', 'keep.txt', 'notes.txt', 'stranger.bin.skiffpart']);
      expect(readFileSync(path.join(remote, 'stranger.bin.skiffpart'), 'utf8')).toBe('not written by these jobs');
      await b.ctx.dispose();
      expect(journal(b).jobs).toEqual([]);
      // A third start offers nothing.
      const c = await app(b);
      expect(await ok<UnfinishedTransfersDto>(c, 'transfer:unfinished')).toEqual({ jobs: [], problems: [] });
      await c.ctx.dispose();
    } finally {
      rmSync(b.tmp, { recursive: true, force: true });
      rmSync(remote, { recursive: true, force: true });
    }
  });

  it('Review puts the jobs in the queue as failed without starting them; a corrupt journal is kept aside and reported', async () => {
    const { a, part } = await quitMidway('upload');
    await link.setRate(null);
    const partSize = statSync(part).size;
    const b = await app(a);
    try {
      await connect(b);
      const r = await ok<UnfinishedResolution>(b, 'transfer:resolve-unfinished', { choice: 'review' });
      expect(r.jobs).toEqual([
        expect.objectContaining({ state: 'failed', label: 'big.bin', serverConnected: true, error: expect.objectContaining({ code: 'INTERRUPTED' }) }),
      ]);
      expect((await ok<TransferJobDto[]>(b, 'transfer:list')).map((j) => j.state)).toEqual(['failed']);
      expect(statSync(part).size).toBe(partSize);
      await b.ctx.dispose();
      // Still unfinished: offered again at the next start.
      expect(journal(b).jobs).toHaveLength(1);

      writeFileSync(path.join(b.configDir, 'transfers.json'), '{"version": 1, "jobs": [');
      const c = await app(b);
      const offered = await ok<UnfinishedTransfersDto>(c, 'transfer:unfinished');
      expect(offered.jobs).toEqual([]);
      expect(offered.problems).toEqual([expect.objectContaining({ kind: 'parse', file: path.join(c.configDir, 'transfers.json') })]);
      expect(readFileSync(offered.problems[0]!.keptAs!, 'utf8')).toBe('{"version": 1, "jobs": [');
      await c.ctx.dispose();
    } finally {
      rmSync(b.tmp, { recursive: true, force: true });
    }
  });
});
