// The queue-wide speed limit: one token bucket per direction, shared by every job and channel of
// that direction, consulted before each read request is issued (so bytes in flight follow the
// limit too). Off (null) is one property check per request. The clock is injectable so tests
// can move time by hand instead of waiting for it.
import { isAborted } from '../abort';
import { SkiffError } from '../errors';

/** Time and timers for the bucket (ms); the real one is performance.now() and setTimeout. */
export interface RateClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: RateClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Limits in bytes per second; null (or 0) = no limit. */
export interface SpeedLimits {
  uploadBytesPerSec: number | null;
  downloadBytesPerSec: number | null;
}

/**
 * The bucket holds this much of a second's worth: a short burst after idling, and several grants
 * a second (smooth progress) once requests are cut to it (`requestCap`).
 */
const BURST_SECONDS = 0.25;
/** The smallest request a limit cuts reads to (smaller only adds round trips). */
const MIN_REQUEST = 16 * 1024;

interface Waiter {
  n: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
}

const normalize = (bytesPerSec: number | null | undefined): number | null =>
  bytesPerSec === null || bytesPerSec === undefined || !Number.isFinite(bytesPerSec) || bytesPerSec <= 0 ? null : bytesPerSec;

/**
 * A token bucket with FIFO waiters. A request bigger than the bucket is granted once the bucket is
 * full and leaves it in debt, so any request size keeps the long-run rate. A new rate applies
 * to waiting requests at once.
 */
export class RateLimiter {
  private bps: number | null;
  private tokens: number;
  private last: number;
  private readonly waiters: Waiter[] = [];
  private timer: unknown = null;
  private readonly watched = new Map<AbortSignal, number>();
  /** Bytes granted while a limit was on (tests, diagnostics). */
  granted = 0;

  constructor(
    bytesPerSec: number | null = null,
    private readonly clock: RateClock = systemClock,
  ) {
    this.bps = normalize(bytesPerSec);
    this.last = clock.now();
    this.tokens = this.capacity;
  }

  /** Bytes per second, or null when off. */
  get rate(): number | null {
    return this.bps;
  }

  /** Requests waiting for their turn. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** The largest read worth issuing under this limit (Infinity when off). */
  get requestCap(): number {
    return this.bps === null ? Number.POSITIVE_INFINITY : Math.max(MIN_REQUEST, Math.floor(this.capacity));
  }

  private get capacity(): number {
    return this.bps === null ? 0 : this.bps * BURST_SECONDS;
  }

  /** Changes the limit; waiting requests are re-timed at once (all released when turned off). */
  setRate(bytesPerSec: number | null): void {
    const next = normalize(bytesPerSec);
    this.refill();
    const old = this.bps;
    // Saved tokens scale with the rate; a debt keeps whichever is shorter, its bytes or its time,
    // so raising a low limit does not leave a long wait behind.
    if (old !== null && next !== null) this.tokens *= this.tokens < 0 ? Math.min(1, next / old) : next / old;
    else if (next !== null) this.tokens = next * BURST_SECONDS;
    this.bps = next;
    this.serve();
  }

  /**
   * Takes `n` bytes: null when they may move now (always when off: no promise, no allocation),
   * else a promise that resolves in turn, or rejects with CANCELLED when `signal` aborts.
   */
  take(n: number, signal?: AbortSignal): Promise<void> | null {
    if (this.bps === null || n <= 0) return null;
    if (this.waiters.length === 0) {
      this.refill();
      if (this.fits(n)) {
        this.grant(n);
        return null;
      }
    }
    if (isAborted(signal)) return Promise.reject(new SkiffError('CANCELLED', 'Cancelled.'));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ n, resolve, reject, signal });
      if (signal) this.watch(signal);
      this.schedule();
    });
  }

  /** One abort listener per signal, however many of its requests wait (a file has up to 64). */
  private watch(signal: AbortSignal): void {
    const count = this.watched.get(signal);
    if (count !== undefined) {
      this.watched.set(signal, count + 1);
      return;
    }
    this.watched.set(signal, 1);
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  private unwatch(signal: AbortSignal): void {
    const count = (this.watched.get(signal) ?? 1) - 1;
    if (count > 0) return void this.watched.set(signal, count);
    this.watched.delete(signal);
    signal.removeEventListener('abort', this.onAbort);
  }

  private readonly onAbort = (e: Event): void => {
    const signal = e.target as AbortSignal;
    this.watched.delete(signal);
    const gone = this.waiters.filter((w) => w.signal === signal);
    this.waiters.splice(0, this.waiters.length, ...this.waiters.filter((w) => w.signal !== signal));
    for (const w of gone) w.reject(new SkiffError('CANCELLED', 'Cancelled.'));
    this.serve();
  };

  /** Gives back bytes taken but not moved (a read that hit the end of the file). */
  refund(n: number): void {
    if (this.bps === null || n <= 0) return;
    this.refill();
    this.tokens = Math.min(this.capacity, this.tokens + n);
    this.granted -= n;
    this.serve();
  }

  private fits(n: number): boolean {
    // A tiny tolerance: timers are whole milliseconds and the arithmetic is floating point.
    return this.tokens + 1e-6 >= Math.min(n, this.capacity);
  }

  private grant(n: number): void {
    this.tokens -= n;
    this.granted += n;
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.bps !== null) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.bps) / 1000);
    this.last = now;
  }

  private serve(): void {
    if (this.timer !== null) {
      this.clock.clearTimer(this.timer);
      this.timer = null;
    }
    this.refill();
    while (this.waiters.length > 0) {
      const w = this.waiters[0]!;
      if (this.bps !== null && !this.fits(w.n)) break;
      this.waiters.shift();
      if (w.signal) this.unwatch(w.signal);
      if (this.bps !== null) this.grant(w.n);
      w.resolve();
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.waiters.length === 0 || this.bps === null) return;
    const need = Math.min(this.waiters[0]!.n, this.capacity) - this.tokens;
    const ms = Math.max(1, Math.ceil((need * 1000) / this.bps));
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.serve();
    }, ms);
  }
}

/** The two buckets of a queue. */
export class SpeedLimiter {
  readonly upload: RateLimiter;
  readonly download: RateLimiter;

  constructor(limits: Partial<SpeedLimits> = {}, clock: RateClock = systemClock) {
    this.upload = new RateLimiter(limits.uploadBytesPerSec ?? null, clock);
    this.download = new RateLimiter(limits.downloadBytesPerSec ?? null, clock);
  }

  set(limits: Partial<SpeedLimits>): void {
    if (limits.uploadBytesPerSec !== undefined) this.upload.setRate(limits.uploadBytesPerSec);
    if (limits.downloadBytesPerSec !== undefined) this.download.setRate(limits.downloadBytesPerSec);
  }

  get(): SpeedLimits {
    return { uploadBytesPerSec: this.upload.rate, downloadBytesPerSec: this.download.rate };
  }
}
