// Running one job: scan, folders, then many files at once (big ones striped over extra channels),
// each pipelined and written through a .skiffpart. A lost connection fails the running files
// cleanly; the job then reconnects (bounded, with backoff) and resumes them from their parts.
import { SkiffError } from '../errors';
import type { FileSystem } from '../fs/file-system';
import { ChannelSet } from './channel-set';
import { freeName } from './conflict';
import { type FileTransferContext, type FileTransferPlan, PART_SUFFIX, STRIPE_MIN, isConnectionError, sideOf, transferFile } from './file-transfer';
import type { ByteBudget } from './flow-control';
import { abortable, delay, isAborted } from '../abort';
import { type Job, type TargetDirInfo, asSkiff, relKey } from './job';
import { decideConflict } from './job-conflicts';
import type { JobEvents } from './job-events';
import type { SpeedLimiter } from './rate-limit';
import { inFlightFactor, uploadBytesInFlight, writeStripesFor } from './link-tuning';
import { type Plan, type PlanFile, type PlanFileState, scanSources } from './scan';
import { finishDirs, prepareDirs, targetPath } from './target-dirs';
import type { TransferEndpoint, TransferQueueOptions, TransferState } from './types';

/**
 * With `connections` 2 (off by default: see TransferQueueOptions.connections), a job with at
 * least this many files spreads its channels over a second connection: its login is hidden
 * behind the files the first connection moves meanwhile. A big file alone does not open one
 * (slower: see the engine README).
 */
const MANY_FILES = 32;

/** The queue's hold on the transfer heap tuning (heap-tuning.ts), taken by each job once it knows what it moves. */
export interface HeapTuningHold {
  /** `bytes`: what the job has left to move (the queue decides from it whether to hold). */
  hold(bytes: number): void;
  /** Idempotent; a no-op when never held. */
  release(): void;
}

function pendingBytes(plan: Plan): number {
  let n = 0;
  for (const f of plan.files) if (f.state === 'pending') n += f.stat.size - f.bytesDone;
  return n;
}

export type RunnerOptions = Required<Omit<TransferQueueOptions, 'onConflict'>> & Pick<TransferQueueOptions, 'onConflict'>;

export interface RunnerDeps {
  opts: RunnerOptions;
  budget: ByteBudget;
  /** The queue-wide speed limits, one bucket per direction. */
  limits: SpeedLimiter;
  events: JobEvents;
  /** Cancels the whole job (a conflict answered "cancel"). */
  cancel(jobId: string): void;
}

export class JobRunner {
  /** Reconnects in progress, per old endpoint, so jobs sharing a session reconnect it once. */
  private readonly reconnecting = new WeakMap<TransferEndpoint, Promise<TransferEndpoint>>();
  private readonly replaced = new WeakMap<TransferEndpoint, TransferEndpoint>();
  private readonly writing = new WeakMap<FileSystem, Set<string>>();

  constructor(private readonly deps: RunnerDeps) {}

  private get opts(): RunnerOptions {
    return this.deps.opts;
  }

