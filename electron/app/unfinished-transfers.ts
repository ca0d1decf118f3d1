// The queue survives a restart and a crash (issue 13): every job but the edit feature's is kept in
// the journal (core/transfers/transfer-journal.ts) while it is unfinished. Quitting stops jobs
// keeping their part files and journal entries; a crash leaves the journal as last written. At the
// next start the renderer asks what to do with them: Resume all (back in the queue, and run where
// their server is connected), Review (back in the queue as failed, not started), or Discard
// (exactly the part files they wrote are removed; on a server not connected now, at its next
// connection).
import { SkiffError } from '../core/errors';
import type { FileSystem } from '../core/fs/file-system';
import { PART_SUFFIX } from '../core/transfers/file-transfer';
import type { TransferJournal, JournalEntry } from '../core/transfers/transfer-journal';
import type { ConfigProblemDto, SessionInfo, TransferServerDto, UnfinishedResolution, UnfinishedTransferDto } from '../ipc/contract';
import type { UnfinishedTransferService } from '../ipc/services';
import type { SessionManager } from './session-manager';
import type { createTransferService, JobRequest } from './transfer-service';
import { sameServer, serverOfInfo } from './transfer-server';

export interface UnfinishedTransfersDeps {
  journal: TransferJournal;
  transfers: ReturnType<typeof createTransferService>;
  sessions: Pick<SessionManager, 'list' | 'fs' | 'onConnected'>;
  local: FileSystem;
}

const INTERRUPTED = 'Skiff stopped before this transfer finished.';

