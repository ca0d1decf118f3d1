// Runs electron-builder for Linux (dir, deb, AppImage) as `npm run dist` would, with the project's
// own build/electron-builder.yml and package.json, except: Electron comes from a stub folder
// (`electronDist`; the binary cannot be downloaded here), native modules are not rebuilt
// (`npmRebuild: false`, that needs Electron's headers) and the app's dist/ is taken from a build
// in a temp folder, so the developer's dist/ is never rewritten under a running test.
//
// fpm and appimagetool are downloaded by electron-builder from GitHub, which these machines
// cannot reach: the deb and AppImage targets run up to the moment they would call the tool
// (electron-builder's own `effectiveOptionComputed` hook hands over what it would pass, desktop
// file included) and stop there. With `--system-fpm` (an fpm on PATH, USE_SYSTEM_FPM=true) the
// .deb is really built; with `--real-appimage` (APPIMAGE_TOOLS_PATH set) the AppImage.
//
//   tsx test/build/support/package-linux.ts --dist DIR --electron-dist DIR --out DIR [--system-fpm] [--real-appimage]
// Writes DIR/result.json: { deb: { args, desktop, afterInstall } | null, appImage: { desktopFileName, desktop } | null }.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Arch, Platform, build, type Configuration, type FileSet } from 'electron-builder';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({
  options: {
    dist: { type: 'string' },
    'electron-dist': { type: 'string' },
    out: { type: 'string' },
    'system-fpm': { type: 'boolean', default: false },
    'real-appimage': { type: 'boolean', default: false },
  },
  strict: true,
});
if (!values.dist || !values['electron-dist'] || !values.out) throw new Error('--dist, --electron-dist and --out are required');

/** The yml's `files`, with every `dist/…` pattern served from `distDir` instead of the project's dist/. */
function remapDist(files: Array<string | FileSet>, distDir: string): Array<string | FileSet> {
  const fromDist: string[] = [];
  const rest: Array<string | FileSet> = [];
  for (const f of files) {
    if (typeof f !== 'string') rest.push(f);
    else if (f.startsWith('dist/')) fromDist.push(f.slice('dist/'.length));
    else if (f.startsWith('!')) {
      rest.push(f);
      fromDist.push(f);
    } else rest.push(f);
  }
  return [...rest, { from: distDir, to: 'dist', filter: fromDist }];
}

const config = yaml.load(readFileSync(path.join(root, 'build', 'electron-builder.yml'), 'utf8')) as Configuration;
const result: { deb: { args: string[]; desktop: string; afterInstall: string } | null; appImage: { desktopFileName: string; desktop: string } | null } = {
  deb: null,
  appImage: null,
};

await build({
  projectDir: root,
  targets: Platform.LINUX.createTarget(['dir', 'deb', 'AppImage'], process.arch === 'arm64' ? Arch.arm64 : Arch.x64),
  config: {
    ...config,
    electronDist: path.resolve(values['electron-dist']),
    npmRebuild: false,
    directories: { ...config.directories, output: path.resolve(values.out) },
    files: remapDist((config.files ?? []) as Array<string | FileSet>, path.resolve(values.dist)),
    publish: null,
  },
  effectiveOptionComputed: async (options: unknown) => {
    // FpmTarget hands [fpm args, desktop file path]; AppImageTarget { desktop, desktopFileName }.
    if (Array.isArray(options)) {
      const [args, desktopFile] = options as [string[], string];
      const afterInstall = args[args.indexOf('--after-install') + 1];
      result.deb = { args: [...args], desktop: readFileSync(desktopFile, 'utf8'), afterInstall: afterInstall ? readFileSync(afterInstall, 'utf8') : '' };
      return !values['system-fpm'];
    }
    const o = options as { desktop?: unknown; desktopFileName?: unknown };
    if (typeof o?.desktopFileName === 'string' && typeof o.desktop === 'string') {
      result.appImage = { desktopFileName: o.desktopFileName, desktop: o.desktop };
      return !values['real-appimage'];
    }
    return false;
  },
});
writeFileSync(path.join(values.out, 'result.json'), JSON.stringify(result, null, 2));
