// Jobs belong to a server, not to a session id: a job failed by a lost connection is retried on
// the server's NEW session after Connect, and resumes from its part file. Real sshd, the real
// app context and registry, and the fault proxy between them (cut permanently mid-upload).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SessionInfo, TransferJobDto } from '../../electron/ipc/contract';
import { startLinkProxy, type LinkProxy } from '../support/link-proxy';
import { answering, createAppFixture, type AppFixture } from './app-fixture';

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('Retry after a lost connection binds to the server’s new session', () => {
  const sshd = inject('sshd');
  let f: AppFixture;
  let link: LinkProxy;
  beforeAll(async () => {
    // Engine retries kept short: the link stays cut, so the job fails instead of waiting.
    // The session does not reconnect by itself here (giveUpAfterMs 0): the server stays gone.
    f = await createAppFixture({
      transferTuning: { maxAutoRetries: 1, retryBaseDelayMs: 50, retryMaxDelayMs: 50 },
      reconnectPolicy: { firstDelayMs: 50, maxDelayMs: 50, giveUpAfterMs: 0 },
    });
    link = await startLinkProxy({ targetPort: sshd.port, rateMbit: 80 });
    answering(f, (q) => (q.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : null));
  });
  afterAll(async () => {
    await link.stop();
    await f.close();
  });

  async function ok<T>(channel: string, arg?: unknown): Promise<T> {
    const r = await f.call(channel, arg);
    if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
    return r.value as T;
  }
  const connect = () =>
    ok<SessionInfo>('session:connect', { host: link.host, port: link.port, username: sshd.user, authMethod: 'key', keyPath: sshd.clientKeys.ed25519 });
  const changed = (id: string, pred: (j: TransferJobDto) => boolean, since: number) =>
    f.waitForEvent<TransferJobDto>((e, p) => e === 'transfer:changed' && (p as TransferJobDto).id === id && pred(p as TransferJobDto), since);
  const progressed = (id: string, atLeast: number, since: number) =>
    f.waitForEvent(
      (e, p) => e === 'transfer:progress' && (p as Array<{ id: string; bytesDone: number }>).some((x) => x.id === id && x.bytesDone >= atLeast),
      since,
    );

  it('cut mid-upload: Retry says NOT_CONNECTED until Connect, then resumes on the new session, sha256 equal, no part file', async () => {
    const first = await connect();
    const local = mkdtempSync(path.join(f.tmp, 'local-'));
    const src = path.join(local, 'big.bin');
    writeFileSync(src, randomBytes(48 * 1024 * 1024));
    const remote = mkdtempSync(path.join(sshd.scratch, 'retry-'));

    let since = f.events.length;
    const job = await ok<TransferJobDto>('transfer:enqueue', { sessionId: first.sessionId, direction: 'upload', sources: [src], targetDir: remote });
    expect(job).toMatchObject({ sessionId: first.sessionId, server: { host: link.host, port: link.port, username: sshd.user }, serverConnected: true });
    await progressed(job.id, 8 * 1024 * 1024, since);
    await link.cut(); // permanently: the engine's own reconnect cannot get through
    const failed = await changed(job.id, (j) => j.state === 'failed', since);
    expect(failed.bytesDone).toBeLessThan(48 * 1024 * 1024);
    await f.waitForEvent((e, p) => e === 'session:closed' && (p as { sessionId: string }).sessionId === first.sessionId, since);
    expect((await ok<TransferJobDto[]>('transfer:list')).find((j) => j.id === job.id)).toMatchObject({ state: 'failed', serverConnected: false });

    // No session to that server: Retry fails clearly and changes nothing.
    const refused = await f.call('transfer:retry', { jobId: job.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } });
    expect(refused.error?.message).toContain('Connect to it, then retry');
    expect((await ok<TransferJobDto[]>('transfer:list')).find((j) => j.id === job.id)).toMatchObject({ state: 'failed' });
    expect(readdirSync(remote).some((n) => n.endsWith('.skiffpart'))).toBe(true);

    await link.restore();
    since = f.events.length;
    const second = await connect();
    expect(second.sessionId).not.toBe(first.sessionId);
    // The renderer learns that the job can be retried now.
    await changed(job.id, (j) => j.serverConnected && j.state === 'failed', since);

    since = f.events.length;
    await ok('transfer:retry', { jobId: job.id });
    const done = await changed(job.id, (j) => ['done', 'failed', 'cancelled'].includes(j.state), since);
    expect(done).toMatchObject({ state: 'done', sessionId: second.sessionId, bytesDone: 48 * 1024 * 1024 });
    expect(sha(path.join(remote, 'big.bin'))).toBe(sha(src));
    expect(readdirSync(remote)).toEqual(['big.bin']);
    expect(existsSync(path.join(remote, 'big.bin.skiffpart'))).toBe(false);
  });
});
