// `node build/require-node.mjs 22.12`: exits 1 with a clear message when this Node is older than
// the given major.minor. `npm run dist` needs it: electron-builder rebuilds keytar and
// cpu-features with @electron/rebuild, which requires Node 22.12 or newer.
const want = process.argv[2] ?? '';
const parse = (v) => v.split('.').map((n) => Number.parseInt(n, 10) || 0);
const [wMajor, wMinor] = parse(want);
const [major, minor] = parse(process.versions.node);
if (!/^\d+\.\d+$/.test(want)) {
  console.error(`usage: node build/require-node.mjs MAJOR.MINOR (got “${want}”)`);
  process.exit(2);
}
if (major < wMajor || (major === wMajor && minor < wMinor)) {
  console.error(
    `Packaging needs Node ${want} or newer (electron-builder's @electron/rebuild requires it); this is Node ${process.versions.node}. Tests, \`npm start\` and \`npm run web\` work on Node 20.19+.`,
  );
  process.exit(1);
}
