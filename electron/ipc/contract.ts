// The ONE list of IPC channels between the renderer and main (see ARCHITECTURE.md).
// Pure: imports only zod, so the renderer type-checks it with DOM libs and no Node.
//
// Shape of the boundary:
// - `requests`: request/response channels. Every channel takes exactly ONE argument
//   (an object, or nothing for `z.undefined()`), validated in main by its zod schema.
//   The reply is always an envelope `{ ok: true, value } | { ok: false, error }`;
//   createApi() unwraps it and throws SkiffApiError(code, message, path) on errors.
//   In Electron the rejection arrives as a plain `{ name: 'SkiffApiError', code, message, path? }`
//   (contextBridge drops custom Error properties): read `.code` / use isSkiffApiError(), never instanceof.
// - `events`: main → renderer notifications (`api.on(event, cb)`).
// - Questions main must ask the user (host key, keyboard-interactive, password,
//   transfer conflict) arrive as the `question:ask` event with an `id` and a
//   `timeoutMs`; the renderer answers with the `question:answer` request. A timeout,
//   a closed window or `question:cancel` means "no"; `question:closed` tells the UI to
//   drop a dialog it still shows.
// - Big listings are paged, pull-based: `sftp:list-dir` / `local:list-dir` return the
//   first page `{ listId, entries, done }`; call `list:next` until `done`; navigating
//   away calls `list:cancel` (or just stops pulling: idle listings are dropped by main
//   after a minute). The first page comes with the server's first batch (first rows at
//   once); later pages hold up to 500 entries. The end of a folder is only known after one
//   more read, so the last page may be empty. Names a server sent that cannot be file names
//   are left out of `entries` and summed up in `refused` (so far; capped), for the UI to say so.
// - Find: `sftp:find-start` returns `{ findId }`; matches stream as `sftp:find-result`
//   events (sent only after the start reply) until one with `done: true`.
//
// Web bridge wire format (`npm run web`, renderer/src/bridge/web-transport.ts):
//   WebSocket URL: ws://127.0.0.1:<port>/ws?token=<token>  (token from the page URL)
//   client → server: {"id": <number>, "channel": "<request channel>", "args": [<arg>]}
//   server → client: {"id": <same number>, "result": <envelope as above>}
//                    {"event": "<event channel>", "payload": <payload>}
//   `args` is the argument list exactly as given to transport.invoke(channel, ...args).
//   Malformed frames get {"id": <id or null>, "result": {"ok": false, "error": {code: "INVALID_ARGUMENT", …}}}.
//   The upgrade is refused (401) without the right token and (403) unless Origin is the page's own.
//   Web mode has no native pickers: `dialog:pick-folder` / `dialog:pick-file` reject with
//   UNSUPPORTED (AppInfo.nativeDialogs is false), so the UI lets the user type a path.
import { z } from 'zod';
import { ERROR_CODES } from '../core/error-codes';
import { EDIT_CONFLICT_CHOICES, EDIT_MODES } from '../core/edit/edit-values';
import type { EditConflictQuestion, EditLargeQuestion, EditOpenResult, EditedFileSnapshot } from '../core/edit/types';
import { SFTP_LINK_HANDLER_CHOICES } from '../core/store/sftp-link-handler';
import type { CommandId } from './commands';
import type { EntryType, FileEntry, FileStat } from '../core/fs/file-entry';
import { SECRET_KINDS, type SecretPrompt } from '../core/secrets/secret-prompt';
import { LOGIN_METHODS, type AuthMethod } from '../core/sftp/auth-methods';
import { THEMES } from '../core/store/setting-choices';
import type { SshConfigCandidateOf, SshConfigScanOf } from '../core/store/ssh-config-candidate';
import {
  CONFLICT_ACTIONS,
  CONFLICT_POLICIES,
  DEFAULT_CONFLICT_POLICIES,
  SPEED_LIMIT_KIBPS,
  TRANSFER_DIRECTIONS,
  UNFINISHED_CHOICES,
  type ConflictAction,
  type ConflictQuestion,
  type TransferDirection,
  type TransferFileError,
  type TransferJobSnapshot,
  type TransferState,
} from '../core/transfer-shapes';
import {
  HOST_KEY_DECISIONS,
  HOST_KEY_POLICIES,
  type HostKeyAnswer,
  type HostKeyFacts,
  type HostKeyQuestionKind,
  type KnownHostKeyFacts,
} from '../core/trust/host-key-decisions';
import type { ServerInfo } from '../core/sftp/info-types';

// ───────────────────────────── errors ─────────────────────────────

