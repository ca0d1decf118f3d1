// The engine against servers that behave differently (the scriptable ssh2 server playing them):
// the order its requests leave in, a server that refuses times or permissions, a server that
// answers garbage or closes its channel mid-request, a failed replace, a reversed SYMLINK.
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { connect } from '../../../electron/core/sftp/session';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { startFakeServer, type FakeNode, type FakeServer, type FakeServerOptions } from '../../support/fake-server';
import { localEndpoint, patternBytes, tempDir, writeFile } from './helpers';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const T = 1_500_000_000;

const servers: FakeServer[] = [];
const sessions: SftpSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.close().catch(() => undefined);
  for (const s of servers) await s.stop();
});

async function fake(opts: FakeServerOptions = {}): Promise<{ server: FakeServer; session: SftpSession }> {
  const server = await startFakeServer({ files: { '/home/tester/up': { dir: true } }, ...opts });
  servers.push(server);
  const session = await connect({ host: server.host, port: server.port, username: 'tester', password: 'secret', verifyHostKey: async () => true });
  sessions.push(session);
  return { server, session };
}

/** Local files `name → bytes`, each with mtime T. */
function localFiles(files: Record<string, Buffer>): { dir: string; paths: string[] } {
  const dir = tempDir();
  const paths = Object.entries(files).map(([name, data]) => {
    const p = path.join(dir, name);
    writeFile(p, data);
    utimesSync(p, T, T);
    return p;
  });
  return { dir, paths };
}

const fileAt = (server: FakeServer, p: string): Extract<FakeNode, { type: 'file' }> | undefined => {
  const n = server.files.get(p);
  return n?.type === 'file' ? n : undefined;
};
const namesIn = (server: FakeServer, dir: string): string[] =>
  [...server.files.keys()]
    .filter((k) => k.startsWith(`${dir}/`) && !k.slice(dir.length + 1).includes('/'))
    .map((k) => k.slice(dir.length + 1))
    .sort();

describe('request order', () => {
  it('sends every WRITE of a file in offset order, whatever order the reads came back in', async () => {
    const { server, session } = await fake();
    const data = patternBytes(5 * 1024 * 1024 + 123, 3);
    const { paths } = localFiles({ 'ordered.bin': data });
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), sources: paths, target: sessionEndpoint(session), targetDir: '/home/tester/up' }).id,
    );
    expect(snap.state).toBe('done');
    const offsets = server.requests.filter((r) => r.op === 'WRITE' && r.path.endsWith('ordered.bin.skiffpart')).map((r) => r.offset!);
    expect(offsets.length).toBeGreaterThan(100);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(sha(fileAt(server, '/home/tester/up/ordered.bin')!.data)).toBe(sha(data));
  });

  it('on a server not known to keep a handle in order, FSETSTAT and CLOSE leave only after the WRITEs are acknowledged', async () => {
    const { server, session } = await fake({ delayMs: 60 });
    expect(session.profile.handlesInOrder).toBe(false);
    const { paths } = localFiles({ 'small.bin': patternBytes(80 * 1024, 4) });
    const q = new TransferQueue();
    expect(
      (
        await q.whenSettled(
          q.add({ direction: 'upload', source: localEndpoint(), sources: paths, target: sessionEndpoint(session), targetDir: '/home/tester/up' }).id,
        )
      ).state,
    ).toBe('done');
    const mine = server.requests.filter((r) => r.path.endsWith('small.bin.skiffpart'));
    const lastWrite = Math.max(...mine.filter((r) => r.op === 'WRITE').map((r) => r.t));
    const fsetstat = mine.find((r) => r.op === 'FSETSTAT')!;
    // The server answers each request 60 ms late: a FSETSTAT sent with the WRITEs would arrive with them.
    expect(fsetstat.t - lastWrite).toBeGreaterThanOrEqual(50);
    expect(fileAt(server, '/home/tester/up/small.bin')!.mtime).toBe(T);
  });

  it('on a server known to keep them in order (OpenSSH) the FSETSTAT and CLOSE follow the WRITEs at once', async () => {
    const { server, session } = await fake({ delayMs: 60, ident: 'OpenSSH_9.9' });
    expect(session.profile.software).toBe('openssh');
    const { paths } = localFiles({ 'small.bin': patternBytes(80 * 1024, 4) });
    const q = new TransferQueue();
    expect(
      (
        await q.whenSettled(
          q.add({ direction: 'upload', source: localEndpoint(), sources: paths, target: sessionEndpoint(session), targetDir: '/home/tester/up' }).id,
        )
      ).state,
    ).toBe('done');
    const mine = server.requests.filter((r) => r.path.endsWith('small.bin.skiffpart'));
    const lastWrite = Math.max(...mine.filter((r) => r.op === 'WRITE').map((r) => r.t));
    expect(mine.find((r) => r.op === 'FSETSTAT')!.t - lastWrite).toBeLessThan(40);
    expect(mine.map((r) => r.op)).toEqual(['WRITE', 'WRITE', 'WRITE', 'FSETSTAT', 'CLOSE']);
  });
});

