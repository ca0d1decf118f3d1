// connect() and SftpFs against the scriptable ssh2 server: the logins OpenSSH will not do for
// us here (password, keyboard-interactive), what is sent before the host-key decision, re-keys,
// hostile listings, and servers that drop, stall or never answer keepalives.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { connect } from '../../../electron/core/sftp/session';
import type { ClosedReason, KeyboardInteractiveRequest, SftpSession } from '../../../electron/core/sftp/types';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../../support/fake-server';
import { rejectsWith, trustAll } from './support';

const servers: FakeServer[] = [];
const sessions: SftpSession[] = [];
async function server(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const s = await startFakeServer(opts);
  servers.push(s);
  return s;
}
const track = (s: SftpSession): SftpSession => (sessions.push(s), s);
const closedOf = (s: SftpSession): Promise<ClosedReason> => new Promise((r) => s.onClosed(r));

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('password and keyboard-interactive', () => {
  it('logs in with the right password', async () => {
    const f = await server();
    const s = track(await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll }));
    expect(s.authMethod).toBe('password');
    expect(await s.fs.home()).toBe('/home/tester');
    expect(f.authAttempts.filter((a) => a.method === 'password')).toEqual([{ method: 'password', username: 'tester', password: 'secret', accepted: true }]);
  });

  it('AUTH_FAILED for a wrong password, saying what was tried', async () => {
    const f = await server();
    const e = await rejectsWith(connect({ host: f.host, port: f.port, username: 'tester', password: 'wrong', verifyHostKey: trustAll }), 'AUTH_FAILED');
    expect(e.message).toContain('Tried password');
    expect(e.message).toContain('refused');
    expect(e.message).toContain('tester');
  });

  it('forwards every keyboard-interactive prompt and logs in with the right answers', async () => {
    const f = await server({
      users: {
        kb: {
          keyboard: {
            name: 'Two-step',
            instructions: 'Answer both',
            prompts: [
              { prompt: 'Password: ', echo: false },
              { prompt: 'Code: ', echo: true },
            ],
            answers: ['pw', '123456'],
          },
        },
      },
    });
    const asked: KeyboardInteractiveRequest[] = [];
    const s = track(
      await connect({
        host: f.host,
        port: f.port,
        username: 'kb',
        verifyHostKey: trustAll,
        onKeyboardInteractive: async (r) => (asked.push(r), ['pw', '123456']),
      }),
    );
    expect(s.authMethod).toBe('keyboard-interactive');
    expect(asked).toEqual([
      {
        name: 'Two-step',
        instructions: 'Answer both',
        prompts: [
          { prompt: 'Password: ', echo: false },
          { prompt: 'Code: ', echo: true },
        ],
      },
    ]);
  });

  it('AUTH_FAILED for wrong keyboard-interactive answers', async () => {
    const f = await server({ users: { kb: { keyboard: { prompts: [{ prompt: 'Code: ', echo: true }], answers: ['42'] } } } });
    const e = await rejectsWith(
      connect({ host: f.host, port: f.port, username: 'kb', verifyHostKey: trustAll, onKeyboardInteractive: async () => ['41'] }),
      'AUTH_FAILED',
    );
    expect(e.message).toContain('keyboard-interactive');
    expect(f.authAttempts.find((a) => a.method === 'keyboard-interactive')).toMatchObject({ answers: ['41'], accepted: false });
  });

  it('CANCELLED when the prompt is answered with null (the user pressed Cancel), and nothing more is tried', async () => {
    const f = await server({ users: { kb: { keyboard: { prompts: [{ prompt: 'Code: ', echo: true }], answers: ['42'] }, password: 'pw' } } });
    await rejectsWith(
      connect({ host: f.host, port: f.port, username: 'kb', password: 'pw', verifyHostKey: trustAll, onKeyboardInteractive: async () => null }),
      'CANCELLED',
    );
    expect(f.authAttempts.some((a) => a.method === 'password')).toBe(false);
  });

  it('CANCELLED when the prompt callback throws, INVALID_ARGUMENT for the wrong number of answers', async () => {
    const f = await server({ users: { kb: { keyboard: { prompts: [{ prompt: 'Code: ', echo: true }], answers: ['42'] } } } });
    await rejectsWith(
      connect({
        host: f.host,
        port: f.port,
        username: 'kb',
        verifyHostKey: trustAll,
        onKeyboardInteractive: async () => {
          throw new Error('window closed');
        },
      }),
      'CANCELLED',
    );
    await rejectsWith(
      connect({ host: f.host, port: f.port, username: 'kb', verifyHostKey: trustAll, onKeyboardInteractive: async () => ['42', 'extra'] }),
      'INVALID_ARGUMENT',
    );
  });

  it('tries keyboard-interactive before password, then falls back to the password', async () => {
    const f = await server({ users: { both: { keyboard: { prompts: [{ prompt: 'Code: ', echo: true }], answers: ['42'] }, password: 'pw' } } });
    const s = track(
      await connect({ host: f.host, port: f.port, username: 'both', password: 'pw', verifyHostKey: trustAll, onKeyboardInteractive: async () => ['nope'] }),
    );
    expect(s.authMethod).toBe('password');
    expect(f.authAttempts.map((a) => [a.method, a.accepted])).toEqual([
      ['none', false],
      ['keyboard-interactive', false],
      ['password', true],
    ]);
  });

  it('multi-factor: password, then (partial success) keyboard-interactive', async () => {
    const user = { password: 'pw', keyboard: { prompts: [{ prompt: 'Verification code: ', echo: false }], answers: ['777'] } };
    const f = await server({ users: { mfa: user }, requireAll: ['password', 'keyboard-interactive'] });
    const s = track(
      await connect({ host: f.host, port: f.port, username: 'mfa', password: 'pw', verifyHostKey: trustAll, onKeyboardInteractive: async () => ['777'] }),
    );
    // Our order puts keyboard-interactive first; the server then still wants the password.
    expect(s.authMethod).toBe('password');
    expect(f.authAttempts.filter((a) => a.accepted).map((a) => a.method)).toEqual(['keyboard-interactive', 'password']);
    const e = await rejectsWith(
      connect({ host: f.host, port: f.port, username: 'mfa', password: 'pw', verifyHostKey: trustAll, onKeyboardInteractive: async () => ['000'] }),
      'AUTH_FAILED',
    );
    expect(e.message).toContain('password was accepted, but the server also requires keyboard-interactive. Refused: keyboard-interactive.');
  });

  it('answers a lone secret keyboard-interactive prompt with the password when the server allows only that', async () => {
    const f = await server({ users: { pam: { password: 'pw' } }, methods: ['keyboard-interactive'] });
    const s = track(await connect({ host: f.host, port: f.port, username: 'pam', password: 'pw', verifyHostKey: trustAll }));
    expect(s.authMethod).toBe('keyboard-interactive');
    expect(f.authAttempts.some((a) => a.method === 'password')).toBe(false);
  });
});

