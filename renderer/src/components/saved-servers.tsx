// The saved-servers area of the sidebar: the list plus everything done to it (new, edit,
// duplicate, move to group, rename group, delete with confirmation, import from ~/.ssh/config)
// and the banner for a bookmarks file that did not load cleanly. The app owns connecting.
import { useState } from 'react';
import type { BookmarkDto, BookmarkList, BookmarkSaveResult, SkiffApi } from '../../../electron/ipc/contract';
import { BookmarkEditor } from '../dialogs/bookmark-editor';
import { ImportDialog } from '../dialogs/import-dialog';
import { DialogButtons } from '../dialogs/dialog-buttons';
import { Modal } from '../dialogs/modal';
import { PromptDialog } from '../dialogs/prompt-dialog';
import { displayName } from '../model/display-name';
import { BookmarksSidebar, type BookmarkAction } from './bookmarks-sidebar';
import { ConfigProblemBanner } from './config-problem-banner';

type Dialog =
  | { kind: 'new'; initial?: Partial<BookmarkDto> }
  | { kind: 'edit'; bookmark: BookmarkDto }
  | { kind: 'delete'; bookmark: BookmarkDto }
  | { kind: 'move'; bookmark: BookmarkDto }
  | { kind: 'rename-group'; group: string }
  | { kind: 'import' };

export type NotifyTone = 'error' | 'info' | 'warning';

/** Saved servers with their dialogs; `onList` receives the fresh list after every change. */
export function SavedServers(props: {
  api: SkiffApi;
  list: BookmarkList | null;
  onList: (l: BookmarkList) => void;
  activeId?: string;
  onConnect: (b: BookmarkDto) => void;
  notify: (err: unknown, tone?: NotifyTone) => void;
  nativeDialogs: boolean;
}) {
  const { api, notify } = props;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [bannerHidden, setBannerHidden] = useState(false);
  const bookmarks = props.list?.bookmarks ?? [];
  const groups = props.list?.groups ?? [];
  const readOnly = props.list?.readOnly ?? null;

  const reload = async (): Promise<void> => {
    props.onList(await api.bookmarks.list());
  };
  const warnKeychain = (w: BookmarkSaveResult['keychainWarning']): void => {
    // A plain string: the core's message is already complete (what is missing, what Skiff does instead).
    if (w) notify(`Saved, but the password was not stored in the system keychain. ${w.message}`, 'warning');
  };
  const change = (op: () => Promise<unknown>, done?: string): void => {
    op()
      .then(() => {
        if (done) notify(done, 'info');
      })
      .catch((err: unknown) => notify(err))
      .finally(() => void reload().catch(() => undefined));
  };

  const onAction = (action: BookmarkAction, b: BookmarkDto): void => {
    switch (action) {
      case 'edit':
        return setDialog({ kind: 'edit', bookmark: b });
      case 'delete':
        return setDialog({ kind: 'delete', bookmark: b });
      case 'move':
        return setDialog({ kind: 'move', bookmark: b });
      case 'duplicate':
        // The copy opens in the editor: a duplicate is almost always the start of a variant.
        return change(() => api.bookmarks.duplicate({ id: b.id }).then((copy) => setDialog({ kind: 'edit', bookmark: copy })));
      default:
        return;
    }
  };

  const pickFile = props.nativeDialogs ? (title: string) => api.dialog.pickFile({ title }) : undefined;
  const pickFolder = props.nativeDialogs ? (title: string) => api.dialog.pickFolder({ title }) : undefined;
  const problems = props.list?.problems ?? [];

  return (
    <>
      {!bannerHidden ? <ConfigProblemBanner problems={problems} readOnly={readOnly} onDismiss={() => setBannerHidden(true)} /> : null}
      <BookmarksSidebar
        bookmarks={bookmarks}
        readOnly={readOnly !== null}
        {...(props.activeId ? { activeId: props.activeId } : {})}
        onConnect={props.onConnect}
        onAction={onAction}
        onRenameGroup={(group) => setDialog({ kind: 'rename-group', group })}
        onNew={() => setDialog({ kind: 'new' })}
        onImport={() => setDialog({ kind: 'import' })}
      />

      {dialog?.kind === 'new' || dialog?.kind === 'edit' ? (
        <BookmarkEditor
          api={api}
          {...(dialog.kind === 'edit' ? { bookmark: dialog.bookmark } : dialog.initial ? { initial: dialog.initial } : {})}
          groups={groups}
          {...(pickFile ? { onPickFile: pickFile } : {})}
          {...(pickFolder ? { onPickFolder: pickFolder } : {})}
          onCancel={() => setDialog(null)}
          onSaved={(r) => {
            setDialog(null);
            warnKeychain(r.keychainWarning);
            void reload().catch(() => undefined);
          }}
        />
      ) : null}

      {dialog?.kind === 'delete' ? (
        <Modal
          title={`Delete saved server “${displayName(dialog.bookmark.name)}”?`}
          role="alertdialog"
          onCancel={() => setDialog(null)}
          initialFocus="[data-autofocus]"
        >
          <p>
            The bookmark for{' '}
            <span className="mono">
              {displayName(dialog.bookmark.username)}@{displayName(dialog.bookmark.host)}:{dialog.bookmark.port}
            </span>{' '}
            will be removed{dialog.bookmark.rememberPassword ? ', with its password in the system keychain' : ''}. Files on the server are not touched.
          </p>
          <DialogButtons
            ok={{
              label: 'Delete',
              tone: 'danger',
              onClick: () => {
                const b = dialog.bookmark;
                setDialog(null);
                change(() =>
                  api.bookmarks.delete({ id: b.id }).then((r) => {
                    // Only a bookmark that remembered a password can have left one behind.
                    if (r.keychainWarning && b.rememberPassword)
                      notify(`Deleted, but its password could not be removed from the system keychain. ${r.keychainWarning.message}`, 'warning');
                  }),
                );
              },
            }}
            cancel={{ label: 'Cancel', onClick: () => setDialog(null), autoFocus: true }}
          />
        </Modal>
      ) : null}

      {dialog?.kind === 'move' ? (
        <GroupDialog
          title={`Move “${displayName(dialog.bookmark.name)}” to group`}
          initial={dialog.bookmark.group ?? ''}
          groups={groups}
          allowEmpty
          okLabel="Move"
          onCancel={() => setDialog(null)}
          onSubmit={(g) => {
            const b = dialog.bookmark;
            setDialog(null);
            change(() => api.bookmarks.update({ id: b.id, patch: { group: g === '' ? null : g } }));
          }}
        />
      ) : null}

      {dialog?.kind === 'rename-group' ? (
        <GroupDialog
          title={`Rename group “${displayName(dialog.group)}”`}
          initial={dialog.group}
          groups={groups}
          okLabel="Rename"
          onCancel={() => setDialog(null)}
          onSubmit={(g) => {
            const from = dialog.group;
            setDialog(null);
            if (g === from) return;
            const members = bookmarks.filter((b) => (b.group?.trim() ?? '') === from);
            // One update per member; the store serializes writes, so they never interleave.
            change(async () => {
              for (const b of members) await api.bookmarks.update({ id: b.id, patch: { group: g } });
            });
          }}
        />
      ) : null}

      {dialog?.kind === 'import' ? (
        <ImportDialog
          api={api}
          bookmarks={bookmarks}
          onCancel={() => setDialog(null)}
          onImported={(r) => {
            setDialog(null);
            const made = r.created.length;
            notify(`Imported ${made} saved server${made === 1 ? '' : 's'}.`, 'info');
            if (r.skipped.length > 0)
              notify(
                { code: 'FAILURE', message: `Not imported: ${r.skipped.map((s) => `${s.id.replace(/^ssh-config:/, '')} (${s.reason})`).join('; ')}` },
                'warning',
              );
            void reload().catch(() => undefined);
          }}
        />
      ) : null}
    </>
  );
}

