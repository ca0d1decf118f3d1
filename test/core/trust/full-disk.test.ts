// A full disk while saving a host key: the user's known_hosts must stay byte-for-byte as it was
// (no cut-off line, never truncated). Uses a real 64 KiB tmpfs, which needs root and mount rights.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { KnownHostsStore } from '../../../electron/core/trust/known-hosts-store';
import { isSkiffError } from '../../../electron/core/errors';
import { newKey, tempDir } from './helpers';

const tmp = tempDir();
const mounts: string[] = [];
let why = '';

/** Mounts a fresh 64 KiB tmpfs; returns its path, or undefined (with `why`) when not allowed here. */
function tinyFs(name: string): string | undefined {
  if (process.getuid?.() !== 0) {
    why = 'mounting a tiny tmpfs needs root';
    return undefined;
  }
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    why = 'this environment does not allow mounting a tmpfs';
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m], { stdio: 'ignore' });
  tmp.cleanup();
});

/** Fills the file system completely with a filler file. */
function fill(dir: string): void {
  const fd = openSync(path.join(dir, `filler-${Date.now()}`), 'w');
  const chunk = Buffer.alloc(1024, 0x78);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
  // byte-sized remainders
  const fd2 = openSync(path.join(dir, `filler-b-${Date.now()}`), 'w');
  try {
    for (;;) writeSync(fd2, Buffer.from('x'));
  } catch {
    // full to the byte
  } finally {
    closeSync(fd2);
  }
}

describe('remember on a full disk', () => {
  const key = newKey(tmp.dir, 'fd-key');

  for (const [label, size] of [
    ['no byte fits (file ends on a page boundary)', 4096],
    ['only part of the line fits (short write, undone)', 4096 - 20],
  ] as const) {
    it(`${label}: NO_SPACE error, file unchanged`, async (ctx) => {
      const dir = tinyFs(`fs-${size}`);
      if (!dir) return ctx.skip(why);
      const file = path.join(dir, 'known_hosts');
      const first = `old.example.com ${key.keyType} ${key.key.toString('base64')}\n`;
      const content = first + `#${'-'.repeat(size - first.length - 2)}\n`;
      expect(content.length).toBe(size);
      writeFileSync(file, content);
      fill(dir);
      const err = await new KnownHostsStore({ userFiles: [file] }).remember('new.example.com', 2222, key.key).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSkiffError(err, 'NO_SPACE'), String(err)).toBe(true);
      expect((err as Error).message).toContain(file);
      expect(readFileSync(file, 'utf8')).toBe(content);
    });
  }
});
