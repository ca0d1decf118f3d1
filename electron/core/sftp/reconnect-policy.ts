// How a dropped session comes back (issue 13): when to try again, when to give up, and how fast a
// silent link (packets stop, no RST) is noticed. Pure values; the session manager applies them.

/** Backoff between reconnect attempts and the total time before giving up. */
export interface ReconnectPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Attempts stop once this much time has passed since the drop; the session is then closed. */
  giveUpAfterMs: number;
}

/** 0.5 s doubling to 30 s, giving up after about two minutes. */
export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { firstDelayMs: 500, maxDelayMs: 30_000, giveUpAfterMs: 120_000 };

/**
 * The wait before attempt `attempt` (1-based) or null when it would start after the give-up time.
 * `elapsedMs` is the time since the drop when the previous attempt ended.
 */
export function nextReconnectDelay(policy: ReconnectPolicy, attempt: number, elapsedMs: number): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
  return elapsedMs + delay > policy.giveUpAfterMs ? null : delay;
}

/** The whole schedule of waits for a link that never comes back (attempts take no time). */
export function reconnectSchedule(policy: ReconnectPolicy): number[] {
  const out: number[] = [];
  let elapsed = 0;
  for (let attempt = 1; ; attempt++) {
    const d = nextReconnectDelay(policy, attempt, elapsed);
    if (d === null) return out;
    out.push(d);
    elapsed += d;
  }
}

export const DEAD_LINK_SECONDS = { min: 5, max: 120, default: 15 } as const;
const KEEPALIVE_COUNT_MAX = 3;

/**
 * ssh2 keepalive options that declare a silent link dead after about `deadLinkSeconds`.
 * ssh2 sends a keepalive after each quiet interval and fails on the (countMax+1)th unanswered
 * one, so the interval is the dead-link time divided by countMax+1. The same bound caps the
 * handshake of a reconnect attempt (readyTimeout), so an attempt through a black hole ends too.
 */
export function keepaliveFor(deadLinkSeconds: number): { keepaliveIntervalMs: number; keepaliveCountMax: number; readyTimeoutMs: number } {
  const s = Math.min(DEAD_LINK_SECONDS.max, Math.max(DEAD_LINK_SECONDS.min, Number.isFinite(deadLinkSeconds) ? deadLinkSeconds : DEAD_LINK_SECONDS.default));
  return {
    keepaliveIntervalMs: Math.round((s * 1000) / (KEEPALIVE_COUNT_MAX + 1)),
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    readyTimeoutMs: Math.max(10_000, s * 1000),
  };
}
