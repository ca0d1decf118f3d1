// The main window: bookmarks + Quick Connect on the left, local and remote panes side by
// side, the transfer queue below. Owns the connection, the questions main asks, the
// dialogs and every file command; the panes own navigation and selection.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { AppInfo, BookmarkDto, OpenUrlDto, BookmarkList, FileEntryDto, MenuCommand, QuestionAnswer, QuestionDto, SessionInfo, SettingsDto, SkiffApi } from '../../electron/ipc/contract';
import { ContextMenu, type MenuItem } from './components/context-menu';
import { FilePane, type PaneCommand } from './components/file-pane';
import { QuickConnect, type QuickConnectValues } from './components/quick-connect';
import { SavedServers } from './components/saved-servers';
import { Splitter } from './components/splitter';
import { TransferQueue } from './components/transfer-queue';
import { ConfirmDeleteDialog } from './dialogs/confirm-delete-dialog';
import { ConflictDialog } from './dialogs/conflict-dialog';
import { FindDialog } from './dialogs/find-dialog';
import { HostKeyDialog } from './dialogs/host-key-dialog';
import { KeyboardInteractiveDialog } from './dialogs/keyboard-interactive-dialog';
import { PasswordDialog } from './dialogs/password-dialog';
import { invalidName, PromptDialog } from './dialogs/prompt-dialog';
import { PropertiesDialog } from './dialogs/properties-dialog';
import { ServerInfoDialog } from './dialogs/server-info-dialog';
import { SettingsDialog } from './dialogs/settings-dialog';
import { displayName } from './model/display-name';
import { describeError, isCancelled } from './model/errors';
import { joinPath, normalizePosix, posix, type PathStyle } from './model/paths';
import type { Entry, Side } from './model/types';
import { localLister, remoteLister } from './state/listing';
import { usePane, type PaneModel } from './state/use-pane';
import { useTransfers } from './state/use-transfers';

type Dialog =
  | { kind: 'mkdir'; side: Side }
  | { kind: 'rename'; side: Side; entry: Entry }
  | { kind: 'delete'; side: Side; entries: Entry[] }
  | { kind: 'properties'; side: Side; entries: Entry[] }
  | { kind: 'symlink'; side: Side; entry?: Entry }
  | { kind: 'find' }
  | { kind: 'server-info' };

interface Notice {
  id: number;
  message: string;
  hint: string;
  tone: 'error' | 'info' | 'warning';
}

const DRAG_TYPE: Record<Side, string> = { local: 'application/x-skiff-local', remote: 'application/x-skiff-remote' };

/** Electron's preload adds this to window.skiff: the real path of a File dropped from the OS. */
type WithFileDrops = SkiffApi & { pathForFile?: (file: File) => string | null };

