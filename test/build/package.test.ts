// The packages `npm run dist` makes on Linux, built for real by electron-builder against a stub
// Electron folder (the binary cannot be downloaded here) and then opened: what app.asar holds,
// which native files sit outside it, the .desktop entry the deb and the AppImage install, the
// icon, and the metadata the deb carries. See support/package-linux.ts for what is stubbed.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, o: { isPack: boolean }): string[];
  extractFile(archive: string, file: string): Buffer;
  statFile(archive: string, file: string): { unpacked?: boolean; files?: unknown };
};

interface Result {
  deb: { args: string[]; desktop: string; afterInstall: string } | null;
  appImage: { desktopFileName: string; desktop: string } | null;
}

let tmp: string;
let out: string;
let distDir: string;
let result: Result;
let appDir: string;
let archive: string;
let entries: string[];
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown> & {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const hasSystemFpm = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v fpm'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();
// electron-builder takes its AppImage tools from here instead of downloading them.
const appImageTools = process.env.APPIMAGE_TOOLS_PATH;

/** A folder shaped like an unpacked Electron release for Linux, with a shell script as its binary. */
function stubElectron(dir: string): void {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  mkdirSync(path.join(dir, 'locales'), { recursive: true });
  writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\necho "stub Electron: the real binary could not be downloaded"\n');
  chmodSync(path.join(dir, 'electron'), 0o755);
  writeFileSync(path.join(dir, 'locales', 'en-US.pak'), '');
  writeFileSync(path.join(dir, 'LICENSE'), 'stub\n');
  writeFileSync(path.join(dir, 'version'), `${(require('electron/package.json') as { version: string }).version}\n`);
}

/** key → value of a .desktop file's [Desktop Entry] group (a repeated key would be an error). */
function desktopEntry(text: string): Record<string, string> {
  const lines = text.split('\n');
  expect(lines[0]).toBe('[Desktop Entry]');
  const map: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    if (l.startsWith('[')) break;
    const m = /^([A-Za-z0-9-]+)=(.*)$/.exec(l);
    if (!m) continue;
    expect(map, `key ${m[1]} appears twice`).not.toHaveProperty(m[1]!);
    map[m[1]!] = m[2]!;
  }
  return map;
}

