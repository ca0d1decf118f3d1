// The licences of what Skiff ships, collected at build time for the About dialog: the packages
// bundled into the renderer (from vite's module graph) and into main (from esbuild's metafile), and
// the runtime dependencies main loads from node_modules (ssh2, keytar and everything they pull in,
// as electron-builder packs them). Written as licenses.json beside the renderer's index.html.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Native or Electron-provided modules stay outside main's bundle (keytar is rebuilt for Electron's ABI by electron-builder). */
export const MAIN_EXTERNALS = ['electron', 'ssh2', 'keytar', 'cpu-features'];

const MAX_LICENSE_TEXT = 20_000;

/** The package a bundled file belongs to (`…/node_modules/@scope/name/…` → `@scope/name`), or null for the app's own code. */
export function packageOfFile(file) {
  const parts = `/${file.replaceAll('\\', '/')}`.split('/node_modules/');
  if (parts.length < 2) return null;
  const rest = parts[parts.length - 1].split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? null);
}

/** The packages esbuild puts into main.cjs, plus main's runtime dependencies (loaded from node_modules). */
export async function mainPackages(root) {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    entryPoints: [path.join(root, 'electron', 'main.ts')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    absWorkingDir: root,
    external: MAIN_EXTERNALS,
    mainFields: ['module', 'main'],
    define: { __SKIFF_VERSION__: '"0"' },
  });
  const bundled = Object.keys(r.metafile.inputs).map(packageOfFile).filter(Boolean);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return [...new Set([...bundled, ...Object.keys(pkg.dependencies ?? {})])];
}

function packageDir(name, from, root) {
  // Node's lookup: node_modules of `from` and each folder above it, up to the app's root.
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

function licenseOf(meta) {
  if (typeof meta.license === 'string') return meta.license;
  if (meta.license && typeof meta.license.type === 'string') return meta.license.type;
  if (Array.isArray(meta.licenses)) return meta.licenses.map((l) => (typeof l === 'string' ? l : l.type)).join(' OR ');
  return 'UNKNOWN';
}

function licenseText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!file) return undefined;
  const text = readFileSync(path.join(dir, file), 'utf8').trim();
  return text.length > MAX_LICENSE_TEXT ? `${text.slice(0, MAX_LICENSE_TEXT)}\n…` : text;
}

/**
 * One entry per package (name, version, licence, its licence file's text) for `roots` and every
 * dependency they pull in, each tagged with the parts of the app that ship it.
 */
export function collectLicenses(root, roots) {
  const found = new Map();
  const queue = roots.flatMap(({ names, part }) => names.map((name) => ({ name, part, from: root })));
  while (queue.length > 0) {
    const { name, part, from } = queue.shift();
    const dir = packageDir(name, from, root);
    if (!dir) continue;
    const meta = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const key = `${meta.name}@${meta.version}`;
    const seen = found.get(key);
    if (seen) {
      if (!seen.usedBy.includes(part)) seen.usedBy.push(part);
      else continue;
    } else {
      const repo = typeof meta.repository === 'string' ? meta.repository : meta.repository?.url;
      const entry = { name: meta.name, version: meta.version, license: licenseOf(meta), usedBy: [part] };
      if (repo) entry.repository = repo;
      const text = licenseText(dir);
      if (text) entry.text = text;
      found.set(key, entry);
    }
    for (const dep of Object.keys({ ...meta.dependencies, ...meta.optionalDependencies })) queue.push({ name: dep, part, from: dir });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** Vite plugin: emits licenses.json for the renderer bundle being written and for main. */
export function licensesPlugin(root) {
  return {
    name: 'skiff-licenses',
    apply: 'build',
    async generateBundle() {
      const renderer = [...new Set([...this.getModuleIds()].map(packageOfFile).filter(Boolean))];
      const packages = collectLicenses(root, [
        { names: await mainPackages(root), part: 'main' },
        { names: renderer, part: 'renderer' },
      ]);
      this.emitFile({ type: 'asset', fileName: 'licenses.json', source: `${JSON.stringify({ generatedBy: 'build/licenses.mjs', packages }, null, 1)}\n` });
    },
  };
}
