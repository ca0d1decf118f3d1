// The memory of small files read and written whole, reused from one file to the next: what is
// handed out, what comes back, and what is never taken in (memory someone else may still use).
import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { adopt, giveBack, isPooled, POOLED_BYTES_MAX, pooledBytes, takeBuffer } from '../../../electron/core/fs/whole-file-buffers';

/** `ab` sent through a MessageChannel and handed over: the copy that arrives, the sent one detached. */
function roundTrip(ab: ArrayBuffer): Promise<ArrayBuffer> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port2.once('message', (m: ArrayBuffer) => {
      port1.close();
      port2.close();
      resolve(m);
    });
    port1.postMessage(ab, [ab]);
  });
}

describe('whole-file buffers', () => {
  it('hands out the asked length over power-of-two memory of its own, at least 4 KiB', () => {
    const cases: Array<[number, number]> = [
      [0, 4096],
      [1, 4096],
      [4096, 4096],
      [4097, 8192],
      [16_385, 32_768],
      [1024 * 1024 + 1, 2 * 1024 * 1024],
    ];
    for (const [len, size] of cases) {
      const b = takeBuffer(len);
      expect([b.length, b.byteOffset, b.buffer.byteLength]).toEqual([len, 0, size]);
      expect(isPooled(b)).toBe(true);
      expect(isPooled(b.subarray(1, 2))).toBe(true);
    }
  });

  it('reuses memory given back, once however often it is given back', () => {
    const a = takeBuffer(10_000);
    const before = pooledBytes();
    giveBack(a);
    giveBack(a);
    giveBack(a.subarray(0, 5));
    expect(pooledBytes()).toBe(before + 16_384);
    expect(isPooled(a)).toBe(false);
    const b = takeBuffer(9_000);
    expect(b.buffer).toBe(a.buffer);
    // Only one taker gets it: the next one of that size is new memory.
    const c = takeBuffer(9_000);
    expect(c.buffer).not.toBe(a.buffer);
    expect(pooledBytes()).toBe(before);
  });

  it('never takes in memory it did not hand out: Buffer’s shared slab, a buffer of its own, a detached one', async () => {
    const before = pooledBytes();
    const slab = Buffer.allocUnsafe(100); // a slice of Buffer's 8 KiB pool, shared with others
    const own = Buffer.alloc(8192);
    giveBack(slab);
    giveBack(own);
    giveBack(null);
    giveBack(undefined);
    expect(pooledBytes()).toBe(before);
    expect([isPooled(slab), isPooled(own)]).toEqual([false, false]);
    // Handed to another thread: this side's memory is gone (detached) and is not kept.
    const sent = takeBuffer(5000);
    const arrived = await roundTrip(sent.buffer as ArrayBuffer);
    expect(sent.buffer.byteLength).toBe(0);
    giveBack(sent);
    expect(pooledBytes()).toBe(before);
    // What comes back from that thread is taken in only once adopted.
    giveBack(new Uint8Array(arrived));
    expect(pooledBytes()).toBe(before);
    adopt(arrived);
    giveBack(new Uint8Array(arrived));
    expect(pooledBytes()).toBe(before + 8192);
    // Memory of another size than the pool's never is.
    adopt(new ArrayBuffer(5000));
    expect(pooledBytes()).toBe(before + 8192);
  });

  it(`keeps at most ${POOLED_BYTES_MAX / 1024 / 1024} MiB for reuse`, () => {
    const many = Array.from({ length: (2 * POOLED_BYTES_MAX) / (64 * 1024) }, () => takeBuffer(64 * 1024));
    for (const b of many) giveBack(b);
    expect(pooledBytes()).toBeLessThanOrEqual(POOLED_BYTES_MAX);
    expect(pooledBytes()).toBeGreaterThan(POOLED_BYTES_MAX - 64 * 1024);
  });
});
