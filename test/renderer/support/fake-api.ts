// A fake bridge for component tests: the app's real createApi() over an in-memory
// transport, so components see exactly the SkiffApi they get in Electron. Handlers are
// per channel; events are pushed with emit(); every call is recorded.
import { createApi } from '../../../electron/ipc/create-api';
import type {
  BookmarkDto,
  SettingsDto,
  TransferJobDto,
  EventChannel,
  EventPayloads,
  FileEntryDto,
  RequestArg,
  RequestChannel,
  RequestResult,
  SkiffApi,
} from '../../../electron/ipc/contract';

type Handler<C extends RequestChannel> = (arg: RequestArg<C>) => RequestResult<C> | Promise<RequestResult<C>>;
export type Handlers = { [C in RequestChannel]?: Handler<C> };

export interface FakeBridge {
  api: SkiffApi;
  calls: Array<{ channel: string; arg: unknown }>;
  emit<E extends EventChannel>(event: E, payload: EventPayloads[E]): void;
  callsOf(channel: RequestChannel): unknown[];
}

/** Settings as a new install has them (the app's defaults). */
export function defaultSettings(over: Partial<SettingsDto> = {}): SettingsDto {
  return {
    theme: 'system',
    showHidden: false,
    hostKeyPolicy: 'ask',
    extraKnownHostsFiles: [],
    hashKnownHosts: false,
    transferConcurrency: 4,
    conflictDefault: 'ask',
    preservePermissions: true,
    windowBounds: null,
    sftpLinkHandler: 'ask',
    deadLinkSeconds: 15,
    editorCommand: '',
    editLargeFileMiB: 50,
    uploadLimitKiBps: null,
    downloadLimitKiBps: null,
    ...over,
  };
}

/** A queued upload job as main reports it, with `over` applied. */
export function jobDto(over: Partial<TransferJobDto> = {}): TransferJobDto {
  return {
    id: 'j1',
    sessionId: 's1',
    server: { host: 'example.org', port: 22, username: 'me' },
    serverConnected: true,
    direction: 'upload',
    sources: [],
    targetDir: '/srv',
    label: 'x',
    state: 'queued',
    bytesDone: 0,
    bytesTotal: 1,
    filesDone: 0,
    filesTotal: 1,
    rate: 0,
    etaSeconds: null,
    fileErrors: [],
    warnings: [],
    skipped: [],
    retries: 0,
    createdAt: 1,
    ...over,
  };
}

/** A file entry with sensible defaults. */
export function entry(dir: string, name: string, over: Partial<FileEntryDto> = {}): FileEntryDto {
  return {
    name,
    path: dir === '/' ? `/${name}` : `${dir}/${name}`,
    type: 'file',
    size: 1000,
    mtimeMs: Date.UTC(2026, 0, 15, 10, 30),
    atimeMs: 0,
    mode: 0o644,
    uid: 1000,
    gid: 1000,
    owner: 'me',
    group: 'staff',
    ...over,
  };
}

/** A saved server with sensible defaults (host `<id>.example.org`). */
export function bookmark(id: string, name: string, over: Partial<BookmarkDto> = {}): BookmarkDto {
  return {
    id,
    name,
    host: `${id}.example.org`,
    port: 22,
    username: 'deploy',
    authMethod: 'password',
    keyPath: null,
    remoteDir: null,
    localDir: null,
    group: null,
    notes: '',
    rememberPassword: false,
    lastConnectedAt: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

/**
 * Builds a fake bridge. `tree` maps folder paths to entries (used by local:list-dir and
 * sftp:list-dir, paged by `pageSize`); `handlers` override any channel.
 */
export function fakeBridge(opts: { tree?: Record<string, FileEntryDto[]>; handlers?: Handlers; pageSize?: number; home?: string } = {}): FakeBridge {
  const tree = opts.tree ?? {};
  const pageSize = opts.pageSize ?? 500;
  const calls: FakeBridge['calls'] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const lists = new Map<string, { path: string; entries: FileEntryDto[]; offset: number }>();
  let nextList = 1;

  const page = (listId: string) => {
    const l = lists.get(listId);
    if (!l) throw Object.assign(new Error('unknown list'), { code: 'INVALID_ARGUMENT' });
    const entries = l.entries.slice(l.offset, l.offset + pageSize);
    l.offset += entries.length;
    const done = l.offset >= l.entries.length;
    if (done) lists.delete(listId);
    return { listId, path: l.path, entries, done };
  };
  const startList = (path: string) => {
    const entries = tree[path];
    if (!entries) throw { code: 'NO_SUCH_FILE', message: `“${path}” does not exist.`, path };
    const listId = `list-${nextList++}`;
    lists.set(listId, { path, entries, offset: 0 });
    return page(listId);
  };

  const defaults: Handlers = {
    'app:info': () => ({ name: 'Skiff', version: '0.0.0-test', platform: 'linux', mode: 'web', localSep: '/', nativeDialogs: false }),
    'local:home': () => opts.home ?? '/home/me',
    'local:list-dir': (a) => startList(a.path),
    'sftp:list-dir': (a) => startList(a.path),
    'list:next': (a) => page(a.listId),
    'list:cancel': (a) => {
      lists.delete(a.listId);
    },
    'bookmarks:list': () => ({ bookmarks: [], groups: [], problems: [], readOnly: null }),
    'transfer:list': () => [],
    'transfer:unfinished': () => ({ jobs: [], problems: [] }),
    'edit:list-files': () => [],
    'edit:take-recovered': () => [],
    'question:answer': () => undefined,
  };

  const transport = {
    async invoke(channel: string, arg: unknown): Promise<unknown> {
      calls.push({ channel, arg });
      // Replies arrive as separate tasks, like IPC and WebSocket messages do.
      await new Promise((r) => setTimeout(r, 0));
      const h =
        (opts.handlers as Record<string, ((a: unknown) => unknown) | undefined>)?.[channel] ??
        (defaults as Record<string, ((a: unknown) => unknown) | undefined>)[channel];
      if (!h) return { ok: false, error: { code: 'UNSUPPORTED', message: `fake bridge: no handler for ${channel}` } };
      try {
        return { ok: true, value: await h(arg) };
      } catch (err) {
        const e = err as { code?: string; message?: string; path?: string };
        return { ok: false, error: { code: e.code ?? 'FAILURE', message: e.message ?? String(err), ...(e.path ? { path: e.path } : {}) } };
      }
    },
    on(channel: string, listener: (p: unknown) => void): () => void {
      let s = listeners.get(channel);
      if (!s) listeners.set(channel, (s = new Set()));
      s.add(listener);
      return () => s.delete(listener);
    },
  };

  return {
    api: createApi(transport),
    calls,
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    callsOf(channel) {
      return calls.filter((c) => c.channel === channel).map((c) => c.arg);
    },
  };
}
