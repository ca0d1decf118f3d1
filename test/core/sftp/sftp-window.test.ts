// patches/ssh2+1.17.0.patch gives SFTP channels a receive window of their own size (`sftpWindow`,
// ssh2's default is 2 MiB) and connect() asks for SFTP_WINDOW. Against the real sshd: every SFTP
// channel of a session advertises it (sshd's own debug log says what it was offered), and sshd
// really sends that much ahead: with every window adjust held back, more than ssh2's default
// 2 MiB of READ replies still arrive.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SFTP_WINDOW, connect } from '../../../electron/core/sftp/session';
import { startSshd, type SshdHandle } from '../../support/sshd';
import { trustAll } from './support';

const require = createRequire(import.meta.url);
const { MAX_WINDOW } = require('ssh2/lib/Channel.js') as { MAX_WINDOW: number };

describe('SFTP channel receive window', () => {
  let own: SshdHandle;
  beforeAll(async () => {
    // LogLevel's first value wins in sshd_config; a Match block may still raise it for sessions.
    own = await startSshd({ extraConfig: ['Match all', 'LogLevel DEBUG1'] });
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('is bigger than ssh2 default, and sshd is offered it on every SFTP channel of a session', async () => {
    expect(SFTP_WINDOW).toBeGreaterThan(MAX_WINDOW);
    const s = await connect({ host: own.host, port: own.port, username: own.user, privateKeyPath: own.clientKeys.ed25519, verifyHostKey: trustAll });
    try {
      const extra = await s.openChannel();
      await extra.stat(own.scratch);
      await extra.close();
    } finally {
      await s.close();
    }
    // sshd (serverloop.c): "server_input_channel_open: ctype session rchan 1 win 16777216 max 32768".
    const offers = [...own.log().matchAll(/ctype session rchan \d+ win (\d+) max \d+/g)].map((m) => Number(m[1]));
    expect(offers).toEqual([SFTP_WINDOW, SFTP_WINDOW]);
  });
});

describe('sshd with the bigger window', () => {
  const sshd = inject('sshd');
  const size = 3 * MAX_WINDOW;
  let file: string;
  beforeAll(() => {
    const dir = path.join(sshd.scratch, `window-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    file = path.join(dir, 'six-mib.bin');
    writeFileSync(file, Buffer.alloc(size, 7));
  });

  it('sends more than 2 MiB of READ replies without one window adjust from us', async () => {
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      const config: ssh2.ConnectConfig & { sftpWindow: number } = {
        host: sshd.host,
        port: sshd.port,
        username: sshd.user,
        privateKey: readFileSync(sshd.clientKeys.ed25519),
        sftpWindow: SFTP_WINDOW,
      };
      client.connect(config);
    });
    try {
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
      const chan = sftp as unknown as { incoming: { maxWindow: number } };
      expect(chan.incoming.maxWindow).toBe(SFTP_WINDOW);
      // Hold back every window adjust of this connection: sshd may send only what it was offered.
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
      // ssh2 did want to top the window up (so this proves what sshd sent on the first offer alone).
      expect(held).toBeGreaterThan(0);
    } finally {
      client.end();
    }
  });
});
