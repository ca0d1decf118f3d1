// patches/ssh2+1.17.0.patch lets an SFTP channel's receive window grow past ssh2's fixed 2 MiB
// (`growWindow`) and adds a keepalive round trip (`ping`); connect() times that round trip and
// sizes every SFTP channel's window from it. Against the real sshd: behind a 40 ms link every SFTP
// channel of a session offers the largest window (sshd's own debug log says what it was given),
// and sshd really sends that much ahead: with every window adjust after the first held back, more
// than ssh2's default 2 MiB of READ replies still arrive. A second SFTP channel of a connection
// takes the first one's limits@openssh.com answer instead of asking again (one round trip less).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SFTP_WINDOW_MAX, SSH2_DEFAULT_WINDOW, connect, sftpWindowFor } from '../../../electron/core/sftp/session';
import { startLinkProxy, type LinkProxy } from '../../support/link-proxy';
import { startSshd, type SshdHandle } from '../../support/sshd';
import { loginToSshd, openSftpChannel, trustAll } from './support';

const require = createRequire(import.meta.url);
const { MAX_WINDOW } = require('ssh2/lib/Channel.js') as { MAX_WINDOW: number };
const MiB = 1024 * 1024;

describe('sftpWindowFor', () => {
  it('is ssh2 default on loopback and without a measurement, the bandwidth-delay product between, capped', () => {
    expect(SSH2_DEFAULT_WINDOW).toBe(MAX_WINDOW);
    expect(sftpWindowFor(undefined)).toBe(MAX_WINDOW);
    expect(sftpWindowFor(0.2)).toBe(MAX_WINDOW);
    expect(sftpWindowFor(10)).toBe(4 * MiB);
    expect(sftpWindowFor(20)).toBe(8 * MiB);
    expect(sftpWindowFor(40)).toBe(SFTP_WINDOW_MAX);
    expect(sftpWindowFor(150)).toBe(SFTP_WINDOW_MAX);
    expect(SFTP_WINDOW_MAX).toBe(16 * MiB);
  });
});

describe('a session behind a 40 ms link', () => {
  let own: SshdHandle;
  let link: LinkProxy;
  beforeAll(async () => {
    // LogLevel's first value wins in sshd_config; a Match block may still raise it for sessions.
    own = await startSshd({ extraConfig: ['Match all', 'LogLevel DEBUG2'] });
    link = await startLinkProxy({ targetPort: own.port, delayMs: 20, inProcess: true });
  });
  afterAll(async () => {
    await link?.stop();
    await own?.stop();
  });

  it('measures the round trip and gives every SFTP channel the largest window', async () => {
    const s = await connect({ host: link.host, port: link.port, username: own.user, privateKeyPath: own.clientKeys.ed25519, verifyHostKey: trustAll });
    try {
      expect(s.rttMs).toBeGreaterThanOrEqual(40);
      const extra = await s.openChannel();
      await extra.stat(own.scratch);
      await s.fs.stat(own.scratch);
      await extra.close();
    } finally {
      await s.close();
    }
    const log = own.log();
    // sshd (serverloop.c) logs each channel it opens with the window it was offered, channels.c each adjust it received.
    const opened = [...log.matchAll(/ctype session rchan (\d+) win (\d+) max \d+/g)].map((m) => ({ rchan: m[1], win: Number(m[2]) }));
    expect(opened.map((o) => o.win)).toEqual([MAX_WINDOW, MAX_WINDOW]);
    const adjusts = [...log.matchAll(/channel (\d+): rcvd adjust (\d+)/g)].map((m) => ({ channel: m[1], amount: Number(m[2]) }));
    const grown = new Set(adjusts.filter((a) => a.amount >= SFTP_WINDOW_MAX - MAX_WINDOW).map((a) => a.channel));
    expect(grown.size).toBe(2);
  });
});

describe('sshd and a grown window', () => {
  const sshd = inject('sshd');
  const size = 3 * MAX_WINDOW;
  let file: string;
  beforeAll(() => {
    const dir = path.join(sshd.scratch, `window-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    file = path.join(dir, 'six-mib.bin');
    writeFileSync(file, Buffer.alloc(size, 7));
  });

  it('sends more than 2 MiB of READ replies on the one adjust that grew the window', async () => {
    const client = await loginToSshd(sshd);
    try {
      const sftp = await openSftpChannel(client);
      (sftp as unknown as { growWindow(n: number): void }).growWindow(SFTP_WINDOW_MAX);
      expect((sftp as unknown as { incoming: { maxWindow: number } }).incoming.maxWindow).toBe(SFTP_WINDOW_MAX);
      // From here on hold back every window adjust of this connection: sshd may send only what it was offered.
      const proto = (client as unknown as { _protocol: { channelWindowAdjust: (...a: unknown[]) => void } })._protocol;
      let held = 0;
      proto.channelWindowAdjust = () => void held++;
      const handle = await new Promise<Buffer>((resolve, reject) => sftp.open(file, 'r', (err, h) => (err ? reject(err) : resolve(h))));
      const chunk = 64 * 1024;
      let got = 0;
      const reads = Array.from(
        { length: size / chunk },
        (_, i) =>
          new Promise<void>((resolve, reject) =>
            sftp.read(handle, Buffer.alloc(chunk), 0, chunk, i * chunk, (err, n) => {
              if (err) return reject(err);
              got += n;
              resolve();
            }),
          ),
      );
      // With a 2 MiB window the replies stop after 2 MiB and these never settle: fail with the count, not a hang.
      let guard: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        guard = setTimeout(() => reject(new Error(`only ${got} of ${size} bytes arrived: sshd waited for a window adjust`)), 15_000);
      });
      await Promise.race([Promise.all(reads), stalled]).finally(() => clearTimeout(guard));
      expect(got).toBe(size);
      // ssh2 did want to top the window up (so this proves what sshd sent on the grown window alone).
      expect(held).toBeGreaterThan(0);
    } finally {
      client.end();
    }
  });
});

describe('limits@openssh.com on a second channel', () => {
  const sshd = inject('sshd');

  it('is asked for once per connection; later channels take the first answer', async () => {
    const asked: string[] = [];
    const client = await loginToSshd(sshd, { debug: (m: string) => void (/Outbound: \w+ limits@openssh\.com/.test(m) && asked.push(m)) });
    try {
      const first = (await openSftpChannel(client)) as unknown as { _maxReadLen: number; _maxWriteLen: number; maxOpenHandles: number };
      const second = (await openSftpChannel(client)) as unknown as SFTPWrapper & { _maxReadLen: number; _maxWriteLen: number; maxOpenHandles: number };
      expect(asked).toHaveLength(1);
      // OpenSSH's sftp-server allows 255 KiB requests: more than ssh2's default for it (so the copy is real).
      expect(first._maxReadLen).toBeGreaterThan(64 * 1024);
      expect([second._maxReadLen, second._maxWriteLen, second.maxOpenHandles]).toEqual([first._maxReadLen, first._maxWriteLen, first.maxOpenHandles]);
      // And the second channel works.
      const names = await new Promise<unknown[]>((resolve, reject) => second.readdir(sshd.scratch, (err, list) => (err ? reject(err) : resolve(list))));
      expect(Array.isArray(names)).toBe(true);
    } finally {
      client.end();
    }
  });
});
