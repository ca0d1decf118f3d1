// Asking for the host-key type the user already trusts, as OpenSSH does: against the real sshd
// (which has ed25519, ecdsa and rsa keys) with a known_hosts holding only its RSA key.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { KnownHostsStore } from '../../../electron/core/trust/known-hosts-store';
import { orderHostKeyAlgorithms } from '../../../electron/core/trust/host-key-algorithms';
import { readPub, tempDir } from './helpers';

const s = inject('sshd');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const SSH2_DEFAULT = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** The host key blob the server presents when the client offers `serverHostKey` (the handshake is then aborted). */
function presentedKey(serverHostKey?: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    let got: Buffer | undefined;
    c.on('error', () => (got ? resolve(got) : reject(new Error('no host key seen'))));
    c.on('ready', () => {
      c.end();
      reject(new Error('handshake should have been aborted'));
    });
    c.connect({
      host: s.host,
      port: s.port,
      username: s.user,
      ...(serverHostKey ? { algorithms: { serverHostKey: serverHostKey as never } } : {}),
      hostVerifier: (key: Buffer) => {
        got = Buffer.from(key);
        return false;
      },
    });
  });
}

describe('orderHostKeyAlgorithms', () => {
  it('moves algorithms of known key types first, RSA keys covering the SHA-2 signature names', () => {
    expect(orderHostKeyAlgorithms(SSH2_DEFAULT, ['ssh-rsa'])).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
    ]);
    expect(orderHostKeyAlgorithms(SSH2_DEFAULT, [])).toEqual(SSH2_DEFAULT);
    expect(orderHostKeyAlgorithms(SSH2_DEFAULT, ['ecdsa-sha2-nistp256', 'sk-unknown'])).toHaveLength(SSH2_DEFAULT.length);
  });

  it('with only the RSA key known: default order gets a false "changed", the OpenSSH order gets "trusted"', async () => {
    const file = path.join(tmp.dir, 'rsa-only');
    const rsa = readPub(`${s.hostKeys.rsa}.pub`);
    writeFileSync(file, `[${s.host}]:${s.port} ${rsa.keyType} ${rsa.key.toString('base64')}\n`);
    const store = new KnownHostsStore({ userFiles: [file] });

    const naive = await presentedKey();
    expect((await store.verify(s.host, s.port, naive)).status).toBe('changed');

    const ordered = orderHostKeyAlgorithms(SSH2_DEFAULT, await store.knownKeyTypes(s.host, s.port));
    const preferred = await presentedKey(ordered);
    expect(preferred.equals(rsa.key)).toBe(true);
    expect((await store.verify(s.host, s.port, preferred)).status).toBe('trusted');
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });
});
