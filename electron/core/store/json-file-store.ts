// One versioned JSON document on disk (bookmarks.json, settings.json): validated on load and
// on every write, migrated forward, written atomically through one queue. A broken file never
// stops the app and is never silently replaced: it is copied aside byte-for-byte and reported.
import { constants as fsConstants } from 'node:fs';
import { copyFile, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { SkiffError, fromNodeError } from '../errors';
import { writeFileAtomic } from './atomic-write';

/** One thing wrong in a document: where (e.g. `bookmarks[2].port`) and what. */
export interface StoreIssue {
  path: string;
  message: string;
}

export type LoadProblemKind = 'parse' | 'schema' | 'future-version' | 'unreadable';

/** Why a file did not load cleanly; shown to the user as-is (no secrets ever live in these files). */
export interface LoadProblem {
  kind: LoadProblemKind;
  file: string;
  message: string;
  /** 1-based position of a JSON syntax error. */
  line?: number;
  column?: number;
  issues?: StoreIssue[];
  /** Where the original bytes were kept. */
  keptAs?: string;
}

/** A document shape: anything with a numeric format version. */
export interface VersionedDoc {
  version: number;
}

/** Upgrades a raw document of version `n` to version `n + 1` (it must set the new version). */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

export interface JsonFileStoreOptions<T extends VersionedDoc> {
  /** Absolute path of the JSON file. */
  file: string;
  /** Human name used in messages ("bookmarks", "settings"). */
  label: string;
  /** The format version this build writes. */
  version: number;
  /** Schema of the current version (used on load and before every write). */
  schema: z.ZodType<T>;
  /** The document used when there is no file (or nothing could be recovered). */
  empty: () => T;
  /** migrations[n] upgrades version n to n + 1. */
  migrations?: Readonly<Record<number, Migration>>;
  /** Recovers what it can from a document that failed the schema (e.g. keeps the valid bookmarks). */
  salvage?: (doc: Record<string, unknown>) => { value: T; issues: StoreIssue[] } | undefined;
  /** Clock for the `.corrupt-<time>` name (tests pin it). */
  now?: () => Date;
  /** Says what the app starts with after a bad file (e.g. "2 of 3 bookmarks were recovered"). */
  describeRecovered?: (value: T) => string;
}

/** A loaded, validated JSON document with serialized atomic writes. */
export class JsonFileStore<T extends VersionedDoc> {
  private current: T;
  private pending: PendingUpdate<T>[] = [];
  private flushing: Promise<void> | null = null;
  private readOnlyReason: string | null = null;
  private readonly loadProblems: LoadProblem[] = [];
  /** Identity of the file as we last read or wrote it (to notice edits made outside Skiff). */
  private seen: FileStamp | null = null;

  private constructor(private readonly opts: JsonFileStoreOptions<T>) {
    this.current = opts.empty();
  }

  /** Loads (or starts empty); never throws for a bad file — see `problems` and `readOnly`. */
  static async open<T extends VersionedDoc>(opts: JsonFileStoreOptions<T>): Promise<JsonFileStore<T>> {
    const store = new JsonFileStore(opts);
    await store.load();
    return store;
  }

  get file(): string {
    return this.opts.file;
  }

  /** What went wrong while loading (empty when the file was fine or absent). */
  get problems(): readonly LoadProblem[] {
    return this.loadProblems;
  }

  /** Non-null when writes are refused (future version, unreadable file, bad file that could not be set aside). */
  get readOnly(): string | null {
    return this.readOnlyReason;
  }

  /** A copy of the current document. */
  get(): T {
    return structuredClone(this.current);
  }

  /** The current document itself, for read-only use without a copy (it is replaced, never mutated, on update). */
  peek(): Readonly<T> {
    return this.current;
  }

  /**
   * Applies `mutate` (a pure function: return a new document) to the latest document, validates,
   * writes atomically, then commits in memory. Calls apply in call order; calls that arrive while a
   * write is in flight are applied together and written once, so the last call's state is what
   * ends up on disk. On a write error the document in memory and on disk are both unchanged.
   */
  update(mutate: (current: T) => T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ mutate, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await null; // let a burst of synchronous update() calls join the first batch
    try {
      while (this.pending.length > 0) await this.runBatch(this.pending.splice(0));
    } finally {
      this.flushing = null;
    }
  }

  private async runBatch(batch: PendingUpdate<T>[]): Promise<void> {
    try {
      if (this.readOnlyReason === null) await this.refreshIfChangedOnDisk();
      if (this.readOnlyReason !== null) throw new SkiffError('READ_ONLY', this.readOnlyReason, { path: this.opts.file });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    let doc = structuredClone(this.current);
    const applied: PendingUpdate<T>[] = [];
    for (const p of batch) {
      try {
        doc = p.mutate(doc);
        applied.push(p);
      } catch (err) {
        p.reject(err); // this call alone fails (e.g. unknown id); the others still apply
      }
    }
    if (applied.length === 0) return;
    const parsed = this.opts.schema.safeParse(doc);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      const err = new SkiffError('INVALID_ARGUMENT', `Refusing to save invalid ${this.opts.label}: ${issues.map(formatIssue).join('; ')}`, {
        path: this.opts.file,
      });
      for (const p of applied) p.reject(err);
      return;
    }
    try {
      await this.write(parsed.data);
    } catch (err) {
      for (const p of applied) p.reject(err);
      return;
    }
    this.current = parsed.data;
    for (const p of applied) p.resolve();
  }

  private async write(doc: T): Promise<void> {
    try {
      await writeFileAtomic(this.opts.file, `${JSON.stringify(doc, null, 2)}\n`);
    } catch (err) {
      throw configWriteError(err, this.opts.file, this.opts.label);
    }
    // The data is safely written; without a stamp the next save merely re-reads the file first.
    this.seen = await stat(this.opts.file).then(stampOf, () => null);
  }

  private async load(): Promise<void> {
    const read = await this.readBytes();
    if (read === null) return;
    const result = this.interpret(read.bytes);
    this.seen = read.stamp;
    if (result.kind === 'ok') this.current = result.value;
    else if (result.kind === 'future') this.enterFutureMode(result);
    else await this.setAside(result.problem, result.recovered);
  }

  // Someone (a text editor, a sync tool, another Skiff) replaced the file since we last read or
  // wrote it. Adopt their version so our write lands on top of it instead of erasing it; a bad
  // external version is kept aside like any corrupt file and our own copy stays in use.
  private async refreshIfChangedOnDisk(): Promise<void> {
    let now: FileStamp;
    try {
      now = stampOf(await stat(this.opts.file));
    } catch {
      return; // gone or unreachable: the write will recreate it or report why not
    }
    if (this.seen !== null && sameStamp(now, this.seen)) return;
    const read = await this.readBytes();
    if (read === null) return;
    this.seen = read.stamp;
    const result = this.interpret(read.bytes);
    if (result.kind === 'ok') this.current = result.value;
    else if (result.kind === 'future') this.enterFutureMode(result);
    else
      await this.setAside(
        { ...result.problem, message: `${result.problem.message.replace(/\.$/, '')} (changed outside Skiff).` },
        this.current,
        `Skiff kept the ${this.opts.label} it had loaded`,
      );
  }

  private enterFutureMode(result: Extract<Interpretation<T>, { kind: 'future' }>): void {
    if (result.value) this.current = result.value;
    this.readOnlyReason = result.problem.message;
    this.loadProblems.push(result.problem);
  }

  private async readBytes(): Promise<{ bytes: Buffer; stamp: FileStamp } | null> {
    const { file, label } = this.opts;
    try {
      const handle = await open(file, 'r');
      try {
        // fstat of the handle we read from: the stamp belongs to exactly these bytes.
        const stamp = stampOf(await handle.stat());
        return { bytes: await handle.readFile(), stamp };
      } finally {
        await handle.close();
      }
    } catch (err) {
      // No file (or no config folder, or a file where the folder should be): nothing to protect;
      // a save will report the folder problem clearly.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      const cause = fromNodeError(err, file);
      // We cannot see what is in it, so we must not overwrite it either.
      this.readOnlyReason = `Skiff could not read its ${label} file (${cause.message}). Nothing will be saved to it until this is fixed.`;
      this.loadProblems.push({ kind: 'unreadable', file, message: this.readOnlyReason });
      return null;
    }
  }

  /** Parses, checks the version, migrates and validates file bytes; touches nothing. */
  private interpret(bytes: Buffer): Interpretation<T> {
    const { file, label } = this.opts;
    const text = bytes.toString('utf8').replace(/^\uFEFF/, ''); // a BOM from a Windows editor is not corruption
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      const where = locateJsonError(text);
      return {
        kind: 'bad',
        problem: {
          kind: 'parse',
          file,
          line: where.line,
          column: where.column,
          message: `${capitalize(label)} file is not valid JSON: ${where.what} at line ${where.line}, column ${where.column}.`,
        },
        recovered: this.opts.empty(),
      };
    }

    if (!isRecord(raw) || typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 1) {
      const found = isRecord(raw) ? `version ${JSON.stringify(raw.version) ?? 'missing'}` : `a JSON ${Array.isArray(raw) ? 'array' : typeof raw}`;
      const salvaged = isRecord(raw) ? this.opts.salvage?.(raw) : undefined;
      return {
        kind: 'bad',
        problem: {
          kind: 'schema',
          file,
          message: `${capitalize(label)} file has no valid format version (found ${found}).`,
          issues: [{ path: 'version', message: 'Expected a whole number ≥ 1' }, ...(salvaged?.issues ?? [])],
        },
        recovered: salvaged?.value ?? this.opts.empty(),
      };
    }

    if (raw.version > this.opts.version) {
      // Written by a newer Skiff: show what this build understands, but never downgrade the file.
      const message = `${capitalize(label)} were saved by a newer version of Skiff (format ${raw.version}; this version understands up to ${this.opts.version}). They are shown read-only and will not be changed; update Skiff to edit them.`;
      return { kind: 'future', value: this.opts.salvage?.(raw)?.value, problem: { kind: 'future-version', file, message } };
    }

    let doc: Record<string, unknown> = raw;
    try {
      for (let v = raw.version; v < this.opts.version; v++) {
        const step = this.opts.migrations?.[v];
        if (!step) throw new Error(`no migration from format ${v} to ${v + 1}`);
        doc = step(doc);
      }
    } catch (err) {
      return {
        kind: 'bad',
        problem: { kind: 'schema', file, message: `${capitalize(label)} file (format ${raw.version}) could not be upgraded: ${(err as Error).message}.` },
        recovered: this.opts.empty(),
      };
    }

    const parsed = this.opts.schema.safeParse(doc);
    if (parsed.success) return { kind: 'ok', value: parsed.data };
    const salvaged = this.opts.salvage?.(doc);
    const issues = salvaged?.issues ?? zodIssues(parsed.error);
    return {
      kind: 'bad',
      problem: {
        kind: 'schema',
        file,
        issues,
        message: `${capitalize(label)} file has invalid entries: ${issues.slice(0, 5).map(formatIssue).join('; ')}${issues.length > 5 ? '; …' : ''}.`,
      },
      recovered: salvaged?.value ?? this.opts.empty(),
    };
  }

  // Keeps the original bytes under a new name (never overwriting another kept file), then
  // replaces the main file with what could be recovered so the next start is clean.
  private async setAside(problem: LoadProblem, recovered: T, recoveredText?: string): Promise<void> {
    const { file, label } = this.opts;
    this.current = recovered;
    const stamp = isoForFileName((this.opts.now ?? (() => new Date()))());
    let keptAs: string | undefined;
    let copyError: unknown;
    for (let i = 0; i < 100 && keptAs === undefined; i++) {
      const candidate = `${file}.corrupt-${stamp}${i === 0 ? '' : `-${i}`}`;
      try {
        await copyFile(file, candidate, fsConstants.COPYFILE_EXCL);
        keptAs = candidate;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          copyError = err;
          break;
        }
      }
    }
    if (keptAs === undefined) {
      const why = copyError === undefined ? 'too many kept copies' : fromNodeError(copyError, file).message;
      this.readOnlyReason = `${problem.message} It could not be set aside (${why}), so Skiff will not change it; fix or move the file, then restart.`;
      this.loadProblems.push({ ...problem, message: this.readOnlyReason });
      return;
    }
    try {
      await this.write(recovered);
    } catch (err) {
      this.readOnlyReason = `${problem.message} The original is kept as “${keptAs}”, but the file could not be rewritten: ${(err as Error).message}`;
      this.loadProblems.push({ ...problem, keptAs, message: this.readOnlyReason });
      return;
    }
    const what = recoveredText ?? this.opts.describeRecovered?.(recovered) ?? `Skiff started with the ${label} it could read`;
    this.loadProblems.push({ ...problem, keptAs, message: `${problem.message} The original file is kept as “${keptAs}”. ${what}.` });
  }
}