/** Stable error codes: core's (electron/core/error-codes.ts) plus the IPC layer's own. */
export const API_ERROR_CODES = [...ERROR_CODES, 'UNKNOWN_CHANNEL', 'FORBIDDEN_SENDER'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
  path?: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

// ───────────────────────────── shared schemas ─────────────────────────────

const MAX_PATH = 4096;
const MAX_NAME = 1024;
const MAX_TEXT = 4096;
const MAX_SECRET = 8192;
const MAX_ITEMS = 10_000;

const noNul = (s: string): boolean => !s.includes('\0');

/** An id minted by main (session, list, find, job, question, bookmark). */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'not a valid id');

/**
 * A remote (SFTP, posix) path: absolute, normalized (no `.`/`..` segments, no `//`,
 * no trailing `/` except the root), no NUL. The renderer normalizes before sending.
 */
export const RemotePath = z
  .string()
  .min(1)
  .max(MAX_PATH)
  .refine(noNul, 'path contains a NUL byte')
  .refine((p) => p.startsWith('/'), 'remote path must be absolute')
  .refine(
    (p) =>
      p === '/' ||
      (!p.endsWith('/') &&
        p
          .slice(1)
          .split('/')
          .every((s) => s !== '' && s !== '.' && s !== '..')),
    'remote path must be normalized (no empty, "." or ".." segments)',
  );

/** A local path; absolute + normalized for the platform is checked in main (node:path). */
export const LocalPath = z.string().min(1).max(MAX_PATH).refine(noNul, 'path contains a NUL byte');

const Port = z.number().int().min(1).max(65535);
const Host = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\s/@\0]+$/, 'not a valid host name');
const Username = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => !/[\0\r\n]/.test(s), 'not a valid user name');
const Secret = z.string().max(MAX_SECRET).refine(noNul, 'contains a NUL byte');
const Text = (max = MAX_TEXT) => z.string().max(max);
/** Permission bits (mode & 0o7777). */
const Mode = z.number().int().min(0).max(0o7777);

// ───────────────────────────── DTOs ─────────────────────────────

export type { EntryType };
/** One directory entry (core's FileEntry). Times are ms since the epoch. */
export type FileEntryDto = FileEntry;
export type FileStatDto = FileStat;

/** At most this many refused names travel with a listing page (a hostile server cannot flood the renderer). */
export const MAX_REFUSED_NAMES = 100;
/** Refused names longer than this (in characters, after escaping) are shortened with "…". */
export const MAX_REFUSED_NAME_CHARS = 200;

/** A name the server listed that cannot be a file name in the folder (`a/b`, `../../x`, NUL, empty): left out of `entries`. */
export interface RefusedNameDto {
  /** Display-safe spelling: control characters escaped, shortened to MAX_REFUSED_NAME_CHARS. Never the raw name. */
  name: string;
  /** Why it was left out, a clause completing a sentence ("it climbs out of the folder with “..”"). */
  reason: string;
}

/** The entries a listing has left out so far. */
export interface RefusedNamesDto {
  /** How many were left out (may be more than `names` holds). */
  count: number;
  /** The first MAX_REFUSED_NAMES of them, in server order. */
  names: RefusedNameDto[];
}

/** One page of a listing; call `list:next` with `listId` until `done`. */
export interface ListPage {
  listId: string;
  /** The folder listed (as resolved by the side). */
  path: string;
  entries: FileEntryDto[];
  done: boolean;
  /**
   * Entries left out because their names are unusable (a hostile or broken server), counted from
   * the start of the listing, so the last page has the full count. Absent when none (always for local).
   */
  refused?: RefusedNamesDto;
}

export type { AuthMethod };

export interface SessionInfo {
  sessionId: string;
  /** The keychain could not be read or updated (the connection itself worked): show as a warning. */
  keychainWarning?: ApiErrorData;
  host: string;
  port: number;
  username: string;
  /** The method that succeeded. */
  authMethod: AuthMethod;
  /** The remote home folder (where to start browsing unless a path was asked for). */
  home: string;
  /** The saved server this session belongs to (picked, or whose remembered password was used or kept). */
  bookmarkId?: string;
  /** "Remember password" kept the password that worked with this saved server (created: a new one, named user@host). */
  remembered?: { bookmarkId: string; name: string; created: boolean };
}

/**
 * "Server/protocol information" of a session: core's ServerInfo (what the server said at login,
 * what Skiff detected and learned), with the transfer engine's limits in use added.
 */
export type ServerInfoDto = Omit<ServerInfo, 'limits'> & {
  limits: ServerInfo['limits'] & {
    /** Requests in flight per file, and at most this many bytes. */
    requestsPerFile: number;
    maxFileWindow: number;
    /** Files copied at once in one job. */
    filesInFlight: number;
  };
};

