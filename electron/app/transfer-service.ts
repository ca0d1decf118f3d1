// The IPC face of core's TransferQueue: endpoints built from live sessions (with reconnect),
// conflicts asked through the question broker, engine events forwarded as contract events.
import type { FileSystem } from '../core/fs/file-system';
import { offlineEndpoint } from '../core/transfers/offline-endpoint';
import { sessionEndpoint } from '../core/transfers/session-endpoint';
import { TransferQueue } from '../core/transfers/transfer-queue';
import type { ConflictAnswer, ConflictPolicy, TransferJobSnapshot, TransferQueueOptions, TransferSpec } from '../core/transfers/types';
import { speedLimitsOf, type Settings } from '../core/store/settings';
import type { SpeedLimits } from '../core/transfers/rate-limit';
import { SkiffError } from '../core/errors';
import type { TransferJobDto, TransferProgressDto, TransferServerDto } from '../ipc/contract';
import type { QuestionBroker } from '../ipc/questions';
import type { Emit, TransferService } from '../ipc/services';
import type { SessionManager } from './session-manager';
import { sameServer, serverName, serverOfInfo } from './transfer-server';

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

/** What a job was asked to do (the spec without its endpoints), as the journal keeps it. */
export type JobRequest = Pick<TransferSpec, 'direction' | 'sources' | 'targetDir' | 'conflict' | 'targetName' | 'preservePermissions' | 'restore'>;

/** A job was added that outlives a restart (every job except the edit feature's). */
export type JobAddedListener = (job: { id: string; server: TransferServerDto; request: JobRequest; addedAt: number }) => void;

/** One single-file job of the edit feature: renamed on the way, an explicit conflict policy, permission bits never copied. */
export interface SingleFileJob {
  direction: 'upload' | 'download';
  source: string;
  targetDir: string;
  targetName: string;
  conflict: ConflictPolicy;
}

