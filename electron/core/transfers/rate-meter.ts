// A transfer rate that a person can read: samples at most every 250 ms, smoothed with an
// exponential moving average so one slow request does not make the ETA jump around.

const MIN_SAMPLE_MS = 250;
/** Weight of the newest sample; ~2 s memory at 4 samples a second. */
const ALPHA = 0.3;

/** Tracks bytes over time and yields a smoothed rate (bytes/s) and ETA. */
export class RateMeter {
  private lastBytes = 0;
  private lastAt = 0;
  private smoothed = 0;
  private started = false;

  /** Records the running total `bytes` at time `now` (ms). */
  sample(bytes: number, now: number = Date.now()): void {
    if (!this.started) {
      this.started = true;
      this.lastBytes = bytes;
      this.lastAt = now;
      return;
    }
    const dt = now - this.lastAt;
    if (dt < MIN_SAMPLE_MS) return;
    const instant = ((bytes - this.lastBytes) * 1000) / dt;
    this.smoothed = this.smoothed === 0 ? instant : ALPHA * instant + (1 - ALPHA) * this.smoothed;
    this.lastBytes = bytes;
    this.lastAt = now;
  }

  /** Forget history (after a pause or a reconnect the old rate means nothing). */
  reset(): void {
    this.started = false;
    this.smoothed = 0;
  }

  get rate(): number {
    return Math.max(0, this.smoothed);
  }

  /** Seconds left for `remaining` bytes, or null while the rate is unknown. */
  eta(remaining: number): number | null {
    if (remaining <= 0) return 0;
    return this.smoothed > 0 ? Math.ceil(remaining / this.smoothed) : null;
  }
}
