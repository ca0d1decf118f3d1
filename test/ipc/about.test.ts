// The About service: the versions main runs on and the build's licence list, which is read from
// disk like any other file (validated; a missing or damaged one is said, not thrown).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAbout } from '../../electron/app/about';
import { createAppFixture } from './app-fixture';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-about-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = path.resolve(import.meta.dirname, '..', '..');
const ssh2Version = (JSON.parse(readFileSync(path.join(root, 'node_modules', 'ssh2', 'package.json'), 'utf8')) as { version: string }).version;

describe('About', () => {
  it('says which Node, V8 and ssh2 main runs on (no Electron under plain Node) and lists the licences', async () => {
    const file = path.join(tmp, 'licenses.json');
    writeFileSync(
      file,
      JSON.stringify({ packages: [{ name: 'ssh2', version: ssh2Version, license: 'MIT', usedBy: ['main'], text: 'Copyright Brian White' }] }),
    );
    const about = await createAbout({ name: 'Skiff', version: '1.2.3', mode: 'web', licensesFile: file, modulesFrom: root })();
    expect(about).toMatchObject({
      name: 'Skiff',
      version: '1.2.3',
      mode: 'web',
      versions: { node: process.versions.node, v8: process.versions.v8, ssh2: ssh2Version },
    });
    expect(about.versions.electron).toBeUndefined();
    expect(about.versions.chromium).toBeUndefined();
    expect(about.licenses).toEqual([{ name: 'ssh2', version: ssh2Version, license: 'MIT', usedBy: ['main'], text: 'Copyright Brian White' }]);
  });

  it('a missing, damaged or misshapen licence list is reported in words, and the versions still show', async () => {
    const damaged = path.join(tmp, 'damaged.json');
    writeFileSync(damaged, '{"packages": [');
    const misshapen = path.join(tmp, 'misshapen.json');
    writeFileSync(misshapen, JSON.stringify({ packages: [{ name: 'x', version: '1', license: 'MIT', usedBy: ['somewhere else'] }] }));
    for (const [file, problem] of [
      [path.join(tmp, 'none.json'), /missing/],
      [damaged, /damaged/],
      [misshapen, /damaged/],
      [undefined, /no licence list/],
    ] as const) {
      const about = await createAbout({ name: 'Skiff', version: '1', mode: 'electron', ...(file ? { licensesFile: file } : {}), modulesFrom: root })();
      expect(about.licenses).toBeNull();
      expect(about.licensesProblem).toMatch(problem);
      expect(about.versions.node).toBe(process.versions.node);
    }
  });

  it('answers app:about through the registry', async () => {
    const f = await createAppFixture();
    try {
      const r = await f.call('app:about');
      expect(r).toMatchObject({ ok: true, value: { name: 'Skiff', versions: { ssh2: ssh2Version }, licenses: null } });
    } finally {
      await f.close();
    }
  });
});
