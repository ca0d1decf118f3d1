// The transfer engine's public shapes. The ones that cross IPC (snapshots, conflict questions,
// the sets of values) live in the import-free core/transfer-shapes.ts, which the contract wraps;
// this file adds what only core sees (endpoints, specs, options).
import type { ErrorCode } from '../errors';
import type { FileSystem } from '../fs/file-system';
import type { RateClock, SpeedLimits } from './rate-limit';
import type { ConflictAction, ConflictPolicy, ConflictQuestion, TransferDirection, TransferJobSnapshot } from '../transfer-shapes';

export {
  CONFLICT_ACTIONS,
  CONFLICT_POLICIES,
  DEFAULT_CONFLICT_POLICIES,
  TRANSFER_DIRECTIONS,
  TRANSFER_STATES,
  type ConflictAction,
  type ConflictPolicy,
  type ConflictQuestion,
  type TransferDirection,
  type TransferFileError,
  type TransferFileWarning,
  type TransferJobSnapshot,
  type TransferSkip,
  type TransferState,
} from '../transfer-shapes';
export { TRANSFER_WARNING_CODES, type TransferWarningCode } from './warning-codes';

/** One side of a transfer: a FileSystem plus, for SFTP, how to get more channels and how to reconnect. */
export interface TransferEndpoint {
  /** The primary channel: metadata (stat, mkdir, list) and single files go here. */
  readonly fs: FileSystem;
  /** Opens an extra channel (SFTP: `session.openChannel()`); absent means all workers share `fs`. */
  openChannel?: () => Promise<FileSystem & { close(): Promise<void> }>;
  /**
   * Opens a second *connection* to the same server with the same credentials and host key, never
   * asking the user anything (SFTP: a fresh session). Each OpenSSH connection is served by its own
   * sshd process, so downloads of folders of many small files go faster spread over two.
   * Absent (or failing) means every channel stays on this connection.
   */
  openConnection?: () => Promise<TransferEndpoint & { close(): Promise<void> }>;
  /**
   * Re-establishes the connection after CONNECTION_LOST and resolves to a fresh endpoint.
   * Absent means a lost connection fails the job (retry() can still be called later).
   */
  reconnect?: () => Promise<TransferEndpoint>;
  /**
   * `reconnect` waits for the connection to come back by itself (the session manager's own
   * reconnect, with its backoff and give-up time): its rejection is final, not retried here.
   */
  reconnectWaits?: boolean;
  /** What the engine sizes itself to on this side (SFTP: measured at login); absent for local files. */
  link?: LinkInfo;
}

/** The link to one side's server, as measured at login. */
export interface LinkInfo {
  /** Round trip to the server in ms (undefined: not measured). */
  rttMs: number | undefined;
  /** Bytes the server lets us send ahead on one channel (its channel window). */
  sendWindow: number;
  /** One big upload may be spread over several channels (ServerProfile.stripedWrites). */
  stripedWrites: boolean;
}

/** What the caller asks the queue to do. */
export interface TransferSpec {
  direction: TransferDirection;
  source: TransferEndpoint;
  /** Files and/or folders on the source side; folders are copied recursively. */
  sources: string[];
  target: TransferEndpoint;
  /** An existing folder on the target side; each source lands inside it under its own name. */
  targetDir: string;
  /**
   * The name a job's one source gets in `targetDir` instead of its own (an edited file's safe local
   * name; its remote name on the way back). Checked like any listed name; only with one source.
   */
  targetName?: string;
  /** Default: the queue's `defaultConflict` ('ask'). */
  conflict?: ConflictPolicy;
  /** Copy the permission bits too (default false: new files get the target's default mode). */
  preservePermissions?: boolean;
  /** Shown in the UI; default derived from the sources. */
  label?: string;
  /** What an earlier run of this job left (it was stopped by a quit or a crash): continue from there. */
  restore?: TransferRestore;
}

/**
 * Where a job stood when the app stopped (kept by the app's journal), so a later run of it neither
 * copies finished files again nor starts its part files over.
 */
export interface TransferRestore {
  /** Files that run finished (path below the target folder, '/'-separated): not copied again while the source has the same size and mtime. */
  finished: Array<{ path: string; size: number; mtimeMs: number }>;
  /** Part files (target-side paths) the job had written: continued under the resume policy (compare, then continue), removed once unneeded. */
  parts: string[];
}

