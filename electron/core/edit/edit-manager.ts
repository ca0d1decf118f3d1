// Edit a remote file in a local editor and upload every real save — without ever losing an edit.
// Each file is downloaded through the transfer engine into a private folder, watched, and each
// save whose content differs from what the server has is snapshotted and uploaded through the
// engine (part + rename, times kept) — but only after checking that the server's file is still
// the one Skiff last saw (size + mtime, and a content hash where the server can compute one). If
// it changed, the user chooses; nothing is decided silently. Uploads that fail stay pending and
// run again on Retry or when a session to the same server appears.
import { randomUUID } from 'node:crypto';
import { chmod, stat } from 'node:fs/promises';
import path from 'node:path';
import { SkiffError, isSkiffError, type SkiffErrorData } from '../errors';
import type { FileStat, FileSystem } from '../fs/file-system';
import { numberedName } from '../transfers/conflict';
import { printableName, unsafeNameReason } from '../transfers/safe-name';
import type { ConflictPolicy, TransferJobSnapshot } from '../transfers/types';
import { CONNECTION_ERROR_CODES } from '../transfers/types';
import { hashFile, hashRemoteFile } from './content-hash';
import { EditFolders, type EditFolder } from './edit-folders';
import { editorArgv, parseEditorCommand } from './editor-command';
import { isExecutable } from './executable';
import { watchForSaves, type SaveWatcher, type SaveWatcherOptions } from './save-watcher';
import type {
  EditConflictChoice,
  EditConflictQuestion,
  EditEvent,
  EditLargeQuestion,
  EditMode,
  EditOpenResult,
  EditServer,
  EditState,
  EditVersion,
  EditedFileSnapshot,
} from './types';

/**
 * One transfer the manager asks the engine for: a single file, renamed on the way, never copying
 * permission bits (the private copy is 0600; the server's file keeps its own mode).
 */
export interface EditTransfer {
  direction: 'upload' | 'download';
  source: string;
  targetDir: string;
  targetName: string;
  conflict: ConflictPolicy;
}

/** A live session to a server, as the manager uses it. */
export interface EditRemote {
  sessionId: string;
  fs: FileSystem;
}

export interface EditManagerDeps {
  /** A live session to `server`, `preferSessionId` first; null when none is connected. */
  remote(server: EditServer, preferSessionId: string): EditRemote | null;
  /** The server a session is connected to (for files opened through it). */
  serverOf(sessionId: string): EditServer;
  /** Runs one transfer through the engine on `sessionId` and resolves with its final snapshot. */
  transfer(sessionId: string, t: EditTransfer): Promise<TransferJobSnapshot>;
  settings(): { editorCommand: string; largeFileBytes: number };
  /** Opens a file with the system's default application (Electron's shell.openPath; an opener program elsewhere). */
  openDefault(localPath: string): Promise<void>;
  /** Starts a program (never through a shell). */
  startProgram(argv: readonly string[]): Promise<void>;
  askConflict(q: EditConflictQuestion): Promise<EditConflictChoice | null>;
  /** Resolves true to download files above the size limit anyway. */
  askLarge(q: EditLargeQuestion): Promise<boolean>;
  /** Where copies whose last change did not reach the server are kept. */
  keptDir: string;
  /** Parent of the private temp folder (default: the OS temp folder). */
  tempParent?: string;
  env?: Record<string, string | undefined>;
  home?: string;
  platform?: NodeJS.Platform;
  watch?: SaveWatcherOptions;
  now?: () => number;
}

interface Edit {
  id: string;
  sessionId: string;
  server: EditServer;
  remotePath: string;
  mode: EditMode;
  folder: EditFolder;
  state: EditState;
  pending: boolean;
  error?: SkiffErrorData;
  waitingForConnection: boolean;
  uploadedAt?: number;
  conflict?: { remote: EditVersion | null; local: EditVersion };
  openedAt: number;
  /** The server's file as Skiff last saw it (after the download or the last upload). */
  baseline: EditVersion;
  /** Its permission bits (kept when a save replaces it). */
  remoteMode: number;
  /** The baseline is known to be our own bytes (false: an upload's result looked different; ask before the next). */
  baselineTrusted: boolean;
  /** SHA-256 of what the server has, as far as Skiff knows. */
  syncedHash: string;
  /** The user's answer to a conflict, applied by the next sync. */
  decision?: EditConflictChoice;
  asking: boolean;
  watcher?: SaveWatcher;
  again: boolean;
  running?: Promise<void>;
  stopped: boolean;
}

