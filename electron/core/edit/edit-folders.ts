// Where edited copies live: one private folder (mode 0700) per Skiff process, one inside it per
// SFTP session, and one per edited file holding the editor's copy (`edit/`, the folder watched)
// and the snapshot being uploaded (`upload/`, never touched by the editor). Copies whose last
// change did not reach the server are moved to a lasting folder instead of being deleted.
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { fromNodeError } from '../errors';
import { writeFileAtomic } from '../store/atomic-write';
import { resolveInside } from '../transfers/safe-name';
import { hashFile } from './content-hash';
import { safeLocalName } from './local-name';
import type { EditServer } from './types';

const ROOT_PREFIX = 'skiff-edit-';
const OWNER_FILE = 'owner.json';
const MANIFEST_FILE = 'edit.json';

/** What a file's folder says about it, so a later Skiff can tell an unsent copy after a crash. */
const manifestSchema = z.object({
  server: z.object({ host: z.string(), port: z.number().int(), username: z.string() }),
  remotePath: z.string(),
  /** The copy's name in edit/. */
  localName: z.string(),
  /** SHA-256 of what the server has, as far as Skiff knew. */
  syncedHash: z.string(),
});
export type EditManifest = z.infer<typeof manifestSchema>;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const PRIVATE = 0o700;

export interface EditFolder {
  /** The folder of this one edited file (removed when editing stops). */
  root: string;
  /** Holds only the editor's copy: the folder the save watcher watches. */
  editDir: string;
  /** The editor's copy. */
  localPath: string;
  /** Snapshots of the copy are uploaded from here, so a save during an upload cannot tear it. */
  uploadDir: string;
}

/** Makes a folder that only this user can enter, whatever the umask. */
async function privateDir(p: string): Promise<string> {
  await mkdir(p, { mode: PRIVATE });
  await chmod(p, PRIVATE);
  return p;
}

export class EditFolders {
  private root: Promise<string> | undefined;
  private readonly sessions = new Map<string, Promise<string>>();
  private counter = 0;

  constructor(
    private readonly tempParent: string = os.tmpdir(),
    private readonly keptDir: string,
  ) {}

  /** The process's private folder (made on first use). */
  rootDir(): Promise<string> {
    this.root ??= mkdtemp(path.join(this.tempParent, ROOT_PREFIX)).then(async (d) => {
      await chmod(d, PRIVATE);
      await writeFileAtomic(path.join(d, OWNER_FILE), JSON.stringify({ pid: process.pid }));
      return d;
    });
    return this.root;
  }

