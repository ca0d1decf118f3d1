// The journal of unfinished transfers (transfers.json in the config dir): what a job was asked to
// do, the part files it wrote and the files it finished, so that after a quit or a crash the next
// start can resume it (or discard exactly what it left). Same machinery as bookmarks and settings
// (validated, atomic writes, a corrupt file kept aside and reported); writes are coalesced, so a
// stream of progress costs one write per interval, not one per tick.
import path from 'node:path';
import { z } from 'zod';
import { JsonFileStore, zodIssues, type LoadProblem, type StoreIssue } from '../store/json-file-store';
import { CONFLICT_POLICIES, TRANSFER_DIRECTIONS } from '../transfer-shapes';
import { PART_SUFFIX } from './file-transfer';

export const JOURNAL_VERSION = 1;
export const JOURNAL_FILE = 'transfers.json';
/** Default gap between journal writes while jobs make progress. */
export const JOURNAL_DELAY_MS = 1000;

const MAX_PATH = 4096;
const noNul = (s: string): boolean => !s.includes('\0');
const pathText = z.string().min(1).max(MAX_PATH).refine(noNul, 'contains a NUL byte');
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The server a job belongs to (a saved server, or host, port and user). */
const serverSchema = z.strictObject({
  bookmarkId: z.string().min(1).max(128).optional(),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  username: z.string().min(1).max(256),
});

export const journalEntrySchema = z.strictObject({
  id: z.string().min(1).max(128),
  server: serverSchema,
  direction: z.enum(TRANSFER_DIRECTIONS),
  /** Local paths for an upload, remote ones for a download. */
  sources: z.array(pathText).min(1).max(10_000),
  targetDir: pathText,
  targetName: z.string().min(1).max(1024).refine(noNul, 'contains a NUL byte').optional(),
  conflict: z.enum(CONFLICT_POLICIES),
  preservePermissions: z.boolean(),
  label: z.string().max(MAX_PATH),
  /** Part files the job wrote (target side). Only names ending in .skiffpart: Discard removes these and nothing else. */
  parts: z.array(pathText.refine((p) => p.endsWith(PART_SUFFIX) && path.posix.basename(p.replace(/\\/g, '/')) !== PART_SUFFIX, 'not a part file')),
  /** Files it finished, by path below the target folder, with the source's size and mtime then. */
  finished: z.array(z.strictObject({ path: pathText, size: count, mtimeMs: z.number().finite() })),
  bytesDone: count,
  bytesTotal: count,
  filesDone: count,
  filesTotal: count,
  /** When the job was added (ms since the epoch). */
  addedAt: count,
  /** The user chose Discard while the job's server was not connected: its parts go at the next connection. */
  discarded: z.literal(true).optional(),
});
export type JournalEntry = z.output<typeof journalEntrySchema>;
export type JournalServer = JournalEntry['server'];

const journalSchema = z.strictObject({ version: z.literal(JOURNAL_VERSION), jobs: z.array(journalEntrySchema) });
type JournalDoc = z.output<typeof journalSchema>;

const empty = (): JournalDoc => ({ version: JOURNAL_VERSION, jobs: [] });

/** Keeps every valid entry of a damaged journal; the others are reported (the kept copy still has them). */
function salvage(doc: Record<string, unknown>): { value: JournalDoc; issues: StoreIssue[] } {
  const jobs: JournalEntry[] = [];
  const issues: StoreIssue[] = [];
  const raw = Array.isArray(doc.jobs) ? doc.jobs : [];
  if (!Array.isArray(doc.jobs)) issues.push({ path: 'jobs', message: 'Expected a list of transfers' });
  raw.forEach((j: unknown, i) => {
    const parsed = journalEntrySchema.safeParse(j);
    if (parsed.success) jobs.push(parsed.data);
    else for (const x of zodIssues(parsed.error)) issues.push({ path: x.path ? `jobs[${i}].${x.path}` : `jobs[${i}]`, message: x.message });
  });
  return { value: { version: JOURNAL_VERSION, jobs }, issues };
}

/** Runs `fn` once after `ms`; returns a cancel function. Tests pass their own to run it when they choose. */
export type Scheduler = (fn: () => void, ms: number) => () => void;

const timerScheduler: Scheduler = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return () => clearTimeout(t);
};

