// "The file changed on the server while you edited it": both versions side by side and the three
// ways on. "Decide later" (or Escape) answers nothing: the file stays in conflict in Edited files.
import type { QuestionDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { formatDate, formatSize } from '../model/format';
import type { EditConflictChoice } from '../state/use-edits';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

type Question = Extract<QuestionDto, { kind: 'edit-conflict' }>;

function Version(props: { title: string; v: { size: number; mtimeMs: number } | null }) {
  return (
    <div className="conflict-file">
      <h3>{props.title}</h3>
      {props.v ? (
        <>
          <div>
            {formatSize(props.v.size)} ({props.v.size.toLocaleString()} bytes)
          </div>
          <div>Modified {formatDate(props.v.mtimeMs)}</div>
        </>
      ) : (
        <div>Deleted on the server</div>
      )}
    </div>
  );
}

export function EditConflictDialog(props: { question: Question; onAnswer: (choice: EditConflictChoice | null) => void }) {
  const q = props.question;
  const name = displayName(q.remotePath.slice(q.remotePath.lastIndexOf('/') + 1));
  const server = `${q.server.username}@${q.server.host}`;
  return (
    <Modal title={`“${name}” changed on the server`} onCancel={() => props.onAnswer(null)} className="conflict-dialog" initialFocus="[data-autofocus]">
      <p>
        {q.remote ? 'Someone or something changed' : 'Someone or something deleted'} <span className="mono break">{displayName(q.remotePath)}</span> on{' '}
        {displayName(server)} since Skiff downloaded it for you. Your saved change has not been uploaded. What should happen to it?
      </p>
      <div className="conflict-files">
        <Version title="Your version (local)" v={q.local} />
        <Version title="The server's version now" v={q.remote} />
      </div>
      <DialogButtons
        wrap
        ok={{ label: <>Keep both (upload mine as “{displayName(q.keepBothName)}”)</>, onClick: () => props.onAnswer('keep-both'), autoFocus: true }}
        extra={[
          {
            label: q.remote ? "Overwrite the server's version" : 'Put my version back on the server',
            onClick: () => props.onAnswer('overwrite'),
            tone: 'danger',
          },
          {
            label: q.remote ? "Discard my change (take the server's version)" : 'Discard my change and stop editing',
            onClick: () => props.onAnswer('discard'),
          },
        ]}
        cancel={{ label: 'Decide later', onClick: () => props.onAnswer(null) }}
      />
    </Modal>
  );
}