/** Files up to this size are also compared by content before an upload replaces them. */
export const CONTENT_CHECK_MAX = 1024 * 1024;

function versionOf(st: { size: number; mtimeMs: number }): EditVersion {
  return { size: st.size, mtimeMs: st.mtimeMs };
}

/** SFTP v3 carries whole seconds: compare at that resolution. */
function sameVersion(a: EditVersion | null, b: EditVersion): boolean {
  return a !== null && a.size === b.size && Math.floor(a.mtimeMs / 1000) === Math.floor(b.mtimeMs / 1000);
}

function posixDirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function posixBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `report.txt` → `report (edited).txt`, `.bashrc` → `.bashrc (edited)`. */
export function keepBothName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? `${name} (edited)` : `${name.slice(0, dot)} (edited)${name.slice(dot)}`;
}

function jobError(snap: TransferJobSnapshot): SkiffError {
  const e = snap.error ?? snap.fileErrors[0];
  if (e) return new SkiffError(e.code, e.message, e.path === undefined ? {} : { path: e.path });
  if (snap.state === 'cancelled') return new SkiffError('CANCELLED', 'The transfer was cancelled.');
  return new SkiffError('FAILURE', `The transfer ended “${snap.state}”.`);
}

function isConnectionCode(code: string): boolean {
  return (CONNECTION_ERROR_CODES as readonly string[]).includes(code);
}

/** All files being edited, their watchers, uploads and conflicts. Never imports Electron. */
export class EditManager {
  private readonly edits = new Map<string, Edit>();
  private readonly listeners = new Set<(e: EditEvent) => void>();
  private readonly folders: EditFolders;
  private readonly now: () => number;

