// The shapes the UI works with. They mirror core's FileEntry structurally (so contract
// values drop straight in) but live here so components never depend on main-side code.

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

/** One row of a pane. `name` is the real name (used for operations), never shown raw. */
export interface Entry {
  name: string;
  path: string;
  type: EntryType;
  size: number;
  mtimeMs: number;
  mode: number;
  uid: number;
  gid: number;
  owner?: string;
  group?: string;
  linkTarget?: string;
  targetType?: EntryType | 'broken';
}

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
