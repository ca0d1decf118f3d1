// Sizing the engine to the link (link-tuning.ts): how many channels one big upload is spread
// over, and how many files a job keeps in flight, from the round trip measured at login. The
// queue's own use of it runs on real local files, with the link described on the endpoint.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileHandle, FileSystem, OpenFlags } from '../../../electron/core/fs/file-system';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import { inFlightFactor, uploadBytesInFlight, writeStripesFor } from '../../../electron/core/transfers/link-tuning';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import type { LinkInfo, TransferEndpoint } from '../../../electron/core/transfers/types';
import { tempDir, writeFile } from './helpers';

const MiB = 1024 * 1024;
const longLink: LinkInfo = { rttMs: 40, sendWindow: 2 * MiB, stripedWrites: true };
const loopback: LinkInfo = { rttMs: 0.2, sendWindow: 2 * MiB, stripedWrites: true };

const ep = (link: LinkInfo | undefined, canOpen = true): TransferEndpoint => ({
  fs: {} as FileSystem,
  ...(link ? { link } : {}),
  ...(canOpen ? { openChannel: async () => ({}) as FileSystem & { close(): Promise<void> } } : {}),
});

describe('writeStripesFor', () => {
  it('covers the bandwidth-delay product with server windows, only where the server takes striped writes', () => {
    expect(writeStripesFor(ep(longLink), 8)).toBe(5);
    expect(writeStripesFor(ep({ ...longLink, rttMs: 100 }), 8)).toBe(8);
    expect(writeStripesFor(ep({ ...longLink, rttMs: 100 }), 3)).toBe(3);
    expect(writeStripesFor(ep({ ...longLink, sendWindow: 16 * MiB }), 8)).toBe(1);
    expect(writeStripesFor(ep(loopback), 8)).toBe(1);
    expect(writeStripesFor(ep({ ...longLink, stripedWrites: false }), 8)).toBe(1);
    expect(writeStripesFor(ep({ ...longLink, rttMs: undefined }), 8)).toBe(1);
    expect(writeStripesFor(ep(longLink, false), 8)).toBe(1);
    expect(writeStripesFor(ep(undefined), 8)).toBe(1);
  });
});

describe('inFlightFactor', () => {
  it('is 1 on short links and without a measurement, grows with the longer side, at most 4', () => {
    expect(inFlightFactor(ep(undefined), ep(undefined))).toBe(1);
    expect(inFlightFactor(ep(loopback), ep(undefined))).toBe(1);
    expect(inFlightFactor(ep({ ...longLink, rttMs: 10 }))).toBe(1);
    expect(inFlightFactor(ep({ ...longLink, rttMs: 20 }))).toBe(2);
    expect(inFlightFactor(ep(undefined), ep(longLink))).toBe(4);
    expect(inFlightFactor(ep({ ...longLink, rttMs: 150 }), ep(loopback))).toBe(4);
    expect(inFlightFactor(ep({ ...longLink, rttMs: undefined }))).toBe(1);
  });
});

describe('uploadBytesInFlight', () => {
  it('is twice what the server windows of the channels let leave, at least 4 MiB, unbounded without a window', () => {
    expect(uploadBytesInFlight(ep(loopback), 1)).toBe(4 * MiB);
    expect(uploadBytesInFlight(ep({ ...loopback, sendWindow: 256 * 1024 }), 1)).toBe(4 * MiB);
    expect(uploadBytesInFlight(ep({ ...loopback, sendWindow: 8 * MiB }), 1)).toBe(16 * MiB);
    expect(uploadBytesInFlight(ep(longLink), 5)).toBe(20 * MiB);
    expect(uploadBytesInFlight(ep(longLink), 0)).toBe(4 * MiB);
    expect(uploadBytesInFlight(ep(undefined), 1)).toBe(Number.POSITIVE_INFINITY);
    expect(uploadBytesInFlight(ep({ ...loopback, sendWindow: 0 }), 1)).toBe(Number.POSITIVE_INFINITY);
  });
});

/** Calls running at once, and the most there ever were. */
class AtOnce {
  running = 0;
  most = 0;
  /** `call`, held `ms` first so that every other call that can start does so before it finishes. */
  async run<T>(ms: number, call: () => Promise<T>): Promise<T> {
    this.most = Math.max(this.most, ++this.running);
    try {
      await new Promise((r) => setTimeout(r, ms));
      return await call();
    } finally {
      this.running--;
    }
  }
}

/** LocalFs writing in 256 KiB requests that records the most writes it had running at once. */
class WritesInFlightFs extends LocalFs {
  override readonly maxWriteSize = 256 * 1024;
  readonly writes = new AtOnce();
  override async open(p: string, flags: OpenFlags, mode?: number): Promise<FileHandle> {
    const h = await super.open(p, flags, mode);
    const write = h.write.bind(h);
    h.write = (...args) => this.writes.run(2, () => write(...args));
    return h;
  }
}

describe('a big upload', () => {
  it.each([
    // 4 MiB in flight: 16 requests of 256 KiB, whether the window is 2 MiB or less.
    ['keeps twice a 2 MiB server window in flight', { ...loopback }, 16],
    ['keeps at least 4 MiB in flight behind a small window', { ...loopback, sendWindow: 64 * 1024 }, 16],
    // No window known (a local target): requestsPerFile (64) within MAX_FILE_WINDOW (16 MiB).
    ['keeps its configured requests in flight where no window is known', undefined, 64],
  ])('%s', async (_label, link, expected) => {
    const src = tempDir();
    const file = path.join(src, 'big.bin');
    writeFile(file, Buffer.alloc(24 * MiB, 7));
    const fs = new WritesInFlightFs();
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'upload', source: { fs: new LocalFs() }, sources: [file], target: { fs, ...(link ? { link } : {}) }, targetDir: tempDir() }).id,
    );
    expect(snap.state).toBe('done');
    expect(snap.bytesDone).toBe(24 * MiB);
    expect(fs.writes.most).toBe(expected);
  });
});