  /** Runs the job until it is over and returns the state it ends in (the queue records it). */
  async run(job: Job, heap: HeapTuningHold): Promise<TransferState> {
    const { events } = this.deps;
    job.state = 'running';
    job.rate.reset();
    events.changed(job);
    const signal = job.abort.signal;
    let srcCh: ChannelSet | null = null;
    let dstCh: ChannelSet | null = null;
    let writeStripes = 1;
    let writers = 1;
    let outcome: TransferState;
    try {
      for (;;) {
        try {
          await job.gate.wait(signal);
          if (!job.plan) await this.scan(job, signal);
          heap.hold(pendingBytes(job.plan!));
          // Channels (and a second connection) open lazily: a single small file never opens an extra one.
          const conns = this.connectionsFor(job.plan!);
          // Only the reading side gets a second connection (the writes were no faster over two).
          // Files use the first `channels` of them; a big file's stripes may use more.
          srcCh ??= new ChannelSet(job.source, Math.max(this.opts.channels, this.opts.stripes), conns);
          // A big upload over a long link is spread over more channels (link-tuning.ts); small files still use `writeChannels`.
          if (!dstCh) {
            writeStripes = writeStripesFor(job.target, this.opts.writeStripes);
            writers = this.writersFor(job, writeStripes);
            dstCh = new ChannelSet(job.target, Math.max(this.opts.writeChannels, writeStripes));
            // Their sftp-servers start now, beside the folder checks and the part's open, not after them
            // (an SFTP channel takes about three round trips to open). Small files use them too: see writersFor.
            if (writers > 1 || (writeStripes > 1 && job.plan!.files.some((f) => f.state === 'pending' && f.stat.size >= STRIPE_MIN))) {
              for (let k = 1; k < writeStripes; k++) void dstCh.get(k);
            }
          }
          await prepareDirs(job, dstCh.primary, signal);
          await this.copyFiles(job, srcCh, dstCh, writeStripes, writers, signal);
          // Every file is over: the extra channels close while the folders get their times (one
          // round trip for both, not one after the other; 40 ms links: test/bench/README.md).
          await Promise.all([finishDirs(job, dstCh.primary), srcCh.close(), dstCh.close()]);
          break;
        } catch (err) {
          if (isAborted(signal) || !isConnectionError(err)) throw err;
          if (job.retries >= this.opts.maxAutoRetries) throw err;
          // Lost connection: close what we opened, wait (backoff), reconnect the side that failed.
          await srcCh?.close();
          await dstCh?.close();
          srcCh = null;
          dstCh = null;
          await this.reconnectAfter(job, err, signal);
        }
      }
      outcome = outcomeOf(job);
      // Every file is done or skipped: a part an earlier run left under a name not used now is only clutter.
      if (outcome !== 'failed') await this.removeLeftParts(job);
    } catch (err) {
      const e = asSkiff(err);
      if (isAborted(signal) || e.code === 'CANCELLED') {
        outcome = 'cancelled';
      } else {
        job.error = e;
        outcome = 'failed';
      }
    } finally {
      for (const f of job.plan?.files ?? []) if (f.state === 'running') f.state = 'failed';
      // Extra channels are closed before anyone hears the job is over.
      await srcCh?.close();
      await dstCh?.close();
    }
    heap.release();
    return outcome;
  }

  private async scan(job: Job, signal: AbortSignal): Promise<void> {
    const plan = await scanSources(job.source.fs, job.spec.sources, signal, job.spec.targetName);
    if (job.carry) {
      plan.files = plan.files.map((f) => {
        const old = job.carry!.get(relKey(f.rel));
        return old && old.stat.size === f.stat.size && old.stat.mtimeMs === f.stat.mtimeMs ? old : f;
      });
      job.carry = undefined;
    }
    // Files an earlier run (before a restart) finished stay finished while their source is unchanged.
    const finished = new Map((job.spec.restore?.finished ?? []).map((x) => [x.path, x]));
    for (const f of plan.files) {
      const was = f.state === 'pending' ? finished.get(relKey(f.rel)) : undefined;
      if (was && was.size === f.stat.size && was.mtimeMs === f.stat.mtimeMs) {
        f.state = 'done';
        f.bytesDone = f.stat.size;
      }
    }
    job.plan = plan;
    job.bytesDone = plan.files.reduce((a, f) => a + f.bytesDone, 0);
    job.bytesTotal = plan.files.reduce((a, f) => a + f.stat.size, 0);
    job.filesTotal = plan.files.length;
    job.dirs.clear();
    this.deps.events.changed(job);
  }

  /** Waits (backoff) and reconnects the side a lost connection is blamed on. */
  private async reconnectAfter(job: Job, err: unknown, signal: AbortSignal): Promise<void> {
    const side = sideOf(err);
    // Only drops without progress in between count towards maxAutoRetries: a long transfer over a
    // flaky link may be cut many times and still finish.
    if (job.bytesAtDrop !== undefined && job.bytesDone > job.bytesAtDrop) job.retries = 0;
    job.bytesAtDrop = job.bytesDone;
    const backoff = Math.min(this.opts.retryMaxDelayMs, this.opts.retryBaseDelayMs * 2 ** job.retries);
    job.retries++;
    this.deps.events.changed(job);
    await delay(backoff, signal);
    try {
      // A side that cannot reconnect (the local disk) is skipped: blaming it must not keep the other from reconnecting.
      // A reconnect may wait minutes for the session: a cancel or a quit must not wait with it.
      if (side !== 'target' && (side === 'source' || job.source.reconnect)) job.source = await abortable(this.reconnect(job.source, err), signal);
      if (side !== 'source' && (side === 'target' || job.target.reconnect)) job.target = await abortable(this.reconnect(job.target, err), signal);
    } catch (reconnectErr) {
      if (isAborted(signal)) throw reconnectErr;
      // The server may still be down: the next round fails fast on the dead endpoint and
      // comes back here, until maxAutoRetries is used up.
      const blamed = side === 'source' ? job.source : side === 'target' ? job.target : job.source.reconnect ? job.source : job.target;
      if (job.retries >= this.opts.maxAutoRetries || !blamed.reconnect || blamed.reconnectWaits) throw reconnectErr;
    }
    // Folders made before the drop exist now; re-list them rather than trust stale state.
    job.dirs.clear();
  }