  constructor(private readonly deps: EditManagerDeps) {
    this.folders = new EditFolders(deps.tempParent, deps.keptDir);
    this.now = deps.now ?? Date.now;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onEvent(listener: (e: EditEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): EditedFileSnapshot[] {
    return [...this.edits.values()].map((e) => this.snapshot(e));
  }

  get(id: string): EditedFileSnapshot | undefined {
    const e = this.edits.get(id);
    return e ? this.snapshot(e) : undefined;
  }

  /** The process's private temp folder (tests check nothing is written outside it). */
  tempRoot(): Promise<string> {
    return this.folders.rootDir();
  }

  /** Whether any copy holds a change the server does not have (quitting asks first). */
  hasUnsent(): boolean {
    return [...this.edits.values()].some((e) => e.pending || e.state === 'uploading' || e.state === 'conflict');
  }

  /**
   * Downloads each remote file and opens it: `edit` in the Editor command, `open` with the system's
   * default application (a program is refused there, or given to the editor when one is set).
   * A file already being edited is only opened again.
   */
  async open(sessionId: string, paths: readonly string[], mode: EditMode): Promise<EditOpenResult> {
    const server = this.deps.serverOf(sessionId);
    const remote = this.deps.remote(server, sessionId);
    if (!remote || remote.sessionId !== sessionId) throw new SkiffError('NOT_CONNECTED', 'That server is not connected any more. Connect again.');
    const result: EditOpenResult = { files: [], errors: [] };
    const fail = (p: string, err: unknown): void => {
      const e = isSkiffError(err) ? err : new SkiffError('INTERNAL', `Skiff could not open “${printableName(p)}”.`);
      result.errors.push({ ...e.toData(), path: p });
    };
    // Resolve and check every file first, so one question covers all the big ones.
    const todo: Array<{ path: string; real: string; st: FileStat }> = [];
    for (const p of paths) {
      try {
        const real = await remote.fs.realpath(p);
        const st = await remote.fs.stat(real);
        if (st.type === 'directory')
          throw new SkiffError('IS_A_DIRECTORY', `“${printableName(posixBasename(p))}” is a folder: only files can be edited.`, { path: p });
        if (st.type !== 'file') throw new SkiffError('UNSUPPORTED', `“${printableName(posixBasename(p))}” is not a regular file.`, { path: p });
        this.launchPlan(mode, posixBasename(real), st.mode);
        todo.push({ path: p, real, st });
      } catch (err) {
        fail(p, err);
      }
    }
    const { largeFileBytes } = this.deps.settings();
    const fresh = todo.filter((t) => !this.find(server, t.real));
    const large = fresh.filter((t) => t.st.size > largeFileBytes);
    const declined =
      large.length > 0 && !(await this.deps.askLarge({ files: large.map((t) => ({ path: t.real, size: t.st.size })), limitBytes: largeFileBytes }));
    if (declined)
      for (const t of large)
        fail(
          t.path,
          new SkiffError('CANCELLED', `“${printableName(posixBasename(t.real))}” was not opened: it is larger than the limit for editing.`, { path: t.path }),
        );
    await Promise.all(
      todo
        .filter((t) => !(declined && large.includes(t)))
        .map(async (t) => {
          try {
            result.files.push(await this.openOne(remote, server, t.real, t.st, mode));
          } catch (err) {
            fail(t.path, err);
          }
        }),
    );
    return result;
  }

  /** Stops editing: the copy is removed, or kept (and its new place returned) when its last change did not reach the server. */
  async stop(id: string): Promise<{ keptAt: string | null }> {
    const e = this.mustGet(id);
    e.stopped = true;
    e.watcher?.close();
    // A save in the last debounce window has not been looked at yet: look now.
    let unsent = e.pending || e.state === 'uploading' || e.state === 'conflict' || e.state === 'failed';
    if (!unsent && e.state !== 'downloading') {
      const h = await hashFile(e.folder.localPath).catch(() => null);
      unsent = h !== null && h !== e.syncedHash;
    }
    let keptAt: string | null = null;
    if (unsent && e.state !== 'downloading') keptAt = await this.folders.keep(e.folder, e.server, new Date(this.now()));
    this.edits.delete(id);
    // A running upload finishes from its snapshot; the folder goes once it is done.
    const running = e.running;
    const cleanup = (): Promise<void> => this.folders.remove(e.folder).catch(() => undefined);
    if (running) void running.finally(cleanup);
    else await cleanup();
    this.emit({ type: 'removed', id, keptAt });
    return { keptAt };
  }

  /** Runs a failed upload again. */
  retry(id: string): void {
    const e = this.mustGet(id);
    if (e.state !== 'failed') return;
    this.kick(e);
  }

  /** Applies the user's answer to a conflict (from the question or the Edited files list). */
  resolveConflict(id: string, choice: EditConflictChoice): void {
    const e = this.mustGet(id);
    if (e.state !== 'conflict') throw new SkiffError('INVALID_ARGUMENT', 'That file has no conflict to resolve (any more).');
    e.decision = choice;
    e.conflict = undefined;
    e.state = 'watching';
    this.changed(e);
    this.kick(e);
  }

  /** A session to `server` is there (again): uploads that waited for it run now. */
  serverConnected(server: EditServer): void {
    for (const e of this.edits.values()) {
      if (e.waitingForConnection && sameServer(e.server, server)) this.kick(e);
    }
  }

  /** Sweeps the private folders of Skiff processes that ended without stopping (a crash): unsent copies are kept; returns where. */
  recoverAbandoned(): Promise<string[]> {
    return this.folders.recoverAbandoned(new Date(this.now()));
  }

  /** Stops every edit (quitting): returns the copies kept because their last change did not reach the server. */
  async dispose(): Promise<string[]> {
    const kept: string[] = [];
    for (const id of [...this.edits.keys()]) {
      const r = await this.stop(id).catch(() => ({ keptAt: null }));
      if (r.keptAt) kept.push(r.keptAt);
    }
    await this.folders.removeAll().catch(() => undefined);
    return kept;
  }

  // ─────────────────────────── opening ───────────────────────────

  /** The argv to start for this file, or null for the system default; refuses programs where they would run. */
  private launchPlan(mode: EditMode, name: string, remoteMode: number): string[] | null {
    const cmd = parseEditorCommand(this.deps.settings().editorCommand, {
      env: this.deps.env ?? process.env,
      ...(this.deps.platform ? { platform: this.deps.platform } : {}),
      ...(this.deps.home ? { home: this.deps.home } : {}),
    });
    if (cmd) return mode === 'edit' || isExecutable(name, remoteMode) ? cmd : null;
    if (isExecutable(name, remoteMode)) {
      throw new SkiffError(
        'EXECUTABLE_REFUSED',
        `“${printableName(name)}” is a program (${(remoteMode & 0o111) !== 0 ? 'its execute permission is set' : 'by its name'}), and the system's default application would run it. Skiff never runs a file from a server. To look at it as text, set an Editor command in Settings and use Edit (F4).`,
      );
    }
    return null;
  }

  private async launch(e: Edit, remoteMode: number): Promise<void> {
    const argv = this.launchPlan(e.mode, posixBasename(e.remotePath), remoteMode);
    if (argv) await this.deps.startProgram(editorArgv(argv, e.folder.localPath));
    else await this.deps.openDefault(e.folder.localPath);
  }

  private async openOne(remote: EditRemote, server: EditServer, real: string, st: FileStat, mode: EditMode): Promise<EditedFileSnapshot> {
    const existing = this.find(server, real);
    if (existing) {
      existing.mode = mode;
      if (existing.state !== 'downloading') await this.launch(existing, st.mode);
      return this.snapshot(existing);
    }
    const folder = await this.folders.create(remote.sessionId, server, posixBasename(real));
    const e: Edit = {
      id: randomUUID(),
      sessionId: remote.sessionId,
      server,
      remotePath: real,
      mode,
      folder,
      state: 'downloading',
      pending: false,
      waitingForConnection: false,
      openedAt: this.now(),
      baseline: versionOf(st),
      remoteMode: st.mode,
      baselineTrusted: true,
      syncedHash: '',
      asking: false,
      again: false,
      stopped: false,
    };
    this.edits.set(e.id, e);
    this.changed(e);
    try {
      await this.download(e, remote);
      if (e.stopped) throw new SkiffError('CANCELLED', `Editing “${printableName(posixBasename(real))}” was stopped.`);
      e.state = 'watching';
      e.watcher = watchForSaves(folder.localPath, () => this.kick(e), this.deps.watch);
      await this.launch(e, st.mode);
    } catch (err) {
      // Nothing was edited yet: nothing to keep.
      e.stopped = true;
      e.watcher?.close();
      if (this.edits.delete(e.id)) this.emit({ type: 'removed', id: e.id, keptAt: null });
      await this.folders.remove(folder).catch(() => undefined);
      throw err;
    }
    this.changed(e);
    return this.snapshot(e);
  }

  /** Fetches the server's file into the local copy (the first time, and for "discard my change"). */
  private async download(e: Edit, remote: EditRemote): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const before = await remote.fs.stat(e.remotePath);
      const snap = await this.deps.transfer(remote.sessionId, {
        direction: 'download',
        source: e.remotePath,
        targetDir: e.folder.editDir,
        targetName: path.basename(e.folder.localPath),
        conflict: 'overwrite',
      });
      if (snap.state !== 'done') throw jobError(snap);
      const after = await remote.fs.stat(e.remotePath);
      // Changed while it was read: the copy may mix two versions. Read it again.
      if (!sameVersion(versionOf(after), versionOf(before)) && attempt < 3) continue;
      await chmod(e.folder.localPath, 0o600);
      e.syncedHash = await hashFile(e.folder.localPath);
      e.baseline = versionOf(after);
      e.baselineTrusted = sameVersion(versionOf(after), versionOf(before));
      e.pending = false;
      await this.record(e);
      return;
    }
  }

