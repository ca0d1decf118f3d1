// The whole-file writer (small local files written on one worker thread) and the engine's use of
// it: real files, a real worker thread, a real 1 MiB tmpfs for the full-disk case.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import { writeWholeFile } from '../../../electron/core/fs/whole-file-writer';
import { ByteBudget, PauseGate } from '../../../electron/core/transfers/flow-control';
import { transferFile } from '../../../electron/core/transfers/file-transfer';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { localEndpoint, patternBytes, sha256File, tempDir, tinyTmpfs, writeFile } from '../transfers/helpers';

describe('writeWholeFile', () => {
  it('writes the bytes, mode and times to the part, then moves it onto the final name', async () => {
    const dir = tempDir();
    const data = Buffer.from(patternBytes(20_000, 3));
    const expected = Buffer.from(data);
    await writeWholeFile({
      partPath: path.join(dir, 'a.bin.skiffpart'),
      finalPath: path.join(dir, 'a.bin'),
      data,
      overwrite: false,
      mode: 0o640,
      atimeMs: 1_400_000_000_000,
      mtimeMs: 1_500_000_000_000,
    });
    // stat before reading: with relatime, reading a file whose atime is older than its mtime updates the atime.
    const st = statSync(path.join(dir, 'a.bin'));
    expect(st.mode & 0o777).toBe(0o640);
    expect(st.mtimeMs).toBe(1_500_000_000_000);
    expect(st.atimeMs).toBe(1_400_000_000_000);
    expect(readFileSync(path.join(dir, 'a.bin')).equals(expected)).toBe(true);
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it('refuses to replace an existing file unless told to, and then replaces it', async () => {
    const dir = tempDir();
    const final = path.join(dir, 'b.txt');
    writeFileSync(final, 'old and precious');
    const part = final + '.skiffpart';
    const refused = writeWholeFile({ partPath: part, finalPath: final, data: Buffer.from('new'), overwrite: false, atimeMs: 0, mtimeMs: 0 });
    await expect(refused).rejects.toMatchObject({ code: 'ALREADY_EXISTS', path: final });
    expect(readFileSync(final, 'utf8')).toBe('old and precious');
    await writeWholeFile({ partPath: part, finalPath: final, data: Buffer.from('new'), overwrite: true, atimeMs: 0, mtimeMs: 0 });
    expect(readFileSync(final, 'utf8')).toBe('new');
    expect(existsSync(part)).toBe(false);
  });

  it('names the part in the error when its folder is missing or is a file', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'nope', 'c.bin');
    await expect(
      writeWholeFile({ partPath: missing + '.skiffpart', finalPath: missing, data: Buffer.from('x'), overwrite: false, atimeMs: 0, mtimeMs: 0 }),
    ).rejects.toMatchObject({
      code: 'NO_SUCH_FILE',
      path: missing + '.skiffpart',
    });
    writeFileSync(path.join(dir, 'file'), 'x');
    const under = path.join(dir, 'file', 'd.bin');
    await expect(
      writeWholeFile({ partPath: under + '.skiffpart', finalPath: under, data: Buffer.from('x'), overwrite: false, atimeMs: 0, mtimeMs: 0 }),
    ).rejects.toMatchObject({
      code: 'NOT_A_DIRECTORY',
    });
  });

  it('hands over memory it may take and copies a view into a shared slab', async () => {
    const dir = tempDir();
    const owned = Buffer.from(new ArrayBuffer(5000)).fill(7);
    await writeWholeFile({ partPath: path.join(dir, 'o.part'), finalPath: path.join(dir, 'o'), data: owned, overwrite: false, atimeMs: 0, mtimeMs: 0 });
    expect(owned.length).toBe(0); // detached: handed over, not copied
    const pooled = Buffer.from('small and pooled'); // a slice of Buffer's shared 8 KiB slab
    await writeWholeFile({ partPath: path.join(dir, 'p.part'), finalPath: path.join(dir, 'p'), data: pooled, overwrite: false, atimeMs: 0, mtimeMs: 0 });
    expect(pooled.toString()).toBe('small and pooled');
    expect(readFileSync(path.join(dir, 'o')).equals(Buffer.alloc(5000, 7))).toBe(true);
    expect(readFileSync(path.join(dir, 'p'), 'utf8')).toBe('small and pooled');
  });

  it('refuses bytes that were already handed over, writes empty files, and keeps working', async () => {
    const dir = tempDir();
    const owned = Buffer.from(new ArrayBuffer(6000)).fill(1);
    await writeWholeFile({ partPath: path.join(dir, 'a.part'), finalPath: path.join(dir, 'a'), data: owned, overwrite: false, atimeMs: 0, mtimeMs: 0 });
    // `owned` is detached now: writing it again is refused, and nothing is created.
    await expect(
      writeWholeFile({ partPath: path.join(dir, 'b.part'), finalPath: path.join(dir, 'b'), data: owned, overwrite: false, atimeMs: 0, mtimeMs: 0 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(existsSync(path.join(dir, 'b'))).toBe(false);
    // An empty file is fine (nothing to hand over).
    await writeWholeFile({
      partPath: path.join(dir, 'e.part'),
      finalPath: path.join(dir, 'e'),
      data: new Uint8Array(0),
      overwrite: false,
      atimeMs: 0,
      mtimeMs: 0,
    });
    expect(readFileSync(path.join(dir, 'e')).length).toBe(0);
    await writeWholeFile({
      partPath: path.join(dir, 'c.part'),
      finalPath: path.join(dir, 'c'),
      data: Buffer.from('still fine'),
      overwrite: false,
      atimeMs: 0,
      mtimeMs: 0,
    });
    expect(readFileSync(path.join(dir, 'c'), 'utf8')).toBe('still fine');
  });

  it('lands a burst of 300 files in one folder, each byte-identical', async () => {
    const dir = tempDir();
    const sums = new Map<string, string>();
    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const data = patternBytes(i * 37, i + 1);
        writeFileSync(path.join(dir, `expected-${i}`), data);
        const final = path.join(dir, `f${i}`);
        sums.set(final, sha256File(path.join(dir, `expected-${i}`)));
        await writeWholeFile({ partPath: final + '.skiffpart', finalPath: final, data, overwrite: false, atimeMs: 0, mtimeMs: 1_000 * i });
      }),
    );
    for (const [final, sum] of sums) expect(sha256File(final)).toBe(sum);
    expect(readdirSync(dir).filter((n) => n.endsWith('.skiffpart'))).toEqual([]);
  });
});

