// The transfer engine's sets of values and the shapes it hands out (job snapshots, conflict
// questions), as plain data in a file with no imports but the import-free error codes: the IPC
// contract, which the renderer type-checks without Node's types, wraps and derives from these.
import type { SkiffErrorData } from './error-codes';
import type { TransferWarningCode } from './transfers/warning-codes';

export const TRANSFER_DIRECTIONS = ['upload', 'download'] as const;
export type TransferDirection = (typeof TRANSFER_DIRECTIONS)[number];

/** Bounds of a speed limit setting, KiB/s (1 KiB/s up to 10 GiB/s); null in settings = no limit. */
export const SPEED_LIMIT_KIBPS = { min: 1, max: 10 * 1024 * 1024 } as const;

export const TRANSFER_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled', 'skipped'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

/** What to do when the target name already exists. */
export const CONFLICT_POLICIES = ['ask', 'overwrite', 'skip', 'rename', 'resume', 'overwrite-if-newer', 'overwrite-if-size-differs'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

/** The policies a user may pick as the default in settings. */
export const DEFAULT_CONFLICT_POLICIES = ['ask', 'overwrite', 'overwrite-if-newer', 'skip', 'rename', 'resume'] as const satisfies readonly ConflictPolicy[];
export type DefaultConflictPolicy = (typeof DEFAULT_CONFLICT_POLICIES)[number];

/** Answers to a conflict question ('cancel' stops the whole job). */
export const CONFLICT_ACTIONS = ['overwrite', 'skip', 'rename', 'resume', 'overwrite-if-newer', 'overwrite-if-size-differs', 'cancel'] as const;
export type ConflictAction = (typeof CONFLICT_ACTIONS)[number];

/** What the user may do with the transfers an earlier run did not finish: put them back and run them, put them back only, or remove what they left. */
export const UNFINISHED_CHOICES = ['resume', 'review', 'discard'] as const;
export type UnfinishedChoice = (typeof UNFINISHED_CHOICES)[number];

/** Per-file failure inside a job; `path` is relative to the job's target folder. */
export interface TransferFileError extends SkiffErrorData {
  path: string;
}

/** A file that was copied, but not entirely as asked; `path` is relative to the job's target folder. */
export interface TransferFileWarning {
  path: string;
  code: TransferWarningCode;
  message: string;
}

/** An entry the engine deliberately did not copy, and why (symlinked folder, device file, conflict skip). */
export interface TransferSkip {
  path: string;
  reason: string;
}

/** A point-in-time copy of a job's state (safe to send over IPC). */
export interface TransferJobSnapshot {
  id: string;
  direction: TransferDirection;
  /** Source paths (local for upload, remote for download). */
  sources: string[];
  /** Target folder (remote for upload, local for download). */
  targetDir: string;
  /** A short human label, e.g. "report.pdf" or "photos (1,204 files)". */
  label: string;
  state: TransferState;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** Smoothed bytes per second; 0 when not running. */
  rate: number;
  /** Seconds left, or null when unknown. */
  etaSeconds: number | null;
  currentFile?: string;
  /** Job-level failure (e.g. target folder missing, reconnect gave up). */
  error?: SkiffErrorData;
  fileErrors: TransferFileError[];
  /** Files that landed without their modification time or permissions (the server refused them). */
  warnings: TransferFileWarning[];
  skipped: TransferSkip[];
  /** Automatic reconnect-and-resume rounds used so far. */
  retries: number;
  createdAt: number;
  finishedAt?: number;
}

/** The question asked when a job's policy is 'ask' and a target exists. */
export interface ConflictQuestion {
  jobId: string;
  direction: TransferDirection;
  source: { path: string; size: number; mtimeMs: number };
  target: { path: string; size: number; mtimeMs: number };
  /** The target is smaller than the source, so it may be an earlier partial copy. */
  canResume: boolean;
}
