// Copies one open file to another with many positional reads/writes in flight, so a
// high-latency SFTP channel stays full. Memory is bounded by `requests × chunk` per file
// and by the queue-wide ByteBudget; nothing ever holds the whole file.
import { BufferPool } from '../buffer-pool';
import { SkiffError } from '../errors';
import type { FileHandle } from '../fs/file-system';
import { type ByteBudget, type PauseGate, throwIfAborted } from './flow-control';
import type { RateLimiter } from './rate-limit';
import { WriteTurns } from './write-order';

export interface PipelinedCopyOptions {
  /** Bytes per request: min(source maxReadSize, target maxWriteSize). */
  chunkSize: number;
  /** Outstanding requests for this file. */
  requests: number;
  /** The size the listing/stat reported; the copy still reads to the real end of file. */
  expectedSize: number;
  /** Resume offset: bytes below it are already in the target. */
  startAt?: number;
  /**
   * Never issue a request ending more than this past the contiguous watermark, so a part
   * left behind by a failure has holes only in its last `windowBytes` (what resume relies on).
   */
  windowBytes?: number;
  budget: ByteBudget;
  /** The queue's speed limit for this direction: taken before each read is issued. */
  rateLimit?: RateLimiter;
  gate?: PauseGate;
  signal?: AbortSignal;
  /** Called with each chunk's length once it is written. */
  onBytes?: (n: number) => void;
  /** Tags errors with the side they came from (the engine reconnects only that side). */
  onSourceError?: (err: unknown) => unknown;
  onTargetError?: (err: unknown) => unknown;
}

export interface PipelinedCopyState {
  /** Every byte below this offset is written to the target (what a resume may trust). */
  watermark: number;
}

/**
 * Recycled chunk buffers: a 1 GiB copy would otherwise allocate 4,000 × 256 KiB buffers that
 * live until the next GC (peak RSS). At most 64 MiB is kept, and only while copies run: the pool
 * is emptied when the last one ends, so an idle app gives it back.
 */
const chunks = new BufferPool(64 * 1024 * 1024);

/** Bytes of chunk buffers kept for reuse right now (diagnostics and tests). */
export function pooledBufferBytes(): number {
  return chunks.pooledBytes;
}

/** Copies running; the pool is emptied when the last one ends (up to 64 MiB back after a big transfer). */
let copiesRunning = 0;

/** Request size past the expected end (a file that grew while we copy it). */
const PROBE_BYTES = 256 * 1024;

/**
 * Copies `src` to `dst` from `startAt` to the source's end of file, with `requests` reads in
 * flight; resolves to the final size. `state.watermark` stays valid even when it rejects.
 */
export async function pipelinedCopy(
  src: FileHandle | readonly FileHandle[],
  dst: FileHandle | readonly FileHandle[],
  opts: PipelinedCopyOptions,
  state: PipelinedCopyState = { watermark: 0 },
): Promise<number> {
  copiesRunning++;
  try {
    return await copy(src, dst, opts, state);
  } finally {
    if (--copiesRunning === 0) chunks.clear();
  }
}

