// Saved servers: CRUD, duplicate, sort, search and groups over bookmarks.json.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { z } from 'zod';
import { SkiffError } from '../errors';
import { JsonFileStore, zodIssues, type LoadProblem } from './json-file-store';
import { InvalidFieldsError } from './invalid-fields-error';
import {
  BOOKMARKS_VERSION,
  bookmarkFieldsSchema,
  bookmarkMigrations,
  bookmarksDocSchema,
  salvageBookmarks,
  type Bookmark,
  type BookmarkFields,
  type BookmarkInput,
  type BookmarksDoc,
} from './bookmark-schema';

export const BOOKMARKS_FILE = 'bookmarks.json';

export type BookmarkSort = 'name' | 'host' | 'lastConnected';

export interface BookmarkQuery {
  /** Case-insensitive substring of name or host. */
  search?: string;
  /** Only this group; `null` means "no group". */
  group?: string | null;
  sort?: BookmarkSort;
}

export interface BookmarkStoreOptions {
  /** The config dir (see defaultConfigDir in ../paths). */
  configDir: string;
  now?: () => Date;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** The bookmarks file with validated edits; every change is one atomic, queued write. */
export class BookmarkStore {
  private constructor(
    private readonly doc: JsonFileStore<BookmarksDoc>,
    private readonly now: () => Date,
  ) {}

  /** Opens `<configDir>/bookmarks.json`; a broken file is reported in `problems`, not thrown. */
  static async open(options: BookmarkStoreOptions): Promise<BookmarkStore> {
    const now = options.now ?? (() => new Date());
    const doc = await JsonFileStore.open<BookmarksDoc>({
      file: path.join(options.configDir, BOOKMARKS_FILE),
      label: 'bookmarks',
      version: BOOKMARKS_VERSION,
      schema: bookmarksDocSchema,
      empty: () => ({ version: BOOKMARKS_VERSION, bookmarks: [] }),
      migrations: bookmarkMigrations,
      salvage: salvageBookmarks,
      describeRecovered: (d) =>
        d.bookmarks.length === 0
          ? 'No bookmarks could be recovered from it'
          : `${d.bookmarks.length} valid bookmark${d.bookmarks.length === 1 ? ' was' : 's were'} recovered`,
      now,
    });
    return new BookmarkStore(doc, now);
  }

  get file(): string {
    return this.doc.file;
  }

  get problems(): readonly LoadProblem[] {
    return this.doc.problems;
  }

  /** Non-null (the reason) when the file must not be written, e.g. it came from a newer Skiff. */
  get readOnly(): string | null {
    return this.doc.readOnly;
  }

  /** Bookmarks filtered and sorted (default: by name). */
  list(query: BookmarkQuery = {}): Bookmark[] {
    let list: Bookmark[] = this.doc.peek().bookmarks.map((b) => ({ ...b })); // bookmarks are flat: a shallow copy is a full copy
    const needle = query.search?.trim().toLocaleLowerCase();
    if (needle) list = list.filter((b) => b.name.toLocaleLowerCase().includes(needle) || b.host.toLocaleLowerCase().includes(needle));
    if (query.group !== undefined) list = list.filter((b) => b.group === query.group);
    return sortBookmarks(list, query.sort ?? 'name');
  }

  /** The bookmark with this id, or undefined. */
  get(id: string): Bookmark | undefined {
    const found = this.doc.peek().bookmarks.find((b) => b.id === id);
    return found && { ...found };
  }

  /** Distinct group names, sorted. */
  groups(): string[] {
    const set = new Set<string>();
    for (const b of this.doc.peek().bookmarks) if (b.group !== null) set.add(b.group);
    return [...set].sort(collator.compare);
  }

  /** Validates and adds a bookmark; INVALID_ARGUMENT (InvalidFieldsError) names the bad field. */
  async create(input: BookmarkInput): Promise<Bookmark> {
    const fields = validateFields(input);
    const stamp = this.now().toISOString();
    const bookmark: Bookmark = { id: randomUUID(), ...fields, lastConnectedAt: null, createdAt: stamp, updatedAt: stamp };
    await this.doc.update((d) => ({ ...d, bookmarks: [...d.bookmarks, bookmark] }));
    return bookmark;
  }

  /** Adds several bookmarks in one write (import). */
  async createMany(inputs: BookmarkInput[]): Promise<Bookmark[]> {
    const stamp = this.now().toISOString();
    const created = inputs.map((input) => ({ id: randomUUID(), ...validateFields(input), lastConnectedAt: null, createdAt: stamp, updatedAt: stamp }));
    if (created.length > 0) await this.doc.update((d) => ({ ...d, bookmarks: [...d.bookmarks, ...created] }));
    return created;
  }

