import { afterEach, describe, expect, inject, it } from 'vitest';
import { chmodSync, existsSync, lstatSync, rmSync, symlinkSync, readFileSync, readdirSync, realpathSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { SftpSession } from '../../../electron/core/sftp/types';
import type { EditedFileSnapshot } from '../../../electron/core/edit/types';
import { connectSshd, tempDir, withSshdSession } from '../transfers/helpers';
import { createHarness, editorCommand, listTree, until, untilState, type Harness } from './helpers';

const OLD = 1_500_000_000;

/** A "server" file (the sshd runs on this machine) with old content and an old mtime. */
function remoteFile(name: string, content: string | Buffer, mode = 0o644): string {
  const dir = tempDir('skiff-edit-remote-');
  const p = path.join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, mode);
  utimesSync(p, OLD, OLD);
  return p;
}

function state(h: Harness, id: string): EditedFileSnapshot | undefined {
  return h.manager.get(id);
}

describe('Edit: a remote file in a local editor, uploaded on save (real sshd, real engine, real editor process)', () => {
  const s = inject('sshd');
  let session: SftpSession;
  withSshdSession(s, (x) => (session = x));
  const harnesses: Harness[] = [];
  const harness = (...a: Parameters<typeof createHarness>): Harness => {
    const h = createHarness(...a);
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.manager.dispose();
  });

  for (const style of ['truncate', 'rename', 'chunks'] as const) {
    it(`uploads a save made by ${style === 'truncate' ? 'truncate + write' : style === 'rename' ? 'temp file + rename' : 'several writes'}: the server gets the new bytes and new times`, async () => {
      const remote = remoteFile('notes.txt', 'old text\n');
      const h = harness(session);
      const text = `saved by ${style}: ${'x'.repeat(5000)}\n`;
      h.settings.editorCommand = editorCommand(style, text);
      const r = await h.manager.open(session.id, [remote], 'edit');
      expect(r.errors).toEqual([]);
      const f = r.files[0]!;
      // The private copy: 0600 in a 0700 folder inside the process's private temp folder.
      const root = await h.manager.tempRoot();
      expect(f.localPath.startsWith(root + path.sep)).toBe(true);
      expect(statSync(root).mode & 0o777).toBe(0o700);
      expect(statSync(path.dirname(f.localPath)).mode & 0o777).toBe(0o700);
      expect(statSync(f.localPath).mode & 0o777).toBe(0o600);
      await untilState(h, f.id, 'uploaded', 'the upload');
      expect(readFileSync(remote, 'utf8')).toBe(text);
      const rs = statSync(remote);
      expect(Math.floor(rs.mtimeMs / 1000)).not.toBe(OLD);
      expect(Math.floor(rs.mtimeMs / 1000)).toBe(Math.floor(statSync(f.localPath).mtimeMs / 1000));
      // The server's file keeps its own permissions (the copy's 0600 is not pushed back).
      expect(rs.mode & 0o777).toBe(0o644);
      expect(state(h, f.id)?.pending).toBe(false);
      expect(readdirSync(path.dirname(remote))).toEqual(['notes.txt']); // no part left behind
      expect(h.transfers.map((t) => t.direction)).toEqual(['download', 'upload']);
    });
  }

  it('while an upload settles, a reader never sees the file "uploaded" with its change still pending', async () => {
    const remote = remoteFile('big.log', 'small\n');
    const h = harness(session);
    const size = 16 * 1024 * 1024; // hashing it again after the upload takes tens of ms
    h.settings.editorCommand = editorCommand('fill', String(size));
    const f = (await h.manager.open(session.id, [remote], 'edit')).files[0]!;
    const seen: string[] = [];
    const poll = setInterval(() => {
      const s = state(h, f.id);
      if (s && seen[seen.length - 1] !== `${s.state}/${s.pending}`) seen.push(`${s.state}/${s.pending}`);
    }, 1);
    try {
      await until('the upload', () => (state(h, f.id)?.state === 'uploaded' ? true : undefined));
    } finally {
      clearInterval(poll);
    }
    expect(statSync(remote).size).toBe(size);
    expect(seen).toContain('uploading/true');
    expect(seen).not.toContain('uploaded/true');
    expect(state(h, f.id)?.pending).toBe(false);
  });

  it('two saves in quick succession upload the last one', async () => {
    const remote = remoteFile('quick.txt', 'v0');
    const h = harness(session);
    h.settings.editorCommand = editorCommand('saves', 'first save', 'second save, the last one');
    const f = (await h.manager.open(session.id, [remote], 'edit')).files[0]!;
    await until('the upload', () => (state(h, f.id)?.state === 'uploaded' && !state(h, f.id)?.pending ? true : undefined));
    await new Promise((r) => setTimeout(r, 800)); // nothing else follows
    expect(readFileSync(remote, 'utf8')).toBe('second save, the last one');
    const uploads = h.transfers.filter((t) => t.direction === 'upload');
    expect(uploads.length).toBeGreaterThanOrEqual(1);
    expect(state(h, f.id)?.state).toBe('uploaded');
  });

  it('a save that changes nothing uploads nothing', async () => {
    const remote = remoteFile('same.txt', 'unchanged');
    const h = harness(session);
    h.settings.editorCommand = editorCommand('truncate', 'unchanged');
    const f = (await h.manager.open(session.id, [remote], 'edit')).files[0]!;
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.transfers.map((t) => t.direction)).toEqual(['download']);
    expect(state(h, f.id)?.state).toBe('watching');
    expect(Math.floor(statSync(remote).mtimeMs / 1000)).toBe(OLD);
  });

  describe('the server file changed meanwhile', () => {
    /** Opens with an editor that saves nothing, changes the server's file, then "saves" locally. */
    async function conflictSetup(h: Harness, serverChange: (p: string) => void): Promise<{ remote: string; f: EditedFileSnapshot }> {
      const remote = remoteFile('page.html', '<p>original</p>');
      h.settings.editorCommand = editorCommand('record');
      const f = (await h.manager.open(session.id, [remote], 'edit')).files[0]!;
      serverChange(remote);
      writeFileSync(f.localPath, '<p>my edit</p>');
      await until('the conflict question', () => (h.conflicts.length > 0 ? true : undefined));
      return { remote, f };
    }
    const theirs = (p: string): void => {
      writeFileSync(p, '<p>their change</p>');
      utimesSync(p, OLD + 100, OLD + 100);
    };

    it('asks, and "overwrite" puts the local version on the server', async () => {
      const h = harness(session);
      h.answers.push('overwrite');
      const { remote, f } = await conflictSetup(h, theirs);
      expect(h.conflicts).toHaveLength(1);
      expect(h.conflicts[0]).toMatchObject({
        editId: f.id,
        remotePath: realpathSync(remote),
        remote: { size: '<p>their change</p>'.length },
        local: { size: '<p>my edit</p>'.length },
        keepBothName: 'page (edited).html',
      });
      await untilState(h, f.id, 'uploaded', 'the upload');
      expect(readFileSync(remote, 'utf8')).toBe('<p>my edit</p>');
      // Later saves go through without a question (the server now has our version).
      writeFileSync(f.localPath, '<p>my second edit</p>');
      await until(
        'the second upload',
        () => (readFileSync(remote, 'utf8') === '<p>my second edit</p>' ? true : undefined),
        30_000,
        () => [readFileSync(remote, 'utf8'), h.events.slice(-4)],
      );
      expect(h.conflicts).toHaveLength(1);
    });

    it('"keep both" uploads as “name (edited).ext” and leaves their version alone', async () => {
      const h = harness(session);
      h.answers.push('keep-both');
      const { remote, f } = await conflictSetup(h, theirs);
      const edited = path.join(path.dirname(remote), 'page (edited).html');
      await untilState(h, f.id, 'uploaded', 'the upload');
      expect(readFileSync(remote, 'utf8')).toBe('<p>their change</p>');
      expect(readFileSync(edited, 'utf8')).toBe('<p>my edit</p>');
      expect(state(h, f.id)?.remotePath).toBe(realpathSync(edited));
      // The edit now belongs to the copy: the next save updates it, not theirs.
      writeFileSync(f.localPath, '<p>my edit, again</p>');
      await until(
        'the second upload',
        () => (readFileSync(edited, 'utf8') === '<p>my edit, again</p>' ? true : undefined),
        30_000,
        () => h.events.slice(-4),
      );
      expect(readFileSync(remote, 'utf8')).toBe('<p>their change</p>');
    });

    it('"keep both" picks a free name when “name (edited).ext” exists too', async () => {
      const h = harness(session);
      h.answers.push('keep-both');
      const { remote, f } = await conflictSetup(h, (p) => {
        theirs(p);
        writeFileSync(path.join(path.dirname(p), 'page (edited).html'), 'an older edited copy');
      });
      await untilState(h, f.id, 'uploaded', 'the upload');
      expect(readFileSync(path.join(path.dirname(remote), 'page (edited).html'), 'utf8')).toBe('an older edited copy');
      expect(readFileSync(path.join(path.dirname(remote), 'page (edited) (1).html'), 'utf8')).toBe('<p>my edit</p>');
    });

    it('"discard" replaces the local copy with the server version and uploads nothing', async () => {
      const h = harness(session);
      h.answers.push('discard');
      const { remote, f } = await conflictSetup(h, theirs);
      await until('the copy replaced', () =>
        state(h, f.id)?.state === 'watching' && readFileSync(f.localPath, 'utf8') === '<p>their change</p>' ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 800));
      expect(readFileSync(remote, 'utf8')).toBe('<p>their change</p>');
      expect(h.transfers.map((t) => t.direction)).toEqual(['download', 'download']);
      expect(state(h, f.id)?.pending).toBe(false);
    });

    it('no answer decides nothing: the file stays in conflict until the user picks from the list', async () => {
      const h = harness(session);
      h.answers.push(null);
      const { remote, f } = await conflictSetup(h, theirs);
      await new Promise((r) => setTimeout(r, 800));
      expect(state(h, f.id)).toMatchObject({ state: 'conflict', pending: true, conflict: { remote: { size: 19 } } });
      expect(readFileSync(remote, 'utf8')).toBe('<p>their change</p>');
      h.manager.resolveConflict(f.id, 'overwrite');
      await untilState(h, f.id, 'uploaded', 'the upload');
      expect(readFileSync(remote, 'utf8')).toBe('<p>my edit</p>');
    });

    it('a change with the same size and the same mtime is caught by content', async () => {
      const h = harness(session);
      h.answers.push('overwrite');
      const { remote } = await conflictSetup(h, (p) => {
        writeFileSync(p, '<p>ORIGINAL</p>'); // same size
        utimesSync(p, OLD, OLD); // same mtime, as rsync -t or a restore would leave it
      });
      expect(h.conflicts[0]).toMatchObject({ remote: { size: 15, mtimeMs: OLD * 1000 } });
      await until('the upload', () => (readFileSync(remote, 'utf8') === '<p>my edit</p>' ? true : undefined));
    });

    it('a file deleted on the server is a conflict too (remote: null); "overwrite" writes it back', async () => {
      const h = harness(session);
      h.answers.push('overwrite');
      const { remote, f } = await conflictSetup(h, (p) => rmSync(p));
      expect(h.conflicts[0]?.remote).toBeNull();
      await untilState(h, f.id, 'uploaded', 'the upload');
      expect(readFileSync(remote, 'utf8')).toBe('<p>my edit</p>');
    });
  });

  it('a hostile server name gets a safe temp name and nothing is written outside the temp folder; the save goes back to the real name', async () => {
    const evil = 'a\\..\\..\\x\u001b[31m:*?.txt';
    const remote = remoteFile(evil, 'payload');
    const h = harness(session);
    h.settings.editorCommand = editorCommand('truncate', 'edited payload');
    const before = listTree(h.tempParent);
    expect(before).toEqual([]);
    const f = (await h.manager.open(session.id, [remote], 'edit')).files[0]!;
    const root = await h.manager.tempRoot();
    const name = path.basename(f.localPath);
    expect(name).not.toMatch(/[\\/:*?\u0000-\u001f]/);
    expect(name.endsWith('.txt')).toBe(true);
    expect(realpathSync(f.localPath).startsWith(realpathSync(root) + path.sep)).toBe(true);
    // Everything under the temp parent is inside the private folder.
    expect(listTree(h.tempParent).every((p) => p === path.basename(root) || p.startsWith(`${path.basename(root)}/`))).toBe(true);
    await untilState(h, f.id, 'uploaded', 'the upload');
    expect(readFileSync(remote, 'utf8')).toBe('edited payload');
    expect(readdirSync(path.dirname(remote))).toEqual([evil]);
  });

  it('Open on a program is refused (mode bit or name) and downloads nothing; with an Editor command it opens in the editor instead', async () => {
    const h = harness(session);
    const script = remoteFile('deploy.sh', 'rm -rf /\n');
    const binary = remoteFile('tool', 'ELF', 0o755);
    const doc = remoteFile('readme.txt', 'hello');
    const r = await h.manager.open(session.id, [script, binary, doc], 'open');
    expect(r.errors.map((e) => [path.basename(e.path), e.code])).toEqual([
      ['deploy.sh', 'EXECUTABLE_REFUSED'],
      ['tool', 'EXECUTABLE_REFUSED'],
    ]);
    expect(r.errors[0]!.message).toMatch(/never runs a file from a server/);
    expect(r.files.map((f) => path.basename(f.remotePath))).toEqual(['readme.txt']);
    expect(h.opened).toEqual([r.files[0]!.localPath]);
    expect(h.transfers).toHaveLength(1);
    // Edit with no editor set would hand it to the default application too: refused as well.
    expect((await h.manager.open(session.id, [script], 'edit')).errors[0]?.code).toBe('EXECUTABLE_REFUSED');

    const log = path.join(tempDir(), 'argv.log');
    process.env.SKIFF_TEST_EDITOR_LOG = log;
    try {
      h.settings.editorCommand = editorCommand('record');
      const r2 = await h.manager.open(session.id, [script], 'open');
      expect(r2.errors).toEqual([]);
      await until('the editor', () => (existsSync(log) && readFileSync(log, 'utf8').endsWith('\n') ? true : undefined));
      expect(JSON.parse(readFileSync(log, 'utf8').trim())).toEqual(['record', r2.files[0]!.localPath]);
      expect(h.opened).toHaveLength(1);
    } finally {
      delete process.env.SKIFF_TEST_EDITOR_LOG;
    }
  });

  it('stopping with an upload pending keeps the copy and says where; reconnecting uploads what waited', async () => {
    const own = await connectSshd(s);
    const remote = remoteFile('draft.md', 'draft 1');
    const h = harness(own);
    h.settings.editorCommand = editorCommand('record');
    const f = (await h.manager.open(own.id, [remote], 'edit')).files[0]!;
    await own.close();
    writeFileSync(f.localPath, 'draft 2, not on the server yet');
    await untilState(h, f.id, 'failed', 'the failed upload');
    expect(state(h, f.id)).toMatchObject({ pending: true, waitingForConnection: true, error: { code: 'NOT_CONNECTED' } });
    // A new session to the same server: the waiting upload runs by itself.
    const again = await connectSshd(s);
    h.sessions.push(again);
    h.manager.serverConnected({ host: again.host, port: again.port, username: again.username });
    await untilState(h, f.id, 'uploaded', 'the upload after the reconnect');
    expect(readFileSync(remote, 'utf8')).toBe('draft 2, not on the server yet');
    expect(state(h, f.id)?.sessionId).toBe(again.id);

    // Now stop while a change cannot reach the server.
    await again.close();
    writeFileSync(f.localPath, 'draft 3, lost connection');
    await untilState(h, f.id, 'failed', 'the failed upload');
    const { keptAt } = await h.manager.stop(f.id);
    expect(keptAt).not.toBeNull();
    expect(keptAt!.startsWith(h.keptDir + path.sep)).toBe(true);
    expect(readFileSync(keptAt!, 'utf8')).toBe('draft 3, lost connection');
    expect(existsSync(f.localPath)).toBe(false);
    expect(h.events.at(-1)).toEqual({ type: 'removed', id: f.id, keptAt });
    expect(h.manager.list()).toEqual([]);
  });

  it('after a crash, the next start keeps the copies whose change never reached the server and removes the rest', async () => {
    const own = await connectSshd(s);
    const a = harness(own);
    a.settings.editorCommand = editorCommand('record');
    const sent = remoteFile('sent.txt', 'same');
    const unsent = remoteFile('unsent.txt', 'before');
    const r = await a.manager.open(own.id, [sent, unsent], 'edit');
    expect(r.errors).toEqual([]);
    await own.close();
    const copy = r.files.find((f) => f.remotePath.endsWith('unsent.txt'))!;
    writeFileSync(copy.localPath, 'after, never uploaded');
    await untilState(a, copy.id, 'failed', 'the failed upload');
    // "Crash": the process that owned the folder is gone (a pid that exited), nothing was stopped.
    const root = await a.manager.tempRoot();
    const dead = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path.join(root, 'owner.json'), JSON.stringify({ pid: Number(dead) }));
    const b = harness(session, { tempParent: a.tempParent, keptDir: a.keptDir });
    const kept = await b.manager.recoverAbandoned();
    expect(kept).toHaveLength(1);
    expect(path.basename(kept[0]!)).toBe('unsent.txt');
    expect(readFileSync(kept[0]!, 'utf8')).toBe('after, never uploaded');
    expect(existsSync(root)).toBe(false);
    // A live process's folder is never touched.
    const liveRoot = await b.manager.tempRoot();
    expect(await harness(session, { tempParent: a.tempParent, keptDir: a.keptDir }).manager.recoverAbandoned()).toEqual([]);
    expect(existsSync(liveRoot)).toBe(true);
  });

  it('stopping right after a save the watcher has not looked at yet keeps the copy too', async () => {
    const remote = remoteFile('late.txt', 'v1');
    const h = harness(session, { watch: { debounceMs: 5000, pollMs: 0 } });
    h.settings.editorCommand = editorCommand('record');
    const f = (await h.manager.open(session.id, [remote], 'edit')).files[0]!;
    writeFileSync(f.localPath, 'v2');
    const { keptAt } = await h.manager.stop(f.id);
    expect(keptAt && readFileSync(keptAt, 'utf8')).toBe('v2');
  });

  it('stopping with everything uploaded removes the copy and its folder', async () => {
    const remote = remoteFile('done.txt', 'v1');
    const h = harness(session);
    h.settings.editorCommand = editorCommand('truncate', 'v2');
    const f = (await h.manager.open(session.id, [remote], 'edit')).files[0]!;
    await untilState(h, f.id, 'uploaded', 'the upload');
    expect(await h.manager.stop(f.id)).toEqual({ keptAt: null });
    expect(existsSync(path.dirname(path.dirname(f.localPath)))).toBe(false);
    expect(existsSync(h.keptDir)).toBe(false);
  });

  it('files above the size limit ask first; "no" downloads nothing', async () => {
    const big = remoteFile('big.log', Buffer.alloc(4096, 0x61));
    const small = remoteFile('small.log', 'tiny');
    const h = harness(session);
    h.settings.largeFileBytes = 1024;
    h.largeAnswer = false;
    h.settings.editorCommand = editorCommand('record');
    const r = await h.manager.open(session.id, [big, small], 'edit');
    expect(h.large).toEqual([{ files: [{ path: realpathSync(big), size: 4096 }], limitBytes: 1024 }]);
    expect(r.errors.map((e) => [path.basename(e.path), e.code])).toEqual([['big.log', 'CANCELLED']]);
    expect(r.files.map((f) => path.basename(f.remotePath))).toEqual(['small.log']);
    h.largeAnswer = true;
    const r2 = await h.manager.open(session.id, [big], 'edit');
    expect(r2.errors).toEqual([]);
    expect(readFileSync(r2.files[0]!.localPath)).toEqual(Buffer.alloc(4096, 0x61));
  });

  it('binary files and many files at once are fine; Edit on a file already open opens the same copy again', async () => {
    const h = harness(session);
    h.settings.editorCommand = editorCommand('record');
    const bin = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
    const paths = Array.from({ length: 12 }, (_, i) => remoteFile(`f${i}.bin`, bin));
    const r = await h.manager.open(session.id, paths, 'edit');
    expect(r.errors).toEqual([]);
    expect(r.files).toHaveLength(12);
    for (const f of r.files) expect(readFileSync(f.localPath)).toEqual(bin);
    expect(new Set(r.files.map((f) => f.localPath)).size).toBe(12);
    const again = await h.manager.open(session.id, [paths[0]!], 'edit');
    expect(again.files[0]!.id).toBe(r.files.find((f) => f.remotePath === realpathSync(paths[0]!))!.id);
    expect(h.transfers.filter((t) => t.direction === 'download')).toHaveLength(12);
  });

  it('a symlink is edited through: the file it points to is updated, the link stays a link', async () => {
    const target = remoteFile('real.conf', 'k=v1');
    const link = path.join(path.dirname(target), 'current.conf');
    symlinkSync('real.conf', link);
    const h = harness(session);
    h.settings.editorCommand = editorCommand('truncate', 'k=v2');
    const f = (await h.manager.open(session.id, [link], 'edit')).files[0]!;
    expect(f.remotePath).toBe(realpathSync(target));
    await untilState(h, f.id, 'uploaded', 'the upload');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('k=v2');
  });

  it('an Editor command that cannot start says so and leaves nothing behind', async () => {
    const remote = remoteFile('x.txt', 'x');
    const h = harness(session);
    h.settings.editorCommand = '/nonexistent/editor --wait';
    const r = await h.manager.open(session.id, [remote], 'edit');
    expect(r.errors[0]).toMatchObject({ code: 'EDITOR_FAILED' });
    expect(r.errors[0]!.message).toMatch(/“\/nonexistent\/editor”: no such program/);
    expect(h.manager.list()).toEqual([]);
    h.settings.editorCommand = 'vim | tee';
    expect((await h.manager.open(session.id, [remote], 'edit')).errors[0]?.code).toBe('EDITOR_FAILED');
  });
});
