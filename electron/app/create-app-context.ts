// Wires the core services together behind the IPC `Services` shape. Shared by main.ts (the
// Electron app) and electron/web/server.ts (the browser bridge), so both run the same code.
// Nothing here imports Electron: native bits (dialogs, the event sink) are passed in.
import path from 'node:path';
import { LocalFs } from '../core/fs/local-fs';
import { connect as sftpConnect } from '../core/sftp/session';
import type { ConnectOptions, SftpSession } from '../core/sftp/types';
import { KeytarSecretStore } from '../core/secrets/keytar-secret-store';
import type { SecretStore } from '../core/secrets/secret-store';
import { BookmarkStore } from '../core/store/bookmark-store';
import { BookmarkService as CoreBookmarkService } from '../core/store/bookmark-service';
import type { Bookmark } from '../core/store/bookmark-schema';
import { SettingsStore, speedLimitsOf, type Settings } from '../core/store/settings';
import { keepaliveFor, type ReconnectPolicy } from '../core/sftp/reconnect-policy';
import { defaultKnownHostsPaths } from '../core/trust/default-paths';
import { createHostKeyVerifier, type HostKeyAnswer, type HostKeyQuestion } from '../core/trust/host-key-verifier';
import { KnownHostsStore } from '../core/trust/known-hosts-store';
import { TransferJournal } from '../core/transfers/transfer-journal';
import type { AppInfo, BookmarkDto, KnownHostEntryDto, OpenUrlDto, SettingsDto } from '../ipc/contract';
import { FindRegistry } from '../ipc/find-registry';
import { ListRegistry } from '../ipc/list-registry';
import { QuestionBroker } from '../ipc/questions';
import type { BookmarkService, DialogService, Emit, SecretService, Services, SettingsService } from '../ipc/services';
import { createAbout, type AboutOptions } from './about';
import { findEntries } from './find';
import { SessionManager } from './session-manager';
import { createEditService } from './edit-service';
import { createTransferService, type TransferTuning } from './transfer-service';
import { createUnfinishedTransfers } from './unfinished-transfers';

export interface AppContextOptions {
  /** $XDG_CONFIG_HOME/Skiff (or the platform's equivalent). */
  configDir: string;
  /** The user's home (known_hosts, ~/.ssh/config). */
  home: string;
  emit: Emit;
  dialogs: DialogService;
  info: Omit<AppInfo, 'localSep' | 'platform'>;
  launchUrl?: OpenUrlDto | null;
  /** Where the About dialog's data comes from (the build's licenses.json, main's node_modules). */
  about?: Pick<AboutOptions, 'licensesFile' | 'modulesFrom'>;
  /** Overrides for tests (e.g. a keytar loader, connect timeouts). */
  secretStore?: SecretStore;
  connect?: (opts: ConnectOptions) => Promise<SftpSession>;
  connectDefaults?: Partial<Pick<ConnectOptions, 'readyTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax'>>;
  /** How a dropped session comes back (tests shorten it; giveUpAfterMs 0 = do not reconnect). */
  reconnectPolicy?: ReconnectPolicy;
  /** Transfer engine tuning beyond its measured defaults (e.g. a second connection per job). */
  transferTuning?: TransferTuning;
  /** Opens a file with the system's default application (Electron's shell.openPath); default: xdg-open / open / explorer. */
  openPath?: (localPath: string) => Promise<void>;
  /** Parent of the private folder edited copies live in (tests); default the OS temp folder. */
  editTempParent?: string;
  /** Told the stored settings after every settings:set (the shell applies what it owns, e.g. the sftp:// handler). */
  onSettingsChanged?: (s: SettingsDto) => void;
}

export interface AppContext {
  services: Services;
  sessions: SessionManager;
  /**
   * Stops everything: stops editing (unsent copies are kept), cancels questions and listings, stops
   * transfers (unfinished ones keep their part files and journal entries, for the next start), closes sessions.
   */
  dispose(): Promise<void>;
}

