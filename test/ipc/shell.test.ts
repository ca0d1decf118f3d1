// The Electron shell without the binary: the window factory and the IPC host are given a
// fake `electron` module that records what they set, so every security setting is asserted.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as ElectronNs from 'electron';
import { resolveAppFile } from '../../electron/app/app-protocol';
import { electronIpcHost, visibleBounds } from '../../electron/app/electron-main';
import { findSftpUrl, parseSftpUrl } from '../../electron/app/launch-url';
import { buildMenuTemplate } from '../../electron/app/menu';
import { COMMAND_IDS } from '../../electron/ipc/commands';
import { APP_ORIGIN, APP_URL, CONTENT_SECURITY_POLICY, createMainWindow } from '../../electron/app/window';
import type { ApiResult } from '../../electron/ipc/contract';
import { createDispatcher, type IpcSender } from '../../electron/ipc/register';
import { createHandlers } from '../../electron/ipc/handlers';
import type { Services } from '../../electron/ipc/services';

type Listener = (...args: unknown[]) => unknown;

class FakeWebContents {
  readonly listeners = new Map<string, Listener>();
  openHandler: Listener | undefined;
  permissionRequest: Listener | undefined;
  permissionCheck: Listener | undefined;
  devicePermission: Listener | undefined;
  readonly mainFrame = { url: APP_URL, name: 'main' };
  readonly session = {
    setPermissionRequestHandler: (h: Listener) => void (this.permissionRequest = h),
    setPermissionCheckHandler: (h: Listener) => void (this.permissionCheck = h),
    setDevicePermissionHandler: (h: Listener) => void (this.devicePermission = h),
  };
  on(event: string, l: Listener): this {
    this.listeners.set(event, l);
    return this;
  }
  setWindowOpenHandler(h: Listener): void {
    this.openHandler = h;
  }
}

class FakeBrowserWindow {
  static last: FakeBrowserWindow;
  readonly webContents = new FakeWebContents();
  loaded: string | undefined;
  maximized = false;
  /** What happened to the window, in order ('maximize', 'show'). */
  readonly shown: string[] = [];
  readonly onceListeners = new Map<string, Listener>();
  readonly once = (e: string, l: Listener): void => void this.onceListeners.set(e, l);
  constructor(readonly options: ElectronNs.BrowserWindowConstructorOptions) {
    FakeBrowserWindow.last = this;
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    return Promise.resolve();
  }
  maximize(): void {
    this.maximized = true;
    this.shown.push('maximize');
  }
  show(): void {
    this.shown.push('show');
  }
  isDestroyed(): boolean {
    return false;
  }
}

const fakeElectron = { BrowserWindow: FakeBrowserWindow } as unknown as Pick<typeof ElectronNs, 'BrowserWindow'>;

