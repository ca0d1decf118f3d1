import { describe, expect, inject, it } from 'vitest';
import { lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { wholeFileBuffers } from '../../../electron/core/fs/whole-file-buffers';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { localEndpoint, patternBytes, sha256File, tempDir, treeDigest, withSshdSession, writeFile } from './helpers';

// The sshd runs on this machine, so its "remote" folders are local paths we can inspect directly.
describe('TransferQueue against the real sshd', () => {
  const s = inject('sshd');
  let session: SftpSession;
  withSshdSession(s, (x) => (session = x));

  const sizes: Array<[string, number]> = [
    ['empty', 0],
    ['one-byte', 1],
    ['odd', 131_071],
    ['multi-chunk', 3 * 1024 * 1024 + 12_345],
    ['striped', 9 * 1024 * 1024 + 7],
  ];

  for (const [name, size] of sizes) {
    it(`uploads and downloads a ${name} file byte-identically (${size} bytes) with its mtime`, async () => {
      const local = tempDir();
      const remote = tempDir('skiff-remote-');
      const back = tempDir();
      const file = path.join(local, `${name}.bin`);
      writeFile(file, patternBytes(size, size + 1));
      utimesSync(file, 1_500_000_000, 1_500_000_000);
      const q = new TransferQueue();
      const up = await q.whenSettled(
        q.add({ direction: 'upload', source: localEndpoint(), sources: [file], target: sessionEndpoint(session), targetDir: remote }).id,
      );
      expect(up.state).toBe('done');
      expect(sha256File(path.join(remote, `${name}.bin`))).toBe(sha256File(file));
      const down = await q.whenSettled(
        q.add({
          direction: 'download',
          source: sessionEndpoint(session),
          sources: [path.join(remote, `${name}.bin`)],
          target: localEndpoint(),
          targetDir: back,
        }).id,
      );
      expect(down.state).toBe('done');
      expect(down.bytesDone).toBe(size);
      expect(sha256File(path.join(back, `${name}.bin`))).toBe(sha256File(file));
      expect(statSync(path.join(remote, `${name}.bin`)).mtimeMs).toBe(1_500_000_000_000);
      expect(statSync(path.join(back, `${name}.bin`)).mtimeMs).toBe(1_500_000_000_000);
      expect(readdirSync(remote)).toEqual([`${name}.bin`]);
    });
  }

  it('copies a folder of small files of mixed sizes byte-identically both ways, twice, while their memory is reused', async () => {
    // Shorter files follow longer ones, so a reused buffer still holds the last file's bytes
    // beyond the new file's end: none of them may reach the copy.
    const local = tempDir();
    const remote = tempDir('skiff-remote-');
    const sizes = [70_000, 3, 16_384, 5_000, 100_000, 1, 16_385, 0, 4_096, 65_536, 12];
    for (let round = 0; round < 3; round++)
      for (const [i, size] of sizes.entries()) writeFile(path.join(local, 'mixed', `r${round}-f${i}.bin`), patternBytes(size, 7 * i + round + 1));
    const q = new TransferQueue({ defaultConflict: 'overwrite' });
    for (let pass = 0; pass < 2; pass++) {
      const back = tempDir();
      const up = await q.whenSettled(
        q.add({ direction: 'upload', source: localEndpoint(), sources: [path.join(local, 'mixed')], target: sessionEndpoint(session), targetDir: remote }).id,
      );
      expect(up.fileErrors).toEqual([]);
      expect(up.state).toBe('done');
      const down = await q.whenSettled(
        q.add({ direction: 'download', source: sessionEndpoint(session), sources: [path.join(remote, 'mixed')], target: localEndpoint(), targetDir: back }).id,
      );
      expect(down.fileErrors).toEqual([]);
      expect(down.state).toBe('done');
      expect(treeDigest(path.join(remote, 'mixed'))).toEqual(treeDigest(path.join(local, 'mixed')));
      expect(treeDigest(path.join(back, 'mixed'))).toEqual(treeDigest(path.join(local, 'mixed')));
    }
    // The memory of those files came back for reuse (none of it is left to the GC).
    expect(wholeFileBuffers.pooledBytes).toBeGreaterThan(0);
  });

  it('copies names that begin or end with two dots (they stay inside the folder) both ways, picked or inside a folder', async () => {
    const local = tempDir();
    const remote = tempDir('skiff-remote-');
    const back = tempDir();
    const names = ['..notes', 'a..', '...x'];
    for (const n of names) writeFile(path.join(local, 'dots', n), n);
    writeFile(path.join(local, '..picked'), 'picked');
    const sources = [path.join(local, 'dots'), path.join(local, '..picked')];
    const q = new TransferQueue();
    const up = await q.whenSettled(q.add({ direction: 'upload', source: localEndpoint(), sources, target: sessionEndpoint(session), targetDir: remote }).id);
    expect(up.fileErrors).toEqual([]);
    expect(up.state).toBe('done');
    expect(readdirSync(remote).sort()).toEqual(['..picked', 'dots']);
    expect(readdirSync(path.join(remote, 'dots')).sort()).toEqual([...names].sort());
    const down = await q.whenSettled(
      q.add({
        direction: 'download',
        source: sessionEndpoint(session),
        sources: [path.join(remote, 'dots'), path.join(remote, '..picked')],
        target: localEndpoint(),
        targetDir: back,
      }).id,
    );
    expect(down.fileErrors).toEqual([]);
    expect(down.state).toBe('done');
    expect(treeDigest(back)).toEqual(treeDigest(local));
  });

  it('downloads a symlink to a file as a file and skips a symlinked folder (no loop)', async () => {
    const remote = tempDir('skiff-remote-');
    const back = tempDir();
    const root = path.join(remote, 'linked');
    writeFile(path.join(root, 'real.txt'), 'content');
    symlinkSync('real.txt', path.join(root, 'alias.txt'));
    symlinkSync('.', path.join(root, 'self'));
    symlinkSync('/nonexistent/x', path.join(root, 'broken'));
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'download', source: sessionEndpoint(session), sources: [root], target: localEndpoint(), targetDir: back }).id,
    );
    expect(snap.state).toBe('done');
    expect(readdirSync(path.join(back, 'linked')).sort()).toEqual(['alias.txt', 'real.txt']);
    expect(lstatSync(path.join(back, 'linked', 'alias.txt')).isFile()).toBe(true);
    expect(snap.skipped.map((x) => x.path).sort()).toEqual(['linked/broken', 'linked/self']);
  });

  it('round-trips a folder tree with nested empty folders over several channels', async () => {
    const local = tempDir();
    const remote = tempDir('skiff-remote-');
    const back = tempDir();
    const root = path.join(local, 'tree');
    for (let i = 0; i < 60; i++) writeFile(path.join(root, `d${i % 3}`, `f${i}.bin`), patternBytes(i * 1013, i + 7));
    mkdirSync(path.join(root, 'empty/nested/deeper'), { recursive: true });
    writeFile(path.join(root, 'big.bin'), patternBytes(2 * 1024 * 1024 + 1, 99));
    const q = new TransferQueue();
    const up = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), sources: [root], target: sessionEndpoint(session), targetDir: remote }).id,
    );
    expect(up.state).toBe('done');
    expect(up.filesDone).toBe(61);
    expect(treeDigest(path.join(remote, 'tree'))).toEqual(treeDigest(root));
    const down = await q.whenSettled(
      q.add({ direction: 'download', source: sessionEndpoint(session), sources: [path.join(remote, 'tree')], target: localEndpoint(), targetDir: back }).id,
    );
    expect(down.state).toBe('done');
    expect(treeDigest(path.join(back, 'tree'))).toEqual(treeDigest(root));
    // The session is still usable after the job closed its extra channels.
    expect((await session.fs.list(remote)).map((e) => e.name)).toEqual(['tree']);
  });
});