describe('host key before anything else', () => {
  it('sends no authentication at all when the verifier rejects', async () => {
    const f = await server();
    await rejectsWith(connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: async () => false }), 'HOST_KEY_REJECTED');
    expect(f.authAttempts).toEqual([]);
  });

  it('sends nothing while the verifier is still deciding, then logs in after it says yes', async () => {
    const f = await server();
    let release!: (ok: boolean) => void;
    let asked!: () => void;
    const wasAsked = new Promise<void>((r) => (asked = r));
    const pending = connect({
      host: f.host,
      port: f.port,
      username: 'tester',
      password: 'secret',
      verifyHostKey: (info) => {
        expect(info.fingerprint).toBe(f.hostKeyFingerprint);
        expect(info.key.equals(f.hostKey)).toBe(true);
        asked();
        return new Promise<boolean>((r) => (release = r));
      },
    });
    await wasAsked;
    // Round-trip another full SSH handshake on a second connection: if the first client were
    // going to send auth without waiting, the server would have recorded it by now.
    const probe = await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
    await probe.close();
    expect(f.authAttempts.filter((a) => a.password === 'secret')).toHaveLength(1);
    release(true);
    track(await pending);
    expect(f.authAttempts.filter((a) => a.password === 'secret')).toHaveLength(2);
  });

  it('a re-key with the same host key keeps the session and does not ask again', async () => {
    const f = await server({ rekeyAfterAuth: 'same-key', files: { '/home/tester/a.txt': 'x' } });
    let asked = 0;
    const s = track(await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: async () => (asked++, true) }));
    const names = (await s.fs.list('/home/tester')).map((e) => e.name);
    expect(names).toEqual(['a.txt']);
    expect(asked).toBe(1);
    expect(s.closed).toBe(false);
  });

  it('a re-key presenting a different host key ends the session with HOST_KEY_CHANGED', async () => {
    const f = await server({ rekeyAfterAuth: 'new-key' });
    // The swap may land while connect() is still opening SFTP, or just after: both must say why.
    const outcome = await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll }).then(
      (s) => closedOf(track(s)),
      (e: unknown) => e,
    );
    expect(outcome).toMatchObject({ code: 'HOST_KEY_CHANGED' });
    expect((outcome as { message: string }).message).toMatch(/re-key/);
  });
});

