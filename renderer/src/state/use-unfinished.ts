// The transfers an earlier run did not finish (Skiff quit or crashed): asked once at start, then
// the user's choice goes to main. Resume all hands the jobs whose server is not connected to
// “Connect and retry”, so a saved server connects by itself.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConfigProblemDto, SkiffApi, TransferJobDto, UnfinishedChoice, UnfinishedTransferDto } from '../../../electron/ipc/contract';
import type { Notify } from './use-notices';

export interface UnfinishedModel {
  jobs: UnfinishedTransferDto[];
  problems: ConfigProblemDto[];
  busy: boolean;
  choose(choice: UnfinishedChoice): void;
  dismissProblems(): void;
}

const serverName = (s: UnfinishedTransferDto['server']): string => `${s.username}@${s.host}${s.port === 22 ? '' : `:${s.port}`}`;

export function useUnfinished(api: SkiffApi, notify: Notify, connectAndRetry: (jobs: readonly TransferJobDto[]) => void): UnfinishedModel {
  const [jobs, setJobs] = useState<UnfinishedTransferDto[]>([]);
  const [problems, setProblems] = useState<ConfigProblemDto[]>([]);
  const [busy, setBusy] = useState(false);
  const retryRef = useRef(connectAndRetry);
  useEffect(() => {
    retryRef.current = connectAndRetry;
  });

  useEffect(() => {
    let live = true;
    api.transfer
      .unfinished()
      .then((u) => {
        if (!live) return;
        setJobs(u.jobs);
        setProblems(u.problems);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api]);

  const choose = useCallback(
    (choice: UnfinishedChoice) => {
      setBusy(true);
      api.transfer
        .resolveUnfinished({ choice })
        .then((r) => {
          setJobs([]);
          if (choice === 'resume') {
            const waiting = r.jobs.filter((j) => j.state === 'failed' && !j.serverConnected);
            if (waiting.length > 0) retryRef.current(waiting);
          } else if (choice === 'discard') {
            const parts = `${r.removedParts} part file${r.removedParts === 1 ? '' : 's'}`;
            const later = r.laterServers.map(serverName).join(', ');
            notify(
              later === '' ? `Discarded: ${parts} removed.` : `Discarded: ${parts} removed; those on ${later} are removed when you next connect to it.`,
              'info',
            );
          }
        })
        .catch(notify)
        .finally(() => setBusy(false));
    },
    [api, notify],
  );

  const dismissProblems = useCallback(() => setProblems([]), []);
  return { jobs, problems, busy, choose, dismissProblems };
}
