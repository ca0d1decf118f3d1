// `npm run build`: bundles the Electron main process and the sandboxed preload with esbuild,
// and the renderer with vite (renderer/vite.config.ts, which also writes the licences of what
// ships: dist/renderer/licenses.json, see licenses.mjs), into dist/.
//   node build/build.mjs                  everything
//   node build/build.mjs --renderer-only  just dist/renderer (what `npm run web` needs)
//   node build/build.mjs --no-renderer    just main.cjs + preload.cjs
//   --out DIR                             output folder (default dist/)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MAIN_EXTERNALS } from './licenses.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'renderer-only': { type: 'boolean', default: false },
    'no-renderer': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(root, 'dist') },
  },
  strict: true,
});
const outDir = path.resolve(values.out);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

async function buildMainAndPreload() {
  const esbuild = await import('esbuild');
  const common = { bundle: true, sourcemap: true, logLevel: 'warning', absWorkingDir: root, legalComments: 'none' };
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'electron', 'main.ts')],
    outfile: path.join(outDir, 'main.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: MAIN_EXTERNALS,
    // Prefer packages' ESM builds: some UMD builds (jsonc-parser) require() their own files at run
    // time in a way a bundler cannot follow, and would crash the packaged app at start.
    mainFields: ['module', 'main'],
    define: { __SKIFF_VERSION__: JSON.stringify(pkg.version) },
    // `import('keytar')` becomes require(): CommonJS require resolves inside app.asar (and
    // its unpacked native part) on every Electron version; ESM import() of a package there does not.
    supported: { 'dynamic-import': false },
  });
  // Sandboxed preloads get only a tiny `require` (electron and a few polyfills): bundle everything
  // else, and build for the browser platform so a stray Node import fails the build, not the app.
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'electron', 'preload.ts')],
    outfile: path.join(outDir, 'preload.cjs'),
    platform: 'browser',
    format: 'cjs',
    target: 'chrome120',
    external: ['electron'],
  });
  console.log(`built ${path.relative(root, path.join(outDir, 'main.cjs'))} and ${path.relative(root, path.join(outDir, 'preload.cjs'))}`);
}

async function buildRenderer() {
  const config = path.join(root, 'renderer', 'vite.config.ts');
  const html = path.join(root, 'renderer', 'index.html');
  if (!existsSync(config) || !existsSync(html)) {
    console.warn(`renderer not built: ${path.relative(root, existsSync(config) ? html : config)} does not exist yet (the renderer provides it).`);
    return false;
  }
  const { build } = await import('vite');
  await build({ configFile: config, logLevel: 'warn', build: { outDir: path.join(outDir, 'renderer'), emptyOutDir: true } });
  console.log(`built ${path.relative(root, path.join(outDir, 'renderer'))}`);
  return true;
}

try {
  if (!values['renderer-only']) await buildMainAndPreload();
  if (!values['no-renderer']) await buildRenderer();
} catch (err) {
  console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