/** Maps a failed config write to READ_ONLY / NO_SPACE / PERMISSION_DENIED / … with a message that says nothing was lost. */
export function configWriteError(err: unknown, file: string, label: string): SkiffError {
  if (err instanceof SkiffError) return err;
  const base = fromNodeError(err, file);
  const reasons: Partial<Record<SkiffError['code'], string>> = {
    READ_ONLY: 'the disk or folder is read-only',
    NO_SPACE: 'the disk is full',
    PERMISSION_DENIED: 'permission denied (check the owner and permissions of the folder, or an immutable attribute)',
    NOT_A_DIRECTORY: 'a file is in the way where the config folder should be',
    NO_SUCH_FILE: 'the config folder could not be created',
  };
  const reason = reasons[base.code] ?? (base.message || 'unknown error');
  return new SkiffError(base.code, `Could not save ${label} to “${file}”: ${reason}. Your change was not saved; the existing file is unchanged.`, {
    path: file,
    cause: err,
  });
}

/** zod issues as `bookmarks[2].port`-style paths. */
export function zodIssues(error: z.ZodError): StoreIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export function formatIssue(issue: StoreIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function locateJsonError(text: string): { line: number; column: number; what: string } {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const offset = first?.offset ?? text.length;
  const what = first ? humanParseError(printParseErrorCode(first.error)) : 'unexpected content';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, what };
}

function humanParseError(code: string): string {
  const map: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'bad number',
    PropertyNameExpected: 'expected a "quoted" property name',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected “:”',
    CommaExpected: 'expected “,”',
    CloseBraceExpected: 'expected “}”',
    CloseBracketExpected: 'expected “]”',
    EndOfFileExpected: 'unexpected text after the end',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'bad \\u escape',
    InvalidEscapeCharacter: 'bad escape character',
    InvalidCharacter: 'control character in a string',
  };
  return map[code] ?? code;
}

// ISO 8601 without colons: Windows forbids “:” in file names.
function isoForFileName(d: Date): string {
  return d.toISOString().replace(/:/g, '-');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

type Interpretation<T> =
  { kind: 'ok'; value: T } | { kind: 'future'; value: T | undefined; problem: LoadProblem } | { kind: 'bad'; problem: LoadProblem; recovered: T };

interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function stampOf(st: Stats): FileStamp {
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

interface PendingUpdate<T> {
  mutate: (current: T) => T;
  resolve: () => void;
  reject: (err: unknown) => void;
}
