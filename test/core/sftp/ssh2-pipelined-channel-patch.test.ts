// patches/ssh2+1.17.0.patch adds Client#sftpPipelined(): a further SFTP channel on a connection
// whose first channel is up is handed over as soon as the server has started its subsystem, on
// the first channel's version, extensions and limits, so its first requests leave right behind
// the INIT instead of one round trip later. Against the real sshd: requests made at once on such
// a channel are answered; its VERSION, read later, is checked: one that offers other extensions
// fails the channel as a protocol error, other data for the same ones is taken as the channel's
// own; a connection without a first channel gets a plain sftp().
import type ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loginToSshd, openSftpChannel } from './support';

const sshd = inject('sshd');

type Raw = SFTPWrapper & { _skiffAssumed?: unknown; _version: number; _extensions: Record<string, string>; _maxWriteLen: number };
type Patched = InstanceType<typeof ssh2.Client> & {
  sftpPipelined(cb: (err: Error | undefined, sftp: SFTPWrapper) => void): unknown;
  _skiffSftpVersion?: { version: number; extensions: Record<string, string> };
};

const clients: Patched[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.end();
});

async function login(): Promise<Patched> {
  const client = (await loginToSshd(sshd)) as Patched;
  clients.push(client);
  return client;
}

const first = async (c: Patched) => (await openSftpChannel(c)) as Raw;
const pipelined = (c: Patched) => new Promise<Raw>((resolve, reject) => c.sftpPipelined((err, s) => (err ? reject(err) : resolve(s as Raw))));
const realpath = (s: SFTPWrapper, p: string) => new Promise<string>((resolve, reject) => s.realpath(p, (err, r) => (err ? reject(err) : resolve(r))));

describe('Client#sftpPipelined (patched ssh2)', () => {
  it("hands over a further channel before its VERSION is in, on the first channel's answers, and it works", async () => {
    const c = await login();
    const one = await first(c);
    const two = await pipelined(c);
    // Handed over ahead of its VERSION, with the first channel's version, extensions and limits.
    expect(two._skiffAssumed).toBeDefined();
    expect(two._version).toBe(one._version);
    expect(two._extensions).toEqual(one._extensions);
    expect(two._maxWriteLen).toBe(one._maxWriteLen);
    // Requests made at once go out behind the INIT and are answered; the VERSION was read and agreed.
    const [a, b] = await Promise.all([realpath(two, '.'), realpath(two, sshd.scratch)]);
    expect(a).toBe(await realpath(one, '.'));
    expect(b).toBe(sshd.scratch);
    expect(two._skiffAssumed).toBeUndefined();
  });

  it('fails the channel as a protocol error when its VERSION disagrees with the first', async () => {
    const c = await login();
    await first(c);
    // What the first channel is taken to have said: one extension more than the server says.
    c._skiffSftpVersion!.extensions = { ...c._skiffSftpVersion!.extensions, 'made-up@example.com': '1' };
    const two = await pipelined(c);
    const error = new Promise<Error & { level?: string }>((resolve) => two.once('error', resolve));
    const req = realpath(two, '.');
    const err = await error;
    expect(err.level).toBe('sftp-protocol');
    expect(err.message).toMatch(/answered unlike its first channel \(version 3, extensions: posix-rename@openssh\.com/);
    // The request sent ahead is failed, not left hanging.
    await expect(req).rejects.toThrow();
  });

  it("keeps a channel whose VERSION offers the same extensions with other data, and takes the channel's own", async () => {
    const c = await login();
    const one = await first(c);
    // What the first channel is taken to have said: the same extensions, one with other data
    // (a vendor-id naming its process, say).
    const known = c._skiffSftpVersion!;
    c._skiffSftpVersion = { ...known, extensions: { ...known.extensions, 'posix-rename@openssh.com': 'other' } };
    const two = await pipelined(c);
    expect(two._extensions['posix-rename@openssh.com']).toBe('other');
    expect(await realpath(two, sshd.scratch)).toBe(sshd.scratch);
    expect(two._skiffAssumed).toBeUndefined();
    expect(two._extensions).toEqual(one._extensions);
  });

  it('is a plain sftp() on a connection without a first channel', async () => {
    const c = await login();
    const s = await pipelined(c);
    expect(s._skiffAssumed).toBeUndefined();
    expect(s._version).toBe(3);
    expect(await realpath(s, sshd.scratch)).toBe(sshd.scratch);
  });
});