  // ─────────────────────────── syncing ───────────────────────────

  /** Asks for a sync; syncs of one file never overlap, and a request during one runs it again after. */
  private kick(e: Edit): void {
    if (e.stopped) return;
    e.again = true;
    e.running ??= this.loop(e).finally(() => {
      e.running = undefined;
    });
  }

  private async loop(e: Edit): Promise<void> {
    while (e.again && !e.stopped) {
      e.again = false;
      try {
        await this.syncOnce(e);
      } catch (err) {
        this.failed(e, err);
      }
    }
  }

  private async syncOnce(e: Edit): Promise<void> {
    if (e.state === 'downloading') return;
    const decision = e.decision;
    if (decision === undefined) {
      // The editor may be between unlinking and renaming: the next event brings it back.
      const h = await hashFile(e.folder.localPath).catch(() => null);
      if (h === null) return;
      const pending = h !== e.syncedHash;
      if (pending !== e.pending) {
        e.pending = pending;
        this.changed(e);
      }
      if (!pending || e.state === 'conflict') return;
    }
    const remote = this.deps.remote(e.server, e.sessionId);
    if (!remote) {
      if (decision !== undefined) e.decision = decision;
      throw new SkiffError(
        'NOT_CONNECTED',
        `The change to “${printableName(posixBasename(e.remotePath))}” waits for a connection to ${e.server.host}: Skiff uploads it when one is there.`,
      );
    }
    e.sessionId = remote.sessionId;
    e.decision = undefined;

    if (decision === 'discard') return this.discard(e, remote);

    const localPath = await this.folders.snapshot(e.folder);
    const local = await stat(localPath);
    const hash = await hashFile(localPath);
    if (decision === undefined) {
      const now = await this.remoteVersion(remote, e.remotePath);
      const unchanged = e.baselineTrusted && sameVersion(now, e.baseline) && (await this.sameRemoteContent(remote, e));
      if (!unchanged) return this.conflict(e, now, versionOf(local));
    }

    const keepBoth = decision === 'keep-both';
    const targetDir = posixDirname(e.remotePath);
    const targetName = keepBoth ? await this.freeRemoteName(remote, targetDir, keepBothName(posixBasename(e.remotePath))) : posixBasename(e.remotePath);
    const target = targetDir === '/' ? `/${targetName}` : `${targetDir}/${targetName}`;
    e.state = 'uploading';
    e.error = undefined;
    e.waitingForConnection = false;
    this.changed(e);
    // The engine writes only names that are safe everywhere. A name the server has but the engine
    // refuses (a "\\" or a control character) is written as a safe temp name, then renamed onto it.
    const direct = unsafeNameReason(targetName) === null;
    const uploadName = direct ? targetName : `.skiff-edit-${randomUUID().slice(0, 8)}.tmp`;
    // keep-both writes a name nobody had a moment ago: "skip" never replaces one that appeared since.
    const snap = await this.deps.transfer(remote.sessionId, {
      direction: 'upload',
      source: localPath,
      targetDir,
      targetName: uploadName,
      conflict: keepBoth || !direct ? 'skip' : 'overwrite',
    });
    if (snap.state === 'skipped' && (keepBoth || !direct)) {
      e.decision = decision;
      e.again = true;
      return;
    }
    if (snap.state !== 'done') {
      if (decision !== undefined) e.decision = decision;
      throw jobError(snap);
    }
    if (!direct)
      await this.renameOnto(remote, targetDir === '/' ? `/${uploadName}` : `${targetDir}/${uploadName}`, target, keepBoth ? undefined : e.remoteMode);
    const afterStat = await remote.fs.statOrNull(target);
    const after = afterStat ? versionOf(afterStat) : null;
    if (afterStat) e.remoteMode = afterStat.mode;
    e.remotePath = target;
    e.syncedHash = hash;
    e.baseline = after ?? versionOf(local);
    // What the server reports should be our bytes with our mtime; anything else means someone else wrote too.
    e.baselineTrusted = after !== null && sameVersion(after, versionOf(local));
    await this.record(e).catch(() => undefined);
    // Hashed before the state changes: whoever reads the edit meanwhile (get(), a list call) sees
    // "uploading", never "uploaded" with the pending flag of before the upload.
    const h = await hashFile(e.folder.localPath).catch(() => null);
    e.state = 'uploaded';
    e.uploadedAt = this.now();
    e.conflict = undefined;
    e.pending = h !== null && h !== hash;
    if (e.pending) e.again = true;
    this.changed(e);
  }