export const ConflictPolicy = z.enum(CONFLICT_POLICIES);
export type ConflictPolicy = z.infer<typeof ConflictPolicy>;
export type { ConflictAction, HostKeyAnswer as HostKeyDecision, TransferDirection, TransferFileError, TransferState };

/** A job as core's queue reports it (core/transfer-shapes.ts), and the session it runs on. */
/** The server a transfer job belongs to (it outlives the session it started on). */
export interface TransferServerDto {
  bookmarkId?: string;
  host: string;
  port: number;
  username: string;
}

/**
 * A job plus the session it last ran on and its server. `serverConnected`: some session to that
 * server is open now, so Retry resumes there; false means the renderer offers “Connect and retry”.
 */
export type TransferJobDto = TransferJobSnapshot & { sessionId: string; server: TransferServerDto; serverConnected: boolean };

/** A transfer an earlier run of Skiff did not finish (it quit or crashed), as kept in transfers.json. */
export interface UnfinishedTransferDto {
  id: string;
  direction: TransferDirection;
  label: string;
  sources: string[];
  targetDir: string;
  server: TransferServerDto;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** Part files it left (what Discard removes, and nothing else). */
  parts: number;
  /** When it was added (ms since the epoch). */
  addedAt: number;
}

/** What the start-up prompt shows: the transfers that did not finish, and problems reading their journal. */
export interface UnfinishedTransfersDto {
  jobs: UnfinishedTransferDto[];
  /** transfers.json did not load cleanly (a corrupt file is kept aside, as for saved servers). */
  problems: ConfigProblemDto[];
}

export const UnfinishedChoice = z.enum(UNFINISHED_CHOICES);
export type UnfinishedChoice = z.infer<typeof UnfinishedChoice>;

/** The outcome of the user's choice in the prompt. */
export interface UnfinishedResolution {
  /** Jobs put back in the queue (resume: those whose server is connected run; review: none runs). */
  jobs: TransferJobDto[];
  /** Part files removed (discard). */
  removedParts: number;
  /** Servers not connected now whose part files are removed at the next connection to them (discard). */
  laterServers: TransferServerDto[];
}

/** The fields of a job that change while it runs (sent throttled, ≤ ~10/s per job). */
export type TransferProgressDto = Pick<TransferJobDto, 'id' | 'bytesDone' | 'bytesTotal' | 'filesDone' | 'filesTotal' | 'rate' | 'etaSeconds' | 'currentFile'>;

export const BookmarkAuth = z.enum(LOGIN_METHODS);
export type BookmarkAuth = z.infer<typeof BookmarkAuth>;

const OptText = (max: number) => z.string().max(max).refine(noNul, 'contains a NUL byte').nullable().optional();

/**
 * What the user edits about a saved server (mirrors core bookmark fields; no secrets here,
 * ever). Transport checks only; core validates meaning and answers INVALID_ARGUMENT naming
 * the field. Empty text means "not set".
 */
export const BookmarkInput = z.strictObject({
  name: z.string().max(200),
  host: z.string().max(255),
  port: Port.optional(),
  username: z.string().max(256),
  authMethod: BookmarkAuth.optional(),
  keyPath: OptText(MAX_PATH),
  remoteDir: OptText(MAX_PATH),
  localDir: OptText(MAX_PATH),
  group: OptText(200),
  notes: z.string().max(10_000).optional(),
  /** Opt-in: only then is the password kept in the OS keychain. */
  rememberPassword: z.boolean().optional(),
});
export type BookmarkInput = z.input<typeof BookmarkInput>;

