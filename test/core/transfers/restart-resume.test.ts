// A job the app did not finish (it quit or crashed) continues in a NEW queue: its part files are
// continued under the resume policy (compare, then continue), files it finished are not copied
// again, and quitting (shutdown) keeps the parts where a cancel removes them. Real files on disk.
import { existsSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileHandle, OpenFlags } from '../../../electron/core/fs/file-system';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import { PART_SUFFIX, RESUME_BACKOFF } from '../../../electron/core/transfers/file-transfer';
import { offlineEndpoint } from '../../../electron/core/transfers/offline-endpoint';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import type { TransferEndpoint } from '../../../electron/core/transfers/types';
import { SkiffError } from '../../../electron/core/errors';
import { localEndpoint, patternBytes, sha256File, tempDir, writeFile } from './helpers';

const MiB = 1024 * 1024;

/** A real LocalFs that counts the bytes written through its handles (to see where a copy started). */
class CountingFs extends LocalFs {
  written = 0;
  override async open(p: string, flags: OpenFlags, mode?: number): Promise<FileHandle> {
    const h = await super.open(p, flags, mode);
    return {
      read: (b, o, l, pos) => h.read(b, o, l, pos),
      write: async (b, o, l, pos) => {
        await h.write(b, o, l, pos);
        this.written += l;
      },
      stat: () => h.stat(),
      close: () => h.close(),
    };
  }
}

function setup(size: number, partBytes: number) {
  const src = tempDir();
  const dst = tempDir();
  const data = patternBytes(size, 7);
  const file = path.join(src, 'big.bin');
  writeFile(file, data);
  const part = path.join(dst, 'big.bin' + PART_SUFFIX);
  writeFileSync(part, data.subarray(0, partBytes));
  return { src, dst, file, part, data };
}