describe('createMainWindow (fake electron)', () => {
  const win = createMainWindow(fakeElectron, {
    preloadPath: '/app/dist/preload.cjs',
    bounds: { x: 10, y: 20, width: 900, height: 700, maximized: true },
  }) as unknown as FakeBrowserWindow;
  const wc = win.webContents;

  it('isolates and sandboxes the page, with no Node and web security on', () => {
    const wp = win.options.webPreferences!;
    expect(wp).toMatchObject({
      preload: '/app/dist/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(win.options).toMatchObject({ x: 10, y: 20, width: 900, height: 700, show: false });
  });

  it('shows the window, maximized as it was left, only once the page has painted (ready-to-show)', () => {
    // maximize() before then shows an empty window.
    expect(win.maximized).toBe(false);
    expect(win.shown).toEqual([]);
    win.onceListeners.get('ready-to-show')!();
    expect(win.shown).toEqual(['maximize', 'show']);
    const plain = createMainWindow(fakeElectron, {
      preloadPath: '/p.cjs',
      bounds: { x: 0, y: 0, width: 800, height: 600, maximized: false },
    }) as unknown as FakeBrowserWindow;
    plain.onceListeners.get('ready-to-show')!();
    expect(plain.shown).toEqual(['show']);
  });

  it('loads the app from app://skiff', () => {
    expect(win.loaded).toBe(APP_URL);
    expect(APP_URL.startsWith(`${APP_ORIGIN}/`)).toBe(true);
  });

  it('denies navigation, redirects and webviews', () => {
    for (const ev of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      const handler = wc.listeners.get(ev);
      expect(handler, ev).toBeTypeOf('function');
      handler!({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
      expect(prevented, ev).toBe(true);
    }
  });

  it('denies window.open', () => {
    expect(wc.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.openHandler!({ url: 'app://skiff/index.html' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      wc.permissionRequest!(wc, permission, (g: boolean) => (granted = g), {});
      expect(granted, permission).toBe(false);
      expect(wc.permissionCheck!(wc, permission, APP_ORIGIN, {})).toBe(false);
    }
    expect(wc.devicePermission!({})).toBe(false);
  });

  it('lets only the app page write text to the clipboard (Copy path, Copy fingerprint)', () => {
    let granted: boolean | undefined;
    wc.permissionRequest!(wc, 'clipboard-sanitized-write', (g: boolean) => (granted = g), { requestingUrl: `${APP_ORIGIN}/index.html` });
    expect(granted).toBe(true);
    wc.permissionRequest!(wc, 'clipboard-sanitized-write', (g: boolean) => (granted = g), { requestingUrl: 'https://evil.example/' });
    expect(granted).toBe(false);
    wc.permissionRequest!(wc, 'clipboard-sanitized-write', (g: boolean) => (granted = g), {});
    expect(granted).toBe(false);
    expect(wc.permissionCheck!(wc, 'clipboard-sanitized-write', APP_ORIGIN, {})).toBe(true);
    expect(wc.permissionCheck!(wc, 'clipboard-sanitized-write', 'file://', {})).toBe(false);
  });

  it('uses a strict CSP', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
  });
});

describe('electronIpcHost sender check (fake ipcMain)', () => {
  // Only app:info is reachable without real services; the sender check runs before it anyway.
  const services = { appInfo: () => ({ name: 'Skiff' }) } as unknown as Services;
  const dispatch = createDispatcher(createHandlers(services), { allowedOrigins: [APP_ORIGIN] });
  const handlers = new Map<string, Listener>();
  const ipcMain = { handle: (ch: string, l: Listener) => void handlers.set(ch, l) } as unknown as ElectronNs.IpcMain;
  const ours = createMainWindow(fakeElectron, { preloadPath: '/p' }) as unknown as FakeBrowserWindow;
  const host = electronIpcHost(ipcMain, () => ours as unknown as ElectronNs.BrowserWindow);
  host.handle('app:info', (sender: IpcSender, args: unknown[]) => dispatch('app:info', sender, args));
  const invoke = (event: unknown): Promise<ApiResult<unknown>> => handlers.get('app:info')!(event) as Promise<ApiResult<unknown>>;

  it('accepts our window’s top frame', async () => {
    expect(await invoke({ sender: ours.webContents, senderFrame: ours.webContents.mainFrame })).toMatchObject({ ok: true });
  });

  it('refuses a sub-frame of our window, even at our origin', async () => {
    expect(await invoke({ sender: ours.webContents, senderFrame: { url: APP_URL } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
  });

  it('refuses a foreign origin in the top frame (e.g. after a navigation slipped through)', async () => {
    const navigated = { ...ours.webContents.mainFrame, url: 'https://evil.example/' };
    ours.webContents.mainFrame.url = 'https://evil.example/';
    expect(await invoke({ sender: ours.webContents, senderFrame: ours.webContents.mainFrame })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER' },
    });
    ours.webContents.mainFrame.url = APP_URL;
    expect(navigated.url).toBe('https://evil.example/');
  });

  it('refuses another web contents and a missing frame', async () => {
    const other = new FakeWebContents();
    expect(await invoke({ sender: other, senderFrame: other.mainFrame })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(await invoke({ sender: ours.webContents, senderFrame: null })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
  });
});

describe('app:// file resolution', () => {
  const root = path.resolve('/srv/skiff/renderer');
  it('maps app://skiff paths inside the renderer folder', () => {
    expect(resolveAppFile('app://skiff/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile('app://skiff/assets/index-abc.js', root)).toBe(path.join(root, 'assets', 'index-abc.js'));
  });
  it('refuses escapes, NUL, other hosts and other schemes', () => {
    // URL parsing already folds literal dot segments, so they can only land inside root.
    expect(resolveAppFile('app://skiff/../../main.cjs', root)).toBe(path.join(root, 'main.cjs'));
    for (const u of ['app://skiff/%2e%2e/main.cjs', 'app://skiff/..%2f..%2fmain.cjs', 'app://skiff/..%5c..%5cmain.cjs']) {
      const r = resolveAppFile(u, root);
      expect(r === null || r.startsWith(root + path.sep), `${u} → ${r}`).toBe(true);
    }
    for (const u of ['app://skiff/a%00b', 'app://other/index.html', 'file:///etc/passwd', 'app://skiff/%E0%A4%A']) {
      expect(resolveAppFile(u, root), u).toBeNull();
    }
  });
});

describe('sftp:// launch URLs', () => {
  it('parses user, host, port and path', () => {
    expect(parseSftpUrl('sftp://alice@example.com:2222/srv/data')).toEqual({ host: 'example.com', port: 2222, username: 'alice', path: '/srv/data' });
    expect(parseSftpUrl('sftp://example.com')).toEqual({ host: 'example.com', port: 22 });
    expect(parseSftpUrl('sftp://bob%40corp@[::1]:22/')).toEqual({ host: '::1', port: 22, username: 'bob@corp' });
    expect(parseSftpUrl('sftp://carol;fingerprint=ssh-ed25519-abc@h/x')).toEqual({ host: 'h', port: 22, username: 'carol', path: '/x' });
  });
  it('refuses anything else, a password in the URL, and hostile parts', () => {
    for (const u of ['https://example.com', 'sftp://', 'sftp://u:secret@h/', 'sftp://h:99999/', 'file:///etc/passwd', '--inspect=9229', 'sftp://h x/', 42]) {
      expect(parseSftpUrl(u), String(u)).toBeNull();
    }
    // Dot segments are folded by URL parsing; an encoded slash-dot-dot or NUL drops the path (host still prefilled).
    expect(parseSftpUrl('sftp://h/%2e%2e/etc')).toEqual({ host: 'h', port: 22, path: '/etc' });
    expect(parseSftpUrl('sftp://h/a%2f..%2f..%2fetc')).toEqual({ host: 'h', port: 22 });
    expect(parseSftpUrl('sftp://h/a%00b')).toEqual({ host: 'h', port: 22 });
  });
  it('finds the URL among other arguments', () => {
    expect(findSftpUrl(['/usr/bin/skiff', '--no-sandbox', 'sftp://u@h:23/p'])).toEqual({ host: 'h', port: 23, username: 'u', path: '/p' });
    expect(findSftpUrl(['/usr/bin/skiff'])).toBeNull();
  });
});

describe('application menu', () => {
  type Item = { id?: string; label?: string; role?: string; accelerator?: string; registerAccelerator?: boolean; click?: unknown; submenu?: unknown };
  const flat = (t: Item[]): Item[] => t.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? flat(m.submenu as Item[]) : [])]);

  it('has the usual menus; every Skiff item is a catalog command and sends its id to the renderer', () => {
    const sent: string[] = [];
    const t = buildMenuTemplate((c) => sent.push(c), { isMac: false, devTools: false }) as Item[];
    const roles = t.map((m) => m.role).filter(Boolean);
    expect(roles).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', 'help']));
    const commands = flat(t).filter((i) => i.click);
    expect(commands.length).toBeGreaterThan(10);
    for (const item of commands) {
      expect(COMMAND_IDS, item.label).toContain(item.id);
      (item.click as () => void)();
    }
    expect(sent).toEqual(commands.map((i) => i.id));
    expect(flat(t).some((i) => i.role === 'toggleDevTools')).toBe(false);
  });

  it("shows the catalog's shortcuts but registers none (the renderer handles every key), the same ones the renderer shows", () => {
    for (const isMac of [false, true]) {
      const platform = isMac ? 'mac' : 'other';
      const items = flat(buildMenuTemplate(() => undefined, { isMac, devTools: true }) as Item[]).filter((i) => i.id);
      for (const i of items.filter((x) => x.accelerator)) expect(i.registerAccelerator, `${i.label} on ${platform}`).toBe(false);
      const byId = new Map(items.map((i) => [i.id, i]));
      expect(byId.get('refresh')?.accelerator).toBe('CmdOrCtrl+R');
      expect(byId.get('find')?.accelerator).toBe('CmdOrCtrl+F');
      expect(byId.get('find')?.label).toBe('Find on Server…');
      expect(byId.get('toggle-hidden')?.accelerator).toBe(isMac ? 'CmdOrCtrl+Shift+.' : 'CmdOrCtrl+H');
      expect(byId.get('rename')?.accelerator).toBe('F2');
      // On macOS accelerators cannot be display-only: keys without a modifier get none there.
      expect(byId.get('delete')?.accelerator).toBe(isMac ? 'CmdOrCtrl+Backspace' : 'Delete');
      expect(byId.get('up')?.accelerator).toBe(isMac ? 'CmdOrCtrl+Up' : 'Backspace');
    }
  });

  it("About opens Skiff's own dialog: in Help, or first in the macOS application menu (no native about panel)", () => {
    const linux = buildMenuTemplate(() => undefined, { isMac: false, devTools: false }) as Item[];
    const help = linux.find((m) => m.role === 'help')!;
    expect((help.submenu as Item[]).map((i) => i.id)).toEqual(['keyboard-shortcuts', undefined, 'about']);
    const mac = buildMenuTemplate(() => undefined, { isMac: true, devTools: true }) as Item[];
    expect(mac[0]!.role).toBe('appMenu');
    const appItems = mac[0]!.submenu as Item[];
    expect(appItems[0]).toMatchObject({ id: 'about', label: 'About Skiff' });
    expect(appItems.map((i) => i.id)).toContain('settings');
    expect(flat(mac).some((i) => i.role === 'about')).toBe(false);
  });
});

describe('remembered window bounds', () => {
  const display = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  it('keeps bounds that are on a screen and drops ones that are not', () => {
    expect(visibleBounds({ x: 100, y: 100, width: 800, height: 600 }, display)).toEqual({ x: 100, y: 100, width: 800, height: 600 });
    expect(visibleBounds({ x: 5000, y: 100, width: 800, height: 600 }, display)).toBeNull();
    expect(visibleBounds(null, display)).toBeNull();
  });
});
