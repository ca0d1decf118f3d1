import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { localEndpoint, patternBytes, tempDir, treeDigest, writeFile } from './helpers';

describe('TransferQueue LocalFs → LocalFs', () => {
  it('copies a folder tree byte-identically, with nested empty folders and mtimes', async () => {
    const src = tempDir();
    const dst = tempDir();
    const root = path.join(src, 'tree');
    writeFile(path.join(root, 'empty.bin'), Buffer.alloc(0));
    writeFile(path.join(root, 'one.bin'), Buffer.from([7]));
    writeFile(path.join(root, 'odd.bin'), patternBytes(1_000_003, 3));
    writeFile(path.join(root, 'sub/multi.bin'), patternBytes(5 * 1024 * 1024 + 17, 5));
    mkdirSync(path.join(root, 'sub/empty/deeper'), { recursive: true });
    utimesSync(path.join(root, 'odd.bin'), 1_600_000_000, 1_600_000_000);
    utimesSync(path.join(root, 'sub'), 1_500_000_000, 1_500_000_000);

    const q = new TransferQueue();
    const job = q.add({ direction: 'download', source: localEndpoint(), sources: [root], target: localEndpoint(), targetDir: dst });
    const done = await q.whenSettled(job.id);
    expect(done.state).toBe('done');
    expect(done.fileErrors).toEqual([]);
    expect(done.filesDone).toBe(4);
    expect(done.bytesDone).toBe(done.bytesTotal);
    expect(treeDigest(path.join(dst, 'tree'))).toEqual(treeDigest(root));
    expect(statSync(path.join(dst, 'tree/odd.bin')).mtimeMs).toBe(1_600_000_000_000);
    // Folders it created get their source mtime too (after their contents were written).
    expect(statSync(path.join(dst, 'tree/sub')).mtimeMs).toBe(1_500_000_000_000);
    expect(readdirSync(path.join(dst, 'tree')).some((n) => n.endsWith('.skiffpart'))).toBe(false);
  });

  it('copies symlinks to files as files and does not descend symlinked folders', async () => {
    const src = tempDir();
    const dst = tempDir();
    const root = path.join(src, 'links');
    writeFile(path.join(root, 'real.txt'), 'hello');
    symlinkSync(path.join(root, 'real.txt'), path.join(root, 'alias.txt'));
    symlinkSync(root, path.join(root, 'loop'));
    const q = new TransferQueue();
    const job = q.add({ direction: 'upload', source: localEndpoint(), sources: [root], target: localEndpoint(), targetDir: dst });
    const done = await q.whenSettled(job.id);
    expect(done.state).toBe('done');
    expect(treeDigest(path.join(dst, 'links'))).toEqual({ 'alias.txt': treeDigest(root)['real.txt'], 'real.txt': treeDigest(root)['real.txt'] });
    expect(done.skipped.map((s) => s.path)).toEqual(['links/loop']);
    expect(existsSync(path.join(dst, 'links/loop'))).toBe(false);
  });

  it('never writes through a symlink in the target where a folder of the source should go', async () => {
    const src = tempDir();
    const dst = tempDir();
    const outside = tempDir('skiff-outside-');
    writeFile(path.join(src, 'pkg', 'evil', 'x.txt'), 'payload');
    writeFile(path.join(src, 'pkg', 'fine.txt'), 'ok');
    mkdirSync(path.join(dst, 'pkg'));
    symlinkSync(outside, path.join(dst, 'pkg', 'evil'));
    const q = new TransferQueue({ defaultConflict: 'overwrite' });
    const snap = await q.whenSettled(
      q.add({ direction: 'download', source: localEndpoint(), sources: [path.join(src, 'pkg')], target: localEndpoint(), targetDir: dst }).id,
    );
    expect(snap.state).toBe('failed');
    expect(snap.fileErrors.map((e) => [e.path, e.code])).toEqual([['pkg/evil/x.txt', 'NOT_A_DIRECTORY']]);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(path.join(dst, 'pkg', 'fine.txt'))).toBe(true);
  });
});