describe('a server that refuses times or permissions', () => {
  it('lands every file, each with the warning "modification time not kept"', async () => {
    const { server, session } = await fake({ refuse: { times: true } });
    const small = patternBytes(10_000, 1);
    const big = patternBytes(3 * 1024 * 1024 + 1, 2);
    const { paths } = localFiles({ 'small.bin': small, 'big.bin': big });
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), sources: paths, target: sessionEndpoint(session), targetDir: '/home/tester/up' }).id,
    );
    expect(snap.state).toBe('done');
    expect(snap.fileErrors).toEqual([]);
    expect(snap.warnings.map((w) => [w.path, w.code]).sort()).toEqual([
      ['big.bin', 'MTIME_NOT_KEPT'],
      ['small.bin', 'MTIME_NOT_KEPT'],
    ]);
    expect(snap.warnings[0]!.message).toMatch(/^Modification time not kept: the server did not allow setting it/);
    expect(sha(fileAt(server, '/home/tester/up/small.bin')!.data)).toBe(sha(small));
    expect(sha(fileAt(server, '/home/tester/up/big.bin')!.data)).toBe(sha(big));
    expect(namesIn(server, '/home/tester/up')).toEqual(['big.bin', 'small.bin']);
  });

  it('with "preserve permissions" on, a refused mode is a warning too (and the times are still kept)', async () => {
    const { server, session } = await fake({ refuse: { modes: true } });
    const { paths } = localFiles({ 'run.sh': Buffer.from('#!/bin/sh\n'), 'big.bin': patternBytes(2 * 1024 * 1024, 9) });
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: paths,
        target: sessionEndpoint(session),
        targetDir: '/home/tester/up',
        preservePermissions: true,
      }).id,
    );
    expect(snap.state).toBe('done');
    expect(snap.warnings.map((w) => [w.path, w.code]).sort()).toEqual([
      ['big.bin', 'MODE_NOT_KEPT'],
      ['run.sh', 'MODE_NOT_KEPT'],
    ]);
    expect(fileAt(server, '/home/tester/up/run.sh')!.mtime).toBe(T);
    expect(fileAt(server, '/home/tester/up/big.bin')!.mtime).toBe(T);
  });
});

describe('a server that answers garbage or closes its channel mid-request', () => {
  for (const action of ['garbage', 'close-channel'] as const) {
    it(`${action}: fails that one file with a clear error, leaves no part and the old target as it was; the others land`, async () => {
      const { server, session } = await fake({
        files: { '/home/tester/up/b.bin': 'the old b' },
        faults: [{ op: 'WRITE', path: '/b.bin.skiffpart', nth: 2, action }],
      });
      const a = patternBytes(200_000, 1);
      const b = patternBytes(300_000, 2);
      const c = patternBytes(2 * 1024 * 1024, 3);
      const { paths } = localFiles({ 'a.bin': a, 'b.bin': b, 'c.bin': c });
      // One file at a time: the fault hits b alone (a broken channel fails whatever is in flight on it).
      const q = new TransferQueue({ filesInFlight: 1 });
      const snap = await q.whenSettled(
        q.add({
          direction: 'upload',
          source: localEndpoint(),
          sources: paths,
          target: sessionEndpoint(session),
          targetDir: '/home/tester/up',
          conflict: 'overwrite',
        }).id,
      );
      expect(snap.state).toBe('failed');
      expect(snap.error).toBeUndefined();
      expect(snap.fileErrors).toHaveLength(1);
      expect(snap.fileErrors[0]).toMatchObject(
        action === 'garbage'
          ? { path: 'b.bin', code: 'PROTOCOL_ERROR', message: expect.stringMatching(/malformed SFTP reply/) }
          : { path: 'b.bin', code: 'FAILURE', message: expect.stringMatching(/closed its SFTP channel in the middle of a request/) },
      );
      expect(fileAt(server, '/home/tester/up/b.bin')!.data.toString()).toBe('the old b');
      expect(sha(fileAt(server, '/home/tester/up/a.bin')!.data)).toBe(sha(a));
      expect(sha(fileAt(server, '/home/tester/up/c.bin')!.data)).toBe(sha(c));
      expect(namesIn(server, '/home/tester/up')).toEqual(['a.bin', 'b.bin', 'c.bin']);
      // The session goes on over a new channel: the pane can still list the folder.
      expect((await session.fs.list('/home/tester/up')).map((e) => e.name).sort()).toEqual(['a.bin', 'b.bin', 'c.bin']);
    });
  }

  it('a download from a server that answers garbage fails that file and leaves nothing locally', async () => {
    const { session } = await fake({
      files: { '/home/tester/d/x.bin': patternBytes(500_000, 5), '/home/tester/d/y.bin': patternBytes(500_000, 6) },
      faults: [{ op: 'READ', path: '/d/x.bin', nth: 3, action: 'garbage' }],
    });
    const target = tempDir();
    const q = new TransferQueue({ filesInFlight: 1 });
    const snap = await q.whenSettled(
      q.add({
        direction: 'download',
        source: sessionEndpoint(session),
        sources: ['/home/tester/d/x.bin', '/home/tester/d/y.bin'],
        target: localEndpoint(),
        targetDir: target,
      }).id,
    );
    expect(snap.fileErrors.map((e) => [e.path, e.code])).toEqual([['x.bin', 'PROTOCOL_ERROR']]);
    expect(readdirSync(target)).toEqual(['y.bin']);
    expect(statSync(path.join(target, 'y.bin')).size).toBe(500_000);
  });
});

