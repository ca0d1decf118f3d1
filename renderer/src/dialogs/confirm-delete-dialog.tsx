// Deleting is final: say exactly how many items, whether folders go with everything in
// them, and where.
import { displayName } from '../model/display-name';
import type { Entry } from '../model/types';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

/** Confirmation for deleting `entries` (folders recursively). */
export function ConfirmDeleteDialog(props: { entries: Entry[]; where: string; onConfirm: () => void; onCancel: () => void }) {
  const n = props.entries.length;
  const folders = props.entries.filter((e) => e.type === 'directory').length;
  const what = n === 1 ? `“${displayName(props.entries[0]!.name)}”` : `${n.toLocaleString()} items`;
  return (
    <Modal title={`Delete ${what}?`} onCancel={props.onCancel} role="alertdialog" initialFocus="[data-autofocus]">
      <p>
        {n === 1 ? 'It' : `These ${n.toLocaleString()} items`} will be permanently deleted from {props.where}.{' '}
        {folders > 0 ? (
          <strong>
            {folders === 1 && n === 1 ? 'The folder' : `${folders.toLocaleString()} folder${folders === 1 ? '' : 's'}`} will be deleted recursively, with
            everything inside.
          </strong>
        ) : null}{' '}
        This cannot be undone.
      </p>
      {n > 1 ? (
        <ul className="delete-list">
          {props.entries.slice(0, 8).map((e) => (
            <li key={e.name}>
              {displayName(e.name)}
              {e.type === 'directory' ? '/' : ''}
            </li>
          ))}
          {n > 8 ? <li>… and {(n - 8).toLocaleString()} more</li> : null}
        </ul>
      ) : null}
      <DialogButtons
        ok={{ label: 'Delete', tone: 'danger', onClick: props.onConfirm }}
        cancel={{ label: 'Cancel', onClick: props.onCancel, autoFocus: true }}
      />
    </Modal>
  );
}