export interface BookmarkDto {
  id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  authMethod: BookmarkAuth;
  keyPath: string | null;
  remoteDir: string | null;
  localDir: string | null;
  group: string | null;
  notes: string;
  rememberPassword: boolean;
  /** ISO 8601 times. */
  lastConnectedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Why a config file did not load cleanly (shown to the user as-is). */
export interface ConfigProblemDto {
  kind: 'parse' | 'schema' | 'future-version' | 'unreadable';
  file: string;
  message: string;
  line?: number;
  column?: number;
  issues?: Array<{ path: string; message: string }>;
  /** Where the original bytes were kept aside. */
  keptAs?: string;
}

export interface BookmarkList {
  bookmarks: BookmarkDto[];
  /** Distinct group names, sorted. */
  groups: string[];
  /** Problems found loading bookmarks.json (corrupt file kept aside, etc.). */
  problems: ConfigProblemDto[];
  /** Non-null (the reason) when the file must not be written, e.g. it came from a newer Skiff. */
  readOnly: string | null;
}

/** Result of saving a bookmark: it was saved; the keychain part may have failed (shown as a warning). */
export interface BookmarkSaveResult {
  bookmark: BookmarkDto;
  keychainWarning: ApiErrorData | null;
}

/** One concrete `Host` alias from ~/.ssh/config, ready to become a bookmark (core's candidate). */
export type SshConfigCandidateDto = SshConfigCandidateOf<BookmarkInput>;
export type SshConfigScanDto = SshConfigScanOf<BookmarkInput>;

export interface BookmarkImportResult {
  created: BookmarkDto[];
  skipped: Array<{ id: string; reason: string }>;
}

export const HostKeyPolicy = z.enum(HOST_KEY_POLICIES);
export const Theme = z.enum(THEMES);
/** Conflict policies a user can pick as the default. */
export const DefaultConflictPolicy = z.enum(DEFAULT_CONFLICT_POLICIES);
/** Whether the installed app opens sftp:// links: ask at the next start, yes, or leave them to other apps. */
export const SftpLinkHandler = z.enum(SFTP_LINK_HANDLER_CHOICES);

export const WindowBounds = z.strictObject({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(150).max(100_000),
  maximized: z.boolean().optional(),
});

const SpeedLimitKiBps = z.number().int().min(SPEED_LIMIT_KIBPS.min).max(SPEED_LIMIT_KIBPS.max).nullable();

/** User settings (persisted by main; mirrors core settings). `settings:set` takes a partial patch. */
export const SettingsPatch = z.strictObject({
  theme: Theme.optional(),
  showHidden: z.boolean().optional(),
  /** OpenSSH StrictHostKeyChecking analogue (never "no"). */
  hostKeyPolicy: HostKeyPolicy.optional(),
  extraKnownHostsFiles: z.array(LocalPath).max(64).optional(),
  hashKnownHosts: z.boolean().optional(),
  transferConcurrency: z.number().int().min(1).max(16).optional(),
  conflictDefault: DefaultConflictPolicy.optional(),
  preservePermissions: z.boolean().optional(),
  windowBounds: WindowBounds.nullable().optional(),
  /** Empty = the system's default application. Split like a shell would; no shell runs it. */
  editorCommand: z.string().max(MAX_TEXT).refine(noNul, 'contains a NUL byte').optional(),
  editLargeFileMiB: z.number().int().min(1).max(1_048_576).optional(),
  sftpLinkHandler: SftpLinkHandler.optional(),
  /** Seconds of silence (unanswered keepalives) before a link counts as dropped (core/sftp/reconnect-policy.ts). */
  deadLinkSeconds: z.number().int().min(5).max(120).optional(),
  /** Queue-wide speed limits in KiB/s; null = no limit. */
  uploadLimitKiBps: SpeedLimitKiBps.optional(),
  downloadLimitKiBps: SpeedLimitKiBps.optional(),
});
export type SettingsPatch = z.input<typeof SettingsPatch>;
export interface SettingsDto {
  theme: z.infer<typeof Theme>;
  showHidden: boolean;
  hostKeyPolicy: z.infer<typeof HostKeyPolicy>;
  extraKnownHostsFiles: string[];
  hashKnownHosts: boolean;
  transferConcurrency: number;
  conflictDefault: z.infer<typeof DefaultConflictPolicy>;
  preservePermissions: boolean;
  windowBounds: { x: number; y: number; width: number; height: number; maximized: boolean } | null;
  editorCommand: string;
  editLargeFileMiB: number;
  sftpLinkHandler: z.infer<typeof SftpLinkHandler>;
  deadLinkSeconds: number;
  uploadLimitKiBps: number | null;
  downloadLimitKiBps: number | null;
}

/** One remote file being edited (core's snapshot as is). Times are ms since the epoch. */
export type EditedFileDto = EditedFileSnapshot;

/** What `edit:open-files` did with each path: the files now being edited, and why others are not. */
export type EditOpenResultDto = EditOpenResult;

export interface AppInfo {
  name: string;
  version: string;
  /** node's process.platform of main. */
  platform: string;
  /** 'electron' in the app, 'web' in the `npm run web` bridge. */
  mode: 'electron' | 'web';
  electronVersion?: string;
  /** Local path separator, so the renderer can join local paths. */
  localSep: '/' | '\\';
  /** Whether native pickers work (false in web mode: type a path instead). */
  nativeDialogs: boolean;
}

/** One package Skiff ships (bundled, or a runtime dependency of main), as build/licenses.mjs lists it. */
export interface LicenseDto {
  name: string;
  version: string;
  /** SPDX expression from its package.json ("MIT", "(MIT OR Apache-2.0)"). */
  license: string;
  /** Which part of the app ships it. */
  usedBy: Array<'main' | 'renderer'>;
  repository?: string;
  /** Its licence file. */
  text?: string;
}

/** What the About dialog shows. */
export interface AboutDto {
  name: string;
  version: string;
  mode: 'electron' | 'web';
  /** What the app runs on; electron and chromium only inside Electron (the browser preview has neither in main). */
  versions: { electron?: string; chromium?: string; node: string; v8: string; ssh2?: string };
  /** Licences of what ships, or null with `licensesProblem` saying why they cannot be shown. */
  licenses: LicenseDto[] | null;
  licensesProblem?: string;
}

/** An `sftp://user@host:port/path` launch: prefill Quick Connect; never connect by itself. */
export interface OpenUrlDto {
  host: string;
  port: number;
  username?: string;
  path?: string;
}

// ───────────────────────────── questions (main → renderer) ─────────────────────────────

/** A stored known_hosts line, as the trust dialog shows it. */
export type KnownHostEntryDto = KnownHostKeyFacts;

export type QuestionDto =
  | ({
      id: string;
      kind: 'host-key';
      timeoutMs: number;
      /**
       * unknown: first contact (answers trust-remember | trust-once | cancel);
       * changed: a different key is stored, see `stored` (answers replace | cancel; cancel is the default);
       * confirm-replace: the second, explicit confirmation after `replace` (answers confirm-replace | cancel).
       * A revoked key is never asked about: connect fails with HOST_KEY_REVOKED.
       */
      status: HostKeyQuestionKind;
      /** For changed / confirm-replace: the stored keys that differ. */
      stored?: KnownHostEntryDto[];
      /** For unknown: the file "Trust and remember" writes to. */
      saveTo?: string;
    } & HostKeyFacts)
  | {
      id: string;
      kind: 'keyboard-interactive';
      timeoutMs: number;
      sessionLabel: string;
      name: string;
      instructions: string;
      prompts: Array<{ prompt: string; echo: boolean }>;
    }
  /** A password or key passphrase main does not have, or that the server refused (see core/secrets/secret-prompt.ts). */
  | ({ id: string; kind: 'password'; timeoutMs: number } & SecretPrompt)
  /** A transfer's target exists and the job's policy is 'ask'. */
  | ({ id: string; kind: 'conflict'; timeoutMs: number } & ConflictQuestion)
  /** A remote file being edited changed on the server too (see core/edit/types.ts); no answer decides nothing. */
  | ({ id: string; kind: 'edit-conflict'; timeoutMs: number } & EditConflictQuestion)
  /** Files above the size in Settings, before they are downloaded for editing. */
  | ({ id: string; kind: 'edit-large'; timeoutMs: number } & EditLargeQuestion);
export type QuestionKind = QuestionDto['kind'];

/** The renderer's answers, one shape per question kind. */
export const QuestionAnswer = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('host-key'),
    /** See QuestionDto 'host-key' for which decisions fit which status; anything else counts as cancel. */
    decision: z.enum(HOST_KEY_DECISIONS),
  }),
  z.strictObject({
    kind: z.literal('keyboard-interactive'),
    /** null = cancel. */
    responses: z.array(Secret).max(64).nullable(),
  }),
  z.strictObject({
    kind: z.literal('password'),
    /** null = cancel. */
    secret: Secret.nullable(),
    remember: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('conflict'),
    action: z.enum(CONFLICT_ACTIONS),
    applyToAll: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('edit-conflict'),
    /** null = decide later (the file stays in conflict; the Edited files list offers the choices). */
    choice: z.enum(EDIT_CONFLICT_CHOICES).nullable(),
  }),
  z.strictObject({
    kind: z.literal('edit-large'),
    download: z.boolean(),
  }),
]);
export type QuestionAnswer = z.input<typeof QuestionAnswer>;

