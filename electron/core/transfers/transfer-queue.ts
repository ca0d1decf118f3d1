// The transfer queue: jobs of files and folders between any two FileSystems, run a few at a
// time. This file is its public face and scheduling; a job runs in job-runner.ts (files,
// reconnect), its folders in target-dirs.ts, its conflicts in job-conflicts.ts, and what it tells
// listeners in job-events.ts.
import { randomUUID } from 'node:crypto';
import { SkiffError } from '../errors';
import { MAX_FILE_WINDOW } from './file-transfer';
import { ByteBudget, PauseGate } from './flow-control';
import { collectIdleGarbage, holdTransferHeapTuning } from './heap-tuning';
import type { HeapTuningHold } from './job-runner';
import { type Job, TERMINAL, relKey } from './job';
import { JobEvents } from './job-events';
import { JobRunner, type RunnerOptions } from './job-runner';
import { RateMeter } from './rate-meter';
import { SpeedLimiter, type SpeedLimits, systemClock } from './rate-limit';
import type { TransferEndpoint, TransferEvent, TransferJobSnapshot, TransferQueueOptions, TransferRestore, TransferSpec, TransferState } from './types';

/** A queue of upload/download jobs with pause, cancel, retry, conflict handling and throttled progress. */
export class TransferQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly opts: RunnerOptions;
  private readonly events: JobEvents;
  private readonly runner: JobRunner;
  /** One bucket per direction, shared by every job and channel (diagnostics and tests may read them). */
  readonly speed: SpeedLimiter;
  private stopped = false;
  /** The full GC waiting for the queue to stay idle (whenIdle). */
  private idleGc: ReturnType<typeof setTimeout> | null = null;
  /** Bytes the jobs moved since the last idle GC: it runs once they reach idleGcMinBytes. */
  private movedSinceGc = 0;

  constructor(options: TransferQueueOptions = {}) {
    this.opts = {
      maxConcurrentJobs: options.maxConcurrentJobs ?? 2,
      filesInFlight: options.filesInFlight ?? 64,
      channels: Math.max(1, options.channels ?? 1),
      writeChannels: options.writeChannels ?? 1,
      requestsPerFile: options.requestsPerFile ?? 64,
      stripes: options.stripes ?? 2,
      writeStripes: options.writeStripes ?? 8,
      connections: options.connections ?? 1,
      bufferBudget: options.bufferBudget ?? 64 * 1024 * 1024,
      progressIntervalMs: options.progressIntervalMs ?? 100,
      defaultConflict: options.defaultConflict ?? 'ask',
      maxAutoRetries: options.maxAutoRetries ?? 5,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 10_000,
      tuneHeap: options.tuneHeap ?? true,
      heapTuningMinBytes: options.heapTuningMinBytes ?? 0,
      idleGcDelayMs: options.idleGcDelayMs === undefined ? 1000 : options.idleGcDelayMs,
      idleGcMinBytes: options.idleGcMinBytes ?? 256 * 1024 * 1024,
      speedLimits: options.speedLimits ?? {},
      rateClock: options.rateClock ?? systemClock,
      onConflict: options.onConflict,
    };
    this.speed = new SpeedLimiter(this.opts.speedLimits, this.opts.rateClock);
    this.events = new JobEvents(this.opts.progressIntervalMs);
    this.runner = new JobRunner({
      opts: this.opts,
      budget: new ByteBudget(this.opts.bufferBudget),
      limits: this.speed,
      events: this.events,
      cancel: (id) => this.cancel(id),
    });
  }

  /** Requests in flight per file (and their byte cap) and files at once per job, as configured. */
  get limits(): { requestsPerFile: number; maxFileWindow: number; filesInFlight: number } {
    return { requestsPerFile: this.opts.requestsPerFile, maxFileWindow: MAX_FILE_WINDOW, filesInFlight: this.opts.filesInFlight };
  }

  /** Changes the speed limits (bytes per second, null = off); running jobs follow at once. */
  setSpeedLimits(limits: Partial<SpeedLimits>): void {
    this.speed.set(limits);
  }

  /** The speed limits now (bytes per second, null = off). */
  get speedLimits(): SpeedLimits {
    return this.speed.get();
  }

  /** Subscribes to job events; returns the unsubscribe function. */
  onEvent(listener: (e: TransferEvent) => void): () => void {
    return this.events.onEvent(listener);
  }

  /** Queues a job and returns its snapshot; it starts when a slot is free. */
  add(spec: TransferSpec): TransferJobSnapshot {
    const job = this.create(spec);
    this.jobs.set(job.id, job);
    this.events.changed(job);
    this.pump();
    return this.events.snapshot(job);
  }

  /**
   * Adds a job that is already failed with `error` (one an earlier run of the app did not finish,
   * shown for review): it runs only when retried. `shown` is the progress it had reached.
   */
  addFailed(spec: TransferSpec, error: SkiffError, shown?: { bytesDone: number; bytesTotal: number; filesTotal: number }): TransferJobSnapshot {
    const job = this.create(spec);
    job.state = 'failed';
    job.error = error;
    job.finishedAt = Date.now();
    if (shown) Object.assign(job, { bytesDone: shown.bytesDone, bytesTotal: shown.bytesTotal, filesTotal: shown.filesTotal });
    this.jobs.set(job.id, job);
    this.events.changed(job);
    return this.events.snapshot(job);
  }

  private create(spec: TransferSpec): Job {
    if (spec.sources.length === 0) throw new SkiffError('INVALID_ARGUMENT', 'Nothing to transfer.');
    if (spec.targetName !== undefined && spec.sources.length !== 1)
      throw new SkiffError('INVALID_ARGUMENT', 'A target name is only for a job of one file or folder.');
    const first = spec.targetName ?? spec.source.fs.path.basename(spec.sources[0]!);
    const job: Job = {
      id: randomUUID(),
      spec,
      source: spec.source,
      target: spec.target,
      label: spec.label ?? (spec.sources.length === 1 ? first : `${first} and ${spec.sources.length - 1} more`),
      state: 'queued',
      conflict: spec.conflict ?? this.opts.defaultConflict,
      askChain: Promise.resolve(),
      fileErrors: [],
      warnings: [],
      dirs: new Map(),
      bytesDone: 0,
      bytesTotal: 0,
      filesTotal: 0,
      abort: new AbortController(),
      gate: new PauseGate(),
      rate: new RateMeter(),
      retries: 0,
      createdAt: Date.now(),
      running: new Set(),
      lastEmit: 0,
      settled: [],
      parts: new Set(spec.restore?.parts ?? []),
      keepParts: false,
    };
    return job;
  }

  get(id: string): TransferJobSnapshot | undefined {
    const job = this.jobs.get(id);
    return job ? this.events.snapshot(job) : undefined;
  }

  list(): TransferJobSnapshot[] {
    return [...this.jobs.values()].map((j) => this.events.snapshot(j));
  }

  /** Resolves with the final snapshot once the job is done, failed, cancelled or skipped. */
  whenSettled(id: string): Promise<TransferJobSnapshot> {
    const job = this.mustGet(id);
    if (TERMINAL.has(job.state)) return Promise.resolve(this.events.snapshot(job));
    return new Promise((resolve) => job.settled.push(resolve));
  }

  /** Pauses a queued or running job: running files stop issuing requests and keep their handles. */
  pause(id: string): void {
    const job = this.mustGet(id);
    if (job.state !== 'queued' && job.state !== 'running') return;
    job.gate.pause();
    job.state = 'paused';
    job.rate.reset();
    this.events.changed(job);
  }

  resume(id: string): void {
    const job = this.mustGet(id);
    if (job.state !== 'paused') return;
    job.gate.resume();
    job.state = job.runPromise ? 'running' : 'queued';
    this.events.changed(job);
    this.pump();
  }

  /** Cancels a job: running files stop, their .skiffpart files are removed, final names untouched. */
  cancel(id: string): void {
    const job = this.mustGet(id);
    if (TERMINAL.has(job.state)) return;
    job.abort.abort();
    for (const f of job.running) f.abort?.abort();
    if (!job.runPromise) this.finish(job, 'cancelled');
  }

  /** Cancels every job that has not finished. */
  cancelAll(): void {
    for (const job of this.jobs.values()) this.cancel(job.id);
  }

  /**
   * Stops every unfinished job because the app quits: like cancel, except that part files stay
   * (for a resume at the next start) where `keepParts` says so (default: every job); nothing starts
   * afterwards. Resolves once every job has stopped.
   */
  async shutdown(keepParts: (id: string) => boolean = () => true): Promise<void> {
    this.stopped = true;
    if (this.idleGc) clearTimeout(this.idleGc);
    this.idleGc = null;
    const runs: Array<Promise<void>> = [];
    for (const job of this.jobs.values()) {
      if (TERMINAL.has(job.state)) continue;
      job.keepParts = keepParts(job.id);
      this.cancel(job.id);
      if (job.runPromise) runs.push(job.runPromise);
    }
    await Promise.all(runs);
  }

  /** Where a job stands for a later run: its finished files and the part files it holds. */
  resumeState(id: string): TransferRestore {
    const job = this.mustGet(id);
    const files = job.plan?.files ?? [...(job.carry?.values() ?? [])];
    const finished =
      job.plan || job.carry
        ? files.filter((f) => f.state === 'done' || f.state === 'skipped').map((f) => ({ path: relKey(f.rel), size: f.stat.size, mtimeMs: f.stat.mtimeMs }))
        : (job.spec.restore?.finished ?? []).map((x) => ({ ...x }));
    return { finished, parts: [...job.parts] };
  }

  /** Cancels one file of a job (`relPath` as in fileErrors, e.g. "photos/a.jpg"); the rest go on. */
  cancelFile(id: string, relPath: string): boolean {
    const job = this.mustGet(id);
    const f = job.plan?.files.find((x) => relKey(x.rel) === relPath);
    if (!f || f.state === 'done' || f.state === 'skipped' || f.state === 'failed') return false;
    if (!f.abort) f.abort = new AbortController();
    f.abort.abort();
    if (f.state === 'pending') {
      f.state = 'cancelled';
      job.plan!.skipped.push({ path: relPath, reason: 'cancelled' });
      this.events.changed(job);
    }
    return true;
  }

  /**
   * Runs a failed or cancelled job again: finished files stay, the rest resume (from what their
   * .skiffpart holds after a lost connection) or restart. Pass fresh endpoints after a reconnect.
   */
  retry(id: string, endpoints: { source?: TransferEndpoint; target?: TransferEndpoint } = {}): void {
    const job = this.mustGet(id);
    if (job.state !== 'failed' && job.state !== 'cancelled') return;
    if (endpoints.source) job.source = endpoints.source;
    if (endpoints.target) job.target = endpoints.target;
    if (job.plan) {
      for (const f of job.plan.files) {
        if (f.state === 'failed' || f.state === 'cancelled' || f.state === 'running') {
          f.state = 'pending';
          f.abort = undefined;
        }
      }
      job.plan.skipped = job.plan.skipped.filter((x) => x.reason !== 'cancelled');
      // Scan-time problems (unreadable folder, refused names) are looked at again; what is
      // already done (or resumable) is carried over into the new plan.
      if (job.plan.errors.length > 0) {
        job.carry = new Map(job.plan.files.filter((f) => f.state === 'done' || f.resumeFrom !== undefined).map((f) => [relKey(f.rel), f]));
        job.plan = undefined;
      }
    }
    job.fileErrors = [];
    job.warnings = [];
    job.dirs.clear();
    job.error = undefined;
    job.finishedAt = undefined;
    job.abort = new AbortController();
    job.gate = new PauseGate();
    job.retries = 0;
    job.state = 'queued';
    this.events.changed(job);
    this.pump();
  }

  /** Forgets finished jobs (done, failed, cancelled, skipped). */
  clearFinished(): string[] {
    const ids = [...this.jobs.values()].filter((j) => TERMINAL.has(j.state)).map((j) => j.id);
    for (const id of ids) this.jobs.delete(id);
    if (ids.length > 0) this.events.emit({ type: 'removed', ids });
    return ids;
  }

  private mustGet(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new SkiffError('INVALID_ARGUMENT', `No transfer with id ${id}.`);
    return job;
  }

  private pump(): void {
    if (this.stopped) return;
    let running = [...this.jobs.values()].filter((j) => j.runPromise).length;
    for (const job of this.jobs.values()) {
      if (running >= this.opts.maxConcurrentJobs) break;
      if (job.state !== 'queued' || job.runPromise) continue;
      running++;
      if (this.idleGc) clearTimeout(this.idleGc);
      this.idleGc = null;
      job.runPromise = this.run(job).finally(() => {
        job.runPromise = undefined;
        this.pump();
        this.whenIdle();
      });
    }
  }

  /**
   * Once nothing runs for idleGcDelayMs, one full GC (heap-tuning.ts), if the jobs since the last
   * one moved at least idleGcMinBytes: after less it gives back little and costs the next job.
   */
  private whenIdle(): void {
    const delay = this.opts.idleGcDelayMs;
    if (delay === null || this.stopped || this.idleGc || this.movedSinceGc < this.opts.idleGcMinBytes) return;
    if ([...this.jobs.values()].some((j) => j.runPromise)) return;
    this.idleGc = setTimeout(() => {
      this.idleGc = null;
      if ([...this.jobs.values()].some((j) => j.runPromise)) return;
      this.movedSinceGc = 0;
      collectIdleGarbage();
    }, delay);
    this.idleGc.unref?.();
  }

  private async run(job: Job): Promise<void> {
    // The runner asks for the tuning once its scan knows what the job moves.
    let release: (() => void) | undefined;
    const heap: HeapTuningHold = {
      hold: (bytes) => {
        if (this.opts.tuneHeap && bytes >= this.opts.heapTuningMinBytes) release ??= holdTransferHeapTuning(bytes);
      },
      release: () => release?.(),
    };
    const before = job.bytesDone;
    try {
      this.finish(job, await this.runner.run(job, heap));
    } finally {
      heap.release(); // idempotent: normally released just before the job settles
      this.movedSinceGc += Math.max(0, job.bytesDone - before);
    }
  }

  private finish(job: Job, state: TransferState): void {
    job.state = state;
    job.finishedAt = Date.now();
    this.events.stopProgress(job);
    const snap = this.events.snapshot(job);
    this.events.emit({ type: 'changed', job: snap });
    const waiters = job.settled.splice(0);
    for (const w of waiters) w(snap);
  }
}