function checkDesktop(text: string, exec: RegExp): void {
  const e = desktopEntry(text);
  expect(e.Type).toBe('Application');
  expect(e.Name).toBe('Skiff');
  expect(e.Exec).toMatch(exec);
  // The icon installed as hicolor/…/apps/skiff.png.
  expect(e.Icon).toBe('skiff');
  // Electron announces desktopName (minus .desktop) as its Wayland app_id and X11 WM_CLASS.
  expect(e.StartupWMClass).toBe(String(pkg.desktopName).replace(/\.desktop$/, ''));
  const mime = (e.MimeType ?? '').split(';').filter(Boolean);
  expect(mime.filter((m) => m === 'x-scheme-handler/sftp')).toHaveLength(1);
  expect(e.Categories?.split(';').filter(Boolean)).toEqual(['Network', 'FileTransfer']);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-package-'));
  out = path.join(tmp, 'release');
  distDir = path.join(tmp, 'dist');
  const electronDist = path.join(tmp, 'electron');
  stubElectron(electronDist);
  await promisify(execFile)(process.execPath, [path.join(root, 'build', 'build.mjs'), '--out', distDir], { cwd: root });
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const args = [
    tsx,
    path.join(root, 'test', 'build', 'support', 'package-linux.ts'),
    '--dist',
    distDir,
    '--electron-dist',
    electronDist,
    '--out',
    out,
    ...(hasSystemFpm ? ['--system-fpm'] : []),
    ...(appImageTools ? ['--real-appimage'] : []),
  ];
  try {
    await promisify(execFile)(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...(hasSystemFpm ? { USE_SYSTEM_FPM: 'true' } : {}) },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`electron-builder failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`, { cause: err });
  }
  result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as Result;
  appDir = path.join(out, process.arch === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked');
  archive = path.join(appDir, 'resources', 'app.asar');
  entries = asar.listPackage(archive, { isPack: false });
}, 240_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('electron-builder --linux dir', () => {
  it('names the executable skiff (the stub Electron binary, renamed)', () => {
    const exe = path.join(appDir, 'skiff');
    expect(readFileSync(exe, 'utf8')).toContain('stub Electron');
    expect(statSync(exe).mode & 0o111).not.toBe(0);
  });

  it('app.asar holds package.json and the built dist/ (main, preload, renderer), without source maps', () => {
    for (const f of ['/package.json', '/dist/main.cjs', '/dist/preload.cjs', '/dist/renderer/index.html']) expect(entries).toContain(f);
    expect(entries.some((e) => /^\/dist\/renderer\/assets\/.+\.js$/.test(e))).toBe(true);
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    expect(asar.extractFile(archive, 'dist/main.cjs').equals(readFileSync(path.join(distDir, 'main.cjs')))).toBe(true);
    // Nothing of the project but package.json, dist/ and the runtime dependencies.
    expect([...new Set(entries.map((e) => e.split('/')[1]))].sort()).toEqual(['dist', 'node_modules', 'package.json']);
  });

  it('ships the runtime dependencies and none of the development ones', () => {
    for (const dep of Object.keys(pkg.dependencies)) expect(entries).toContain(`/node_modules/${dep}/package.json`);
    for (const dev of ['electron', 'electron-builder', 'react', 'vite', 'vitest', 'zod', 'typescript']) expect(entries).not.toContain(`/node_modules/${dev}`);
  });

  it('keeps every native .node file outside the archive (app.asar.unpacked), and no Node-only ssh2 binding', () => {
    const natives = entries.filter((e) => e.endsWith('.node'));
    expect(natives.map((n) => path.posix.basename(n)).sort()).toEqual(['cpufeatures.node', 'keytar.node']);
    for (const n of natives) {
      expect(asar.statFile(archive, n.slice(1)).unpacked).toBe(true);
      const onDisk = path.join(appDir, 'resources', 'app.asar.unpacked', ...n.split('/'));
      expect(readFileSync(onDisk).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    }
    // ssh2's binding is built for Node's ABI and links OpenSSL calls Electron lacks (see the yml).
    expect(entries.filter((e) => e.includes('sshcrypto'))).toEqual([]);
    expect(entries.filter((e) => e.includes('obj.target'))).toEqual([]);
  });

  it('carries the package metadata Electron and the installers read', () => {
    const inside = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as Record<string, unknown>;
    expect(inside).toMatchObject({
      name: 'skiff',
      productName: 'Skiff',
      version: pkg.version,
      main: 'dist/main.cjs',
      desktopName: 'skiff.desktop',
      homepage: pkg.homepage,
    });
    expect(inside.author).toMatchObject({ name: expect.any(String), email: expect.stringContaining('@') });
    expect(String(pkg.homepage)).toMatch(/^https:\/\//);
    expect(pkg.repository).toMatchObject({ url: expect.stringMatching(/^git\+https:\/\//) });
  });
});

describe('electron-builder --linux deb', () => {
  it('reaches fpm with the maintainer, homepage, license and description', () => {
    expect(result.deb).not.toBeNull();
    const args = result.deb!.args;
    const arg = (name: string): string | undefined => args[args.indexOf(name) + 1];
    expect(arg('--name')).toBe('skiff');
    expect(arg('--maintainer')).toMatch(/^Skiff contributors <[^>]+@[^>]+>$/);
    expect(arg('--url')).toBe(pkg.homepage);
    expect(arg('--license')).toBe('MIT');
    expect(arg('--version')).toBe(pkg.version);
    expect(arg('--description')).toMatch(/SFTP client/);
  });

  it('installs /opt/Skiff, /usr/share/applications/skiff.desktop and the 512 px icon', () => {
    const maps = Object.fromEntries(result.deb!.args.filter((a) => a.includes('=/')).map((a) => a.split('=').reverse()));
    expect(maps['/opt/Skiff']).toBe(`${appDir}/`);
    expect(Object.keys(maps)).toContain('/usr/share/applications/skiff.desktop');
    const icon = maps['/usr/share/icons/hicolor/512x512/apps/skiff.png'];
    expect(icon).toBeDefined();
    const png = readFileSync(icon!);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('writes a desktop entry that opens sftp:// links (the MimeType once) and matches the window (StartupWMClass)', () => {
    checkDesktop(result.deb!.desktop, /^\/opt\/Skiff\/skiff %U$/);
  });

  it('registers the entry and the AppArmor profile Ubuntu 24.04 needs on install', () => {
    expect(result.deb!.afterInstall).toContain('update-desktop-database');
    expect(result.deb!.afterInstall).toContain('apparmor_parser');
    const profile = readFileSync(path.join(appDir, 'resources', 'apparmor-profile'), 'utf8');
    expect(profile).toMatch(/profile "skiff" "\/opt\/Skiff\/skiff"/);
    expect(profile).toContain('userns,');
  });

  it('builds the .deb file itself with fpm', (ctx) => {
    if (!hasSystemFpm) {
      ctx.skip(
        'fpm is not installed and electron-builder downloads its own fpm from GitHub, which this machine cannot reach; everything up to the fpm call is checked above',
      );
      return;
    }
    const deb = path.join(out, `skiff_${pkg.version}_${process.arch === 'arm64' ? 'arm64' : 'amd64'}.deb`);
    const info = execFileSync('dpkg-deb', ['-I', deb], { encoding: 'utf8' });
    expect(info).toMatch(/Package: skiff/);
    expect(info).toMatch(/Depends:.*libsecret-1-0/);
    expect(execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' })).toContain('./usr/share/applications/skiff.desktop');
  });
});

describe('electron-builder --linux AppImage', () => {
  it("embeds skiff.desktop with the same entry, and leaves Chromium's sandbox on", () => {
    expect(result.appImage).not.toBeNull();
    expect(result.appImage!.desktopFileName).toBe('skiff.desktop');
    checkDesktop(result.appImage!.desktop, /^AppRun %U$/);
  });

  it('builds the AppImage file itself', (ctx) => {
    if (!appImageTools) {
      ctx.skip(
        'electron-builder downloads appimagetool and the AppImage runtime from GitHub, which this machine cannot reach (set APPIMAGE_TOOLS_PATH to a local copy); the AppImage target is checked up to that download above',
      );
      return;
    }
    const file = path.join(out, `Skiff-${pkg.version}-${process.arch === 'arm64' ? 'arm64' : 'x86_64'}.AppImage`);
    expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(statSync(file).mode & 0o111).not.toBe(0);
  });
});

describe('npm run dist', () => {
  it('says which Node it needs before electron-builder fails on an older one', () => {
    expect(String((pkg.scripts as Record<string, string>).dist)).toMatch(/^node build\/require-node\.mjs 22\.12 && /);
    const run = (want: string): { code: number; err: string } => {
      try {
        execFileSync(process.execPath, [path.join(root, 'build', 'require-node.mjs'), want], { stdio: 'pipe' });
        return { code: 0, err: '' };
      } catch (e) {
        const x = e as { status: number; stderr: Buffer };
        return { code: x.status, err: x.stderr.toString() };
      }
    };
    expect(run('20.0').code).toBe(0);
    const tooOld = run('999.0');
    expect(tooOld.code).toBe(1);
    expect(tooOld.err).toContain(`Packaging needs Node 999.0 or newer`);
    expect(tooOld.err).toContain(process.versions.node);
    expect(pkg.engines).toEqual({ node: '^20.19.0 || >=22.12.0' });
  });
});
