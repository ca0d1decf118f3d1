import { describe, expect, inject, it } from 'vitest';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { sessionEndpoint } from '../../../electron/core/transfers/session-endpoint';
import { numberedName } from '../../../electron/core/transfers/conflict';
import { RESUME_BACKOFF } from '../../../electron/core/transfers/file-transfer';
import type { ConflictPolicy, ConflictQuestion } from '../../../electron/core/transfers/types';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { localEndpoint, patternBytes, tempDir, withSshdSession, writeFile } from './helpers';

// Uploads `name` (content `local`, mtime `localMtime` s) onto a remote folder already holding
// `remote` (mtime `remoteMtime` s) under the same name, with `policy`.
describe('conflict policies (upload to the real sshd)', () => {
  const s = inject('sshd');
  let session: SftpSession;
  withSshdSession(s, (x) => (session = x));

  async function run(
    policy: ConflictPolicy,
    local: Buffer,
    remote: Buffer,
    localMtime: number,
    remoteMtime: number,
    onConflict?: (q: ConflictQuestion) => Promise<{ action: 'overwrite' | 'skip' | 'rename' | 'resume' | 'cancel'; applyToAll?: boolean }>,
  ) {
    const src = tempDir();
    const dst = tempDir('skiff-remote-');
    writeFile(path.join(src, 'doc.txt'), local);
    utimesSync(path.join(src, 'doc.txt'), localMtime, localMtime);
    writeFile(path.join(dst, 'doc.txt'), remote);
    utimesSync(path.join(dst, 'doc.txt'), remoteMtime, remoteMtime);
    const q = new TransferQueue(onConflict ? { onConflict } : {});
    let firstProgress: number | undefined;
    q.onEvent((e) => {
      if (e.type === 'progress' && firstProgress === undefined) firstProgress = e.job.bytesDone;
    });
    const snap = await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: [path.join(src, 'doc.txt')],
        target: sessionEndpoint(session),
        targetDir: dst,
        conflict: policy,
      }).id,
    );
    return { snap, dst, firstProgress, names: readdirSync(dst).sort(), content: (n = 'doc.txt') => readFileSync(path.join(dst, n)) };
  }

  it('overwrite replaces the old file atomically and keeps the source mtime', async () => {
    const r = await run('overwrite', Buffer.from('new content'), Buffer.from('old'), 1_600_000_000, 1_700_000_000);
    expect(r.snap.state).toBe('done');
    expect(r.content().toString()).toBe('new content');
    expect(r.names).toEqual(['doc.txt']);
    expect(statSync(path.join(r.dst, 'doc.txt')).mtimeMs).toBe(1_600_000_000_000);
  });

  it('skip leaves the old file untouched', async () => {
    const r = await run('skip', Buffer.from('new content'), Buffer.from('old'), 1_600_000_000, 1_600_000_000);
    expect(r.snap.state).toBe('skipped');
    expect(r.content().toString()).toBe('old');
    expect(r.snap.skipped.map((x) => x.path)).toEqual(['doc.txt']);
  });

  it('rename keeps both as "doc (1).txt"', async () => {
    const r = await run('rename', Buffer.from('new content'), Buffer.from('old'), 1_600_000_000, 1_600_000_000);
    expect(r.snap.state).toBe('done');
    expect(r.names).toEqual(['doc (1).txt', 'doc.txt']);
    expect(r.content().toString()).toBe('old');
    expect(r.content('doc (1).txt').toString()).toBe('new content');
    expect(numberedName('.bashrc', 2)).toBe('.bashrc (2)');
    expect(numberedName('archive', 3)).toBe('archive (3)');
  });

  it('overwrite-if-newer replaces an older target and skips a newer one', async () => {
    const older = await run('overwrite-if-newer', Buffer.from('newer source'), Buffer.from('old'), 1_700_000_000, 1_600_000_000);
    expect(older.content().toString()).toBe('newer source');
    const newer = await run('overwrite-if-newer', Buffer.from('older source'), Buffer.from('kept'), 1_600_000_000, 1_700_000_000);
    expect(newer.snap.state).toBe('skipped');
    expect(newer.content().toString()).toBe('kept');
  });

  it('overwrite-if-size-differs replaces only when the sizes differ', async () => {
    const differ = await run('overwrite-if-size-differs', Buffer.from('longer source'), Buffer.from('old'), 1_600_000_000, 1_600_000_000);
    expect(differ.content().toString()).toBe('longer source');
    const same = await run('overwrite-if-size-differs', Buffer.from('abc'), Buffer.from('xyz'), 1_600_000_000, 1_600_000_000);
    expect(same.snap.state).toBe('skipped');
    expect(same.content().toString()).toBe('xyz');
  });

  it('resume appends to a partial target whose tail matches, and restarts one that does not', async () => {
    const full = patternBytes(20 * 1024 * 1024 + 333, 42);
    const partial = full.subarray(0, 18 * 1024 * 1024 + 5);
    const ok = await run('resume', full, partial, 1_600_000_000, 1_700_000_000);
    expect(ok.snap.state).toBe('done');
    expect(ok.content().equals(full)).toBe(true);
    expect(ok.names).toEqual(['doc.txt']);
    // It continued RESUME_BACKOFF before the partial's end instead of starting over.
    expect(ok.firstProgress).toBe(partial.length - RESUME_BACKOFF);
    // Shorter than the source but not a prefix of it: the tail check notices, the copy starts from zero.
    const wrong = patternBytes(partial.length, 7);
    const bad = await run('resume', full, wrong, 1_600_000_000, 1_700_000_000);
    expect(bad.snap.state).toBe('done');
    expect(bad.firstProgress).toBe(0);
    expect(bad.content().equals(full)).toBe(true);
  });

  it('ask passes both sides to the callback and honours "apply to all"', async () => {
    const src = tempDir();
    const dst = tempDir('skiff-remote-');
    for (const n of ['a.txt', 'b.txt', 'c.txt']) {
      writeFile(path.join(src, 'dir', n), `new ${n}`);
      writeFile(path.join(dst, 'dir', n), `old ${n}`);
    }
    const questions: ConflictQuestion[] = [];
    const q = new TransferQueue({
      onConflict: async (question) => {
        questions.push(question);
        return { action: 'rename', applyToAll: true };
      },
    });
    const snap = await q.whenSettled(
      q.add({ direction: 'upload', source: localEndpoint(), sources: [path.join(src, 'dir')], target: sessionEndpoint(session), targetDir: dst }).id,
    );
    expect(snap.state).toBe('done');
    expect(questions).toHaveLength(1);
    expect(questions[0]!.source.size).toBe(9);
    expect(questions[0]!.target.size).toBe(9);
    expect(questions[0]!.canResume).toBe(false);
    expect(readdirSync(path.join(dst, 'dir')).sort()).toEqual(['a (1).txt', 'a.txt', 'b (1).txt', 'b.txt', 'c (1).txt', 'c.txt']);
    expect(readFileSync(path.join(dst, 'dir', 'b (1).txt'), 'utf8')).toBe('new b.txt');
  });

  it('ask without a callback skips (never destroys data silently); a "cancel" answer cancels the job', async () => {
    const r = await run('ask', Buffer.from('new'), Buffer.from('old'), 1_600_000_000, 1_600_000_000);
    expect(r.snap.state).toBe('skipped');
    expect(r.content().toString()).toBe('old');
    // A malformed answer from the UI is treated as skip.
    const junk = await run('ask', Buffer.from('new'), Buffer.from('old'), 1_600_000_000, 1_600_000_000, async () => ({ action: 'destroy' }) as never);
    expect(junk.snap.state).toBe('skipped');
    expect(junk.content().toString()).toBe('old');
    const c = await run('ask', Buffer.from('new'), Buffer.from('old'), 1_600_000_000, 1_600_000_000, async () => ({ action: 'cancel' }));
    expect(c.snap.state).toBe('cancelled');
    expect(c.content().toString()).toBe('old');
    expect(c.names).toEqual(['doc.txt']);
  });

  it('keeps the replaced file mode on overwrite, copies the source mode with preservePermissions', async () => {
    const src = tempDir();
    const dst = tempDir('skiff-remote-');
    writeFile(path.join(src, 'x.sh'), 'echo new');
    writeFile(path.join(dst, 'x.sh'), 'echo old');
    const { chmodSync } = await import('node:fs');
    chmodSync(path.join(src, 'x.sh'), 0o751);
    chmodSync(path.join(dst, 'x.sh'), 0o600);
    const q = new TransferQueue();
    await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: [path.join(src, 'x.sh')],
        target: sessionEndpoint(session),
        targetDir: dst,
        conflict: 'overwrite',
      }).id,
    );
    expect(statSync(path.join(dst, 'x.sh')).mode & 0o777).toBe(0o600);
    await q.whenSettled(
      q.add({
        direction: 'upload',
        source: localEndpoint(),
        sources: [path.join(src, 'x.sh')],
        target: sessionEndpoint(session),
        targetDir: dst,
        conflict: 'overwrite',
        preservePermissions: true,
      }).id,
    );
    expect(statSync(path.join(dst, 'x.sh')).mode & 0o777).toBe(0o751);
    expect(readFileSync(path.join(dst, 'x.sh'), 'utf8')).toBe('echo new');
    writeFileSync(path.join(dst, 'unused'), '');
  });
});
