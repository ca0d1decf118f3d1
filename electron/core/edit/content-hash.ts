// Whether a save changed anything is decided by content, not by timestamps: editors touch files
// without changing them and keep mtimes when they do.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fromNodeError } from '../errors';
import type { FileSystem } from '../fs/file-system';

/** SHA-256 (hex) of a local file, streamed. */
export async function hashFile(p: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(p)) h.update(chunk as Buffer);
  } catch (err) {
    throw fromNodeError(err, p);
  }
  return h.digest('hex');
}

/** SHA-256 (hex) of a file on any side, read in requests of the side's size; null when it holds more than `maxBytes`. */
export async function hashRemoteFile(fs: FileSystem, p: string, maxBytes: number): Promise<string | null> {
  const h = createHash('sha256');
  const fh = await fs.open(p, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(fs.maxReadSize, maxBytes + 1));
    for (let pos = 0; ;) {
      const n = await fh.read(buf, 0, buf.length, pos);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      pos += n;
      if (pos > maxBytes) return null;
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
  return h.digest('hex');
}
