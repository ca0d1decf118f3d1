import { describe, expect, it } from 'vitest';
import { ByteBudget, PauseGate } from '../../../electron/core/transfers/flow-control';
import { RateMeter } from '../../../electron/core/transfers/rate-meter';
import { isSkiffError } from '../../../electron/core/errors';

describe('flow control and rate', () => {
  it('ByteBudget admits requests up to its size, in order, and lets an oversized one run alone', async () => {
    const b = new ByteBudget(100);
    const order: string[] = [];
    await b.acquire(60);
    const second = b.acquire(60).then(() => order.push('second'));
    const third = b.acquire(30).then(() => order.push('third'));
    await Promise.resolve();
    expect(order).toEqual([]); // FIFO: the 30 waits behind the 60 even though it would fit
    b.release(60);
    await Promise.all([second, third]);
    expect(order).toEqual(['second', 'third']);
    expect(b.inUse).toBe(90);
    b.release(90);
    await b.acquire(500); // bigger than the budget: allowed when nothing else is in use
    expect(b.inUse).toBe(500);
  });

  it('PauseGate blocks while paused, opens on resume, and rejects waiters on abort', async () => {
    const g = new PauseGate();
    await g.wait();
    g.pause();
    let passed = false;
    const w = g.wait().then(() => (passed = true));
    await Promise.resolve();
    expect(passed).toBe(false);
    g.resume();
    await w;
    expect(passed).toBe(true);
    g.pause();
    const ac = new AbortController();
    const aborted = g.wait(ac.signal).catch((e: unknown) => e);
    ac.abort();
    expect(isSkiffError(await aborted, 'CANCELLED')).toBe(true);
  });

  it('RateMeter smooths the rate and gives an ETA (explicit clock, no timing)', () => {
    const r = new RateMeter();
    expect(r.eta(1000)).toBeNull();
    r.sample(0, 0);
    r.sample(1000, 1000); // 1000 B/s
    expect(r.rate).toBe(1000);
    expect(r.eta(5000)).toBe(5);
    r.sample(1100, 1100); // < 250 ms later: ignored
    expect(r.rate).toBe(1000);
    r.sample(4000, 2000); // 3000 B/s now, smoothed 0.3 × 3000 + 0.7 × 1000
    expect(r.rate).toBeCloseTo(1600);
    expect(r.eta(0)).toBe(0);
    r.reset();
    expect(r.rate).toBe(0);
  });
});
