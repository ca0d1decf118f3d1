import { describe, expect, inject, it } from 'vitest';
import path from 'node:path';
import type { FileSystem } from '../../../electron/core/fs/file-system';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import { scanSources } from '../../../electron/core/transfers/scan';
import { connect } from '../../../electron/core/sftp/session';
import { startFakeServer } from '../../support/fake-server';
import { trustAll } from '../sftp/support';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { tempDir, withSshdSession, writeFile } from './helpers';

/**
 * The real SftpFs, with every stat() and list() call noted when it starts and when it settles
 * (the calls themselves go to the real sshd unchanged).
 */
function recorded(fs: FileSystem): { fs: FileSystem; log: string[] } {
  const log: string[] = [];
  const wrapped = new Proxy(fs, {
    get(target, key) {
      const v = Reflect.get(target, key, target) as unknown;
      if (typeof v !== 'function') return v;
      const fn = v as (...a: unknown[]) => unknown;
      if (key !== 'stat' && key !== 'list') return fn.bind(target);
      return (p: string, ...rest: unknown[]) => {
        log.push(`${key} ${path.basename(p)} start`);
        return (fn.call(target, p, ...rest) as Promise<unknown>).finally(() => log.push(`${key} ${path.basename(p)} end`));
      };
    },
  });
  return { fs: wrapped, log };
}

/** The most calls of `kind` that were running at one time, by the log. */
function mostAtOnce(log: string[], kind: string): number {
  let now = 0;
  let most = 0;
  for (const e of log) {
    if (!e.startsWith(`${kind} `)) continue;
    now += e.endsWith(' start') ? 1 : -1;
    most = Math.max(most, now);
  }
  return most;
}

describe('scanning the picked items (real sshd)', () => {
  const s = inject('sshd');
  let session: SftpSession;
  withSshdSession(s, (x) => (session = x));

  it('looks at every picked item at once, and lists a folder beside its stat; the plan keeps the order given', async () => {
    const dir = tempDir('skiff-remote-');
    const names = Array.from({ length: 20 }, (_, i) => `pick-${String(i).padStart(2, '0')}.txt`);
    for (const n of names) writeFile(path.join(dir, n), n);
    for (const n of ['x.bin', 'y.bin']) writeFile(path.join(dir, 'folder', n), n);
    const sources = [path.join(dir, 'folder'), ...names.map((n) => path.join(dir, n)).reverse()];
    const { fs, log } = recorded(session.fs);

    const plan = await scanSources(fs, sources);

    expect(plan.errors).toEqual([]);
    expect(plan.dirs.map((d) => d.rel.join('/'))).toEqual(['folder']);
    expect(plan.files.map((f) => f.rel.join('/'))).toEqual([...[...names].reverse(), 'folder/x.bin', 'folder/y.bin']);
    // All 21 stats were sent before the first answer came back: one round trip, not 21.
    const firstEnd = log.findIndex((e) => e.startsWith('stat ') && e.endsWith(' end'));
    expect(log.slice(0, firstEnd).filter((e) => e.startsWith('stat ') && e.endsWith(' start'))).toHaveLength(21);
    // The folder was listed once, and that listing was asked for before its stat was answered.
    expect(log.filter((e) => e === 'list folder start')).toHaveLength(1);
    expect(log.indexOf('list folder start')).toBeLessThan(log.indexOf('stat folder end'));
  });

  it('a picked file whose early listing the server refuses is copied, with no error', async () => {
    const dir = tempDir('skiff-remote-');
    writeFile(path.join(dir, 'only.txt'), 'one file');
    const { fs, log } = recorded(session.fs);
    const plan = await scanSources(fs, [path.join(dir, 'only.txt')]);
    expect(plan.errors).toEqual([]);
    expect(plan.skipped).toEqual([]);
    expect(plan.files.map((f) => [f.rel.join('/'), f.stat.size])).toEqual([['only.txt', 8]]);
    expect(log).toContain('list only.txt start');
  });

  it('a server that lists a picked file gets no further than the first READDIRs: the listing stops once the stat says "file"', async () => {
    // This server answers OPENDIR on a file with a listing of 1,000 entries, 10 per READDIR, and
    // cuts the connection if more than 8 READDIRs come; the scan asks for 4 before the stat's
    // answer stops it.
    const entries = Array.from({ length: 1000 }, (_, i) => ({ filename: `junk-${i}` }));
    const odd = await startFakeServer({
      ident: 'OpenSSH_9.9',
      files: { '/f/file.txt': 'just a file' },
      listings: { '/f/file.txt': entries },
      readdirBatch: 10,
      dropAfterReaddirReplies: 8,
    });
    try {
      const c = await connect({ host: odd.host, port: odd.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
      const plan = await scanSources(c.fs, ['/f/file.txt']);
      expect(plan.errors).toEqual([]);
      expect(plan.files.map((f) => [f.rel.join('/'), f.stat.size])).toEqual([['file.txt', 11]]);
      // Given time to go on reading, it does not: the connection is still up.
      await new Promise((r) => setTimeout(r, 300));
      expect((await c.fs.stat('/f/file.txt')).size).toBe(11);
      await c.close();
    } finally {
      await odd.stop();
    }
  });

  it('a drag of many items sends their stats in waves of 64, and lists only the first 8 early', async () => {
    const dir = tempDir('skiff-remote-');
    const names = Array.from({ length: 150 }, (_, i) => `f${i}.txt`);
    for (const n of names) writeFile(path.join(dir, n), 'x');
    const { fs, log } = recorded(session.fs);
    const plan = await scanSources(
      fs,
      names.map((n) => path.join(dir, n)),
    );
    expect(plan.files).toHaveLength(150);
    expect(plan.errors).toEqual([]);
    expect(mostAtOnce(log, 'stat')).toBe(64);
    expect(log.filter((e) => e.startsWith('list ') && e.endsWith(' start'))).toHaveLength(8);
  });

  it('local items are not listed before their stat says they are folders', async () => {
    const dir = tempDir();
    writeFile(path.join(dir, 'a.txt'), 'a');
    writeFile(path.join(dir, 'sub', 'b.txt'), 'b');
    const { fs, log } = recorded(new LocalFs());
    const plan = await scanSources(fs, [path.join(dir, 'a.txt'), path.join(dir, 'sub')]);
    expect(plan.files.map((f) => f.rel.join('/'))).toEqual(['a.txt', 'sub/b.txt']);
    expect(log.filter((e) => e.startsWith('list '))).toEqual(['list sub start', 'list sub end']);
    expect(log.indexOf('list sub start')).toBeGreaterThan(log.indexOf('stat sub end'));
  });
});