describe('the engine with the whole-file writer', () => {
  it('falls back to the pipelined copy when a small file is bigger than its listing said', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'grew.bin');
    writeFile(src, patternBytes(300_000, 9));
    const stat = await new LocalFs().stat(src);
    const file = { rel: ['grew.bin'], srcPath: src, stat: { ...stat, size: 1000 }, state: 'pending' as const, bytesDone: 0 };
    const out = path.join(dir, 'out.bin');
    await transferFile(
      {
        src: new LocalFs(),
        dst: new LocalFs(),
        budget: new ByteBudget(1 << 26),
        gate: new PauseGate(),
        signal: new AbortController().signal,
        requests: 8,
        preservePermissions: false,
        onBytes: () => undefined,
      },
      file,
      { finalPath: out, overwrite: false },
    );
    expect(sha256File(out)).toBe(sha256File(src));
    expect(file.bytesDone).toBe(300_000);
  });

  describe('on a full disk', () => {
    let fs: ReturnType<typeof tinyTmpfs>;
    let mountPoint = '';
    let mounted = false;
    beforeAll(() => {
      fs = tinyTmpfs();
      mountPoint = fs.path;
      mounted = fs.mounted;
    });
    afterAll(() => fs?.unmount());

    it('moves the files that fit, fails the others with NO_SPACE, and leaves no part and no truncated file', async (ctx) => {
      if (!mounted) ctx.skip('cannot mount a 1 MiB tmpfs here (needs root and mount permission)');
      const src = tempDir();
      const root = path.join(src, 'many');
      mkdirSync(root);
      for (let i = 0; i < 12; i++) writeFile(path.join(root, `f${i}.bin`), patternBytes(200_000, i + 1));
      const q = new TransferQueue();
      const snap = await q.whenSettled(
        q.add({ direction: 'download', source: localEndpoint(), sources: [root], target: localEndpoint(), targetDir: mountPoint }).id,
      );
      expect(snap.state).toBe('failed');
      const landed = readdirSync(path.join(mountPoint, 'many'));
      expect(landed.filter((n) => n.endsWith('.skiffpart'))).toEqual([]);
      expect(landed.length).toBeGreaterThan(0);
      for (const n of landed) expect(sha256File(path.join(mountPoint, 'many', n))).toBe(sha256File(path.join(root, n)));
      const failed = snap.fileErrors.map((e) => e.path).sort();
      expect(snap.fileErrors.every((e) => e.code === 'NO_SPACE')).toBe(true);
      expect([...failed, ...landed.map((n) => `many/${n}`)].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `many/f${i}.bin`).sort());
    });
  });
});