describe('a job restored after a restart, in a fresh queue', () => {
  it('continues its own part file: only the bytes after the resume point are written again', async () => {
    const size = 40 * MiB;
    const { dst, file, part } = setup(size, 30 * MiB);
    const target = new CountingFs();
    const q = new TransferQueue();
    const job = q.add({
      direction: 'upload',
      source: localEndpoint(),
      sources: [file],
      target: { fs: target },
      targetDir: dst,
      restore: { finished: [], parts: [part] },
    });
    const done = await q.whenSettled(job.id);
    expect(done.state).toBe('done');
    expect(sha256File(path.join(dst, 'big.bin'))).toBe(sha256File(file));
    expect(existsSync(part)).toBe(false);
    // Unknown history: it backs off RESUME_BACKOFF from the part's end, compares, then continues.
    expect(target.written).toBe(size - (30 * MiB - RESUME_BACKOFF));
    expect(q.resumeState(job.id).parts).toEqual([]);
  });

  it('without the restore record the same leftover part is written over from the start (the policy is not resume)', async () => {
    const size = 40 * MiB;
    const { dst, file, part } = setup(size, 30 * MiB);
    const target = new CountingFs();
    const q = new TransferQueue();
    const done = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), sources: [file], target: { fs: target }, targetDir: dst, conflict: 'overwrite' }).id,
    );
    expect(done.state).toBe('done');
    expect(target.written).toBe(size);
    expect(existsSync(part)).toBe(false);
  });

  it('a part whose bytes before the resume point differ from the source is rewritten from zero', async () => {
    const size = 40 * MiB;
    const { dst, file, part, data } = setup(size, 30 * MiB);
    const bad = Buffer.from(data.subarray(0, 30 * MiB));
    const at = 30 * MiB - RESUME_BACKOFF - 10; // inside the compared window
    bad[at] = bad[at]! ^ 0xff;
    writeFileSync(part, bad);
    const target = new CountingFs();
    const q = new TransferQueue();
    const done = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), sources: [file], target: { fs: target }, targetDir: dst, restore: { finished: [], parts: [part] } })
        .id,
    );
    expect(done.state).toBe('done');
    expect(target.written).toBe(size);
    expect(sha256File(path.join(dst, 'big.bin'))).toBe(sha256File(file));
  });

  it('files the earlier run finished are not copied again while their source is unchanged; changed ones are', async () => {
    const src = tempDir();
    const dst = tempDir();
    const root = path.join(src, 'tree');
    writeFile(path.join(root, 'a.txt'), 'a'.repeat(1000));
    writeFile(path.join(root, 'b.txt'), 'b'.repeat(2000));
    writeFile(path.join(root, 'c.txt'), 'c'.repeat(3000));
    utimesSync(path.join(root, 'a.txt'), 1_600_000_000, 1_600_000_000);
    utimesSync(path.join(root, 'b.txt'), 1_600_000_000, 1_600_000_000);
    // The earlier run's copies of a and b landed; b's source changed since.
    writeFile(path.join(dst, 'tree', 'a.txt'), 'a'.repeat(1000));
    writeFile(path.join(dst, 'tree', 'b.txt'), 'b'.repeat(2000));
    const aIno = statSync(path.join(dst, 'tree', 'a.txt')).ino;
    const st = (n: string) => statSync(path.join(root, n));
    const finished = [
      { path: 'tree/a.txt', size: 1000, mtimeMs: st('a.txt').mtimeMs },
      { path: 'tree/b.txt', size: 2000, mtimeMs: st('b.txt').mtimeMs },
    ];
    writeFile(path.join(root, 'b.txt'), 'B'.repeat(2000));
    utimesSync(path.join(root, 'b.txt'), 1_700_000_000, 1_700_000_000);

    const asked: string[] = [];
    const q = new TransferQueue({
      onConflict: async (c) => {
        asked.push(path.basename(c.target.path));
        return { action: 'overwrite' };
      },
    });
    const job = q.add({
      direction: 'download',
      source: localEndpoint(),
      sources: [root],
      target: localEndpoint(),
      targetDir: dst,
      restore: { finished, parts: [] },
    });
    expect(q.resumeState(job.id).finished).toEqual(finished); // before it scanned: what it was given
    const done = await q.whenSettled(job.id);
    expect(done).toMatchObject({ state: 'done', filesDone: 3, bytesDone: 6000, bytesTotal: 6000 });
    // a.txt was left alone (same inode, nobody asked); b.txt changed at the source: asked, copied again.
    expect(statSync(path.join(dst, 'tree', 'a.txt')).ino).toBe(aIno);
    expect(asked).toEqual(['b.txt']);
    expect(readFileSync(path.join(dst, 'tree', 'b.txt'), 'utf8')).toBe('B'.repeat(2000));
    expect(readFileSync(path.join(dst, 'tree', 'c.txt'), 'utf8')).toBe('c'.repeat(3000));
    expect(
      q
        .resumeState(job.id)
        .finished.map((f) => f.path)
        .sort(),
    ).toEqual(['tree/a.txt', 'tree/b.txt', 'tree/c.txt']);
  });

  it('a file landed just after the journal’s last write (part gone, target with the source’s size and mtime) counts as done, unasked', async () => {
    const src = tempDir();
    const dst = tempDir();
    const file = path.join(src, 'a.bin');
    writeFile(file, patternBytes(3 * MiB, 5));
    utimesSync(file, 1_600_000_000.25, 1_600_000_000.25);
    writeFile(path.join(dst, 'a.bin'), patternBytes(3 * MiB, 5));
    utimesSync(path.join(dst, 'a.bin'), 1_600_000_000, 1_600_000_000); // what SFTP's whole seconds keep
    const ino = statSync(path.join(dst, 'a.bin')).ino;
    const asked: string[] = [];
    const q = new TransferQueue({
      onConflict: async (c) => {
        asked.push(c.target.path);
        return { action: 'skip' };
      },
    });
    const done = await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: [file],
        target: localEndpoint(),
        targetDir: dst,
        restore: { finished: [], parts: [path.join(dst, 'a.bin' + PART_SUFFIX)] },
      }).id,
    );
    expect(done).toMatchObject({ state: 'done', filesDone: 1, bytesDone: 3 * MiB });
    expect(asked).toEqual([]);
    expect(statSync(path.join(dst, 'a.bin')).ino).toBe(ino);
  });

  it('a restored job that is only shown (addFailed) does not run until retried with live endpoints', async () => {
    const { dst, file, part } = setup(12 * MiB, 4 * MiB);
    const q = new TransferQueue({ maxAutoRetries: 0 });
    const snap = q.addFailed(
      {
        direction: 'upload',
        source: localEndpoint(),
        sources: [file],
        target: offlineEndpoint('me@example.org'),
        targetDir: dst,
        restore: { finished: [], parts: [part] },
      },
      new SkiffError('INTERRUPTED', 'Skiff stopped before this transfer finished.'),
      { bytesDone: 4 * MiB, bytesTotal: 12 * MiB, filesTotal: 1 },
    );
    expect(snap).toMatchObject({ state: 'failed', bytesDone: 4 * MiB, bytesTotal: 12 * MiB, error: { code: 'INTERRUPTED' } });
    expect(q.resumeState(snap.id).parts).toEqual([part]);
    // Retried while the server is still away: it fails with NOT_CONNECTED, the part untouched.
    q.retry(snap.id);
    expect(await q.whenSettled(snap.id)).toMatchObject({ state: 'failed', error: { code: 'NOT_CONNECTED' } });
    expect(statSync(part).size).toBe(4 * MiB);
    q.retry(snap.id, { target: localEndpoint() });
    expect((await q.whenSettled(snap.id)).state).toBe('done');
    expect(sha256File(path.join(dst, 'big.bin'))).toBe(sha256File(file));
    expect(existsSync(part)).toBe(false);
  });
});

