// Moves one file safely: data goes to `name.skiffpart` next to the target, the size is
// verified, mtime (and mode) set, and only then is it renamed over the final name. A failure
// or cancel at any point leaves the final name untouched (old file intact, or absent).
//
// Resume policy: after a lost connection the engine knows exactly which bytes landed (the
// contiguous watermark) and continues there. For a part or partial target it did not write
// in this run, it backs off RESUME_BACKOFF bytes from the end (the most a pipelined writer
// can leave unwritten behind its furthest byte) and compares the TAIL_CHECK bytes before that
// point with the source; any difference restarts the file from zero.
import { SkiffError, fromNodeError, isSkiffError } from '../errors';
import type { FileHandle, FileStat, FileSystem } from '../fs/file-system';
import { wholeFileBuffers as pool } from '../fs/whole-file-buffers';
import { type ByteBudget, type PauseGate, throwIfAborted } from './flow-control';
import { pipelinedCopy } from './pipelined-copy';
import type { RateLimiter } from './rate-limit';
import type { PlanFile } from './scan';
import { CONNECTION_ERROR_CODES, type TransferWarningCode } from './types';

export const PART_SUFFIX = '.skiffpart';
/** Most bytes of one file in flight at once (requests × chunk is capped to it). */
export const MAX_FILE_WINDOW = 16 * 1024 * 1024;
/** Bytes re-sent when resuming a part of unknown history: a pipelined writer of ours can leave holes only this far behind its end. */
export const RESUME_BACKOFF = MAX_FILE_WINDOW;
/**
 * Files at least this big are striped over several channels: each SFTP channel has its own
 * 2 MiB flow-control window and (OpenSSH) its own sftp-server process. Measured here on a
 * 256 MiB download: median 179 MiB/s on one channel × 64 requests, 266 MiB/s on 2 × 16.
 */
export const STRIPE_MIN = 8 * 1024 * 1024;
/** Files at least this big get their written size checked with fstat before the rename. */
export const STAT_VERIFY_MIN = 1024 * 1024;
/** Bytes compared before the resume point. */
export const TAIL_CHECK = 64 * 1024;
/**
 * Files below this size (and below one read request) go through the target's writeWholeFile when
 * it has one: one read, then the whole part written, timed and moved in one step.
 */
export const WHOLE_FILE_MAX = 1024 * 1024;

export type Side = 'source' | 'target';
const sides = new WeakMap<object, Side>();

/** Remembers which side an error came from (the engine reconnects only that side). */
export function tagSide(err: unknown, side: Side): unknown {
  if (err !== null && typeof err === 'object' && !sides.has(err)) sides.set(err, side);
  return err;
}

export function sideOf(err: unknown): Side | undefined {
  return err !== null && typeof err === 'object' ? sides.get(err) : undefined;
}

export function isConnectionError(err: unknown): boolean {
  return isSkiffError(err) && CONNECTION_ERROR_CODES.includes(err.code);
}

async function onSide<T>(side: Side, p: Promise<T>, path: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw tagSide(err instanceof SkiffError ? err : fromNodeError(err, path), side);
  }
}

export interface FileTransferContext {
  src: FileSystem;
  dst: FileSystem;
  /**
   * More channels of the same sides; a file of at least STRIPE_MIN starts on its own channel and
   * each of these joins it as soon as it is open (a failure to open one only leaves the file on
   * fewer channels; one that turns out to be `src` or `dst` itself, or a repeat, is left out).
   */
  stripes?: Promise<{ src: Array<FileSystem | Promise<FileSystem>>; dst: Array<FileSystem | Promise<FileSystem>> }>;
  budget: ByteBudget;
  /** The queue's speed limit for this job's direction (off: rate null). */
  rateLimit?: RateLimiter;
  gate: PauseGate;
  signal: AbortSignal;
  requests: number;
  /** Bytes of one file in flight at most (below MAX_FILE_WINDOW): for uploads, what the server's windows let leave (link-tuning.ts). */
  maxBytesInFlight?: number;
  preservePermissions: boolean;
  onBytes(n: number): void;
  /** The file landed, but something of it was not kept (its modification time, its permissions). */
  onWarning?(code: TransferWarningCode, message: string): void;
  /** A part file of ours now exists (true: created or written to) or is gone (false: renamed onto the final name, removed). */
  onPart?(partPath: string, present: boolean): void;
  /** True when the job is being stopped for a quit: a cancelled file keeps its part for a later resume. */
  keepParts?(): boolean;
}

