// The main window: saved servers and Quick Connect on the left, the local and remote panes side by
// side, the transfer queue below. This file only lays the parts out and wires them together: the
// session, questions, file operations, drag and drop, notices, dialogs and commands each live in
// their own hook or component (state/, components/).
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { CommandId } from '../../electron/ipc/commands';
import type { BookmarkDto, SkiffApi } from '../../electron/ipc/contract';
import { ConnectionBar, LocalBar, SidebarFoot } from './components/connection-bar';
import { ContextMenu } from './components/context-menu';
import { DialogHost, useDialog } from './components/dialog-host';
import { EditedFiles } from './components/edited-files';
import { FilePane } from './components/file-pane';
import { Notices } from './components/notices';
import { QuickConnect } from './components/quick-connect';
import { SavedServers } from './components/saved-servers';
import { Splitter } from './components/splitter';
import { TransferQueue } from './components/transfer-queue';
import { UnfinishedPrompt } from './components/unfinished-prompt';
import type { Side } from './model/types';
import { CommandEnvContext, contextMenuItems, platformOf, runCommand, type CommandEnv } from './state/commands';
import { acceptsDrag, encodeDrag } from './state/drag-drop';
import { appBindings, useWindowCommands, type AppCommandId } from './state/use-app-commands';
import { useAppInfo } from './state/use-app-info';
import { useBookmarkList } from './state/use-bookmark-list';
import { useEdits } from './state/use-edits';
import { useFileOps } from './state/use-file-ops';
import { useNotices } from './state/use-notices';
import { usePanes } from './state/use-panes';
import { useQuestions } from './state/use-questions';
import { useSession } from './state/use-session';
import { useTransfers } from './state/use-transfers';
import { useConnectRetry } from './state/use-connect-retry';
import { useUnfinished } from './state/use-unfinished';
import { useWindowSettings } from './state/use-window-settings';

