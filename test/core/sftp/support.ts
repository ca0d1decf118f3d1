// Shared bits for the SFTP core tests (not a test file itself).
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { ConnectConfig, SFTPWrapper } from 'ssh2';
import { expect } from 'vitest';
import type { SkiffError } from '../../../electron/core/errors';
import type { ErrorCode } from '../../../electron/core/errors';
import type { SshdInfo } from '../../support/sshd';

/** A bare ssh2 client logged in to the test bed's sshd with its ed25519 key (the tests of patches/ssh2); `extra` adds options. */
export function loginToSshd(sshd: SshdInfo, extra: Partial<ConnectConfig> = {}): Promise<InstanceType<typeof ssh2.Client>> {
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client)).once('error', reject);
    client.connect({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: readFileSync(sshd.clientKeys.ed25519), ...extra });
  });
}

/** ssh2's own sftp() on `client`, as a promise. */
export function openSftpChannel(client: InstanceType<typeof ssh2.Client>): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
}

/** A verifier that accepts every host key (tests that are not about trust). */
export const trustAll = async (): Promise<boolean> => true;

/** Awaits a promise that must reject with a SkiffError of `code`; returns the error. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<SkiffError> {
  const err = await p.then(
    () => {
      throw new Error(`expected a ${code} rejection, but it resolved`);
    },
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ name: 'SkiffError', code });
  const e = err as SkiffError;
  expect(e.message.length).toBeGreaterThan(10);
  return e;
}