// ───────────────────────────── argument schemas ─────────────────────────────

const SessionRef = { sessionId: Id };

/** Quick Connect or a bookmark. Secrets typed by the user may go to main; never the reverse. */
export const ConnectArgs = z.union([
  z.strictObject({
    bookmarkId: Id,
    /** A password typed now (else the keychain, else a `password` question). */
    password: Secret.optional(),
  }),
  z.strictObject({
    host: Host,
    port: Port.default(22),
    username: Username,
    authMethod: BookmarkAuth.default('password'),
    password: Secret.optional(),
    keyPath: LocalPath.optional(),
    passphrase: Secret.optional(),
    /** Store the typed password in the keychain after a successful login. */
    rememberPassword: z.boolean().default(false),
  }),
]);
export type ConnectArgs = z.input<typeof ConnectArgs>;

const Empty = z.undefined();

/** Request/response channels: name → schema of the single argument. */
export const requests = {
  // app
  'app:info': Empty,
  /** Versions and licences for the About dialog. */
  'app:about': Empty,
  /** The sftp:// URL the app was launched with (once), else null. */
  'app:take-launch-url': Empty,

  // sessions
  'session:connect': ConnectArgs,
  'session:disconnect': z.strictObject(SessionRef),
  'session:list': Empty,
  /** SSH and SFTP versions, extensions, detected quirks and limits in use (for the user to see and report). */
  'session:server-info': z.strictObject(SessionRef),

  // remote files
  'sftp:list-dir': z.strictObject({ ...SessionRef, path: RemotePath }),
  'sftp:stat': z.strictObject({ ...SessionRef, path: RemotePath, followSymlinks: z.boolean().default(true) }),
  'sftp:realpath': z.strictObject({ ...SessionRef, path: RemotePath }),
  'sftp:mkdir': z.strictObject({ ...SessionRef, path: RemotePath, parents: z.boolean().default(false) }),
  'sftp:rename': z.strictObject({ ...SessionRef, from: RemotePath, to: RemotePath }),
  'sftp:delete': z.strictObject({ ...SessionRef, paths: z.array(RemotePath).min(1).max(MAX_ITEMS), recursive: z.boolean().default(false) }),
  'sftp:chmod': z.strictObject({ ...SessionRef, paths: z.array(RemotePath).min(1).max(MAX_ITEMS), mode: Mode }),
  'sftp:symlink': z.strictObject({
    ...SessionRef,
    /** The link text (may be relative; not a path we resolve). */
    target: z.string().min(1).max(MAX_PATH).refine(noNul, 'contains a NUL byte'),
    linkPath: RemotePath,
  }),
  'sftp:find-start': z.strictObject({
    ...SessionRef,
    root: RemotePath,
    /** A name (exact, case-insensitive by `caseSensitive`) or a glob (`*.csv`, `**\/report-?.pdf`). */
    pattern: z.string().min(1).max(MAX_NAME).refine(noNul, 'contains a NUL byte'),
    mode: z.enum(['name', 'glob']).default('glob'),
    caseSensitive: z.boolean().default(false),
    maxResults: z.number().int().min(1).max(100_000).default(10_000),
  }),
  'sftp:find-cancel': z.strictObject({ findId: Id }),

  // local files
  'local:home': Empty,
  'local:list-dir': z.strictObject({ path: LocalPath }),
  'local:stat': z.strictObject({ path: LocalPath, followSymlinks: z.boolean().default(true) }),
  'local:mkdir': z.strictObject({ path: LocalPath, parents: z.boolean().default(false) }),
  'local:rename': z.strictObject({ from: LocalPath, to: LocalPath }),
  'local:delete': z.strictObject({ paths: z.array(LocalPath).min(1).max(MAX_ITEMS), recursive: z.boolean().default(false) }),

  // paged listings (both sides)
  'list:next': z.strictObject({ listId: Id }),
  'list:cancel': z.strictObject({ listId: Id }),

  // transfers
  'transfer:enqueue': z.strictObject({
    ...SessionRef,
    direction: z.enum(TRANSFER_DIRECTIONS),
    /** Local paths for upload, remote paths for download (validated per direction in main). */
    sources: z.array(z.string().min(1).max(MAX_PATH)).min(1).max(MAX_ITEMS),
    /** Remote folder for upload; an EXISTING local folder for download. */
    targetDir: z.string().min(1).max(MAX_PATH),
    conflict: ConflictPolicy.optional(),
  }),
  'transfer:cancel': z
    .strictObject({ jobId: Id.optional(), all: z.boolean().optional() })
    .refine((a) => (a.jobId === undefined) !== (a.all !== true), 'give either jobId or all: true'),
  'transfer:pause': z.strictObject({ jobId: Id }),
  'transfer:resume': z.strictObject({ jobId: Id }),
  'transfer:retry': z.strictObject({ jobId: Id }),
  'transfer:list': Empty,
  'transfer:clear-finished': Empty,
  /** The transfers an earlier run did not finish (until the user chooses what to do with them). */
  'transfer:unfinished': Empty,
  /** Resume all, Review (listed in the queue as failed, not started) or Discard (their part files removed). */
  'transfer:resolve-unfinished': z.strictObject({ choice: UnfinishedChoice }),

  // editing remote files in a local editor (uploaded on save)
  /** Downloads each file into a private folder and opens it: `edit` in the Editor command, `open` with the system's default application. */
  'edit:open-files': z.strictObject({ ...SessionRef, paths: z.array(RemotePath).min(1).max(1000), mode: z.enum(EDIT_MODES).default('edit') }),
  'edit:list-files': Empty,
  /** Stops watching; the copy is removed, or kept (and `keptAt` says where) when its last change did not reach the server. */
  'edit:stop-editing': z.strictObject({ editId: Id }),
  'edit:retry-upload': z.strictObject({ editId: Id }),
  'edit:resolve-conflict': z.strictObject({ editId: Id, choice: z.enum(EDIT_CONFLICT_CHOICES) }),
  /** Once: copies with unsent changes that an earlier Skiff left behind (it ended without stopping) and that were kept now. */
  'edit:take-recovered': Empty,

  // bookmarks
  'bookmarks:list': Empty,
  /** Secrets given here go to the keychain only when `rememberPassword` is on. */
  'bookmarks:create': z.strictObject({ bookmark: BookmarkInput, password: Secret.optional(), passphrase: Secret.optional() }),
  'bookmarks:update': z.strictObject({ id: Id, patch: BookmarkInput.partial(), password: Secret.optional(), passphrase: Secret.optional() }),
  /** Deletes the bookmark and its keychain secrets. */
  'bookmarks:delete': z.strictObject({ id: Id }),
  'bookmarks:duplicate': z.strictObject({ id: Id }),
  /** Scans ~/.ssh/config (with Includes); the user then picks candidates to import. */
  'bookmarks:import-preview': Empty,
  'bookmarks:import': z.strictObject({ ids: z.array(z.string().min(1).max(1100)).min(1).max(1000), allowDuplicates: z.boolean().default(false) }),

  // secrets: set / has / delete — there is NO getter, by design
  'secrets:set': z.strictObject({ bookmarkId: Id, kind: z.enum(SECRET_KINDS), secret: Secret.min(1) }),
  'secrets:has': z.strictObject({ bookmarkId: Id, kind: z.enum(SECRET_KINDS) }),
  'secrets:delete': z.strictObject({ bookmarkId: Id, kind: z.enum(SECRET_KINDS) }),

  // settings
  'settings:get': Empty,
  'settings:set': SettingsPatch,

  // native pickers (main-owned; UNSUPPORTED in web mode: type a path instead)
  'dialog:pick-folder': z.strictObject({ title: Text(256).optional(), defaultPath: LocalPath.optional() }).optional(),
  'dialog:pick-file': z.strictObject({ title: Text(256).optional(), defaultPath: LocalPath.optional() }).optional(),

  // answers to main → renderer questions
  'question:answer': z.strictObject({ id: Id, answer: QuestionAnswer }),
  'question:cancel': z.strictObject({ id: Id }),
} as const satisfies Record<string, z.ZodType>;