describe('quitting vs cancelling', () => {
  /** Starts a 64 MiB copy and pauses it once bytes have landed in its part (deterministic, no timing). */
  async function pausedMidway(): Promise<{ q: TransferQueue; id: string; part: string; dst: string }> {
    const src = tempDir();
    const dst = tempDir();
    const file = path.join(src, 'big.bin');
    writeFile(file, patternBytes(64 * MiB, 3));
    const q = new TransferQueue({ progressIntervalMs: 0 });
    const target: TransferEndpoint = localEndpoint();
    const job = q.add({ direction: 'upload', source: localEndpoint(), sources: [file], target, targetDir: dst });
    await new Promise<void>((resolve) => {
      const off = q.onEvent((e) => {
        if (e.type === 'progress' && e.job.id === job.id && e.job.bytesDone > 0) {
          q.pause(job.id);
          off();
          resolve();
        }
      });
    });
    return { q, id: job.id, part: path.join(dst, 'big.bin' + PART_SUFFIX), dst };
  }

  it('shutdown() stops the job but keeps its part (and says so in resumeState); nothing starts afterwards', async () => {
    const { q, id, part, dst } = await pausedMidway();
    await q.shutdown();
    expect(q.get(id)?.state).toBe('cancelled');
    expect(existsSync(part)).toBe(true);
    expect(existsSync(path.join(dst, 'big.bin'))).toBe(false);
    expect(q.resumeState(id).parts).toEqual([part]);
    const later = q.add({ direction: 'upload', source: localEndpoint(), sources: [part], target: localEndpoint(), targetDir: tempDir() });
    expect(q.get(later.id)?.state).toBe('queued');
  });

  it('cancel() removes the part, as before', async () => {
    const { q, id, part } = await pausedMidway();
    q.cancel(id);
    expect((await q.whenSettled(id)).state).toBe('cancelled');
    expect(existsSync(part)).toBe(false);
    expect(q.resumeState(id).parts).toEqual([]);
  });

  it('a restored part the job no longer needs (its file was skipped) is removed; a stranger’s is not', async () => {
    const { dst, file, part } = setup(2 * MiB, MiB);
    writeFile(path.join(dst, 'big.bin'), 'already there');
    const stranger = path.join(dst, 'other.bin' + PART_SUFFIX);
    writeFile(stranger, 'not ours');
    const q = new TransferQueue();
    const done = await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: [file],
        target: localEndpoint(),
        targetDir: dst,
        conflict: 'skip',
        restore: { finished: [], parts: [part] },
      }).id,
    );
    expect(done.state).toBe('skipped');
    expect(existsSync(part)).toBe(false);
    expect(readFileSync(path.join(dst, 'big.bin'), 'utf8')).toBe('already there');
    expect(readFileSync(stranger, 'utf8')).toBe('not ours');
    truncateSync(stranger, 0);
  });
});
