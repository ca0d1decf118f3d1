// The build output, exercised without the Electron binary: bundles are built for real, then
// the REAL dist/main.cjs and dist/preload.cjs are loaded with a fake `electron` module that
// records what they do. Also the packaging config, the icon and the .desktop entry.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REQUEST_CHANNELS } from '../../electron/ipc/contract';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
// Inside the repo so the bundles' externals (ssh2, keytar) resolve from node_modules.
const out = path.join(root, 'node_modules', '.cache', `skiff-build-test-${process.pid}`);
let tmp: string;

type Listener = (...args: unknown[]) => unknown;
const loadWith = (file: string, fakeElectron: unknown): unknown => {
  const mod = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const orig = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    if (request === 'electron') return fakeElectron;
    return orig.call(this, request, ...rest);
  };
  try {
    delete require.cache[file];
    return require(file);
  } finally {
    mod._load = orig;
  }
};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-build-'));
  mkdirSync(out, { recursive: true });
  await promisify(execFile)(process.execPath, [path.join(root, 'build', 'build.mjs'), '--no-renderer', '--out', out], { cwd: root });
});
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('node build/build.mjs', () => {
  it('bundles main and preload as CommonJS, keeping only the native/Electron modules external', () => {
    const main = readFileSync(path.join(out, 'main.cjs'), 'utf8');
    const preload = readFileSync(path.join(out, 'preload.cjs'), 'utf8');
    const requires = (text: string): string[] => [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!))].sort();
    const mainExternal = requires(main).filter((r) => !r.startsWith('node:'));
    expect(mainExternal.sort()).toEqual(expect.arrayContaining(['electron', 'keytar', 'ssh2']));
    for (const r of mainExternal) expect(['electron', 'keytar', 'ssh2', 'cpu-features']).toContain(r);
    // A sandboxed preload can require only electron.
    expect(requires(preload)).toEqual(['electron']);
    expect(main).not.toMatch(/\bimport\(["']keytar/);
  });

  it('the packaged app ships as runtime dependencies exactly what main requires (everything else is bundled)', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const main = readFileSync(path.join(out, 'main.cjs'), 'utf8');
    const external = [...new Set([...main.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!))].filter((r) => !r.startsWith('node:') && r !== 'electron');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(external.sort());
  });
});