export interface ConflictAnswer {
  action: ConflictAction;
  /** Use the same action for every later conflict of this job without asking. */
  applyToAll?: boolean;
}

export type TransferEvent =
  /** Throttled (≤ one per `progressIntervalMs` per job). */
  | { type: 'progress'; job: TransferJobSnapshot }
  /** Immediate: added, state changed, file error. */
  | { type: 'changed'; job: TransferJobSnapshot }
  | { type: 'removed'; ids: string[] };

export interface TransferQueueOptions {
  /** Jobs running at once (default 2). */
  maxConcurrentJobs?: number;
  /** Files copied at once inside one job (default 64; test/bench/README.md, "Engine defaults"). */
  filesInFlight?: number;
  /**
   * SFTP channels the files of a job are read over (default 1: each extra sftp-server competes for
   * the CPU, and two were no faster for small files; test/bench/README.md). Big files still stripe over more (`stripes`).
   */
  channels?: number;
  /**
   * SFTP channels on the writing side (default 1). Each channel is its own sftp-server process on
   * OpenSSH, and several of them creating files in one folder at once contend for its lock.
   */
  writeChannels?: number;
  /** Outstanding read/write requests per file (default 64, and at most 16 MiB in flight per file). */
  requestsPerFile?: number;
  /**
   * Connections the reading side's channels are spread over in a job of many files, where the
   * source endpoint can open more (default 1: with one channel for small files a second
   * connection only added its login).
   */
  connections?: number;
  /** Channels the reads of a file of 8 MiB or more are striped over, where the source can open more (default 2). */
  stripes?: number;
  /**
   * Most channels the writes of a file of 8 MiB or more are spread over (default 8). How many is
   * sized from the target's round trip and server window (link-tuning.ts): one on loopback, and
   * one on servers not known to take striped writes.
   */
  writeStripes?: number;
  /** Bytes of transfer buffers alive at once across the whole queue (default 64 MiB). */
  bufferBudget?: number;
  /** Minimum gap between progress events of one job (default 100 ms). */
  progressIntervalMs?: number;
  /** Default conflict policy for jobs that do not say (default 'ask'). */
  defaultConflict?: ConflictPolicy;
  /** Answers 'ask' conflicts. Without it, 'ask' means skip (never destroy data silently). */
  onConflict?: (q: ConflictQuestion) => Promise<ConflictAnswer>;
  /** Automatic reconnect attempts after a lost connection (default 5), and the backoff (default 500 ms doubling to 10 s). */
  maxAutoRetries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Queue-wide speed limits per direction (default off); change them with `setSpeedLimits`. */
  speedLimits?: Partial<SpeedLimits>;
  /** The speed limits' clock (tests move it by hand). */
  rateClock?: RateClock;
  /** Let V8's heap grow further between full GCs while jobs run (default true; see heap-tuning.ts). */
  tuneHeap?: boolean;
  /**
   * Bytes a job must have to move before it asks for the heap tuning (default 0: every job). A
   * folder of small files needs it too: after a full GC V8 sets its next limit so close to the live
   * heap that such a job runs several full GCs more (test/bench/README.md, "Eighth round").
   */
  heapTuningMinBytes?: number;
  /**
   * After the last running job settles and this many ms pass with none started, one full GC
   * gives back what the jobs left (default 1000; null: never). See heap-tuning.ts.
   */
  idleGcDelayMs?: number | null;
  /**
   * That GC runs only once the jobs since the last one moved this many bytes (default 256 MiB).
   * Jobs that moved less left little for it to give back (their buffers are reused), and a full GC
   * costs the next job its optimized code: the hidden classes of the last job's objects die with
   * them, and every function compiled for those goes back to the interpreter (test/bench/README.md,
   * "Eighth round"). V8's own memory reducer still collects an idle heap later.
   */
  idleGcMinBytes?: number;
}

/** Error codes that mean "the connection is gone": the engine reconnects and resumes instead of failing the file. */
export const CONNECTION_ERROR_CODES: readonly ErrorCode[] = ['CONNECTION_LOST', 'NOT_CONNECTED', 'RECONNECTING'];
