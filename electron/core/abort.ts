// Waiting that an AbortSignal can end early: a timer, and any promise (the work itself goes on;
// only the wait for it ends). Shared by the SFTP layer, the reconnect loop and the transfer engine.
import { SkiffError } from './errors';

const cancelledError = (): SkiffError => new SkiffError('CANCELLED', 'Cancelled.');

/**
 * Whether the signal has fired. The engine's hot code asks here rather than reading `.aborted`
 * itself: in Node 20 every AbortSignal has a hidden class (map) of its own, so a read site that
 * meets one signal per job (the job's own) is optimized for it and thrown back to the interpreter
 * by the next job's, and the big functions around it (copyOne, transferFile) were compiled again
 * and again, 50–90 ms of a core each time, over a job's first runs. This one read meets every
 * signal of every job, stays generic from the first job on, and costs the code it is inlined into
 * no deoptimization.
 */
export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal !== undefined && signal.aborted;
}

/** Resolves after `ms`, or rejects with CANCELLED when `signal` aborts first. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (isAborted(signal)) return reject(cancelledError());
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
  if (isAborted(signal)) {
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
        if (isAborted(signal)) return;
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
