// The speed limit's token bucket, on a clock moved by hand: what is granted at a given time, never how long anything took.
import { describe, expect, it } from 'vitest';
import { RateLimiter, SpeedLimiter } from '../../../electron/core/transfers/rate-limit';
import { isSkiffError } from '../../../electron/core/errors';
import { ManualClock } from '../../support/manual-clock';

/** Whether `p` has settled once pending callbacks ran (`p` null = granted at once). */
async function granted(p: Promise<void> | null): Promise<boolean> {
  if (p === null) return true;
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

describe('speed limit (token bucket)', () => {
  it('off costs nothing: every take is granted at once, no timer, nothing counted', () => {
    const clock = new ManualClock();
    const r = new RateLimiter(null, clock);
    for (let i = 0; i < 1000; i++) expect(r.take(256 * 1024)).toBeNull();
    expect(clock.pending).toBe(0);
    expect(r.granted).toBe(0);
    expect(r.requestCap).toBe(Number.POSITIVE_INFINITY);
    // 0 and negative mean off too.
    expect(new RateLimiter(0, clock).rate).toBeNull();
    expect(new RateLimiter(-5, clock).rate).toBeNull();
  });

  it('grants a quarter second of burst at once, then the rest at the rate', async () => {
    const clock = new ManualClock();
    const r = new RateLimiter(1000, clock); // bucket of 250 bytes
    expect(r.take(100)).toBeNull();
    expect(r.take(150)).toBeNull();
    const next = r.take(100);
    expect(await granted(next)).toBe(false);
    clock.advance(99);
    expect(await granted(next)).toBe(false);
    clock.advance(1);
    expect(await granted(next)).toBe(true);
  });

  it('keeps the long-run rate over many requests, served in order', async () => {
    const clock = new ManualClock();
    const r = new RateLimiter(10_000, clock); // bucket 2,500 bytes
    const order: number[] = [];
    const all = Array.from({ length: 100 }, (_, i) => {
      const p = r.take(1000);
      if (p === null) order.push(i);
      return p?.then(() => order.push(i));
    });
    await granted(null);
    expect(order).toEqual([0, 1]); // 2,500 bytes of burst: two requests; the third waits for its 1,000
    for (let s = 1; s <= 5; s++) {
      clock.advance(1000);
      await granted(null);
      // Never more than the burst plus rate × time, never less than that minus one request.
      expect(r.granted).toBeLessThanOrEqual(2500 + 10_000 * s + 1000);
      expect(r.granted).toBeGreaterThanOrEqual(10_000 * s - 1000);
    }
    clock.advance(100_000);
    await Promise.all(all);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('a request bigger than the bucket waits for a full bucket and leaves it in debt', async () => {
    const clock = new ManualClock();
    const r = new RateLimiter(1000, clock);
    expect(r.take(1000)).toBeNull(); // full bucket (250): granted, 750 in debt
    const next = r.take(100);
    clock.advance(849);
    expect(await granted(next)).toBe(false);
    clock.advance(1);
    expect(await granted(next)).toBe(true);
  });

  it('a new limit re-times requests already waiting, both ways', async () => {
    const clock = new ManualClock();
    const r = new RateLimiter(1000, clock);
    expect(r.take(250)).toBeNull();
    const a = r.take(250); // would be 250 ms at 1,000 B/s
    r.setRate(10_000); // now 25 ms
    clock.advance(25);
    expect(await granted(a)).toBe(true);

    const b = r.take(2500); // the bucket is empty: 250 ms at 10,000 B/s
    r.setRate(100); // lowered while waiting: min(2,500, its 25-byte bucket) = 25 bytes at 100 B/s
    clock.advance(249);
    expect(await granted(b)).toBe(false);
    clock.advance(1);
    expect(await granted(b)).toBe(true);
  });

  it('raising a low limit does not leave a long debt behind', async () => {
    const clock = new ManualClock();
    const r = new RateLimiter(1024, clock);
    expect(r.take(1024 * 1024)).toBeNull(); // a whole small file at 1 KiB/s: ~1,000 s of debt
    const next = r.take(1024);
    r.setRate(1024 * 1024); // 1 MiB/s: the debt is ~1 s now
    clock.advance(1001);
    expect(await granted(next)).toBe(true);
  });

  it('turning the limit off releases every waiting request at once; on again starts with a full bucket', async () => {
    const clock = new ManualClock();
    const r = new RateLimiter(1000, clock);
    r.take(250);
    const waiting = [r.take(500), r.take(500), r.take(500)];
    expect(r.waiting).toBe(3);
    r.setRate(null);
    for (const w of waiting) expect(await granted(w)).toBe(true);
    expect(r.waiting).toBe(0);
    expect(clock.pending).toBe(0);
    r.setRate(1000);
    expect(r.take(250)).toBeNull();
    expect(await granted(r.take(1))).toBe(false);
  });

  it('a cancelled waiter rejects with CANCELLED and the next one moves up', async () => {
    const clock = new ManualClock();
    const r = new RateLimiter(1000, clock);
    r.take(250);
    const ac = new AbortController();
    const a = r.take(200, ac.signal)!;
    const b = r.take(100);
    const err = a.catch((e: unknown) => e);
    ac.abort();
    expect(isSkiffError(await err) && ((await err) as { code: string }).code).toBe('CANCELLED');
    clock.advance(100); // b no longer waits behind a's 200 bytes
    expect(await granted(b)).toBe(true);
    expect(r.granted).toBe(350);
  });

  it('refunds bytes taken but not moved, and cuts requests to a few grants a second', async () => {
    const clock = new ManualClock();
    const r = new RateLimiter(1000, clock);
    r.take(250);
    r.refund(200);
    expect(r.granted).toBe(50);
    expect(r.take(200)).toBeNull();
    expect(new RateLimiter(4 * 1024 * 1024, clock).requestCap).toBe(1024 * 1024);
    expect(new RateLimiter(1024, clock).requestCap).toBe(16 * 1024); // never below 16 KiB
  });

  it('one bucket per direction; changing one leaves the other', () => {
    const clock = new ManualClock();
    const s = new SpeedLimiter({ uploadBytesPerSec: 1000 }, clock);
    expect(s.get()).toEqual({ uploadBytesPerSec: 1000, downloadBytesPerSec: null });
    s.set({ downloadBytesPerSec: 2048 });
    expect(s.get()).toEqual({ uploadBytesPerSec: 1000, downloadBytesPerSec: 2048 });
    s.set({ uploadBytesPerSec: null });
    expect(s.get()).toEqual({ uploadBytesPerSec: null, downloadBytesPerSec: 2048 });
  });
});