export interface FileTransferPlan {
  /** Final path on the target side. */
  finalPath: string;
  /** Replace an existing final file (posix-rename) rather than refuse to. */
  overwrite: boolean;
  /** Mode to give the new file (old target's when overwriting, source's when preserving). */
  mode?: number;
  /** Continue an existing partial copy: where it lives and whether its history is known. */
  resume?: { from: 'part' | 'target'; knownWatermark?: number };
}

async function tailMatches(src: FileHandle, part: FileHandle, at: number): Promise<boolean> {
  const len = Math.min(TAIL_CHECK, at);
  if (len === 0) return true;
  const a = Buffer.alloc(len);
  const b = Buffer.alloc(len);
  const [na, nb] = await Promise.all([readFully(src, a, at - len), readFully(part, b, at - len)]);
  return na === len && nb === len && a.equals(b);
}

async function readFully(h: FileHandle, buf: Buffer, pos: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const n = await h.read(buf, got, buf.length - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * Reads a small file in one request of size + 1 bytes (through the source's readWholeFile when it
 * has one, else one read on an opened handle): exactly `size` bytes back is the whole file (a
 * short read ending at the size the listing gave; pipelinedCopy relies on the same). Anything
 * else (it grew, shrank, or the server read short) comes back as `data: null`. `closing` settles
 * when the read handle (if one was opened) is closed.
 */
async function readWhole(ctx: FileTransferContext, file: PlanFile): Promise<{ data: Buffer | null; release: () => void; closing: Promise<void> }> {
  const { src } = ctx;
  const size = file.stat.size;
  const len = size + 1;
  const turn = ctx.rateLimit?.take(size, ctx.signal);
  if (turn) {
    await turn;
    await ctx.gate.wait(ctx.signal);
  }
  await ctx.budget.acquire(len);
  let data: Buffer | undefined;
  // Called once nothing reads or writes the bytes any more (the target's write has settled).
  const release = (): void => {
    ctx.budget.release(len);
    pool.giveBack(data);
  };
  let closing: Promise<void> = Promise.resolve();
  try {
    if (src.readWholeFile) {
      data = await onSide('source', src.readWholeFile(file.srcPath, len), file.srcPath);
    } else {
      const h = await onSide('source', src.open(file.srcPath, 'r'), file.srcPath);
      // Memory of its own (not Buffer's shared pool), so writeWholeFile can hand it over uncopied.
      // Held in `data` from now on, so release gives it back if the read fails (it has settled then).
      const buf = (data = pool.take(len));
      const n = await onSide('source', h.read(buf, 0, len, 0), file.srcPath).finally(() => {
        // The read handle's close cannot change the copy (and a lost connection shows up anyway):
        // waited for only once the file is written.
        closing = h.close().catch(() => undefined);
      });
      data = buf.subarray(0, n);
    }
    if (data.length !== size) {
      release();
      return { data: null, release: () => undefined, closing };
    }
    return { data, release, closing };
  } catch (err) {
    release();
    await closing;
    throw err;
  }
}

/** Copies `file` to `plan.finalPath` via a .skiffpart; on a lost connection records `file.resumeFrom` and rethrows. */
export async function transferFile(ctx: FileTransferContext, file: PlanFile, asked: FileTransferPlan): Promise<void> {
  const { src, dst } = ctx;
  // A target that cannot continue a file in the middle (rclone's VFS) gets the whole file again:
  // a resumed target is then replaced, a part rewritten from its start.
  const plan: FileTransferPlan =
    asked.resume && !dst.canResumeWrites
      ? { finalPath: asked.finalPath, overwrite: asked.resume.from === 'target' || asked.overwrite, ...(asked.mode === undefined ? {} : { mode: asked.mode }) }
      : asked;
  const partPath = plan.finalPath + PART_SUFFIX;
  const size = file.stat.size;
  let srcH: FileHandle | null = null;
  let dstH: FileHandle | null = null;
  let srcAll: FileHandle[] | undefined;
  let dstAll: FileHandle[] | undefined;
  const extraHandles: FileHandle[] = [];
  /** Set when the copy is over: a stripe handle opening after that closes itself. */
  let stripesClosed = false;
  const copyState = { watermark: 0 };
  let startAt = 0;
  let copying = false;
  /** The part now holds bytes of this attempt (a resumed part is no longer what we found). */
  let partTouched = false;
  try {
    if (!plan.resume && dst.writeWholeFile && size < Math.min(WHOLE_FILE_MAX, src.maxReadSize)) {
      await ctx.gate.wait(ctx.signal);
      throwIfAborted(ctx.signal);
      const whole = await readWhole(ctx, file);
      if (whole.data) {
        const bytes = whole.data.length; // the data may be handed over (detached) by the write
        try {
          throwIfAborted(ctx.signal);
          ctx.onPart?.(partPath, true);
          const kept = await onSide(
            'target',
            dst.writeWholeFile({
              partPath,
              finalPath: plan.finalPath,
              data: whole.data,
              overwrite: plan.overwrite,
              ...(plan.mode === undefined ? {} : { mode: plan.mode }),
              atimeMs: file.stat.atimeMs,
              mtimeMs: file.stat.mtimeMs,
            }),
            plan.finalPath,
          );
          if (kept && !kept.times) warnTimes(ctx, null);
          if (kept && !kept.mode && plan.mode !== undefined) warnMode(ctx, null);
        } finally {
          whole.release();
        }
        ctx.onPart?.(partPath, false);
        ctx.onBytes(bytes - file.bytesDone);
        file.bytesDone = bytes;
        file.resumeFrom = undefined;
        await whole.closing;
        return;
      }
      // The file is not the size the listing said (it changed, or the server reads short):
      // the general path below copies whatever it really holds.
      await whole.closing;
    }
    if (!plan.resume) {
      ctx.onPart?.(partPath, true);
      // Both opens at once: one round trip instead of two for every small file.
      const [a, b] = await Promise.allSettled([
        onSide('source', src.open(file.srcPath, 'r'), file.srcPath),
        onSide('target', dst.open(partPath, 'w', plan.mode), partPath),
      ]);
      if (a.status === 'fulfilled') srcH = a.value;
      if (b.status === 'fulfilled') dstH = b.value;
      if (a.status === 'rejected') throw a.reason;
      if (b.status === 'rejected') throw b.reason;
    } else {
      srcH = await onSide('source', src.open(file.srcPath, 'r'), file.srcPath);
    }

    if (plan.resume) {
      if (plan.resume.from === 'target') {
        // The user chose to continue a partial target: move it aside first so the final name
        // never holds a file that is being appended to.
        await onSide('target', dst.rename(plan.finalPath, partPath, { overwrite: true }), plan.finalPath);
      }
      const part = await onSide('target', dst.statOrNull(partPath), partPath);
      if (part && part.type === 'file' && part.size <= size) {
        const known = plan.resume.knownWatermark;
        startAt = known !== undefined && known <= part.size ? known : Math.max(0, part.size - RESUME_BACKOFF);
        if (startAt > 0) {
          // A part continued is ours from now on; a partial target the user chose to continue stays theirs.
          if (plan.resume.from === 'part') ctx.onPart?.(partPath, true);
          dstH = await onSide('target', dst.open(partPath, 'r+'), partPath);
          if (known === undefined || known > part.size) {
            if (!(await onSide('target', tailMatches(srcH!, dstH, startAt), partPath))) {
              await dstH.close().catch(() => undefined);
              dstH = null;
              startAt = 0;
            }
          }
        }
      }
    }
    if (!srcH) throw new SkiffError('INTERNAL', 'The source was not opened.');
    if (!dstH) {
      startAt = 0;
      partTouched = true;
      ctx.onPart?.(partPath, true);
      dstH = await onSide('target', dst.open(partPath, 'w', plan.mode), partPath);
    }

    // Big files: more handles on more channels, joining the copy as they open (pipelinedCopy
    // picks a handle per request, so a late one takes its share of what is left). The part
    // already exists (opened above), so extra target handles open it r+ and never truncate it.
    if (size - startAt >= STRIPE_MIN && ctx.stripes) {
      const srcs = [srcH];
      const dsts = [dstH];
      srcAll = srcs;
      dstAll = dsts;
      const usedSrc = new Set<FileSystem>([src]);
      const usedDst = new Set<FileSystem>([dst]);
      const join = async (
        channel: FileSystem | Promise<FileSystem>,
        used: Set<FileSystem>,
        open: (fs: FileSystem) => Promise<FileHandle>,
        into: FileHandle[],
      ): Promise<void> => {
        const fs = await Promise.resolve(channel).catch(() => null);
        if (!fs || used.has(fs) || stripesClosed) return;
        used.add(fs);
        const h = await open(fs).catch(() => null);
        if (!h) return;
        // Too late for this copy: nobody else will close it.
        if (stripesClosed) return void h.close().catch(() => undefined);
        extraHandles.push(h);
        into.push(h);
      };
      void ctx.stripes.then(
        (x) => {
          for (const c of x.src) void join(c, usedSrc, (fs) => fs.open(file.srcPath, 'r'), srcs);
          for (const c of x.dst) void join(c, usedDst, (fs) => fs.open(partPath, 'r+'), dsts);
        },
        () => undefined,
      );
    }

    // Progress counts resumed bytes as done, and forgets what an earlier attempt counted.
    ctx.onBytes(startAt - file.bytesDone);
    file.bytesDone = startAt;
    const chunk = Math.max(1, Math.min(src.maxReadSize, dst.maxWriteSize));
    const remaining = Math.max(0, size - startAt);
    copying = true;
    partTouched = true;
    const finalSize = await pipelinedCopy(
      srcAll ?? srcH,
      dstAll ?? dstH,
      {
        chunkSize: chunk,
        // A small file needs only its chunks (+1 byte); a big one at most MAX_FILE_WINDOW in
        // flight, which is what makes RESUME_BACKOFF a safe bound for parts we wrote earlier.
        requests: Math.max(
          1,
          Math.min(ctx.requests, Math.floor(Math.min(MAX_FILE_WINDOW, ctx.maxBytesInFlight ?? MAX_FILE_WINDOW) / chunk), Math.ceil((remaining + 1) / chunk)),
        ),
        expectedSize: size,
        startAt,
        windowBytes: MAX_FILE_WINDOW,
        budget: ctx.budget,
        ...(ctx.rateLimit ? { rateLimit: ctx.rateLimit } : {}),
        gate: ctx.gate,
        signal: ctx.signal,
        onBytes: (n) => {
          file.bytesDone += n;
          ctx.onBytes(n);
        },
        onSourceError: (err) => tagSide(err, 'source'),
        onTargetError: (err) => tagSide(err, 'target'),
      },
      copyState,
    );
    copying = false;
    stripesClosed = true;

    // pipelinedCopy proved every byte of [0, finalSize) was acknowledged by the target. For
    // bigger files also ask the target what it holds (one round trip is noise there); for small
    // ones the acknowledged writes into a freshly truncated part are the size check.
    const checkSize = (written: FileStat): void => {
      if (written.size !== finalSize) {
        throw new SkiffError('SIZE_MISMATCH', `“${plan.finalPath}” has ${written.size} bytes after the copy, expected ${finalSize}.`, { path: plan.finalPath });
      }
    };
    let sized: Promise<FileStat> | null = null;
    if (finalSize >= STAT_VERIFY_MIN || startAt > 0) {
      sized = onSide('target', dstH.stat(), partPath);
      // An SFTP server that carries out one handle's requests in order answers this fstat before
      // the close sent right behind it: one round trip less, and its answer still comes before the
      // rename. (Locally a round trip costs nothing, and a close racing a thread-pool fstat has no order.)
      if (!(dst.kind === 'sftp' && dst.handlesInOrder)) {
        checkSize(await sized);
        sized = null;
      } else {
        sized.catch(() => undefined);
      }
    }
    const h1 = srcH;
    const h2 = dstH;
    const hx = extraHandles.splice(0);
    srcH = null;
    dstH = null;
    // Closing, mtime and mode are independent: one round of requests, then the rename.
    const finish: Array<Promise<void>> = [
      onSide('source', h1.close(), file.srcPath),
      onSide('target', h2.close(), partPath),
      ...hx.map((h) => h.close()),
      // A server that refuses times or permissions still gets the file, with a warning.
      onSide('target', dst.utimes(partPath, file.stat.atimeMs, file.stat.mtimeMs), partPath).catch((err: unknown) =>
        attrRefused(err) ? warnTimes(ctx, err) : Promise.reject(err),
      ),
    ];
    if (plan.mode !== undefined) {
      finish.push(
        onSide('target', dst.chmod(partPath, plan.mode, { verify: false }), partPath).catch((err: unknown) =>
          attrRefused(err) ? warnMode(ctx, err) : Promise.reject(err),
        ),
      );
    }
    const settled = await Promise.allSettled(finish);
    if (sized) checkSize(await sized);
    const bad = settled.find((r) => r.status === 'rejected');
    if (bad) throw (bad as PromiseRejectedResult).reason;
    // The file grew or shrank while copying: count what was really copied.
    if (finalSize !== file.bytesDone) {
      ctx.onBytes(finalSize - file.bytesDone);
      file.bytesDone = finalSize;
    }
    await onSide('target', dst.rename(partPath, plan.finalPath, { overwrite: plan.overwrite }), plan.finalPath);
    ctx.onPart?.(partPath, false);
    file.resumeFrom = undefined;
  } catch (err) {
    stripesClosed = true;
    const lost = isConnectionError(err);
    // Quitting stops a file like a cancel, but what it wrote stays for the resume at the next start.
    const keep = lost || ctx.keepParts?.() === true;
    // Only a copy that got going knows a better resume point; otherwise keep the old one.
    if (lost && copying) file.resumeFrom = copyState.watermark;
    await Promise.all([
      srcH?.close().catch(() => undefined),
      dstH?.close().catch(() => undefined),
      ...extraHandles.map((h) => h.close().catch(() => undefined)),
    ]);
    if (!lost && plan.resume && !partTouched) {
      // The partial target was the user's and is unchanged: put it back where it was.
      if (plan.resume.from === 'target') await dst.rename(partPath, plan.finalPath, { overwrite: false }).catch(() => undefined);
    } else if (!lost && plan.resume) {
      // A resumed part we already wrote to: keep it for the next resume, never under the final name.
    } else if (!keep) {
      // Nothing to resume from after a cancel or a real error: free the space, keep the final name as it was.
      await dst.remove(partPath).then(
        () => ctx.onPart?.(partPath, false),
        () => undefined,
      );
      file.resumeFrom = undefined;
    }
    throw err;
  }
}

/** A refusal to set times or permissions (not a lost connection, not a cancel): the file itself is fine. */
function attrRefused(err: unknown): boolean {
  return isSkiffError(err) && !isConnectionError(err) && err.code !== 'CANCELLED';
}

function warnTimes(ctx: FileTransferContext, err: unknown): void {
  const why = isSkiffError(err) ? ` (${err.message})` : '';
  ctx.onWarning?.('MTIME_NOT_KEPT', `Modification time not kept: the server did not allow setting it${why}.`);
}

function warnMode(ctx: FileTransferContext, err: unknown): void {
  // Without "preserve permissions" the mode was only the replaced file's: keeping it is a courtesy, not a promise.
  if (!ctx.preservePermissions) return;
  const why = isSkiffError(err) ? ` (${err.message})` : '';
  ctx.onWarning?.('MODE_NOT_KEPT', `Permissions not kept: the server did not allow setting them${why}.`);
}

/** The FileStat a conflict question shows for the target. */
export function statSummary(path: string, st: FileStat): { path: string; size: number; mtimeMs: number } {
  return { path, size: st.size, mtimeMs: st.mtimeMs };
}