describe('node build/build.mjs --renderer-only', () => {
  it('builds the renderer with relative asset URLs and no inline script (the CSP allows script-src self only)', async (ctx) => {
    if (!existsSync(path.join(root, 'renderer', 'vite.config.ts'))) ctx.skip('renderer/vite.config.ts not written yet');
    await promisify(execFile)(process.execPath, [path.join(root, 'build', 'build.mjs'), '--renderer-only', '--out', out], { cwd: root });
    const html = readFileSync(path.join(out, 'renderer', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\.\/assets\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toContain('Content-Security-Policy');
  });

  it("writes the licences of what ships beside it: the renderer bundle, main's bundle and main's runtime dependencies", () => {
    const file = JSON.parse(readFileSync(path.join(out, 'renderer', 'licenses.json'), 'utf8')) as {
      packages: Array<{ name: string; version: string; license: string; usedBy: string[]; text?: string }>;
    };
    const byName = new Map(file.packages.map((p) => [p.name, p]));
    const installed = (name: string): string =>
      (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    // Runtime dependencies of main and what they pull in (packed by electron-builder).
    expect(byName.get('ssh2')).toMatchObject({ version: installed('ssh2'), license: 'MIT', usedBy: ['main'] });
    expect(byName.get('keytar')?.usedBy).toEqual(['main']);
    expect(byName.get('asn1')?.usedBy).toEqual(['main']);
    // Bundled into main.cjs, into the renderer, or both.
    expect(byName.get('jsonc-parser')?.usedBy).toEqual(['main']);
    expect(byName.get('react-dom')).toMatchObject({ license: 'MIT', usedBy: ['renderer'] });
    expect(byName.get('zod')?.usedBy.sort()).toEqual(['main', 'renderer']);
    expect(byName.get('react')?.text).toMatch(/Permission is hereby granted/);
    // Build tools are not shipped, so not listed.
    for (const tool of ['vite', 'esbuild', 'typescript', 'vitest', 'electron-builder']) expect(byName.has(tool), tool).toBe(false);
    for (const p of file.packages) expect(p.license, p.name).not.toBe('UNKNOWN');
  });
});

describe('dist/preload.cjs (fake electron)', () => {
  const exposed = new Map<string, Record<string, unknown>>();
  const invoked: unknown[][] = [];
  const onCalls = new Map<string, Listener>();
  beforeAll(() => {
    loadWith(path.join(out, 'preload.cjs'), {
      contextBridge: { exposeInMainWorld: (k: string, v: Record<string, unknown>) => void exposed.set(k, v) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return { ok: true, value: { name: 'Skiff' } };
        },
        on: (ch: string, l: Listener) => void onCalls.set(ch, l),
        removeListener: (ch: string) => void onCalls.delete(ch),
      },
      webUtils: { getPathForFile: () => '/home/u/dropped.txt' },
    });
  });

  it('exposes exactly one object, window.skiff', () => {
    expect([...exposed.keys()]).toEqual(['skiff']);
    const api = exposed.get('skiff')!;
    expect(Object.keys(api).sort()).toEqual(
      [
        'app',
        'bookmarks',
        'dialog',
        'edit',
        'invoke',
        'list',
        'local',
        'on',
        'pathForFile',
        'question',
        'secrets',
        'session',
        'settings',
        'sftp',
        'transfer',
      ].sort(),
    );
  });

  it('invokes only contract channels, one argument, and unwraps the envelope', async () => {
    const api = exposed.get('skiff') as { app: { info(): Promise<unknown> }; invoke(c: string, a?: unknown): Promise<unknown> };
    expect(await api.app.info()).toEqual({ name: 'Skiff' });
    expect(invoked).toEqual([['app:info', undefined]]);
    const err = await api.invoke('shell:open-external', 'https://x').catch((e: unknown) => e);
    // Plain data (contextBridge would strip custom properties from an Error).
    expect(Object.getPrototypeOf(err)).toBe(Object.prototype);
    expect(structuredClone(err)).toMatchObject({ name: 'SkiffApiError', code: 'UNKNOWN_CHANNEL' });
    expect(invoked).toHaveLength(1);
  });

  it('subscribes only to contract events and hands the page the payload, never the IPC event', () => {
    const api = exposed.get('skiff') as { on(c: string, l: Listener): () => void };
    const got: unknown[] = [];
    const off = api.on('transfer:progress', (...a) => void got.push(a));
    onCalls.get('transfer:progress')!({ sender: 'secret webContents' }, [{ id: 'j' }]);
    expect(got).toEqual([[[{ id: 'j' }]]]);
    off();
    expect(onCalls.has('transfer:progress')).toBe(false);
    expect(() => api.on('ipc:anything', () => undefined)).toThrow();
  });

  it('gives real paths of dropped files', () => {
    const api = exposed.get('skiff') as { pathForFile(f: unknown): string | null };
    expect(api.pathForFile({})).toBe('/home/u/dropped.txt');
  });
});

describe('dist/main.cjs (fake electron)', () => {
  interface Rec {
    calls: string[];
    appOn: Map<string, Listener>;
    handled: Map<string, Listener>;
    protocolHandlers: Map<string, Listener>;
    privileged: unknown;
    userData?: string;
    windows: Array<{ options: Record<string, unknown>; url?: string; webContents: Record<string, unknown> }>;
    windowCreated: Promise<void>;
    menu?: unknown;
    sent: unknown[][];
    winOn: Map<string, Listener>;
    /** What the fake "Transfers are running" box answers (0 = keep running). */
    boxAnswer: number;
    boxes: unknown[];
    /** The protocol-client calls (an unpackaged app makes none). */
    protocol: string[];
  }
  function fake(lock: boolean): { electron: unknown; rec: Rec } {
    let created!: () => void;
    const rec: Rec = {
      calls: [],
      appOn: new Map(),
      handled: new Map(),
      protocolHandlers: new Map(),
      privileged: undefined,
      windows: [],
      windowCreated: new Promise((r) => (created = r)),
      sent: [],
      winOn: new Map(),
      boxAnswer: 0,
      boxes: [],
      protocol: [],
    };
    const session = { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined, setDevicePermissionHandler: () => undefined };
    class BrowserWindow {
      static getAllWindows = () => rec.windows;
      webContents: Record<string, unknown>;
      constructor(readonly options: Record<string, unknown>) {
        const mainFrame = { url: 'app://skiff/index.html' };
        this.webContents = { on: () => undefined, setWindowOpenHandler: () => undefined, session, mainFrame, send: (...a: unknown[]) => void rec.sent.push(a) };
        rec.windows.push(this as never);
        created();
      }
      once() {}
      on(e: string, l: Listener) {
        rec.winOn.set(e, l);
      }
      maximize() {}
      isMinimized() {
        return false;
      }
      restore() {}
      focus() {}
      isMaximized() {
        return false;
      }
      getNormalBounds() {
        return { x: 40, y: 50, width: 1000, height: 700 };
      }
      isDestroyed() {
        return false;
      }
      loadURL(url: string) {
        (this as unknown as { url: string }).url = url;
        return Promise.resolve();
      }
    }
    const electron = {
      app: {
        setName: (n: string) => void rec.calls.push(`setName:${n}`),
        setPath: (k: string, v: string) => {
          if (k === 'userData') rec.userData = v;
        },
        requestSingleInstanceLock: () => (rec.calls.push('lock'), lock),
        quit: () => void rec.calls.push('quit'),
        on: (e: string, l: Listener) => void rec.appOn.set(e, l),
        whenReady: () => Promise.resolve(),
        isPackaged: false,
        isDefaultProtocolClient: (p: string) => (rec.protocol.push(`is:${p}`), false),
        setAsDefaultProtocolClient: (p: string) => {
          rec.calls.push('setAsDefaultProtocolClient');
          rec.protocol.push(`set:${p}`);
        },
        removeAsDefaultProtocolClient: (p: string) => void rec.protocol.push(`remove:${p}`),
      },
      protocol: {
        registerSchemesAsPrivileged: (s: unknown) => void (rec.privileged = s),
        handle: (scheme: string, h: Listener) => void rec.protocolHandlers.set(scheme, h),
      },
      ipcMain: { handle: (ch: string, l: Listener) => void rec.handled.set(ch, l) },
      Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => void (rec.menu = m) },
      dialog: {
        showMessageBoxSync: (_w: unknown, o: unknown) => {
          rec.boxes.push(o);
          return rec.boxAnswer;
        },
      },
      screen: { getAllDisplays: () => [] },
      BrowserWindow,
    };
    return { electron, rec };
  }

  it('quits at once when another instance holds the lock', () => {
    const { electron, rec } = fake(false);
    loadWith(path.join(out, 'main.cjs'), electron);
    expect(rec.calls).toEqual(['setName:Skiff', 'lock', 'quit']);
    expect(rec.windows).toHaveLength(0);
  });

  it('starts: config under $XDG_CONFIG_HOME/Skiff, app:// privileged, one handler per channel, one secure window', async () => {
    const xdg = path.join(tmp, 'xdg');
    const before = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = xdg;
    const { electron, rec } = fake(true);
    try {
      loadWith(path.join(out, 'main.cjs'), electron);
      await rec.windowCreated;
    } finally {
      if (before === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = before;
    }
    if (process.platform === 'linux') expect(rec.userData).toBe(path.join(xdg, 'Skiff'));
    expect(rec.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect([...rec.appOn.keys()]).toEqual(expect.arrayContaining(['second-instance', 'open-url', 'web-contents-created', 'window-all-closed', 'will-quit']));
    expect([...rec.handled.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect(rec.protocolHandlers.has('app')).toBe(true);
    expect(rec.menu).toBeTruthy();
    expect(rec.calls).not.toContain('setAsDefaultProtocolClient'); // only when packaged
    expect(rec.windows).toHaveLength(1);
    const win = rec.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: path.join(out, 'preload.cjs'),
    });
    expect((win as unknown as { url: string }).url).toBe('app://skiff/index.html');

    // A real call through the registered handler, as the window's main frame.
    const r = await rec.handled.get('app:info')!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, undefined);
    expect(r).toMatchObject({ ok: true, value: { name: 'Skiff', mode: 'electron' } });
    const refused = await rec.handled.get('app:info')!({ sender: win.webContents, senderFrame: { url: 'app://skiff/index.html' } }, undefined);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    // About: the build's licence list and main's runtime versions (ssh2 resolved beside main.cjs).
    const about = (await rec.handled.get('app:about')!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, undefined)) as {
      ok: boolean;
      value: { versions: { ssh2?: string; node: string }; licenses: Array<{ name: string }> | null };
    };
    expect(about.ok).toBe(true);
    expect(about.value.versions).toMatchObject({ node: process.versions.node, ssh2: (require('ssh2/package.json') as { version: string }).version });
    expect(about.value.licenses?.map((l) => l.name)).toContain('ssh2');

    // The protocol never serves outside the renderer folder, and sends the CSP.
    const res = (await rec.protocolHandlers.get('app')!(new Request('app://skiff/%2e%2e/main.cjs'))) as Response;
    expect(res.status).toBe(404);

    // With a transfer queued (paused), closing asks first; "Keep Transfers Running" keeps the window.
    const call = (ch: string, arg?: unknown) =>
      rec.handled.get(ch)!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, arg) as Promise<{
        ok: boolean;
        value?: unknown;
        error?: unknown;
      }>;
    const sshd = inject('sshd');
    const answerer = setInterval(() => {
      for (const m of rec.sent.splice(0)) {
        if (m[0] === 'question:ask') void call('question:answer', { id: (m[1] as { id: string }).id, answer: { kind: 'host-key', decision: 'trust-once' } });
      }
    }, 5);
    const conn = await call('session:connect', { host: sshd.host, port: sshd.port, username: sshd.user, authMethod: 'key', keyPath: sshd.clientKeys.ed25519 });
    clearInterval(answerer);
    expect(conn.ok).toBe(true);
    const sessionId = (conn.value as { sessionId: string }).sessionId;
    const until = async (pred: () => Promise<boolean> | boolean): Promise<void> => {
      while (!(await pred())) await new Promise((r) => setImmediate(r));
    };
    const state = async (id: string): Promise<string | undefined> =>
      ((await call('transfer:list')).value as Array<{ id: string; state: string }>).find((j) => j.id === id)?.state;
    const upload = () =>
      call('transfer:enqueue', { sessionId, direction: 'upload', sources: [path.join(root, 'package.json')], targetDir: sshd.scratch, conflict: 'ask' });
    const first = await upload();
    expect(first.ok).toBe(true);
    await until(async () => (await state((first.value as { id: string }).id)) === 'done');
    // The second upload meets the first one's file and waits on a conflict question: it is active.
    rec.sent.splice(0);
    const second = await upload();
    const secondId = (second.value as { id: string }).id;
    await until(() => rec.sent.some((m) => m[0] === 'question:ask' && (m[1] as { kind: string }).kind === 'conflict'));
    let kept = false;
    rec.boxAnswer = 0;
    rec.winOn.get('close')!({ preventDefault: () => (kept = true) });
    expect(kept).toBe(true);
    expect(rec.boxes).toHaveLength(1);
    expect(JSON.stringify(rec.boxes[0])).toContain('Transfers are still running');
    const conflict = rec.sent.find((m) => m[0] === 'question:ask')![1] as { id: string };
    await call('question:answer', { id: conflict.id, answer: { kind: 'conflict', action: 'skip', applyToAll: false } });
    await until(async () => ['done', 'skipped', 'cancelled', 'failed'].includes((await state(secondId)) ?? ''));
    await call('session:disconnect', { sessionId });
    rec.sent.splice(0);
    // A link that arrives while the page is (re)loading is kept, not sent to a page that does not
    // listen yet: the page gets it when it asks (app:take-launch-url, then it listens).
    (win.webContents as { on: Listener }).on = () => undefined;
    const early = { host: 'early.example', port: 22, username: 'e', path: '/' };
    rec.appOn.get('open-url')!({ preventDefault: () => undefined }, 'sftp://e@early.example/');
    expect(rec.sent.filter((m) => m[0] === 'app:open-url')).toEqual([]);
    expect((await call('app:take-launch-url')).value).toMatchObject({ host: early.host, username: early.username });
    expect((await call('app:take-launch-url')).value).toBeNull();
    // Once the page listens, a second launch with an sftp:// URL prefills Quick Connect in the running window; nothing else does.
    rec.appOn.get('second-instance')!({}, ['/usr/bin/skiff', '--flag', 'sftp://u@h.example:2200/srv/data']);
    rec.appOn.get('second-instance')!({}, ['/usr/bin/skiff', 'https://evil.example/']);
    expect(rec.sent.filter((m) => m[0] === 'app:open-url')).toEqual([['app:open-url', { host: 'h.example', port: 2200, username: 'u', path: '/srv/data' }]]);
    expect(rec.protocol).toEqual([]); // not packaged: never touches the OS handler

    // Closing the window (no transfers running) is not held up, and remembers the bounds.
    let closePrevented = false;
    rec.winOn.get('close')!({ preventDefault: () => (closePrevented = true) });
    expect(closePrevented).toBe(false);
    await new Promise<void>((resolve) => {
      const check = async (): Promise<void> => {
        const sr = (await rec.handled.get('settings:get')!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, undefined)) as {
          value: { windowBounds: unknown };
        };
        if (sr.value.windowBounds) resolve();
        else setImmediate(() => void check());
      };
      void check();
    });
    const saved = (await rec.handled.get('settings:get')!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, undefined)) as {
      value: { windowBounds: unknown };
    };
    expect(saved.value.windowBounds).toEqual({ x: 40, y: 50, width: 1000, height: 700, maximized: false });

    // Quitting closes everything (sessions, questions, transfers) before the process exits.
    let prevented = false;
    rec.appOn.get('will-quit')!({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await new Promise<void>((resolve) => {
      const check = (): void => (rec.calls.includes('quit') ? resolve() : void setImmediate(check));
      check();
    });
  });
});

