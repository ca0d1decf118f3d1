// The transfer queue. Paths are checked per direction: an upload's sources are local and
// its target remote; a download's target must be an existing local folder.
import { SkiffError } from '../../core/errors';
import { statOrNull } from '../../core/fs/stat-or-null';
import { checkLocalPath, checkRemotePath } from '../paths';
import type { HandlerMap } from '../register';
import type { Services } from '../services';

type TransferHandlers = Pick<
  HandlerMap,
  | 'transfer:enqueue'
  | 'transfer:cancel'
  | 'transfer:pause'
  | 'transfer:resume'
  | 'transfer:retry'
  | 'transfer:list'
  | 'transfer:clear-finished'
  | 'transfer:unfinished'
  | 'transfer:resolve-unfinished'
>;

export function transferHandlers(s: Services): TransferHandlers {
  return {
    'transfer:enqueue': async ({ sessionId, direction, sources, targetDir, conflict }) => {
      s.sessions.fs(sessionId); // NOT_CONNECTED before anything is queued
      if (direction === 'upload') {
        sources.forEach((p) => checkLocalPath(p));
        checkRemotePath(targetDir);
      } else {
        sources.forEach((p) => checkRemotePath(p));
        checkLocalPath(targetDir);
        const st = await statOrNull(s.local, targetDir);
        if (!st) throw new SkiffError('NO_SUCH_FILE', `The download folder “${targetDir}” does not exist.`, { path: targetDir });
        if (st.type !== 'directory') throw new SkiffError('NOT_A_DIRECTORY', `The download target “${targetDir}” is not a folder.`, { path: targetDir });
      }
      return s.transfers.enqueue(
        conflict === undefined ? { sessionId, direction, sources, targetDir } : { sessionId, direction, sources, targetDir, conflict },
      );
    },
    'transfer:cancel': ({ jobId, all }) => (all === true ? s.transfers.cancelAll() : s.transfers.cancel(jobId as string)),
    'transfer:pause': ({ jobId }) => s.transfers.pause(jobId),
    'transfer:resume': ({ jobId }) => s.transfers.resume(jobId),
    'transfer:retry': ({ jobId }) => s.transfers.retry(jobId),
    'transfer:list': () => s.transfers.list(),
    'transfer:clear-finished': () => s.transfers.clearFinished(),
    'transfer:unfinished': () => s.unfinished.list(),
    'transfer:resolve-unfinished': ({ choice }) => s.unfinished.resolve(choice),
  };
}
