// The app's transfer service opens its extra connections through SessionManager.extraConnector:
// the secret the user typed once and the host key the user accepted once are reused, so no
// question is asked twice; keyboard-interactive logins get no extra connection at all.
// (The engine spreads a job over a second connection only when tuned to: its defaults measured
// faster on one. These tests turn it on, as a build tuned for long fat links would.)
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SftpSession } from '../../../electron/core/sftp/types';
import type { BookmarkSaveResult, QuestionAnswer, QuestionDto, SessionInfo, TransferJobDto } from '../../../electron/ipc/contract';
import { startFakeServer, type FakeServer } from '../../support/fake-server';
import { answering as answerQuestions, createAppFixture, type AppFixture } from '../../ipc/app-fixture';
import { patternBytes, tempDir, treeDigest } from './helpers';

let f: AppFixture;
/** Every extra connection the app opened, wrapped around the real connector (not replacing it). */
const extras: SftpSession[] = [];
let extraAttempts = 0;
beforeAll(async () => {
  f = await createAppFixture({ transferTuning: { channels: 2, connections: 2 } });
  const sessions = f.ctx.sessions;
  const real = sessions.extraConnector.bind(sessions);
  sessions.extraConnector = (id: string) => {
    const c = real(id);
    return (
      c &&
      (async () => {
        extraAttempts++;
        const s = await c();
        extras.push(s);
        return s;
      })
    );
  };
});
afterAll(async () => {
  await f?.close();
});

const answering = (answer: (q: QuestionDto) => QuestionAnswer | null) => answerQuestions(f, answer);

