// connect() against the REAL OpenSSH sshd: every key type, passphrases, the agent, host-key
// verification, and the network failures a user meets (refused, unresolvable, silent server).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../../electron/core/sftp/session';
import { SkiffError } from '../../../electron/core/errors';
import type { HostKeyInfo } from '../../../electron/core/trust/host-key';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { findOpenSsh, freePort } from '../../support/sshd';
import { rejectsWith, trustAll } from './support';

const sshd = inject('sshd');
const base = { host: sshd.host, port: sshd.port, username: sshd.user, verifyHostKey: trustAll };
const open: SftpSession[] = [];
const track = (s: SftpSession): SftpSession => (open.push(s), s);
const temps: string[] = [];
/** A temp folder removed after the file's tests. */
const tmpDir = (prefix: string): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('connect: key authentication against OpenSSH', () => {
  it.each([
    ['ed25519', sshd.clientKeys.ed25519],
    ['PEM RSA', sshd.clientKeys.rsaPem],
    ['ECDSA', sshd.clientKeys.ecdsa],
  ])('logs in with a %s key file and lists the scratch folder', async (_label, keyPath) => {
    const s = track(await connect({ ...base, privateKeyPath: keyPath }));
    expect(s.authMethod).toBe('publickey');
    expect(s.closed).toBe(false);
    expect(await s.fs.realpath(sshd.scratch)).toBe(sshd.scratch);
  });

  it('logs in with the key text instead of the path', async () => {
    const s = track(await connect({ ...base, privateKey: readFileSync(sshd.clientKeys.ed25519, 'utf8') }));
    expect(s.authMethod).toBe('publickey');
  });

  it('uses an encrypted ed25519 key with its passphrase', async () => {
    const s = track(await connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519Encrypted, passphrase: sshd.clientKeys.passphrase }));
    expect(s.authMethod).toBe('publickey');
  });

  it('asks for the passphrase of an encrypted key (PASSPHRASE_REQUIRED) before touching the network', async () => {
    const seen: HostKeyInfo[] = [];
    const e = await rejectsWith(
      connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519Encrypted, verifyHostKey: async (i) => (seen.push(i), true) }),
      'PASSPHRASE_REQUIRED',
    );
    expect(e.message).toContain('id_ed25519_enc');
    expect(e.message).toMatch(/passphrase/i);
    expect(seen).toHaveLength(0);
  });

  it('says the passphrase is wrong', async () => {
    const e = await rejectsWith(connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519Encrypted, passphrase: 'not it' }), 'PASSPHRASE_REQUIRED');
    expect(e.message).toMatch(/wrong/);
  });

  it('names a key file that cannot be read, and one that is not a key', async () => {
    const missing = path.join(sshd.dir, 'no-such-key');
    const e = await rejectsWith(connect({ ...base, privateKeyPath: missing }), 'KEY_FILE_INVALID');
    expect(e.message).toContain(missing);
    expect(e.message).toContain('does not exist');
    const junk = path.join(tmpDir('skiff-key-'), 'junk');
    writeFileSync(junk, 'this is not a key\n');
    const e2 = await rejectsWith(connect({ ...base, privateKeyPath: junk }), 'KEY_FILE_INVALID');
    expect(e2.message).toContain('junk');
    const e3 = await rejectsWith(connect({ ...base, privateKeyPath: `${sshd.clientKeys.ed25519}.pub` }), 'KEY_FILE_INVALID');
    expect(e3.message).toMatch(/public key/);
  });

  it('reports AUTH_FAILED naming the refused key when the key is not authorized', async () => {
    const e = await rejectsWith(connect({ ...base, privateKeyPath: sshd.clientKeys.stranger }), 'AUTH_FAILED');
    expect(e.message).toContain('public key (id_stranger)');
    expect(e.message).toMatch(/refused/);
  });

  it('does not send a password OpenSSH does not allow, and says so', async () => {
    const e = await rejectsWith(connect({ ...base, privateKeyPath: sshd.clientKeys.stranger, password: 'hunter2' }), 'AUTH_FAILED');
    expect(e.message).toContain('public key (id_stranger)');
    expect(e.message).toMatch(/password not allowed by the server/);
  });

  it('reports the allowed methods when no credentials fit at all', async () => {
    const e = await rejectsWith(connect({ ...base, password: 'hunter2' }), 'AUTH_FAILED');
    expect(e.message).toMatch(/accepts only publickey/);
  });
});

