// The shapes the UI works with: a row is the contract's file entry (core's FileEntry), without
// the access time no pane shows.
import type { EntryType, FileEntryDto } from '../../../electron/ipc/contract';

export type { EntryType };

/** One row of a pane. `name` is the real name (used for operations), never shown raw. */
export type Entry = Omit<FileEntryDto, 'atimeMs'>;

export type Side = 'local' | 'remote';

export type SortKey = 'name' | 'size' | 'modified' | 'permissions' | 'owner';
export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** True when the entry behaves like a folder when opened (folders and links to folders). */
export function isDirLike(e: Pick<Entry, 'type' | 'targetType'>): boolean {
  return e.type === 'directory' || (e.type === 'symlink' && e.targetType === 'directory');
}
