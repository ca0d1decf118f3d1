// Sessions, remote file operations, find and transfers through the REAL registry and app
// context, against the real OpenSSH sshd (and the scriptable server for password and
// keyboard-interactive logins). Questions are answered the way the renderer would.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { QuestionAnswer, QuestionDto, SessionInfo, TransferJobDto } from '../../electron/ipc/contract';
import { startFakeServer, type FakeServer } from '../support/fake-server';
import { answering as answerQuestions, createAppFixture, type AppFixture } from './app-fixture';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

type Answerer = (q: QuestionDto) => QuestionAnswer | null;
/** Answers questions like the renderer would; records what was asked. */
const answering = (answer: Answerer) => answerQuestions(f, answer);

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

async function ok<T>(channel: string, arg?: unknown): Promise<T> {
  const r = await f.call(channel, arg);
  if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

async function settled(jobId: string, since: number): Promise<TransferJobDto> {
  return f.waitForEvent<TransferJobDto>(
    (e, p) =>
      e === 'transfer:changed' && (p as TransferJobDto).id === jobId && ['done', 'failed', 'cancelled', 'skipped'].includes((p as TransferJobDto).state),
    since,
  );
}

describe('against the real sshd', () => {
  const sshd = inject('sshd');
  const quick = () => ({ host: sshd.host, port: sshd.port, username: sshd.user, authMethod: 'key' as const, keyPath: sshd.clientKeys.ed25519 });
  let session: SessionInfo;
  let remote: string;
  let local: string;

  it('Cancel on an unknown host key: HOST_KEY_REJECTED, nothing remembered', async () => {
    const q = answering((x) => (x.kind === 'host-key' ? { kind: 'host-key', decision: 'cancel' } : null));
    const r = await f.call('session:connect', quick());
    q.stop();
    expect(q.asked.map((x) => [x.kind, (x as { status?: string }).status])).toEqual([['host-key', 'unknown']]);
    expect(r).toMatchObject({ ok: false, error: { code: 'HOST_KEY_REJECTED' } });
    expect(existsSync(path.join(f.home, '.ssh', 'known_hosts'))).toBe(false);
  });

  it('Trust once connects, and is not asked again in this run (nor written to known_hosts)', async () => {
    const q = answering((x) => (x.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : null));
    session = await ok<SessionInfo>('session:connect', quick());
    const again = await ok<SessionInfo>('session:connect', quick());
    q.stop();
    expect(q.asked).toHaveLength(1);
    expect(session).toMatchObject({ host: sshd.host, port: sshd.port, username: sshd.user, authMethod: 'publickey' });
    expect(session.home.startsWith('/')).toBe(true);
    expect(existsSync(path.join(f.home, '.ssh', 'known_hosts'))).toBe(false);
    expect((await ok<SessionInfo[]>('session:list')).map((s) => s.sessionId).sort()).toEqual([session.sessionId, again.sessionId].sort());
    await ok('session:disconnect', { sessionId: again.sessionId });
  });

  it('mkdir, stat, rename, chmod, symlink, realpath, delete — on the real server', async () => {
    remote = mkdtempSync(path.join(sshd.scratch, 'ipc-'));
    const id = session.sessionId;
    await ok('sftp:mkdir', { sessionId: id, path: `${remote}/a/b/c`, parents: true });
    expect(statSync(`${remote}/a/b/c`).isDirectory()).toBe(true);
    expect(await ok('sftp:stat', { sessionId: id, path: `${remote}/a/b` })).toMatchObject({ type: 'directory' });
    writeFileSync(`${remote}/a/file.txt`, 'hello');
    await ok('sftp:rename', { sessionId: id, from: `${remote}/a/file.txt`, to: `${remote}/a/renamed.txt` });
    expect(readFileSync(`${remote}/a/renamed.txt`, 'utf8')).toBe('hello');
    await ok('sftp:chmod', { sessionId: id, paths: [`${remote}/a/renamed.txt`], mode: 0o640 });
    expect(statSync(`${remote}/a/renamed.txt`).mode & 0o7777).toBe(0o640);
    await ok('sftp:symlink', { sessionId: id, target: 'renamed.txt', linkPath: `${remote}/a/link` });
    expect(readlinkSync(`${remote}/a/link`)).toBe('renamed.txt');
    expect(await ok('sftp:stat', { sessionId: id, path: `${remote}/a/link`, followSymlinks: false })).toMatchObject({ type: 'symlink' });
    expect(await ok('sftp:realpath', { sessionId: id, path: `${remote}/a/b` })).toBe(`${remote}/a/b`);
    const exists = await f.call('sftp:mkdir', { sessionId: id, path: `${remote}/a` });
    expect(exists).toMatchObject({ ok: false, error: { code: expect.stringMatching(/ALREADY_EXISTS|FAILURE/) } });
    await ok('sftp:delete', { sessionId: id, paths: [`${remote}/a`], recursive: true });
    expect(existsSync(`${remote}/a`)).toBe(false);
    expect(await f.call('sftp:stat', { sessionId: id, path: `${remote}/a` })).toMatchObject({ ok: false, error: { code: 'NO_SUCH_FILE' } });
  });

  it('streams find results as events until done', async () => {
    const id = session.sessionId;
    mkdirSync(`${remote}/tree/x/y`, { recursive: true });
    for (const p of ['tree/wmr1006.csv', 'tree/x/other.csv', 'tree/x/y/wmr1006.csv', 'tree/x/y/notes.txt']) writeFileSync(`${remote}/${p}`, p);
    const since = f.events.length;
    const { findId } = await ok<{ findId: string }>('sftp:find-start', { sessionId: id, root: `${remote}/tree`, pattern: 'wmr1006.csv', mode: 'name' });
    await f.waitForEvent(
      (e, p) => e === 'sftp:find-result' && (p as { findId: string; done: boolean }).findId === findId && (p as { done: boolean }).done,
      since,
    );
    const results = f.events.slice(since).filter((e) => e.event === 'sftp:find-result' && (e.payload as { findId: string }).findId === findId);
    const paths = results.flatMap((e) => (e.payload as { matches: Array<{ path: string }> }).matches.map((m) => m.path)).sort();
    expect(paths).toEqual([`${remote}/tree/wmr1006.csv`, `${remote}/tree/x/y/wmr1006.csv`]);
    expect(results.at(-1)!.payload).toMatchObject({ done: true });
    expect((results.at(-1)!.payload as { error?: unknown }).error).toBeUndefined();
  });

  it('uploads and downloads (files and folders) byte-identical, with progress and state events', async () => {
    const id = session.sessionId;
    local = mkdtempSync(path.join(f.tmp, 'local-'));
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    writeFileSync(path.join(local, 'big.bin'), big);
    mkdirSync(`${remote}/up`);
    let since = f.events.length;
    const job = await ok<TransferJobDto>('transfer:enqueue', {
      sessionId: id,
      direction: 'upload',
      sources: [path.join(local, 'big.bin')],
      targetDir: `${remote}/up`,
    });
    expect(job).toMatchObject({ sessionId: id, direction: 'upload' });
    // Every event about the job names its session, including the very first one.
    expect(
      f.events
        .slice(since)
        .filter((e) => e.event === 'transfer:changed')
        .map((e) => (e.payload as TransferJobDto).sessionId),
    ).toContain(id);
    expect(
      f.events
        .slice(since)
        .filter((e) => e.event === 'transfer:changed')
        .every((e) => (e.payload as TransferJobDto).sessionId === id),
    ).toBe(true);
    expect(await settled(job.id, since)).toMatchObject({ state: 'done', bytesDone: big.length });
    expect(sha(`${remote}/up/big.bin`)).toBe(sha(path.join(local, 'big.bin')));

    mkdirSync(path.join(local, 'down'));
    since = f.events.length;
    const job2 = await ok<TransferJobDto>('transfer:enqueue', {
      sessionId: id,
      direction: 'download',
      sources: [`${remote}/tree`],
      targetDir: path.join(local, 'down'),
    });
    expect(await settled(job2.id, since)).toMatchObject({ state: 'done', filesDone: 4 });
    expect(readFileSync(path.join(local, 'down', 'tree', 'x', 'y', 'wmr1006.csv'), 'utf8')).toBe('tree/x/y/wmr1006.csv');
    const listed = await ok<TransferJobDto[]>('transfer:list');
    expect(listed.map((j) => j.id)).toEqual(expect.arrayContaining([job.id, job2.id]));
    await ok('transfer:clear-finished');
    expect(await ok<TransferJobDto[]>('transfer:list')).toEqual([]);
  });

  it('asks about a conflict and does what the answer says', async () => {
    const id = session.sessionId;
    writeFileSync(path.join(local, 'big.bin'), 'replaced');
    const q = answering((x) => (x.kind === 'conflict' ? { kind: 'conflict', action: 'overwrite', applyToAll: false } : null));
    const since = f.events.length;
    const job = await ok<TransferJobDto>('transfer:enqueue', {
      sessionId: id,
      direction: 'upload',
      sources: [path.join(local, 'big.bin')],
      targetDir: `${remote}/up`,
      conflict: 'ask',
    });
    expect(await settled(job.id, since)).toMatchObject({ state: 'done' });
    q.stop();
    expect(q.asked).toHaveLength(1);
    expect(q.asked[0]).toMatchObject({ kind: 'conflict', jobId: job.id, direction: 'upload', target: { path: `${remote}/up/big.bin` } });
    expect(readFileSync(`${remote}/up/big.bin`, 'utf8')).toBe('replaced');
  });

  it('refuses a download into a folder that does not exist or is a file', async () => {
    const id = session.sessionId;
    expect(
      await f.call('transfer:enqueue', { sessionId: id, direction: 'download', sources: [`${remote}/up/big.bin`], targetDir: path.join(local, 'missing') }),
    ).toMatchObject({ ok: false, error: { code: 'NO_SUCH_FILE' } });
    expect(
      await f.call('transfer:enqueue', { sessionId: id, direction: 'download', sources: [`${remote}/up/big.bin`], targetDir: path.join(local, 'big.bin') }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_A_DIRECTORY' } });
    expect(await f.call('transfer:enqueue', { sessionId: id, direction: 'download', sources: ['relative/x'], targetDir: local })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(
      await f.call('transfer:enqueue', { sessionId: 'no-such-session', direction: 'upload', sources: [path.join(local, 'big.bin')], targetDir: remote }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } });
  });

  it('lists a remote folder in pages and reports permission problems with a code', async () => {
    const id = session.sessionId;
    type Page = { entries: Array<{ name: string }>; done: boolean; listId: string };
    let page = await ok<Page>('sftp:list-dir', { sessionId: id, path: `${remote}/tree` });
    const names = page.entries.map((e) => e.name);
    // The end of a folder is only known after one more read, so the last page may be empty.
    while (!page.done) {
      page = await ok<Page>('list:next', { listId: page.listId });
      names.push(...page.entries.map((e) => e.name));
    }
    expect(names.sort()).toEqual(['wmr1006.csv', 'x']);
    mkdirSync(`${remote}/locked`);
    chmodSync(`${remote}/locked`, 0o000);
    const locked = await f.call('sftp:list-dir', { sessionId: id, path: `${remote}/locked` });
    chmodSync(`${remote}/locked`, 0o755);
    // root ignores permission bits; as a normal user this is PERMISSION_DENIED.
    if (process.getuid?.() !== 0) expect(locked).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    else expect(locked.ok).toBe(true);
  });

  it('disconnect emits session:closed (byUser) and later calls say NOT_CONNECTED', async () => {
    const since = f.events.length;
    await ok('session:disconnect', { sessionId: session.sessionId });
    expect(await f.waitForEvent((e, p) => e === 'session:closed' && (p as { sessionId: string }).sessionId === session.sessionId, since)).toMatchObject({
      byUser: true,
    });
    expect(await f.call('sftp:stat', { sessionId: session.sessionId, path: '/' })).toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } });
    expect(await f.call('session:disconnect', { sessionId: session.sessionId })).toMatchObject({ ok: true });
  });
});