describe('connect: ssh-agent', () => {
  let agent: ChildProcess | undefined;
  let sock = '';
  beforeAll(async () => {
    const dir = tmpDir('skiff-agent-');
    sock = path.join(dir, 'agent.sock');
    agent = spawn(findOpenSsh('ssh-agent'), ['-a', sock, '-D'], { stdio: 'ignore' });
    for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
    // ssh-add refuses keys that others can read; the fixture is 0600 already, keep a private copy anyway.
    const key = path.join(dir, 'id');
    copyFileSync(sshd.clientKeys.ecdsa, key);
    chmodSync(key, 0o600);
    execFileSync(findOpenSsh('ssh-add'), ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'pipe' });
  });
  afterAll(() => {
    agent?.kill();
  });

  it('logs in through a real ssh-agent socket', async () => {
    const s = track(await connect({ ...base, agent: sock }));
    expect(s.authMethod).toBe('agent');
  });

  it('uses $SSH_AUTH_SOCK for agent: true', async () => {
    const before = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = sock;
    try {
      const s = track(await connect({ ...base, agent: true }));
      expect(s.authMethod).toBe('agent');
    } finally {
      if (before === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = before;
    }
  });

  it('tries the agent first, then the key file, when the agent holds only a refused key', async () => {
    const dir = tmpDir('skiff-agent2-');
    const sock2 = path.join(dir, 'agent.sock');
    const other = spawn(findOpenSsh('ssh-agent'), ['-a', sock2, '-D'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 200 && !existsSync(sock2); i++) await new Promise((r) => setTimeout(r, 25));
      execFileSync(findOpenSsh('ssh-add'), ['-q', sshd.clientKeys.stranger], { env: { ...process.env, SSH_AUTH_SOCK: sock2 }, stdio: 'pipe' });
      const s = track(await connect({ ...base, agent: sock2, privateKeyPath: sshd.clientKeys.ed25519 }));
      expect(s.authMethod).toBe('publickey');
      const e = await rejectsWith(connect({ ...base, agent: sock2, privateKeyPath: sshd.clientKeys.stranger }), 'AUTH_FAILED');
      expect(e.message).toContain('Tried ssh-agent and public key (id_stranger); the server refused both');
    } finally {
      other.kill();
    }
  });

  it('falls back from an unreachable agent to the key file', async () => {
    const emptyDir = tmpDir('skiff-agent-none-');
    const s = track(await connect({ ...base, agent: path.join(emptyDir, 'nothing.sock'), privateKeyPath: sshd.clientKeys.ed25519 }));
    expect(s.authMethod).toBe('publickey');
  });

  it('tries the agents in turn: an unreachable one (as the Windows pipe is on Unix) is passed over', async () => {
    const emptyDir = tmpDir('skiff-agent-none-');
    const agents = [
      { label: 'the Windows OpenSSH agent', agent: path.join(emptyDir, 'nothing.sock') },
      { label: 'ssh-agent', agent: sock },
    ];
    const s = track(await connect({ ...base, agent: agents }));
    expect(s.authMethod).toBe('agent');
    const e = await rejectsWith(
      connect({
        ...base,
        agent: [agents[0]!, { label: 'Pageant', agent: path.join(emptyDir, 'also-nothing.sock') }],
        privateKeyPath: sshd.clientKeys.stranger,
      }),
      'AUTH_FAILED',
    );
    expect(e.message).toContain('Tried the Windows OpenSSH agent, Pageant and public key (id_stranger)');
  });

  it('explains an unreachable agent in AUTH_FAILED', async () => {
    const emptyDir = tmpDir('skiff-agent-none-');
    const e = await rejectsWith(connect({ ...base, agent: path.join(emptyDir, 'nothing.sock'), privateKeyPath: sshd.clientKeys.stranger }), 'AUTH_FAILED');
    expect(e.message).toContain('ssh-agent');
    expect(e.message).toContain('id_stranger');
  });
});