export function createUnfinishedTransfers(deps: UnfinishedTransfersDeps): UnfinishedTransferService & {
  /** Stops every job for a quit: their part files and journal entries stay; resolves once the journal is written. */
  shutdown(): Promise<void>;
} {
  const { journal, transfers } = deps;
  const queue = transfers.queue;
  // What the last run left, until the user chooses; entries discarded while their server was away wait for it.
  const offered = new Map<string, JournalEntry>();
  const discarded = new Map<string, JournalEntry>();
  for (const e of journal.list()) (e.discarded ? discarded : offered).set(e.id, e);
  // Live jobs this run journals.
  const tracked = new Map<string, { server: TransferServerDto; request: JobRequest; addedAt: number; shown?: { bytesDone: number; filesDone: number } }>();
  let stopping = false;
  let restoringAddedAt: number | undefined;
  // Discarded parts being removed after a connection (a quit waits for them before the journal's last write).
  const removing = new Set<Promise<void>>();

  const describe = (id: string): JournalEntry | undefined => {
    const t = tracked.get(id);
    const snap = queue.get(id);
    if (!t || !snap) return undefined;
    const { finished, parts } = queue.resumeState(id);
    const r = t.request;
    // A quit's stop uncounts the files it interrupted; the prompt shows how far the job had come.
    const shown = stopping && t.shown ? t.shown : snap;
    return {
      id,
      server: { ...t.server },
      direction: r.direction,
      sources: [...r.sources],
      targetDir: r.targetDir,
      ...(r.targetName !== undefined ? { targetName: r.targetName } : {}),
      conflict: r.conflict ?? 'ask',
      preservePermissions: r.preservePermissions ?? false,
      label: snap.label,
      parts,
      finished,
      bytesDone: shown.bytesDone,
      bytesTotal: snap.bytesTotal,
      filesDone: shown.filesDone,
      filesTotal: snap.filesTotal,
      addedAt: t.addedAt,
    };
  };

  transfers.onJobAdded(({ id, server, request, addedAt }) => {
    tracked.set(id, { server, request, addedAt: restoringAddedAt ?? addedAt });
    journal.put(id, () => describe(id));
  });

  queue.onEvent((e) => {
    if (e.type === 'removed') {
      // Cleared from the list: the user is done with it.
      for (const id of e.ids) if (tracked.delete(id)) journal.remove(id);
      return;
    }
    const id = e.job.id;
    const t = tracked.get(id);
    if (!t) return;
    if (!stopping) t.shown = { bytesDone: e.job.bytesDone, filesDone: e.job.filesDone };
    const s = e.job.state;
    // Finished, or cancelled by the user (a quit's stop is not theirs): nothing left to resume.
    if (s === 'done' || s === 'skipped' || (s === 'cancelled' && !stopping)) journal.remove(id);
    else journal.put(id, () => describe(id));
  });

  /** Removes one part file, only if it still is a regular file with the part suffix. */
  const removePart = async (fs: FileSystem, p: string): Promise<boolean> => {
    if (!p.endsWith(PART_SUFFIX)) return false;
    const st = await fs.lstat(p).catch(() => null);
    if (!st || st.type !== 'file') return false;
    return fs.remove(p).then(
      () => true,
      () => false,
    );
  };
  const sessionFor = (server: TransferServerDto): SessionInfo | undefined => deps.sessions.list().find((i) => sameServer(serverOfInfo(i), server));
  /** The file system an entry's parts are on now: local for downloads, the server's session for uploads (undefined: not connected). */
  const partsFs = (e: JournalEntry): FileSystem | undefined => {
    if (e.direction === 'download') return deps.local;
    const s = sessionFor(e.server);
    if (!s) return undefined;
    try {
      return deps.sessions.fs(s.sessionId);
    } catch {
      return undefined;
    }
  };
  const removeParts = async (fs: FileSystem, e: JournalEntry): Promise<number> => {
    let n = 0;
    for (const p of e.parts) if (await removePart(fs, p)) n++;
    return n;
  };

  // A server is connected again: the parts a Discard could not reach there go now.
  deps.sessions.onConnected((info) => {
    for (const e of [...discarded.values()]) {
      if (!sameServer(e.server, serverOfInfo(info))) continue;
      discarded.delete(e.id);
      let fs: FileSystem;
      try {
        fs = deps.sessions.fs(info.sessionId);
      } catch {
        discarded.set(e.id, e);
        continue;
      }
      const p = removeParts(fs, e).then(() => journal.remove(e.id));
      removing.add(p);
      void p.finally(() => removing.delete(p));
    }
  });

  const toDto = (e: JournalEntry): UnfinishedTransferDto => ({
    id: e.id,
    direction: e.direction,
    label: e.label,
    sources: [...e.sources],
    targetDir: e.targetDir,
    server: { ...e.server },
    bytesDone: e.bytesDone,
    bytesTotal: e.bytesTotal,
    filesDone: e.filesDone,
    filesTotal: e.filesTotal,
    parts: e.parts.length,
    addedAt: e.addedAt,
  });

  /** Puts an entry back in the queue as a failed job (its parts and finished files carried over). */
  const restore = (e: JournalEntry): string => {
    const request: JobRequest = {
      direction: e.direction,
      sources: [...e.sources],
      targetDir: e.targetDir,
      ...(e.targetName !== undefined ? { targetName: e.targetName } : {}),
      conflict: e.conflict,
      preservePermissions: e.preservePermissions,
      restore: { finished: e.finished.map((f) => ({ ...f })), parts: [...e.parts] },
    };
    restoringAddedAt = e.addedAt;
    try {
      const job = transfers.restore(e.server, request, new SkiffError('INTERRUPTED', INTERRUPTED), {
        bytesDone: e.bytesDone,
        bytesTotal: e.bytesTotal,
        filesTotal: e.filesTotal,
      });
      return job.id;
    } finally {
      restoringAddedAt = undefined;
    }
  };

  return {
    list() {
      const problems: ConfigProblemDto[] = journal.problems.map((p) => ({ ...p, ...(p.issues ? { issues: p.issues.map((i) => ({ ...i })) } : {}) }));
      return { jobs: [...offered.values()].map(toDto), problems };
    },

    async resolve(choice): Promise<UnfinishedResolution> {
      const entries = [...offered.values()];
      offered.clear();
      if (choice === 'discard') {
        let removedParts = 0;
        const later: TransferServerDto[] = [];
        for (const e of entries) {
          const fs = partsFs(e);
          if (!fs && e.parts.length > 0) {
            // Not connected: the entry stays (marked) until the next connection to its server.
            discarded.set(e.id, { ...e, discarded: true });
            journal.put(e.id, { ...e, discarded: true });
            if (!later.some((s) => sameServer(s, e.server))) later.push({ ...e.server });
            continue;
          }
          if (fs) removedParts += await removeParts(fs, e);
          journal.remove(e.id);
        }
        await journal.flush();
        return { jobs: [], removedParts, laterServers: later };
      }
      const ids: string[] = [];
      for (const e of entries) {
        ids.push(restore(e));
        journal.remove(e.id);
      }
      if (choice === 'resume') {
        for (const id of ids) {
          // Where the server is not connected the job stays failed, and the renderer offers "Connect and retry".
          await transfers.retry(id).catch((err: unknown) => {
            if (!(err instanceof SkiffError && err.code === 'NOT_CONNECTED')) throw err;
          });
        }
      }
      await journal.flush();
      const byId = new Map(transfers.list().map((j) => [j.id, j]));
      return { jobs: ids.flatMap((id) => byId.get(id) ?? []), removedParts: 0, laterServers: [] };
    },

    async shutdown() {
      stopping = true;
      // Only journaled jobs keep their parts: nobody would resume the others (the edit feature's).
      await queue.shutdown((id) => tracked.has(id));
      await Promise.allSettled([...removing]);
      await journal.close();
    },
  };
}
