// One interface for both panes and the transfer engine: LocalFs (node:fs) and SftpFs
// (an SFTP channel) implement it, so nothing above core cares which side is which.
// Every method rejects with a SkiffError (see ../errors) carrying a stable code and the path.

import type { FileEntry, FileStat } from './file-entry';

export type { EntryType, FileEntry, FileStat } from './file-entry';

export type OpenFlags = 'r' | 'w' | 'wx' | 'a' | 'r+';

/** An open file for positional (ranged) I/O; the transfer engine pipelines many of these calls at once. */
export interface FileHandle {
  /** Reads up to `length` bytes at `position` into `buffer[offset…]`; resolves to bytes read, 0 at end of file. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Writes `buffer[offset…offset+length)` at `position`. */
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<void>;
  stat(): Promise<FileStat>;
  close(): Promise<void>;
}

/** An entry a listing left out because its name cannot be one file name in the folder (a hostile or broken server reply). */
export interface RefusedEntry {
  /** The name exactly as the other side sent it (may hold "/", NUL, control characters): data, never show it raw. */
  rawName: string;
  /** The same name with control characters escaped, safe to put in a message. */
  shownName: string;
  /** Why it was left out, a clause to complete a sentence ("it is an absolute path …"). */
  reason: string;
}

/** A small file written whole by a side that can do it in one step (see FileSystem.writeWholeFile). */
export interface WholeFileWrite {
  /** Temporary name next to the target (created or truncated). */
  partPath: string;
  /** Final name the complete part is moved onto. */
  finalPath: string;
  /**
   * The bytes; a buffer that owns its memory may be handed over (detached): do not use it
   * afterwards. Neither does the side once its promise has settled (the caller may reuse the memory).
   */
  data: Uint8Array;
  /** Replace an existing final file, or refuse to (ALREADY_EXISTS) and leave it alone. */
  overwrite: boolean;
  mode?: number;
  atimeMs: number;
  mtimeMs: number;
}

/** Which attributes of a written file the target kept (a server may refuse times or permissions). */
export interface AttrsKept {
  times: boolean;
  mode: boolean;
}

export interface ListOptions {
  /** Aborting stops the listing; the promise/iterator rejects with code CANCELLED. */
  signal?: AbortSignal;
  /**
   * Told about every entry the listing leaves out because its name is unusable, so a caller
   * (e.g. a download) can report it instead of losing it silently. Never called for the `.`
   * and `..` every folder lists. LocalFs never calls it: the OS forbids such names.
   */
  onRefused?: (refused: RefusedEntry) => void;
}

export interface FileSystem {
  readonly kind: 'local' | 'sftp';
  /** Path syntax helpers for this side (posix for SFTP; the platform's for local). */
  readonly path: {
    join(...parts: string[]): string;
    dirname(p: string): string;
    basename(p: string): string;
    isAbsolute(p: string): boolean;
    sep: string;
  };
  /** Largest efficient single read/write request in bytes (SFTP: from limits@openssh.com, else 32 KiB). */
  readonly maxReadSize: number;
  readonly maxWriteSize: number;
  /**
   * Requests on one handle are carried out in the order sent, so its times may be set and it may
   * be closed right behind its writes; false: only once every write is acknowledged.
   */
  readonly handlesInOrder: boolean;
  /**
   * One file may be written out of offset order and through several handles at once (striped
   * uploads); false: front to back through one handle (rclone without a VFS cache, unknown servers).
   */
  readonly canWriteOutOfOrder: boolean;
  /** An existing file may be opened and written on from the middle (a part resumed); false: rewrite it from the start. */
  readonly canResumeWrites: boolean;

  home(): Promise<string>;
  realpath(p: string): Promise<string>;
  /** All entries of a folder except `.` and `..` (and names that cannot be entries: see ListOptions.onRefused). */
  list(dir: string, opts?: ListOptions): Promise<FileEntry[]>;
  /** The same, in batches as they arrive (huge folders show their first rows at once). */
  listBatches(dir: string, opts?: ListOptions): AsyncIterable<FileEntry[]>;
  stat(p: string): Promise<FileStat>;
  lstat(p: string): Promise<FileStat>;
  /** Resolves to null instead of rejecting with NO_SUCH_FILE. */
  statOrNull(p: string): Promise<FileStat | null>;
  mkdir(p: string, opts?: { recursive?: boolean; mode?: number }): Promise<void>;
  /** Renames; with `overwrite` an existing target file is replaced atomically where the side can (posix-rename). */
  rename(from: string, to: string, opts?: { overwrite?: boolean }): Promise<void>;
  /** Removes a file or symlink; a folder only with `recursive` (or when empty). Never follows symlinks. */
  remove(p: string, opts?: { recursive?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Sets permission bits; SFTP checks with a stat that the server applied them unless `verify` is false. */
  chmod(p: string, mode: number, opts?: { verify?: boolean }): Promise<void>;
  /** Sets owner and group by number (where the side lets this user). */
  chown(p: string, uid: number, gid: number): Promise<void>;
  utimes(p: string, atimeMs: number, mtimeMs: number): Promise<void>;
  symlink(target: string, linkPath: string): Promise<void>;
  readlink(p: string): Promise<string>;
  open(p: string, flags: OpenFlags, mode?: number): Promise<FileHandle>;
  /**
   * Optional fast path for small files: writes `data` to `partPath`, sets mode and times, and
   * only then moves it onto `finalPath` — the same steps and guarantees as open/write/utimes/
   * rename, in one operation. A failure may leave the part behind (the caller removes it).
   * Resolves to what of the times and mode the side kept (void: both).
   */
  writeWholeFile?(w: WholeFileWrite): Promise<AttrsKept | void>;
  /**
   * Optional fast path for small files: up to `length` bytes from the start of `p` (fewer at its
   * end) in one step instead of open/read/close, in a buffer that owns its memory (pooled memory
   * from whole-file-buffers.ts, which the caller gives back once done with the bytes).
   */
  readWholeFile?(p: string, length: number): Promise<Buffer>;
}
