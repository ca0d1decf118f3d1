// The Electron app's life cycle: single instance, app:// protocol, the one window, IPC host,
// menu, sftp:// launches, remembered bounds, and a careful quit. Takes the electron module as
// a parameter (main.ts passes the real one) so nothing here needs the binary to type-check.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as ElectronNs from 'electron';
import { SkiffError } from '../core/errors';
import { defaultConfigDir } from '../core/paths';
import type { SftpLinkHandlerChoice } from '../core/store/sftp-link-handler';
import type { EventChannel, EventPayloads, OpenUrlDto } from '../ipc/contract';
import { registerHandlers, type IpcHost, type IpcSender } from '../ipc/register';
import { MIME, resolveAppFile } from './app-protocol';
import { createAppContext, type AppContext } from './create-app-context';
import { findSftpUrl, parseSftpUrl } from './launch-url';
import { buildMenuTemplate } from './menu';
import { applySftpLinkChoice, SFTP_LINK_QUESTION } from './sftp-links';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, createMainWindow, type WindowBoundsLike } from './window';

type ElectronModule = typeof ElectronNs;

export interface RunAppOptions {
  /** Folder holding main.cjs, preload.cjs and renderer/ (the build output). */
  distDir: string;
  version: string;
}

/** Adapts ipcMain to the registry's host: the sender is trusted only if it is OUR window's top frame. */
export function electronIpcHost(ipcMain: Pick<ElectronNs.IpcMain, 'handle'>, currentWindow: () => ElectronNs.BrowserWindow | null): IpcHost {
  return {
    handle(channel, listener) {
      ipcMain.handle(channel, (event, ...args: unknown[]) => {
        const win = currentWindow();
        const frame = event.senderFrame;
        const ours = win !== null && !win.isDestroyed() && event.sender === win.webContents;
        const sender: IpcSender = { url: frame?.url ?? '', isMainFrame: ours && frame !== null && frame === win.webContents.mainFrame };
        return listener(sender, args);
      });
    },
  };
}

/** Bounds are used only if they still overlap a connected display (monitors come and go). */
export function visibleBounds(
  bounds: WindowBoundsLike | null | undefined,
  displays: Array<{ workArea: { x: number; y: number; width: number; height: number } }>,
): WindowBoundsLike | null {
  if (!bounds) return null;
  const ok = displays.some(
    ({ workArea: a }) =>
      bounds.x < a.x + a.width - 50 && bounds.x + bounds.width > a.x + 50 && bounds.y < a.y + a.height - 50 && bounds.y + bounds.height > a.y,
  );
  return ok ? bounds : null;
}

