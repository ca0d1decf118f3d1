// The server's storage seen directly, to check what a transfer really left there: the local disk
// behind a real server (whose SFTP paths map onto local paths), or the scripted server's tree.
import { existsSync, lchownSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeNode } from '../fake-server';
import type { DiskEntry, ServerDisk } from './types';

/**
 * The disk under a real server; `toLocal` maps a server path to the local one. With `owner`,
 * what the test puts there is given to the server's account (the tests may run as root, the
 * server's login not).
 */
export function localDisk(toLocal: (p: string) => string, owner?: { uid: number; gid: number }): ServerDisk {
  /** Creates the missing folders of `dir` (local path), owned by `owner`. */
  const mkdirs = (dir: string): void => {
    const missing: string[] = [];
    for (let d = dir; !existsSync(d); d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) {
      mkdirSync(d);
      if (owner) lchownSync(d, owner.uid, owner.gid);
    }
  };
  const own = (local: string): void => {
    if (owner) lchownSync(local, owner.uid, owner.gid);
  };
  const lst = (p: string): ReturnType<typeof lstatSync> | null => {
    try {
      return lstatSync(toLocal(p));
    } catch {
      return null;
    }
  };
  return {
    read: (p) => {
      try {
        return readFileSync(toLocal(p));
      } catch {
        return null;
      }
    },
    lstat: (p): DiskEntry | null => {
      const st = lst(p);
      if (!st) return null;
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other';
      return { type, size: Number(st.size), mode: Number(st.mode) & 0o7777, mtimeMs: Math.floor(Number(st.mtimeMs)), uid: Number(st.uid), gid: Number(st.gid) };
    },
    readlink: (p) => {
      try {
        return readlinkSync(toLocal(p));
      } catch {
        return null;
      }
    },
    list: (p) => readdirSync(toLocal(p)).sort(),
    write: (p, data, mtimeSec) => {
      mkdirs(path.dirname(toLocal(p)));
      writeFileSync(toLocal(p), data);
      own(toLocal(p));
      if (mtimeSec !== undefined) utimesSync(toLocal(p), mtimeSec, mtimeSec);
    },
    mkdir: (p) => mkdirs(toLocal(p)),
    symlink: (target, p) => {
      symlinkSync(target, toLocal(p));
      own(toLocal(p));
    },
    remove: (p) => rmSync(toLocal(p), { recursive: true, force: true }),
  };
}

/** The scripted server's in-memory tree (absolute posix paths). */
export function fakeDisk(files: Map<string, FakeNode>, owner: { uid: number; gid: number }): ServerDisk {
  const norm = (p: string): string => path.posix.resolve('/', p);
  const ensureDirs = (p: string): void => {
    let cur = '/';
    for (const part of norm(p).split('/').filter(Boolean)) {
      cur = path.posix.join(cur, part);
      if (!files.has(cur)) files.set(cur, { type: 'dir', mode: 0o755, mtime: Math.floor(Date.now() / 1000) });
    }
  };
  return {
    read: (p) => {
      const n = files.get(norm(p));
      return n?.type === 'file' ? Buffer.from(n.data) : null;
    },
    lstat: (p): DiskEntry | null => {
      const n = files.get(norm(p));
      if (!n) return null;
      const base = {
        mtimeMs: n.mtime * 1000,
        uid: (n.type === 'symlink' ? undefined : n.uid) ?? owner.uid,
        gid: (n.type === 'symlink' ? undefined : n.gid) ?? owner.gid,
      };
      if (n.type === 'file') return { ...base, type: 'file', size: n.data.length, mode: n.mode };
      if (n.type === 'dir') return { ...base, type: 'directory', size: 4096, mode: n.mode };
      return { ...base, type: 'symlink', size: n.target.length, mode: 0o777 };
    },
    readlink: (p) => {
      const n = files.get(norm(p));
      return n?.type === 'symlink' ? n.target : null;
    },
    list: (p) => {
      const dir = norm(p);
      const prefix = dir === '/' ? '/' : `${dir}/`;
      return [...files.keys()]
        .filter((k) => k !== dir && k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
        .map((k) => k.slice(prefix.length))
        .sort();
    },
    write: (p, data, mtimeSec) => {
      ensureDirs(path.posix.dirname(norm(p)));
      files.set(norm(p), { type: 'file', data: Buffer.from(data), mode: 0o644, mtime: mtimeSec ?? Math.floor(Date.now() / 1000) });
    },
    mkdir: (p) => ensureDirs(p),
    symlink: (target, p) => {
      ensureDirs(path.posix.dirname(norm(p)));
      files.set(norm(p), { type: 'symlink', target, mtime: Math.floor(Date.now() / 1000) });
    },
    remove: (p) => {
      const a = norm(p);
      for (const k of [...files.keys()]) if (k === a || k.startsWith(`${a}/`)) files.delete(k);
    },
  };
}
