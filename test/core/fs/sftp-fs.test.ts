// SftpFs against the REAL OpenSSH sftp-server. The server runs on this machine, so every
// effect is checked with node:fs on the same paths (a second, independent witness).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../../electron/core/sftp/session';
import type { SftpSession } from '../../../electron/core/sftp/types';
import type { FileSystem } from '../../../electron/core/fs/file-system';
import { startFakeServer, type FakeServer } from '../../support/fake-server';
import { findOpenSsh } from '../../support/sshd';
import { rejectsWith, trustAll } from '../sftp/support';

const sshd = inject('sshd');
let session: SftpSession;
let sfs: FileSystem;
let root: string;
const isRoot = process.getuid?.() === 0;

beforeAll(async () => {
  session = await connect({ host: sshd.host, port: sshd.port, username: sshd.user, privateKeyPath: sshd.clientKeys.ed25519, verifyHostKey: trustAll });
  sfs = session.fs;
  root = fs.mkdtempSync(path.join(sshd.scratch, 'sftpfs-'));
});
afterAll(async () => {
  await session?.close();
  if (root) {
    // Restore permissions a test may have taken away, so the cleanup itself works.
    for (const p of [path.join(root, 'locked')]) if (fs.existsSync(p)) fs.chmodSync(p, 0o755);
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/** A fresh folder for one test. */
function dir(name: string): string {
  const d = path.join(root, name);
  fs.mkdirSync(d);
  return d;
}

describe('paths', () => {
  it('home() is the login folder and realpath resolves .. and links', async () => {
    // What OpenSSH itself calls home for this login (it falls back to / when the folder is missing).
    const pwd = execFileSync(
      findOpenSsh('ssh'),
      [
        '-i',
        sshd.clientKeys.ed25519,
        '-p',
        String(sshd.port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'LogLevel=ERROR',
        `${sshd.user}@${sshd.host}`,
        'pwd',
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(await sfs.home()).toBe(pwd);
    const d = dir('real');
    fs.mkdirSync(path.join(d, 'x'));
    fs.symlinkSync('x', path.join(d, 'lx'));
    expect(await sfs.realpath(`${d}/x/../lx`)).toBe(path.join(d, 'x'));
    expect(sfs.path.join('/a', 'b', '../c')).toBe('/a/c');
    expect(sfs.kind).toBe('sftp');
  });
});

describe('list', () => {
  it('returns files, folders and links with type, size, mode, times, owner and link targets', async () => {
    const d = dir('list');
    fs.writeFileSync(path.join(d, 'file.txt'), 'hello');
    fs.chmodSync(path.join(d, 'file.txt'), 0o640);
    fs.mkdirSync(path.join(d, 'sub'));
    fs.symlinkSync('file.txt', path.join(d, 'to-file'));
    fs.symlinkSync('sub', path.join(d, 'to-dir'));
    fs.symlinkSync('missing', path.join(d, 'broken'));
    fs.utimesSync(path.join(d, 'file.txt'), 1_600_000_000, 1_600_000_500);
    const list = await sfs.list(d);
    const by = Object.fromEntries(list.map((e) => [e.name, e]));
    expect(Object.keys(by).sort()).toEqual(['broken', 'file.txt', 'sub', 'to-dir', 'to-file']);
    const me = os.userInfo();
    expect(by['file.txt']).toMatchObject({
      type: 'file',
      path: path.join(d, 'file.txt'),
      size: 5,
      mode: 0o640,
      mtimeMs: 1_600_000_500_000,
      atimeMs: 1_600_000_000_000,
      uid: me.uid,
      gid: me.gid,
      owner: me.username,
    });
    expect(by['sub']).toMatchObject({ type: 'directory' });
    expect(by['to-file']).toMatchObject({ type: 'symlink', linkTarget: 'file.txt', targetType: 'file' });
    expect(by['to-dir']).toMatchObject({ type: 'symlink', linkTarget: 'sub', targetType: 'directory' });
    expect(by['broken']).toMatchObject({ type: 'symlink', linkTarget: 'missing', targetType: 'broken' });
    expect(by['file.txt']!.linkTarget).toBeUndefined();
  });

  it('streams a big folder in several batches', async () => {
    const d = dir('many');
    for (let i = 0; i < 1500; i++) fs.writeFileSync(path.join(d, `f${i}`), '');
    let batches = 0;
    let count = 0;
    for await (const b of sfs.listBatches(d)) {
      batches += 1;
      count += b.length;
    }
    expect(count).toBe(1500);
    expect(batches).toBeGreaterThan(1);
  });

  it('cancels with CANCELLED', async () => {
    const d = dir('cancel-list');
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(sfs.list(d, { signal: ac.signal }), 'CANCELLED');
  });

  it('NO_SUCH_FILE for a missing folder, NOT_A_DIRECTORY for a file', async () => {
    const d = dir('list-errors');
    fs.writeFileSync(path.join(d, 'f'), 'x');
    const e = await rejectsWith(sfs.list(path.join(d, 'nope')), 'NO_SUCH_FILE');
    expect(e.path).toBe(path.join(d, 'nope'));
    expect(e.message).toContain(path.join(d, 'nope'));
    await rejectsWith(sfs.list(path.join(d, 'f')), 'NOT_A_DIRECTORY');
  });
});

describe('stat', () => {
  it('stat follows links, lstat does not, statOrNull is null for missing paths', async () => {
    const d = dir('stat');
    fs.writeFileSync(path.join(d, 'f'), 'abc');
    fs.symlinkSync('f', path.join(d, 'l'));
    expect(await sfs.stat(path.join(d, 'l'))).toMatchObject({ type: 'file', size: 3 });
    expect((await sfs.lstat(path.join(d, 'l'))).type).toBe('symlink');
    expect(await sfs.statOrNull(path.join(d, 'missing'))).toBeNull();
    expect((await sfs.statOrNull(d))?.type).toBe('directory');
    await rejectsWith(sfs.stat(path.join(d, 'missing')), 'NO_SUCH_FILE');
  });
});

describe('mkdir', () => {
  it('creates a folder with a mode, refuses an existing one with ALREADY_EXISTS', async () => {
    const d = dir('mkdir');
    await sfs.mkdir(path.join(d, 'a'), { mode: 0o700 });
    expect(fs.statSync(path.join(d, 'a')).mode & 0o777).toBe(0o700);
    const e = await rejectsWith(sfs.mkdir(path.join(d, 'a')), 'ALREADY_EXISTS');
    expect(e.path).toBe(path.join(d, 'a'));
  });

  it('recursive creates parents and is fine when the folder exists', async () => {
    const d = dir('mkdirp');
    await sfs.mkdir(path.join(d, 'x/y/z'), { recursive: true });
    expect(fs.statSync(path.join(d, 'x/y/z')).isDirectory()).toBe(true);
    await sfs.mkdir(path.join(d, 'x/y/z'), { recursive: true });
    await sfs.mkdir(path.join(d, 'x/y/z2'), { recursive: true });
    expect(fs.readdirSync(path.join(d, 'x/y')).sort()).toEqual(['z', 'z2']);
  });

  it('NO_SUCH_FILE without parents, NOT_A_DIRECTORY when a parent is a file', async () => {
    const d = dir('mkdir-errors');
    fs.writeFileSync(path.join(d, 'file'), '');
    await rejectsWith(sfs.mkdir(path.join(d, 'no/such')), 'NO_SUCH_FILE');
    await rejectsWith(sfs.mkdir(path.join(d, 'file/sub')), 'NOT_A_DIRECTORY');
    await rejectsWith(sfs.mkdir(path.join(d, 'file/sub/deeper'), { recursive: true }), 'NOT_A_DIRECTORY');
  });
});

describe('rename', () => {
  it('renames files and folders; refuses to replace without overwrite', async () => {
    const d = dir('rename');
    fs.writeFileSync(path.join(d, 'a'), 'A');
    fs.writeFileSync(path.join(d, 'b'), 'B');
    fs.mkdirSync(path.join(d, 'dir'));
    await sfs.rename(path.join(d, 'dir'), path.join(d, 'dir2'));
    expect(fs.existsSync(path.join(d, 'dir2'))).toBe(true);
    await rejectsWith(sfs.rename(path.join(d, 'a'), path.join(d, 'b')), 'ALREADY_EXISTS');
    expect(fs.readFileSync(path.join(d, 'b'), 'utf8')).toBe('B');
    await sfs.rename(path.join(d, 'a'), path.join(d, 'c'));
    expect(fs.readFileSync(path.join(d, 'c'), 'utf8')).toBe('A');
    await rejectsWith(sfs.rename(path.join(d, 'gone'), path.join(d, 'x')), 'NO_SUCH_FILE');
  });

  it('overwrite replaces the target atomically with posix-rename@openssh.com', async () => {
    const d = dir('rename-over');
    fs.writeFileSync(path.join(d, 'new'), 'NEW');
    fs.writeFileSync(path.join(d, 'old'), 'OLD');
    const inode = fs.statSync(path.join(d, 'new')).ino;
    await sfs.rename(path.join(d, 'new'), path.join(d, 'old'), { overwrite: true });
    expect(fs.readFileSync(path.join(d, 'old'), 'utf8')).toBe('NEW');
    expect(fs.statSync(path.join(d, 'old')).ino).toBe(inode);
    expect(fs.existsSync(path.join(d, 'new'))).toBe(false);
  });
});

describe('remove', () => {
  it('removes a file and a link (not its target)', async () => {
    const d = dir('rm');
    fs.writeFileSync(path.join(d, 'f'), '');
    fs.symlinkSync('f', path.join(d, 'l'));
    await sfs.remove(path.join(d, 'l'));
    expect(fs.existsSync(path.join(d, 'f'))).toBe(true);
    await sfs.remove(path.join(d, 'f'));
    expect(fs.readdirSync(d)).toEqual([]);
    await rejectsWith(sfs.remove(path.join(d, 'f')), 'NO_SUCH_FILE');
  });

  it('DIRECTORY_NOT_EMPTY without recursive; recursive deletes the tree but never follows links out of it', async () => {
    const d = dir('rmr');
    const outside = dir('rmr-outside');
    fs.writeFileSync(path.join(outside, 'keep.txt'), 'keep');
    fs.mkdirSync(path.join(d, 't/a/b'), { recursive: true });
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(d, 't/a', `f${i}`), 'x');
    fs.writeFileSync(path.join(d, 't/a/b/deep'), 'x');
    fs.symlinkSync(outside, path.join(d, 't/escape'));
    fs.mkdirSync(path.join(d, 'empty'));
    await sfs.remove(path.join(d, 'empty'));
    expect(fs.existsSync(path.join(d, 'empty'))).toBe(false);
    await rejectsWith(sfs.remove(path.join(d, 't')), 'DIRECTORY_NOT_EMPTY');
    await sfs.remove(path.join(d, 't'), { recursive: true });
    expect(fs.existsSync(path.join(d, 't'))).toBe(false);
    expect(fs.readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe('keep');
  });

  it('recursive remove deletes a deep, wide tree completely', async () => {
    const d = dir('rm-deep');
    const make = (at: string, depth: number): void => {
      for (let f = 0; f < 5; f++) fs.writeFileSync(path.join(at, `f${f}`), 'x');
      if (depth === 0) return;
      for (let k = 0; k < 3; k++) {
        const sub = path.join(at, `d${k}`);
        fs.mkdirSync(sub);
        make(sub, depth - 1);
      }
    };
    fs.mkdirSync(path.join(d, 'tree'));
    make(path.join(d, 'tree'), 4);
    await sfs.remove(path.join(d, 'tree'), { recursive: true });
    expect(fs.readdirSync(d)).toEqual([]);
  });

  it('a recursive remove stops with CANCELLED when aborted', async () => {
    const d = dir('rm-cancel');
    fs.mkdirSync(path.join(d, 't'));
    fs.writeFileSync(path.join(d, 't/f'), '');
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(sfs.remove(path.join(d, 't'), { recursive: true, signal: ac.signal }), 'CANCELLED');
    expect(fs.existsSync(path.join(d, 't/f'))).toBe(true);
  });
});

describe('chmod, utimes, symlink, readlink', () => {
  it('chmod sets permission bits', async () => {
    const d = dir('chmod');
    fs.writeFileSync(path.join(d, 'f'), '');
    await sfs.chmod(path.join(d, 'f'), 0o604);
    expect(fs.statSync(path.join(d, 'f')).mode & 0o7777).toBe(0o604);
    expect((await sfs.stat(path.join(d, 'f'))).mode).toBe(0o604);
    await rejectsWith(sfs.chmod(path.join(d, 'nope'), 0o600), 'NO_SUCH_FILE');
  });

  it('utimes sets access and modification times (whole seconds)', async () => {
    const d = dir('utimes');
    fs.writeFileSync(path.join(d, 'f'), '');
    await sfs.utimes(path.join(d, 'f'), 1_500_000_000_000, 1_500_000_123_900);
    const st = fs.statSync(path.join(d, 'f'));
    expect(st.mtimeMs).toBe(1_500_000_123_000);
    expect(st.atimeMs).toBe(1_500_000_000_000);
  });

  it('symlink(target, link) creates link → target (OpenSSH argument order handled), readlink reads it back', async () => {
    const d = dir('symlink');
    fs.writeFileSync(path.join(d, 'target.txt'), 't');
    await sfs.symlink('target.txt', path.join(d, 'link'));
    expect(fs.readlinkSync(path.join(d, 'link'))).toBe('target.txt');
    expect(await sfs.readlink(path.join(d, 'link'))).toBe('target.txt');
    await rejectsWith(sfs.symlink('other', path.join(d, 'link')), 'ALREADY_EXISTS');
    const e = await rejectsWith(sfs.readlink(path.join(d, 'target.txt')), 'INVALID_ARGUMENT');
    expect(e.message).toMatch(/not a symbolic link/);
  });
});

describe('open: positional I/O', () => {
  it('writes and reads 3 MiB with every request in flight at once, byte-exact', async () => {
    const d = dir('io');
    const data = randomBytes(3 * 1024 * 1024 + 123);
    const p = path.join(d, 'blob.bin');
    const w = await sfs.open(p, 'w', 0o600);
    const chunk = sfs.maxWriteSize;
    const writes: Array<Promise<void>> = [];
    // Issue in reverse order: the server must place each at its offset, not append.
    for (let off = Math.floor((data.length - 1) / chunk) * chunk; off >= 0; off -= chunk) {
      writes.push(w.write(data, off, Math.min(chunk, data.length - off), off));
    }
    await Promise.all(writes);
    expect((await w.stat()).size).toBe(data.length);
    await w.close();
    const local = fs.readFileSync(p);
    expect(createHash('sha256').update(local).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(fs.statSync(p).mode & 0o777).toBe(0o600);

    const r = await sfs.open(p, 'r');
    const back = Buffer.alloc(data.length);
    const rchunk = sfs.maxReadSize;
    const reads: Array<Promise<number>> = [];
    for (let off = 0; off < data.length; off += rchunk) reads.push(r.read(back, off, Math.min(rchunk, data.length - off), off));
    const counts = await Promise.all(reads);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(data.length);
    expect(back.equals(data)).toBe(true);
    expect(await r.read(Buffer.alloc(10), 0, 10, data.length)).toBe(0);
    await r.close();
    await r.close();
  });

  it('appends with "a", refuses "wx" on an existing file, names missing and misplaced paths', async () => {
    const d = dir('open-modes');
    fs.writeFileSync(path.join(d, 'f'), 'abc');
    const a = await sfs.open(path.join(d, 'f'), 'a');
    await a.write(Buffer.from('def'), 0, 3, 0);
    await a.close();
    expect(fs.readFileSync(path.join(d, 'f'), 'utf8')).toBe('abcdef');
    await rejectsWith(sfs.open(path.join(d, 'f'), 'wx'), 'ALREADY_EXISTS');
    const x = await sfs.open(path.join(d, 'fresh'), 'wx');
    await x.close();
    expect(fs.existsSync(path.join(d, 'fresh'))).toBe(true);
    await rejectsWith(sfs.open(path.join(d, 'missing'), 'r'), 'NO_SUCH_FILE');
    await rejectsWith(sfs.open(path.join(d, 'f', 'inside'), 'w'), 'NOT_A_DIRECTORY');
    await rejectsWith(sfs.open(d, 'w'), 'IS_A_DIRECTORY');
  });
});

describe('permission denied', () => {
  it('PERMISSION_DENIED for a place the login may not write', async (ctx) => {
    let target: string;
    if (isRoot) {
      // Root ignores file modes; sysfs refuses new entries even to root (EPERM/EACCES).
      try {
        fs.mkdirSync('/sys/skiff-probe');
        fs.rmdirSync('/sys/skiff-probe');
        ctx.skip('running as root and /sys accepts new folders here, so no path refuses root');
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'EACCES') {
          ctx.skip(`running as root and /sys answers ${code}, not a permission error`);
          return;
        }
      }
      target = '/sys/skiff-denied';
    } else {
      const locked = path.join(root, 'locked');
      fs.mkdirSync(locked);
      fs.chmodSync(locked, 0o555);
      target = path.join(locked, 'sub');
    }
    const e = await rejectsWith(sfs.mkdir(target), 'PERMISSION_DENIED');
    expect(e.path).toBe(target);
    expect(e.message).toMatch(/Permission denied/);
  });
});

describe('without OpenSSH extensions (scripted server)', () => {
  let fake: FakeServer;
  let s: SftpSession;
  beforeAll(async () => {
    fake = await startFakeServer({ files: { '/w/a': 'A', '/w/b': 'B', '/w/ro/x': 'x' }, denied: ['/w/ro'] });
    s = await connect({ host: fake.host, port: fake.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
  });
  afterAll(async () => {
    await s?.close();
    await fake?.stop();
  });

  it('a listing on a stalled server rejects CANCELLED as soon as it is aborted', async () => {
    const slow = await startFakeServer({ files: { '/s/x': 'x' }, delayMs: 600_000 });
    try {
      const c = await connect({ host: slow.host, port: slow.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
      const ac = new AbortController();
      const pending = c.fs.list('/s', { signal: ac.signal });
      setImmediate(() => ac.abort());
      await rejectsWith(pending, 'CANCELLED');
      await c.close();
    } finally {
      await slow.stop();
    }
  });

  it('a listing ends at its EOF without waiting for the READDIRs sent behind it (a server taken for OpenSSH)', async () => {
    // 150 entries in replies of 100: the READDIRs kept in flight behind the EOF would each have
    // cost the listing a round trip more; this server never answers them.
    const names = Array.from({ length: 150 }, (_, i) => `e${i}`);
    const held = await startFakeServer({ ident: 'OpenSSH_9.9', files: Object.fromEntries(names.map((n) => [`/d/${n}`, n])), holdReaddirAfterEof: true });
    try {
      const c = await connect({ host: held.host, port: held.port, username: 'tester', password: 'secret', verifyHostKey: trustAll });
      expect(c.profile.readdirAhead).toBe(4);
      expect((await c.fs.list('/d')).map((e) => e.name).sort()).toEqual([...names].sort());
      // The channel is still in use: the held READDIRs block nothing else.
      expect((await c.fs.stat('/d/e7')).size).toBe(2);
      await c.close();
    } finally {
      await held.stop();
    }
  });

  it('rename with overwrite falls back to remove + rename when posix-rename is not offered', async () => {
    expect(s.extensions['posix-rename@openssh.com']).toBeUndefined();
    await rejectsWith(s.fs.rename('/w/a', '/w/b'), 'ALREADY_EXISTS');
    await s.fs.rename('/w/a', '/w/b', { overwrite: true });
    const b = fake.files.get('/w/b');
    expect(b?.type === 'file' && b.data.toString()).toBe('A');
    expect(fake.files.has('/w/a')).toBe(false);
  });

  it('PERMISSION_DENIED from the server reaches the caller with the path', async () => {
    const e = await rejectsWith(s.fs.list('/w/ro'), 'PERMISSION_DENIED');
    expect(e.path).toBe('/w/ro');
  });
});
