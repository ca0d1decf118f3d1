// Editing remote files through the REAL registry and app context (the renderer's path), against
// the real sshd: the Editor command setting, the jobs in the transfer queue, the conflict and
// size questions, a dropped session coming back, stop and quit keeping unsent copies.
import { existsSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EditOpenResultDto, EditedFileDto, SessionInfo, TransferJobDto } from '../../electron/ipc/contract';
import { buildMenuTemplate } from '../../electron/app/menu';
import { editorCommand } from '../core/edit/helpers';
import { answering, createAppFixture, type AppFixture } from './app-fixture';

let f: AppFixture;
const opened: string[] = [];
beforeAll(async () => {
  f = await createAppFixture({ openPath: async (p) => void opened.push(p) });
});
afterAll(async () => {
  await f.close();
});

async function ok<T>(channel: string, arg?: unknown): Promise<T> {
  const r = await f.call(channel, arg);
  if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

const edited = (id: string, pred: (d: EditedFileDto) => boolean, since = 0) =>
  f.waitForEvent<EditedFileDto>((e, p) => e === 'edit:file-changed' && (p as EditedFileDto).id === id && pred(p as EditedFileDto), since);

describe('the app menu', () => {
  it('has Edit (F4) in the File menu, from the command catalog; picking it sends the command to the page', () => {
    const sent: string[] = [];
    const file = buildMenuTemplate((c) => sent.push(c), { isMac: false, devTools: false }).find((m) => m.label === 'File');
    const edit = (file?.submenu as Array<{ id?: string; label?: string; accelerator?: string; click?: () => void }>).find((i) => i.id === 'edit');
    expect(edit).toMatchObject({ label: 'Edit', accelerator: 'F4' });
    edit?.click?.();
    expect(sent).toEqual(['edit']);
  });
});

describe('edit:* against the real sshd', () => {
  const sshd = inject('sshd');
  let session: SessionInfo;
  let dir: string;
  const connect = async (): Promise<SessionInfo> => {
    const q = answering(f, (x) => (x.kind === 'host-key' ? { kind: 'host-key', decision: 'trust-once' } : null));
    try {
      return await ok<SessionInfo>('session:connect', {
        host: sshd.host,
        port: sshd.port,
        username: sshd.user,
        authMethod: 'key',
        keyPath: sshd.clientKeys.ed25519,
      });
    } finally {
      q.stop();
    }
  };
  const remoteFile = (name: string, content: string | Buffer): string => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    utimesSync(p, 1_500_000_000, 1_500_000_000);
    return p;
  };

  beforeAll(async () => {
    session = await connect();
    dir = mkdtempSync(path.join(sshd.scratch, 'edit-ipc-'));
  });

  it('Edit with the Editor command set: downloaded and uploaded through the transfer queue, under the session', async () => {
    const p = remoteFile('config.yml', 'a: 1\n');
    await ok('settings:set', { editorCommand: editorCommand('rename', 'a: 2\n') });
    expect((await ok<{ editorCommand: string }>('settings:get')).editorCommand).toContain('editor.mjs');
    const since = f.events.length;
    const r = await ok<EditOpenResultDto>('edit:open-files', { sessionId: session.sessionId, paths: [p] });
    expect(r.errors).toEqual([]);
    expect(r.files[0]).toMatchObject({
      sessionId: session.sessionId,
      remotePath: p,
      mode: 'edit',
      state: 'watching',
      pending: false,
      server: { host: sshd.host, port: sshd.port, username: sshd.user },
    });
    const up = await edited(r.files[0]!.id, (d) => d.state === 'uploaded', since);
    expect(up.uploadedAt).toBeGreaterThan(0);
    expect(readFileSync(p, 'utf8')).toBe('a: 2\n');
    const jobs = f.events
      .slice(since)
      .filter((e) => e.event === 'transfer:changed' && (e.payload as TransferJobDto).state === 'done')
      .map((e) => e.payload as TransferJobDto);
    expect(jobs.map((j) => [j.direction, j.label, j.sessionId])).toEqual([
      ['download', 'config.yml', session.sessionId],
      ['upload', 'config.yml', session.sessionId],
    ]);
    expect((await ok<EditedFileDto[]>('edit:list-files')).map((d) => d.id)).toContain(r.files[0]!.id);
    expect(await ok('edit:stop-editing', { editId: r.files[0]!.id })).toEqual({ keptAt: null });
  });

  it('the conflict question goes to the renderer; its answer is applied', async () => {
    const p = remoteFile('index.php', '<?php // v1');
    await ok('settings:set', { editorCommand: editorCommand('record') });
    const r = await ok<EditOpenResultDto>('edit:open-files', { sessionId: session.sessionId, paths: [p] });
    const file = r.files[0]!;
    writeFileSync(p, '<?php // theirs');
    utimesSync(p, 1_600_000_000, 1_600_000_000);
    const q = answering(f, (x) => (x.kind === 'edit-conflict' ? { kind: 'edit-conflict', choice: 'keep-both' } : null));
    writeFileSync(file.localPath, '<?php // mine');
    const done = await edited(file.id, (d) => d.state === 'uploaded');
    q.stop();
    expect(q.asked).toHaveLength(1);
    expect(q.asked[0]).toMatchObject({
      kind: 'edit-conflict',
      editId: file.id,
      remotePath: p,
      keepBothName: 'index (edited).php',
      remote: { size: 15, mtimeMs: 1_600_000_000_000 },
    });
    expect(done.remotePath).toBe(path.join(dir, 'index (edited).php'));
    expect(readFileSync(p, 'utf8')).toBe('<?php // theirs');
    expect(readFileSync(path.join(dir, 'index (edited).php'), 'utf8')).toBe('<?php // mine');
    await ok('edit:stop-editing', { editId: file.id });
  });

  it('a closed question leaves the conflict for the list: edit:resolve-conflict applies it', async () => {
    const p = remoteFile('later.txt', 'v1');
    const r = await ok<EditOpenResultDto>('edit:open-files', { sessionId: session.sessionId, paths: [p] });
    const file = r.files[0]!;
    writeFileSync(p, 'v1 theirs');
    const q = answering(f, (x) => (x.kind === 'edit-conflict' ? { kind: 'edit-conflict', choice: null } : null));
    writeFileSync(file.localPath, 'v2 mine');
    const c = await edited(file.id, (d) => d.state === 'conflict');
    expect(c.conflict).toMatchObject({ remote: { size: 9 }, local: { size: 7 } });
    await new Promise((res) => setTimeout(res, 300));
    q.stop();
    expect((await ok<EditedFileDto[]>('edit:list-files')).find((d) => d.id === file.id)?.state).toBe('conflict');
    expect((await f.call('edit:resolve-conflict', { editId: file.id, choice: 'bogus' })).error?.code).toBe('INVALID_ARGUMENT');
    const since = f.events.length;
    await ok('edit:resolve-conflict', { editId: file.id, choice: 'discard' });
    await edited(file.id, (d) => d.state === 'watching' && !d.pending, since);
    expect(readFileSync(file.localPath, 'utf8')).toBe('v1 theirs');
    expect(readFileSync(p, 'utf8')).toBe('v1 theirs');
    await ok('edit:stop-editing', { editId: file.id });
  });

  it('Open with no Editor command uses the injected default application, and refuses programs', async () => {
    await ok('settings:set', { editorCommand: '' });
    const doc = remoteFile('photo.svg', '<svg/>');
    const prog = remoteFile('install.desktop', '[Desktop Entry]\nExec=rm -rf ~');
    const r = await ok<EditOpenResultDto>('edit:open-files', { sessionId: session.sessionId, paths: [doc, prog], mode: 'open' });
    expect(r.files.map((x) => x.remotePath)).toEqual([doc]);
    expect(opened).toEqual([r.files[0]!.localPath]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'EXECUTABLE_REFUSED', path: prog })]);
    await ok('edit:stop-editing', { editId: r.files[0]!.id });
  });

  it('files above the size setting ask first; "no" downloads nothing', async () => {
    await ok('settings:set', { editorCommand: editorCommand('record'), editLargeFileMiB: 1 });
    const big = remoteFile('big.sql', Buffer.alloc(1024 * 1024 + 1, 0x2d));
    const q = answering(f, (x) => (x.kind === 'edit-large' ? { kind: 'edit-large', download: false } : null));
    const r = await ok<EditOpenResultDto>('edit:open-files', { sessionId: session.sessionId, paths: [big] });
    q.stop();
    expect(q.asked).toEqual([expect.objectContaining({ kind: 'edit-large', files: [{ path: big, size: 1024 * 1024 + 1 }], limitBytes: 1024 * 1024 })]);
    expect(r).toEqual({ files: [], errors: [expect.objectContaining({ code: 'CANCELLED', path: big })] });
    await ok('settings:set', { editLargeFileMiB: 50 });
  });

  it('a dropped session keeps the change and uploads it once a session to the same server connects; quit keeps what is unsent', async () => {
    await ok('settings:set', { editorCommand: editorCommand('record') });
    const p = remoteFile('draft.txt', 'one');
    const r = await ok<EditOpenResultDto>('edit:open-files', { sessionId: session.sessionId, paths: [p] });
    const file = r.files[0]!;
    await ok('session:disconnect', { sessionId: session.sessionId });
    writeFileSync(file.localPath, 'two');
    const failed = await edited(file.id, (d) => d.state === 'failed');
    expect(failed).toMatchObject({ pending: true, waitingForConnection: true, error: { code: 'NOT_CONNECTED' } });
    session = await connect();
    const up = await edited(file.id, (d) => d.state === 'uploaded');
    expect(up.sessionId).toBe(session.sessionId);
    expect(readFileSync(p, 'utf8')).toBe('two');

    // Quitting with an unsent change: the copy moves to "Kept edits" in the config folder.
    await ok('session:disconnect', { sessionId: session.sessionId });
    const since = f.events.length;
    writeFileSync(file.localPath, 'three');
    await edited(file.id, (d) => d.state === 'failed', since);
    expect(f.ctx.services.edits.hasUnsent()).toBe(true);
    const keptDir = f.ctx.services.edits.keptDir;
    expect(keptDir).toBe(path.join(f.tmp, 'config', 'Skiff', 'Kept edits'));
    await f.ctx.dispose();
    const [stamp] = readdirSync(keptDir);
    expect(readFileSync(path.join(keptDir, stamp!, 'draft.txt'), 'utf8')).toBe('three');
    expect(existsSync(file.localPath)).toBe(false);
    expect(f.events.some((e) => e.event === 'edit:file-removed' && (e.payload as { keptAt: string }).keptAt === path.join(keptDir, stamp!, 'draft.txt'))).toBe(
      true,
    );
  });

  it('validates its arguments', async () => {
    expect((await f.call('edit:open-files', { sessionId: 'nope', paths: ['/x'] })).error?.code).toBe('NOT_CONNECTED');
    expect((await f.call('edit:open-files', { sessionId: 'x', paths: ['relative'] })).error?.code).toBe('INVALID_ARGUMENT');
    expect((await f.call('edit:open-files', { sessionId: 'x', paths: [] })).error?.code).toBe('INVALID_ARGUMENT');
    expect((await f.call('edit:stop-editing', { editId: 'unknown' })).error?.code).toBe('INVALID_ARGUMENT');
    expect((await f.call('settings:set', { editorCommand: 'a\0b' })).error?.code).toBe('INVALID_ARGUMENT');
    expect(await ok('edit:take-recovered')).toEqual([]);
  });
});