// Core's Bookmark is the DTO's shape exactly (checked here), so a copy of it is the DTO.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _bookmarkShape: Same<Bookmark, BookmarkDto> = true;
void _bookmarkShape;
const bookmarkDto = (b: Bookmark): BookmarkDto => ({ ...b });

function settingsDto(s: Settings): SettingsDto {
  const { version: _v, windowBounds, ...rest } = s;
  return { ...rest, extraKnownHostsFiles: [...rest.extraKnownHostsFiles], windowBounds: windowBounds ? { ...windowBounds } : null };
}

/** The part of a known_hosts reference the dialog shows (not its marker or hashing). */
function refDto({ file, line, keyType, bits, fingerprint }: KnownHostEntryDto): KnownHostEntryDto {
  return { file, line, keyType, bits, fingerprint };
}

/** Opens the stores and builds every service main needs. */
export async function createAppContext(opts: AppContextOptions): Promise<AppContext> {
  const emit = opts.emit;
  const questions = new QuestionBroker(emit);
  const lists = new ListRegistry();
  const finds = new FindRegistry(emit);
  const local = new LocalFs();
  const settingsStore = await SettingsStore.open({ configDir: opts.configDir });
  const bookmarkStore = await BookmarkStore.open({ configDir: opts.configDir });
  const secretStore = opts.secretStore ?? new KeytarSecretStore();
  const bookmarkCore = new CoreBookmarkService(bookmarkStore, secretStore);
  let launchUrl = opts.launchUrl ?? null;

  // One known_hosts store (it keeps "trust once" for this process); rebuilt when its settings change.
  const knownPaths = defaultKnownHostsPaths(opts.home);
  let known: { key: string; store: KnownHostsStore } | undefined;
  const knownHosts = (s: Settings): KnownHostsStore => {
    const key = JSON.stringify([s.extraKnownHostsFiles, s.hashKnownHosts]);
    if (known?.key !== key) {
      known = {
        key,
        store: new KnownHostsStore({
          userFiles: knownPaths.userFiles,
          systemFiles: knownPaths.systemFiles,
          extraFiles: s.extraKnownHostsFiles,
          hashKnownHosts: s.hashKnownHosts,
        }),
      };
    }
    return known.store;
  };

  const askHostKey = async (q: HostKeyQuestion): Promise<HostKeyAnswer> => {
    // The question carries core's facts; only the stored keys are trimmed to what the dialog shows.
    const { kind, ...facts } = q;
    const detail = 'offending' in facts ? (({ offending, ...rest }) => ({ ...rest, stored: offending.map(refDto) }))(facts) : facts;
    const a = await questions.ask({ kind: 'host-key', status: kind, ...detail });
    return a?.decision ?? 'cancel';
  };

  const sessions = new SessionManager({
    // Every connect (first, by bookmark, reconnect) asks for the key types known_hosts already holds first.
    connect: async (o) => {
      const knownHostKeyTypes = o.knownHostKeyTypes ?? (await knownHosts(settingsStore.get()).knownKeyTypes(o.host, o.port ?? 22));
      // The dead-link setting bounds keepalive and handshake (issue 13); explicit connectDefaults (tests) still win.
      const deadLink = keepaliveFor(settingsStore.get().deadLinkSeconds);
      return (opts.connect ?? sftpConnect)({ ...deadLink, ...opts.connectDefaults, ...o, knownHostKeyTypes });
    },
    hostKeyVerifier: () => {
      const s = settingsStore.get();
      return createHostKeyVerifier({ store: knownHosts(s), policy: s.hostKeyPolicy, ask: askHostKey });
    },
    questions,
    emit,
    secrets: secretStore,
    home: opts.home,
    bookmarks: bookmarkCore,
    ...(opts.connectDefaults ? { connectDefaults: opts.connectDefaults } : {}),
    ...(opts.reconnectPolicy ? { reconnectPolicy: opts.reconnectPolicy } : {}),
  });

  const bookmarks: BookmarkService = {
    async list() {
      return {
        bookmarks: bookmarkStore.list().map(bookmarkDto),
        groups: bookmarkStore.groups(),
        problems: bookmarkStore.problems.map((p) => ({ ...p, ...(p.issues ? { issues: [...p.issues] } : {}) })),
        readOnly: bookmarkStore.readOnly,
      };
    },
    async create(input, secrets) {
      const r = await bookmarkCore.create(input, secrets);
      return { bookmark: bookmarkDto(r.bookmark), keychainWarning: r.keychainWarning };
    },
    async update(id, patch, secrets) {
      const r = await bookmarkCore.update(id, patch, secrets);
      return { bookmark: bookmarkDto(r.bookmark), keychainWarning: r.keychainWarning };
    },
    async remove(id) {
      const r = await bookmarkCore.delete(id);
      return { keychainWarning: r.keychainWarning };
    },
    async duplicate(id) {
      return bookmarkDto(await bookmarkCore.duplicate(id));
    },
    importPreview: () => bookmarkCore.scanSshConfig({ home: opts.home }),
    async importCandidates(ids, allowDuplicates) {
      const r = await bookmarkCore.importCandidates(ids, { allowDuplicates });
      return { created: r.created.map(bookmarkDto), skipped: r.skipped };
    },
  };

  const secrets: SecretService = {
    async set(bookmarkId, kind, secret) {
      await bookmarkCore.setSecret(bookmarkId, kind, secret);
    },
    has: (bookmarkId, kind) => bookmarkCore.hasSecret(bookmarkId, kind),
    async remove(bookmarkId, kind) {
      await bookmarkCore.deleteSecret(bookmarkId, kind);
    },
  };

  const settings: SettingsService = {
    async get() {
      return settingsDto(settingsStore.get());
    },
    async set(patch) {
      const { windowBounds, ...rest } = patch;
      const p: Parameters<SettingsStore['update']>[0] = { ...rest };
      if (windowBounds !== undefined) p.windowBounds = windowBounds === null ? null : { ...windowBounds, maximized: windowBounds.maximized ?? false };
      const saved = await settingsStore.update(p);
      // Running jobs follow a new speed limit at once (the queue re-times its waiting requests).
      transfers.setSpeedLimits(speedLimitsOf(saved));
      const stored = settingsDto(saved);
      opts.onSettingsChanged?.(stored);
      return stored;
    },
  };

  const transfers = createTransferService({
    sessions,
    local,
    questions,
    emit,
    settings: () => settingsStore.get(),
    ...(opts.transferTuning ? { tuning: opts.transferTuning } : {}),
  });

  // Unfinished transfers survive a quit or a crash (transfers.json); the next start offers them.
  const unfinished = createUnfinishedTransfers({
    journal: await TransferJournal.open({ configDir: opts.configDir }),
    transfers,
    sessions,
    local,
  });

  const edits = createEditService({
    sessions,
    transfers,
    questions,
    emit,
    settings: () => settingsStore.get(),
    configDir: opts.configDir,
    home: opts.home,
    ...(opts.openPath ? { openPath: opts.openPath } : {}),
    ...(opts.editTempParent ? { tempParent: opts.editTempParent } : {}),
  });

  const services: Services = {
    appInfo: () => ({ ...opts.info, platform: process.platform, localSep: path.sep === '\\' ? '\\' : '/' }),
    about: createAbout({ name: opts.info.name, version: opts.info.version, mode: opts.info.mode, ...opts.about }),
    takeLaunchUrl: () => {
      const u = launchUrl;
      launchUrl = null;
      return u;
    },
    sessions,
    local,
    find: findEntries,
    lists,
    finds,
    transfers,
    unfinished,
    edits,
    bookmarks,
    secrets,
    settings,
    dialogs: opts.dialogs,
    questions,
  };

  return {
    services,
    sessions,
    async dispose() {
      // First, while sessions are still up: copies whose last change did not reach the server are kept.
      const kept = await edits.dispose().catch(() => []);
      if (kept.length > 0) console.warn(`[skiff] edited files with changes not on the server were kept:\n${kept.join('\n')}`);
      questions.cancelAll();
      lists.cancelAll();
      finds.cancelAll();
      await unfinished.shutdown().catch((err: unknown) => console.warn('[skiff] stopping transfers:', err));
      await sessions.closeAll();
    },
  };
}
