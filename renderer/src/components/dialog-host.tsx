// Every modal of the main window in one place: the dialog the user opened (a file operation,
// Find, Settings, About, Keyboard shortcuts) and, above it, the question main is asking now.
import { useCallback, useState } from 'react';
import type { FileEntryDto, SessionInfo, SettingsDto, SkiffApi } from '../../../electron/ipc/contract';
import type { Platform } from '../../../electron/ipc/commands';
import { AboutDialog } from '../dialogs/about-dialog';
import { ConfirmDeleteDialog } from '../dialogs/confirm-delete-dialog';
import { ConflictDialog } from '../dialogs/conflict-dialog';
import { EditConflictDialog } from '../dialogs/edit-conflict-dialog';
import { EditLargeDialog } from '../dialogs/edit-large-dialog';
import { FindDialog } from '../dialogs/find-dialog';
import { ServerInfoDialog } from '../dialogs/server-info-dialog';
import { HostKeyDialog } from '../dialogs/host-key-dialog';
import { KeyboardInteractiveDialog } from '../dialogs/keyboard-interactive-dialog';
import { PasswordDialog } from '../dialogs/password-dialog';
import { invalidName, PromptDialog } from '../dialogs/prompt-dialog';
import { PropertiesDialog } from '../dialogs/properties-dialog';
import { SettingsDialog } from '../dialogs/settings-dialog';
import { ShortcutsDialog } from '../dialogs/shortcuts-dialog';
import { displayName } from '../model/display-name';
import type { Entry, Side } from '../model/types';
import type { FileOps } from '../state/use-file-ops';
import type { QuestionsModel } from '../state/use-questions';

/** The dialogs the user can open. */
export type DialogRequest =
  | { kind: 'mkdir'; side: Side }
  | { kind: 'rename'; side: Side; entry: Entry }
  | { kind: 'delete'; side: Side; entries: Entry[] }
  | { kind: 'properties'; side: Side; entries: Entry[] }
  | { kind: 'symlink'; entry?: Entry }
  | { kind: 'find'; root: string }
  | { kind: 'server-info' }
  | { kind: 'settings' }
  | { kind: 'about' }
  | { kind: 'shortcuts' };

/** The open dialog (one at a time). */
export function useDialog(): { dialog: DialogRequest | null; open(d: DialogRequest): void; close(): void } {
  const [dialog, setDialog] = useState<DialogRequest | null>(null);
  const close = useCallback(() => setDialog(null), []);
  return { dialog, open: setDialog, close };
}

export function DialogHost(props: {
  api: SkiffApi;
  dialog: DialogRequest | null;
  onClose: () => void;
  questions: QuestionsModel;
  session: SessionInfo | null;
  ops: FileOps;
  /** Where downloads from Find go (the local pane's folder). */
  localDir: string;
  platform: Platform;
  onSettingsSaved: (st: SettingsDto) => void;
}) {
  const { dialog, onClose: close, ops, session } = props;
  const { current: question, answer } = props.questions;
  const where = (side: Side): string => (side === 'remote' && session ? displayName(session.host) : 'this computer');
  /** Closes the dialog, then does what it was for. */
  const then =
    <A extends unknown[]>(fn: (...a: A) => void) =>
    (...a: A): void => {
      close();
      fn(...a);
    };

  return (
    <>
      {dialog?.kind === 'mkdir' ? (
        <PromptDialog
          title={`New folder on ${where(dialog.side)}`}
          okLabel="Create"
          fields={[{ label: 'Folder name', initial: '' }]}
          validate={([n]) => invalidName(n ?? '')}
          onCancel={close}
          onSubmit={then(([n]) => ops.mkdir(dialog.side, n!))}
        />
      ) : null}
      {dialog?.kind === 'rename' ? (
        <PromptDialog
          title={`Rename “${displayName(dialog.entry.name)}”`}
          okLabel="Rename"
          fields={[{ label: 'New name', initial: dialog.entry.name, selectStem: true }]}
          validate={([n]) => invalidName(n ?? '')}
          onCancel={close}
          onSubmit={then(([n]) => {
            if (n !== dialog.entry.name) ops.rename(dialog.side, dialog.entry, n!);
          })}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmDeleteDialog
          entries={dialog.entries}
          where={where(dialog.side)}
          onCancel={close}
          onConfirm={then(() => ops.remove(dialog.side, dialog.entries))}
        />
      ) : null}
      {dialog?.kind === 'properties' ? (
        <PropertiesDialog
          entries={dialog.entries}
          canChmod={dialog.side === 'remote'}
          onCancel={close}
          onApply={then((mode: number) => ops.chmod(dialog.entries, mode))}
        />
      ) : null}
      {dialog?.kind === 'symlink' ? (
        <PromptDialog
          title="Create symbolic link"
          okLabel="Create"
          fields={[
            { label: 'Link name', initial: dialog.entry ? `${dialog.entry.name}-link` : '' },
            { label: 'Points to', initial: dialog.entry ? dialog.entry.name : '' },
          ]}
          validate={([n]) => invalidName(n ?? '')}
          onCancel={close}
          onSubmit={then(([n, t]) => ops.symlink(n!, t!))}
        />
      ) : null}
      {dialog?.kind === 'server-info' && session ? <ServerInfoDialog api={props.api} sessionId={session.sessionId} onClose={close} /> : null}
      {dialog?.kind === 'find' && session ? (
        <FindDialog
          api={props.api}
          sessionId={session.sessionId}
          root={dialog.root}
          onClose={close}
          onDownload={then((found: FileEntryDto[]) =>
            ops.enqueue(
              'download',
              found.map((f) => f.path),
              props.localDir,
            ),
          )}
        />
      ) : null}
      {dialog?.kind === 'settings' ? <SettingsDialog api={props.api} onSaved={then(props.onSettingsSaved)} onCancel={close} /> : null}
      {dialog?.kind === 'about' ? <AboutDialog api={props.api} onClose={close} /> : null}
      {dialog?.kind === 'shortcuts' ? <ShortcutsDialog platform={props.platform} onClose={close} /> : null}

      {question?.kind === 'host-key' ? (
        <HostKeyDialog key={question.id} question={question} onDecide={(decision) => answer(question.id, { kind: 'host-key', decision })} />
      ) : null}
      {question?.kind === 'keyboard-interactive' ? (
        <KeyboardInteractiveDialog
          key={question.id}
          question={question}
          onAnswer={(responses) => answer(question.id, { kind: 'keyboard-interactive', responses })}
        />
      ) : null}
      {question?.kind === 'password' ? (
        <PasswordDialog key={question.id} question={question} onAnswer={(secret, remember) => answer(question.id, { kind: 'password', secret, remember })} />
      ) : null}
      {question?.kind === 'edit-conflict' ? (
        <EditConflictDialog key={question.id} question={question} onAnswer={(choice) => answer(question.id, { kind: 'edit-conflict', choice })} />
      ) : null}
      {question?.kind === 'edit-large' ? (
        <EditLargeDialog key={question.id} question={question} onAnswer={(download) => answer(question.id, { kind: 'edit-large', download })} />
      ) : null}
      {question?.kind === 'conflict' ? (
        <ConflictDialog
          key={question.id}
          question={question}
          onAnswer={(action, applyToAll) => answer(question.id, { kind: 'conflict', action, applyToAll })}
        />
      ) : null}
    </>
  );
}