  /** Applies a partial edit (validated as a whole); NO_SUCH_FILE when the id is unknown. */
  async update(id: string, patch: Partial<BookmarkInput>): Promise<Bookmark> {
    let result: Bookmark | undefined;
    await this.doc.update((d) => {
      const index = indexOf(d, id);
      const old = d.bookmarks[index]!;
      const { id: _id, createdAt: _c, updatedAt: _u, lastConnectedAt: _l, ...oldFields } = old;
      const fields = validateFields({ ...oldFields, ...patch });
      result = { ...old, ...fields, updatedAt: this.now().toISOString() };
      const bookmarks = [...d.bookmarks];
      bookmarks[index] = result;
      return { ...d, bookmarks };
    });
    return result!;
  }

  /** Records a successful connection (for "sort by last connected"). */
  async markConnected(id: string, at: Date = this.now()): Promise<Bookmark> {
    let result: Bookmark | undefined;
    await this.doc.update((d) => {
      const index = indexOf(d, id);
      result = { ...d.bookmarks[index]!, lastConnectedAt: at.toISOString() };
      const bookmarks = [...d.bookmarks];
      bookmarks[index] = result;
      return { ...d, bookmarks };
    });
    return result!;
  }

  /** Removes a bookmark; returns it (callers delete its secrets, see BookmarkService). */
  async delete(id: string): Promise<Bookmark> {
    let removed: Bookmark | undefined;
    await this.doc.update((d) => {
      const index = indexOf(d, id);
      removed = d.bookmarks[index];
      return { ...d, bookmarks: d.bookmarks.filter((b) => b.id !== id) };
    });
    return removed!;
  }

  /** Copies a bookmark as “<name> (copy)” (then “(copy 2)”, …), placed right after the original. */
  async duplicate(id: string): Promise<Bookmark> {
    let copy: Bookmark | undefined;
    await this.doc.update((d) => {
      const index = indexOf(d, id);
      const original = d.bookmarks[index]!;
      const names = new Set(d.bookmarks.map((b) => b.name));
      let name = `${original.name} (copy)`;
      for (let n = 2; names.has(name); n++) name = `${original.name} (copy ${n})`;
      const stamp = this.now().toISOString();
      copy = { ...original, id: randomUUID(), name, lastConnectedAt: null, createdAt: stamp, updatedAt: stamp };
      const bookmarks = [...d.bookmarks];
      bookmarks.splice(index + 1, 0, copy);
      return { ...d, bookmarks };
    });
    return copy!;
  }

  /** Renames a group on every bookmark in it (null ungroups them). */
  async renameGroup(from: string, to: string | null): Promise<number> {
    const target = to === null || to.trim() === '' ? null : validateFields({ name: 'x', host: 'x', username: 'x', group: to }).group;
    let count = 0;
    await this.doc.update((d) => ({
      ...d,
      bookmarks: d.bookmarks.map((b) => {
        if (b.group !== from) return b;
        count++;
        return { ...b, group: target, updatedAt: this.now().toISOString() };
      }),
    }));
    return count;
  }
}

/** Sorts a copy: name/host alphabetically (natural, case-insensitive); lastConnected newest first, never-connected last. */
export function sortBookmarks(list: readonly Bookmark[], by: BookmarkSort): Bookmark[] {
  const byName = (a: Bookmark, b: Bookmark): number => collator.compare(a.name, b.name) || collator.compare(a.host, b.host);
  const copy = [...list];
  switch (by) {
    case 'name':
      return copy.sort(byName);
    case 'host':
      return copy.sort((a, b) => collator.compare(a.host, b.host) || a.port - b.port || byName(a, b));
    case 'lastConnected':
      return copy.sort((a, b) => {
        if (a.lastConnectedAt === b.lastConnectedAt) return byName(a, b);
        if (a.lastConnectedAt === null) return 1;
        if (b.lastConnectedAt === null) return -1;
        return Date.parse(b.lastConnectedAt) - Date.parse(a.lastConnectedAt) || byName(a, b);
      });
  }
}

/** Validates user-edited fields; throws InvalidFieldsError (INVALID_ARGUMENT) naming the field. */
export function validateFields(input: unknown): BookmarkFields {
  const parsed = bookmarkFieldsSchema.safeParse(input);
  if (!parsed.success) throw new InvalidFieldsError('bookmark', zodIssues(parsed.error as z.ZodError));
  return parsed.data;
}

function indexOf(d: BookmarksDoc, id: string): number {
  const index = d.bookmarks.findIndex((b) => b.id === id);
  if (index < 0) throw new SkiffError('NO_SUCH_FILE', 'That bookmark no longer exists.');
  return index;
}
