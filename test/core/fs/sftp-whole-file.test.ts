// SftpFs.writeWholeFile (a small file's OPEN, then WRITEs + FSETSTAT + CLOSE in one burst, then
// RENAME) against the real sshd, and the engine's uploads through it, including a full remote disk.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { localEndpoint, patternBytes, sha256File, tempDir, tinyTmpfs, withSshdSession, writeFile } from '../transfers/helpers';

describe('SftpFs.writeWholeFile on the real sshd', () => {
  const s = inject('sshd');
  let session: SftpSession;
  withSshdSession(s, (x) => (session = x));

  it('writes the bytes, then the mode and times (after the last byte), then moves the part onto the final name', async () => {
    const dir = tempDir('skiff-remote-');
    const data = patternBytes(20_000, 5);
    const final = path.join(dir, 'a.bin');
    await session.fs.writeWholeFile!({
      partPath: final + '.skiffpart',
      finalPath: final,
      data,
      overwrite: false,
      mode: 0o640,
      atimeMs: 1_400_000_000_000,
      mtimeMs: 1_500_000_000_999,
    });
    const st = statSync(final);
    expect(st.mode & 0o777).toBe(0o640);
    // SFTP v3 carries whole seconds; a time set before the data landed would have been replaced by "now".
    expect(st.mtimeMs).toBe(1_500_000_000_000);
    expect(st.atimeMs).toBe(1_400_000_000_000);
    expect(readFileSync(final).equals(data)).toBe(true);
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it('splits a file bigger than one write request into several, all before the times and the close', async () => {
    const dir = tempDir('skiff-remote-');
    const data = patternBytes(3 * session.fs.maxWriteSize + 17, 9);
    const final = path.join(dir, 'big.bin');
    await session.fs.writeWholeFile!({
      partPath: final + '.skiffpart',
      finalPath: final,
      data,
      overwrite: false,
      atimeMs: 1_300_000_000_000,
      mtimeMs: 1_300_000_000_000,
    });
    expect(readFileSync(final).equals(data)).toBe(true);
    expect(statSync(final).mtimeMs).toBe(1_300_000_000_000);
  });

  it('writes an empty file (no WRITE at all)', async () => {
    const dir = tempDir('skiff-remote-');
    const final = path.join(dir, 'empty');
    await session.fs.writeWholeFile!({
      partPath: final + '.skiffpart',
      finalPath: final,
      data: Buffer.alloc(0),
      overwrite: false,
      atimeMs: 1_200_000_000_000,
      mtimeMs: 1_200_000_000_000,
    });
    expect(statSync(final).size).toBe(0);
    expect(statSync(final).mtimeMs).toBe(1_200_000_000_000);
  });

  it('refuses to replace an existing file unless told to (the old one intact), then replaces it', async () => {
    const dir = tempDir('skiff-remote-');
    const final = path.join(dir, 'b.txt');
    writeFileSync(final, 'old and precious');
    const part = final + '.skiffpart';
    await expect(
      session.fs.writeWholeFile!({ partPath: part, finalPath: final, data: Buffer.from('new'), overwrite: false, atimeMs: 0, mtimeMs: 0 }),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(readFileSync(final, 'utf8')).toBe('old and precious');
    await session.fs.writeWholeFile!({ partPath: part, finalPath: final, data: Buffer.from('new'), overwrite: true, atimeMs: 0, mtimeMs: 0 });
    expect(readFileSync(final, 'utf8')).toBe('new');
    expect(existsSync(part)).toBe(false);
  });

  it('names the part when its folder is missing', async () => {
    const dir = tempDir('skiff-remote-');
    const final = path.join(dir, 'nope', 'c.bin');
    await expect(
      session.fs.writeWholeFile!({ partPath: final + '.skiffpart', finalPath: final, data: Buffer.from('x'), overwrite: false, atimeMs: 0, mtimeMs: 0 }),
    ).rejects.toMatchObject({
      code: 'NO_SUCH_FILE',
      path: final + '.skiffpart',
    });
  });

  it('uploads a folder of small files through it: identical bytes and times, no parts left', async () => {
    const local = tempDir();
    const root = path.join(local, 'many');
    for (let i = 0; i < 50; i++) writeFile(path.join(root, `f${i}.bin`), patternBytes(i * 311, i + 1));
    const remote = tempDir('skiff-remote-');
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), sources: [root], target: sessionEndpoint(session), targetDir: remote }).id,
    );
    expect(snap.state).toBe('done');
    const names = readdirSync(path.join(remote, 'many')).sort();
    expect(names).toEqual(readdirSync(root).sort());
    for (const n of names) {
      expect(sha256File(path.join(remote, 'many', n))).toBe(sha256File(path.join(root, n)));
      expect(Math.floor(statSync(path.join(remote, 'many', n)).mtimeMs / 1000)).toBe(Math.floor(statSync(path.join(root, n)).mtimeMs / 1000));
    }
  });

  describe('on a full remote disk', () => {
    let fs: ReturnType<typeof tinyTmpfs>;
    beforeAll(() => {
      fs = tinyTmpfs();
    });
    afterAll(() => fs?.unmount());

    it('uploads the files that fit, fails the others with NO_SPACE, and leaves no part and no truncated file', async (ctx) => {
      if (!fs.mounted) ctx.skip('cannot mount a 1 MiB tmpfs here (needs root and mount permission)');
      const local = tempDir();
      const root = path.join(local, 'many');
      mkdirSync(root);
      for (let i = 0; i < 12; i++) writeFile(path.join(root, `f${i}.bin`), patternBytes(200_000, i + 1));
      const q = new TransferQueue();
      const snap = await q.whenSettled(
        q.add({ direction: 'upload', source: localEndpoint(), sources: [root], target: sessionEndpoint(session), targetDir: fs.path }).id,
      );
      expect(snap.state).toBe('failed');
      const landed = readdirSync(path.join(fs.path, 'many'));
      expect(landed.filter((n) => n.endsWith('.skiffpart'))).toEqual([]);
      expect(landed.length).toBeGreaterThan(0);
      for (const n of landed) expect(sha256File(path.join(fs.path, 'many', n))).toBe(sha256File(path.join(root, n)));
      expect(snap.fileErrors.length).toBeGreaterThan(0);
      // SFTP v3 says only FAILURE; statvfs@openssh.com tells that the disk is full.
      expect(snap.fileErrors.every((e) => e.code === 'NO_SPACE' && /server.s disk is full/.test(e.message))).toBe(true);
      expect([...snap.fileErrors.map((e) => e.path), ...landed.map((n) => `many/${n}`)].sort()).toEqual(
        Array.from({ length: 12 }, (_, i) => `many/f${i}.bin`).sort(),
      );
    });
  });
});