/** What each request channel resolves to (the `value` of an ok envelope). */
export interface RequestResults {
  'app:info': AppInfo;
  'app:about': AboutDto;
  'app:take-launch-url': OpenUrlDto | null;
  'session:connect': SessionInfo;
  'session:disconnect': void;
  'session:list': SessionInfo[];
  'session:server-info': ServerInfoDto;
  'sftp:list-dir': ListPage;
  'sftp:stat': FileStatDto;
  'sftp:realpath': string;
  'sftp:mkdir': void;
  'sftp:rename': void;
  'sftp:delete': void;
  'sftp:chmod': void;
  'sftp:symlink': void;
  'sftp:find-start': { findId: string };
  'sftp:find-cancel': void;
  'local:home': string;
  'local:list-dir': ListPage;
  'local:stat': FileStatDto;
  'local:mkdir': void;
  'local:rename': void;
  'local:delete': void;
  'list:next': ListPage;
  'list:cancel': void;
  'transfer:enqueue': TransferJobDto;
  'transfer:cancel': void;
  'transfer:pause': void;
  'transfer:resume': void;
  'transfer:retry': void;
  'transfer:list': TransferJobDto[];
  'transfer:clear-finished': void;
  'transfer:unfinished': UnfinishedTransfersDto;
  'transfer:resolve-unfinished': UnfinishedResolution;
  'edit:open-files': EditOpenResultDto;
  'edit:list-files': EditedFileDto[];
  'edit:stop-editing': { keptAt: string | null };
  'edit:retry-upload': void;
  'edit:resolve-conflict': void;
  'edit:take-recovered': string[];
  'bookmarks:list': BookmarkList;
  'bookmarks:create': BookmarkSaveResult;
  'bookmarks:update': BookmarkSaveResult;
  'bookmarks:delete': { keychainWarning: ApiErrorData | null };
  'bookmarks:duplicate': BookmarkDto;
  'bookmarks:import-preview': SshConfigScanDto;
  'bookmarks:import': BookmarkImportResult;
  'secrets:set': void;
  'secrets:has': boolean;
  'secrets:delete': void;
  'settings:get': SettingsDto;
  'settings:set': SettingsDto;
  /** null when the user cancelled the picker. */
  'dialog:pick-folder': string | null;
  'dialog:pick-file': string | null;
  'question:answer': void;
  'question:cancel': void;
}

