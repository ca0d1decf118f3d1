// Waiting that an AbortSignal can end early: a timer, and any promise (the work itself goes on;
// only the wait for it ends). Shared by the SFTP layer, the reconnect loop and the transfer engine.
import { SkiffError } from './errors';

const cancelledError = (): SkiffError => new SkiffError('CANCELLED', 'Cancelled.');

/** Resolves after `ms`, or rejects with CANCELLED when `signal` aborts first. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelledError());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `p`, or `cancelled()` (default CANCELLED) as soon as `signal` aborts, without waiting for `p`.
 * A value that still arrives afterwards goes to `late` (e.g. to close a handle nobody will read).
 */
export function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, cancelled: () => SkiffError = cancelledError, late?: (v: T) => void): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.then(late, () => {});
    return Promise.reject(cancelled());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      p.then(late, () => {});
      reject(cancelled());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return;
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