  /**
   * Channels the workers of a job write over: `writeChannels`, or on a long link its write stripes
   * when its files are many and more than one channel's server window can carry at once. sshd
   * lets 2 MiB of writes be on their way per channel: 200 files of 16 KiB at 40 ms filled it and
   * waited for its adjusts, and each channel has its own sftp-server creating files. What fits in
   * one window goes faster over the open channel than over new ones (each costs about three
   * round trips to open): test/bench/README.md, "Small files over a long link".
   */
  private writersFor(job: Job, writeStripes: number): number {
    const pending = job.plan!.files.filter((f) => f.state === 'pending');
    const bytes = pending.reduce((n, f) => n + f.stat.size, 0);
    const window = job.target.link?.sendWindow ?? Infinity;
    return pending.length >= MANY_FILES && bytes > window ? Math.max(this.opts.writeChannels, writeStripes) : this.opts.writeChannels;
  }

  /** Connections for a job's reading side: more than one only where it pays (many files). */
  private connectionsFor(plan: Plan): number {
    const pending = plan.files.filter((f) => f.state === 'pending');
    return pending.length >= MANY_FILES ? this.opts.connections : 1;
  }

  private async reconnect(ep: TransferEndpoint, cause: unknown): Promise<TransferEndpoint> {
    const newer = this.replaced.get(ep);
    if (newer) return newer;
    if (!ep.reconnect) throw cause;
    let p = this.reconnecting.get(ep);
    if (!p) {
      p = ep.reconnect();
      this.reconnecting.set(ep, p);
      p.then(
        (n) => this.replaced.set(ep, n),
        () => this.reconnecting.delete(ep),
      );
    }
    return p;
  }

  private async copyFiles(job: Job, srcCh: ChannelSet, dstCh: ChannelSet, writeStripes: number, writers: number, signal: AbortSignal): Promise<void> {
    const files = job.plan!.files;
    let next = 0;
    let lost: unknown = null;
    // A long link gets more files (and requests per file) in flight: a wave costs round trips, not bytes.
    const factor = inFlightFactor(job.source, job.target);
    const requests = this.opts.requestsPerFile * factor;
    // An upload's bytes in flight follow its server's windows: a striped file's over all its channels.
    const maxBytes = { one: uploadBytesInFlight(job.target, 1), striped: uploadBytesInFlight(job.target, writeStripes) };
    const worker = async (w: number): Promise<void> => {
      const src = await srcCh.get(w % this.opts.channels);
      const dst = await dstCh.get(w % writers);
      let slot = new AbortController();
      while (lost === null && next < files.length) {
        const f = files[next++]!;
        if (f.state !== 'pending') continue;
        await job.gate.wait(signal);
        if (isAborted(signal)) throw new SkiffError('CANCELLED', 'Cancelled.');
        try {
          // A big file starts on this worker's channel at once; its stripe channels join when open
          // (an extra channel takes about three round trips to open: time the copy no longer waits).
          await this.copyOne(
            job,
            f,
            slot,
            src,
            dst,
            dstCh.primary,
            signal,
            requests,
            f.stat.size >= STRIPE_MIN ? maxBytes.striped : maxBytes.one,
            f.stat.size >= STRIPE_MIN ? this.stripeChannels(srcCh, dstCh, w, writeStripes, writers).catch(() => ({ src: [], dst: [] })) : undefined,
          );
          // Kept for the next file only after a clean success: anything else may have left
          // requests that still wait on the signal, or aborted it.
          if ((f.state as PlanFileState) !== 'done' || isAborted(slot.signal)) slot = new AbortController();
        } catch (err) {
          // This worker stops here, with its controller.
          if (isConnectionError(err) && !isAborted(signal)) {
            f.state = 'pending';
            if (lost === null) lost = err;
            return;
          }
          throw err;
        }
      }
    };
    const n = Math.max(1, Math.min(this.opts.filesInFlight * factor, files.length));
    const results = await Promise.allSettled(Array.from({ length: n }, (_, w) => worker(w)));
    const hard = results.find((r) => r.status === 'rejected');
    if (hard) throw (hard as PromiseRejectedResult).reason;
    if (lost !== null) throw lost;
  }

