// The one BrowserWindow and its security settings. The electron module is a parameter so tests
// can hand in a fake and assert every setting without the Electron binary.
import type * as ElectronNs from 'electron';
import { originOf } from '../ipc/register';

type ElectronModule = typeof ElectronNs;

export const APP_SCHEME = 'app';
export const APP_HOST = 'skiff';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** The strict CSP sent with every app:// response (the page carries it as a meta tag too). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface WindowBoundsLike {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized?: boolean;
}

export interface MainWindowOptions {
  preloadPath: string;
  /** Remembered bounds (already checked to be on a screen). */
  bounds?: WindowBoundsLike | null;
  url?: string;
}

/** webPreferences of the main window: isolated, sandboxed, no Node, web security on. */
export function secureWebPreferences(preloadPath: string): ElectronNs.WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

/** Creates the main window with navigation, pop-ups and permissions all denied. */
export function createMainWindow(electron: Pick<ElectronModule, 'BrowserWindow'>, opts: MainWindowOptions): ElectronNs.BrowserWindow {
  const b = opts.bounds;
  const win = new electron.BrowserWindow({
    title: 'Skiff',
    width: b?.width ?? 1200,
    height: b?.height ?? 780,
    ...(b ? { x: b.x, y: b.y } : {}),
    minWidth: 640,
    minHeight: 400,
    show: false,
    webPreferences: secureWebPreferences(opts.preloadPath),
  });
  const wc = win.webContents;

  // The page never navigates away from the app: links to servers' data are text, not places.
  wc.on('will-navigate', (event) => event.preventDefault());
  wc.on('will-redirect', (event) => event.preventDefault());
  wc.on('will-attach-webview', (event) => event.preventDefault());
  // No pop-ups, and never shell.openExternal of anything a server sent.
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  // No camera, notifications, clipboard-read, … : an SFTP client needs none. The one exception
  // is writing text to the clipboard ("Copy path", "Copy" fingerprint) from the app's own page.
  const fromApp = (url: string | undefined): boolean => url !== undefined && originOf(url) === APP_ORIGIN;
  wc.session.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permission === 'clipboard-sanitized-write' && fromApp(details?.requestingUrl)),
  );
  wc.session.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permission === 'clipboard-sanitized-write' && fromApp(requestingOrigin));
  wc.session.setDevicePermissionHandler?.(() => false);

  // maximize() shows the window, so before the first paint it would show a blank one: wait.
  win.once('ready-to-show', () => {
    if (b?.maximized) win.maximize();
    win.show();
  });
  void win.loadURL(opts.url ?? APP_URL);
  return win;
}