export interface TransferJournalOptions {
  configDir: string;
  /** Gap between writes (default JOURNAL_DELAY_MS). */
  delayMs?: number;
  schedule?: Scheduler;
  /** Clock for the `.corrupt-<time>` name of a file kept aside. */
  now?: () => Date;
}

type Pending = JournalEntry | (() => JournalEntry | undefined) | null;

/** The unfinished-transfers journal: entries by job id, written atomically and coalesced. */
export class TransferJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly pending = new Map<string, Pending>();
  private dirty = false;
  private cancelTimer: (() => void) | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private writeError: Error | null = null;
  private gap: number;

  private constructor(
    private readonly store: JsonFileStore<JournalDoc>,
    private readonly delayMs: number,
    private readonly schedule: Scheduler,
  ) {
    this.gap = delayMs;
    for (const e of store.peek().jobs) this.entries.set(e.id, e);
  }

  /** Opens `<configDir>/transfers.json`; a bad file is kept aside and reported in `problems`, never thrown. */
  static async open(opts: TransferJournalOptions): Promise<TransferJournal> {
    const store = await JsonFileStore.open<JournalDoc>({
      file: path.join(opts.configDir, JOURNAL_FILE),
      label: 'unfinished transfers',
      version: JOURNAL_VERSION,
      schema: journalSchema,
      empty,
      salvage,
      describeRecovered: (d) => `Skiff kept the ${d.jobs.length} transfer${d.jobs.length === 1 ? '' : 's'} it could read`,
      ...(opts.now ? { now: opts.now } : {}),
    });
    return new TransferJournal(store, opts.delayMs ?? JOURNAL_DELAY_MS, opts.schedule ?? timerScheduler);
  }

  get file(): string {
    return this.store.file;
  }

  /** What went wrong loading the file (empty when it was fine or absent). */
  get problems(): readonly LoadProblem[] {
    return this.store.problems;
  }

  /** The last write that failed (cleared by the next one that works). */
  get lastWriteError(): Error | null {
    return this.writeError;
  }

  /** Every entry, with changes not yet written applied. */
  list(): JournalEntry[] {
    this.apply();
    return [...this.entries.values()].map((e) => structuredClone(e));
  }

  get(id: string): JournalEntry | undefined {
    this.apply();
    const e = this.entries.get(id);
    return e ? structuredClone(e) : undefined;
  }

  /**
   * Records (or replaces) a job's entry, written at the next write. A function is called only
   * then, so a burst of progress describes the job once; returning undefined leaves it as it was.
   */
  put(id: string, entry: JournalEntry | (() => JournalEntry | undefined)): void {
    if (this.closed) return;
    this.pending.set(id, entry);
    this.arm();
  }

  /** Drops a job's entry (it finished, was cancelled or cleared). */
  remove(id: string): void {
    if (this.closed || (!this.entries.has(id) && !this.pending.has(id))) return;
    this.pending.set(id, null);
    this.arm();
  }

  /** Writes what changed now (waits for a write in progress first). */
  flush(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  /** Writes what changed and ignores later changes (the app is quitting). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private arm(): void {
    if (this.cancelTimer) return;
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = undefined;
      void this.flush();
    }, this.gap);
  }

  private apply(): void {
    for (const [id, p] of this.pending) {
      const value = typeof p === 'function' ? p() : p;
      if (value === undefined) continue;
      if (value === null) {
        if (this.entries.delete(id)) this.dirty = true;
        continue;
      }
      const parsed = journalEntrySchema.safeParse(value);
      if (!parsed.success) {
        // One job that cannot be described must not keep the others from being saved.
        console.warn(`[skiff] transfer ${id} not journaled: ${zodIssues(parsed.error)[0]?.message ?? 'invalid'}`);
        continue;
      }
      this.entries.set(id, parsed.data);
      this.dirty = true;
    }
    this.pending.clear();
  }

  private async write(): Promise<void> {
    this.apply();
    if (!this.dirty) return;
    this.dirty = false;
    const started = Date.now();
    try {
      await this.store.update(() => ({ version: JOURNAL_VERSION, jobs: [...this.entries.values()] }));
      this.writeError = null;
      // A huge journal (a tree of 100,000 files lists every finished one) is written less often: at most a tenth of the time.
      this.gap = Math.max(this.delayMs, Math.min(60_000, 10 * (Date.now() - started)));
    } catch (err) {
      // Kept in memory and tried again with the next change; the app goes on either way.
      this.dirty = true;
      this.writeError = err as Error;
    }
  }
}
