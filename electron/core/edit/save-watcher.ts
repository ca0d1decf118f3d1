// Notices saves of one edited file. Editors save in three ways: truncate and write in place, write
// a temp file and rename it over the original, or several writes in a row. The file lives alone in
// a folder of its own, so the folder is watched (a rename onto the name is an event there), and any
// event means "look again" once things are quiet; a slow stat poll catches what a watcher misses
// (network homes, editors that swap inodes oddly). Whether the content changed is the caller's call.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

export interface SaveWatcherOptions {
  /** Quiet time after the last event before a save counts as finished (default 400 ms). */
  debounceMs?: number;
  /** Stat poll interval, the safety net (default 2 s; 0 = off). */
  pollMs?: number;
}

export interface SaveWatcher {
  close(): void;
}

/** Calls `onSettled` after each burst of changes to `file` (debounced). */
export function watchForSaves(file: string, onSettled: () => void, opts: SaveWatcherOptions = {}): SaveWatcher {
  const debounceMs = opts.debounceMs ?? 400;
  const pollMs = opts.pollMs ?? 2000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let last = '';
  const poke = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onSettled();
    }, debounceMs);
  };
  const signature = async (): Promise<string> => {
    try {
      const st = await stat(file, { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch {
      return 'missing';
    }
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.dirname(file), { persistent: false }, poke);
    watcher.on('error', () => undefined); // the poll still runs
  } catch {
    watcher = undefined;
  }
  void signature().then((s) => (last = s));
  const poll =
    pollMs > 0
      ? setInterval(() => {
          void signature().then((s) => {
            if (s !== last) {
              last = s;
              poke();
            }
          });
        }, pollMs)
      : undefined;
  poll?.unref?.();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      watcher?.close();
    },
  };
}