/** The Skiff main window over a SkiffApi (window.skiff, the web bridge, or a test fake). */
export function App({ api }: { api: SkiffApi }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [localHome, setLocalHome] = useState<string | null>(null);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [bookmarks, setBookmarks] = useState<BookmarkList | null>(null);
  const [questions, setQuestions] = useState<QuestionDto[]>([]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [menu, setMenu] = useState<{ side: Side; x: number; y: number } | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [active, setActive] = useState<Side>('local');
  const [split, setSplit] = useState(0.5);
  const [queueSize, setQueueSize] = useState(0.26);
  const [sidebarSize, setSidebarSize] = useState(0.19);
  const noticeId = useRef(0);
  // An sftp:// launch URL prefills Quick Connect (never connects by itself); its path is
  // where the remote pane starts after the user connects.
  const [prefill, setPrefill] = useState<{ n: number; url: OpenUrlDto } | null>(null);
  const startPath = useRef<string | null>(null);

  const notify = useCallback((err: unknown, tone: Notice['tone'] = 'error') => {
    if (isCancelled(err)) return;
    const d = typeof err === 'string' ? { message: err, hint: '' } : describeError(err);
    const id = ++noticeId.current;
    setNotices((n) => [...n.slice(-3), { id, message: d.message, hint: d.hint, tone }]);
  }, []);

  // Startup: app info, local home, bookmarks.
  useEffect(() => {
    let live = true;
    api.app
      .info()
      .then((i) => live && setInfo(i))
      .catch(() => live && setInfo({ name: 'Skiff', version: '', platform: '', mode: 'web', localSep: '/', nativeDialogs: false }));
    api.local
      .home()
      .then((h) => live && setLocalHome(h))
      .catch((e: unknown) => {
        notify(e);
        if (live) setLocalHome('/');
      });
    api.bookmarks
      .list()
      .then((b) => live && setBookmarks(b))
      .catch(() => undefined);
    api.app
      .takeLaunchUrl()
      .then((u) => live && u && setPrefill((p) => ({ n: (p?.n ?? 0) + 1, url: u })))
      .catch(() => undefined);
    const offUrl = api.on('app:open-url', (u) => setPrefill((p) => ({ n: (p?.n ?? 0) + 1, url: u })));
    return () => {
      live = false;
      offUrl();
    };
  }, [api, notify]);

  const localStyle = useMemo<PathStyle>(() => ({ sep: info?.localSep ?? '/' }), [info]);
  const localList = useMemo(() => localLister(api), [api]);
  const remoteList = useMemo(() => (session ? remoteLister(api, session.sessionId) : null), [api, session]);
  const localRaw = usePane(localHome === null ? null : localList, localStyle, localHome);
  const remoteRaw = usePane(remoteList, posix, session ? session.home : null);

  // "Show hidden files" is remembered in settings: applied to both panes at startup,
  // saved whenever the user flips it in either pane.
  const setLocalHidden = localRaw.setShowHidden;
  const setRemoteHidden = remoteRaw.setShowHidden;
  useEffect(() => {
    let live = true;
    api.settings
      .get()
      .then((st) => {
        // A pinned theme overrides the OS preference; "system" leaves it to prefers-color-scheme.
        if (live) applyTheme(st.theme);
        if (live && st.showHidden) {
          setLocalHidden(true);
          setRemoteHidden(true);
        }
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, setLocalHidden, setRemoteHidden]);
  // Settings saved in the dialog take effect at once (theme, hidden files in both panes).
  const settingsSaved = (st: SettingsDto): void => {
    setSettingsOpen(false);
    applyTheme(st.theme);
    setLocalHidden(st.showHidden);
    setRemoteHidden(st.showHidden);
  };
  const persistHidden = (m: PaneModel): PaneModel => ({
    ...m,
    setShowHidden: (v: boolean) => {
      m.setShowHidden(v);
      api.settings.set({ showHidden: v }).catch(() => undefined);
    },
  });
  const local = persistHidden(localRaw);
  const remote = persistHidden(remoteRaw);
  const panes: Record<Side, PaneModel> = { local, remote };
  const localGridRef = useRef<HTMLDivElement>(null);
  const remoteGridRef = useRef<HTMLDivElement>(null);
  const localPathRef = useRef<HTMLInputElement>(null);
  const remotePathRef = useRef<HTMLInputElement>(null);
  const gridFor = (side: Side): HTMLDivElement | null => (side === 'local' ? localGridRef.current : remoteGridRef.current);

  // Refresh a pane when a transfer into the folder it shows finishes.
  const refreshIfShowing = useCallback(
    (side: Side, dir: string) => {
      const p = side === 'local' ? local : remote;
      if (p.path === dir) p.refresh();
    },
    [local, remote],
  );
  const transfers = useTransfers(api, (job) => refreshIfShowing(job.direction === 'upload' ? 'remote' : 'local', job.targetDir));

  // The live session for event handlers (they outlive renders).
  const sessionRef = useRef<SessionInfo | null>(null);
  useEffect(() => {
    sessionRef.current = session;
  }, [session]);

  // Questions and session events from main.
  useEffect(() => {
    const offAsk = api.on('question:ask', (q) => setQuestions((qs) => [...qs.filter((x) => x.id !== q.id), q]));
    const offClosed = api.on('question:closed', (c) => setQuestions((qs) => qs.filter((x) => x.id !== c.id)));
    const offSession = api.on('session:closed', (s) => {
      if (sessionRef.current?.sessionId !== s.sessionId) return;
      sessionRef.current = null;
      setSession(null);
      setActive('local');
      if (!s.byUser) notify({ code: s.code, message: s.message });
    });
    return () => {
      offAsk();
      offClosed();
      offSession();
    };
  }, [api, notify]);

  const answer = useCallback(
    (id: string, a: QuestionAnswer) => {
      setQuestions((qs) => qs.filter((x) => x.id !== id));
      api.question.answer({ id, answer: a }).catch(() => undefined);
    },
    [api],
  );

  const connect = useCallback(
    async (args: Parameters<SkiffApi['session']['connect']>[0]) => {
      setConnecting(true);
      try {
        if (session) await api.session.disconnect({ sessionId: session.sessionId }).catch(() => undefined);
        const s = await api.session.connect(args);
        if (s.keychainWarning) notify(`Connected, but the system keychain could not be used. ${s.keychainWarning.message}`, 'warning');
        const wanted = startPath.current;
        startPath.current = null;
        setSession(wanted ? { ...s, home: wanted } : s);
        setActive('remote');
        // Land the keyboard in the remote pane once it has rendered.
        setTimeout(() => remoteGridRef.current?.focus(), 0);
        api.bookmarks
          .list()
          .then(setBookmarks)
          .catch(() => undefined);
      } catch (err) {
        notify(err);
      } finally {
        setConnecting(false);
      }
    },
    [api, session, notify],
  );

  const quickConnect = (v: QuickConnectValues): void => {
    void connect({
      host: v.host,
      port: v.port,
      username: v.username,
      authMethod: v.keyPath ? 'key' : 'password',
      ...(v.password ? { password: v.password } : {}),
      ...(v.keyPath ? { keyPath: v.keyPath } : {}),
      rememberPassword: v.remember && v.password !== '',
    });
  };

  const disconnect = useCallback(() => {
    if (!session) return;
    const id = session.sessionId;
    setSession(null);
    setActive('local');
    api.session.disconnect({ sessionId: id }).catch(notify);
  }, [api, session, notify]);

  // ── transfers ──
  const enqueue = useCallback(
    (direction: 'upload' | 'download', sources: string[], targetDir: string) => {
      if (!session) {
        notify({ code: 'NOT_CONNECTED', message: 'Not connected to a server.' });
        return;
      }
      if (sources.length === 0) return;
      api.transfer.enqueue({ sessionId: session.sessionId, direction, sources, targetDir }).then(transfers.upsert, notify);
    },
    [api, session, notify, transfers.upsert],
  );

  const copyToOther = useCallback(
    (from: Side, entries: Entry[]) => {
      if (entries.length === 0) return;
      if (from === 'local') enqueue('upload', entries.map((e) => e.path), remote.path);
      else enqueue('download', entries.map((e) => e.path), local.path);
    },
    [enqueue, local.path, remote.path],
  );

  // ── file operations ──
  const run = useCallback(
    async (side: Side, op: () => Promise<unknown>, after?: string) => {
      try {
        await op();
      } catch (err) {
        notify(err);
      }
      const p = side === 'local' ? local : remote;
      p.refresh();
      if (after) setTimeout(() => p.select({ type: 'select-names', names: [after] }), 0);
    },
    [local, remote, notify],
  );

  const childPath = (side: Side, name: string): string => (side === 'remote' ? normalizePosix(name, remote.path) : joinPath(localStyle, local.path, name));

  const doMkdir = (side: Side, name: string): void => {
    const path = childPath(side, name);
    void run(side, () => (side === 'remote' && session ? api.sftp.mkdir({ sessionId: session.sessionId, path }) : api.local.mkdir({ path })), name);
  };
  const doRename = (side: Side, entry: Entry, name: string): void => {
    const to = childPath(side, name);
    void run(side, () => (side === 'remote' && session ? api.sftp.rename({ sessionId: session.sessionId, from: entry.path, to }) : api.local.rename({ from: entry.path, to })), name);
  };
  const doDelete = (side: Side, entries: Entry[]): void => {
    const paths = entries.map((e) => e.path);
    void run(side, () => (side === 'remote' && session ? api.sftp.delete({ sessionId: session.sessionId, paths, recursive: true }) : api.local.delete({ paths, recursive: true })));
  };
  const doChmod = (entries: Entry[], mode: number): void => {
    if (!session) return;
    void run('remote', () => api.sftp.chmod({ sessionId: session.sessionId, paths: entries.map((e) => e.path), mode }), entries.length === 1 ? entries[0]!.name : undefined);
  };
  const doSymlink = (name: string, target: string): void => {
    if (!session) return;
    void run('remote', () => api.sftp.symlink({ sessionId: session.sessionId, target, linkPath: normalizePosix(name, remote.path) }), name);
  };

  const copyPath = (side: Side): void => {
    const entries = panes[side].selectedEntries();
    const text = entries.length > 0 ? entries.map((e) => e.path).join('\n') : panes[side].path;
    navigator.clipboard?.writeText(text).then(
      () => notify(`Copied ${entries.length > 1 ? `${entries.length} paths` : 'the path'} to the clipboard.`, 'info'),
      () => notify('The clipboard is not available here.'),
    );
  };

  const focusPane = (side: Side): void => {
    setActive(side);
    gridFor(side)?.focus();
  };

  const command = (side: Side, cmd: PaneCommand | MenuCommand, at?: { x: number; y: number }): void => {
    const pane = panes[side];
    const sel = pane.selectedEntries();
    const remoteReady = side === 'local' || session !== null;
    switch (cmd) {
      case 'switch-pane':
        return focusPane(side === 'local' ? 'remote' : 'local');
      case 'copy-to-other':
      case 'copy-to-other-pane':
        return copyToOther(side, sel);
      case 'mkdir':
      case 'new-folder':
        if (remoteReady) setDialog({ kind: 'mkdir', side });
        return;
      case 'rename':
        if (sel.length === 1) setDialog({ kind: 'rename', side, entry: sel[0]! });
        return;
      case 'delete':
        if (sel.length > 0) setDialog({ kind: 'delete', side, entries: sel });
        return;
      case 'properties':
        if (sel.length > 0) setDialog({ kind: 'properties', side, entries: sel });
        return;
      case 'symlink':
        if (side === 'remote' && session) setDialog({ kind: 'symlink', side, ...(sel[0] ? { entry: sel[0] } : {}) });
        return;
      case 'copy-path':
        return copyPath(side);
      case 'find':
        if (session) setDialog({ kind: 'find' });
        return;
      case 'server-info':
        if (session) setDialog({ kind: 'server-info' });
        return;
      case 'context-menu': {
        const grid = gridFor(side);
        const rect = grid?.querySelector(`[aria-selected="true"]`)?.getBoundingClientRect() ?? grid?.getBoundingClientRect();
        setMenu({ side, x: at?.x ?? (rect ? rect.left + 40 : 100), y: at?.y ?? (rect ? rect.top + 20 : 100) });
        return;
      }
      case 'refresh':
        return pane.refresh();
      case 'select-all':
        return pane.select({ type: 'select-all' });
      case 'toggle-hidden':
        return pane.setShowHidden(!pane.showHidden);
      case 'disconnect':
        return disconnect();
      case 'settings':
        return setSettingsOpen(true);
      case 'quick-connect':
        document.querySelector<HTMLInputElement>('.quick-connect input')?.focus();
        return;
      default:
        return;
    }
  };

  // Menu commands from the native menu bar (Electron) act on the active pane.
  const commandRef = useRef(command);
  useEffect(() => {
    commandRef.current = command;
  });
  useEffect(() => api.on('app:menu', (m) => commandRef.current(active, m.command)), [api, active]);

  const menuItems = (side: Side): MenuItem[] => {
    const sel = panes[side].selectedEntries();
    const n = sel.length;
    const isRemote = side === 'remote';
    return [
      { id: 'copy-to-other', label: isRemote ? 'Download' : 'Upload', shortcut: 'F5', disabled: n === 0 || !session },
      { id: 'mkdir', label: 'New folder…', shortcut: 'F7', separatorBefore: true },
      { id: 'rename', label: 'Rename…', shortcut: 'F2', disabled: n !== 1 },
      { id: 'delete', label: n > 1 ? `Delete ${n} items…` : 'Delete…', shortcut: 'Del', disabled: n === 0 },
      { id: 'symlink', label: 'Create symlink…', disabled: !isRemote },
      { id: 'copy-path', label: 'Copy path', separatorBefore: true },
      { id: 'properties', label: 'Properties…', shortcut: 'Alt+Enter', disabled: n === 0 },
      ...(isRemote ? [{ id: 'find', label: 'Find on server…', shortcut: 'Ctrl+F', separatorBefore: true }] : []),
      ...(isRemote ? [{ id: 'server-info', label: 'Server information…', disabled: !session }] : []),
      { id: 'refresh', label: 'Refresh', shortcut: 'Ctrl+R', separatorBefore: !isRemote },
    ];
  };

  // ── drag and drop ──
  const onDragStartRows = (side: Side) => (e: DragEvent, entries: Entry[]) => {
    e.dataTransfer.effectAllowed = 'copy';
    e.dataTransfer.setData(DRAG_TYPE[side], JSON.stringify(entries.map((x) => x.path)));
    e.dataTransfer.setData('text/plain', entries.map((x) => x.path).join('\n'));
  };
  const canDrop = (side: Side) => (e: DragEvent) => {
    const types = Array.from(e.dataTransfer.types);
    const other: Side = side === 'local' ? 'remote' : 'local';
    return types.includes(DRAG_TYPE[other]) || (side === 'remote' && types.includes('Files'));
  };
  const onDrop = (side: Side) => (e: DragEvent) => {
    const other: Side = side === 'local' ? 'remote' : 'local';
    const data = e.dataTransfer.getData(DRAG_TYPE[other]);
    if (data) {
      let paths: unknown;
      try {
        paths = JSON.parse(data);
      } catch {
        return;
      }
      if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) return;
      if (side === 'remote') enqueue('upload', paths as string[], remote.path);
      else enqueue('download', paths as string[], local.path);
      return;
    }
    if (side === 'remote' && e.dataTransfer.files.length > 0) {
      const pathFor = (api as WithFileDrops).pathForFile;
      if (typeof pathFor !== 'function') {
        notify({ code: 'UNSUPPORTED', message: 'Dropping files from the desktop needs the Skiff app; in the browser preview, drag them from the local pane.' });
        return;
      }
      const paths = Array.from(e.dataTransfer.files)
        .map((f) => pathFor(f))
        .filter((p): p is string => typeof p === 'string' && p !== '');
      if (paths.length > 0) enqueue('upload', paths, remote.path);
      else notify({ code: 'UNSUPPORTED', message: 'Those items have no path on disk (e.g. dragged from a browser), so they cannot be uploaded.' });
    }
  };

  // Global keys: Ctrl/Cmd+R refresh even when focus is outside a grid; F6 cycles panes.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key === ',' && !e.altKey) {
        e.preventDefault();
        setSettingsOpen(true);
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'r' && !e.altKey) {
        e.preventDefault();
        panes[active].refresh();
      } else if (e.key === 'F6') {
        // F6 / Shift+F6 cycle the window's regions: local pane, remote pane, transfers, sidebar.
        e.preventDefault();
        const order = [gridFor('local'), gridFor('remote'), document.querySelector<HTMLElement>('.queue button:not([disabled])'), document.querySelector<HTMLElement>('.quick-connect input')].filter(
          (x): x is HTMLElement => x !== null,
        );
        const at = order.findIndex((el) => el.contains(document.activeElement) || el === document.activeElement);
        const next = order[(at + (e.shiftKey ? order.length - 1 : 1)) % order.length];
        next?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // The window title says where the user is (the OS task switcher shows it).
  useEffect(() => {
    document.title = session ? `${session.username}@${session.host}:${remote.path || session.home} — Skiff` : 'Skiff';
  }, [session, remote.path]);

  const question = questions[0];
  const sideLabel = (side: Side): string => (side === 'remote' && session ? `${displayName(session.host)}` : 'this computer');

  const remotePlaceholder = session ? undefined : (
    <div className="not-connected">
      <p className="big">Not connected</p>
      <p className="muted">Use Quick Connect or pick a saved server to browse remote files.</p>
    </div>
  );

  return (
    <div className="app" style={{ gridTemplateRows: `minmax(0, 1fr) 6px ${Math.round(queueSize * 100)}%` }}>
      <div className="main-row" style={{ gridTemplateColumns: `minmax(180px, ${sidebarSize}fr) 6px minmax(0, ${1 - sidebarSize}fr)` }}>
        <aside className="sidebar">
          <QuickConnect
            key={prefill?.n ?? 0}
            busy={connecting}
            {...(prefill
              ? { initial: { host: prefill.url.host, port: prefill.url.port, ...(prefill.url.username ? { username: prefill.url.username } : {}) } }
              : {})}
            onConnect={(v) => {
              startPath.current = prefill?.url.path && prefill.url.host === v.host ? prefill.url.path : null;
              quickConnect(v);
            }}
            onSaveBookmark={(v) => {
              // "Remember password" with a typed password stores it in the keychain with the bookmark.
              const remember = v.remember && v.password !== '';
              api.bookmarks
                .create({
                  bookmark: { name: `${v.username}@${v.host}`, host: v.host, port: v.port, username: v.username, authMethod: v.keyPath ? 'key' : 'password', keyPath: v.keyPath || null, rememberPassword: remember },
                  ...(remember ? { password: v.password } : {}),
                })
                .then((r) => {
                  if (r.keychainWarning) notify(`Saved, but the password was not stored in the system keychain. ${r.keychainWarning.message}`, 'warning');
                  else notify(`Saved as “${r.bookmark.name}”.`, 'info');
                  return api.bookmarks.list().then(setBookmarks);
                })
                .catch(notify);
            }}
            {...(info?.nativeDialogs ? { onPickKey: () => api.dialog.pickFile({ title: 'Choose a private key' }) } : {})}
          />
          <SavedServers
            api={api}
            list={bookmarks}
            onList={setBookmarks}
            {...(session?.bookmarkId ? { activeId: session.bookmarkId } : {})}
            onConnect={(b: BookmarkDto) => {
              // The bookmark's initial folders: remote once connected, local right away.
              startPath.current = b.remoteDir;
              if (b.localDir) local.navigate(b.localDir);
              void connect({ bookmarkId: b.id });
            }}
            notify={notify}
            nativeDialogs={info?.nativeDialogs ?? false}
          />
          <div className="sidebar-foot">
            <button type="button" className="small-button" onClick={() => setSettingsOpen(true)} aria-keyshortcuts="Control+Comma" title="Settings (Ctrl+,)">
              Settings…
            </button>
          </div>
        </aside>
        <Splitter orientation="vertical" label="Resize sidebar" value={sidebarSize} min={0.12} max={0.4} onChange={setSidebarSize} />
        <main className="panes" style={{ gridTemplateColumns: `minmax(0, ${split}fr) 6px minmax(0, ${1 - split}fr)` }}>
          <FilePane
            side="local"
            model={local}
            active={active === 'local'}
            onFocusPane={() => setActive('local')}
            onCommand={(c, at) => command('local', c, at)}
            onOpenFile={(e) => (session ? copyToOther('local', [e]) : undefined)}
            onDragStartRows={onDragStartRows('local')}
            onDropOnPane={onDrop('local')}
            canDrop={canDrop('local')}
            gridRef={localGridRef}
            pathInputRef={localPathRef}
            extraTools={
              <>
                <span className="status-dot local" aria-hidden="true" />
                <span className="session-label">This computer</span>
              </>
            }
          />
          <Splitter orientation="vertical" label="Resize panes" value={split} min={0.2} max={0.8} onChange={setSplit} />
          <FilePane
            side="remote"
            model={remote}
            active={active === 'remote'}
            onFocusPane={() => setActive('remote')}
            onCommand={(c, at) => command('remote', c, at)}
            onOpenFile={(e) => copyToOther('remote', [e])}
            onDragStartRows={onDragStartRows('remote')}
            onDropOnPane={onDrop('remote')}
            canDrop={canDrop('remote')}
            gridRef={remoteGridRef}
            pathInputRef={remotePathRef}
            {...(remotePlaceholder ? { placeholder: remotePlaceholder } : {})}
            extraTools={
              session ? (
                <>
                  <span className="status-dot" aria-hidden="true" />
                  <span className="session-label">
                    {displayName(session.username)}@{displayName(session.host)}
                    {session.port === 22 ? '' : `:${session.port}`}
                    <span className="muted"> · {session.authMethod}</span>
                  </span>
                  <span className="spacer" />
                  <button type="button" className="small-button" onClick={() => setDialog({ kind: 'find' })} title="Find on server (Ctrl+F)">
                    Find
                  </button>
                  <button type="button" className="small-button" onClick={disconnect}>
                    Disconnect
                  </button>
                </>
              ) : (
                <>
                  <span className="status-dot off" aria-hidden="true" />
                  <span className="session-label muted">Not connected</span>
                </>
              )
            }
          />
        </main>
      </div>
      <Splitter orientation="horizontal" label="Resize transfer queue" value={queueSize} min={0.1} max={0.6} onChange={setQueueSize} />
      <TransferQueue jobs={transfers.jobs} onAction={transfers.act} onClearFinished={transfers.clearFinished} />

      {notices.length > 0 ? (
        <div className="notices">
          {notices.map((n) => (
            <div key={n.id} className={`notice notice-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
              <div>
                <strong>{n.message}</strong> {n.hint}
              </div>
              <button type="button" className="icon-button small" aria-label="Dismiss" onClick={() => setNotices((all) => all.filter((x) => x.id !== n.id))}>
                ×
              </button>
            </div>
          ))}
        </div>
      ) : null}

      {menu ? (
        <ContextMenu
          label={`${menu.side === 'local' ? 'Local' : 'Remote'} file actions`}
          x={menu.x}
          y={menu.y}
          items={menuItems(menu.side)}
          onClose={() => {
            const side = menu.side;
            setMenu(null);
            gridFor(side)?.focus();
          }}
          onPick={(id) => {
            const side = menu.side;
            setMenu(null);
            gridFor(side)?.focus();
            command(side, id as PaneCommand);
          }}
        />
      ) : null}

      {dialog?.kind === 'mkdir' ? (
        <PromptDialog
          title={`New folder on ${sideLabel(dialog.side)}`}
          okLabel="Create"
          fields={[{ label: 'Folder name', initial: '' }]}
          validate={([n]) => invalidName(n ?? '')}
          onCancel={() => setDialog(null)}
          onSubmit={([n]) => {
            setDialog(null);
            doMkdir(dialog.side, n!);
          }}
        />
      ) : null}
      {dialog?.kind === 'rename' ? (
        <PromptDialog
          title={`Rename “${displayName(dialog.entry.name)}”`}
          okLabel="Rename"
          fields={[{ label: 'New name', initial: dialog.entry.name, selectStem: true }]}
          validate={([n]) => invalidName(n ?? '')}
          onCancel={() => setDialog(null)}
          onSubmit={([n]) => {
            setDialog(null);
            if (n !== dialog.entry.name) doRename(dialog.side, dialog.entry, n!);
          }}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmDeleteDialog
          entries={dialog.entries}
          where={sideLabel(dialog.side)}
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            doDelete(dialog.side, dialog.entries);
          }}
        />
      ) : null}
      {dialog?.kind === 'properties' ? (
        <PropertiesDialog
          entries={dialog.entries}
          canChmod={dialog.side === 'remote'}
          onCancel={() => setDialog(null)}
          onApply={(mode) => {
            setDialog(null);
            doChmod(dialog.entries, mode);
          }}
        />
      ) : null}
      {dialog?.kind === 'symlink' ? (
        <PromptDialog
          title="Create symbolic link"
          okLabel="Create"
          fields={[
            { label: 'Link name', initial: dialog.entry ? `${dialog.entry.name}-link` : '' },
            { label: 'Points to', initial: dialog.entry ? dialog.entry.name : '' },
          ]}
          validate={([n]) => invalidName(n ?? '')}
          onCancel={() => setDialog(null)}
          onSubmit={([n, t]) => {
            setDialog(null);
            doSymlink(n!, t!);
          }}
        />
      ) : null}
      {dialog?.kind === 'find' && session ? (
        <FindDialog
          api={api}
          sessionId={session.sessionId}
          root={remote.path || session.home}
          onClose={() => setDialog(null)}
          onDownload={(found: FileEntryDto[]) => {
            enqueue(
              'download',
              found.map((f) => f.path),
              local.path,
            );
            setDialog(null);
          }}
        />
      ) : null}

      {dialog?.kind === 'server-info' && session ? <ServerInfoDialog api={api} sessionId={session.sessionId} onClose={() => setDialog(null)} /> : null}

      {settingsOpen ? <SettingsDialog api={api} onSaved={settingsSaved} onCancel={() => setSettingsOpen(false)} /> : null}

      {question?.kind === 'host-key' ? <HostKeyDialog key={question.id} question={question} onDecide={(decision) => answer(question.id, { kind: 'host-key', decision })} /> : null}
      {question?.kind === 'keyboard-interactive' ? (
        <KeyboardInteractiveDialog key={question.id} question={question} onAnswer={(responses) => answer(question.id, { kind: 'keyboard-interactive', responses })} />
      ) : null}
      {question?.kind === 'password' ? (
        <PasswordDialog key={question.id} question={question} onAnswer={(secret, remember) => answer(question.id, { kind: 'password', secret, remember })} />
      ) : null}
      {question?.kind === 'conflict' ? (
        <ConflictDialog key={question.id} question={question} onAnswer={(action, applyToAll) => answer(question.id, { kind: 'conflict', action, applyToAll })} />
      ) : null}
    </div>
  );
}

/** Pins the theme on <html> (light/dark) or leaves it to the OS (system). */
function applyTheme(theme: SettingsDto['theme']): void {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}
