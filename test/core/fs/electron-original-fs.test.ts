// A user's `.asar` file under Electron. Electron's node:fs reads into .asar archives, so through
// it a plain file named backup.asar lists as a folder and cannot be opened. LocalFs (main thread
// and its reader/writer threads) must use Electron's 'original-fs' instead. The Electron binary
// cannot run here: a child Node process plays Electron's fs for .asar paths (support/electron-asar-fs.cjs)
// and LocalFs is used there for real. The control run, without 'original-fs', shows the patch bites.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickUserFs, userFs } from '../../../electron/core/fs/user-fs';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function probe(opts: { noOriginalFs: boolean; slowStatMs?: number }): Record<string, unknown> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-asar-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'backup.asar'), "not an archive: the user's own file");
  writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  const out = execFileSync(
    process.execPath,
    [
      '--require',
      path.join(root, 'test', 'core', 'fs', 'support', 'electron-asar-fs.cjs'),
      '--import',
      'tsx',
      path.join(root, 'test', 'core', 'fs', 'support', 'asar-probe.ts'),
      dir,
      String(opts.slowStatMs ?? 1000),
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, SKIFF_NO_ORIGINAL_FS: opts.noOriginalFs ? '1' : '0' } },
  );
  const result = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
  return { ...result, copy: readFileSync(path.join(dir, 'copy.asar'), 'utf8') };
}

describe("LocalFs under Electron's asar-aware fs", () => {
  it("lists, stats, reads and writes a user's .asar file as the file it is (original-fs)", () => {
    for (const slowStatMs of [1000, 0]) {
      // slowStatMs 0: the parallel (thread-pool) listing path instead of the reader thread.
      const r = probe({ noOriginalFs: false, slowStatMs });
      expect(r.listed).toEqual(
        expect.arrayContaining([
          { name: 'backup.asar', type: 'file', size: 35 },
          { name: 'notes.txt', type: 'file', size: 5 },
        ]),
      );
      expect(r.stat).toBe('file');
      expect(r.whole).toBe("not an archive: the user's own file");
      expect(r.handle).toBe("not an archive: the user's own file");
      expect(r.written).toBe('ok');
      expect(r.copy).toBe('copied');
    }
  });

  it('control: through the patched fs alone, the same file is a folder and cannot be read', () => {
    const r = probe({ noOriginalFs: true });
    expect(r.listed).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'backup.asar', type: 'directory' })]));
    expect(r.stat).toBe('directory');
    expect(r.whole).toEqual({ error: 'IS_A_DIRECTORY' });
    expect(r.handle).toEqual({ error: 'IS_A_DIRECTORY' });
  });
});

describe('pickUserFs', () => {
  const fake = { lstatSync: () => undefined, promises: { lstat: async () => undefined } } as unknown as typeof fs;
  it('is node:fs under plain Node, without even asking for original-fs', () => {
    expect(userFs).toBe(fs);
    expect(
      pickUserFs(
        { node: '20.0.0' },
        () => {
          throw new Error('must not be loaded');
        },
        fs,
      ),
    ).toBe(fs);
  });
  it("takes Electron's original-fs when it is there, and node:fs when it is missing or not an fs module", () => {
    expect(pickUserFs({ electron: '41.7.1' }, (id) => (id === 'original-fs' ? fake : null), fs)).toBe(fake);
    expect(
      pickUserFs(
        { electron: '41.7.1' },
        () => {
          throw new Error("Cannot find module 'original-fs'");
        },
        fs,
      ),
    ).toBe(fs);
    expect(pickUserFs({ electron: '41.7.1' }, () => ({}), fs)).toBe(fs);
  });
});
