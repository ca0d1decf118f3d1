// find() over the real sftp-server (symlink cycles, globs, limits) and over the scripted server
// (unreadable folders, a connection that drops mid-walk, a server too slow to wait for).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { connect } from '../../../electron/core/sftp/session';
import { find } from '../../../electron/core/fs/find';
import type { FileEntry } from '../../../electron/core/fs/file-system';
import type { SkiffError } from '../../../electron/core/errors';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { startFakeServer, type FakeServer } from '../../support/fake-server';
import { rejectsWith, trustAll } from '../sftp/support';

const sshd = inject('sshd');
let session: SftpSession;
let root: string;

async function collect(it: AsyncIterable<FileEntry>): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

beforeAll(async () => {
  session = await connect({ host: sshd.host, port: sshd.port, username: sshd.user, privateKeyPath: sshd.clientKeys.ed25519, verifyHostKey: trustAll });
  root = fs.mkdtempSync(path.join(sshd.scratch, 'find-'));
  // root/
  //   a/b/wmr1006.csv   a/b/back -> ../..  (cycle)   a/notes.txt
  //   c/WMR1006.CSV     c/d/e/f/deep.csv
  //   loop -> .         (cycle)             up -> /   (escape)
  //   x.csv
  fs.mkdirSync(path.join(root, 'a/b'), { recursive: true });
  fs.mkdirSync(path.join(root, 'c/d/e/f'), { recursive: true });
  fs.writeFileSync(path.join(root, 'a/b/wmr1006.csv'), '1');
  fs.writeFileSync(path.join(root, 'a/notes.txt'), '');
  fs.writeFileSync(path.join(root, 'c/WMR1006.CSV'), '2');
  fs.writeFileSync(path.join(root, 'c/d/e/f/deep.csv'), '');
  fs.writeFileSync(path.join(root, 'x.csv'), '');
  fs.symlinkSync('../..', path.join(root, 'a/b/back'));
  fs.symlinkSync('.', path.join(root, 'loop'));
  fs.symlinkSync('/', path.join(root, 'up'));
});
afterAll(async () => {
  await session?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const rel = (es: FileEntry[]): string[] => es.map((e) => path.relative(root, e.path)).sort();

describe('find over the real server', () => {
  it('finds a file by exact name in a tree with symlink cycles, and terminates', async () => {
    const found = await collect(find(session.fs, root, { pattern: 'wmr1006.csv' }));
    expect(rel(found)).toEqual(['a/b/wmr1006.csv']);
    expect(found[0]).toMatchObject({ type: 'file', size: 1, name: 'wmr1006.csv' });
  });

  it('matches globs on base names, case-sensitively unless asked', async () => {
    expect(rel(await collect(find(session.fs, root, { pattern: '*.csv' })))).toEqual(['a/b/wmr1006.csv', 'c/d/e/f/deep.csv', 'x.csv']);
    expect(rel(await collect(find(session.fs, root, { pattern: 'wmr10??.csv', caseSensitive: false })))).toEqual(['a/b/wmr1006.csv', 'c/WMR1006.CSV']);
    expect(rel(await collect(find(session.fs, root, { pattern: '{notes,x}.*' })))).toEqual(['a/notes.txt', 'x.csv']);
  });

  it('yields symlinks that match by name but never walks into them', async () => {
    const found = await collect(find(session.fs, root, { pattern: '*' }));
    const paths = rel(found);
    expect(paths).toContain('loop');
    expect(paths).toContain('a/b/back');
    expect(paths).toContain('up');
    expect(paths.some((p) => p.startsWith('loop/') || p.startsWith('up/') || p.includes('back/'))).toBe(false);
    expect(found.find((e) => e.name === 'loop')).toMatchObject({ type: 'symlink', targetType: 'directory' });
  });

  it('honours maxDepth and maxResults, breadth-first', async () => {
    expect(rel(await collect(find(session.fs, root, { pattern: '*.csv', maxDepth: 1 })))).toEqual(['x.csv']);
    expect(rel(await collect(find(session.fs, root, { pattern: '*.csv', maxDepth: 3 })))).toEqual(['a/b/wmr1006.csv', 'x.csv']);
    const first = await collect(find(session.fs, root, { pattern: '*.csv', maxResults: 1 }));
    // Breadth-first: the shallowest match comes first.
    expect(rel(first)).toEqual(['x.csv']);
  });

  it('rejects for a root that does not exist, and for an empty pattern', async () => {
    await rejectsWith(collect(find(session.fs, path.join(root, 'nope'), { pattern: 'x' })), 'NO_SUCH_FILE');
    await rejectsWith(collect(find(session.fs, root, { pattern: '' })), 'INVALID_ARGUMENT');
  });

  it('cancels with CANCELLED when aborted between results', async () => {
    const ac = new AbortController();
    const got: FileEntry[] = [];
    await rejectsWith(
      (async () => {
        for await (const e of find(session.fs, root, { pattern: '*', signal: ac.signal })) {
          got.push(e);
          ac.abort();
        }
      })(),
      'CANCELLED',
    );
    expect(got).toHaveLength(1);
  });
});

describe('find over the scripted server', () => {
  let fake: FakeServer | undefined;
  afterAll(async () => {
    await fake?.stop();
  });

  it('reports an unreadable folder through onError and keeps walking', async () => {
    fake = await startFakeServer({ files: { '/t/secret/hidden.csv': 'h', '/t/open/wanted.csv': 'w', '/t/open/more/also.csv': 'a' }, denied: ['/t/secret'] });
    const s = await connect({ host: fake.host, port: fake.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
    try {
      const errors: Array<[string, SkiffError]> = [];
      const found = await collect(find(s.fs, '/t', { pattern: '*.csv', onError: (err, dir) => errors.push([dir, err]) }));
      expect(found.map((e) => e.path).sort()).toEqual(['/t/open/more/also.csv', '/t/open/wanted.csv']);
      expect(errors).toHaveLength(1);
      expect(errors[0]![0]).toBe('/t/secret');
      expect(errors[0]![1].code).toBe('PERMISSION_DENIED');
    } finally {
      await s.close();
    }
  });

  it('yields matches as it walks, then rejects CONNECTION_LOST when the server drops', async () => {
    const files: Record<string, string> = { '/w/first.csv': '1' };
    for (let i = 0; i < 30; i++) files[`/w/d${i}/n.csv`] = 'n';
    const f = await startFakeServer({ files, dropAfterReaddirReplies: 4 });
    try {
      const s = await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
      const got: string[] = [];
      await rejectsWith(
        (async () => {
          for await (const e of find(s.fs, '/w', { pattern: '*.csv', concurrency: 1 })) got.push(e.path);
        })(),
        'CONNECTION_LOST',
      );
      expect(got[0]).toBe('/w/first.csv');
      expect(got.length).toBeLessThan(31);
    } finally {
      await f.stop();
    }
  });

  it('cancels promptly while a listing is still outstanding on a stalled server', async () => {
    // Replies take 10 minutes: only a prompt abort lets this test finish inside its timeout.
    const f = await startFakeServer({ files: { '/slow/x.csv': 'x' }, delayMs: 600_000 });
    try {
      // Login and the SFTP handshake are not delayed; only request replies are.
      const s = await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
      const ac = new AbortController();
      const walk = collect(find(s.fs, '/slow', { pattern: '*.csv', signal: ac.signal }));
      setImmediate(() => ac.abort());
      await rejectsWith(walk, 'CANCELLED');
      await s.close();
    } finally {
      await f.stop();
    }
  });
});