describe('connect: host key verification', () => {
  it('hands the verifier the key type and the fingerprint exactly as ssh-keygen -lf prints it', async () => {
    const seen: HostKeyInfo[] = [];
    const s = track(await connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519, verifyHostKey: async (i) => (seen.push(i), true) }));
    expect(seen).toHaveLength(1);
    const info = seen[0]!;
    expect(info.host).toBe(sshd.host);
    expect(info.port).toBe(sshd.port);
    const printed = Object.values(sshd.hostKeys).map((k) => execFileSync(findOpenSsh('ssh-keygen'), ['-lf', `${k}.pub`], { encoding: 'utf8' }));
    const line = printed.find((l) => l.includes(info.fingerprint));
    expect(line, `fingerprint ${info.fingerprint} not among ${printed.join('')}`).toBeDefined();
    expect(line!.startsWith(`${info.bits} `)).toBe(true);
    expect(s.closed).toBe(false);
  });

  it('rejects with HOST_KEY_REJECTED when the verifier says no', async () => {
    const e = await rejectsWith(connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519, verifyHostKey: async () => false }), 'HOST_KEY_REJECTED');
    expect(e.message).toContain('SHA256:');
  });

  it('passes through the SkiffError the verifier throws (e.g. HOST_KEY_CHANGED)', async () => {
    const e = await rejectsWith(
      connect({
        ...base,
        privateKeyPath: sshd.clientKeys.ed25519,
        verifyHostKey: async () => {
          throw new SkiffError('HOST_KEY_CHANGED', 'The host key changed!');
        },
      }),
      'HOST_KEY_CHANGED',
    );
    expect(e.message).toBe('The host key changed!');
  });

  it('waits for a slow verifier without timing out (the deadline pauses while the user decides)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pending = connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519, readyTimeoutMs: 300, verifyHostKey: async () => (await gate, true) });
    // Let far more than the 300 ms budget pass while "the user" looks at the dialog.
    await new Promise((r) => setTimeout(r, 900));
    release();
    const s = track(await pending);
    expect(s.closed).toBe(false);
  });
});

