// Reconnecting logs in with what is held in memory and asks only where it must: a password the
// server still accepts is used again without a question; one it now refuses is asked for once
// (as "rejected"), and the session comes back with the same id. The scriptable ssh2 server plays
// the server (its accepted password is changed while the link is down), behind the fault proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayloads, QuestionDto, SessionInfo } from '../../electron/ipc/contract';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { startLinkProxy, type LinkProxy } from '../support/link-proxy';
import { createAppFixture, type AppFixture } from './app-fixture';

describe('reconnect: the password held for the session', () => {
  const users = { tester: { password: 'secret' } };
  let fake: FakeServer;
  let link: LinkProxy;
  let f: AppFixture;
  const asked: QuestionDto[] = [];
  let nextPassword = 'secret';

  beforeAll(async () => {
    fake = await startFakeServer({ users });
    link = await startLinkProxy({ targetPort: fake.port, inProcess: true });
    f = await createAppFixture({ reconnectPolicy: { firstDelayMs: 100, maxDelayMs: 500, giveUpAfterMs: 20_000 } });
    f.onEvent = (event, payload) => {
      if (event !== 'question:ask') return;
      const q = payload as QuestionDto;
      asked.push(q);
      const answer = q.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : { kind: 'password', secret: nextPassword, remember: false };
      void f.call('question:answer', { id: q.id, answer });
    };
  });
  afterAll(async () => {
    await f?.close();
    await link?.stop();
    await fake?.stop();
  });

  const connected = (sessionId: string, since: number) =>
    f.waitForEvent<EventPayloads['session:state']>(
      (e, p) => e === 'session:state' && (p as EventPayloads['session:state']).sessionId === sessionId && (p as { state: string }).state === 'connected',
      since,
    );

  it('uses the password again unasked, and asks once when the server now refuses it', async () => {
    const r = await f.call('session:connect', {
      host: link.host,
      port: link.port,
      username: 'tester',
      authMethod: 'password',
      password: 'secret',
      rememberPassword: false,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = r.value as SessionInfo;
    expect(asked.map((q) => q.kind)).toEqual(['host-key']);

    // Still the same password: back without a question (the host key is pinned, not asked again).
    let since = f.events.length;
    await link.cutFor(300);
    await connected(s.sessionId, since);
    expect(asked.map((q) => q.kind)).toEqual(['host-key']);

    // The password changed on the server meanwhile: asked once, then back with the same id.
    users.tester.password = 'changed';
    nextPassword = 'changed';
    since = f.events.length;
    await link.cutFor(300);
    await connected(s.sessionId, since);
    expect(asked.map((q) => q.kind)).toEqual(['host-key', 'password']);
    expect(asked[1]).toMatchObject({ kind: 'password', reason: 'rejected', username: 'tester' });
    const ls = await f.call('sftp:stat', { sessionId: s.sessionId, path: '/' });
    expect(ls.ok).toBe(true);
    expect(f.events.slice(since).some((e) => e.event === 'session:closed')).toBe(false);
  }, 60_000);
});