/** main → renderer events and their payloads. */
export interface EventPayloads {
  'transfer:progress': TransferProgressDto[];
  'transfer:changed': TransferJobDto;
  'transfer:removed': { ids: string[] };
  'session:closed': { sessionId: string; code: ApiErrorCode; message: string; byUser: boolean };
  /**
   * A session that dropped without the user asking is reconnecting by itself (same session id):
   * `attempt` counts from 1, `retryInMs` is the wait before the next one after a failed attempt,
   * `message` says why it dropped or why the last attempt failed. `connected`: it is back.
   */
  'session:state':
    { sessionId: string; state: 'reconnecting'; attempt: number; retryInMs?: number; message: string } | { sessionId: string; state: 'connected' };
  'sftp:find-result': { findId: string; matches: FileEntryDto[]; done: boolean; error?: ApiErrorData };
  'question:ask': QuestionDto;
  'question:closed': { id: string; reason: 'answered' | 'timeout' | 'cancelled' };
  'app:open-url': OpenUrlDto;
  'edit:file-changed': EditedFileDto;
  /** Editing stopped; `keptAt` is where the copy was kept when its last change had not reached the server. */
  'edit:file-removed': { id: string; keptAt: string | null };
  /** An application-menu item was picked: a command of the catalog (electron/ipc/commands.ts) for the renderer to run. */
  'app:menu': { command: CommandId };
}

