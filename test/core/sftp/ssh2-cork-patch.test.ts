// patches/ssh2+1.17.0.patch corks ssh2's socket for one turn of the event loop: the packets
// written in that turn leave in one writev(2) instead of one write(2) each. Against the real
// sshd: 40 requests made in one turn reach the socket as one write of 40 packets, and all are
// answered; a request made alone still goes out (and is answered) without waiting for another.
import type ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loginToSshd, openSftpChannel } from './support';

const sshd = inject('sshd');

interface CountedSocket {
  _write(chunk: Buffer, enc: string, cb: () => void): void;
  _writev(chunks: Array<{ chunk: Buffer }>, cb: () => void): void;
}

describe('ssh2 socket writes (patched)', () => {
  let client: InstanceType<typeof ssh2.Client>;
  let sftp: SFTPWrapper;
  /** Packets per syscall-level write, in order. */
  const writes: number[] = [];

  beforeAll(async () => {
    client = await loginToSshd(sshd);
    sftp = await openSftpChannel(client);
    const sock = (client as unknown as { _sock: CountedSocket })._sock;
    const write = sock._write.bind(sock);
    const writev = sock._writev.bind(sock);
    sock._write = (chunk, enc, cb) => {
      writes.push(1);
      write(chunk, enc, cb);
    };
    sock._writev = (chunks, cb) => {
      writes.push(chunks.length);
      writev(chunks, cb);
    };
  });
  afterAll(() => client?.end());

  const stat = (p: string) => new Promise<void>((resolve, reject) => sftp.stat(p, (err) => (err ? reject(err) : resolve())));

  it('sends the packets of one turn in one write', async () => {
    writes.length = 0;
    const all = Array.from({ length: 40 }, () => stat(sshd.scratch));
    // Nothing has reached the socket yet: the turn is not over.
    expect(writes).toEqual([]);
    await Promise.all(all);
    expect(writes[0]).toBe(40);
  });

  it('sends a request made alone without waiting for company', async () => {
    writes.length = 0;
    await stat(sshd.scratch);
    expect(writes).toEqual([1]);
  });
});
