// One compatibility suite, run against every server of the test bed's matrix (one test file per
// server). Everything goes through the engine's real code paths, as the app uses them: the
// session, SftpFs and the TransferQueue. Every case checks the bytes (sha256) and what the
// server's own storage holds afterwards, read directly. Where a server cannot do something
// (rclone has no symlinks), the case asserts the clear error the user gets, not a skip.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEntries } from '../../electron/app/find';
import { isSkiffError } from '../../electron/core/errors';
import { LocalFs } from '../../electron/core/fs/local-fs';
import type { ServerSoftware } from '../../electron/core/sftp/server-profile';
import type { SftpSession } from '../../electron/core/sftp/types';
import { sessionEndpoint } from '../../electron/core/transfers/session-endpoint';
import { TransferQueue } from '../../electron/core/transfers/transfer-queue';
import type { ConflictPolicy, TransferJobSnapshot, TransferSpec } from '../../electron/core/transfers/types';
import { patternBytes, tempDir, treeDigest } from '../core/transfers/helpers';
import { startLinkProxy } from '../support/link-proxy';
import { SERVERS, type MatrixServer, type ServerDisk, type ServerKind } from '../support/servers';

const KiB = 1024;
const MiB = 1024 * KiB;
/** A whole second, as SFTP v3 carries times. */
const T0 = 1_600_000_000;

const isRoot = process.getuid?.() === 0;

/** What each server can do; the suite asserts the clear error where it cannot. */
interface Expectation {
  software: ServerSoftware;
  symlinks: boolean;
  /** chmod changes the mode on the server's disk. */
  permissions: boolean;
  /** chown: to any owner (root, or a server that allows it), only to the account's own, or not at all. */
  chown: 'any' | 'own' | 'none';
}

const EXPECTED: Record<ServerKind, Expectation> = {
  openssh: { software: 'openssh', symlinks: true, permissions: true, chown: isRoot ? 'any' : 'own' },
  gesftpserver: { software: 'gesftpserver', symlinks: true, permissions: true, chown: isRoot ? 'any' : 'own' },
  proftpd: { software: 'proftpd', symlinks: true, permissions: true, chown: isRoot ? 'any' : 'own' },
  rclone: { software: 'go-pkg-sftp', symlinks: false, permissions: false, chown: 'none' },
  dropbear: { software: 'openssh', symlinks: true, permissions: true, chown: 'own' },
  scripted: { software: 'unknown', symlinks: true, permissions: true, chown: 'any' },
};

const sha = (b: Buffer | null): string => (b === null ? 'missing' : createHash('sha256').update(b).digest('hex'));

/** Relative path → sha256 / 'dir' / 'link' of a tree on the server's disk. */
function diskTree(disk: ServerDisk, root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string): void => {
    for (const name of disk.list(dir)) {
      const p = path.posix.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = disk.lstat(p)!;
      if (st.type === 'directory') {
        out[r] = 'dir';
        walk(p, r);
      } else out[r] = st.type === 'symlink' ? 'link' : sha(disk.read(p));
    }
  };
  walk(root, '');
  return out;
}

function localFile(dir: string, name: string, data: Buffer, mtimeSec = T0): string {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, data);
  utimesSync(p, mtimeSec, mtimeSec);
  return p;
}

