// Striped uploads against the real sshd: over a long link one big upload is spread over several
// SFTP channels (each with its own 2 MiB server window) writing disjoint ranges of one .skiffpart;
// on loopback it stays on one. The link is described to the engine (TransferEndpoint.link) rather
// than delayed, so the data moves at loopback speed; a cut through the link proxy must resume at
// the part's contiguous watermark although the stripes left holes above it.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FileHandle, FileSystem } from '../../../electron/core/fs/file-system';
import { connect } from '../../../electron/core/sftp/session';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { PART_SUFFIX, STRIPE_MIN } from '../../../electron/core/transfers/file-transfer';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import type { LinkInfo, TransferEndpoint } from '../../../electron/core/transfers/types';
import { startLinkProxy, type LinkProxy } from '../../support/link-proxy';
import { localEndpoint, patternBytes, sha256File, tempDir, writeFile } from './helpers';

const MiB = 1024 * 1024;
const sshd = inject('sshd');
const sessions: SftpSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
});

/** Bytes each channel (by the order it was opened, 0 = the session's own) wrote into parts. */
type Written = Map<number, number>;

/** Wraps a handle so its writes are counted for `channel` (and wait for `before`, if given). */
function counted(h: FileHandle, channel: number, written: Written, before?: Promise<void>): FileHandle {
  return {
    read: (b, o, l, pos) => h.read(b, o, l, pos),
    write: async (b, o, l, pos) => {
      if (before) await before;
      await h.write(b, o, l, pos);
      written.set(channel, (written.get(channel) ?? 0) + l);
    },
    stat: () => h.stat(),
    close: () => h.close(),
  };
}

/**
 * `fs` with the handles it opens on parts counted for `channel` (a view: `fs` itself is unchanged);
 * `opened` hears of each part handle, `before` holds its writes.
 */
