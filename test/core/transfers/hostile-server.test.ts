import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from '../../../electron/core/sftp/session';
import { SkiffError } from '../../../electron/core/errors';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../../support/fake-server';
import { localEndpoint, patternBytes, tempDir, treeDigest } from './helpers';

const S_IFREG = 0o100000;
const file = (size: number) => ({ mode: S_IFREG | 0o644, size, uid: 1, gid: 1, atime: 1_600_000_000, mtime: 1_600_000_000 });

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const servers: FakeServer[] = [];
const sessions: SftpSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.close().catch(() => undefined);
  for (const s of servers) await s.stop();
});

async function fake(opts: FakeServerOptions): Promise<{ server: FakeServer; open: () => Promise<SftpSession> }> {
  const server = await startFakeServer(opts);
  servers.push(server);
  const open = async () => {
    const s = await connect({ host: server.host, port: server.port, username: 'tester', password: 'secret', verifyHostKey: async () => true });
    sessions.push(s);
    return s;
  };
  return { server, open };
}

describe('hostile servers (scriptable ssh2 server)', () => {
  it('refuses names that are paths, dots or control characters; nothing lands outside the target', async () => {
    const hostile = ['..', '.', '../../x', 'a/b', '/etc/passwd', 'bad\u001b[31mred', 'nul\u0000byte', 'back\\slash'];
    const { open } = await fake({
      files: { '/home/tester/evil/ok.txt': 'fine', '/home/tester/x': 'outside' },
      listings: { '/home/tester/evil': [...hostile.map((filename) => ({ filename, attrs: file(7) })), { filename: 'ok.txt', attrs: file(4) }] },
    });
    const session = await open();
    const outer = tempDir();
    const target = path.join(outer, 'target');
    mkdirSync(target);
    const passwdBefore = readFileSync('/etc/passwd');
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'download', source: sessionEndpoint(session), sources: ['/home/tester/evil'], target: localEndpoint(), targetDir: target }).id,
    );
    expect(snap.state).toBe('failed');
    expect(snap.filesDone).toBe(1);
    // Every hostile name is reported by name: the ones SftpFs leaves out of the listing (paths,
    // NUL) through onRefused, the ones a POSIX server may legally have (backslash, controls) by the
    // engine. '.' and '..' are in every folder's listing and are not errors.
    expect(snap.fileErrors.map((e) => [e.path, e.code]).sort()).toEqual([
      ['evil/../../x', 'INVALID_NAME'],
      ['evil//etc/passwd', 'INVALID_NAME'],
      ['evil/a/b', 'INVALID_NAME'],
      ['evil/back\\slash', 'INVALID_NAME'],
      ['evil/bad\\u001b[31mred', 'INVALID_NAME'],
      ['evil/nul\\u0000byte', 'INVALID_NAME'],
    ]);
    // Messages show control characters escaped, never raw.
    expect(snap.fileErrors.some((e) => e.path.includes('\\u001b'))).toBe(true);
    expect(snap.fileErrors.every((e) => !/[\u0000-\u001f]/.test(e.path + e.message))).toBe(true);
    expect(treeDigest(outer)).toEqual({ target: 'dir', 'target/evil': 'dir', 'target/evil/ok.txt': treeDigest(target)['evil/ok.txt']! });
    expect(readFileSync(path.join(target, 'evil/ok.txt'), 'utf8')).toBe('fine');
    expect(readFileSync('/etc/passwd').equals(passwdBefore)).toBe(true);
  });

  it('a folder download reports each hostile name by name, copies the normal files byte-identical, writes nothing outside', async () => {
    const big = patternBytes(300 * 1024 + 13, 21); // several 32 KiB reads
    const small = patternBytes(1, 22);
    const nested = patternBytes(5000, 23);
    const dirAttrs = { mode: 0o040755, size: 4096, uid: 1, gid: 1, atime: 1_600_000_000, mtime: 1_600_000_000 };
    const hostile = ['../../x', 'a/b', '/etc/passwd', 'bad\u0001name', 'back\\slash'];
    const { open } = await fake({
      files: {
        '/home/tester/evil/big.bin': big,
        '/home/tester/evil/one.bin': small,
        '/home/tester/evil/empty.txt': '',
        '/home/tester/evil/sub/nested.bin': nested,
        // What a client that joined the hostile names would fetch instead: traps, never to be read.
        '/home/tester/x': 'outside',
        '/home/tester/evil/a/b': 'through a/b',
        '/etc/passwd': 'root:x:0:0:hostile',
      },
      listings: {
        '/home/tester/evil': [
          { filename: '.', attrs: dirAttrs },
          { filename: '..', attrs: dirAttrs },
          ...hostile.map((filename) => ({ filename, attrs: file(7) })),
          { filename: 'big.bin', attrs: file(big.length) },
          { filename: 'one.bin', attrs: file(1) },
          { filename: 'empty.txt', attrs: file(0) },
          { filename: 'sub', attrs: dirAttrs },
        ],
      },
    });
    const session = await open();
    const outer = tempDir();
    const target = path.join(outer, 'target');
    mkdirSync(target);
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'download', source: sessionEndpoint(session), sources: ['/home/tester/evil'], target: localEndpoint(), targetDir: target }).id,
    );

    // The job fails because of the refused names, with every normal file done.
    expect(snap.state).toBe('failed');
    expect(snap.filesDone).toBe(4);
    const errors = new Map(snap.fileErrors.map((e) => [e.path, e]));
    expect([...errors.keys()].sort()).toEqual(['evil/../../x', 'evil//etc/passwd', 'evil/a/b', 'evil/back\\slash', 'evil/bad\\u0001name']);
    expect(snap.fileErrors).toHaveLength(hostile.length);
    for (const e of snap.fileErrors) expect(e.code).toBe('INVALID_NAME');
    // '..' (and '.') are the folder's own links, not refused files.
    expect(snap.fileErrors.some((e) => e.path === 'evil/..' || e.path === 'evil/.')).toBe(false);
    // The messages say what happened to each, in words, with control characters escaped.
    expect(errors.get('evil/../../x')!.message).toMatch(/climbs out of the folder.*not copied/);
    expect(errors.get('evil//etc/passwd')!.message).toMatch(/absolute path.*not copied/);
    expect(errors.get('evil/a/b')!.message).toMatch(/contains “\/”.*not copied/);
    expect(errors.get('evil/bad\\u0001name')!.message).toContain('bad\\u0001name');
    expect(snap.fileErrors.every((e) => !/[\u0000-\u001f]/.test(e.path + e.message))).toBe(true);

    // Normal files byte-identical; the parent of the target holds nothing but the target.
    expect(readdirSync(outer)).toEqual(['target']);
    expect(treeDigest(outer)).toEqual({
      target: 'dir',
      'target/evil': 'dir',
      'target/evil/big.bin': sha256(big),
      'target/evil/empty.txt': sha256(Buffer.alloc(0)),
      'target/evil/one.bin': sha256(small),
      'target/evil/sub': 'dir',
      'target/evil/sub/nested.bin': sha256(nested),
    });
    expect(readFileSync(path.join(target, 'evil/big.bin')).equals(big)).toBe(true);
  });

  it('refuses a source whose own name is ".."', async () => {
    const { open } = await fake({ files: { '/home/tester/d/f': 'x' } });
    const session = await open();
    const target = tempDir();
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'download', source: sessionEndpoint(session), sources: ['/home/tester/d/..'], target: localEndpoint(), targetDir: target }).id,
    );
    expect(snap.state).toBe('failed');
    expect(snap.fileErrors.map((e) => e.code)).toEqual(['INVALID_NAME']);
    expect(readdirSync(target)).toEqual([]);
  });

  it('permission denied on one file of a folder: the rest complete, the failure is reported by name', async () => {
    const { open } = await fake({
      files: { '/home/tester/d/a.txt': 'A', '/home/tester/d/b.txt': 'B', '/home/tester/d/c.txt': 'C' },
      denied: ['/home/tester/d/b.txt'],
    });
    const session = await open();
    const target = tempDir();
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'download', source: sessionEndpoint(session), sources: ['/home/tester/d'], target: localEndpoint(), targetDir: target }).id,
    );
    expect(snap.state).toBe('failed');
    expect(snap.fileErrors.map((e) => [e.path, e.code])).toEqual([['d/b.txt', 'PERMISSION_DENIED']]);
    expect(readdirSync(path.join(target, 'd')).sort()).toEqual(['a.txt', 'c.txt']);
  });

  it('a connection dropped mid-file leaves no file under the final name; reconnect resumes it identical', async () => {
    const data = patternBytes(3 * 1024 * 1024 + 77, 5);
    const opts: FakeServerOptions = { files: { '/home/tester/big.bin': data }, dropAfterBytesRead: 1024 * 1024 + 1234 };
    const { open } = await fake(opts);
    const session = await open();
    const target = tempDir();
    const seenAtReconnect: string[][] = [];
    const q = new TransferQueue({ retryBaseDelayMs: 10 });
    const reconnect = async () => {
      seenAtReconnect.push(readdirSync(target));
      opts.dropAfterBytesRead = undefined; // the server behaves from now on
      return open();
    };
    const snap = await q.whenSettled(
      q.add({
        direction: 'download',
        source: sessionEndpoint(session, reconnect),
        sources: ['/home/tester/big.bin'],
        target: localEndpoint(),
        targetDir: target,
      }).id,
    );
    expect(snap.state).toBe('done');
    expect(snap.retries).toBe(1);
    expect(seenAtReconnect).toEqual([['big.bin.skiffpart']]);
    expect(readFileSync(path.join(target, 'big.bin')).equals(data)).toBe(true);
    expect(readdirSync(target)).toEqual(['big.bin']);
  });

  it('keeps trying (bounded, with backoff) while reconnecting itself fails, then resumes', async () => {
    const data = patternBytes(2 * 1024 * 1024 + 11, 6);
    const opts: FakeServerOptions = { files: { '/home/tester/flaky.bin': data }, dropAfterBytesRead: 512 * 1024 };
    const { open } = await fake(opts);
    const target = tempDir();
    let attempts = 0;
    const reconnect = async () => {
      attempts++;
      if (attempts === 1) throw new SkiffError('CONNECTION_REFUSED', 'still down');
      opts.dropAfterBytesRead = undefined;
      return open();
    };
    const q = new TransferQueue({ retryBaseDelayMs: 5, requestsPerFile: 2 });
    const snap = await q.whenSettled(
      q.add({
        direction: 'download',
        source: sessionEndpoint(await open(), reconnect),
        sources: ['/home/tester/flaky.bin'],
        target: localEndpoint(),
        targetDir: target,
      }).id,
    );
    expect(snap.state).toBe('done');
    expect(attempts).toBe(2);
    expect(snap.retries).toBe(2);
    expect(readFileSync(path.join(target, 'flaky.bin')).equals(data)).toBe(true);
  });

  it('gives up after maxAutoRetries and says why', async () => {
    const opts: FakeServerOptions = { files: { '/home/tester/never.bin': patternBytes(1024 * 1024, 8) }, dropAfterBytesRead: 1000 };
    const { open } = await fake(opts);
    const target = tempDir();
    const q = new TransferQueue({ retryBaseDelayMs: 1, maxAutoRetries: 2 });
    const reconnect = async (): Promise<SftpSession> => {
      throw new SkiffError('CONNECTION_REFUSED', 'down for good');
    };
    const snap = await q.whenSettled(
      q.add({
        direction: 'download',
        source: sessionEndpoint(await open(), reconnect),
        sources: ['/home/tester/never.bin'],
        target: localEndpoint(),
        targetDir: target,
      }).id,
    );
    expect(snap.state).toBe('failed');
    expect(snap.retries).toBe(2);
    expect(['CONNECTION_REFUSED', 'CONNECTION_LOST', 'NOT_CONNECTED']).toContain(snap.error?.code);
    expect(existsSync(path.join(target, 'never.bin'))).toBe(false);
  });

  it('without automatic reconnect the job fails with CONNECTION_LOST, keeps the part, and retry() resumes where it stood', async () => {
    const data = patternBytes(2 * 1024 * 1024 + 3, 9);
    const opts: FakeServerOptions = { files: { '/home/tester/r.bin': data }, dropAfterBytesRead: 1024 * 1024 };
    const { open } = await fake(opts);
    const target = tempDir();
    const q = new TransferQueue({ requestsPerFile: 1 });
    const job = q.add({
      direction: 'download',
      source: sessionEndpoint(await open()),
      sources: ['/home/tester/r.bin'],
      target: localEndpoint(),
      targetDir: target,
    });
    const failed = await q.whenSettled(job.id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('CONNECTION_LOST');
    expect(existsSync(path.join(target, 'r.bin'))).toBe(false);
    expect(readdirSync(target)).toEqual(['r.bin.skiffpart']);
    opts.dropAfterBytesRead = undefined;
    let firstProgress = -1;
    q.onEvent((e) => {
      if (e.type === 'progress' && firstProgress < 0) firstProgress = e.job.bytesDone;
    });
    q.retry(job.id, { source: sessionEndpoint(await open()) });
    const done = await q.whenSettled(job.id);
    expect(done.state).toBe('done');
    // It went on from the bytes that had landed (1 MiB), not from zero.
    expect(firstProgress).toBe(1024 * 1024);
    expect(readFileSync(path.join(target, 'r.bin')).equals(data)).toBe(true);
  });
});
