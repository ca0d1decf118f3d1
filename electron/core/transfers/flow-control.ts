// Small concurrency primitives for the engine: a byte budget that bounds memory across
// the whole queue, and a pause gate that running copies wait on between requests.
import { isAborted } from '../abort';
import { SkiffError } from '../errors';

/** Bounds the bytes of transfer buffers alive at once; waiters are served in order. */
export class ByteBudget {
  private used = 0;
  private readonly waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(readonly max: number) {}

  /** Resolves once `n` bytes fit (a single request larger than `max` runs alone). */
  acquire(n: number): Promise<void> {
    if (this.waiters.length === 0 && (this.used + n <= this.max || this.used === 0)) {
      this.used += n;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  release(n: number): void {
    this.used -= n;
    while (this.waiters.length > 0) {
      const w = this.waiters[0]!;
      if (this.used + w.n > this.max && this.used !== 0) break;
      this.waiters.shift();
      this.used += w.n;
      w.resolve();
    }
  }

  get inUse(): number {
    return this.used;
  }
}

/** Open by default; while closed, `wait()` blocks until reopened or the signal aborts. */
export class PauseGate {
  private waiting: Array<() => void> = [];
  private closed = false;

  get paused(): boolean {
    return this.closed;
  }

  pause(): void {
    this.closed = true;
  }

  resume(): void {
    this.closed = false;
    const w = this.waiting;
    this.waiting = [];
    for (const r of w) r();
  }

  /** Resolves when open; rejects with CANCELLED if `signal` aborts while waiting. */
  wait(signal?: AbortSignal): Promise<void> {
    if (isAborted(signal)) return Promise.reject(new SkiffError('CANCELLED', 'Cancelled.'));
    if (!this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting = this.waiting.filter((r) => r !== done);
        reject(new SkiffError('CANCELLED', 'Cancelled.'));
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(done);
    });
  }
}

/** Throws CANCELLED when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, path?: string): void {
  if (isAborted(signal)) throw new SkiffError('CANCELLED', 'Cancelled.', path === undefined ? {} : { path });
}
