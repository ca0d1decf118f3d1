// connect() asks for the host-key types known_hosts already holds first (as OpenSSH does),
// so a user who trusts only the server's RSA or ECDSA key is not shown a false "changed".
import { describe, expect, inject, it } from 'vitest';
import { connect } from '../../../electron/core/sftp/session';
import type { HostKeyInfo } from '../../../electron/core/trust/host-key';

const s = inject('sshd');

async function presentedKeyType(knownHostKeyTypes?: string[]): Promise<string> {
  let seen: HostKeyInfo | undefined;
  const session = await connect({
    host: s.host,
    port: s.port,
    username: s.user,
    privateKeyPath: s.clientKeys.ed25519,
    ...(knownHostKeyTypes ? { knownHostKeyTypes } : {}),
    verifyHostKey: async (info) => {
      seen = info;
      return true;
    },
  });
  await session.close();
  if (!seen) throw new Error('the verifier was never asked');
  return seen.keyType;
}

describe('host-key algorithm order', () => {
  it('without known types the server presents its Ed25519 key (ssh2 default order)', async () => {
    expect(await presentedKeyType()).toBe('ssh-ed25519');
  });

  it('a known RSA key is asked for first', async () => {
    expect(await presentedKeyType(['ssh-rsa'])).toBe('ssh-rsa');
  });

  it('a known ECDSA key is asked for first; unknown type names are ignored', async () => {
    expect(await presentedKeyType(['sk-unknown@example.com', 'ecdsa-sha2-nistp256'])).toBe('ecdsa-sha2-nistp256');
  });
});
