// "The file already exists": both files side by side (size, date) and every way out,
// with "apply to all" so a big folder copy asks once.
import { useState } from 'react';
import type { ConflictAction, QuestionDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { formatDate, formatSize } from '../model/format';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

type ConflictQuestion = Extract<QuestionDto, { kind: 'conflict' }>;

function FileFacts(props: { title: string; f: { path: string; size: number; mtimeMs: number }; note?: string }) {
  return (
    <div className="conflict-file">
      <h3>{props.title}</h3>
      <div className="mono break">{displayName(props.f.path)}</div>
      <div>
        {formatSize(props.f.size)} ({props.f.size.toLocaleString()} bytes)
      </div>
      <div>
        Modified {formatDate(props.f.mtimeMs)} {props.note ? <strong>{props.note}</strong> : null}
      </div>
    </div>
  );
}

/** Asks what to do with one existing target file. */
export function ConflictDialog(props: { question: ConflictQuestion; onAnswer: (action: ConflictAction, applyToAll: boolean) => void }) {
  const q = props.question;
  const [all, setAll] = useState(false);
  const sourceNewer = q.source.mtimeMs > q.target.mtimeMs;
  const answer = (a: ConflictAction) => () => props.onAnswer(a, a === 'cancel' ? false : all);
  return (
    <Modal title="File already exists" onCancel={answer('cancel')} className="conflict-dialog" initialFocus="[data-autofocus]">
      <p>
        {q.direction === 'upload' ? 'The server' : 'This computer'} already has a file named{' '}
        <strong>{displayName(q.target.path.split(/[\\/]/).pop() ?? '')}</strong>.
      </p>
      <div className="conflict-files">
        <FileFacts title={q.direction === 'upload' ? 'Copying (local)' : 'Copying (remote)'} f={q.source} note={sourceNewer ? '(newer)' : undefined} />
        <FileFacts
          title={q.direction === 'upload' ? 'Existing (remote)' : 'Existing (local)'}
          f={q.target}
          note={!sourceNewer && q.target.mtimeMs !== q.source.mtimeMs ? '(newer)' : undefined}
        />
      </div>
      <label className="check">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Apply to all
      </label>
      <DialogButtons
        wrap
        ok={{ label: 'Overwrite', onClick: answer('overwrite'), autoFocus: true }}
        extra={[
          { label: 'Overwrite if newer', onClick: answer('overwrite-if-newer') },
          {
            label: 'Resume',
            onClick: answer('resume'),
            disabled: !q.canResume,
            title: q.canResume ? 'Continue the earlier partial copy' : 'The existing file is not a partial copy of this one',
          },
          { label: 'Rename', onClick: answer('rename') },
          { label: 'Skip', onClick: answer('skip') },
        ]}
        cancel={{ label: 'Cancel transfer', onClick: answer('cancel') }}
      />
    </Modal>
  );
}
