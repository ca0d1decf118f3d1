// Where edited copies live: one private folder (mode 0700) per Skiff process, one inside it per
// SFTP session, and one per edited file holding the editor's copy (`edit/`, the folder watched)
// and the snapshot being uploaded (`upload/`, never touched by the editor). Copies whose last
// change did not reach the server are moved to a lasting folder instead of being deleted.
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fromNodeError } from '../errors';
import { resolveInside } from '../transfers/safe-name';
import { safeLocalName } from './local-name';
import type { EditServer } from './types';

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
    this.root ??= mkdtemp(path.join(this.tempParent, 'skiff-edit-')).then(async (d) => {
      await chmod(d, PRIVATE);
      return d;
    });
    return this.root;
  }

  /** A new folder for one edited file of `sessionId`; the copy gets a safe local name for `remoteName`. */
  async create(sessionId: string, server: EditServer, remoteName: string): Promise<EditFolder> {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = this.rootDir().then((r) => mkdtemp(path.join(r, `${safeLocalName(`${server.username}@${server.host}`)}-`))).then(async (d) => {
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
