// Bringing a dropped session back: attempts on the policy's backoff until one logs in, an answer
// is final (another host key, a refused login, the user cancelled), or the give-up time passes.
// The attempt itself is the caller's (the session manager's login with the session's credentials).
import { delay, isAborted } from '../abort';
import { SkiffError, isSkiffError } from '../errors';
import type { ErrorCode } from '../error-codes';
import { nextReconnectDelay, type ReconnectPolicy } from './reconnect-policy';

/** Failures that a link coming back can cure; anything else stops reconnecting at once. */
const TRANSIENT: readonly ErrorCode[] = [
  'CONNECTION_LOST',
  'CONNECTION_REFUSED',
  'HOST_UNREACHABLE',
  'HOST_NOT_FOUND',
  'TIMEOUT',
  'NOT_CONNECTED',
  'PROTOCOL_ERROR',
];

/** Whether a failed reconnect attempt is worth another try. */
export function isTransientConnectError(err: unknown): boolean {
  return !isSkiffError(err) || TRANSIENT.includes(err.code);
}

export interface ReconnectLoopOptions<S> {
  policy: ReconnectPolicy;
  /** One login attempt. */
  attempt(): Promise<S>;
  /** Told before each attempt (1-based), after its wait. */
  onAttempt?(attempt: number): void;
  /** Told after a failed attempt that will be tried again in `delayMs`. */
  onRetry?(attempt: number, delayMs: number, err: unknown): void;
  /** Stops the loop (CANCELLED). */
  signal: AbortSignal;
  /** Shown in the give-up message ("user@host:port"). */
  label: string;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Tries `attempt` until it succeeds. Rejects with the attempt's own error when it is final, with
 * CANCELLED when `signal` aborts, and with CONNECTION_LOST ("gave up") after `policy.giveUpAfterMs`.
 */
export async function reconnectLoop<S>(o: ReconnectLoopOptions<S>): Promise<S> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? delay;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    if (isAborted(o.signal)) throw cancelled(o.label);
    o.onAttempt?.(attempt);
    try {
      return await o.attempt();
    } catch (err) {
      if (isAborted(o.signal)) throw cancelled(o.label);
      if (!isTransientConnectError(err)) throw err;
      const wait = nextReconnectDelay(o.policy, attempt, now() - started);
      if (wait === null) {
        const why = err instanceof Error ? ` The last attempt said: ${err.message}` : '';
        throw new SkiffError(
          'CONNECTION_LOST',
          `Could not reconnect to ${o.label} within ${Math.round(o.policy.giveUpAfterMs / 1000)} s (${attempt} attempts).${why}`,
          { cause: err },
        );
      }
      o.onRetry?.(attempt, wait, err);
      await sleep(wait, o.signal).catch(() => undefined);
    }
  }
}

function cancelled(label: string): SkiffError {
  return new SkiffError('CANCELLED', `Reconnecting to ${label} was cancelled.`);
}
