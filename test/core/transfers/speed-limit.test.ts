// The queue's speed limit against the real sshd: every byte of each direction passes its bucket
// (small files, pipelined and striped ones), and a bucket whose clock is held still holds the
// queue at what it granted, until the limit changes. No wall-clock bounds anywhere.
import { describe, expect, inject, it } from 'vitest';
import path from 'node:path';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import type { SftpSession } from '../../../electron/core/sftp/types';
import type { RateLimiter } from '../../../electron/core/transfers/rate-limit';
import { ManualClock } from '../../support/manual-clock';
import { localEndpoint, patternBytes, tempDir, treeDigest, withSshdSession, writeFile } from './helpers';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Waits (real time, bounded by the test's timeout) until `cond` holds. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

/**
 * Moves the held clock on by `ms` in steps shorter than the bucket's quarter second, letting the
 * engine queue its next requests between steps (a bucket cannot grant requests not yet made).
 */
async function tick(clock: ManualClock, limiter: RateLimiter, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    await until(() => limiter.waiting > 0);
    clock.advance(Math.min(100, ms - t));
  }
}

/** A folder of small files, one pipelined file and one striped file; returns its total size. */
function makeTree(root: string, small: number): number {
  let total = 0;
  for (let i = 0; i < small; i++) {
    const b = patternBytes(16 * KiB + i, i + 1);
    writeFile(path.join(root, 'tree', 'small', `f${i}.bin`), b);
    total += b.length;
  }
  for (const [name, size] of [
    ['mid.bin', 3 * MiB + 5],
    ['big.bin', 9 * MiB + 7], // ≥ STRIPE_MIN: read over two channels
  ] as const) {
    writeFile(path.join(root, 'tree', name), patternBytes(size, size));
    total += size;
  }
  return total;
}

describe('speed limit (real sshd)', () => {
  const s = inject('sshd');
  let session: SftpSession;
  withSshdSession(s, (x) => (session = x));

  it('every byte of an upload and of a download passes the bucket of its direction, and only that one', async () => {
    const local = tempDir();
    const remote = tempDir('skiff-remote-');
    const back = tempDir();
    const total = makeTree(local, 40);
    // Limits so high they never make anyone wait: this counts what was asked of the buckets.
    const q = new TransferQueue({ speedLimits: { uploadBytesPerSec: 64 * 1024 * MiB, downloadBytesPerSec: 64 * 1024 * MiB } });
    const up = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), sources: [path.join(local, 'tree')], target: sessionEndpoint(session), targetDir: remote }).id,
    );
    expect(up.state).toBe('done');
    expect(q.speed.upload.granted).toBe(total);
    expect(q.speed.download.granted).toBe(0);
    const down = await q.whenSettled(
      q.add({ direction: 'download', source: sessionEndpoint(session), sources: [path.join(remote, 'tree')], target: localEndpoint(), targetDir: back }).id,
    );
    expect(down.state).toBe('done');
    expect(q.speed.download.granted).toBe(total);
    expect(q.speed.upload.granted).toBe(total);
    expect(treeDigest(back)).toEqual(treeDigest(local));
  });

  it('two uploads share one bucket: a held clock holds both at what it granted; turning the limit off lets them finish', async () => {
    const local = tempDir();
    const remote = tempDir('skiff-remote-');
    makeTree(local, 30);
    writeFile(path.join(local, 'other.bin'), patternBytes(2 * MiB, 99));
    const clock = new ManualClock();
    const q = new TransferQueue({ rateClock: clock, speedLimits: { uploadBytesPerSec: 64 * KiB }, progressIntervalMs: 0 });
    const up = q.speed.upload;
    const ids = [path.join(local, 'tree'), path.join(local, 'other.bin')].map(
      (src) => q.add({ direction: 'upload', source: localEndpoint(), sources: [src], target: sessionEndpoint(session), targetDir: remote }).id,
    );
    const moved = (): number => ids.reduce((a, id) => a + q.get(id)!.bytesDone, 0);
    // The bucket starts with a quarter second (16 KiB); then every request waits for the clock.
    await until(() => up.waiting >= 2 && q.get(ids[1]!)!.state === 'running');
    const first = up.granted;
    expect(first).toBeLessThanOrEqual(16 * KiB);
    expect(moved()).toBeLessThanOrEqual(first);

    await tick(clock, up, 1000); // one second: 64 KiB more, in grants of at most 16 KiB
    const second = up.granted;
    expect(second - first).toBeGreaterThanOrEqual(64 * KiB - 16 * KiB);
    expect(second - first).toBeLessThanOrEqual(64 * KiB + 16 * KiB);
    await until(() => moved() >= second - 2 * KiB && up.waiting > 0); // what was granted lands (ends of files are refunded)
    expect(moved()).toBeLessThanOrEqual(second);
    for (const id of ids) expect(q.get(id)!.state).toBe('running');

    q.setSpeedLimits({ uploadBytesPerSec: null });
    const done = await Promise.all(ids.map((id) => q.whenSettled(id)));
    expect(done.map((d) => d.state)).toEqual(['done', 'done']);
    expect(treeDigest(remote)).toEqual(treeDigest(local));
  });

  it('a download (striped big file) follows a limit raised while it waits, then finishes when the limit is off', async () => {
    const remote = tempDir('skiff-remote-');
    const back = tempDir();
    writeFile(path.join(remote, 'big.bin'), patternBytes(9 * MiB + 7, 5));
    const clock = new ManualClock();
    const q = new TransferQueue({ rateClock: clock, speedLimits: { downloadBytesPerSec: 64 * KiB }, progressIntervalMs: 0 });
    const down = q.speed.download;
    const id = q.add({
      direction: 'download',
      source: sessionEndpoint(session),
      sources: [path.join(remote, 'big.bin')],
      target: localEndpoint(),
      targetDir: back,
    }).id;
    await until(() => down.waiting > 0);
    expect(down.granted).toBeLessThanOrEqual(16 * KiB);
    expect(q.speed.upload.granted).toBe(0);

    q.setSpeedLimits({ downloadBytesPerSec: 1 * MiB });
    const before = down.granted;
    await tick(clock, down, 1000); // at the new rate: about 1 MiB in that second
    expect(down.granted - before).toBeGreaterThanOrEqual(MiB - 256 * KiB);
    expect(down.granted - before).toBeLessThanOrEqual(MiB + 256 * KiB);
    await until(() => q.get(id)!.bytesDone >= down.granted - 256 * KiB && down.waiting > 0);
    expect(q.get(id)!.state).toBe('running');
    expect(q.get(id)!.bytesDone).toBeLessThanOrEqual(down.granted);

    q.setSpeedLimits({ downloadBytesPerSec: null });
    expect((await q.whenSettled(id)).state).toBe('done');
    expect(treeDigest(back)).toEqual(treeDigest(remote));
  });
});
