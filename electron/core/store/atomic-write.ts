// Crash-safe file replacement: readers see the old bytes or the new bytes, never a torn mix.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for a newly written file (default 0o600: config holds host and user names). */
  mode?: number;
  /** Mode for a config dir created on the way (default 0o700). */
  dirMode?: number;
}

/** Writes `data` to `file` via a temp file in the same dir + fsync + rename (+ dir fsync); the temp file is removed on failure. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
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
    await rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
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