export function createTransferService(deps: TransferServiceDeps): TransferService & {
  queue: TransferQueue;
  runJob(sessionId: string, job: SingleFileJob): Promise<TransferJobSnapshot>;
  /** Applies new speed limits (bytes per second, null = off) to the running queue. */
  setSpeedLimits(limits: SpeedLimits): void;
  /** Puts back a job an earlier run did not finish, failed with `error` until retried (on its server's session, when there is one). */
  restore(
    server: TransferServerDto,
    request: JobRequest,
    error: SkiffError,
    shown: { bytesDone: number; bytesTotal: number; filesTotal: number },
  ): TransferJobDto;
  onJobAdded(listener: JobAddedListener): () => void;
} {
  const s = deps.settings();
  // A job belongs to its server; the session is only where it last ran (a Retry may move it).
  const sessionOf = new Map<string, string>();
  const serverOf = new Map<string, TransferServerDto>();
  // queue.add() announces the new job synchronously, before its id is known here.
  let adding: { sessionId: string; server: TransferServerDto } | undefined;
  const queue = new TransferQueue({
    ...deps.tuning,
    maxConcurrentJobs: s.transferConcurrency,
    speedLimits: speedLimitsOf(s),
    onConflict: async (q): Promise<ConflictAnswer> => {
      const a = await deps.questions.ask({ kind: 'conflict', ...q });
      // No answer (timeout, closed window) never destroys data: skip this file.
      return a ? { action: a.action, applyToAll: a.applyToAll } : { action: 'skip' };
    },
  });

  // A session that is reconnecting by itself still counts: its jobs wait for it.
  const alive = (sessionId: string): boolean => {
    if (deps.sessions.reconnecting(sessionId)) return true;
    try {
      deps.sessions.session(sessionId);
      return true;
    } catch {
      return false;
    }
  };
  /** The session a job of `server` runs on now: the one it last ran on if it is still open, else any open one to that server. */
  const currentSession = (server: TransferServerDto, last: string | undefined): string | undefined => {
    if (last !== undefined && alive(last)) return last;
    return deps.sessions.list().find((i) => sameServer(serverOfInfo(i), server) && alive(i.sessionId))?.sessionId;
  };
  const NO_SERVER: TransferServerDto = { host: '', port: 0, username: '' };

  // A snapshot is already a fresh, plain copy: the DTO is it plus its server and the session it runs on.
  const dto = (j: TransferJobSnapshot): TransferJobDto => {
    const server = serverOf.get(j.id) ?? adding?.server ?? NO_SERVER;
    const sessionId = sessionOf.get(j.id) ?? adding?.sessionId ?? '';
    return { ...j, sessionId, server, serverConnected: currentSession(server, sessionId) !== undefined };
  };
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
      for (const id of e.ids) {
        sessionOf.delete(id);
        serverOf.delete(id);
      }
      deps.emit('transfer:removed', { ids: e.ids });
    }
  });

  const addedListeners = new Set<JobAddedListener>();
  const remoteEndpoint = (sessionId: string) =>
    // Extra connections (for big files and many files) only where they need no question; after a
    // drop the job waits for the session's own reconnection.
    sessionEndpoint(deps.sessions.sessionForTransfers(sessionId), deps.sessions.reconnector(sessionId), deps.sessions.extraConnector(sessionId), true);

  // A job with `failed` set is a restored one: no session yet, shown failed until retried.
  const add = (
    sessionId: string | undefined,
    req: JobRequest,
    opts: { journal?: boolean; server?: TransferServerDto; failed?: { error: SkiffError; shown: Parameters<TransferQueue['addFailed']>[2] } } = {},
  ): TransferJobSnapshot => {
    const info = sessionId === undefined ? undefined : deps.sessions.list().find((i) => i.sessionId === sessionId);
    const server = opts.server ?? (info ? serverOfInfo(info) : NO_SERVER);
    const remote = sessionId === undefined ? offlineEndpoint(serverName(server)) : remoteEndpoint(sessionId);
    const local = { fs: deps.local };
    const spec: TransferSpec = { ...req, source: req.direction === 'upload' ? local : remote, target: req.direction === 'upload' ? remote : local };
    adding = { sessionId: sessionId ?? '', server };
    let snap: TransferJobSnapshot;
    try {
      snap = opts.failed ? queue.addFailed(spec, opts.failed.error, opts.failed.shown) : queue.add(spec);
    } finally {
      adding = undefined;
    }
    if (sessionId !== undefined) sessionOf.set(snap.id, sessionId);
    serverOf.set(snap.id, server);
    if (opts.journal !== false) for (const l of addedListeners) l({ id: snap.id, server, request: req, addedAt: snap.createdAt });
    return snap;
  };

  // A server connected again: its failed jobs can be retried now (the renderer's button changes).
  deps.sessions.onConnected((info) => {
    const server = serverOfInfo(info);
    for (const j of queue.list()) {
      const own = serverOf.get(j.id);
      if (own && (j.state === 'failed' || j.state === 'cancelled') && sameServer(own, server)) deps.emit('transfer:changed', dto(j));
    }
  });

  return {
    queue,
    setSpeedLimits: (limits) => queue.setSpeedLimits(limits),
    async enqueue(req) {
      const { sessionId, conflict, ...rest } = req;
      return dto(add(sessionId, { ...rest, preservePermissions: deps.settings().preservePermissions, ...(conflict !== undefined ? { conflict } : {}) }));
    },
    async runJob(sessionId, job) {
      // The edit feature keeps its own state (and its copies) across restarts: not journaled.
      const snap = add(
        sessionId,
        {
          direction: job.direction,
          sources: [job.source],
          targetDir: job.targetDir,
          targetName: job.targetName,
          conflict: job.conflict,
          preservePermissions: false,
        },
        { journal: false },
      );
      return queue.whenSettled(snap.id);
    },
    restore(server, request, error, shown) {
      return dto(add(undefined, request, { server, failed: { error, shown } }));
    },
    onJobAdded(listener) {
      addedListeners.add(listener);
      return () => addedListeners.delete(listener);
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
      const job = queue.list().find((j) => j.id === jobId);
      const server = serverOf.get(jobId);
      if (!job || !server) {
        queue.retry(jobId); // unknown ids fail there, with the queue's own error
        return;
      }
      if (job.state !== 'failed' && job.state !== 'cancelled') return;
      const last = sessionOf.get(jobId);
      const now = currentSession(server, last);
      if (now === undefined) {
        throw new SkiffError('NOT_CONNECTED', `${serverName(server)} is not connected. Connect to it, then retry.`);
      }
      if (now === last) {
        queue.retry(jobId);
        return;
      }
      // The old session is gone: the job moves to the server's current one and resumes from its
      // part files (the engine compares, then continues).
      const remote = remoteEndpoint(now);
      sessionOf.set(jobId, now);
      queue.retry(jobId, job.direction === 'upload' ? { target: remote } : { source: remote });
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