describe('connect: network failures', () => {
  it('CONNECTION_REFUSED for a port nothing listens on', async () => {
    const port = await freePort();
    const e = await rejectsWith(connect({ ...base, port, privateKeyPath: sshd.clientKeys.ed25519 }), 'CONNECTION_REFUSED');
    expect(e.message).toContain(String(port));
  });

  it('HOST_NOT_FOUND for a name that does not resolve', async () => {
    const e = await rejectsWith(connect({ ...base, host: 'nonexistent.invalid', privateKeyPath: sshd.clientKeys.ed25519 }), 'HOST_NOT_FOUND');
    expect(e.message).toContain('nonexistent.invalid');
  });

  it('HOST_UNREACHABLE for an address with no route (IPv6 discard prefix 100::/64)', async (ctx) => {
    // Whether 100::1 fails (here: after ~3 s of neighbour discovery) depends on routing; probe with plain TCP first.
    const probe = await new Promise<string>((resolve) => {
      const sock = net.connect(22, '100::1');
      sock.setTimeout(15_000, () => (sock.destroy(), resolve('timeout')));
      sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      sock.once('connect', () => (sock.destroy(), resolve('connected')));
    });
    if (probe !== 'EHOSTUNREACH' && probe !== 'ENETUNREACH') {
      ctx.skip(`this machine answers ${probe} (not "unreachable") for 100::1, so no unreachable host can be produced`);
      return;
    }
    const e = await rejectsWith(connect({ ...base, host: '100::1', port: 22, privateKeyPath: sshd.clientKeys.ed25519 }), 'HOST_UNREACHABLE');
    expect(e.message).toContain('100::1');
  });

  it('TIMEOUT for a server that accepts and never speaks', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((c) => sockets.push(c));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const e = await rejectsWith(connect({ ...base, port, readyTimeoutMs: 500, privateKeyPath: sshd.clientKeys.ed25519 }), 'TIMEOUT');
      expect(e.message).toContain(String(port));
    } finally {
      for (const c of sockets) c.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('CONNECTION_LOST / PROTOCOL_ERROR for something that is not an SSH server', async () => {
    // resume() so the server sees the client's FIN and lets close() finish.
    const junk = net.createServer((c) => c.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
    const { port } = junk.address() as net.AddressInfo;
    try {
      const err = await connect({ ...base, port, readyTimeoutMs: 5000, privateKeyPath: sshd.clientKeys.ed25519 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SkiffError);
      expect(['CONNECTION_LOST', 'PROTOCOL_ERROR']).toContain((err as SkiffError).code);
    } finally {
      await new Promise((r) => junk.close(r));
    }
  });

  it('INVALID_ARGUMENT for an empty host', async () => {
    await rejectsWith(connect({ ...base, host: ' ' }), 'INVALID_ARGUMENT');
  });
});

describe('session lifecycle', () => {
  it('reads the server limits (limits@openssh.com) and extensions', async () => {
    const s = track(await connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519 }));
    expect(s.extensions['limits@openssh.com']).toBe('1');
    expect(s.extensions['posix-rename@openssh.com']).toBe('1');
    // OpenSSH 8.6+ sftp-server: 255 KiB reads and writes (SFTP_MAX_MSG_LENGTH 256 KiB minus headers).
    expect(s.fs.maxReadSize).toBeGreaterThan(32 * 1024);
    expect(s.fs.maxWriteSize).toBeGreaterThan(32 * 1024);
  });

  it('opens extra SFTP channels that work independently and close on their own', async () => {
    const s = track(await connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519 }));
    const chans = await Promise.all([s.openChannel(), s.openChannel(), s.openChannel()]);
    const reals = await Promise.all(chans.map((c) => c.realpath(sshd.scratch)));
    expect(reals).toEqual([sshd.scratch, sshd.scratch, sshd.scratch]);
    await chans[0]!.close();
    await rejectsWith(chans[0]!.stat(sshd.scratch), 'NOT_CONNECTED');
    expect((await chans[1]!.stat(sshd.scratch)).type).toBe('directory');
    expect((await s.fs.stat(sshd.scratch)).type).toBe('directory');
  });

  it('close() is clean and idempotent, fires onClosed once with byUser, and later calls fail with NOT_CONNECTED', async () => {
    const s = await connect({ ...base, privateKeyPath: sshd.clientKeys.ed25519 });
    const reasons: unknown[] = [];
    s.onClosed((r) => reasons.push(r));
    await s.close();
    await s.close();
    expect(s.closed).toBe(true);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ byUser: true });
    await rejectsWith(s.fs.stat(sshd.scratch), 'NOT_CONNECTED');
    await rejectsWith(s.openChannel(), 'NOT_CONNECTED');
    // A listener added after the close still hears about it.
    const late = await new Promise((r) => s.onClosed(r));
    expect(late).toMatchObject({ byUser: true });
  });

  it('copes with the key file being removed after use (nothing is kept open)', async () => {
    const dir = tmpDir('skiff-keycopy-');
    const k = path.join(dir, 'id');
    copyFileSync(sshd.clientKeys.ed25519, k);
    const s = track(await connect({ ...base, privateKeyPath: k }));
    rmSync(dir, { recursive: true });
    expect((await s.fs.stat(sshd.scratch)).type).toBe('directory');
  });
});