/** LocalFs that records the most whole-file reads it had running at once. */
class CountingFs extends LocalFs {
  readonly reads = new AtOnce();
  override readWholeFile(p: string, length: number): Promise<Buffer> {
    return this.reads.run(20, () => super.readWholeFile(p, length));
  }
}

describe('a job of many small files', () => {
  it.each([
    ['keeps 4 × filesInFlight going when its source is 40 ms away', longLink, 40],
    ['keeps filesInFlight going on loopback', loopback, 10],
  ])('%s', async (_label, link, expected) => {
    const src = tempDir();
    const root = path.join(src, 'many');
    for (let i = 0; i < 60; i++) writeFile(path.join(root, `f${i}.txt`), `file ${i}`);
    const fs = new CountingFs();
    const q = new TransferQueue({ filesInFlight: 10 });
    const snap = await q.whenSettled(
      q.add({ direction: 'download', source: { fs, link }, sources: [root], target: { fs: new LocalFs() }, targetDir: tempDir() }).id,
    );
    expect(snap.state).toBe('done');
    expect(snap.filesDone).toBe(60);
    expect(fs.reads.most).toBe(expected);
  });
});

/** LocalFs whose whole-file writes are counted, one counter per channel. */
class ChannelFs extends LocalFs {
  writes = 0;
  override async writeWholeFile(w: Parameters<NonNullable<LocalFs['writeWholeFile']>>[0]): ReturnType<NonNullable<LocalFs['writeWholeFile']>> {
    this.writes++;
    // Let every worker reach its channel before any write finishes.
    await new Promise((r) => setTimeout(r, 5));
    return super.writeWholeFile!(w);
  }
}

describe('an upload of many small files', () => {
  it.each([
    // 40 ms with 2 MiB server windows: writeStripesFor gives 5 channels, every one of them writes.
    ['is spread over the write stripes when the target is 40 ms away and one window cannot carry it', longLink, 16 * 1024, 5],
    ['stays on the open channel when one window carries all of it (new channels cost round trips)', longLink, 1024, 1],
    ['stays on one channel on loopback', loopback, 16 * 1024, 1],
    ['stays on one channel where the server does not take striped writes', { ...longLink, stripedWrites: false }, 16 * 1024, 1],
  ])('%s', async (_label, link, size, channels) => {
    const src = tempDir();
    const root = path.join(src, 'many');
    // 200 files: 3.2 MiB of 16 KiB files (more than a 2 MiB window), 200 KiB of 1 KiB ones.
    for (let i = 0; i < 200; i++) writeFile(path.join(root, `f${i}.bin`), Buffer.alloc(size, i));
    const primary = new ChannelFs();
    const extra: ChannelFs[] = [];
    const target: TransferEndpoint = {
      fs: primary,
      link,
      openChannel: async () => {
        const fs = new ChannelFs();
        extra.push(fs);
        return Object.assign(fs, { close: async () => {} });
      },
    };
    const out = tempDir();
    const q = new TransferQueue({ filesInFlight: 16 });
    const snap = await q.whenSettled(q.add({ direction: 'upload', source: { fs: new LocalFs() }, sources: [root], target, targetDir: out }).id);
    expect(snap.state).toBe('done');
    expect(snap.filesDone).toBe(200);
    const all = [primary, ...extra];
    expect(all.reduce((n, c) => n + c.writes, 0)).toBe(200);
    expect(all.filter((c) => c.writes > 0)).toHaveLength(channels);
    expect(extra).toHaveLength(channels - 1);
  });
});

describe('the end of a job with extra channels', () => {
  it('closes them while the folders get their times, and settles only once both are done', async () => {
    const src = tempDir();
    const root = path.join(src, 'many');
    for (let i = 0; i < 200; i++) writeFile(path.join(root, `f${i}.bin`), Buffer.alloc(16 * 1024, i));
    const events: string[] = [];
    const later = (ms: number) => new Promise((r) => setTimeout(r, ms));
    class TimedFs extends ChannelFs {
      override async utimes(p: string, atimeMs: number, mtimeMs: number): Promise<void> {
        events.push('utimes start');
        await later(30);
        await super.utimes(p, atimeMs, mtimeMs);
        events.push('utimes done');
      }
    }
    const target: TransferEndpoint = {
      fs: new TimedFs(),
      link: longLink,
      openChannel: async () =>
        Object.assign(new ChannelFs(), {
          close: async () => {
            events.push('close start');
            await later(30);
            events.push('close done');
          },
        }),
    };
    const q = new TransferQueue({ filesInFlight: 16 });
    const snap = await q.whenSettled(q.add({ direction: 'upload', source: { fs: new LocalFs() }, sources: [root], target, targetDir: tempDir() }).id);
    expect(snap.state).toBe('done');
    expect(snap.filesDone).toBe(200);
    // Four extra channels (5 write stripes at 40 ms), one fresh folder.
    expect(events.filter((e) => e === 'close done')).toHaveLength(4);
    expect(events.filter((e) => e === 'utimes done')).toHaveLength(1);
    // Overlapping: each started before the other finished (one round trip for both, not two).
    expect(events.indexOf('close start')).toBeLessThan(events.indexOf('utimes done'));
    expect(events.indexOf('utimes start')).toBeLessThan(events.indexOf('close done'));
  });
});