/** Starts the app. */
export function runApp(electron: ElectronModule, opts: RunAppOptions): void {
  const { app, BrowserWindow, ipcMain, protocol, Menu, dialog, screen, shell } = electron;
  app.setName('Skiff');
  // One config place for the app and the web bridge ($XDG_CONFIG_HOME/Skiff on Linux).
  const configDir = defaultConfigDir(process.env, process.platform, os.homedir());
  app.setPath('userData', configDir);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

  let win: ElectronNs.BrowserWindow | null = null;
  let ctx: AppContext | null = null;
  let pendingUrl: OpenUrlDto | null = findSftpUrl(process.argv.slice(1));
  // The page listens for app:open-url from the moment it asks for the launch URL; a URL sent
  // before then (the window still loading) would be lost, so it waits in pendingUrl instead.
  let pageListening = false;
  let quitting = false;

  const emit = <E extends EventChannel>(event: E, payload: EventPayloads[E]): void => {
    if (win && !win.isDestroyed()) win.webContents.send(event, payload);
  };

  const openUrl = (u: OpenUrlDto | null): void => {
    if (!u) return;
    if (win && !win.isDestroyed() && pageListening) emit('app:open-url', u);
    else pendingUrl = u;
    if (win && !win.isDestroyed()) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  };

  app.on('second-instance', (_e, argv) => openUrl(findSftpUrl(argv)));
  app.on('open-url', (e, url) => {
    e.preventDefault();
    openUrl(parseSftpUrl(url));
  });
  // Nothing may open other windows or webviews, whichever contents asks.
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.on('will-navigate', (ev) => ev.preventDefault());
  });

  const messageBox = (box: ElectronNs.MessageBoxSyncOptions): number =>
    win && !win.isDestroyed() ? dialog.showMessageBoxSync(win, box) : dialog.showMessageBoxSync(box);
  /** Registers, releases or asks about the sftp:// handler as `choice` says (see sftp-links.ts). */
  let linkChoice: SftpLinkHandlerChoice = 'ask';
  const applyLinkChoice = async (choice: SftpLinkHandlerChoice): Promise<void> => {
    if (!ctx) return;
    const services = ctx.services;
    await applySftpLinkChoice(choice, {
      app,
      ask: async () => {
        const r = await (win && !win.isDestroyed() ? dialog.showMessageBox(win, SFTP_LINK_QUESTION) : dialog.showMessageBox(SFTP_LINK_QUESTION));
        return r.response === 0;
      },
      save: async (answer) => {
        linkChoice = answer;
        await services.settings.set({ sftpLinkHandler: answer });
      },
    }).catch(() => undefined);
  };

  /** Asks before quitting while transfers run; true = go ahead. Asked once per quit. */
  let confirmed = false;
  const confirmQuit = (): boolean => {
    if (confirmed) return true;
    if (!confirmEdits()) return false;
    if (!ctx?.services.transfers.hasActive()) return true;
    const box = {
      type: 'question' as const,
      buttons: ['Keep Transfers Running', 'Stop Transfers and Quit'],
      defaultId: 0,
      cancelId: 0,
      title: 'Transfers are running',
      message: 'Transfers are still running. Quit anyway?',
      detail:
        'Quitting stops them; the next time Skiff starts it offers to resume them where they stopped. Finished files stay; an unfinished file never appears under its final name.',
    };
    confirmed = messageBox(box) === 1;
    return confirmed;
  };

  /** Edited copies whose last change is not on the server yet: say where they will be kept. */
  let editsConfirmed = false;
  const confirmEdits = (): boolean => {
    if (editsConfirmed || !ctx?.services.edits.hasUnsent()) return true;
    const box = {
      type: 'warning' as const,
      buttons: ['Keep Skiff Open', 'Quit and Keep the Copies'],
      defaultId: 0,
      cancelId: 0,
      title: 'Edited files are not uploaded yet',
      message: 'Some edited files have changes that are not on the server yet.',
      detail: `Quitting keeps those copies in “${ctx.services.edits.keptDir}”, so nothing is lost: upload them from there later.`,
    };
    editsConfirmed = messageBox(box) === 1;
    return editsConfirmed;
  };

  const createWindow = async (): Promise<void> => {
    if (!ctx) return;
    const settings = await ctx.services.settings.get();
    pageListening = false;
    win = createMainWindow(electron, {
      preloadPath: path.join(opts.distDir, 'preload.cjs'),
      bounds: visibleBounds(settings.windowBounds, screen.getAllDisplays()),
    });
    const w = win;
    // A reload (or a crash and reload) starts a page that has not asked yet.
    w.webContents.on('did-start-loading', () => {
      pageListening = false;
    });
    w.on('close', (e) => {
      if (!quitting && !confirmQuit()) {
        e.preventDefault();
        return;
      }
      const maximized = w.isMaximized();
      const b = w.getNormalBounds();
      void ctx?.services.settings
        .set({ windowBounds: { x: b.x, y: b.y, width: Math.max(200, b.width), height: Math.max(150, b.height), maximized } })
        .catch(() => undefined);
    });
    w.on('closed', () => {
      // A closed window answers every open question "no".
      ctx?.services.questions.cancelAll();
      win = null;
    });
  };

  app.on('window-all-closed', () => app.quit());
  // Cmd+Q / the menu's Quit: ask here, since the window's close then comes without a question.
  app.on('before-quit', (e) => {
    if (!confirmQuit()) {
      e.preventDefault();
      return;
    }
    quitting = true;
  });
  let disposed = false;
  app.on('will-quit', (e) => {
    if (disposed || !ctx) return;
    // Close sessions (and stop transfers) before the process goes away.
    e.preventDefault();
    disposed = true;
    void ctx.dispose().finally(() => app.quit());
  });

  void app
    .whenReady()
    .then(async () => {
      const rendererDir = path.join(opts.distDir, 'renderer');
      protocol.handle(APP_SCHEME, async (request) => {
        const file = resolveAppFile(request.url, rendererDir, APP_HOST);
        if (!file) return new Response('Not found', { status: 404 });
        try {
          const body = await readFile(file);
          return new Response(body, {
            headers: {
              'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
              'Content-Security-Policy': CONTENT_SECURITY_POLICY,
              'X-Content-Type-Options': 'nosniff',
            },
          });
        } catch {
          return new Response('Not found', { status: 404 });
        }
      });

      ctx = await createAppContext({
        // Settings › sftp:// links takes effect at once ("ask" waits for the next start).
        onSettingsChanged: (s) => {
          if (!app.isPackaged || s.sftpLinkHandler === linkChoice) return;
          linkChoice = s.sftpLinkHandler;
          if (linkChoice !== 'ask') void applyLinkChoice(linkChoice);
        },
        configDir,
        home: os.homedir(),
        emit,
        info: { name: 'Skiff', version: opts.version, mode: 'electron', electronVersion: process.versions.electron ?? '', nativeDialogs: true },
        // The system's default application for Open and an empty Editor command (programs were refused before this).
        openPath: async (p) => {
          const failure = await shell.openPath(p);
          if (failure) throw new SkiffError('EDITOR_FAILED', `The system could not open “${path.basename(p)}”: ${failure}`);
        },
        about: { licensesFile: path.join(opts.distDir, 'renderer', 'licenses.json'), modulesFrom: opts.distDir },
        dialogs: {
          async pickFolder(o) {
            const r = await (win
              ? dialog.showOpenDialog(win, {
                  title: o.title ?? 'Choose a folder',
                  properties: ['openDirectory', 'createDirectory'],
                  ...(o.defaultPath ? { defaultPath: o.defaultPath } : {}),
                })
              : dialog.showOpenDialog({ properties: ['openDirectory'] }));
            return r.canceled ? null : (r.filePaths[0] ?? null);
          },
          async pickFile(o) {
            // Key files live in ~/.ssh: show hidden files where the option still works (it is
            // deprecated on Linux, where the GTK/portal picker has its own toggle, Ctrl+H).
            const properties: Array<'openFile' | 'showHiddenFiles'> = process.platform === 'linux' ? ['openFile'] : ['openFile', 'showHiddenFiles'];
            const r = await (win
              ? dialog.showOpenDialog(win, { title: o.title ?? 'Choose a file', properties, ...(o.defaultPath ? { defaultPath: o.defaultPath } : {}) })
              : dialog.showOpenDialog({ properties }));
            return r.canceled ? null : (r.filePaths[0] ?? null);
          },
        },
      });
      // The renderer asks once it is up; a URL that arrives while no window exists waits here.
      ctx.services.takeLaunchUrl = () => {
        pageListening = true;
        const u = pendingUrl;
        pendingUrl = null;
        return u;
      };
      registerHandlers(
        electronIpcHost(ipcMain, () => win),
        ctx.services,
        { allowedOrigins: [APP_ORIGIN] },
      );
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          buildMenuTemplate((command) => emit('app:menu', { command }), { isMac: process.platform === 'darwin', devTools: !app.isPackaged }),
        ),
      );
      await createWindow();
      // Only the installed app registers itself (a dev build would register the bare Electron
      // binary), and it asks first: taking sftp:// links silently would take them from other apps.
      linkChoice = (await ctx.services.settings.get()).sftpLinkHandler;
      if (app.isPackaged) void applyLinkChoice(linkChoice);
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) void createWindow();
      });
    })
    .catch((err: unknown) => {
      // Never a silent, window-less process: say what failed, then quit.
      dialog.showErrorBox('Skiff could not start', err instanceof Error ? err.message : String(err));
      app.quit();
    });
}
