// The transfer queue as the UI sees it: the initial list, then `transfer:changed`
// (whole job), `transfer:progress` (batched numbers) and `transfer:removed` events.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SkiffApi, TransferJobDto } from '../../../electron/ipc/contract';
import type { JobAction } from '../components/transfer-queue';

export interface TransfersModel {
  jobs: TransferJobDto[];
  upsert: (job: TransferJobDto) => void;
  act: (job: TransferJobDto, action: JobAction) => void;
  clearFinished: () => void;
}

/** Subscribes to the queue; `onFinished` fires once per job that reaches "done". */
export function useTransfers(api: SkiffApi, onFinished: (job: TransferJobDto) => void): TransfersModel {
  const [jobs, setJobs] = useState<Map<string, TransferJobDto>>(new Map());
  const finishedRef = useRef(onFinished);
  useEffect(() => {
    finishedRef.current = onFinished;
  });

  // Last known state per job, to fire onFinished once on the transition to "done".
  const statesRef = useRef(new Map<string, TransferJobDto['state']>());
  const upsert = useCallback((job: TransferJobDto) => {
    const before = statesRef.current.get(job.id);
    statesRef.current.set(job.id, job.state);
    if (job.state === 'done' && before !== 'done') finishedRef.current(job);
    setJobs((m) => {
      const next = new Map(m);
      next.set(job.id, job);
      return next;
    });
  }, []);

  useEffect(() => {
    let live = true;
    api.transfer
      .list()
      .then((list) => {
        if (!live) return;
        setJobs((m) => {
          const next = new Map(m);
          for (const j of list) if (!next.has(j.id)) next.set(j.id, j);
          return next;
        });
      })
      .catch(() => undefined);
    const offChanged = api.on('transfer:changed', upsert);
    const offProgress = api.on('transfer:progress', (list) =>
      setJobs((m) => {
        const next = new Map(m);
        for (const p of list) {
          const j = next.get(p.id);
          if (j) next.set(p.id, { ...j, ...p });
        }
        return next;
      }),
    );
    const offRemoved = api.on('transfer:removed', ({ ids }) =>
      setJobs((m) => {
        const next = new Map(m);
        for (const id of ids) next.delete(id);
        return next;
      }),
    );
    return () => {
      live = false;
      offChanged();
      offProgress();
      offRemoved();
    };
  }, [api, upsert]);

  const act = useCallback(
    (job: TransferJobDto, action: JobAction) => {
      const call =
        action === 'cancel'
          ? api.transfer.cancel({ jobId: job.id })
          : action === 'pause'
            ? api.transfer.pause({ jobId: job.id })
            : action === 'resume'
              ? api.transfer.resume({ jobId: job.id })
              : // 'connect-retry' is the app's to handle (it connects first); here it is a plain retry.
                api.transfer.retry({ jobId: job.id });
      call.catch(() => undefined);
    },
    [api],
  );

  const clearFinished = useCallback(() => {
    api.transfer
      .clearFinished()
      .then(() =>
        setJobs((m) => {
          const next = new Map<string, TransferJobDto>();
          for (const [id, j] of m) if (j.state === 'queued' || j.state === 'running' || j.state === 'paused') next.set(id, j);
          return next;
        }),
      )
      .catch(() => undefined);
  }, [api]);

  return { jobs: [...jobs.values()].sort((a, b) => b.createdAt - a.createdAt), upsert, act, clearFinished };
}
