// Writes of one file leave in offset order, whatever order their reads came back in. A server
// that only accepts bytes at the current end of the file (rclone's VFS without a cache: "can't
// seek in file") fails a WRITE that arrives ahead of the bytes before it, and one that works a
// handle's requests on several workers (Go pkg/sftp) only puts them back in order if they came
// in order. A read that finished early waits for the one before it; reads still run ahead.
import { SkiffError } from '../errors';

/**
 * Turns for the writes of one copy: `turn(pos)` is null when every byte below `pos` has been
 * handed to a write, else a promise of that moment; `sent(pos, end)` records that [pos, end) just
 * was (call it right after starting the write, before awaiting it). Ranges must be contiguous
 * from `start`.
 */
export class WriteTurns {
  private next: number;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: unknown) => void }>();
  private stopped: unknown = null;
  private end = Number.POSITIVE_INFINITY;

  constructor(start: number) {
    this.next = start;
  }

  /** Offset of the next write allowed to leave. */
  get position(): number {
    return this.next;
  }

  turn(pos: number): Promise<void> | null {
    if (this.stopped !== null) return Promise.reject(this.stopped);
    // Its turn already (the common case): no promise, no extra tick per request.
    if (pos === this.next) return null;
    if (pos >= this.end) return Promise.reject(grewError());
    return new Promise((resolve, reject) => this.waiting.set(pos, { resolve, reject }));
  }

  sent(pos: number, end: number): void {
    if (pos !== this.next) return;
    this.next = end;
    const w = this.waiting.get(end);
    if (w) {
      this.waiting.delete(end);
      w.resolve();
    }
  }

  /** No byte at or after `eof` will be written: a write still waiting there can never leave. */
  endAt(eof: number): void {
    this.end = Math.min(this.end, eof);
    for (const [pos, w] of this.waiting) {
      if (pos >= this.end) {
        this.waiting.delete(pos);
        w.reject(grewError());
      }
    }
  }

  /** The copy failed: every write still waiting gives up with `err`. */
  stop(err: unknown): void {
    if (this.stopped !== null) return;
    this.stopped = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

function grewError(): SkiffError {
  return new SkiffError('SIZE_MISMATCH', 'The file changed size while it was being copied.');
}
