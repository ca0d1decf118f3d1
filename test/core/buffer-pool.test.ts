// Transfer buffers reused from one use to the next (buffer-pool.ts): what is handed out, what
// comes back, and what is never taken in (memory someone else may still use).
import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { BufferPool } from '../../electron/core/buffer-pool';

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

describe('BufferPool', () => {
  it('hands out the asked length over power-of-two memory of its own, at least 4 KiB', () => {
    const pool = new BufferPool(1 << 20);
    const cases: Array<[number, number]> = [
      [0, 4096],
      [1, 4096],
      [4096, 4096],
      [4097, 8192],
      [16_385, 32_768],
      [1024 * 1024 + 1, 2 * 1024 * 1024],
    ];
    for (const [len, size] of cases) {
      const b = pool.take(len);
      expect([b.length, b.byteOffset, b.buffer.byteLength]).toEqual([len, 0, size]);
      expect(pool.isPooled(b)).toBe(true);
      expect(pool.isPooled(b.subarray(1, 2))).toBe(true);
    }
  });

  it('reuses memory given back, once however often it is given back', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.take(10_000);
    pool.giveBack(a);
    pool.giveBack(a);
    pool.giveBack(a.subarray(0, 5));
    expect(pool.pooledBytes).toBe(16_384);
    expect(pool.isPooled(a)).toBe(false);
    const b = pool.take(9_000);
    expect(b.buffer).toBe(a.buffer);
    // Only one taker gets it: the next one of that size is new memory.
    const c = pool.take(9_000);
    expect(c.buffer).not.toBe(a.buffer);
    expect(pool.pooledBytes).toBe(0);
  });

  it('never takes in memory it did not hand out: Buffer’s shared slab, a buffer of its own, a detached one, another pool’s', async () => {
    const pool = new BufferPool(1 << 20);
    const slab = Buffer.allocUnsafe(100); // a slice of Buffer's 8 KiB pool, shared with others
    const own = Buffer.alloc(8192);
    pool.giveBack(slab);
    pool.giveBack(own);
    pool.giveBack(null);
    pool.giveBack(undefined);
    pool.giveBack(new BufferPool(1 << 20).take(8192));
    expect(pool.pooledBytes).toBe(0);
    expect([pool.isPooled(slab), pool.isPooled(own)]).toEqual([false, false]);
    // Handed to another thread: this side's memory is gone (detached) and is not kept.
    const sent = pool.take(5000);
    const arrived = await roundTrip(sent.buffer as ArrayBuffer);
    expect(sent.buffer.byteLength).toBe(0);
    pool.giveBack(sent);
    expect(pool.pooledBytes).toBe(0);
    // What comes back from that thread is taken in only once adopted.
    pool.giveBack(new Uint8Array(arrived));
    expect(pool.pooledBytes).toBe(0);
    pool.adopt(arrived);
    pool.giveBack(new Uint8Array(arrived));
    expect(pool.pooledBytes).toBe(8192);
    // Memory of another size than the pool's never is.
    pool.adopt(new ArrayBuffer(5000));
    expect(pool.pooledBytes).toBe(8192);
  });

  it('keeps at most its maxBytes for reuse, and lets go of them on clear', () => {
    const max = 1024 * 1024;
    const pool = new BufferPool(max);
    const many = Array.from({ length: (2 * max) / (64 * 1024) }, () => pool.take(64 * 1024));
    for (const b of many) pool.giveBack(b);
    expect(pool.pooledBytes).toBe(max);
    pool.clear();
    expect(pool.pooledBytes).toBe(0);
    // Cleared memory is not handed out again.
    expect(many.some((b) => b.buffer === pool.take(64 * 1024).buffer)).toBe(false);
  });
});