function countParts<T extends FileSystem>(fs: T, channel: number, written: Written, opened?: () => void, before?: Promise<void>): T {
  const open: FileSystem['open'] = async (p, flags, mode) => {
    const h = await fs.open(p, flags, mode);
    if (!p.endsWith(PART_SUFFIX)) return h;
    opened?.();
    return counted(h, channel, written, before);
  };
  return new Proxy(fs, {
    get(target, key) {
      if (key === 'open') return open;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * The session's endpoint as if it ran over `link`, counting what each channel writes; reconnects
 * keep both. With `stripes`, the session's own channel writes only once that many stripe handles
 * are open on the part (at loopback speed a copy could otherwise end before they open; over a
 * real long link they open within a few round trips of a copy that takes seconds).
 */
function described(ep: TransferEndpoint, link: LinkInfo, written: Written, stripes = 0): TransferEndpoint {
  let channels = 0;
  let joined = 0;
  let allJoined!: () => void;
  const ready = stripes > 0 ? new Promise<void>((resolve) => (allJoined = resolve)) : undefined;
  // Bounded: if the stripes never come, the copy goes on and the writer count fails the test.
  if (ready) setTimeout(() => allJoined(), 10_000).unref();
  const onStripe = (): void => {
    if (++joined >= stripes) allJoined?.();
  };
  return {
    fs: countParts(ep.fs, 0, written, undefined, ready),
    link,
    openChannel: async () => countParts(await ep.openChannel!(), ++channels, written, onStripe),
    ...(ep.reconnect ? { reconnect: async () => described(await ep.reconnect!(), link, written, stripes) } : {}),
  };
}

const longLink: LinkInfo = { rttMs: 40, sendWindow: 2 * MiB, stripedWrites: true };
const loopback: LinkInfo = { rttMs: 0.2, sendWindow: 2 * MiB, stripedWrites: true };

describe('a big upload to OpenSSH', () => {
  let session: SftpSession;
  beforeAll(async () => {
    session = await connect({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      privateKeyPath: sshd.clientKeys.ed25519,
      verifyHostKey: async () => true,
    });
    sessions.push(session);
  });

  it('knows the server takes striped writes and what window it gives', () => {
    const link = sessionEndpoint(session).link!;
    expect(link.stripedWrites).toBe(true);
    // OpenSSH's sshd: CHAN_SES_WINDOW_DEFAULT (2 MiB), less the few bytes already sent.
    expect(link.sendWindow).toBeGreaterThan(2 * MiB - 4096);
    expect(link.sendWindow).toBeLessThanOrEqual(2 * MiB);
  });

  it.each([
    ['over a 40 ms link is spread over several channels', longLink, 3],
    ['on loopback stays on one channel', loopback, 1],
  ])('%s, byte-identical', async (_label, link, minChannels) => {
    const waitFor = minChannels - 1;
    const src = tempDir();
    const file = path.join(src, 'big.bin');
    writeFile(file, patternBytes(4 * STRIPE_MIN + 12_345, 5));
    const remote = path.join(sshd.scratch, `striped-${process.pid}-${minChannels}`);
    rmSync(remote, { recursive: true, force: true });
    mkdirSync(remote);
    const written: Written = new Map();
    const q = new TransferQueue();
    const snap = await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: [file],
        target: described(sessionEndpoint(session), link, written, waitFor),
        targetDir: remote,
      }).id,
    );
    expect(snap.state).toBe('done');
    expect(sha256File(path.join(remote, 'big.bin'))).toBe(sha256File(file));
    expect(readdirSync(remote)).toEqual(['big.bin']);
    const writers = [...written.values()].filter((n) => n > 0).length;
    if (minChannels > 1) expect(writers).toBeGreaterThanOrEqual(minChannels);
    else expect(writers).toBe(1);
    expect([...written.values()].reduce((a, b) => a + b, 0)).toBe(4 * STRIPE_MIN + 12_345);
  });
});

describe('a striped upload cut mid-way', () => {
  let link: LinkProxy;
  beforeAll(async () => {
    link = await startLinkProxy({ targetPort: sshd.port });
  });
  afterAll(async () => {
    await link?.stop();
  });

  it('resumes at the contiguous watermark (never above a hole) and lands byte-identical', async () => {
    const size = 64 * MiB + 7;
    const src = tempDir();
    const file = path.join(src, 'cut.bin');
    const data = patternBytes(size, 9);
    writeFile(file, data);
    const remote = path.join(sshd.scratch, `striped-cut-${process.pid}`);
    rmSync(remote, { recursive: true, force: true });
    mkdirSync(remote);
    const part = path.join(remote, `cut.bin${PART_SUFFIX}`);
    const open = async (): Promise<SftpSession> => {
      const s = await connect({
        host: link.host,
        port: link.port,
        username: sshd.user,
        privateKeyPath: sshd.clientKeys.ed25519,
        verifyHostKey: async () => true,
      });
      sessions.push(s);
      return s;
    };
    /** What the part held when the engine reconnected: its size, and how far it matched the source from byte 0. */
    const atReconnect: Array<{ size: number; intact: number }> = [];
    const reconnect = async (): Promise<SftpSession> => {
      const held = readFileSync(part);
      let intact = 0;
      while (intact < held.length && held[intact] === data[intact]) intact++;
      atReconnect.push({ size: held.length, intact });
      return open();
    };
    const written: Written = new Map();
    const q = new TransferQueue({ retryBaseDelayMs: 200, progressIntervalMs: 0 });
    const job = q.add({
      direction: 'upload',
      source: localEndpoint(),
      sources: [file],
      target: described(sessionEndpoint(await open(), reconnect), longLink, written, 2),
      targetDir: remote,
    });
    let cut = false;
    let lowestAfterCut = Number.POSITIVE_INFINITY;
    q.onEvent((e) => {
      if (e.type !== 'progress' && e.type !== 'changed') return;
      if (cut) lowestAfterCut = Math.min(lowestAfterCut, e.job.bytesDone);
      else if (e.type === 'progress' && e.job.bytesDone > 24 * MiB) {
        cut = true;
        void link.cutFor(300);
      }
    });
    const snap = await q.whenSettled(job.id);
    expect(cut).toBe(true);
    expect(snap.state).toBe('done');
    expect(snap.retries).toBeGreaterThanOrEqual(1);
    expect(sha256File(path.join(remote, 'cut.bin'))).toBe(sha256File(file));
    expect(readdirSync(remote)).toEqual(['cut.bin']);
    // The job resumed (from above zero) at a point where every byte below was really in the part.
    const first = atReconnect[0]!;
    expect(first.intact).toBeGreaterThan(0);
    expect(lowestAfterCut).toBeGreaterThan(0);
    expect(lowestAfterCut).toBeLessThanOrEqual(first.intact);
    expect([...written.values()].filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
  });
});