/** Asks for a group name (with the existing ones offered); empty = no group when `allowEmpty`. */
function GroupDialog(props: {
  title: string;
  initial: string;
  groups: readonly string[];
  okLabel: string;
  allowEmpty?: boolean;
  onSubmit: (group: string) => void;
  onCancel: () => void;
}) {
  if (!props.allowEmpty) {
    return (
      <PromptDialog
        title={props.title}
        okLabel={props.okLabel}
        fields={[{ label: 'Group name', initial: props.initial }]}
        onCancel={props.onCancel}
        onSubmit={([g]) => props.onSubmit((g ?? '').trim())}
      />
    );
  }
  return <GroupPicker {...props} />;
}

function GroupPicker(props: {
  title: string;
  initial: string;
  groups: readonly string[];
  okLabel: string;
  onSubmit: (group: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(props.initial);
  return (
    <Modal title={props.title} onCancel={props.onCancel}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(value.trim());
        }}
      >
        <label className="field">
          <span>Group name</span>
          <input
            type="text"
            autoComplete="off"
            list="skiff-group-names"
            value={value}
            placeholder="None (ungrouped)"
            onChange={(e) => setValue(e.target.value)}
          />
          <datalist id="skiff-group-names">
            {props.groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </label>
        <p className="small muted">Pick an existing group, type a new name, or leave it empty to ungroup.</p>
        <DialogButtons ok={{ label: props.okLabel }} cancel={props.onCancel} />
      </form>
    </Modal>
  );
}
