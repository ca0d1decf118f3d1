// What a folder listing and a stat say about a path, as plain data with no imports: the IPC
// contract's file DTOs are these, and the rest of core/fs builds on them (file-system.ts).

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

/** Metadata of one path (stat follows symlinks, lstat does not). Times are ms since the epoch. */
export interface FileStat {
  type: EntryType;
  size: number;
  mtimeMs: number;
  atimeMs: number;
  /** Permission bits only (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
}

/** One directory entry as a pane shows it. `type` is the entry itself (lstat); for symlinks `target*` say where it points. */
export interface FileEntry extends FileStat {
  name: string;
  /** Full path of the entry, in the file system's own syntax. */
  path: string;
  /** Owner/group names where the side knows them (SFTP longname, local passwd lookup is optional). */
  owner?: string;
  group?: string;
  /** For symlinks: the raw link text. */
  linkTarget?: string;
  /** For symlinks: the type of what the link resolves to, or 'broken'. */
  targetType?: EntryType | 'broken';
}