  /** A new folder for one edited file of `sessionId`; the copy gets a safe local name for `remoteName`. */
  async create(sessionId: string, server: EditServer, remoteName: string): Promise<EditFolder> {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = this.rootDir()
        .then((r) => mkdtemp(path.join(r, `${safeLocalName(`${server.username}@${server.host}`)}-`)))
        .then(async (d) => {
          await chmod(d, PRIVATE);
          return d;
        });
      this.sessions.set(sessionId, session);
    }
    const root = await privateDir(path.join(await session, String(++this.counter)));
    const editDir = await privateDir(path.join(root, 'edit'));
    const uploadDir = await privateDir(path.join(root, 'upload'));
    // resolveInside proves the name stays one component of editDir, whatever the server called it.
    return { root, editDir, uploadDir, localPath: resolveInside(editDir, [safeLocalName(remoteName)]) };
  }

  /** Records what the server has for this copy (after each download and upload). */
  async record(f: EditFolder, m: EditManifest): Promise<void> {
    await writeFileAtomic(path.join(f.root, MANIFEST_FILE), JSON.stringify(m));
  }

  /**
   * After a crash: private folders of Skiff processes that are gone are swept. A copy whose content
   * differs from what its manifest says the server has (or that has no readable manifest) is kept;
   * the rest is removed. Returns the kept copies.
   */
  async recoverAbandoned(now: Date): Promise<string[]> {
    const kept: string[] = [];
    const mine = this.root ? await this.root.catch(() => null) : null;
    const names = await readdir(this.tempParent).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(ROOT_PREFIX))) {
      const root = path.join(this.tempParent, name);
      if (root === mine) continue;
      const owner = z.object({ pid: z.number().int() }).safeParse(
        await readFile(path.join(root, OWNER_FILE), 'utf8')
          .then(JSON.parse)
          .catch(() => null),
      );
      // Only folders that say whose they are: another user's or another program's are not ours to touch.
      if (!owner.success || processAlive(owner.data.pid)) continue;
      for (const session of await readdir(root).catch(() => [] as string[])) {
        for (const n of await readdir(path.join(root, session)).catch(() => [] as string[])) {
          const fileRoot = path.join(root, session, n);
          const editDir = path.join(fileRoot, 'edit');
          const files = await readdir(editDir).catch(() => [] as string[]);
          const m = manifestSchema.safeParse(
            await readFile(path.join(fileRoot, MANIFEST_FILE), 'utf8')
              .then(JSON.parse)
              .catch(() => null),
          );
          // Without a manifest (a crash during the first download) the copy is the file that is not an editor's swap file.
          const copy = m.success ? files.find((x) => x === m.data.localName) : files.find((x) => !x.startsWith('.'));
          if (!copy) continue;
          const local = path.join(editDir, copy);
          const unsent = !m.success || (await hashFile(local).catch(() => null)) !== m.data.syncedHash;
          if (unsent)
            kept.push(
              await this.keep(
                { root: fileRoot, editDir, uploadDir: path.join(fileRoot, 'upload'), localPath: local },
                m.success ? m.data.server : { host: 'unknown-server', port: 22, username: 'unknown' },
                now,
              ),
            );
        }
      }
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    }
    return kept;
  }

  /** Copies the editor's copy into the upload folder (same mtime) and returns the snapshot's path. */
  async snapshot(f: EditFolder): Promise<string> {
    const to = path.join(f.uploadDir, path.basename(f.localPath));
    try {
      const st = await stat(f.localPath);
      await copyFile(f.localPath, to);
      await utimes(to, st.atime, st.mtime);
    } catch (err) {
      throw fromNodeError(err, f.localPath);
    }
    return to;
  }

  /** Moves an unsent copy to the lasting folder (`<keptDir>/<when> <user@host>/<name>`) and returns where it went. */
  async keep(f: EditFolder, server: EditServer, now: Date): Promise<string> {
    const stamp = now.toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '-');
    await mkdir(this.keptDir, { recursive: true, mode: PRIVATE });
    let dir = path.join(this.keptDir, safeLocalName(`${stamp} ${server.username}@${server.host}`));
    for (let n = 2; ; n++) {
      try {
        await mkdir(dir, { mode: PRIVATE });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw fromNodeError(err, dir);
        dir = path.join(this.keptDir, safeLocalName(`${stamp} ${server.username}@${server.host} ${n}`));
      }
    }
    const to = path.join(dir, path.basename(f.localPath));
    try {
      await rename(f.localPath, to);
    } catch (err) {
      // /tmp is often another file system than the config folder.
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw fromNodeError(err, f.localPath);
      const st = await stat(f.localPath);
      await copyFile(f.localPath, to);
      await utimes(to, st.atime, st.mtime);
      await rm(f.localPath, { force: true });
    }
    return to;
  }

  /** Removes one file's folder (its copy, snapshot and whatever the editor left beside it). */
  async remove(f: EditFolder): Promise<void> {
    await rm(f.root, { recursive: true, force: true });
  }

  /** Removes the process's folder; kept copies are elsewhere. */
  async removeAll(): Promise<void> {
    if (!this.root) return;
    const r = await this.root.catch(() => null);
    if (r) await rm(r, { recursive: true, force: true });
    this.root = undefined;
    this.sessions.clear();
  }
}
