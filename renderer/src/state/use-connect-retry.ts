// “Connect and retry” on a job whose server is not connected: connect to that server the normal
// way (a saved server connects with its bookmark; otherwise Quick Connect is filled in for the
// user to finish, with its usual questions), then retry the job once a session to it is open.
import { useCallback, useEffect, useRef } from 'react';
import type { SessionInfo, SkiffApi, TransferJobDto, TransferServerDto } from '../../../electron/ipc/contract';
import type { Notify } from './use-notices';
import type { SessionModel } from './use-session';

/** The same rule main uses: the same saved server, or the same host, port and user. */
export function isSameServer(server: TransferServerDto, s: Pick<SessionInfo, 'host' | 'port' | 'username' | 'bookmarkId'>): boolean {
  if (server.bookmarkId !== undefined && s.bookmarkId !== undefined) return server.bookmarkId === s.bookmarkId;
  return server.host === s.host && server.port === s.port && server.username === s.username;
}

/**
 * Connects to a job's server and retries it there. Given several jobs (Resume all after a restart),
 * it connects once, to the first one's server, and retries every job of that server; the others
 * keep their own “Connect and retry” (the window shows one server at a time).
 */
export function useConnectRetry(api: SkiffApi, session: SessionModel, notify: Notify): (jobs: TransferJobDto | readonly TransferJobDto[]) => void {
  // Jobs waiting for their server's session (Quick Connect is the user's to finish).
  const pending = useRef(new Map<string, TransferJobDto>());
  const retryWaiting = useCallback(
    (s: SessionInfo) => {
      for (const [id, job] of [...pending.current]) {
        if (!isSameServer(job.server, s)) continue;
        pending.current.delete(id);
        api.transfer.retry({ jobId: id }).catch(notify);
      }
    },
    [api, notify],
  );
  const current = session.session;
  useEffect(() => {
    if (current) retryWaiting(current);
  }, [current, retryWaiting]);

  return useCallback(
    (input: TransferJobDto | readonly TransferJobDto[]) => {
      const jobs: readonly TransferJobDto[] = Array.isArray(input) ? input : [input as TransferJobDto];
      const job = jobs[0];
      if (!job) return;
      for (const j of jobs) if (isSameServer(job.server, j.server)) pending.current.set(j.id, j);
      const { bookmarkId, host, port, username } = job.server;
      if (current && isSameServer(job.server, current)) retryWaiting(current);
      else if (bookmarkId !== undefined) void session.connect({ bookmarkId }).then((s) => s && retryWaiting(s));
      else session.prefillQuickConnect({ host, port, username });
    },
    [current, retryWaiting, session],
  );
}
