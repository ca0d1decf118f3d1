// What the IPC handlers need from the rest of main, as narrow interfaces. The handlers stay
// thin (validate → call → map); electron/app/ adapts the core modules to these shapes, and
// tests can hand in real core objects or small real stand-ins.
import type { FileEntry, FileSystem } from '../core/fs/file-system';
import type { ServerInfo } from '../core/sftp/types';
import type {
  AboutDto,
  ApiErrorData,
  AppInfo,
  BookmarkDto,
  BookmarkImportResult,
  BookmarkInput,
  BookmarkList,
  BookmarkSaveResult,
  ConflictPolicy,
  EditedFileDto,
  EditOpenResultDto,
  EventChannel,
  EventPayloads,
  OpenUrlDto,
  ParsedArg,
  SessionInfo,
  SettingsDto,
  SettingsPatch,
  SshConfigScanDto,
  TransferJobDto,
  UnfinishedChoice,
  UnfinishedResolution,
  UnfinishedTransfersDto,
} from './contract';
import type { QuestionBroker } from './questions';
import type { ListRegistry } from './list-registry';
import type { FindRegistry } from './find-registry';

/** Sends a main → renderer event (to the window, or to every web bridge client). */
export type Emit = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => void;

export interface SessionService {
  connect(args: ParsedArg<'session:connect'>): Promise<SessionInfo>;
  disconnect(sessionId: string): Promise<void>;
  list(): SessionInfo[];
  /** The live session's file system; rejects with NOT_CONNECTED for an unknown/closed id. */
  fs(sessionId: string): FileSystem;
  /** What the session knows about its server (versions, extensions, quirks, request sizes). */
  serverInfo(sessionId: string): ServerInfo;
  closeAll(): Promise<void>;
}

export interface TransferService {
  enqueue(req: {
    sessionId: string;
    direction: 'upload' | 'download';
    sources: string[];
    targetDir: string;
    conflict?: ConflictPolicy;
  }): Promise<TransferJobDto>;
  cancel(jobId: string): Promise<void>;
  cancelAll(): Promise<void>;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  retry(jobId: string): Promise<void>;
  list(): TransferJobDto[];
  clearFinished(): void;
  /** Whether anything is queued or running (quitting asks first). */
  hasActive(): boolean;
  /** The engine's limits in use (shown with a server's information). */
  limits(): { requestsPerFile: number; maxFileWindow: number; filesInFlight: number };
}

/** The transfers an earlier run did not finish (the journal in the config dir) and the user's choice about them. */
export interface UnfinishedTransferService {
  list(): UnfinishedTransfersDto;
  resolve(choice: UnfinishedChoice): Promise<UnfinishedResolution>;
}

export interface EditService {
  open(sessionId: string, paths: string[], mode: 'edit' | 'open'): Promise<EditOpenResultDto>;
  list(): EditedFileDto[];
  stop(editId: string): Promise<{ keptAt: string | null }>;
  retry(editId: string): void;
  resolveConflict(editId: string, choice: 'overwrite' | 'keep-both' | 'discard'): void;
  /** Whether a copy holds a change the server does not have yet (quitting asks first). */
  hasUnsent(): boolean;
  /** Once: copies a crashed earlier run left with unsent changes, now kept (waits for the sweep at start). */
  takeRecovered(): Promise<string[]>;
  /** Where copies with unsent changes are kept when editing stops. */
  readonly keptDir: string;
}

export interface BookmarkService {
  list(): Promise<BookmarkList>;
  create(input: BookmarkInput, secrets: { password?: string; passphrase?: string }): Promise<BookmarkSaveResult>;
  update(id: string, patch: Partial<BookmarkInput>, secrets: { password?: string; passphrase?: string }): Promise<BookmarkSaveResult>;
  remove(id: string): Promise<{ keychainWarning: ApiErrorData | null }>;
  duplicate(id: string): Promise<BookmarkDto>;
  importPreview(): Promise<SshConfigScanDto>;
  importCandidates(ids: string[], allowDuplicates: boolean): Promise<BookmarkImportResult>;
}

export interface SecretService {
  set(bookmarkId: string, kind: 'password' | 'passphrase', secret: string): Promise<void>;
  has(bookmarkId: string, kind: 'password' | 'passphrase'): Promise<boolean>;
  remove(bookmarkId: string, kind: 'password' | 'passphrase'): Promise<void>;
}

export interface SettingsService {
  get(): Promise<SettingsDto>;
  set(patch: SettingsPatch): Promise<SettingsDto>;
}

export interface DialogService {
  /** Native pickers; resolve null when cancelled; reject UNSUPPORTED where there are none (web). */
  pickFolder(opts: { title?: string; defaultPath?: string }): Promise<string | null>;
  pickFile(opts: { title?: string; defaultPath?: string }): Promise<string | null>;
}

/** Everything the handler registry talks to. */
export interface Services {
  appInfo(): AppInfo;
  /** Versions and licences (the About dialog). */
  about(): Promise<AboutDto>;
  /** The sftp:// launch URL, handed out once. */
  takeLaunchUrl(): OpenUrlDto | null;
  sessions: SessionService;
  local: FileSystem;
  /** Recursive find by name or glob on a side; yields matches as the walk finds them. */
  find(
    fs: FileSystem,
    root: string,
    opts: { pattern: string; mode: 'name' | 'glob'; caseSensitive: boolean; signal: AbortSignal },
  ): AsyncIterable<FileEntry | FileEntry[]>;
  lists: ListRegistry;
  finds: FindRegistry;
  transfers: TransferService;
  unfinished: UnfinishedTransferService;
  edits: EditService;
  bookmarks: BookmarkService;
  secrets: SecretService;
  settings: SettingsService;
  dialogs: DialogService;
  questions: QuestionBroker;
}
