// The IPC face of core's TransferQueue: endpoints built from live sessions (with reconnect),
// conflicts asked through the question broker, engine events forwarded as contract events.
import type { FileSystem } from '../core/fs/file-system';
import { sessionEndpoint } from '../core/transfers/session-endpoint';
import { TransferQueue } from '../core/transfers/transfer-queue';
import type { ConflictAnswer, ConflictPolicy, TransferJobSnapshot, TransferQueueOptions, TransferSpec } from '../core/transfers/types';
import type { Settings } from '../core/store/settings';
import type { TransferJobDto, TransferProgressDto } from '../ipc/contract';
import type { QuestionBroker } from '../ipc/questions';
import type { Emit, TransferService } from '../ipc/services';
import type { SessionManager } from './session-manager';

export interface TransferServiceDeps {
  sessions: SessionManager;
  local: FileSystem;
  questions: QuestionBroker;
  emit: Emit;
  settings: () => Settings;
  /** Engine options beyond the defaults (tests; the app runs on the measured defaults). */
  tuning?: TransferTuning;
}

export type TransferTuning = Omit<TransferQueueOptions, 'maxConcurrentJobs' | 'onConflict'>;

const ACTIVE = new Set(['queued', 'running', 'paused']);

/** One single-file job of the edit feature: renamed on the way, an explicit conflict policy, permission bits never copied. */
export interface SingleFileJob {
  direction: 'upload' | 'download';
  source: string;
  targetDir: string;
  targetName: string;
  conflict: ConflictPolicy;
}

export function createTransferService(
  deps: TransferServiceDeps,
): TransferService & { queue: TransferQueue; runJob(sessionId: string, job: SingleFileJob): Promise<TransferJobSnapshot> } {
  const s = deps.settings();
  const sessionOf = new Map<string, string>();
  // queue.add() announces the new job synchronously, before its id is known here.
  let adding: string | undefined;
  const queue = new TransferQueue({
    ...deps.tuning,
    maxConcurrentJobs: s.transferConcurrency,
    onConflict: async (q): Promise<ConflictAnswer> => {
      const a = await deps.questions.ask({ kind: 'conflict', ...q });
      // No answer (timeout, closed window) never destroys data: skip this file.
      return a ? { action: a.action, applyToAll: a.applyToAll } : { action: 'skip' };
    },
  });

  // A snapshot is already a fresh, plain copy: the DTO is it plus the session it runs on.
  const dto = (j: TransferJobSnapshot): TransferJobDto => ({ ...j, sessionId: sessionOf.get(j.id) ?? adding ?? '' });
  const progress = (j: TransferJobSnapshot): TransferProgressDto => {
    const p: TransferProgressDto = {
      id: j.id,
      bytesDone: j.bytesDone,
      bytesTotal: j.bytesTotal,
      filesDone: j.filesDone,
      filesTotal: j.filesTotal,
      rate: j.rate,
      etaSeconds: j.etaSeconds,
    };
    if (j.currentFile !== undefined) p.currentFile = j.currentFile;
    return p;
  };

  queue.onEvent((e) => {
    if (e.type === 'progress') deps.emit('transfer:progress', [progress(e.job)]);
    else if (e.type === 'changed') deps.emit('transfer:changed', dto(e.job));
    else {
      for (const id of e.ids) sessionOf.delete(id);
      deps.emit('transfer:removed', { ids: e.ids });
    }
  });

  const add = (
    sessionId: string,
    req: Pick<TransferSpec, 'direction' | 'sources' | 'targetDir' | 'conflict' | 'targetName' | 'preservePermissions'>,
  ): TransferJobSnapshot => {
    const session = deps.sessions.session(sessionId);
    // Extra connections (for big files and many files) only where they need no question.
    const remote = sessionEndpoint(session, deps.sessions.reconnector(sessionId), deps.sessions.extraConnector(sessionId));
    const local = { fs: deps.local };
    const spec: TransferSpec = { ...req, source: req.direction === 'upload' ? local : remote, target: req.direction === 'upload' ? remote : local };
    adding = sessionId;
    let snap: TransferJobSnapshot;
    try {
      snap = queue.add(spec);
    } finally {
      adding = undefined;
    }
    sessionOf.set(snap.id, sessionId);
    return snap;
  };

  return {
    queue,
    async enqueue(req) {
      const { sessionId, conflict, ...rest } = req;
      return dto(add(sessionId, { ...rest, preservePermissions: deps.settings().preservePermissions, ...(conflict !== undefined ? { conflict } : {}) }));
    },
    async runJob(sessionId, job) {
      const snap = add(sessionId, {
        direction: job.direction,
        sources: [job.source],
        targetDir: job.targetDir,
        targetName: job.targetName,
        conflict: job.conflict,
        preservePermissions: false,
      });
      return queue.whenSettled(snap.id);
    },
    async cancel(jobId) {
      queue.cancel(jobId);
    },
    async cancelAll() {
      queue.cancelAll();
    },
    async pause(jobId) {
      queue.pause(jobId);
    },
    async resume(jobId) {
      queue.resume(jobId);
    },
    async retry(jobId) {
      queue.retry(jobId);
    },
    list() {
      return queue.list().map(dto);
    },
    clearFinished() {
      queue.clearFinished();
    },
    hasActive() {
      return queue.list().some((j) => ACTIVE.has(j.state));
    },
    limits() {
      return queue.limits;
    },
  };
}