  /** Moves an uploaded temp file onto `target` (replacing it, with its permission bits, unless `mode` is undefined: a new name). */
  private async renameOnto(remote: EditRemote, tmp: string, target: string, mode: number | undefined): Promise<void> {
    try {
      if (mode !== undefined) await remote.fs.chmod(tmp, mode);
      await remote.fs.rename(tmp, target, { overwrite: mode !== undefined });
    } catch (err) {
      await remote.fs.remove(tmp).catch(() => undefined);
      throw err;
    }
  }

  private record(e: Edit): Promise<void> {
    return this.folders.record(e.folder, {
      server: { ...e.server },
      remotePath: e.remotePath,
      localName: path.basename(e.folder.localPath),
      syncedHash: e.syncedHash,
    });
  }

  private async remoteVersion(remote: EditRemote, p: string): Promise<EditVersion | null> {
    const st = await remote.fs.statOrNull(p);
    return st ? versionOf(st) : null;
  }

  /**
   * Same size and same second are not proof (a tool that keeps mtimes, two writes in one second):
   * a small file is read back and its hash compared with what Skiff last put there.
   */
  private async sameRemoteContent(remote: EditRemote, e: Edit): Promise<boolean> {
    if (e.baseline.size > CONTENT_CHECK_MAX) return true;
    return (await hashRemoteFile(remote.fs, e.remotePath, CONTENT_CHECK_MAX)) === e.syncedHash;
  }

