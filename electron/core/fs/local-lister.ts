// Describes a batch of a local folder's entries (lstat, and for symlinks readlink + stat) on one
// worker thread: one message per batch of names instead of a thread-pool round trip per call.
// Measured (2,000 entries, warm cache): the scan of a 2,000-file upload went from ~50 ms to a few,
// and 2,000 × 16 KiB uploads from 0.569 to 0.533 s (median of 9). The main thread stays free.
//
// One thread stats one entry after another, which is slower than parallel calls where each
// lstat waits on the network (NFS, SMB): the reply says how long the batch took, and LocalFs
// describes the rest of such a folder with parallel calls instead (see SLOW_STAT_MS there).
import { SkiffError, fromNodeError } from '../errors';
import type { FileEntry } from './file-system';
import { FsThread, FsThreadStopped } from './fs-thread';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const kind = (st) => (st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other');
parentPort.on('message', (m) => {
  const t0 = performance.now();
  const entries = [];
  for (const name of m.names) {
    const full = path.join(m.dir, name);
    try {
      const st = fs.lstatSync(full);
      const e = { name, path: full, type: kind(st), size: st.size, mtimeMs: st.mtimeMs, atimeMs: st.atimeMs, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (e.type === 'symlink') {
        try { e.linkTarget = fs.readlinkSync(full); } catch {}
        try { e.targetType = kind(fs.statSync(full)); } catch { e.targetType = 'broken'; }
      }
      entries.push(e);
    } catch (err) {
      // Deleted between readdir and lstat: not an error for a listing.
      if (err && err.code === 'ENOENT') continue;
      parentPort.postMessage({ id: m.id, err: { code: err && err.code, message: String(err && err.message) }, path: full });
      return;
    }
  }
  parentPort.postMessage({ id: m.id, err: null, entries, ms: performance.now() - t0 });
});
`;

let thread: FsThread | null = null;

/**
 * The entries of `dir` named `names` (those that vanished meanwhile left out), without owner and
 * group names, and how many milliseconds the thread spent on them.
 */
export async function describeEntries(dir: string, names: readonly string[]): Promise<{ entries: FileEntry[]; ms: number }> {
  thread ??= new FsThread(WORKER_SOURCE, 'folder lister');
  let r;
  try {
    r = await thread.request({ dir, names });
  } catch (err) {
    const why = err instanceof FsThreadStopped ? err.message : `it could not be asked (${err instanceof Error ? err.message : String(err)})`;
    throw new SkiffError('INTERNAL', `Could not list “${dir}”: ${why}.`, { path: dir });
  }
  if (r.err) throw fromNodeError(r.err, typeof r.path === 'string' ? r.path : dir);
  return { entries: r.entries as FileEntry[], ms: r.ms as number };
}