/** The Skiff main window over a SkiffApi (window.skiff, the web bridge, or a test fake); `onCommandRan` lets tests watch commands run. */
export function App({ api, onCommandRan }: { api: SkiffApi; onCommandRan?: (id: CommandId) => void }) {
  const info = useAppInfo(api);
  const platform = platformOf(info);
  const env = useMemo<CommandEnv>(() => ({ platform, ...(onCommandRan ? { ran: onCommandRan } : {}) }), [platform, onCommandRan]);
  const { notices, notify, dismiss } = useNotices();
  const bookmarks = useBookmarkList(api);
  const questions = useQuestions(api);
  const dialogs = useDialog();
  const [menu, setMenu] = useState<{ side: Side; x: number; y: number } | null>(null);
  const [layout, setLayout] = useState({ split: 0.5, queue: 0.26, sidebar: 0.19 });

  const focusRemote = useRef(false);
  const session = useSession(api, notify, {
    connected: () => {
      panes.setActive('remote');
      // Land the keyboard in the remote pane once its grid has rendered (see the effect below).
      focusRemote.current = true;
      bookmarks.reload();
    },
    // Back after a drop: the remote pane is still in the user's folder; show it as it is now.
    reconnected: () => panes.panes.remote.refresh(),
    ended: () => panes.setActive('local'),
  });
  const s = session.session;
  const panes = usePanes(api, info, s, notify);
  const settings = useWindowSettings(api, panes.applyHidden);
  const { local, remote } = panes.panes;
  // A transfer that finishes into the folder a pane shows refreshes it.
  const transfers = useTransfers(api, (job) => {
    const pane = job.direction === 'upload' ? remote : local;
    if (pane.path === job.targetDir) pane.refresh();
  });
  const connectAndRetry = useConnectRetry(api, session, notify);
  const unfinished = useUnfinished(api, notify, connectAndRetry);
  const edits = useEdits(api, notify);
  const ops = useFileOps(api, s, panes, transfers.upsert, notify, edits.open);

  const openContextMenu = (side: Side, at?: { x: number; y: number }): void => {
    const grid = panes.grids[side].current;
    const rect = grid?.querySelector('[aria-selected="true"]')?.getBoundingClientRect() ?? grid?.getBoundingClientRect();
    setMenu({ side, x: at?.x ?? (rect ? rect.left + 40 : 100), y: at?.y ?? (rect ? rect.top + 20 : 100) });
  };
  const bindings = appBindings({ api, session, panes, ops, edits, openDialog: dialogs.open, openContextMenu, env });
  useWindowCommands(api, bindings, panes.active, env);

  // A timer could fire before the remote grid exists (a busy machine): try after every render until it does.
  useEffect(() => {
    const grid = panes.grids.remote.current;
    if (!focusRemote.current || !grid) return;
    focusRemote.current = false;
    grid.focus();
  });

  // The window title says where the user is (the OS task switcher shows it).
  const title = s ? `${s.username}@${s.host}:${remote.path || s.home} — Skiff` : 'Skiff';
  useEffect(() => {
    document.title = title;
  }, [title]);

  const pane = (side: Side) => (
    <FilePane
      side={side}
      model={panes.panes[side]}
      bindings={bindings}
      active={panes.active === side}
      onFocusPane={() => panes.setActive(side)}
      onOpen={(e) => ops.open(side, e)}
      onDragStartRows={(e: DragEvent, entries) => encodeDrag(e.dataTransfer, side, entries)}
      onDropOnPane={(e: DragEvent) => ops.drop(side, e.dataTransfer)}
      canDrop={(e: DragEvent) => acceptsDrag(e.dataTransfer, side)}
      gridRef={panes.grids[side]}
      pathInputRef={panes.pathInputs[side]}
      extraTools={
        side === 'local' ? (
          <LocalBar />
        ) : (
          <ConnectionBar session={s} reconnecting={session.reconnecting} onCancelReconnect={session.disconnect} bindings={bindings} />
        )
      }
      {...(side === 'remote' && !s
        ? {
            placeholder: (
              <div className="not-connected">
                <p className="big">Not connected</p>
                <p className="muted">Use Quick Connect or pick a saved server to browse remote files.</p>
              </div>
            ),
          }
        : {})}
    />
  );

  const prefill = session.prefill;
  return (
    <CommandEnvContext.Provider value={env}>
      <div className="app" style={{ gridTemplateRows: `minmax(0, 1fr)${edits.files.length > 0 ? ' auto' : ''} 6px ${Math.round(layout.queue * 100)}%` }}>
        <div className="main-row" style={{ gridTemplateColumns: `minmax(180px, ${layout.sidebar}fr) 6px minmax(0, ${1 - layout.sidebar}fr)` }}>
          <aside className="sidebar">
            <QuickConnect
              key={prefill?.n ?? 0}
              busy={session.connecting}
              {...(prefill
                ? { initial: { host: prefill.url.host, port: prefill.url.port, ...(prefill.url.username ? { username: prefill.url.username } : {}) } }
                : {})}
              onConnect={(v) =>
                void session.connect(
                  {
                    host: v.host,
                    port: v.port,
                    username: v.username,
                    authMethod: v.keyPath ? 'key' : 'password',
                    ...(v.password ? { password: v.password } : {}),
                    ...(v.keyPath ? { keyPath: v.keyPath } : {}),
                    rememberPassword: v.remember && v.password !== '',
                  },
                  // An sftp:// launch's path is where the remote pane starts.
                  prefill?.url.path && prefill.url.host === v.host ? prefill.url.path : null,
                )
              }
              onSaveBookmark={(v) => {
                // "Remember password" with a typed password stores it in the keychain with the bookmark.
                const remember = v.remember && v.password !== '';
                api.bookmarks
                  .create({
                    bookmark: {
                      name: `${v.username}@${v.host}`,
                      host: v.host,
                      port: v.port,
                      username: v.username,
                      authMethod: v.keyPath ? 'key' : 'password',
                      keyPath: v.keyPath || null,
                      rememberPassword: remember,
                    },
                    ...(remember ? { password: v.password } : {}),
                  })
                  .then((r) => {
                    if (r.keychainWarning) notify(`Saved, but the password was not stored in the system keychain. ${r.keychainWarning.message}`, 'warning');
                    else notify(`Saved as “${r.bookmark.name}”.`, 'info');
                    bookmarks.reload();
                  })
                  .catch(notify);
              }}
              {...(info?.nativeDialogs ? { onPickKey: () => api.dialog.pickFile({ title: 'Choose a private key' }) } : {})}
            />
            <SavedServers
              api={api}
              list={bookmarks.list}
              onList={bookmarks.set}
              {...(s?.bookmarkId ? { activeId: s.bookmarkId } : {})}
              onConnect={(b: BookmarkDto) => {
                // The bookmark's initial folders: local right away, remote once connected.
                if (b.localDir) local.navigate(b.localDir);
                void session.connect({ bookmarkId: b.id }, b.remoteDir);
              }}
              notify={notify}
              nativeDialogs={info?.nativeDialogs ?? false}
            />
            <SidebarFoot bindings={bindings} />
          </aside>
          <Splitter
            orientation="vertical"
            label="Resize sidebar"
            value={layout.sidebar}
            min={0.12}
            max={0.4}
            onChange={(v) => setLayout((l) => ({ ...l, sidebar: v }))}
          />
          <main className="panes" style={{ gridTemplateColumns: `minmax(0, ${layout.split}fr) 6px minmax(0, ${1 - layout.split}fr)` }}>
            {pane('local')}
            <Splitter
              orientation="vertical"
              label="Resize panes"
              value={layout.split}
              min={0.2}
              max={0.8}
              onChange={(v) => setLayout((l) => ({ ...l, split: v }))}
            />
            {pane('remote')}
          </main>
        </div>
        <EditedFiles files={edits.files} onStop={edits.stop} onRetry={edits.retry} onResolve={edits.resolve} />
        <Splitter
          orientation="horizontal"
          label="Resize transfer queue"
          value={layout.queue}
          min={0.1}
          max={0.6}
          onChange={(v) => setLayout((l) => ({ ...l, queue: v }))}
        />
        <TransferQueue
          jobs={transfers.jobs}
          speedLimits={settings.speedLimits}
          reconnectingSessionId={session.reconnecting && s ? s.sessionId : null}
          onAction={(job, action) => (action === 'connect-retry' ? connectAndRetry(job) : transfers.act(job, action))}
          onClearFinished={transfers.clearFinished}
        />
        <UnfinishedPrompt model={unfinished} />
        <Notices notices={notices} onDismiss={dismiss} />

        {menu ? (
          <ContextMenu
            label={`${menu.side === 'local' ? 'Local' : 'Remote'} file actions`}
            x={menu.x}
            y={menu.y}
            items={contextMenuItems(menu.side === 'local' ? 'local-pane' : 'remote-pane', bindings, { side: menu.side }, platform)}
            onClose={() => {
              setMenu(null);
              panes.grids[menu.side].current?.focus();
            }}
            onPick={(id) => {
              setMenu(null);
              panes.grids[menu.side].current?.focus();
              runCommand(bindings, id as AppCommandId, { side: menu.side }, env);
            }}
          />
        ) : null}

        <DialogHost
          api={api}
          dialog={dialogs.dialog}
          onClose={dialogs.close}
          questions={questions}
          session={s}
          ops={ops}
          localDir={local.path}
          platform={platform}
          onSettingsSaved={settings.applied}
        />
      </div>
    </CommandEnvContext.Provider>
  );
}
