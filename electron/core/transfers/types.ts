// The transfer engine's public shapes. The ones that cross IPC (snapshots, conflict questions,
// the sets of values) live in the import-free core/transfer-shapes.ts, which the contract wraps;
// this file adds what only core sees (endpoints, specs, options).
import type { ErrorCode } from '../errors';
import type { FileSystem } from '../fs/file-system';
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
  /** Files copied at once inside one job (default 64: measured better than 24 for 2,000 × 16 KiB, both directions). */
  filesInFlight?: number;
  /**
   * SFTP channels the files of a job are read over (default 1). Measured with TCP_NODELAY on
   * (2,000 × 16 KiB downloads, 7 runs each, open session): one channel 0.36–0.37 s, two 0.45 s,
   * three 0.54 s (each extra sftp-server takes ~115 ms to start and competes for the CPU); with
   * 20 ms of round trip added, one and two channels took the same time (what counts there is
   * the files in flight). Big files still stripe over more channels (`stripes`).
   */
  channels?: number;
  /**
   * SFTP channels on the writing side (default 1). Each channel is its own sftp-server process on
   * OpenSSH, and several of them creating files in one folder at once contend for its lock:
   * 2,000 × 16 KiB uploads 1.05–1.16 s on one channel, 1.23–1.33 s on four (server CPU +35 %).
   */
  writeChannels?: number;
  /** Outstanding read/write requests per file (default 64, and at most 16 MiB in flight per file). */
  requestsPerFile?: number;
  /**
   * Connections the reading side's channels are spread over in a job of many files, where the
   * source endpoint can open more (default 1: with one channel for small files a second
   * connection only added its login; 2,000 × 16 KiB downloads 0.43–0.46 s with it, 0.36 s without).
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
  /** Let V8's heap grow further between full GCs while jobs run (default true; see heap-tuning.ts). */
  tuneHeap?: boolean;
}

/** Error codes that mean "the connection is gone": the engine reconnects and resumes instead of failing the file. */
export const CONNECTION_ERROR_CODES: readonly ErrorCode[] = ['CONNECTION_LOST', 'NOT_CONNECTED'];
