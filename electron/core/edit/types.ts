// The public shapes of remote-file editing. They mirror the IPC contract's edit DTOs without
// importing it (core never depends on the layers above).
import type { SkiffErrorData } from '../errors';
import type { EditMode, EditState } from './edit-values';

export { EDIT_CONFLICT_CHOICES, EDIT_MODES, EDIT_STATES, type EditConflictChoice, type EditMode, type EditState } from './edit-values';

/** The server a file came from (a reconnect may give it a new session id). */
export interface EditServer {
  host: string;
  port: number;
  username: string;
}

/** Size and mtime (ms) of one side of a conflict; null for the server means the file is gone. */
export interface EditVersion {
  size: number;
  mtimeMs: number;
}

export interface EditedFileSnapshot {
  id: string;
  /** The session it was opened through (or the one it was moved to after a reconnect). */
  sessionId: string;
  server: EditServer;
  remotePath: string;
  /** The private local copy the editor works on. */
  localPath: string;
  mode: EditMode;
  state: EditState;
  /** The local copy holds a change the server does not have yet. */
  pending: boolean;
  /** When the last upload finished (ms since the epoch). */
  uploadedAt?: number;
  /** Why the last download or upload failed (state failed). */
  error?: SkiffErrorData;
  /** The upload waits for a session to this server (it runs by itself once one is there). */
  waitingForConnection?: boolean;
  /** State conflict: what the server has now (null: deleted) and what the local copy has. */
  conflict?: { remote: EditVersion | null; local: EditVersion };
  openedAt: number;
}

export type EditEvent = { type: 'changed'; file: EditedFileSnapshot } | { type: 'removed'; id: string; keptAt: string | null };

/** The question asked when the server's file changed since it was downloaded (or last uploaded). */
export interface EditConflictQuestion {
  editId: string;
  server: EditServer;
  remotePath: string;
  remote: EditVersion | null;
  local: EditVersion;
  /** The name "keep both" uploads as (`name (edited).ext`). */
  keepBothName: string;
}

/** The question asked before downloading files above the size limit. */
export interface EditLargeQuestion {
  files: Array<{ path: string; size: number }>;
  limitBytes: number;
}

/** The outcome of opening several files at once: the ones that opened, and why the others did not. */
export interface EditOpenResult {
  files: EditedFileSnapshot[];
  errors: Array<SkiffErrorData & { path: string }>;
}