describe('dist/main.cjs packaged (fake electron): the sftp:// handler', () => {
  /** Starts the bundled main as the installed app with its config in `xdg`; resolves once it has asked or decided. */
  async function start(
    xdg: string,
    o: FakeOptionsForPackaged,
  ): Promise<{
    rec: { protocol: string[]; asyncBoxes: unknown[] };
    settings: () => Promise<{ sftpLinkHandler: string }>;
    setSettings: (p: unknown) => Promise<unknown>;
    quit: () => Promise<void>;
  }> {
    const before = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = xdg;
    const rec = {
      protocol: [] as string[],
      asyncBoxes: [] as unknown[],
      handled: new Map<string, Listener>(),
      appOn: new Map<string, Listener>(),
      quit: false,
    };
    let isDefault = o.isDefault;
    let created!: () => void;
    const windowCreated = new Promise<void>((r) => (created = r));
    const mainFrame = { url: 'app://skiff/index.html' };
    const webContents = {
      on: () => undefined,
      setWindowOpenHandler: () => undefined,
      mainFrame,
      send: () => undefined,
      session: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined, setDevicePermissionHandler: () => undefined },
    };
    class BrowserWindow {
      static getAllWindows = () => [];
      webContents = webContents;
      constructor() {
        created();
      }
      once() {}
      on() {}
      isDestroyed() {
        return false;
      }
      loadURL() {
        return Promise.resolve();
      }
    }
    const electron = {
      app: {
        setName: () => undefined,
        setPath: () => undefined,
        requestSingleInstanceLock: () => true,
        quit: () => void (rec.quit = true),
        on: (e: string, l: Listener) => void rec.appOn.set(e, l),
        whenReady: () => Promise.resolve(),
        isPackaged: true,
        isDefaultProtocolClient: (p: string) => (rec.protocol.push(`is:${p}`), isDefault),
        setAsDefaultProtocolClient: (p: string) => (rec.protocol.push(`set:${p}`), (isDefault = true)),
        removeAsDefaultProtocolClient: (p: string) => (rec.protocol.push(`remove:${p}`), !(isDefault = false)),
      },
      protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => undefined },
      ipcMain: { handle: (ch: string, l: Listener) => void rec.handled.set(ch, l) },
      Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => undefined },
      dialog: {
        showMessageBoxSync: () => 0,
        showMessageBox: async (_w: unknown, box: unknown) => (rec.asyncBoxes.push(box), { response: o.answer, checkboxChecked: false }),
      },
      screen: { getAllDisplays: () => [] },
      BrowserWindow,
    };
    try {
      loadWith(path.join(out, 'main.cjs'), electron);
      await windowCreated;
    } finally {
      if (before === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = before;
    }
    const call = (ch: string, arg?: unknown) =>
      rec.handled.get(ch)!({ sender: webContents, senderFrame: mainFrame }, arg) as Promise<{ ok: boolean; value: unknown }>;
    const settled = async (): Promise<void> => {
      for (let i = 0; i < 200 && rec.protocol.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
    };
    await settled();
    return {
      rec,
      settings: async () => (await call('settings:get')).value as { sftpLinkHandler: string },
      setSettings: (p) => call('settings:set', p),
      quit: async () => {
        rec.appOn.get('will-quit')!({ preventDefault: () => undefined });
        for (let i = 0; i < 400 && !rec.quit; i++) await new Promise((r) => setTimeout(r, 5));
      },
    };
  }
  interface FakeOptionsForPackaged {
    isDefault: boolean;
    answer: number;
  }
  const eventually = async (pred: () => Promise<boolean> | boolean): Promise<void> => {
    for (let i = 0; i < 400 && !(await pred()); i++) await new Promise((r) => setTimeout(r, 5));
    expect(await pred()).toBe(true);
  };

  it('asks once; "Keep the Current App" is remembered and never takes the links', async () => {
    const xdg = path.join(tmp, 'xdg-links-no');
    const first = await start(xdg, { isDefault: false, answer: 1 });
    expect(first.rec.asyncBoxes).toHaveLength(1);
    expect(first.rec.asyncBoxes[0]).toMatchObject({
      message: 'Open sftp:// links with Skiff?',
      buttons: ['Open sftp:// Links in Skiff', 'Keep the Current App'],
      cancelId: 1,
    });
    await eventually(async () => (await first.settings()).sftpLinkHandler === 'no');
    expect(first.rec.protocol).toEqual(['is:sftp']);
    await first.quit();
    const second = await start(xdg, { isDefault: false, answer: 0 });
    expect(second.rec.asyncBoxes).toEqual([]);
    expect(second.rec.protocol.filter((c) => !c.startsWith('is:'))).toEqual([]);
    // Settings › sftp:// links › "Open them in Skiff" takes effect at once.
    await second.setSettings({ sftpLinkHandler: 'yes' });
    await eventually(() => second.rec.protocol.includes('set:sftp'));
    expect(second.rec.asyncBoxes).toEqual([]);
    await second.quit();
  });

  it('"Open sftp:// Links in Skiff" registers it, once; choosing "Leave them to other apps" later gives them back', async () => {
    const xdg = path.join(tmp, 'xdg-links-yes');
    const first = await start(xdg, { isDefault: false, answer: 0 });
    expect(first.rec.asyncBoxes).toHaveLength(1);
    await eventually(async () => (await first.settings()).sftpLinkHandler === 'yes' && first.rec.protocol.includes('set:sftp'));
    expect(first.rec.protocol.filter((c) => c === 'set:sftp')).toHaveLength(1);
    await first.setSettings({ sftpLinkHandler: 'no' });
    await eventually(() => first.rec.protocol.includes('remove:sftp'));
    await first.quit();
  });

  it('does not ask when the system already sends sftp:// links to Skiff', async () => {
    const s = await start(path.join(tmp, 'xdg-links-default'), { isDefault: true, answer: 0 });
    expect(s.rec.asyncBoxes).toEqual([]);
    expect(s.rec.protocol).toEqual(['is:sftp']);
    await s.quit();
  });
});