  private conflict(e: Edit, remote: EditVersion | null, local: EditVersion): void {
    e.state = 'conflict';
    e.conflict = { remote, local };
    this.changed(e);
    if (e.asking) return;
    e.asking = true;
    const q: EditConflictQuestion = {
      editId: e.id,
      server: { ...e.server },
      remotePath: e.remotePath,
      remote,
      local,
      keepBothName: keepBothName(posixBasename(e.remotePath)),
    };
    void this.deps
      .askConflict(q)
      .catch(() => null)
      .then((choice) => {
        e.asking = false;
        // No answer (timeout, closed window) decides nothing: the file stays in conflict, the list offers the choices.
        if (choice && !e.stopped && e.state === 'conflict') this.resolveConflict(e.id, choice);
      });
  }

  /** "Discard my change": the server's version replaces the local copy (or, if it was deleted, editing stops). */
  private async discard(e: Edit, remote: EditRemote): Promise<void> {
    if ((await remote.fs.statOrNull(e.remotePath)) === null) {
      await this.stopDiscarded(e);
      return;
    }
    e.state = 'downloading';
    this.changed(e);
    try {
      await this.download(e, remote);
    } catch (err) {
      e.decision = 'discard';
      e.state = 'failed';
      throw err;
    }
    e.state = 'watching';
    e.error = undefined;
    e.waitingForConnection = false;
    this.changed(e);
  }

  private async stopDiscarded(e: Edit): Promise<void> {
    e.stopped = true;
    e.watcher?.close();
    this.edits.delete(e.id);
    await this.folders.remove(e.folder).catch(() => undefined);
    this.emit({ type: 'removed', id: e.id, keptAt: null });
  }

  private async freeRemoteName(remote: EditRemote, dir: string, name: string): Promise<string> {
    const join = (n: string): string => (dir === '/' ? `/${n}` : `${dir}/${n}`);
    if ((await remote.fs.statOrNull(join(name))) === null) return name;
    for (let n = 1; n < 10_000; n++) {
      const c = numberedName(name, n);
      if ((await remote.fs.statOrNull(join(c))) === null) return c;
    }
    throw new SkiffError('ALREADY_EXISTS', `No free name for “${printableName(name)}”.`);
  }

  private failed(e: Edit, err: unknown): void {
    if (e.stopped) return;
    const se = isSkiffError(err) ? err : new SkiffError('INTERNAL', `Skiff could not upload “${printableName(posixBasename(e.remotePath))}”.`);
    e.state = 'failed';
    e.pending = true;
    e.error = se.toData();
    e.waitingForConnection = isConnectionCode(se.code);
    this.changed(e);
  }

  // ─────────────────────────── bookkeeping ───────────────────────────

  private find(server: EditServer, remotePath: string): Edit | undefined {
    return [...this.edits.values()].find((e) => e.remotePath === remotePath && sameServer(e.server, server));
  }

  private mustGet(id: string): Edit {
    const e = this.edits.get(id);
    if (!e) throw new SkiffError('INVALID_ARGUMENT', 'That file is not being edited (any more).');
    return e;
  }

  private snapshot(e: Edit): EditedFileSnapshot {
    const s: EditedFileSnapshot = {
      id: e.id,
      sessionId: e.sessionId,
      server: { ...e.server },
      remotePath: e.remotePath,
      localPath: e.folder.localPath,
      mode: e.mode,
      state: e.state,
      pending: e.pending,
      openedAt: e.openedAt,
    };
    if (e.uploadedAt !== undefined) s.uploadedAt = e.uploadedAt;
    if (e.error) s.error = { ...e.error };
    if (e.waitingForConnection) s.waitingForConnection = true;
    if (e.conflict) s.conflict = { remote: e.conflict.remote ? { ...e.conflict.remote } : null, local: { ...e.conflict.local } };
    return s;
  }

  private changed(e: Edit): void {
    if (this.edits.has(e.id)) this.emit({ type: 'changed', file: this.snapshot(e) });
  }

  private emit(ev: EditEvent): void {
    for (const l of [...this.listeners]) l(ev);
  }
}

function sameServer(a: EditServer, b: EditServer): boolean {
  return a.host === b.host && a.port === b.port && a.username === b.username;
}
