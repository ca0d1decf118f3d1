// What the queue tells its listeners: immediate 'changed' events and progress throttled to one
// per interval per job, each carrying a snapshot safe to send over IPC.
import { type Job, TERMINAL, relKey } from './job';
import type { TransferEvent, TransferJobSnapshot } from './types';

export class JobEvents {
  private readonly listeners = new Set<(e: TransferEvent) => void>();

  constructor(private readonly intervalMs: number) {}

  /** Subscribes to job events; returns the unsubscribe function. */
  onEvent(listener: (e: TransferEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counts `delta` bytes for the job and emits progress when the interval allows. */
  progress(job: Job, delta: number): void {
    job.bytesDone += delta;
    const now = Date.now();
    job.rate.sample(job.bytesDone, now);
    const wait = job.lastEmit + this.intervalMs - now;
    if (wait <= 0) {
      // A late timer must not fire right after this one.
      if (job.emitTimer) clearTimeout(job.emitTimer);
      job.emitTimer = undefined;
      job.lastEmit = now;
      this.emit({ type: 'progress', job: this.snapshot(job) });
    } else if (!job.emitTimer) {
      this.scheduleProgress(job, wait);
    }
  }

  /** A pending progress event is dropped (the job is over). */
  stopProgress(job: Job): void {
    if (job.emitTimer) clearTimeout(job.emitTimer);
    job.emitTimer = undefined;
  }

  changed(job: Job): void {
    this.emit({ type: 'changed', job: this.snapshot(job) });
  }

  emit(e: TransferEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken listener must not break a transfer.
      }
    }
  }

  snapshot(job: Job): TransferJobSnapshot {
    const files = job.plan?.files ?? [];
    const running = job.state === 'running';
    const current = job.running.values().next();
    const snap: TransferJobSnapshot = {
      id: job.id,
      direction: job.spec.direction,
      sources: [...job.spec.sources],
      targetDir: job.spec.targetDir,
      label: job.label,
      state: job.state,
      bytesDone: job.bytesDone,
      bytesTotal: job.bytesTotal,
      filesDone: files.filter((f) => f.state === 'done' || f.state === 'skipped').length,
      filesTotal: job.filesTotal,
      rate: running ? job.rate.rate : 0,
      etaSeconds: running ? job.rate.eta(job.bytesTotal - job.bytesDone) : null,
      fileErrors: [...(job.plan?.errors ?? []), ...job.fileErrors],
      warnings: job.warnings.map((w) => ({ ...w })),
      skipped: [...(job.plan?.skipped ?? [])],
      retries: job.retries,
      createdAt: job.createdAt,
    };
    if (!current.done) snap.currentFile = relKey(current.value.rel);
    if (job.error) snap.error = job.error.toData();
    if (job.finishedAt !== undefined) snap.finishedAt = job.finishedAt;
    return snap;
  }

  private scheduleProgress(job: Job, wait: number): void {
    job.emitTimer = setTimeout(() => {
      job.emitTimer = undefined;
      if (TERMINAL.has(job.state)) return;
      // Timers run on libuv's cached clock and can fire a little early by Date.now(): never exceed the rate.
      const left = job.lastEmit + this.intervalMs - Date.now();
      if (left > 0) return this.scheduleProgress(job, left);
      job.lastEmit = Date.now();
      this.emit({ type: 'progress', job: this.snapshot(job) });
    }, wait);
  }
}
