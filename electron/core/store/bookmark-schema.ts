// The shape of bookmarks.json (format 2) and how older formats are upgraded.
// Passwords and passphrases are NOT part of it: they live in the OS keychain only.
import { z } from 'zod';
import type { Migration, StoreIssue } from './json-file-store';
import { zodIssues } from './json-file-store';
import { LOGIN_METHODS, type LoginMethod } from '../sftp/auth-methods';

export const BOOKMARKS_VERSION = 2;

export type BookmarkAuthMethod = LoginMethod;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;
// No control characters anywhere in a text field: they break terminals, logs and file names.
const noControl = (s: string): boolean => !/[\u0000-\u001f\u007f]/.test(s);

/** A host name, IPv4 or IPv6 literal (brackets allowed, no user@ or :port). */
export const hostSchema = z
  .string()
  .trim()
  .min(1, 'Enter a host name or IP address')
  .max(253, 'Host name is too long')
  .refine((h) => {
    const bare = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
    return HOSTNAME.test(bare) || z.ipv4().safeParse(bare).success || z.ipv6().safeParse(bare.replace(/%[\w.-]+$/, '')).success;
  }, 'Not a valid host name or IP address (no spaces, “user@” or “:port” here)')
  .transform((h) => (h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h));

export const portSchema = z
  .number({ error: 'Port must be a number' })
  .int('Port must be a whole number')
  .min(1, 'Port must be between 1 and 65535')
  .max(65535, 'Port must be between 1 and 65535');

export const usernameSchema = z
  .string()
  .min(1, 'Enter a user name')
  .max(256, 'User name is too long')
  .refine((u) => noControl(u) && !/\s/.test(u), 'User name must not contain spaces or control characters');

const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .refine(noControl, 'Must not contain control characters')
    .nullable()
    .default(null)
    // An empty text box means "not set".
    .transform((s) => (s === null || s.trim() === '' ? null : s));

const isoTime = z.iso.datetime({ offset: true });

const fieldsShape = {
  name: z.string().trim().min(1, 'Enter a name').max(200, 'Name is too long').refine(noControl, 'Name must not contain control characters'),
  host: hostSchema,
  port: portSchema.default(22),
  username: usernameSchema,
  authMethod: z.enum(LOGIN_METHODS, { error: `Auth method must be one of ${LOGIN_METHODS.join(', ')}` }).default('password'),
  keyPath: optionalText(4096),
  remoteDir: optionalText(4096),
  localDir: optionalText(4096),
  group: optionalText(200),
  notes: z.string().max(10_000, 'Notes are too long').default(''),
  /** Opt-in: only then is the password kept in the OS keychain. */
  rememberPassword: z.boolean().default(false),
};

function keyPathRequired(b: { authMethod: BookmarkAuthMethod; keyPath: string | null }, ctx: z.RefinementCtx): void {
  if (b.authMethod === 'key' && b.keyPath === null)
    ctx.addIssue({ code: 'custom', path: ['keyPath'], message: 'Choose a private key file for key authentication' });
}

/** What a user edits: everything except ids and timestamps. */
export const bookmarkFieldsSchema = z.object(fieldsShape).superRefine(keyPathRequired);

export type BookmarkFields = z.output<typeof bookmarkFieldsSchema>;
/** Input for create/update as the UI sends it (defaults filled in by the schema). */
export type BookmarkInput = z.input<typeof bookmarkFieldsSchema>;

export const bookmarkSchema = z
  .object({
    id: z.uuid(),
    ...fieldsShape,
    lastConnectedAt: isoTime.nullable().default(null),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .superRefine(keyPathRequired);

export type Bookmark = z.output<typeof bookmarkSchema>;

export const bookmarksDocSchema = z.object({
  version: z.literal(BOOKMARKS_VERSION),
  bookmarks: z.array(bookmarkSchema).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((b, i) => {
      if (seen.has(b.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `Duplicate bookmark id ${b.id}` });
      seen.add(b.id);
    });
  }),
});

export type BookmarksDoc = z.output<typeof bookmarksDocSchema>;

/**
 * Format history. 1: the first layout (no `group`, `notes`, `rememberPassword`; `keyFile` instead of
 * `keyPath`). 2: those fields added, `keyFile` renamed. Format 1 was never released; the step keeps
 * the migration path exercised so the first real change only has to add an entry here.
 */
export const bookmarkMigrations: Readonly<Record<number, Migration>> = {
  1: (doc) => {
    const list = Array.isArray(doc.bookmarks) ? doc.bookmarks : [];
    return {
      ...doc,
      version: 2,
      bookmarks: list.map((b: unknown) => {
        if (typeof b !== 'object' || b === null) return b;
        const { keyFile, ...rest } = b as Record<string, unknown>;
        return { group: null, notes: '', rememberPassword: false, ...rest, keyPath: rest.keyPath ?? keyFile ?? null };
      }),
    };
  },
};

/** Keeps every bookmark that is valid on its own and reports the others (by index and field). */
export function salvageBookmarks(doc: Record<string, unknown>): { value: BookmarksDoc; issues: StoreIssue[] } {
  const list = Array.isArray(doc.bookmarks) ? doc.bookmarks : [];
  const issues: StoreIssue[] = Array.isArray(doc.bookmarks) ? [] : [{ path: 'bookmarks', message: 'Expected a list of bookmarks' }];
  const kept: Bookmark[] = [];
  const ids = new Set<string>();
  list.forEach((entry: unknown, i: number) => {
    const parsed = bookmarkSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of zodIssues(parsed.error)) issues.push({ path: `bookmarks[${i}]${issue.path ? `.${issue.path}` : ''}`, message: issue.message });
    } else if (ids.has(parsed.data.id)) {
      issues.push({ path: `bookmarks[${i}].id`, message: `Duplicate bookmark id ${parsed.data.id}` });
    } else {
      ids.add(parsed.data.id);
      kept.push(parsed.data);
    }
  });
  return { value: { version: BOOKMARKS_VERSION, bookmarks: kept }, issues };
}
