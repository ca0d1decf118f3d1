// A queued transfer as the queue's parts see it, and the small helpers they share.
import { SkiffError, fromNodeError } from '../errors';
import type { FileEntry } from '../fs/file-system';
import type { ConflictDecision } from './conflict';
import type { PauseGate } from './flow-control';
import type { RateMeter } from './rate-meter';
import type { Plan, PlanFile } from './scan';
import type {
  ConflictAction,
  ConflictPolicy,
  TransferEndpoint,
  TransferFileError,
  TransferFileWarning,
  TransferJobSnapshot,
  TransferSpec,
  TransferState,
} from './types';

export const TERMINAL: ReadonlySet<TransferState> = new Set(['done', 'failed', 'cancelled', 'skipped']);

export interface TargetDirInfo {
  path: string;
  /** Created by this job: nothing inside can conflict, so no stat before writing. */
  fresh: boolean;
  /** Existing folder: its entries by name (one listing instead of a stat per file). */
  entries?: Map<string, FileEntry>;
  /** This folder could not be used; every file below it fails with this. */
  error?: SkiffError;
}

export interface Job {
  id: string;
  spec: TransferSpec;
  source: TransferEndpoint;
  target: TransferEndpoint;
  label: string;
  state: TransferState;
  conflict: ConflictPolicy;
  /** An 'ask' answered with "apply to all". */
  conflictForAll?: ConflictAction;
  askChain: Promise<unknown>;
  plan?: Plan;
  /** Files that finished or hold a resumable part, carried over when a retry re-scans. */
  carry?: Map<string, PlanFile>;
  /** Failures of single files while copying (scan-time ones live in plan.errors). */
  fileErrors: TransferFileError[];
  /** Files that landed without something asked for (times, permissions). */
  warnings: TransferFileWarning[];
  dirs: Map<string, TargetDirInfo>;
  bytesDone: number;
  bytesTotal: number;
  filesTotal: number;
  abort: AbortController;
  gate: PauseGate;
  rate: RateMeter;
  retries: number;
  /** bytesDone at the last lost connection: a drop after progress since then starts the retry count afresh. */
  bytesAtDrop?: number;
  error?: SkiffError;
  createdAt: number;
  finishedAt?: number;
  running: Set<PlanFile>;
  lastEmit: number;
  emitTimer?: ReturnType<typeof setTimeout>;
  settled: Array<(s: TransferJobSnapshot) => void>;
  /** Resolves when the current run() returns (pause/cancel wait on nothing else). */
  runPromise?: Promise<void>;
  /** Part files (target-side paths) this job wrote that are still there as far as it knows: what a Discard may remove. */
  parts: Set<string>;
  /** Stopped by shutdown() (the app quits): its part files stay for a later resume. */
  keepParts: boolean;
}

export type FileDecision = Exclude<ConflictDecision, { kind: 'resume' }> | { kind: 'resume'; from: 'part' | 'target' };

/** A plan entry's key: its path below the target folder, '/'-separated. */
export function relKey(rel: readonly string[]): string {
  return rel.join('/');
}

export function asSkiff(err: unknown, p?: string): SkiffError {
  return err instanceof SkiffError ? err : fromNodeError(err, p);
}

/** Runs `fn` over `items`, at most `limit` at once. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < items.length) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