  /**
   * Channels (beyond worker w's own) a big file's reads, and over a long link its writes, are
   * striped over; each joins the copy once open (the slowest sftp-server to start holds back no other).
   */
  private stripeChannels(
    srcCh: ChannelSet,
    dstCh: ChannelSet,
    w: number,
    writeStripes: number,
    writers: number,
  ): Promise<{ src: Array<Promise<FileSystem>>; dst: Array<Promise<FileSystem>> }> {
    const pick = (ch: ChannelSet, own: number, extra: number): Array<Promise<FileSystem>> => {
      if (!ch.canOpenMore || extra <= 0) return [];
      // A big file's stripes stay on its worker's connection (two connections were slower for one file).
      const step = ch.connectionSpan;
      return Array.from({ length: extra }, (_, j) => ch.get(own + (j + 1) * step));
    };
    // Writes only where one channel's server window caps them (writeStripes > 1): on loopback
    // two writers per file were slower than one (engine README).
    return Promise.resolve({
      src: pick(srcCh, w % this.opts.channels, this.opts.stripes - 1),
      dst: pick(dstCh, w % writers, writeStripes - 1),
    });
  }

  private async copyOne(
    job: Job,
    f: PlanFile,
    slot: AbortController,
    src: FileSystem,
    dst: FileSystem,
    meta: FileSystem,
    jobSignal: AbortSignal,
    requests: number,
    maxBytesInFlight: number,
    stripe?: FileTransferContext['stripes'],
  ): Promise<void> {
    const { events } = this.deps;
    const key = relKey(f.rel);
    const parent = job.dirs.get(relKey(f.rel.slice(0, -1)));
    const fail = (e: SkiffError) => {
      f.state = 'failed';
      job.fileErrors.push({ ...e.toData(), path: key });
      events.changed(job);
    };
    if (!parent) return fail(new SkiffError('INTERNAL', 'The target folder was not prepared.', { path: key }));
    if (parent.error) return fail(parent.error);
    // Cancelled (cancelFile) before it started.
    if (isAborted(f.abort?.signal)) {
      f.state = 'cancelled';
      job.plan!.skipped.push({ path: key, reason: 'cancelled' });
      return;
    }
    // The file runs under its worker's controller, which cancel() and cancelFile() abort (cheaper
    // than AbortSignal.any per file). The worker keeps it from one file to the next after a clean
    // success: an AbortSignal takes ~8 µs to create, and its first listener ~5 µs more, a few
    // per cent of a small file's engine time on loopback.
    f.abort = slot;
    const signal = slot.signal;
    if (isAborted(jobSignal)) slot.abort();
    f.state = 'running';
    job.running.add(f);
    let releaseTarget: (() => void) | undefined;
    try {
      const name = f.rel[f.rel.length - 1]!;
      let finalPath = targetPath(job, f.rel);
      if (await this.landedBeforeStop(job, f, parent, name, finalPath, meta)) {
        f.state = 'done';
        events.progress(job, f.stat.size - f.bytesDone);
        f.bytesDone = f.stat.size;
        return;
      }
      const { decision, target } = await decideConflict(job, f, parent, name, finalPath, meta, this.opts.onConflict);
      if (decision.kind === 'skip') {
        await this.removePart(job, meta, finalPath + PART_SUFFIX);
        f.state = 'skipped';
        job.plan!.skipped.push({ path: key, reason: decision.reason });
        events.progress(job, f.stat.size - f.bytesDone);
        f.bytesDone = f.stat.size;
        return;
      }
      if (decision.kind === 'cancel') {
        this.deps.cancel(job.id);
        throw new SkiffError('CANCELLED', 'Cancelled.');
      }
      if (decision.kind === 'rename') {
        const newName = await freeName(name, async (c) => parent.entries?.has(c) === true || (await meta.statOrNull(dst.path.join(parent.path, c))) !== null);
        finalPath = dst.path.join(parent.path, newName);
        parent.entries?.set(newName, { ...f.stat, name: newName, path: finalPath });
      }
      const plan: FileTransferPlan = {
        finalPath,
        overwrite: decision.kind === 'write' ? decision.overwrite : decision.kind === 'resume',
      };
      if (job.spec.preservePermissions) plan.mode = f.stat.mode & 0o7777;
      else if (target && decision.kind === 'write' && decision.overwrite) plan.mode = target.mode; // keep the replaced file's mode
      if (decision.kind === 'resume') plan.resume = { from: decision.from };
      else if (f.resumeFrom !== undefined) plan.resume = { from: 'part', knownWatermark: f.resumeFrom };
      // A part this job wrote before the app stopped: its history is unknown, so compare, then continue.
      else if (job.parts.has(plan.finalPath + PART_SUFFIX)) plan.resume = { from: 'part' };
      // Two jobs writing one target would share its .skiffpart: the later one waits its turn as a failure.
      const writing = this.writingOn(job.target.fs);
      if (writing.has(plan.finalPath)) {
        throw new SkiffError('ALREADY_EXISTS', `“${plan.finalPath}” is being written by another transfer right now.`, { path: plan.finalPath });
      }
      writing.add(plan.finalPath);
      releaseTarget = () => writing.delete(plan.finalPath);
      await transferFile(
        {
          src,
          dst,
          ...(stripe ? { stripes: stripe } : {}),
          budget: this.deps.budget,
          rateLimit: this.deps.limits[job.spec.direction],
          gate: job.gate,
          signal,
          requests,
          maxBytesInFlight,
          preservePermissions: job.spec.preservePermissions ?? false,
          onBytes: (n) => events.progress(job, n),
          onWarning: (code, message) => {
            if (job.warnings.some((w) => w.path === key && w.code === code)) return;
            job.warnings.push({ path: key, code, message });
            events.changed(job);
          },
          onPart: (p, present) => void (present ? job.parts.add(p) : job.parts.delete(p)),
          keepParts: () => job.keepParts,
        },
        f,
        plan,
      );
      f.state = 'done';
      events.progress(job, 0);
    } catch (err) {
      const e = asSkiff(err, key);
      if (isConnectionError(e) && !isAborted(signal)) throw err;
      // Bytes of an unfinished file no longer count.
      events.progress(job, -f.bytesDone);
      f.bytesDone = 0;
      if (isAborted(signal) || e.code === 'CANCELLED') {
        f.state = 'cancelled';
        if (isAborted(jobSignal)) throw new SkiffError('CANCELLED', 'Cancelled.');
        job.plan!.skipped.push({ path: key, reason: 'cancelled' });
        events.changed(job);
        return;
      }
      // A file that did not land has nothing "not kept".
      job.warnings = job.warnings.filter((w) => w.path !== key);
      fail(new SkiffError(e.code, e.message, { path: key, cause: e }));
    } finally {
      releaseTarget?.();
      job.running.delete(f);
      // The controller is the worker's, and may run its next file: not this file's any more.
      f.abort = undefined;
    }
  }