describe('packaging config', () => {
  it('package.json runs dist/main.cjs and has build/start/web/dist scripts', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/main.cjs');
    expect(pkg.scripts.start).toMatch(/npm run build && electron \./);
    expect(pkg.scripts.web).toContain('electron/web/server.ts');
    expect(pkg.scripts.dist).toContain('electron-builder --config build/electron-builder.yml');
  });

  it('electron-builder.yml is valid and covers AppImage, deb (sftp handler), dmg, nsis, and keytar rebuild', async () => {
    const yaml = require('js-yaml') as { load(s: string): Record<string, unknown> };
    const cfg = yaml.load(readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8')) as {
      appId: string;
      productName: string;
      npmRebuild: boolean;
      asarUnpack: string[];
      protocols: Array<{ schemes: string[] }>;
      linux: { target: string[]; icon: string; syncDesktopName: boolean; desktop: { entry: Record<string, string> } };
      mac: { target: string[] };
      win: { target: string[] };
    };
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await validateConfiguration(cfg, new DebugLogger(false));
    expect(cfg.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(cfg.productName).toBe('Skiff');
    expect(cfg.npmRebuild).toBe(true);
    expect(cfg.asarUnpack).toContain('**/*.node');
    expect(cfg.protocols[0]!.schemes).toEqual(['sftp']);
    expect(cfg.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    // The .desktop MimeType comes from `protocols` alone (listing it again would write it twice)
    // and its name from package.json's desktopName; test/build/package.test.ts opens the result.
    expect(cfg.linux.desktop.entry.MimeType).toBeUndefined();
    expect(cfg.linux.syncDesktopName).toBe(true);
    expect(cfg.mac.target).toContain('dmg');
    expect(cfg.win.target).toContain('nsis');
    expect(existsSync(path.join(root, cfg.linux.icon))).toBe(true);
  });

  it('the README opens with npm install / npm start / npm test / npm run demo and has a Platforms section', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const firstScreen = readme.split('\n').slice(0, 30).join('\n');
    for (const cmd of ['npm install', 'npm start', 'npm test', 'npm run demo']) expect(firstScreen).toContain(cmd);
    expect(readme).toMatch(/^## Platforms$/m);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.demo).toBe('node --import tsx build/demo.ts');
  });

  it('ships a 512×512 PNG icon', () => {
    const png = readFileSync(path.join(root, 'build', 'icon.png'));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(512);
    expect(png.readUInt32BE(20)).toBe(512);
  });
});