describe('replacing a file on a server without posix-rename', () => {
  it('moves the old one aside and back when the rename fails: the old file is never lost', async () => {
    const { server, session } = await fake({
      files: { '/home/tester/up/doc.txt': 'the precious old version' },
      faults: [{ op: 'RENAME', path: '/up/doc.txt', action: 'status', status: 3, message: 'Permission denied' }],
    });
    expect(session.profile.posixRename).toBe(false);
    const { paths } = localFiles({ 'doc.txt': Buffer.from('new') });
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: paths,
        target: sessionEndpoint(session),
        targetDir: '/home/tester/up',
        conflict: 'overwrite',
      }).id,
    );
    expect(snap.fileErrors.map((e) => [e.path, e.code])).toEqual([['doc.txt', 'PERMISSION_DENIED']]);
    expect(fileAt(server, '/home/tester/up/doc.txt')!.data.toString()).toBe('the precious old version');
    expect(namesIn(server, '/home/tester/up')).toEqual(['doc.txt']);
    // The renames it made: old aside, the part (refused), the old one back.
    const renames = server.requests.filter((r) => r.op === 'RENAME').map((r) => r.path.replace(/skiffold-[0-9a-f]+/, 'skiffold-*'));
    expect(renames).toEqual([
      '/home/tester/up/doc.txt -> /home/tester/up/.doc.txt.skiffold-*',
      '/home/tester/up/doc.txt.skiffpart -> /home/tester/up/doc.txt',
      '/home/tester/up/.doc.txt.skiffold-* -> /home/tester/up/doc.txt',
    ]);
  });

  it('replaces it, with nothing left aside, when all goes well', async () => {
    const { server, session } = await fake({ files: { '/home/tester/up/doc.txt': 'old' } });
    const { paths } = localFiles({ 'doc.txt': Buffer.from('new') });
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: paths,
        target: sessionEndpoint(session),
        targetDir: '/home/tester/up',
        conflict: 'overwrite',
      }).id,
    );
    expect(snap.state).toBe('done');
    expect(fileAt(server, '/home/tester/up/doc.txt')!.data.toString()).toBe('new');
    expect(namesIn(server, '/home/tester/up')).toEqual(['doc.txt']);
  });
});

describe('SYMLINK argument order', () => {
  it('a server that poses as OpenSSH but reads the draft order: the wrong link is removed, the other order used and learned', async () => {
    const { server, session } = await fake({ ident: 'OpenSSH_9.9', files: { '/home/tester/l/real.txt': 'x' } });
    expect(session.profile.symlinkOrder).toBe('target-first');
    await session.fs.symlink('real.txt', '/home/tester/l/alias');
    expect(server.files.get('/home/tester/l/alias')).toMatchObject({ type: 'symlink', target: 'real.txt' });
    // The first try made "real.txt" in the home folder (the target's name) pointing at the link: gone.
    expect(server.files.has('/home/tester/real.txt')).toBe(false);
    expect(session.profile.symlinkOrder).toBe('link-first');
    expect(session.serverInfo().quirks.map((q) => q.id)).toContain('symlink-order-learned');
    // The next link takes the learned order at once: one SYMLINK request.
    const before = server.requests.filter((r) => r.op === 'SYMLINK').length;
    await session.fs.symlink('real.txt', '/home/tester/l/alias2');
    expect(server.requests.filter((r) => r.op === 'SYMLINK').length - before).toBe(1);
  });

  it('an unknown server that reads OpenSSH’s order: found out on the first link, nothing stray left', async () => {
    const { server, session } = await fake({ symlinkArgs: 'reversed', files: { '/home/tester/l/real.txt': 'x' } });
    expect(session.profile.symlinkOrder).toBeNull();
    await session.fs.symlink('/home/tester/l/real.txt', '/home/tester/l/alias');
    expect(server.files.get('/home/tester/l/alias')).toMatchObject({ type: 'symlink', target: '/home/tester/l/real.txt' });
    expect(server.files.get('/home/tester/l/real.txt')?.type).toBe('file');
    expect(session.profile.symlinkOrder).toBe('target-first');
  });

  it('says “does not support symbolic links” in plain words when the server answers OP_UNSUPPORTED', async () => {
    const { server, session } = await fake({ symlinkArgs: 'none', files: { '/home/tester/l/real.txt': 'x' } });
    const err = await session.fs.symlink('real.txt', '/home/tester/l/alias').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'UNSUPPORTED', message: 'This server does not support symbolic links: “/home/tester/l/alias” was not created.' });
    expect(namesIn(server, '/home/tester/l')).toEqual(['real.txt']);
    expect(namesIn(server, '/home/tester')).toEqual(['l']);
  });
});
