// Files above the size in Settings ask before they are downloaded for editing.
import type { QuestionDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { formatSize } from '../model/format';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

type Question = Extract<QuestionDto, { kind: 'edit-large' }>;

export function EditLargeDialog(props: { question: Question; onAnswer: (download: boolean) => void }) {
  const q = props.question;
  const one = q.files.length === 1;
  return (
    <Modal
      title={one ? 'Download a large file to edit it?' : `Download ${q.files.length} large files to edit them?`}
      onCancel={() => props.onAnswer(false)}
      initialFocus="[data-autofocus]"
    >
      <p>
        {one ? 'This file is' : 'These files are'} larger than {formatSize(q.limitBytes)} (the limit in Settings). Each save uploads the whole file again.
      </p>
      <ul className="plain-list">
        {q.files.map((f) => (
          <li key={f.path}>
            <span className="mono break">{displayName(f.path)}</span> — {formatSize(f.size)}
          </li>
        ))}
      </ul>
      <DialogButtons
        ok={{ label: 'Download and edit', onClick: () => props.onAnswer(true) }}
        cancel={{ label: 'Cancel', onClick: () => props.onAnswer(false), autoFocus: true }}
      />
    </Modal>
  );
}
