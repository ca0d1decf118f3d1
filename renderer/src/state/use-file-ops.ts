// Everything done to files: make, rename, delete, chmod, symlink, copy paths, open, and copies
// between the panes (buttons, keys, drag and drop all end up here). A changed folder is refreshed
// and the new name selected; failures become notices.
import { useCallback } from 'react';
import type { SessionInfo, SkiffApi, TransferJobDto } from '../../../electron/ipc/contract';
import { joinPath, normalizePosix } from '../model/paths';
import { isDirLike, type Entry, type Side } from '../model/types';
import { droppedPaths, type DragData } from './drag-drop';
import type { Notify } from './use-notices';
import type { PanesModel } from './use-panes';

export interface FileOps {
  /** Queues an upload (local sources, remote folder) or a download (remote sources, local folder). */
  enqueue(direction: 'upload' | 'download', sources: string[], targetDir: string): void;
  /** Copies entries of `from` into the folder the other pane shows. */
  copyToOther(from: Side, entries: readonly Entry[]): void;
  /** A folder opens in its pane; a remote file opens with the default application (see use-edits); a local file is copied to the server (when connected). */
  open(side: Side, entry: Entry): void;
  mkdir(side: Side, name: string): void;
  rename(side: Side, entry: Entry, name: string): void;
  remove(side: Side, entries: readonly Entry[]): void;
  chmod(entries: readonly Entry[], mode: number): void;
  symlink(name: string, target: string): void;
  /** The selected paths (or the folder's) to the clipboard. */
  copyPath(side: Side): void;
  /** Rows dropped onto `side`: from the other pane, or files from the OS (remote only). */
  drop(side: Side, data: DragData): void;
}

/** Electron's preload adds this to window.skiff: the real path of a File dropped from the OS. */
type WithFileDrops = SkiffApi & { pathForFile?: (file: File) => string | null };

export function useFileOps(
  api: SkiffApi,
  session: SessionInfo | null,
  p: PanesModel,
  onQueued: (job: TransferJobDto) => void,
  notify: Notify,
  openRemoteFiles: (sessionId: string, paths: string[], mode: 'edit' | 'open') => void,
): FileOps {
  const { local, remote } = p.panes;
  const enqueue = useCallback(
    (direction: 'upload' | 'download', sources: string[], targetDir: string) => {
      if (!session) {
        notify({ code: 'NOT_CONNECTED', message: 'Not connected to a server.' });
        return;
      }
      if (sources.length === 0) return;
      api.transfer.enqueue({ sessionId: session.sessionId, direction, sources, targetDir }).then(onQueued, notify);
    },
    [api, session, notify, onQueued],
  );
  const copyToOther = useCallback(
    (from: Side, entries: readonly Entry[]) => {
      if (entries.length === 0) return;
      const paths = entries.map((e) => e.path);
      if (from === 'local') enqueue('upload', paths, remote.path);
      else enqueue('download', paths, local.path);
    },
    [enqueue, local.path, remote.path],
  );

  // Runs an operation on one side, then refreshes it and selects `after` (the new name).
  const change = async (side: Side, op: () => Promise<unknown>, after?: string): Promise<void> => {
    try {
      await op();
    } catch (err) {
      notify(err);
    }
    const pane = p.panes[side];
    pane.refresh();
    if (after) setTimeout(() => pane.select({ type: 'select-names', names: [after] }), 0);
  };
  const childPath = (side: Side, name: string): string => (side === 'remote' ? normalizePosix(name, remote.path) : joinPath(p.localStyle, local.path, name));
  const remoteId = (side: Side): string | null => (side === 'remote' && session ? session.sessionId : null);

  return {
    enqueue,
    copyToOther,
    open(side, entry) {
      if (isDirLike(entry)) p.panes[side].navigate(entry.path);
      else if (side === 'remote' && session) openRemoteFiles(session.sessionId, [entry.path], 'open');
      else if (session) copyToOther(side, [entry]);
    },
    mkdir(side, name) {
      const path = childPath(side, name);
      const id = remoteId(side);
      void change(side, () => (id ? api.sftp.mkdir({ sessionId: id, path }) : api.local.mkdir({ path })), name);
    },
    rename(side, entry, name) {
      const to = childPath(side, name);
      const id = remoteId(side);
      void change(side, () => (id ? api.sftp.rename({ sessionId: id, from: entry.path, to }) : api.local.rename({ from: entry.path, to })), name);
    },
    remove(side, entries) {
      const paths = entries.map((e) => e.path);
      const id = remoteId(side);
      void change(side, () => (id ? api.sftp.delete({ sessionId: id, paths, recursive: true }) : api.local.delete({ paths, recursive: true })));
    },
    chmod(entries, mode) {
      if (!session) return;
      void change(
        'remote',
        () => api.sftp.chmod({ sessionId: session.sessionId, paths: entries.map((e) => e.path), mode }),
        entries.length === 1 ? entries[0]!.name : undefined,
      );
    },
    symlink(name, target) {
      if (!session) return;
      void change('remote', () => api.sftp.symlink({ sessionId: session.sessionId, target, linkPath: normalizePosix(name, remote.path) }), name);
    },
    copyPath(side) {
      const pane = p.panes[side];
      const entries = pane.selectedEntries();
      const text = entries.length > 0 ? entries.map((e) => e.path).join('\n') : pane.path;
      navigator.clipboard?.writeText(text).then(
        () => notify(`Copied ${entries.length > 1 ? `${entries.length} paths` : 'the path'} to the clipboard.`, 'info'),
        () => notify('The clipboard is not available here.'),
      );
    },
    drop(side, data) {
      const d = droppedPaths(data, side, (api as WithFileDrops).pathForFile);
      if (d === null) return;
      if ('problem' in d) notify({ code: 'UNSUPPORTED', message: d.problem });
      else if (side === 'remote') enqueue('upload', d.paths, remote.path);
      else enqueue('download', d.paths, local.path);
    },
  };
}