describe('hostile and huge listings', () => {
  it('drops names that would escape the folder, keeps control characters', async () => {
    const f = await server({
      listings: {
        '/evil': [
          { filename: '.' },
          { filename: '..' },
          { filename: '../../x' },
          { filename: 'a/b' },
          { filename: '/etc/passwd' },
          { filename: '' },
          { filename: 'nul\0name' },
          { filename: 'bell\x07and\x1b[31mred' },
          { filename: 'fine.txt', attrs: { mode: 0o100600, size: 12, uid: 5, gid: 6, mtime: 1_700_000_000, atime: 1_700_000_001 } },
        ],
      },
    });
    const s = track(await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll }));
    const list = await s.fs.list('/evil');
    expect(list.map((e) => e.name).sort()).toEqual(['bell\x07and\x1b[31mred', 'fine.txt']);
    for (const e of list) expect(e.path.startsWith('/evil/')).toBe(true);
    expect(list.find((e) => e.name === 'fine.txt')).toMatchObject({
      type: 'file',
      size: 12,
      mode: 0o600,
      uid: 5,
      gid: 6,
      mtimeMs: 1_700_000_000_000,
      atimeMs: 1_700_000_001_000,
    });
  });

  it('streams a 20 000-entry folder in batches', async () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => ({ filename: `f${i}.dat` }));
    const f = await server({ listings: { '/big': entries }, readdirBatch: 500 });
    const s = track(await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll }));
    let batches = 0;
    const names = new Set<string>();
    for await (const b of s.fs.listBatches('/big')) {
      batches += 1;
      for (const e of b) names.add(e.name);
    }
    expect(names.size).toBe(20_000);
    expect(batches).toBe(40);
  });

  it('works with a slow server (every reply delayed)', async () => {
    const f = await server({ delayMs: 150, files: { '/home/tester/slow.txt': 'slow' } });
    const s = track(await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll }));
    expect((await s.fs.list('/home/tester')).map((e) => e.name)).toEqual(['slow.txt']);
  });

  it('assumes the SFTP draft’s 32 KiB, within ssh2’s own cap for a non-OpenSSH server, when the server states no limits', async () => {
    const f = await server();
    const s = track(await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll }));
    // ssh2 sends at most 34,000 − 2,048 bytes per request to a server whose SSH version is not
    // OpenSSH's and splits longer writes itself, their rest sent late: requests stay within that.
    expect(s.fs.maxReadSize).toBe(31_952);
    expect(s.fs.maxWriteSize).toBe(31_952);
  });

  it('UNSUPPORTED when the server refuses the SFTP subsystem', async () => {
    const f = await server({ noSftp: true });
    const e = await rejectsWith(connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll }), 'UNSUPPORTED');
    expect(e.message).toMatch(/SFTP/);
  });
});

describe('connections that go away', () => {
  it('a server that drops mid-listing: the listing rejects CONNECTION_LOST and onClosed says so once', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({ filename: `n${i}` }));
    const f = await server({ listings: { '/big': entries }, readdirBatch: 100, dropAfterReaddirReplies: 3 });
    const s = await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
    const reasons: ClosedReason[] = [];
    s.onClosed((r) => reasons.push(r));
    const closed = closedOf(s);
    const seen: number[] = [];
    const e = await rejectsWith(
      (async () => {
        for await (const b of s.fs.listBatches('/big')) seen.push(b.length);
      })(),
      'CONNECTION_LOST',
    );
    expect(e.path).toBe('/big');
    expect(seen).toEqual([100, 100, 100]);
    expect(await closed).toMatchObject({ code: 'CONNECTION_LOST', byUser: false });
    expect(reasons).toHaveLength(1);
    expect(s.closed).toBe(true);
    await rejectsWith(s.fs.stat('/'), 'NOT_CONNECTED');
  });

  it('a server that drops mid-download: the read rejects CONNECTION_LOST', async () => {
    const f = await server({ files: { '/data/big.bin': Buffer.alloc(1 << 20, 7) }, dropAfterBytesRead: 100_000 });
    const s = track(await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll }));
    const h = await s.fs.open('/data/big.bin', 'r');
    const buf = Buffer.alloc(32 * 1024);
    let pos = 0;
    const e = await rejectsWith(
      (async () => {
        for (;;) {
          const n = await h.read(buf, 0, buf.length, pos);
          if (n === 0) break;
          pos += n;
        }
      })(),
      'CONNECTION_LOST',
    );
    expect(e.path).toBe('/data/big.bin');
    expect(pos).toBeLessThanOrEqual(100_000);
  });

  it('the server going away fires onClosed with CONNECTION_LOST', async () => {
    const f = await startFakeServer();
    const s = await connect({ host: f.host, port: f.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
    const closed = closedOf(s);
    await f.stop();
    expect(await closed).toMatchObject({ code: 'CONNECTION_LOST', byUser: false });
  });

  it('a connection that silently stops carrying data is declared lost by keepalive', async () => {
    const f = await server();
    // A TCP relay we can freeze: the socket stays open, nothing gets through (a dead NAT, a pulled cable).
    let frozen = false;
    const pipes: net.Socket[] = [];
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(f.port, f.host);
      pipes.push(inbound, outbound);
      inbound.on('data', (d) => !frozen && outbound.write(d));
      outbound.on('data', (d) => !frozen && inbound.write(d));
      inbound.on('error', () => {});
      outbound.on('error', () => {});
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as net.AddressInfo).port;
    try {
      const s = await connect({
        host: '127.0.0.1',
        port,
        username: 'tester',
        password: 'secret',
        verifyHostKey: trustAll,
        keepaliveIntervalMs: 100,
        keepaliveCountMax: 2,
      });
      const closed = closedOf(s);
      frozen = true;
      const reason = await closed;
      expect(reason).toMatchObject({ code: 'CONNECTION_LOST', byUser: false });
      expect(reason.message).toMatch(/keepalive/);
    } finally {
      for (const p of pipes) p.destroy();
      await new Promise((r) => relay.close(r));
    }
  });
});
