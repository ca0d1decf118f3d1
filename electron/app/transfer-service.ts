// The IPC face of core's TransferQueue: endpoints built from live sessions (with reconnect),
// conflicts asked through the question broker, engine events forwarded as contract events.
import type { FileSystem } from '../core/fs/file-system';
import { sessionEndpoint } from '../core/transfers/session-endpoint';
import { TransferQueue } from '../core/transfers/transfer-queue';
import type { ConflictAnswer, TransferJobSnapshot, TransferQueueOptions } from '../core/transfers/types';
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

export function createTransferService(deps: TransferServiceDeps): TransferService & { queue: TransferQueue } {
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
    const p: TransferProgressDto = { id: j.id, bytesDone: j.bytesDone, bytesTotal: j.bytesTotal, filesDone: j.filesDone, filesTotal: j.filesTotal, rate: j.rate, etaSeconds: j.etaSeconds };
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

  return {
    queue,
    async enqueue(req) {
      const session = deps.sessions.session(req.sessionId);
      // Extra connections (for big files and many files) only where they need no question.
      const remote = sessionEndpoint(session, deps.sessions.reconnector(req.sessionId), deps.sessions.extraConnector(req.sessionId));
      const local = { fs: deps.local };
      const spec = {
        direction: req.direction,
        source: req.direction === 'upload' ? local : remote,
        target: req.direction === 'upload' ? remote : local,
        sources: req.sources,
        targetDir: req.targetDir,
        preservePermissions: deps.settings().preservePermissions,
        ...(req.conflict !== undefined ? { conflict: req.conflict } : {}),
      };
      adding = req.sessionId;
      let snap: TransferJobSnapshot;
      try {
        snap = queue.add(spec);
      } finally {
        adding = undefined;
      }
      sessionOf.set(snap.id, req.sessionId);
      return dto(snap);
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
