// The files being edited, as the UI sees them: the initial list, then `edit:file-changed` (the
// whole file) and `edit:file-removed`. Actions go to main, which owns everything about editing.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EditedFileDto, SkiffApi } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import type { Notify } from './use-notices';

export type EditConflictChoice = 'overwrite' | 'keep-both' | 'discard';

export interface EditsModel {
  /** Newest first. */
  files: EditedFileDto[];
  /** Downloads and opens remote files (`edit`: the Editor command, `open`: the default application); what failed becomes notices. */
  open(sessionId: string, paths: string[], mode: 'edit' | 'open'): void;
  stop(file: EditedFileDto): void;
  retry(file: EditedFileDto): void;
  resolve(file: EditedFileDto, choice: EditConflictChoice): void;
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Where a copy with unsent changes went, as the notice says it. */
export function keptMessage(remotePath: string | null, keptAt: string): string {
  return `${remotePath ? `The last change to “${displayName(baseName(remotePath))}” did not reach the server, so` : 'Changes that did not reach the server:'} the copy is kept at ${displayName(keptAt)}.`;
}

export function useEdits(api: SkiffApi, notify: Notify): EditsModel {
  const notifyRef = useRef(notify);
  useEffect(() => {
    notifyRef.current = notify;
  });
  const filesRef = useRef(new Map<string, EditedFileDto>());
  const [files, setFiles] = useState<Map<string, EditedFileDto>>(new Map());
  const upsert = useCallback(
    (f: EditedFileDto) =>
      setFiles((m) => {
        const next = new Map(m);
        next.set(f.id, f);
        return next;
      }),
    [],
  );
  const drop = useCallback(
    (id: string) =>
      setFiles((m) => {
        if (!m.has(id)) return m;
        const next = new Map(m);
        next.delete(id);
        return next;
      }),
    [],
  );

  useEffect(() => {
    let live = true;
    api.edit
      .listFiles()
      .then((list) => {
        if (!live) return;
        for (const f of list) if (!filesRef.current.has(f.id)) filesRef.current.set(f.id, f);
        setFiles((m) => {
          const next = new Map(m);
          for (const f of list) if (!next.has(f.id)) next.set(f.id, f);
          return next;
        });
      })
      .catch(() => undefined);
    // Copies an earlier run left behind unsent (it ended without stopping) were kept at start.
    api.edit
      .takeRecovered()
      .then((kept) => {
        if (live && kept.length > 0)
          notifyRef.current(
            `Skiff ended last time before every edit reached the server. ${kept.length === 1 ? 'That copy is' : 'Those copies are'} kept at ${kept.map(displayName).join(', ')}.`,
            'warning',
          );
      })
      .catch(() => undefined);
    const offChanged = api.on('edit:file-changed', (f) => {
      filesRef.current.set(f.id, f);
      upsert(f);
    });
    const offRemoved = api.on('edit:file-removed', ({ id, keptAt }) => {
      // However editing stopped (here, on quit, after "discard"), a kept copy is always announced.
      if (keptAt) notifyRef.current(keptMessage(filesRef.current.get(id)?.remotePath ?? null, keptAt), 'warning');
      filesRef.current.delete(id);
      drop(id);
    });
    return () => {
      live = false;
      offChanged();
      offRemoved();
    };
  }, [api, upsert, drop]);

  const open = useCallback(
    (sessionId: string, paths: string[], mode: 'edit' | 'open') => {
      if (paths.length === 0) return;
      api.edit.openFiles({ sessionId, paths, mode }).then((r) => {
        for (const e of r.errors) notifyRef.current(e);
      }, notifyRef.current);
    },
    [api],
  );
  const stop = useCallback((f: EditedFileDto) => void api.edit.stopEditing({ editId: f.id }).catch(notifyRef.current), [api]);
  const retry = useCallback((f: EditedFileDto) => void api.edit.retryUpload({ editId: f.id }).catch(notifyRef.current), [api]);
  const resolve = useCallback(
    (f: EditedFileDto, choice: EditConflictChoice) => void api.edit.resolveConflict({ editId: f.id, choice }).catch(notifyRef.current),
    [api],
  );

  return { files: [...files.values()].sort((a, b) => b.openedAt - a.openedAt), open, stop, retry, resolve };
}
