// A silent link (the proxy black-holes: packets stop, no RST) is noticed by keepalive within the
// dead-link setting and reported as CONNECTION_LOST; a connect through the black hole ends with a
// timeout instead of hanging. Real OpenSSH sshd behind test/support/link-proxy.ts.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connect } from '../../../electron/core/sftp/session';
import { keepaliveFor } from '../../../electron/core/sftp/reconnect-policy';
import type { ClosedReason, SftpSession } from '../../../electron/core/sftp/types';
import { startLinkProxy, type LinkProxy } from '../../support/link-proxy';
import { rejectsWith, trustAll } from './support';

const sshd = inject('sshd');
const DEAD_LINK_S = 5;

describe('dead link (black hole)', () => {
  let link: LinkProxy | undefined;
  let session: SftpSession | undefined;
  afterEach(async () => {
    await session?.close().catch(() => undefined);
    await link?.stop();
    session = link = undefined;
  });

  it('declares a black-holed session lost via keepalive, as a drop (not by the user)', async () => {
    link = await startLinkProxy({ targetPort: sshd.port });
    session = await connect({
      host: link.host,
      port: link.port,
      username: sshd.user,
      privateKeyPath: sshd.clientKeys.ed25519,
      verifyHostKey: trustAll,
      ...keepaliveFor(DEAD_LINK_S),
    });
    const closed = new Promise<ClosedReason>((resolve) => session!.onClosed(resolve));
    expect((await session.fs.list('/')).length).toBeGreaterThan(0);
    const t0 = Date.now();
    await link.blackhole();
    const reason = await closed;
    console.log(`black hole noticed after ${((Date.now() - t0) / 1000).toFixed(1)} s (dead-link setting ${DEAD_LINK_S} s)`);
    expect(reason.byUser).toBe(false);
    expect(reason.code).toBe('CONNECTION_LOST');
    expect(reason.message).toMatch(/stopped answering/);
  }, 30_000);

  it('ends a connect attempt through a black hole with a timeout, not a hang', async () => {
    link = await startLinkProxy({ targetPort: sshd.port });
    await link.blackhole();
    const err = await rejectsWith(
      connect({
        host: link.host,
        port: link.port,
        username: sshd.user,
        privateKeyPath: sshd.clientKeys.ed25519,
        verifyHostKey: trustAll,
        ...keepaliveFor(DEAD_LINK_S),
        readyTimeoutMs: 3000,
      }),
      'TIMEOUT',
    );
    expect(err.message).toMatch(/127\.0\.0\.1/);
  }, 30_000);
});
