// Editing remote files in a local editor: open (download + editor), list, stop, retry, conflicts.
import type { HandlerMap } from '../register';
import type { Services } from '../services';

type EditHandlers = Pick<
  HandlerMap,
  'edit:open-files' | 'edit:list-files' | 'edit:stop-editing' | 'edit:retry-upload' | 'edit:resolve-conflict' | 'edit:take-recovered'
>;

export function editHandlers(s: Services): EditHandlers {
  return {
    'edit:open-files': ({ sessionId, paths, mode }) => {
      s.sessions.fs(sessionId); // NOT_CONNECTED before anything is downloaded
      return s.edits.open(sessionId, paths, mode);
    },
    'edit:list-files': () => s.edits.list(),
    'edit:stop-editing': ({ editId }) => s.edits.stop(editId),
    'edit:retry-upload': ({ editId }) => s.edits.retry(editId),
    'edit:resolve-conflict': ({ editId, choice }) => s.edits.resolveConflict(editId, choice),
    'edit:take-recovered': () => s.edits.takeRecovered(),
  };
}