/** Registers the whole suite for one server of the matrix (or one skipped test saying why it cannot run here). */
export function compatSuite(kind: ServerKind): void {
  const starter = SERVERS[kind];
  const why = starter.unavailable();
  if (why !== null) {
    it(`${kind}: the compatibility suite`, (ctx) => ctx.skip(why));
    return;
  }
  const want = EXPECTED[kind];

  describe.sequential(`compatibility: ${kind}`, () => {
    let server: MatrixServer;
    let session: SftpSession;
    let disk: ServerDisk;
    const queue = new TransferQueue({ defaultConflict: 'overwrite', retryBaseDelayMs: 200 });
    let n = 0;
    /** A fresh folder on the server for one case (made on its disk, so the case tests only its own steps). */
    const remoteDir = (name: string): string => {
      const p = path.posix.join(server.workDir, `${++n}-${name}`);
      disk.mkdir(p);
      return p;
    };
    const remote = () => sessionEndpoint(session, () => server.connect());
    const local = () => ({ fs: new LocalFs() });
    const run = async (
      spec: Omit<TransferSpec, 'source' | 'target'> & { source?: TransferSpec['source']; target?: TransferSpec['target'] },
    ): Promise<TransferJobSnapshot> => {
      const full: TransferSpec = {
        ...spec,
        source: spec.source ?? (spec.direction === 'upload' ? local() : remote()),
        target: spec.target ?? (spec.direction === 'upload' ? remote() : local()),
      };
      return queue.whenSettled(queue.add(full).id);
    };
    const expectDone = (snap: TransferJobSnapshot): void => {
      expect({ state: snap.state, fileErrors: snap.fileErrors, error: snap.error }).toEqual({ state: 'done', fileErrors: [], error: undefined });
    };
    /** Nothing but `names` in the folder on the server's disk (no .skiffpart, no moved-aside old copy). */
    const onlyThese = (dir: string, names: string[]): void => {
      expect(disk.list(dir)).toEqual([...names].sort());
    };

    beforeAll(async () => {
      server = await starter.start();
      disk = server.disk;
      session = await server.connect();
    }, 60_000);
    afterAll(async () => {
      await session?.close();
      await server?.stop();
    });

    it('recognises the server at login (SSH version, SFTP version, extensions)', () => {
      const info = session.serverInfo();
      console.log(
        `[compat] ${kind}: ${server.name}; detected ${info.softwareLabel}; SSH "${info.sshVersion}", SFTP v${info.sftpVersion}; extensions ${info.extensions.map((e) => e.name).join(', ') || 'none'}; quirks ${info.quirks.map((q) => q.id).join(', ')}`,
      );
      expect(info.software).toBe(want.software);
      expect(info.sshVersion).toMatch(/^SSH-2\.0-/);
      expect(info.sftpVersion).toBe(3);
      expect(info.limits.maxWriteSize).toBeGreaterThanOrEqual(31_952);
    });

    it('uploads and downloads files of 0 B, 1 B, 40 KiB and 1 MiB + 3 B byte-identically, their mtimes kept both ways', async () => {
      const src = tempDir();
      const sizes = [0, 1, 40 * KiB, MiB + 3];
      const files = sizes.map((s, i) => localFile(src, `f${s}.bin`, patternBytes(s, i + 3), T0 + i));
      const up = remoteDir('sizes');
      expectDone(await run({ direction: 'upload', sources: files, targetDir: up }));
      onlyThese(
        up,
        sizes.map((s) => `f${s}.bin`),
      );
      sizes.forEach((s, i) => {
        const p = path.posix.join(up, `f${s}.bin`);
        expect(sha(disk.read(p)), `${p} on the server`).toBe(sha(readFileSync(files[i]!)));
        expect(disk.lstat(p)!.mtimeMs, `mtime of ${p} on the server`).toBe((T0 + i) * 1000);
      });
      const back = tempDir();
      expectDone(await run({ direction: 'download', sources: sizes.map((s) => path.posix.join(up, `f${s}.bin`)), targetDir: back }));
      expect(readdirSync(back).sort()).toEqual(sizes.map((s) => `f${s}.bin`).sort());
      sizes.forEach((s, i) => {
        expect(sha(readFileSync(path.join(back, `f${s}.bin`)))).toBe(sha(readFileSync(files[i]!)));
        expect(statSync(path.join(back, `f${s}.bin`)).mtimeMs).toBe((T0 + i) * 1000);
      });
    });

    it('moves a 64 MiB file up and down intact', async () => {
      const src = tempDir();
      const data = patternBytes(64 * MiB, 64);
      const file = localFile(src, 'big.bin', data, T0 + 64);
      const up = remoteDir('big');
      expectDone(await run({ direction: 'upload', sources: [file], targetDir: up }));
      onlyThese(up, ['big.bin']);
      expect(sha(disk.read(path.posix.join(up, 'big.bin')))).toBe(sha(data));
      expect(disk.lstat(path.posix.join(up, 'big.bin'))!.mtimeMs).toBe((T0 + 64) * 1000);
      const back = tempDir();
      expectDone(await run({ direction: 'download', sources: [path.posix.join(up, 'big.bin')], targetDir: back }));
      expect(readdirSync(back)).toEqual(['big.bin']);
      expect(sha(readFileSync(path.join(back, 'big.bin')))).toBe(sha(data));
      expect(statSync(path.join(back, 'big.bin')).mtimeMs).toBe((T0 + 64) * 1000);
    }, 240_000);

    it('uploads and downloads a tree with nested empty folders', async () => {
      const src = tempDir();
      const root = path.join(src, 'tree');
      for (let i = 0; i < 24; i++) localFile(root, `d${i % 3}/sub${i % 2}/f${i}.bin`, patternBytes(i * 1531, i + 11));
      mkdirSync(path.join(root, 'empty', 'nested', 'deeper'), { recursive: true });
      mkdirSync(path.join(root, 'd1', 'also-empty'), { recursive: true });
      const up = remoteDir('tree');
      expectDone(await run({ direction: 'upload', sources: [root], targetDir: up }));
      expect(diskTree(disk, path.posix.join(up, 'tree'))).toEqual(treeDigest(root));
      const back = tempDir();
      expectDone(await run({ direction: 'download', sources: [path.posix.join(up, 'tree')], targetDir: back }));
      expect(treeDigest(path.join(back, 'tree'))).toEqual(treeDigest(root));
    });

    it('overwrites an existing file (its permission bits kept) and leaves nothing else behind', async () => {
      const up = remoteDir('overwrite');
      const target = path.posix.join(up, 'doc.txt');
      disk.write(target, 'old contents', T0);
      if (want.permissions) await session.fs.chmod(target, 0o640);
      const src = tempDir();
      const data = patternBytes(70 * KiB + 5, 5);
      const file = localFile(src, 'doc.txt', data, T0 + 100);
      expectDone(await run({ direction: 'upload', sources: [file], targetDir: up, conflict: 'overwrite' }));
      onlyThese(up, ['doc.txt']);
      expect(sha(disk.read(target))).toBe(sha(data));
      expect(disk.lstat(target)!.mtimeMs).toBe((T0 + 100) * 1000);
      if (want.permissions) expect(disk.lstat(target)!.mode).toBe(0o640);
    });

    if (want.symlinks) {
      it('overwriting a name that is a symlink replaces the link, never the file it points at', async () => {
        const up = remoteDir('over-link');
        disk.write(path.posix.join(up, 'real.txt'), 'the real file');
        disk.symlink('real.txt', path.posix.join(up, 'name.txt'));
        const src = tempDir();
        const file = localFile(src, 'name.txt', Buffer.from('uploaded'), T0 + 3);
        expectDone(await run({ direction: 'upload', sources: [file], targetDir: up, conflict: 'overwrite' }));
        onlyThese(up, ['name.txt', 'real.txt']);
        expect(disk.read(path.posix.join(up, 'real.txt'))?.toString()).toBe('the real file');
        expect(disk.lstat(path.posix.join(up, 'name.txt'))?.type).toBe('file');
        expect(disk.read(path.posix.join(up, 'name.txt'))?.toString()).toBe('uploaded');
      });
    }

    it('renames over an existing name: the new file replaces the old, nothing is left aside', async () => {
      const dir = remoteDir('rename-over');
      disk.write(path.posix.join(dir, 'new.txt'), 'the new one');
      disk.write(path.posix.join(dir, 'old.txt'), 'the old one');
      await session.fs.rename(path.posix.join(dir, 'new.txt'), path.posix.join(dir, 'old.txt'), { overwrite: true });
      onlyThese(dir, ['old.txt']);
      expect(disk.read(path.posix.join(dir, 'old.txt'))?.toString()).toBe('the new one');
      // Without `overwrite` an existing name is refused and both files stay as they were.
      disk.write(path.posix.join(dir, 'third.txt'), 'third');
      const err = await session.fs.rename(path.posix.join(dir, 'third.txt'), path.posix.join(dir, 'old.txt')).then(
        () => null,
        (e: unknown) => e,
      );
      if (kind === 'rclone') {
        // rclone's VFS renames over an existing file (its Rename does not refuse one): the new name wins, nothing else is lost.
        expect(err).toBeNull();
        expect(disk.read(path.posix.join(dir, 'old.txt'))?.toString()).toBe('third');
      } else {
        expect(isSkiffError(err, 'ALREADY_EXISTS')).toBe(true);
        expect(disk.read(path.posix.join(dir, 'old.txt'))?.toString()).toBe('the new one');
        expect(disk.read(path.posix.join(dir, 'third.txt'))?.toString()).toBe('third');
      }
    });

    it('every conflict policy that writes does what it says', async () => {
      const up = remoteDir('conflicts');
      const src = tempDir();
      const data = patternBytes(300 * KiB + 7, 77);
      const newer = localFile(src, 'a.bin', data, T0 + 500);
      const cases: Array<{ policy: ConflictPolicy; existing: { data: Buffer; mtime: number }; expect: 'replaced' | 'kept' | 'renamed' }> = [
        { policy: 'overwrite', existing: { data: Buffer.from('older'), mtime: T0 }, expect: 'replaced' },
        { policy: 'rename', existing: { data: Buffer.from('keep me'), mtime: T0 }, expect: 'renamed' },
        { policy: 'resume', existing: { data: data.subarray(0, 100 * KiB), mtime: T0 }, expect: 'replaced' },
        { policy: 'overwrite-if-newer', existing: { data: Buffer.from('older'), mtime: T0 }, expect: 'replaced' },
        { policy: 'overwrite-if-newer', existing: { data: Buffer.from('newer on the server'), mtime: T0 + 900 }, expect: 'kept' },
        { policy: 'overwrite-if-size-differs', existing: { data: Buffer.from('short'), mtime: T0 }, expect: 'replaced' },
        { policy: 'overwrite-if-size-differs', existing: { data: Buffer.alloc(data.length, 1), mtime: T0 }, expect: 'kept' },
      ];
      for (const [i, c] of cases.entries()) {
        const dir = path.posix.join(up, `${i}-${c.policy}`);
        disk.mkdir(dir);
        disk.write(path.posix.join(dir, 'a.bin'), c.existing.data, c.existing.mtime);
        const snap = await run({ direction: 'upload', sources: [newer], targetDir: dir, conflict: c.policy });
        const label = `${c.policy} (${c.expect})`;
        expect(snap.fileErrors, label).toEqual([]);
        if (c.expect === 'replaced') {
          onlyThese(dir, ['a.bin']);
          expect(sha(disk.read(path.posix.join(dir, 'a.bin'))), label).toBe(sha(data));
          expect(disk.lstat(path.posix.join(dir, 'a.bin'))!.mtimeMs, label).toBe((T0 + 500) * 1000);
        } else if (c.expect === 'kept') {
          onlyThese(dir, ['a.bin']);
          expect(sha(disk.read(path.posix.join(dir, 'a.bin'))), label).toBe(sha(c.existing.data));
        } else {
          onlyThese(dir, ['a (1).bin', 'a.bin']);
          expect(sha(disk.read(path.posix.join(dir, 'a.bin'))), label).toBe(sha(c.existing.data));
          expect(sha(disk.read(path.posix.join(dir, 'a (1).bin'))), label).toBe(sha(data));
        }
      }
    });

    for (const direction of ['upload', 'download'] as const) {
      it(`resumes a ${direction} after the link is cut mid-file`, async () => {
        const link = await startLinkProxy({ targetPort: server.port });
        const viaLink = await server.connect({ port: link.port });
        try {
          const data = patternBytes(24 * MiB + 11, direction === 'upload' ? 21 : 22);
          const dir = remoteDir(`cut-${direction}`);
          const src = tempDir();
          const back = tempDir();
          let sources: string[];
          if (direction === 'upload') sources = [localFile(src, 'cut.bin', data, T0 + 7)];
          else {
            disk.write(path.posix.join(dir, 'cut.bin'), data, T0 + 7);
            sources = [path.posix.join(dir, 'cut.bin')];
          }
          const endpoint = sessionEndpoint(viaLink, () => server.connect({ port: link.port }));
          const q = new TransferQueue({ retryBaseDelayMs: 100, progressIntervalMs: 20 });
          let cut: Promise<void> | null = null;
          q.onEvent((e) => {
            if (e.type === 'progress' && cut === null && e.job.bytesDone > 6 * MiB) cut = link.cutFor(400);
          });
          const job = q.add({
            direction,
            sources,
            source: direction === 'upload' ? local() : endpoint,
            target: direction === 'upload' ? endpoint : local(),
            targetDir: direction === 'upload' ? dir : back,
          });
          const snap = await q.whenSettled(job.id);
          await cut;
          expect(cut, 'the link was cut while the file moved').not.toBeNull();
          expectDone(snap);
          expect(snap.retries).toBeGreaterThanOrEqual(1);
          if (direction === 'upload') {
            onlyThese(dir, ['cut.bin']);
            expect(sha(disk.read(path.posix.join(dir, 'cut.bin')))).toBe(sha(data));
            expect(disk.lstat(path.posix.join(dir, 'cut.bin'))!.mtimeMs).toBe((T0 + 7) * 1000);
          } else {
            expect(readdirSync(back)).toEqual(['cut.bin']);
            expect(sha(readFileSync(path.join(back, 'cut.bin')))).toBe(sha(data));
          }
        } finally {
          await viaLink.close().catch(() => undefined);
          await link.stop();
        }
      }, 180_000);
    }

    it('renames, makes folders and deletes a tree recursively', async () => {
      const dir = remoteDir('ops');
      disk.write(path.posix.join(dir, 'a.txt'), 'a');
      await session.fs.rename(path.posix.join(dir, 'a.txt'), path.posix.join(dir, 'b.txt'));
      await session.fs.mkdir(path.posix.join(dir, 'x', 'y', 'z'), { recursive: true });
      await session.fs.mkdir(path.posix.join(dir, 'single'));
      await session.fs.rename(path.posix.join(dir, 'single'), path.posix.join(dir, 'renamed-folder'));
      onlyThese(dir, ['b.txt', 'renamed-folder', 'x']);
      expect(disk.read(path.posix.join(dir, 'b.txt'))?.toString()).toBe('a');
      expect(disk.lstat(path.posix.join(dir, 'x', 'y', 'z'))?.type).toBe('directory');
      const tree = path.posix.join(dir, 'doomed');
      for (let i = 0; i < 30; i++) disk.write(path.posix.join(tree, `l${i % 4}`, `m${i % 3}`, `f${i}`), `${i}`);
      disk.mkdir(path.posix.join(tree, 'empty', 'inside'));
      await session.fs.remove(tree, { recursive: true });
      expect(disk.lstat(tree)).toBeNull();
      onlyThese(dir, ['b.txt', 'renamed-folder', 'x']);
    });

    it(want.permissions ? 'changes permissions (chmod)' : 'says plainly that it cannot change permissions (chmod)', async () => {
      const dir = remoteDir('chmod');
      const p = path.posix.join(dir, 'script.sh');
      disk.write(p, '#!/bin/sh\n');
      if (want.permissions) {
        await session.fs.chmod(p, 0o750);
        expect(disk.lstat(p)!.mode).toBe(0o750);
      } else {
        const before = disk.lstat(p)!.mode;
        const err = await session.fs.chmod(p, 0o750).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/permissions/) });
        expect((err as Error).message).not.toMatch(/\bcode\b|\b8\b|SSH_FX/);
        expect(disk.lstat(p)!.mode).toBe(before);
      }
    });

    it(`changes the owner where the server lets this account (${want.chown})`, async () => {
      const dir = remoteDir('chown');
      const p = path.posix.join(dir, 'owned.txt');
      disk.write(p, 'x');
      const { uid, gid } = server.account;
      if (want.chown === 'none') {
        const err = await session.fs.chown(p, uid, gid).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/owner/) });
        return;
      }
      await session.fs.chown(p, uid, gid);
      expect(disk.lstat(p)).toMatchObject({ uid, gid });
      if (want.chown === 'any') {
        await session.fs.chown(p, 4242, 4343);
        expect(disk.lstat(p)).toMatchObject({ uid: 4242, gid: 4343 });
      } else {
        const err = await session.fs.chown(p, 4242, 4343).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: expect.stringMatching(/PERMISSION_DENIED|FAILURE|UNSUPPORTED/) });
        expect(disk.lstat(p)).toMatchObject({ uid, gid });
      }
    });

    it(want.symlinks ? 'creates a symlink that readlink reads back, and leaves no stray link' : 'says plainly that it has no symlinks', async () => {
      const dir = remoteDir('symlink');
      disk.write(path.posix.join(dir, 'target.txt'), 'pointed at');
      const homeBefore = disk.list(server.home);
      const link = path.posix.join(dir, 'link');
      if (!want.symlinks) {
        const err = await session.fs.symlink('target.txt', link).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'UNSUPPORTED', message: 'This server does not support symbolic links: “' + link + '” was not created.' });
        onlyThese(dir, ['target.txt']);
        return;
      }
      await session.fs.symlink('target.txt', link);
      expect(disk.readlink(link)).toBe('target.txt');
      const read = await session.fs.readlink(link);
      expect([`target.txt`, path.posix.join(dir, 'target.txt')]).toContain(read);
      expect((await session.fs.stat(link)).size).toBe('pointed at'.length);
      // An absolute target too, and nothing created anywhere else (a wrong argument order would have).
      await session.fs.symlink(path.posix.join(dir, 'target.txt'), path.posix.join(dir, 'abs-link'));
      expect(disk.readlink(path.posix.join(dir, 'abs-link'))).toBe(path.posix.join(dir, 'target.txt'));
      onlyThese(dir, ['abs-link', 'link', 'target.txt']);
      expect(disk.list(server.home)).toEqual(homeBefore);
      // Renaming a link moves the link, never the file it points at.
      await session.fs.rename(link, path.posix.join(dir, 'moved-link'));
      onlyThese(dir, ['abs-link', 'moved-link', 'target.txt']);
      expect(disk.lstat(path.posix.join(dir, 'moved-link'))?.type).toBe('symlink');
      expect(['target.txt', path.posix.join(dir, 'target.txt')]).toContain(disk.readlink(path.posix.join(dir, 'moved-link')));
      expect(disk.read(path.posix.join(dir, 'target.txt'))?.toString()).toBe('pointed at');
    });

    it('finds files by name and by glob', async () => {
      const dir = remoteDir('find');
      const names = ['report-1.csv', 'a/report-2.csv', 'a/b/needle.txt', 'a/b/c/report-3.csv', 'z/needle.txt.bak', 'z/other.txt'];
      for (const f of names) disk.write(path.posix.join(dir, f), f);
      const collect = async (pattern: string, mode: 'name' | 'glob'): Promise<string[]> => {
        const out: string[] = [];
        for await (const e of findEntries(session.fs, dir, { pattern, mode, caseSensitive: false, signal: new AbortController().signal }))
          out.push(path.posix.relative(dir, e.path));
        return out.sort();
      };
      expect(await collect('needle.txt', 'name')).toEqual(['a/b/needle.txt']);
      expect(await collect('*.csv', 'glob')).toEqual(['a/b/c/report-3.csv', 'a/report-2.csv', 'report-1.csv']);
    });

    it('lists a folder of 5,000 entries', async () => {
      const dir = remoteDir('many');
      const names = Array.from({ length: 5000 }, (_, i) => `entry-${String(i).padStart(4, '0')}.dat`);
      for (const name of names) disk.write(path.posix.join(dir, name), '');
      const listed = await session.fs.list(dir);
      expect(listed.map((e) => e.name).sort()).toEqual(names);
      expect(listed.every((e) => e.type === 'file' && e.size === 0)).toBe(true);
      let batches = 0;
      let total = 0;
      for await (const b of session.fs.listBatches(dir)) {
        batches++;
        total += b.length;
      }
      expect(total).toBe(5000);
      expect(batches).toBeGreaterThan(1);
    });
  });
}
