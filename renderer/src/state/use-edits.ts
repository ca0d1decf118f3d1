// The files being edited, as the UI sees them: the initial list, then `edit:file-changed` (the
// whole file) and `edit:file-removed`. Actions go to main, which owns everything about editing.
import { useCallback, useEffect, useState } from 'react';
import type { EditOpenResultDto, EditedFileDto, SkiffApi } from '../../../electron/ipc/contract';

export type EditConflictChoice = 'overwrite' | 'keep-both' | 'discard';

export interface EditsModel {
  /** Newest first. */
  files: EditedFileDto[];
  open(sessionId: string, paths: string[], mode: 'edit' | 'open'): Promise<EditOpenResultDto>;
  /** Resolves with where the copy was kept (its last change had not reached the server), or null. */
  stop(file: EditedFileDto): Promise<string | null>;
  retry(file: EditedFileDto): Promise<void>;
  resolve(file: EditedFileDto, choice: EditConflictChoice): Promise<void>;
}

export function useEdits(api: SkiffApi): EditsModel {
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
        setFiles((m) => {
          const next = new Map(m);
          for (const f of list) if (!next.has(f.id)) next.set(f.id, f);
          return next;
        });
      })
      .catch(() => undefined);
    const offChanged = api.on('edit:file-changed', upsert);
    const offRemoved = api.on('edit:file-removed', ({ id }) => drop(id));
    return () => {
      live = false;
      offChanged();
      offRemoved();
    };
  }, [api, upsert, drop]);

  const open = useCallback((sessionId: string, paths: string[], mode: 'edit' | 'open') => api.edit.openFiles({ sessionId, paths, mode }), [api]);
  const stop = useCallback(
    async (f: EditedFileDto) => {
      const r = await api.edit.stopEditing({ editId: f.id });
      drop(f.id);
      return r.keptAt;
    },
    [api, drop],
  );
  const retry = useCallback((f: EditedFileDto) => api.edit.retryUpload({ editId: f.id }), [api]);
  const resolve = useCallback((f: EditedFileDto, choice: EditConflictChoice) => api.edit.resolveConflict({ editId: f.id, choice }), [api]);

  return { files: [...files.values()].sort((a, b) => b.openedAt - a.openedAt), open, stop, retry, resolve };
}
