// Streaming "find on server": matches go out as `sftp:find-result` events while the walk
// runs, in small batches, until one with `done: true`. Cancel stops the walk.
import { randomUUID } from 'node:crypto';
import { fromNodeError, isSkiffError } from '../core/errors';
import type { FileEntry } from '../core/fs/file-system';
import { toEntryDto } from './list-registry';
import type { Emit } from './services';

const BATCH = 200;
const FLUSH_MS = 100;

export class FindRegistry {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly emit: Emit) {}

  /** Starts a walk; results are emitted only after this resolves (the renderer knows the id first). */
  start(walk: (signal: AbortSignal) => AsyncIterable<FileEntry | FileEntry[]>, maxResults: number): { findId: string } {
    const findId = randomUUID();
    const abort = new AbortController();
    this.running.set(findId, abort);
    setImmediate(() => void this.run(findId, walk(abort.signal), abort.signal, maxResults));
    return { findId };
  }

  cancel(findId: string): void {
    this.running.get(findId)?.abort();
  }

  cancelAll(): void {
    for (const a of this.running.values()) a.abort();
  }

  private async run(findId: string, matches: AsyncIterable<FileEntry | FileEntry[]>, signal: AbortSignal, maxResults: number): Promise<void> {
    let batch: FileEntry[] = [];
    let sent = 0;
    let lastFlush = Date.now();
    const flush = (): void => {
      if (batch.length === 0) return;
      this.emit('sftp:find-result', { findId, matches: batch.map(toEntryDto), done: false });
      batch = [];
      lastFlush = Date.now();
    };
    try {
      outer: for await (const m of matches) {
        if (signal.aborted) break;
        for (const e of Array.isArray(m) ? m : [m]) {
          batch.push(e);
          sent += 1;
          if (sent >= maxResults) break outer;
        }
        if (batch.length >= BATCH || Date.now() - lastFlush >= FLUSH_MS) flush();
      }
      flush();
      if (signal.aborted) this.emit('sftp:find-result', { findId, matches: [], done: true, error: { code: 'CANCELLED', message: 'Search cancelled.' } });
      else this.emit('sftp:find-result', { findId, matches: [], done: true });
    } catch (err) {
      flush();
      const e = signal.aborted && !isSkiffError(err) ? { code: 'CANCELLED' as const, message: 'Search cancelled.' } : fromNodeError(err).toData();
      this.emit('sftp:find-result', { findId, matches: [], done: true, error: e });
    } finally {
      this.running.delete(findId);
    }
  }
}
