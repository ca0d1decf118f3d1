// A tiny bounded-concurrency map: listing stats of symlinks and recursive deletes fire many
// independent SFTP requests, and the channel pipelines them, but unbounded fan-out on a
// folder of 100 000 entries would queue megabytes of requests at once.

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep input order. Rejects on the first failure. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

/**
 * A counting semaphore shared by a whole recursive job (e.g. deleting a tree), so the number of
 * requests in flight stays bounded however deep the recursion goes. After the first failure it
 * refuses new work, so a failing job stops quickly instead of finishing everything else.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private failure: unknown;
  private failed = false;

  constructor(private readonly limit: number) {}

  /** Runs `fn` when a slot is free; rejects at once once any call through this limiter failed. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.failed) throw this.failure;
    // A freed slot is handed straight to the next waiter, so `active` only grows when none wait.
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active += 1;
    try {
      if (this.failed) throw this.failure;
      return await fn();
    } catch (err) {
      if (!this.failed) {
        this.failed = true;
        this.failure = err;
      }
      throw err;
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Requests running right now (for tests and diagnostics). */
  get inFlight(): number {
    return this.active;
  }
}