describe('against the scriptable server', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({
      users: {
        tester: { password: 'right' },
        otp: {
          keyboard: {
            prompts: [
              { prompt: 'Password: ', echo: false },
              { prompt: 'Code: ', echo: true },
            ],
            answers: ['pw', '123456'],
            name: 'Login',
            instructions: 'Two steps',
          },
        },
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('asks for a missing password, again after a rejection, then connects', async () => {
    const answers = ['wrong', 'right'];
    const q = answering((x) =>
      x.kind === 'host-key'
        ? { kind: 'host-key', decision: 'trust-once' }
        : x.kind === 'password'
          ? { kind: 'password', secret: answers.shift()!, remember: false }
          : null,
    );
    const r = await f.call('session:connect', { host: server.host, port: server.port, username: 'tester', authMethod: 'password' });
    q.stop();
    expect(r.ok).toBe(true);
    const pw = q.asked.filter((x) => x.kind === 'password');
    expect(pw.map((x) => (x as { reason: string }).reason)).toEqual(['not-stored', 'rejected']);
    // Remember is offered: a Quick Connect password can be kept (with a saved server for it).
    expect(pw[0]).toMatchObject({ host: server.host, port: server.port, username: 'tester', secret: 'password', canRemember: true, rememberDefault: false });
    expect(server.authAttempts.filter((a) => a.method === 'password').map((a) => [a.password, a.accepted])).toEqual([
      ['wrong', false],
      ['right', true],
    ]);
    await ok('session:disconnect', { sessionId: (r.value as SessionInfo).sessionId });
  });

  it('cancelling the password question cancels the login (nothing sent)', async () => {
    const before = server.authAttempts.length;
    const q = answering((x) => (x.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : null));
    const r = await f.call('session:connect', { host: server.host, port: server.port, username: 'tester', authMethod: 'password' });
    q.stop();
    expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(server.authAttempts.slice(before).filter((a) => a.method === 'password')).toEqual([]);
  });

  it('forwards keyboard-interactive prompts and answers', async () => {
    const q = answering((x) =>
      x.kind === 'host-key'
        ? { kind: 'host-key', decision: 'trust-once' }
        : x.kind === 'keyboard-interactive'
          ? { kind: 'keyboard-interactive', responses: ['pw', '123456'] }
          : null,
    );
    const r = await f.call('session:connect', { host: server.host, port: server.port, username: 'otp', authMethod: 'keyboard-interactive' });
    q.stop();
    expect(r).toMatchObject({ ok: true, value: { authMethod: 'keyboard-interactive' } });
    expect(q.asked.find((x) => x.kind === 'keyboard-interactive')).toMatchObject({
      name: 'Login',
      instructions: 'Two steps',
      prompts: [
        { prompt: 'Password: ', echo: false },
        { prompt: 'Code: ', echo: true },
      ],
      sessionLabel: `otp@${server.host}:${server.port}`,
    });
    await ok('session:disconnect', { sessionId: (r.value as SessionInfo).sessionId });
  });
});
