// The two concurrency helpers used by listings and recursive deletes (pure logic, no server).
import { describe, expect, it } from 'vitest';
import { Limiter, mapConcurrent } from '../../../electron/core/sftp/concurrency';

/** A task that finishes when the test says so, to observe how many run at once. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('mapConcurrent', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      for (let i = 0; i < n; i++) await Promise.resolve();
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure and starts nothing new after it', async () => {
    const started: number[] = [];
    await expect(
      mapConcurrent([0, 1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([0, 1, 2]);
  });
});

describe('Limiter', () => {
  it('bounds requests in flight across nested (recursive) use', async () => {
    const lim = new Limiter(2);
    const gates = Array.from({ length: 5 }, gate);
    let peak = 0;
    const runs = gates.map((g) =>
      lim.run(async () => {
        peak = Math.max(peak, lim.inFlight);
        await g.promise;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(lim.inFlight).toBe(2);
    for (const g of gates) g.open();
    await Promise.all(runs);
    expect(peak).toBe(2);
    expect(lim.inFlight).toBe(0);
  });

  it('refuses new work after the first failure', async () => {
    const lim = new Limiter(1);
    const g = gate();
    const first = lim.run(async () => {
      await g.promise;
      throw new Error('first');
    });
    let ranSecond = false;
    const second = lim.run(async () => {
      ranSecond = true;
    });
    g.open();
    await expect(first).rejects.toThrow('first');
    await expect(second).rejects.toThrow('first');
    expect(ranSecond).toBe(false);
    await expect(lim.run(async () => 1)).rejects.toThrow('first');
  });
});