async function copy(
  src: FileHandle | readonly FileHandle[],
  dst: FileHandle | readonly FileHandle[],
  opts: PipelinedCopyOptions,
  state: PipelinedCopyState,
): Promise<number> {
  // Several handles (one per SFTP channel) stripe a big file: worker w sends each request to
  // handle w mod n. The arrays may grow while the copy runs (a channel that opened late joins).
  const srcs = Array.isArray(src) ? src : [src as FileHandle];
  const dsts = Array.isArray(dst) ? dst : [dst as FileHandle];
  const chunk = Math.max(1, opts.chunkSize);
  const start = opts.startAt ?? 0;
  const expected = Math.max(start, opts.expectedSize);
  state.watermark = start;

  let next = start;
  // Ranges cover [start, expected + 1): the last one asks for ONE byte more than the listing
  // promised. A short read ending exactly at the expected size is then two sources agreeing on
  // the end of file (no extra probe round trip per small file); a full one means the file grew,
  // and the copy reads on to a real EOF.
  let limit = expected + 1;
  let eof = Number.POSITIVE_INFINITY;
  const completed = new Map<number, number>();
  let failure: unknown = null;
  // Every write leaves in offset order (write-order.ts), so ranges are handed out contiguously
  // and a short read is finished by the worker that made it.
  const turns = new WriteTurns(start);

  const windowBytes = opts.windowBytes ?? Number.POSITIVE_INFINITY;
  let advanced: Array<() => void> = [];
  const wake = (): void => {
    const w = advanced;
    advanced = [];
    for (const r of w) r();
  };
  const advance = (pos: number, end: number): void => {
    completed.set(pos, end);
    let w = state.watermark;
    for (let e = completed.get(w); e !== undefined; e = completed.get(w)) {
      completed.delete(w);
      w = e;
    }
    if (w !== state.watermark) {
      state.watermark = w;
      wake();
    }
  };
  /** True when the next new range would run past the window. */
  const blocked = (): boolean => next < limit && next < eof && next + Math.min(chunk, limit - next) > state.watermark + windowBytes;
  const endAt = (at: number): void => {
    eof = Math.min(eof, at);
    turns.endAt(eof);
  };

  const take = (): { pos: number; len: number } | null => {
    if (next >= limit || next >= eof) return null;
    const pos = next;
    // Under a low limit, smaller requests: several grants a second instead of one big burst.
    const c = opts.rateLimit ? Math.min(chunk, opts.rateLimit.requestCap) : chunk;
    const len = limit === Number.POSITIVE_INFINITY ? Math.min(c, PROBE_BYTES) : Math.min(c, limit - pos);
    next = pos + len;
    return { pos, len };
  };

  const worker = async (w: number): Promise<void> => {
    for (;;) {
      if (failure !== null) return;
      throwIfAborted(opts.signal);
      if (opts.gate) await opts.gate.wait(opts.signal);
      while (blocked() && failure === null) await new Promise<void>((resolve) => advanced.push(resolve));
      if (failure !== null) return;
      const r = take();
      if (r === null) return;
      // Tokens before buffer memory: a limited direction must not hold the budget the other one needs.
      const limited = opts.rateLimit !== undefined && opts.rateLimit.rate !== null;
      const turn = opts.rateLimit?.take(r.len, opts.signal);
      if (turn) {
        await turn;
        if (opts.gate) await opts.gate.wait(opts.signal);
      }
      await opts.budget.acquire(r.len);
      const src = srcs[w % srcs.length]!;
      const dst = dsts[w % dsts.length]!;
      const buf = chunks.take(r.len);
      try {
        // A short read is finished by this worker: the rest of its range comes next in offset order.
        let at = r.pos;
        const end = r.pos + r.len;
        while (at < end) {
          let n: number;
          try {
            n = await src.read(buf, at - r.pos, end - at, at);
          } catch (err) {
            throw opts.onSourceError ? opts.onSourceError(err) : err;
          }
          if (n === 0) {
            endAt(at);
            break;
          }
          if (at + n > expected && limit !== Number.POSITIVE_INFINITY) {
            limit = Number.POSITIVE_INFINITY; // it grew: read on to the real end
            next = Math.max(next, end);
          }
          const wait = turns.turn(at);
          if (wait) await wait;
          let written: Promise<void>;
          try {
            written = dst.write(buf, at - r.pos, n, at);
          } finally {
            turns.sent(at, at + n);
          }
          try {
            await written;
          } catch (err) {
            throw opts.onTargetError ? opts.onTargetError(err) : err;
          }
          advance(at, at + n);
          opts.onBytes?.(n);
          at += n;
          if (at < end && at === expected && limit !== Number.POSITIVE_INFINITY) {
            // The listing's size and a short read agree: that is the end of the file.
            endAt(expected);
            break;
          }
        }
        if (limited && at < end) opts.rateLimit!.refund(end - at); // the end of the file came first
      } finally {
        // Both requests on this buffer have settled (awaited above), so nobody else holds it.
        chunks.giveBack(buf);
        opts.budget.release(r.len);
      }
    }
  };

  const workers = Array.from({ length: Math.max(1, opts.requests) }, (_, w) =>
    worker(w).catch((err: unknown) => {
      if (failure === null) failure = err;
      wake(); // blocked workers must see the failure and stop
      turns.stop(failure);
    }),
  );
  await Promise.all(workers);
  // A grown file can leave work that finished workers no longer see; drain it with one worker.
  while (failure === null && next < limit && next < eof) {
    await worker(0).catch((err: unknown) => {
      if (failure === null) failure = err;
      turns.stop(failure);
    });
  }
  if (failure !== null) throw failure;
  throwIfAborted(opts.signal);
  if (!Number.isFinite(eof)) throw new SkiffError('INTERNAL', 'The copy ended without reaching the end of the file.');
  if (state.watermark !== eof) {
    throw new SkiffError('SIZE_MISMATCH', `Only ${state.watermark} of ${eof} bytes were written.`);
  }
  return eof;
}