  /**
   * A restored file whose part is gone and whose target has the source's size and mtime (which
   * the rename gave it) was landed by the earlier run just before it stopped, after the journal's
   * last write: it is done, not a conflict to ask about.
   */
  private async landedBeforeStop(job: Job, f: PlanFile, parent: TargetDirInfo, name: string, finalPath: string, meta: FileSystem): Promise<boolean> {
    const part = finalPath + PART_SUFFIX;
    if (!job.parts.has(part) || f.resumeFrom !== undefined || parent.fresh) return false;
    const stat = async (n: string, p: string) => (parent.entries ? (parent.entries.get(n) ?? null) : await meta.statOrNull(p));
    const [target, left] = await Promise.all([stat(name, finalPath), stat(name + PART_SUFFIX, part)]);
    if (left || !target || target.type !== 'file' || target.size !== f.stat.size) return false;
    if (Math.floor(target.mtimeMs / 1000) !== Math.floor(f.stat.mtimeMs / 1000)) return false;
    job.parts.delete(part);
    return true;
  }

  /** Removes a part file this job wrote (never anyone else's). */
  private async removePart(job: Job, fs: FileSystem, partPath: string): Promise<void> {
    if (!job.parts.has(partPath)) return;
    await fs.remove(partPath).then(
      () => job.parts.delete(partPath),
      (err: unknown) => {
        if (asSkiff(err).code === 'NO_SUCH_FILE') job.parts.delete(partPath);
      },
    );
  }

  private async removeLeftParts(job: Job): Promise<void> {
    for (const p of [...job.parts]) await this.removePart(job, job.target.fs, p);
  }

  /** Final paths being written right now on a target (keyed by its primary FileSystem). */
  private writingOn(fs: FileSystem): Set<string> {
    let set = this.writing.get(fs);
    if (!set) {
      set = new Set();
      this.writing.set(fs, set);
    }
    return set;
  }
}

/** How a job that ran to the end came out: failed if anything failed, skipped if nothing was copied. */
function outcomeOf(job: Job): TransferState {
  const files = job.plan!.files;
  const failed = files.some((f) => f.state === 'failed') || job.plan!.errors.length > 0 || job.fileErrors.length > 0;
  const cancelled = files.some((f) => f.state === 'cancelled');
  const done = files.filter((f) => f.state === 'done').length;
  const skipped = files.filter((f) => f.state === 'skipped').length + job.plan!.skipped.length;
  return failed ? 'failed' : done === 0 && skipped > 0 && !cancelled ? 'skipped' : 'done';
}
