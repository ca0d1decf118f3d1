// Streaming recursive search by name or glob over any FileSystem ("find wmr1006.csv on the
// server, then download it"). Breadth-first, a few folders listed at once, matches yielded as
// soon as their folder is read.
//
// Symlink policy: symlinks are matched by name like any entry but NEVER descended into, even
// when they point at folders. That alone rules out cycles (a walk along real folders is a tree)
// and keeps a search of /home from wandering into /, as `find` does without -L.
// Unreadable folders (permission denied, vanished meanwhile) go to `onError` and the walk goes
// on; a lost connection or a failure on `root` itself ends it by rejecting.
import picomatch from 'picomatch';
import { isAborted } from '../abort';
import { SkiffError, isSkiffError } from '../errors';
import type { FileEntry, FileSystem } from './file-system';

export interface FindOptions {
  /** An exact file name or a glob (`*.csv`, `wmr10??.csv`, `{a,b}.txt`) matched against base names. */
  pattern: string;
  /** Aborting rejects the iteration with CANCELLED at once. */
  signal?: AbortSignal;
  /** 1 = only the entries of `root`; default unlimited. */
  maxDepth?: number;
  /** Stop after this many matches. */
  maxResults?: number;
  /** Default true (as on the servers, where names are case-sensitive). */
  caseSensitive?: boolean;
  /** Folders listed at the same time (default 4). */
  concurrency?: number;
  /** Called for each folder that could not be read; the walk continues. */
  onError?: (error: SkiffError, dir: string) => void;
}

/** Codes that mean the whole walk cannot go on, as opposed to one unreadable folder. */
const FATAL = new Set(['CONNECTION_LOST', 'NOT_CONNECTED', 'CANCELLED', 'TIMEOUT']);

function cancelled(root: string): SkiffError {
  return new SkiffError('CANCELLED', `The search in “${root}” was cancelled.`, { path: root });
}

/** Builds the name test: exact name first, then the glob. */
export function nameMatcher(pattern: string, caseSensitive = true): (name: string) => boolean {
  const glob = picomatch(pattern, { dot: true, nocase: !caseSensitive });
  const exact = caseSensitive ? pattern : pattern.toLowerCase();
  return (name) => (caseSensitive ? name === exact : name.toLowerCase() === exact) || glob(name);
}

/** Walks `root` breadth-first and yields every entry whose base name matches `pattern`. */
export async function* find(fs: FileSystem, root: string, opts: FindOptions): AsyncGenerator<FileEntry, void, undefined> {
  const { signal } = opts;
  if (!opts.pattern) throw new SkiffError('INVALID_ARGUMENT', 'Enter a file name or pattern to search for.');
  const matches = nameMatcher(opts.pattern, opts.caseSensitive ?? true);
  const maxDepth = opts.maxDepth ?? Infinity;
  const maxResults = opts.maxResults ?? Infinity;
  const limit = Math.max(1, opts.concurrency ?? 4);
  if (isAborted(signal)) throw cancelled(root);
  if (maxResults <= 0 || maxDepth <= 0) return;

  let abortReject: ((e: SkiffError) => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    abortReject = reject;
  });
  aborted.catch(() => {});
  const onAbort = (): void => abortReject?.(cancelled(root));
  signal?.addEventListener('abort', onAbort, { once: true });

  type Done = { id: number; dir: string; depth: number; entries?: FileEntry[]; error?: unknown };
  const queue: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 1 }];
  const inFlight = new Map<number, Promise<Done>>();
  let ticket = 0;
  let found = 0;

  const start = (dir: string, depth: number): void => {
    const id = ticket++;
    // Removed from inFlight only when consumed: two listings may settle before the next race.
    const p = fs.list(dir, signal ? { signal } : {}).then(
      (entries): Done => ({ id, dir, depth, entries }),
      (error: unknown): Done => ({ id, dir, depth, error }),
    );
    inFlight.set(id, p);
  };

  try {
    for (;;) {
      while (inFlight.size < limit && queue.length) {
        const next = queue.shift()!;
        start(next.dir, next.depth);
      }
      if (inFlight.size === 0) return;
      const done = await Promise.race([aborted, ...inFlight.values()]);
      inFlight.delete(done.id);
      if (isAborted(signal)) throw cancelled(root);
      if (done.error !== undefined) {
        const err = isSkiffError(done.error) ? done.error : new SkiffError('FAILURE', `Could not list “${done.dir}”.`, { path: done.dir, cause: done.error });
        if (done.dir === root || FATAL.has(err.code)) throw err;
        opts.onError?.(err, done.dir);
        continue;
      }
      for (const e of done.entries ?? []) {
        if (matches(e.name)) {
          yield e;
          found += 1;
          if (found >= maxResults) return;
          if (isAborted(signal)) throw cancelled(root);
        }
        // Never into symlinks (see the policy at the top): this is what makes cycles impossible.
        if (e.type === 'directory' && done.depth < maxDepth) queue.push({ dir: e.path, depth: done.depth + 1 });
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
