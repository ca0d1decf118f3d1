// Whether a save changed anything is decided by content, not by timestamps: editors touch files
// without changing them and keep mtimes when they do.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fromNodeError } from '../errors';

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
