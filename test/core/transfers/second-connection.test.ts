// A queue tuned to (channels: 2, connections: 2) spreads the reading channels of a download of
// many files over a second connection to the real sshd: the result is byte-identical, the extra
// connection is opened once, carries data, and is closed before the job settles; a refused one
// falls back cleanly; other jobs, and every job of a queue on the defaults, never open one.
import { describe, expect, inject, it } from 'vitest';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { connect } from '../../../electron/core/sftp/session';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import { ChannelSet } from '../../../electron/core/transfers/channel-set';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { connectSshd, localEndpoint, patternBytes, tempDir, treeDigest, withSshdSession, writeFile } from './helpers';

interface Extra {
  session: SftpSession;
  /** Names of the FileSystem methods called on its primary channel. */
  calls: string[];
  closedEvent: Promise<unknown>;
}

/** The tuning that spreads a job's reading channels over two connections (off by default). */
const SPREAD = { channels: 2, connections: 2 };

describe('a second connection per job', () => {
  const s = inject('sshd');
  let session: SftpSession;
  withSshdSession(s, (x) => (session = x));

  /** A connection factory that records every attempt and every connection it opened. */
  function counting(factory: () => Promise<SftpSession> = () => connectSshd(s)) {
    const extras: Extra[] = [];
    let attempts = 0;
    const open = async (): Promise<SftpSession> => {
      attempts++;
      const real = await factory();
      const calls: string[] = [];
      const closedEvent = new Promise((resolve) => real.onClosed(resolve));
      const fs = new Proxy(real.fs, {
        get(t, p) {
          const v: unknown = Reflect.get(t, p, t);
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            calls.push(String(p));
            return (v as (...a: unknown[]) => unknown).apply(t, args);
          };
        },
      });
      const wrapped = new Proxy(real, {
        get(t, p) {
          if (p === 'fs') return fs;
          const v: unknown = Reflect.get(t, p, t);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      });
      extras.push({ session: real, calls, closedEvent });
      return wrapped;
    };
    return { open, extras, attempts: () => attempts };
  }

  it('channels 0, 2 stay on the session, 1 is the extra connection, 3 a channel on it; close() closes it', async () => {
    const c = counting();
    const ch = new ChannelSet(sessionEndpoint(session, undefined, c.open), 4, 2);
    expect(await ch.get(0)).toBe(session.fs);
    const one = await ch.get(1);
    const [two, three] = [await ch.get(2), await ch.get(3)];
    expect(c.attempts()).toBe(1);
    expect(one).not.toBe(session.fs);
    expect(new Set([session.fs, one, two, three]).size).toBe(4);
    // Channel 3 is opened on the extra connection, not on the session.
    expect(await ch.get(5)).toBe(one);
    expect(ch.connectionSpan).toBe(2);
    await one.stat(s.scratch);
    expect(c.extras[0]!.calls).toContain('stat');
    await ch.close();
    expect(c.extras[0]!.session.closed).toBe(true);
    await c.extras[0]!.closedEvent;
    expect(session.closed).toBe(false);
  });

  it('downloads a folder of many small files over two connections, identical, and closes the extra one', async () => {
    const remote = tempDir('skiff-remote-');
    for (let i = 0; i < 40; i++) writeFile(path.join(remote, 'many', `f${i}.txt`), patternBytes(4096 + i, i + 1));
    writeFile(path.join(remote, 'many', 'sub', 'deep.txt'), 'deep');
    const back = tempDir();
    const c = counting();
    const q = new TransferQueue(SPREAD);
    const d = await q.whenSettled(
      q.add({
        direction: 'download',
        source: sessionEndpoint(session, undefined, c.open),
        sources: [path.join(remote, 'many')],
        target: localEndpoint(),
        targetDir: back,
      }).id,
    );
    expect(d.state).toBe('done');
    expect(d.filesDone).toBe(41);
    expect(treeDigest(back)).toEqual(treeDigest(remote));
    // Whether the second connection gets files depends on how fast it logs in (41 small files may all
    // be done first); that it was opened once and closed before the job settled does not.
    expect(c.attempts()).toBe(1);
    expect(c.extras[0]!.session.closed).toBe(true);
    await c.extras[0]!.closedEvent;
    expect(readdirSync(path.join(back, 'many')).filter((n) => n.endsWith('.skiffpart'))).toEqual([]);
  });

  it('opens no second connection where it did not pay: a few files, one big file, uploads', async () => {
    const remote = tempDir('skiff-remote-');
    for (let i = 0; i < 3; i++) writeFile(path.join(remote, `s${i}.txt`), patternBytes(1000 + i, i + 7));
    writeFile(path.join(remote, 'big.bin'), patternBytes(9 * 1024 * 1024 + 7, 42));
    const local = tempDir();
    for (let i = 0; i < 40; i++) writeFile(path.join(local, 'many', `u${i}.txt`), patternBytes(500 + i, i + 11));
    const back = tempDir();
    const up = tempDir('skiff-remote-');
    const c = counting();
    const q = new TransferQueue(SPREAD);
    const ep = sessionEndpoint(session, undefined, c.open);
    const one = await q.whenSettled(
      q.add({ direction: 'download', source: ep, sources: [path.join(remote, 's0.txt')], target: localEndpoint(), targetDir: back }).id,
    );
    const few = await q.whenSettled(
      q.add({
        direction: 'download',
        source: ep,
        sources: [path.join(remote, 's1.txt'), path.join(remote, 's2.txt')],
        target: localEndpoint(),
        targetDir: back,
      }).id,
    );
    const big = await q.whenSettled(
      q.add({ direction: 'download', source: ep, sources: [path.join(remote, 'big.bin')], target: localEndpoint(), targetDir: back }).id,
    );
    const u = await q.whenSettled(q.add({ direction: 'upload', source: localEndpoint(), sources: [path.join(local, 'many')], target: ep, targetDir: up }).id);
    expect([one.state, few.state, big.state, u.state]).toEqual(['done', 'done', 'done', 'done']);
    expect(treeDigest(back)).toEqual(treeDigest(remote));
    expect(treeDigest(up)).toEqual(treeDigest(local));
    expect(c.attempts()).toBe(0);
  });

  it('on the defaults, small files share the session channel (no extra channel or connection) and a big file still stripes', async () => {
    const remote = tempDir('skiff-remote-');
    for (let i = 0; i < 40; i++) writeFile(path.join(remote, 'many', `f${i}.txt`), patternBytes(3000 + i, i + 5));
    writeFile(path.join(remote, 'big.bin'), patternBytes(9 * 1024 * 1024 + 3, 17));
    const back = tempDir();
    const c = counting();
    let channelsOpened = 0;
    const ep = {
      ...sessionEndpoint(session, undefined, c.open),
      openChannel: () => {
        channelsOpened++;
        return session.openChannel();
      },
    };
    const q = new TransferQueue();
    const many = await q.whenSettled(
      q.add({ direction: 'download', source: ep, sources: [path.join(remote, 'many')], target: localEndpoint(), targetDir: back }).id,
    );
    expect(many.state).toBe('done');
    expect(treeDigest(path.join(back, 'many'))).toEqual(treeDigest(path.join(remote, 'many')));
    expect([channelsOpened, c.attempts()]).toEqual([0, 0]);
    const big = await q.whenSettled(
      q.add({ direction: 'download', source: ep, sources: [path.join(remote, 'big.bin')], target: localEndpoint(), targetDir: back }).id,
    );
    expect(big.state).toBe('done');
    expect(treeDigest(back)).toEqual(treeDigest(remote));
    // One stripe channel for the big file's reads, still no second connection.
    expect([channelsOpened, c.attempts()]).toEqual([1, 0]);
  });

  it('a refused second connection (host key rejected) falls back to channels on the first: same bytes, nothing left open', async () => {
    const remote = tempDir('skiff-remote-');
    const back = tempDir();
    for (let i = 0; i < 40; i++) writeFile(path.join(remote, 'many', `f${i}.txt`), patternBytes(2000 + i, i + 3));
    const refused = counting(() =>
      connect({ host: s.host, port: s.port, username: s.user, privateKeyPath: s.clientKeys.ed25519, verifyHostKey: async () => false }),
    );
    const q = new TransferQueue(SPREAD);
    const ep = sessionEndpoint(session, undefined, refused.open);
    const many = await q.whenSettled(
      q.add({ direction: 'download', source: ep, sources: [path.join(remote, 'many')], target: localEndpoint(), targetDir: back }).id,
    );
    expect(many.state).toBe('done');
    expect(many.fileErrors).toEqual([]);
    expect(treeDigest(back)).toEqual(treeDigest(remote));
    // Tried once, and no connection was left behind by the refusal.
    expect(refused.attempts()).toBe(1);
    expect(refused.extras).toHaveLength(0);
    expect(session.closed).toBe(false);
    // Channel-level fallback: channel 1 becomes an extra channel on the session's connection.
    const ch = new ChannelSet(ep, 4, 2);
    const one = await ch.get(1);
    expect(one).not.toBe(session.fs);
    expect(refused.attempts()).toBe(2);
    expect((await one.stat(s.scratch)).type).toBe('directory');
    await ch.close();
  });
});