export const EVENT_CHANNELS = [
  'transfer:progress',
  'transfer:changed',
  'transfer:removed',
  'session:closed',
  'session:state',
  'sftp:find-result',
  'question:ask',
  'question:closed',
  'app:open-url',
  'edit:file-changed',
  'edit:file-removed',
  'app:menu',
] as const satisfies ReadonlyArray<keyof EventPayloads>;

export type RequestChannel = keyof typeof requests;
export type EventChannel = (typeof EVENT_CHANNELS)[number];
export const REQUEST_CHANNELS = Object.keys(requests) as RequestChannel[];

/** The argument type the renderer passes (before defaults are applied). */
export type RequestArg<C extends RequestChannel> = z.input<(typeof requests)[C]>;
/** The argument type a handler receives (after validation and defaults). */
export type ParsedArg<C extends RequestChannel> = z.output<(typeof requests)[C]>;
export type RequestResult<C extends RequestChannel> = RequestResults[C];

export function isRequestChannel(c: unknown): c is RequestChannel {
  return typeof c === 'string' && Object.prototype.hasOwnProperty.call(requests, c);
}
export function isEventChannel(c: unknown): c is EventChannel {
  return typeof c === 'string' && (EVENT_CHANNELS as readonly string[]).includes(c);
}

// Compile-time guarantees: the results map covers exactly the request channels, and the
// event list covers exactly the payload map.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _resultsCoverRequests: Exact<keyof RequestResults, RequestChannel> = true;
const _eventsCoverPayloads: Exact<keyof EventPayloads, EventChannel> = true;
void _resultsCoverRequests;
void _eventsCoverPayloads;

// ───────────────────────────── the typed API (window.skiff) ─────────────────────────────

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type VerbOf<C extends string> = C extends `${string}:${infer V}` ? V : never;

type Method<C extends RequestChannel> =
  undefined extends RequestArg<C> ? (arg?: RequestArg<C>) => Promise<RequestResult<C>> : (arg: RequestArg<C>) => Promise<RequestResult<C>>;

/** `window.skiff`: one method per request channel, grouped by domain (`skiff.sftp.listDir({…})`). */
export type SkiffApi = {
  [D in DomainOf<RequestChannel>]: { [C in RequestChannel as DomainOf<C> extends D ? Camel<VerbOf<C>> : never]: Method<C> };
} & {
  /** Generic form of every method (unknown channels are rejected at run time). */
  invoke<C extends RequestChannel>(channel: C, ...arg: undefined extends RequestArg<C> ? [RequestArg<C>?] : [RequestArg<C>]): Promise<RequestResult<C>>;
  /** Subscribes to a main → renderer event; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /**
   * Electron only (absent in the web preview): the real local path of a `File` dropped from the
   * OS file manager, or null. Pass the result to `transfer:enqueue` as an upload source.
   */
  pathForFile?: (file: unknown) => string | null;
};

/** The generic transport both preload (ipcRenderer) and the web bridge client (WebSocket) provide. */
export interface SkiffTransport {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

/** camelCase method name of a channel's verb (`list-dir` → `listDir`). */
export function methodName(channel: string): { domain: string; method: string } {
  const i = channel.indexOf(':');
  const domain = channel.slice(0, i);
  const method = channel.slice(i + 1).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return { domain, method };
}
