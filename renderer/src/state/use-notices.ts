// The notices stacked at the bottom of the window: errors (with the next step to take), warnings
// and confirmations. The last four are kept; cancellations are not worth one.
import { useCallback, useRef, useState } from 'react';
import { describeError, isCancelled } from '../model/errors';

export type NoticeTone = 'error' | 'info' | 'warning';

export interface Notice {
  id: number;
  message: string;
  hint: string;
  tone: NoticeTone;
}

/** Shows an error (any thrown value) or a plain sentence. */
export type Notify = (err: unknown, tone?: NoticeTone) => void;

export function useNotices(): { notices: Notice[]; notify: Notify; dismiss: (id: number) => void } {
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextId = useRef(0);
  const notify = useCallback<Notify>((err, tone = 'error') => {
    if (isCancelled(err)) return;
    const d = typeof err === 'string' ? { message: err, hint: '' } : describeError(err);
    const id = ++nextId.current;
    setNotices((n) => [...n.slice(-3), { id, message: d.message, hint: d.hint, tone }]);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((all) => all.filter((x) => x.id !== id)), []);
  return { notices, notify, dismiss };
}
