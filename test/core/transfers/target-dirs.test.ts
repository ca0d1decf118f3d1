// A job's target folders (target-dirs.ts): the target folder is checked beside the first level's
// mkdirs, and a folder the job does not know is asked about beside its mkdir, so a new tree costs
// one round trip per level; what the server answers still decides (a symlink or a file where a
// folder goes is never written through, a missing target fails the job with its own error).
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SkiffError } from '../../../electron/core/errors';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { tempDir, writeFile } from './helpers';

/** LocalFs whose metadata requests each take one "round trip" of `ms`, logged as they start and end. */
class SlowMetaFs extends LocalFs {
  log: string[] = [];
  constructor(
    private readonly ms = 30,
    private readonly mkdirError?: SkiffError,
  ) {
    super();
  }
  private async trip<T>(what: string, run: () => Promise<T>): Promise<T> {
    this.log.push(`start ${what}`);
    await new Promise((r) => setTimeout(r, this.ms));
    try {
      return await run();
    } finally {
      this.log.push(`end ${what}`);
    }
  }
  override stat(p: string) {
    return this.trip(`stat ${path.basename(p)}`, () => super.stat(p));
  }
  override lstat(p: string) {
    return this.trip(`lstat ${path.basename(p)}`, () => super.lstat(p));
  }
  override mkdir(p: string, opts?: { recursive?: boolean; mode?: number }) {
    return this.trip(`mkdir ${path.basename(p)}`, async () => {
      if (this.mkdirError && existsSync(p)) throw this.mkdirError;
      return super.mkdir(p, opts);
    });
  }
}

function tree(): string {
  const root = path.join(tempDir(), 'pkg');
  writeFile(path.join(root, 'a.txt'), 'a');
  writeFile(path.join(root, 'sub', 'b.txt'), 'b');
  return root;
}

async function upload(target: LocalFs, root: string, targetDir: string) {
  const q = new TransferQueue({ defaultConflict: 'overwrite' });
  return q.whenSettled(q.add({ direction: 'upload', source: { fs: new LocalFs() }, sources: [root], target: { fs: target }, targetDir }).id);
}

describe('preparing the target folders', () => {
  it('asks about the target folder, the new folder and creates it in one round trip', async () => {
    const fs = new SlowMetaFs();
    const out = tempDir();
    const snap = await upload(fs, tree(), out);
    expect(snap.state).toBe('done');
    expect(readFileSync(path.join(out, 'pkg', 'sub', 'b.txt'), 'utf8')).toBe('b');
    // All three were on their way before the first answer came back.
    const firstEnd = fs.log.findIndex((l) => l.startsWith('end'));
    expect(fs.log.slice(0, firstEnd).sort()).toEqual([`start lstat pkg`, `start mkdir pkg`, `start stat ${path.basename(out)}`]);
    // The nested folder of a folder the job made is created without asking.
    expect(fs.log).toContain('start mkdir sub');
    expect(fs.log).not.toContain('start lstat sub');
  });

  it('merges into a folder that is already there, even where its mkdir says permission denied', async () => {
    const fs = new SlowMetaFs(5, new SkiffError('PERMISSION_DENIED', 'Permission denied.'));
    const out = tempDir();
    mkdirSync(path.join(out, 'pkg'));
    writeFileSync(path.join(out, 'pkg', 'keep.txt'), 'kept');
    const snap = await upload(fs, tree(), out);
    expect(snap.state).toBe('done');
    expect(snap.filesDone).toBe(2);
    expect(readFileSync(path.join(out, 'pkg', 'keep.txt'), 'utf8')).toBe('kept');
    expect(readFileSync(path.join(out, 'pkg', 'a.txt'), 'utf8')).toBe('a');
  });

  it('fails the job with the target’s own error when the target folder is missing, and a retry starts clean', async () => {
    const fs = new SlowMetaFs(5);
    const out = path.join(tempDir(), 'not-yet');
    const q = new TransferQueue({ defaultConflict: 'overwrite' });
    const job = q.add({ direction: 'upload', source: { fs: new LocalFs() }, sources: [tree()], target: { fs }, targetDir: out });
    const snap = await q.whenSettled(job.id);
    expect(snap.state).toBe('failed');
    expect(snap.error?.code).toBe('NO_SUCH_FILE');
    expect(snap.fileErrors).toEqual([]);
    mkdirSync(out);
    q.retry(job.id);
    const again = await q.whenSettled(job.id);
    expect(again.state).toBe('done');
    expect(readFileSync(path.join(out, 'pkg', 'sub', 'b.txt'), 'utf8')).toBe('b');
  });

  it('fails with NOT_A_DIRECTORY when the target is a file', async () => {
    const out = path.join(tempDir(), 'file');
    writeFileSync(out, 'x');
    const snap = await upload(new SlowMetaFs(5), tree(), out);
    expect(snap.state).toBe('failed');
    expect(snap.error?.code).toBe('NOT_A_DIRECTORY');
  });

  it('never writes through a symlink where the top folder goes', async () => {
    const out = tempDir();
    const elsewhere = tempDir();
    symlinkSync(elsewhere, path.join(out, 'pkg'));
    const snap = await upload(new SlowMetaFs(5), tree(), out);
    expect(snap.fileErrors.map((e) => e.code)).toEqual(['NOT_A_DIRECTORY', 'NOT_A_DIRECTORY']);
    expect(existsSync(path.join(elsewhere, 'a.txt'))).toBe(false);
  });
});
