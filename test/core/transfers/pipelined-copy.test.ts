import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileHandle, FileStat } from '../../../electron/core/fs/file-system';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import { ByteBudget } from '../../../electron/core/transfers/flow-control';
import { pipelinedCopy, pooledBufferBytes } from '../../../electron/core/transfers/pipelined-copy';
import { patternBytes, tempDir, writeFile } from './helpers';

// pipelinedCopy over real local files: the listing's size is only a hint; the copy ends at the real EOF.
describe('pipelinedCopy', () => {
  const fs = new LocalFs();
  async function copy(data: Buffer, expectedSize: number, chunkSize: number, requests: number, windowBytes?: number) {
    const d = tempDir();
    writeFile(path.join(d, 'src'), data);
    const src = await fs.open(path.join(d, 'src'), 'r');
    const dst = await fs.open(path.join(d, 'dst'), 'w');
    const state = { watermark: 0 };
    let counted = 0;
    const size = await pipelinedCopy(
      src,
      dst,
      { chunkSize, requests, expectedSize, budget: new ByteBudget(1 << 20), onBytes: (n) => (counted += n), ...(windowBytes ? { windowBytes } : {}) },
      state,
    );
    await src.close();
    await dst.close();
    return { size, counted, watermark: state.watermark, out: readFileSync(path.join(d, 'dst')) };
  }

  it('copies exactly, in many small chunks, within a bounded window', async () => {
    const data = patternBytes(100_003, 1);
    const r = await copy(data, data.length, 1000, 16, 4000);
    expect(r.size).toBe(data.length);
    expect(r.counted).toBe(data.length);
    expect(r.watermark).toBe(data.length);
    expect(r.out.equals(data)).toBe(true);
  });

  it('recycles big chunk buffers while copies run and gives them back when the last one ends', async () => {
    const data = patternBytes(4 * 1024 * 1024 + 5, 3);
    const d = tempDir();
    writeFile(path.join(d, 'src'), data);
    const src = await fs.open(path.join(d, 'src'), 'r');
    const dst = await fs.open(path.join(d, 'dst'), 'w');
    let pooledDuring = 0;
    const size = await pipelinedCopy(src, dst, {
      chunkSize: 256 * 1024,
      requests: 4,
      expectedSize: data.length,
      budget: new ByteBudget(1 << 24),
      onBytes: () => (pooledDuring = Math.max(pooledDuring, pooledBufferBytes())),
    });
    await src.close();
    await dst.close();
    expect(size).toBe(data.length);
    expect(readFileSync(path.join(d, 'dst')).equals(data)).toBe(true);
    expect(pooledDuring).toBeGreaterThan(0);
    expect(pooledBufferBytes()).toBe(0);
  });

  it('reads on to the real end when the file is bigger than listed (it grew)', async () => {
    const data = patternBytes(50_000, 2);
    const r = await copy(data, 10_000, 4096, 8);
    expect(r.size).toBe(50_000);
    expect(r.out.equals(data)).toBe(true);
  });

  it('stops at the real end when the file is smaller than listed (it shrank)', async () => {
    const data = patternBytes(7_000, 3);
    const r = await copy(data, 20_000, 4096, 8);
    expect(r.size).toBe(7_000);
    expect(r.out.equals(data)).toBe(true);
  });

  it('handles empty files and exact chunk multiples', async () => {
    expect((await copy(Buffer.alloc(0), 0, 4096, 4)).size).toBe(0);
    const data = patternBytes(8192, 4);
    const r = await copy(data, 8192, 4096, 4);
    expect(r.size).toBe(8192);
    expect(r.out.equals(data)).toBe(true);
  });

  it('hands writes to the target in offset order when reads come back in any order, and short ones', async () => {
    const data = patternBytes(300_007, 9);
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const stat: FileStat = { type: 'file', size: data.length, mtimeMs: 0, atimeMs: 0, mode: 0o644, uid: 0, gid: 0 };
    // A source whose reads finish after random delays and sometimes short (a server that reads short).
    const src: FileHandle = {
      read: async (buf, off, len, pos) => {
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 8)));
        const n = Math.min(len, data.length - pos, rand() < 0.2 ? Math.max(1, Math.floor(len / 3)) : len);
        if (n <= 0) return 0;
        data.copy(buf, off, pos, pos + n);
        return n;
      },
      write: async () => undefined,
      stat: async () => stat,
      close: async () => undefined,
    };
    const out = Buffer.alloc(data.length);
    const writes: Array<[number, number]> = [];
    const dst: FileHandle = {
      read: async () => 0,
      write: async (buf, off, len, pos) => {
        writes.push([pos, len]);
        buf.copy(out, pos, off, off + len);
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 4)));
      },
      stat: async () => stat,
      close: async () => undefined,
    };
    const size = await pipelinedCopy(src, dst, { chunkSize: 4096, requests: 32, expectedSize: data.length, budget: new ByteBudget(1 << 20) });
    expect(size).toBe(data.length);
    expect(out.equals(data)).toBe(true);
    // Each write starts where the one before it ended: offset order, no gaps, no overlaps.
    let at = 0;
    for (const [pos, len] of writes) {
      expect(pos).toBe(at);
      at += len;
    }
    expect(at).toBe(data.length);
  });
});