async function ok<T>(channel: string, arg?: unknown): Promise<T> {
  const r = await f.call(channel, arg);
  if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

async function download(sessionId: string, sources: string[], targetDir: string): Promise<TransferJobDto> {
  const since = f.events.length;
  const job = await ok<TransferJobDto>('transfer:enqueue', { sessionId, direction: 'download', sources, targetDir });
  return f.waitForEvent<TransferJobDto>(
    (e, p) =>
      e === 'transfer:changed' && (p as TransferJobDto).id === job.id && ['done', 'failed', 'cancelled', 'skipped'].includes((p as TransferJobDto).state),
    since,
  );
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('extra connections in the app, scriptable server (password logins)', () => {
  let server: FakeServer;
  let otpServer: FakeServer;
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 40; i++) files[`/home/tester/many/f${i}.txt`] = patternBytes(3000 + i, i + 5);
  beforeAll(async () => {
    server = await startFakeServer({
      users: { tester: { password: 'right' } },
      methods: ['password'],
      files,
    });
    otpServer = await startFakeServer({ users: { otp: { keyboard: { prompts: [{ prompt: 'Code: ', echo: true }], answers: ['123456'] } } } });
  });
  afterAll(async () => {
    await server?.stop();
    await otpServer?.stop();
  });

  const expectSameTree = (local: string) => {
    const got = treeDigest(path.join(local, 'many'));
    const want = Object.fromEntries(Object.entries(files).map(([p, b]) => [path.posix.basename(p), sha(b)]));
    expect(got).toEqual(want);
  };

  it('a password typed once (direct connect) opens the second connection without asking again', async () => {
    const q = answering((x) =>
      x.kind === 'host-key'
        ? { kind: 'host-key', decision: 'trust-once' }
        : x.kind === 'password'
          ? { kind: 'password', secret: 'right', remember: false }
          : null,
    );
    const s = await ok<SessionInfo>('session:connect', { host: server.host, port: server.port, username: 'tester', authMethod: 'password' });
    const before = { connections: server.connections, extras: extraAttempts };
    const local = tempDir();
    const job = await download(s.sessionId, ['/home/tester/many'], local);
    q.stop();
    expect(job.state).toBe('done');
    expectSameTree(local);
    // One question of each kind, at connect time only.
    expect(q.asked.map((x) => x.kind).sort()).toEqual(['host-key', 'password']);
    expect(extraAttempts - before.extras).toBe(1);
    expect(server.connections - before.connections).toBe(1);
    expect(
      server.authAttempts
        .filter((a) => a.method === 'password' && a.accepted)
        .slice(-2)
        .map((a) => a.password),
    ).toEqual(['right', 'right']);
    expect(extras.at(-1)!.closed).toBe(true);
    // The extra connection is not an app session.
    expect((await ok<SessionInfo[]>('session:list')).map((x) => x.sessionId)).toEqual([s.sessionId]);
    await ok('session:disconnect', { sessionId: s.sessionId });
  });

  it('a bookmark whose password is not remembered: typed once at connect, not asked for the second connection', async () => {
    const b = await ok<BookmarkSaveResult>('bookmarks:create', {
      bookmark: { name: 'Fake', host: server.host, port: server.port, username: 'tester', authMethod: 'password' },
    });
    const q = answering((x) =>
      x.kind === 'host-key'
        ? { kind: 'host-key', decision: 'trust-once' }
        : x.kind === 'password'
          ? { kind: 'password', secret: 'right', remember: false }
          : null,
    );
    const r = await f.call('session:connect', { bookmarkId: b.bookmark.id });
    if (!r.ok) throw new Error(JSON.stringify([r.error, q.asked]));
    const s = r.value as SessionInfo;
    const before = { connections: server.connections, extras: extraAttempts };
    const local = tempDir();
    const job = await download(s.sessionId, ['/home/tester/many'], local);
    q.stop();
    expect(job.state).toBe('done');
    expectSameTree(local);
    expect(q.asked.filter((x) => x.kind === 'password')).toHaveLength(1);
    expect(extraAttempts - before.extras).toBe(1);
    expect(server.connections - before.connections).toBe(1);
    expect(extras.at(-1)!.closed).toBe(true);
    await ok('session:disconnect', { sessionId: s.sessionId });
  });

  it('a keyboard-interactive login gets no extra connector (its answers would have to be asked again)', async () => {
    const q = answering((x) =>
      x.kind === 'host-key'
        ? { kind: 'host-key', decision: 'trust-once' }
        : x.kind === 'keyboard-interactive'
          ? { kind: 'keyboard-interactive', responses: ['123456'] }
          : null,
    );
    const s = await ok<SessionInfo>('session:connect', { host: otpServer.host, port: otpServer.port, username: 'otp', authMethod: 'keyboard-interactive' });
    q.stop();
    expect(s.authMethod).toBe('keyboard-interactive');
    expect(f.ctx.sessions.extraConnector(s.sessionId)).toBeUndefined();
    await ok('session:disconnect', { sessionId: s.sessionId });
  });
});

describe('extra connections in the app, real sshd (host key trusted once)', () => {
  const sshd = inject('sshd');

  it('a folder download uses a second connection, asks the host-key question once, is identical and closes it', async () => {
    const remote = tempDir('skiff-remote-');
    for (let i = 0; i < 40; i++) writeFileSync(path.join(remote, `k${i}.bin`), patternBytes(5000 + i, i + 9));
    const q = answering((x) => (x.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : null));
    const s = await ok<SessionInfo>('session:connect', {
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      authMethod: 'key',
      keyPath: sshd.clientKeys.ed25519,
    });
    expect(q.asked.map((x) => x.kind)).toEqual(['host-key']);
    const before = extraAttempts;
    const local = tempDir();
    const job = await download(s.sessionId, [remote], local);
    q.stop();
    expect(job.state).toBe('done');
    expect(treeDigest(path.join(local, path.basename(remote)))).toEqual(treeDigest(remote));
    // The second connection verified the same host key silently: still one question.
    expect(q.asked).toHaveLength(1);
    expect(extraAttempts - before).toBe(1);
    expect(extras.at(-1)!.closed).toBe(true);
    await ok('session:disconnect', { sessionId: s.sessionId });
  });
});
