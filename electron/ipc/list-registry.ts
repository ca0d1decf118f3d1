// Paged, pull-based folder listings. A 100,000-entry folder must show its first rows at
// once: the first page is returned as soon as the side yields its first batch, the rest is
// pulled page by page (`list:next`), so memory and IPC stay bounded and navigating away
// (`list:cancel`, or simply not pulling any more) stops the listing on the server.
import { randomUUID } from 'node:crypto';
import { SkiffError, fromNodeError } from '../core/errors';
import type { FileEntry, RefusedEntry } from '../core/fs/file-system';
import { MAX_REFUSED_NAME_CHARS, MAX_REFUSED_NAMES, type FileEntryDto, type ListPage, type RefusedNameDto, type RefusedNamesDto } from './contract';

export const PAGE_SIZE = 500;

interface Listing {
  path: string;
  iterator: AsyncIterator<FileEntry[]>;
  abort: AbortController;
  buffer: FileEntry[];
  done: boolean;
  busy: boolean;
  /** Pages served so far (the first one goes out with the first batch). */
  served: number;
  /** The one batch being read (shared by next() and the read-ahead: reads never overlap). */
  reading: Promise<void> | undefined;
  /** A read failure seen by the read-ahead, thrown by the next pull. */
  failure: unknown;
  idle: ReturnType<typeof setTimeout> | undefined;
  /** Entries the side left out so far (unusable names): the count and the first MAX_REFUSED_NAMES. */
  refused: RefusedNamesDto;
}

/** Opens the side's listing; `onRefused` hears of every entry it leaves out (local never does). */
export type OpenListing = (signal: AbortSignal, onRefused: (refused: RefusedEntry) => void) => AsyncIterable<FileEntry[]>;

/** How long a later page may wait for more batches to fill up (keeps the UI moving on slow servers). */
const FILL_MS = 100;

/** Cuts text to `max` characters with "…", never splitting a surrogate pair. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The display-safe, bounded form of a refused entry (the raw name never crosses IPC). */
export function toRefusedDto(r: RefusedEntry): RefusedNameDto {
  return { name: shorten(r.shownName, MAX_REFUSED_NAME_CHARS), reason: shorten(r.reason, 300) };
}

/** Copies only the contract's fields (server data never smuggles extra keys across IPC). */
export function toEntryDto(e: FileEntry): FileEntryDto {
  const d: FileEntryDto = {
    name: e.name,
    path: e.path,
    type: e.type,
    size: e.size,
    mtimeMs: e.mtimeMs,
    atimeMs: e.atimeMs,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
  };
  if (e.owner !== undefined) d.owner = e.owner;
  if (e.group !== undefined) d.group = e.group;
  if (e.linkTarget !== undefined) d.linkTarget = e.linkTarget;
  if (e.targetType !== undefined) d.targetType = e.targetType;
  return d;
}

export class ListRegistry {
  private readonly lists = new Map<string, Listing>();

  constructor(private readonly opts: { idleMs?: number; maxOpen?: number; pageSize?: number } = {}) {}

  /** Starts a listing and returns its first page. */
  async start(path: string, open: OpenListing): Promise<ListPage> {
    const maxOpen = this.opts.maxOpen ?? 32;
    // Forget the oldest listing when a renderer keeps starting new ones without pulling.
    while (this.lists.size >= maxOpen) this.drop(this.lists.keys().next().value as string);
    const abort = new AbortController();
    const listId = randomUUID();
    const refused: RefusedNamesDto = { count: 0, names: [] };
    // Only a count and the first few are kept: a hostile server may send millions of such names.
    const onRefused = (r: RefusedEntry): void => {
      refused.count += 1;
      if (refused.names.length < MAX_REFUSED_NAMES) refused.names.push(toRefusedDto(r));
    };
    const listing: Listing = {
      path,
      iterator: open(abort.signal, onRefused)[Symbol.asyncIterator](),
      abort,
      buffer: [],
      done: false,
      busy: false,
      served: 0,
      reading: undefined,
      failure: undefined,
      idle: undefined,
      refused,
    };
    this.lists.set(listId, listing);
    return this.next(listId);
  }

  /** The next page; the last one has `done: true` and forgets the listing. */
  async next(listId: string): Promise<ListPage> {
    const l = this.lists.get(listId);
    if (!l) throw new SkiffError('INVALID_ARGUMENT', 'That listing is no longer open (it finished, was cancelled or sat idle).');
    if (l.busy) throw new SkiffError('INVALID_ARGUMENT', 'Wait for the previous page of this listing before asking for the next.');
    l.busy = true;
    if (l.idle) clearTimeout(l.idle);
    const size = this.opts.pageSize ?? PAGE_SIZE;
    // The first page goes out with the first batch (first rows at once); later pages gather
    // batches up to a full page, or for FILL_MS, so a huge folder needs few IPC round trips.
    const want = l.served === 0 ? 1 : size;
    const until = Date.now() + FILL_MS;
    try {
      while (l.buffer.length < want && !l.done && (l.buffer.length === 0 || Date.now() < until)) await this.read(l);
      if (l.failure !== undefined && l.buffer.length === 0) throw l.failure;
    } catch (err) {
      this.drop(listId);
      throw fromNodeError(err, l.path);
    } finally {
      l.busy = false;
    }
    const entries = l.buffer.splice(0, size).map(toEntryDto);
    const done = l.done && l.buffer.length === 0 && l.failure === undefined;
    l.served += 1;
    if (done) this.lists.delete(listId);
    else {
      this.readAhead(listId, l, size);
      this.armIdle(listId, l);
    }
    const page: ListPage = { listId, path: l.path, entries, done };
    if (l.refused.count > 0) page.refused = { count: l.refused.count, names: l.refused.names.slice() };
    return page;
  }

  /** Stops a listing (the side aborts its reads). Unknown ids are fine: it may have finished. */
  cancel(listId: string): void {
    this.drop(listId);
  }

  cancelAll(): void {
    for (const id of [...this.lists.keys()]) this.drop(id);
  }

  get openCount(): number {
    return this.lists.size;
  }

  /** Reads one more batch into the buffer (or joins the read in progress). */
  private read(l: Listing): Promise<void> {
    if (l.failure !== undefined) return Promise.reject(l.failure);
    l.reading ??= (async () => {
      try {
        const r = await l.iterator.next();
        if (r.done) l.done = true;
        else for (const e of r.value) l.buffer.push(e);
      } catch (err) {
        l.failure = err;
        throw err;
      } finally {
        l.reading = undefined;
      }
    })();
    return l.reading;
  }

  /**
   * Keeps reading while the page travels and the renderer draws it, up to one page ahead, so
   * the server is never idle waiting for the next pull (bounded: memory stays at ~one page).
   */
  private readAhead(listId: string, l: Listing, size: number): void {
    void (async () => {
      while (!l.done && l.failure === undefined && l.buffer.length < size && this.lists.get(listId) === l) await this.read(l);
    })().catch(() => undefined); // the failure is kept in l.failure and surfaces on the next pull
  }

  private armIdle(listId: string, l: Listing): void {
    l.idle = setTimeout(() => this.drop(listId), this.opts.idleMs ?? 60_000);
    l.idle.unref?.();
  }

  private drop(listId: string): void {
    const l = this.lists.get(listId);
    if (!l) return;
    this.lists.delete(listId);
    if (l.idle) clearTimeout(l.idle);
    l.abort.abort();
    // Closing the iterator releases the directory handle; errors after abort do not matter.
    void Promise.resolve(l.iterator.return?.()).catch(() => undefined);
  }
}
