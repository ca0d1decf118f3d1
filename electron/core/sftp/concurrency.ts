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
