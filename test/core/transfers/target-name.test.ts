import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { localEndpoint, tempDir, writeFile } from './helpers';

// A one-source job may land under another name (the edit feature's safe local names); that name is checked like any other.
describe('targetName', () => {
  it('copies the one source under the given name, and labels the job with it', async () => {
    const src = tempDir();
    const dst = tempDir();
    writeFile(path.join(src, 'a\\b.txt'), 'content');
    const q = new TransferQueue();
    const job = q.add({
      direction: 'upload',
      source: localEndpoint(),
      target: localEndpoint(),
      sources: [path.join(src, 'a\\b.txt')],
      targetDir: dst,
      targetName: 'a_b.txt',
      conflict: 'overwrite',
    });
    expect(job.label).toBe('a_b.txt');
    const snap = await q.whenSettled(job.id);
    expect(snap.state).toBe('done');
    expect(readdirSync(dst)).toEqual(['a_b.txt']);
    expect(readFileSync(path.join(dst, 'a_b.txt'), 'utf8')).toBe('content');
  });

  it.each(['../escape.txt', 'sub/x.txt', '..', 'bell\u0007.txt', ''])('refuses the unsafe target name %j and writes nothing', async (name) => {
    const src = tempDir();
    const dst = tempDir();
    writeFile(path.join(src, 'f.txt'), 'x');
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), target: localEndpoint(), sources: [path.join(src, 'f.txt')], targetDir: dst, targetName: name }).id,
    );
    expect(snap.state).toBe('failed');
    expect(snap.fileErrors[0]?.code).toBe('INVALID_NAME');
    expect(readdirSync(dst)).toEqual([]);
    expect(readdirSync(path.dirname(dst)).filter((n) => n.startsWith('escape'))).toEqual([]);
  });

  it('is only for a job of one source', () => {
    const q = new TransferQueue();
    expect(() =>
      q.add({ direction: 'upload', source: localEndpoint(), target: localEndpoint(), sources: ['/a', '/b'], targetDir: '/tmp', targetName: 'x' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
