// The saved servers as the sidebar lists them, read at startup and again after every change.
import { useCallback, useEffect, useState } from 'react';
import type { BookmarkList, SkiffApi } from '../../../electron/ipc/contract';

export function useBookmarkList(api: SkiffApi): { list: BookmarkList | null; set(l: BookmarkList): void; reload(): void } {
  const [list, set] = useState<BookmarkList | null>(null);
  const reload = useCallback(() => {
    api.bookmarks
      .list()
      .then(set)
      .catch(() => undefined);
  }, [api]);
  useEffect(reload, [reload]);
  return { list, set, reload };
}
