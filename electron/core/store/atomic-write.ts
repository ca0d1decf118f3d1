// Crash-safe file replacement: readers see the old bytes or the new bytes, never a torn mix.
import { randomBytes } from 'node:crypto';
import { mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for a newly written file (default 0o600: config holds host and user names). */
  mode?: number;
  /** Mode for a config dir created on the way (default 0o700). */
  dirMode?: number;
}

/** Writes `data` to `file` via a temp file in the same dir + fsync + rename (+ dir fsync); the temp file is removed on failure. */
export async function writeFileAtomic(requested: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  // A symlinked config (dotfile managers) keeps its link: replace the file it points to.
  const file = await realpath(requested).catch(() => requested);
  const dir = path.dirname(file);
  try {
    await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  } catch (err) {
    // mkdir -p reports a *file* sitting where the folder should be as EEXIST; callers need "not a folder".
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw Object.assign(new Error(`${dir} exists and is not a folder`), { code: 'ENOTDIR', cause: err });
    throw err;
  }
  // Same dir so rename never crosses file systems; random suffix so concurrent writers never share a temp.
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(tmp, 'wx', options.mode ?? 0o600);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await renameWithRetry(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

// On Windows a virus scanner or indexer briefly holding the target makes rename fail with
// EPERM/EACCES/EBUSY; retrying for a moment is the standard remedy (as graceful-fs does).
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 10 || !['EPERM', 'EACCES', 'EBUSY'].includes(code ?? '')) throw err;
      await sleep(20 * (attempt + 1));
    }
  }
}

// Makes the rename itself durable across power loss. Windows cannot open a directory; nothing to do there.
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory (EINVAL); the data itself is already synced.
  }
}
