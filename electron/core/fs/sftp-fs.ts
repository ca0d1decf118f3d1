// FileSystem over one SFTP channel (ssh2's SFTPWrapper). Every callback API becomes a promise,
// every failure a SkiffError with the path, every server reply is validated before use.
// Requests are never serialized here: ssh2 pipelines them on the channel, and the transfer
// engine relies on many reads/writes in flight on one handle.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import { abortable, isAborted } from '../abort';
import { z } from 'zod';
import { SkiffError, fromNodeError, isSkiffError, type SkiffErrorData } from '../errors';
import { Limiter, mapConcurrent } from '../sftp/concurrency';
import type { ServerProfile, SymlinkOrder } from '../sftp/server-profile';
import { SFTP_STATUS, fromSftpError, refine, sftpStatus, type SftpOp } from '../sftp/sftp-errors';
// The one escaping rule for names in messages (a pure string helper; it imports nothing of the engine).
import { printableName } from '../transfers/safe-name';
import type { AttrsKept, EntryType, FileEntry, FileHandle, FileStat, FileSystem, ListOptions, OpenFlags, WholeFileWrite } from './file-system';
import { unlessMissing } from './stat-or-null';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** How many independent requests (link stats, child deletes) we keep in flight per operation. */
const FAN_OUT = 16;

const attrsSchema = z.object({
  mode: z.number().int().nonnegative().optional(),
  uid: z.number().int().nonnegative().optional(),
  gid: z.number().int().nonnegative().optional(),
  size: z.number().nonnegative().optional(),
  atime: z.number().optional(),
  mtime: z.number().optional(),
});

const entrySchema = z.object({
  filename: z.string(),
  longname: z.string().catch(''),
  attrs: attrsSchema.catch({}),
});

function typeOfMode(mode: number | undefined): EntryType {
  switch ((mode ?? 0) & S_IFMT) {
    case S_IFDIR:
      return 'directory';
    case S_IFREG:
      return 'file';
    case S_IFLNK:
      return 'symlink';
    default:
      // Devices, sockets, FIFOs — and servers that sent no mode at all.
      return 'other';
  }
}

/** Converts SFTP attributes to a FileStat (times: SFTP v3 seconds → ms), validating them first. */
function toStat(raw: unknown): FileStat {
  return statOf(attrsSchema.catch({}).parse(raw));
}

/** A FileStat from attributes that were already validated (listing entries: parsed once, not twice). */
function statOf(a: z.infer<typeof attrsSchema>): FileStat {
  return {
    type: typeOfMode(a.mode),
    size: a.size ?? 0,
    mtimeMs: (a.mtime ?? 0) * 1000,
    atimeMs: (a.atime ?? 0) * 1000,
    mode: (a.mode ?? 0) & 0o7777,
    uid: a.uid ?? 0,
    gid: a.gid ?? 0,
  };
}

/**
 * Why a name from a READDIR reply cannot be one entry of the folder, or null when it can. Such a
 * reply is hostile or broken: joined to the folder's path it would name something elsewhere.
 * (`.` and `..` are not judged here: every folder lists them and they are skipped silently.)
 */
export function refusedEntryReason(name: string): string | null {
  if (name.length === 0) return 'an empty name is not a file name';
  if (name.includes('\0')) return 'it contains a NUL byte, which no file name can hold';
  if (name.startsWith('/')) return 'it is an absolute path, which would point outside the folder';
  if (name.split('/').includes('..')) return 'it climbs out of the folder with “..”';
  if (name.includes('/')) return 'it contains “/”, so it is a path into another folder, not a file name';
  return null;
}

/**
 * A name a POSIX server can really have in a folder. `.` and `..` are skipped silently (they are
 * in every READDIR reply); anything else unsafe (`../../x`, `a/b`, `/etc/passwd`, NUL, empty) is
 * left out of the listing AND reported through ListOptions.onRefused, so a download can say what
 * it did not copy instead of losing it. `\` and control characters are legal in POSIX names and
 * are kept: the transfer engine refuses those per file (INVALID_NAME), the UI renders them escaped.
 */
export function isSafeEntryName(name: string): boolean {
  return name !== '.' && name !== '..' && refusedEntryReason(name) === null;
}

/** Owner and group from an `ls -l` style longname, when it looks like one. */
export function parseLongname(longname: string): { owner?: string; group?: string } {
  const f = longname.split(/\s+/);
  if (f.length < 9 || !/^[-dlcbps?][-rwxsStTl]{9}[.+@]?$/.test(f[0] ?? '')) return {};
  const out: { owner?: string; group?: string } = {};
  if (f[2]) out.owner = f[2];
  if (f[3]) out.group = f[3];
  return out;
}

/** `0755`-style text of permission bits. */
function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** A symlink failure in plain words (a server without links says "unsupported"). */
function symlinkError(err: unknown, linkPath: string): SkiffError {
  if (isSkiffError(err, 'UNSUPPORTED'))
    return new SkiffError('UNSUPPORTED', `This server does not support symbolic links: “${linkPath}” was not created.`, { path: linkPath, cause: err });
  return asSkiff(err);
}

/** A path the server answered with, checked: a non-empty string without NUL. */
function serverString(v: unknown, op: SftpOp, p: string): string {
  const ok = z
    .string()
    .min(1)
    .refine((x) => !x.includes('\0'))
    .safeParse(v);
  if (!ok.success) throw new SkiffError('PROTOCOL_ERROR', `The server sent a malformed answer to ${op} “${p}”.`, { path: p });
  return ok.data;
}

function asSkiff(err: unknown): SkiffError {
  return err instanceof SkiffError ? err : fromNodeError(err);
}

function cancelled(p: string): SkiffError {
  return new SkiffError('CANCELLED', `Cancelled while working on “${p}”.`, { path: p });
}

type Meta = { extensions: Record<string, string>; maxReadSize: number; maxWriteSize: number };

/** The connection an SftpFs's channel runs on (given by the session). */
export interface ChannelSource {
  /** The SSH connection is still up (its socket open, the session not closed). */
  alive(): boolean;
  /** Opens a new SFTP channel on it. */
  open(): Promise<SFTPWrapper>;
}

/** Errors that mean the server will not set an attribute (times, mode), not that the connection or the file is gone. */
function refusedAttr(err: unknown): boolean {
  return isSkiffError(err) && (err.code === 'PERMISSION_DENIED' || err.code === 'UNSUPPORTED' || err.code === 'FAILURE' || err.code === 'INVALID_ARGUMENT');
}

/** A FileSystem backed by one SFTP channel. Created by connect() / openChannel(). */
export class SftpFs implements FileSystem {
  readonly kind = 'sftp' as const;
  readonly path = {
    join: (...parts: string[]) => path.posix.join(...parts),
    dirname: (p: string) => path.posix.dirname(p),
    basename: (p: string) => path.posix.basename(p),
    isAbsolute: (p: string) => path.posix.isAbsolute(p),
    sep: '/',
  };
  readonly maxReadSize: number;
  readonly maxWriteSize: number;
  readonly extensions: Readonly<Record<string, string>>;
  readonly handlesInOrder: boolean;
  readonly canWriteOutOfOrder: boolean;
  readonly canResumeWrites: boolean;
  private closedReason: SkiffErrorData | undefined;
  private ended = false;
  private sftp: SFTPWrapper;
  /** Which channel this is: handles only work on the channel they were opened on. */
  private gen = 0;
  /** Why the current channel died while the connection stayed up (garbage from the server, or it closed the channel). */
  private fault: SkiffError | null = null;
  private readonly faults = new Map<number, SkiffError>();
  private reopening: Promise<void> | null = null;

  constructor(
    sftp: SFTPWrapper,
    meta: Meta,
    /** The server's detected behaviour, shared by the session's channels. */
    readonly profile: ServerProfile,
    /** The connection under the channel: whether it is still up, and how to open a new channel on it. */
    private readonly connection?: ChannelSource,
  ) {
    this.maxReadSize = meta.maxReadSize;
    this.maxWriteSize = meta.maxWriteSize;
    this.extensions = Object.freeze({ ...meta.extensions });
    this.handlesInOrder = profile.handlesInOrder;
    this.canWriteOutOfOrder = profile.canWriteOutOfOrder;
    this.canResumeWrites = profile.canResumeWrites;
    this.sftp = sftp;
    this.attach(sftp);
  }

  private attach(sftp: SFTPWrapper): void {
    // An 'error' event without a listener would crash the process; failures reach callers through their callbacks.
    sftp.on('error', (err: Error & { level?: string }) => {
      // ssh2 could not parse what the server sent; it closes the channel and fails every request on it.
      if (err.level === 'sftp-protocol' && sftp === this.sftp)
        this.setFault(new SkiffError('PROTOCOL_ERROR', `The server sent a malformed SFTP reply (${err.message}), so that channel was closed.`, { cause: err }));
    });
    sftp.on('close', () => {
      if (sftp !== this.sftp || this.ended) return;
      if (!this.closedReason && this.connection?.alive())
        this.setFault(new SkiffError('FAILURE', 'The server closed its SFTP channel in the middle of a request (the connection itself stayed up).'));
      else this.closedReason ??= { code: 'CONNECTION_LOST', message: 'The SFTP channel was closed.' };
    });
  }

  private setFault(err: SkiffError): void {
    if (this.fault) return;
    this.fault = err;
    this.faults.set(this.gen, err);
  }

  /** Called by the session when the connection is gone, so later calls fail fast with its reason. */
  markClosed(reason: SkiffErrorData): void {
    this.closedReason ??= reason;
  }

  /** Closes this channel (not the connection). */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.closedReason || this.fault) return;
    await new Promise<void>((resolve) => {
      this.sftp.once('close', () => resolve());
      try {
        this.sftp.end();
      } catch {
        resolve();
      }
    });
  }

  /** Why a request cannot be sent at all (closed by us, or the connection is gone), else null. */
  private stopped(p: string | undefined): SkiffError | null {
    if (!this.closedReason && !this.ended) return null;
    const why = this.ended ? 'This SFTP channel was closed.' : (this.closedReason?.message ?? 'The connection is closed.');
    return new SkiffError('NOT_CONNECTED', `Not connected. ${why}`, p === undefined ? {} : { path: p });
  }

  /**
   * Runs one ssh2 callback-style call as a promise with error mapping. After a server fault
   * killed the channel (the connection still up), the next call first opens a new one.
   */
  private call<T>(op: SftpOp, p: string | undefined, fn: (cb: (err: Error | null | undefined, value?: T) => void, sftp: SFTPWrapper) => void): Promise<T> {
    const stop = this.stopped(p);
    if (stop) return Promise.reject(stop);
    if (this.fault) return this.reopen(p).then(() => this.call(op, p, fn));
    return this.send(this.gen, op, p, fn);
  }

  private send<T>(
    gen: number,
    op: SftpOp,
    p: string | undefined,
    fn: (cb: (err: Error | null | undefined, value?: T) => void, sftp: SFTPWrapper) => void,
  ): Promise<T> {
    const sftp = this.sftp;
    return new Promise<T>((resolve, reject) => {
      try {
        fn((err, value) => (err ? reject(this.mapError(err, op, p, gen)) : resolve(value as T)), sftp);
      } catch (err) {
        reject(this.mapError(err, op, p, gen));
      }
    });
  }

  /** ssh2 fails the requests of a channel that went away with a plain "No response from server": say why it went. */
  private mapError(err: unknown, op: SftpOp, p: string | undefined, gen: number): SkiffError {
    const gone = sftpStatus(err) === undefined && /no response from server/i.test(err instanceof Error ? err.message : String(err));
    if (gone && !this.ended && !this.closedReason) {
      // Its requests fail before the channel's 'close' event: decide here whether the connection is still up.
      if (gen === this.gen && !this.fault && this.connection?.alive())
        this.setFault(new SkiffError('FAILURE', 'The server closed its SFTP channel in the middle of a request (the connection itself stayed up).'));
      const fault = this.faults.get(gen);
      if (fault)
        return new SkiffError(fault.code, p === undefined ? fault.message : `“${p}”: ${fault.message}`, {
          ...(p === undefined ? {} : { path: p }),
          cause: err,
        });
    }
    return fromSftpError(err, op, p);
  }

  /** A new channel on the same connection after a server fault (one at a time). */
  private reopen(p: string | undefined): Promise<void> {
    const source = this.connection;
    const fault = this.fault;
    if (!source || !source.alive()) {
      this.closedReason ??= { code: 'CONNECTION_LOST', message: fault?.message ?? 'The SFTP channel was closed.' };
      return Promise.reject(this.stopped(p));
    }
    this.reopening ??= source
      .open()
      .then(
        (sftp) => {
          this.attach(sftp);
          this.sftp = sftp;
          this.gen += 1;
          this.fault = null;
        },
        (err: unknown) => {
          this.closedReason ??= {
            code: 'CONNECTION_LOST',
            message: `The server closed its SFTP channel and refused a new one (${err instanceof Error ? err.message : String(err)}).`,
          };
          throw this.stopped(p);
        },
      )
      .finally(() => {
        this.reopening = null;
      });
    return this.reopening;
  }

  /** @internal requests on a file handle: only on the channel it was opened on. */
  runOn<T>(gen: number, op: SftpOp, p: string, fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    const stop = this.stopped(p);
    if (stop) return Promise.reject(stop);
    if (gen !== this.gen || this.fault) {
      const fault = this.faults.get(gen);
      return Promise.reject(
        fault
          ? new SkiffError(fault.code, `“${p}”: ${fault.message}`, { path: p })
          : new SkiffError('NOT_CONNECTED', `“${p}” was open on an SFTP channel that is gone.`, { path: p }),
      );
    }
    return this.send(gen, op, p, (cb) => fn(cb));
  }

  /** @internal the channel generation new handles belong to. */
  get channelGen(): number {
    return this.gen;
  }

  async home(): Promise<string> {
    return this.realpath('.');
  }

  async realpath(p: string): Promise<string> {
    const out = await this.call<string>('realpath', p, (cb, sftp) => sftp.realpath(p, cb));
    return serverString(out, 'realpath', p);
  }

  async stat(p: string): Promise<FileStat> {
    return toStat(await this.call<Stats>('stat', p, (cb, sftp) => sftp.stat(p, cb)));
  }

  async lstat(p: string): Promise<FileStat> {
    if (!this.profile.lstatFollowsLinks) return toStat(await this.call<Stats>('stat', p, (cb, sftp) => sftp.lstat(p, cb)));
    // This server's LSTAT follows a final link: a READLINK in the same round trip tells a link apart.
    const [st, link] = await Promise.all([
      this.call<Stats>('stat', p, (cb, sftp) => sftp.lstat(p, cb)),
      this.call<string>('readlink', p, (cb, sftp) => sftp.readlink(p, cb)).catch(() => null),
    ]);
    const out = toStat(st);
    return typeof link === 'string' ? { ...out, type: 'symlink', size: Buffer.byteLength(link), mode: 0o777 } : out;
  }

  statOrNull(p: string): Promise<FileStat | null> {
    return unlessMissing(this.stat(p));
  }

  private lstatOrNull(p: string): Promise<FileStat | null> {
    return unlessMissing(this.lstat(p));
  }

  async list(dir: string, opts: ListOptions = {}): Promise<FileEntry[]> {
    const all: FileEntry[] = [];
    for await (const batch of this.listBatches(dir, opts)) all.push(...batch);
    return all;
  }

  async *listBatches(dir: string, opts: ListOptions = {}): AsyncIterable<FileEntry[]> {
    const { signal } = opts;
    if (isAborted(signal)) throw cancelled(dir);
    let handle: Buffer;
    // The channel that opened the handle: its READDIRs and CLOSE go there, never to a newer one.
    let gen = -1;
    let chan: SFTPWrapper | undefined;
    try {
      handle = await abortable(
        this.call<Buffer>('list', dir, (cb, sftp) => {
          gen = this.gen;
          chan = sftp;
          sftp.opendir(dir, cb);
        }),
        signal,
        () => cancelled(dir),
        (h: Buffer) => {
          if (gen === this.gen && !this.fault) chan?.close(h, () => {});
        },
      );
    } catch (err) {
      // OpenSSH reports ENOTDIR as NO_SUCH_FILE; tell "is a file" apart from "is not there".
      if (isSkiffError(err, 'NO_SUCH_FILE') || isSkiffError(err, 'FAILURE')) {
        const st = await this.statOrNull(dir).catch(() => null);
        if (st && st.type !== 'directory') throw refine('NOT_A_DIRECTORY', 'list', dir, err);
      }
      throw err;
    }
    // Several READDIRs in flight on the handle: one reply per round trip left the channel idle
    // half the time (100,000 entries: ~0.95 s sequential, ~0.5 s with 4 in flight, OpenSSH on
    // loopback). Only for servers known to answer a handle's requests strictly in order (the
    // profile); the others get the one-at-a-time loop every client uses.
    const depth = Math.max(1, this.profile.readdirAhead);
    const inFlight: Array<Promise<FileEntryWithStats[] | null>> = [];
    const readdir = (): void => {
      const reply = this.runOn<FileEntryWithStats[] | null>(gen, 'list', dir, (cb) =>
        chan!.readdir(handle, (err, list) => {
          if (err && sftpStatus(err) === SFTP_STATUS.EOF) cb(undefined, null);
          else cb(err, list);
        }),
      );
      // Replies nobody awaits any more (after EOF, an error or a cancel) must not count as unhandled.
      reply.catch(() => undefined);
      inFlight.push(reply);
    };
    try {
      for (;;) {
        if (isAborted(signal)) throw cancelled(dir);
        while (inFlight.length < depth) readdir();
        const raw = await abortable(inFlight.shift()!, signal, () => cancelled(dir));
        // The end. The READDIRs sent behind this one (only to servers that carry out a handle's
        // requests in order) can only say EOF again: nobody waits for them, which was a round
        // trip more per listing. Their answers come before the CLOSE's, and are dropped.
        if (raw === null) return;
        const batch = await this.toEntries(dir, raw, opts.onRefused);
        if (isAborted(signal)) throw cancelled(dir);
        if (batch.length) yield batch;
      }
    } finally {
      if (!this.closedReason && gen === this.gen && !this.fault) chan!.close(handle, () => {});
    }
  }

  /**
   * Validates one READDIR reply and resolves its symlinks (target text + target type) concurrently.
   * Entries whose name cannot be a file name are left out and told to `onRefused`.
   */
  private async toEntries(dir: string, raw: unknown, onRefused: ListOptions['onRefused']): Promise<FileEntry[]> {
    const list = z.array(z.unknown()).catch([]).parse(raw);
    const entries: FileEntry[] = [];
    for (const item of list) {
      const e = entrySchema.safeParse(item);
      if (!e.success) {
        onRefused?.({ rawName: '', shownName: '', reason: 'the entry is malformed (it has no usable name)' });
        continue;
      }
      const name = e.data.filename;
      if (name === '.' || name === '..') continue;
      const reason = refusedEntryReason(name);
      if (reason !== null) {
        onRefused?.({ rawName: name, shownName: printableName(name), reason });
        continue;
      }
      const st = statOf(e.data.attrs);
      entries.push({ name, path: path.posix.join(dir, name), ...st, ...parseLongname(e.data.longname) });
    }
    const links = entries.filter((e) => e.type === 'symlink');
    await mapConcurrent(links, FAN_OUT, async (e) => {
      const [target, st] = await Promise.all([this.readlink(e.path).catch(() => undefined), this.stat(e.path).catch(() => null)]);
      if (target !== undefined) e.linkTarget = target;
      e.targetType = st ? st.type : 'broken';
    });
    return entries;
  }

  async mkdir(p: string, opts: { recursive?: boolean; mode?: number } = {}): Promise<void> {
    const attrs = opts.mode === undefined ? {} : { mode: opts.mode };
    const once = async (target: string): Promise<void> => {
      try {
        await this.call<void>('mkdir', target, (cb, sftp) => sftp.mkdir(target, attrs, cb));
      } catch (err) {
        // OpenSSH says FAILURE for EEXIST; a stat tells the two apart.
        if (isSkiffError(err, 'FAILURE')) {
          const st = await this.lstatOrNull(target).catch(() => null);
          if (st) throw refine('ALREADY_EXISTS', 'mkdir', target, err);
        }
        if (isSkiffError(err, 'NO_SUCH_FILE') && !opts.recursive) {
          const parent = path.posix.dirname(target);
          const pst = await this.statOrNull(parent).catch(() => null);
          if (pst && pst.type !== 'directory') throw refine('NOT_A_DIRECTORY', 'mkdir', parent, err);
        }
        throw err;
      }
    };
    if (!opts.recursive) return once(p);
    // Walk up to the first existing ancestor, then create downwards.
    const missing: string[] = [];
    let cur = path.posix.normalize(p);
    for (;;) {
      const st = await this.statOrNull(cur);
      if (st) {
        if (st.type !== 'directory') throw refine('NOT_A_DIRECTORY', 'mkdir', cur, undefined);
        break;
      }
      missing.push(cur);
      const up = path.posix.dirname(cur);
      if (up === cur) break;
      cur = up;
    }
    for (const dir of missing.reverse()) {
      try {
        await once(dir);
      } catch (err) {
        // Someone else (another channel, another client) created it meanwhile: fine if it is a folder.
        if (isSkiffError(err, 'ALREADY_EXISTS') && (await this.statOrNull(dir))?.type === 'directory') continue;
        throw err;
      }
    }
  }

  async rename(from: string, to: string, opts: { overwrite?: boolean } = {}): Promise<void> {
    return this.renameKnown(from, to, opts.overwrite === true, false);
  }

  /** rename(), told whether `from` is known to be a regular file (the engine's parts: no link check). */
  private async renameKnown(from: string, to: string, overwrite: boolean, fromIsFile: boolean): Promise<void> {
    // ProFTPD resolves symlinks in both paths of RENAME and posix-rename: a link would not move
    // (what it points at would), and a link at the new name would have its target replaced.
    // Links there are moved as links (see moveEntry) and replaced by moving them aside.
    const linky = this.profile.lstatFollowsLinks;
    const fromLink = linky && !fromIsFile && (await this.lstatOrNull(from))?.type === 'symlink';
    if (!overwrite) return this.moveEntry(from, to, fromLink);
    const toLink = linky && (await this.lstatOrNull(to))?.type === 'symlink';
    if (this.profile.posixRename && !fromLink && !toLink) {
      try {
        await this.call<void>('rename', from, (cb, sftp) => sftp.ext_openssh_rename(from, to, cb));
        return;
      } catch (err) {
        // Listed but refused (rclone lists it and its handler answers "unsupported"): replace the safe way from now on.
        if (!isSkiffError(err, 'UNSUPPORTED')) throw err;
        this.profile.learn('posix-rename-refused');
      }
    }
    await this.replaceAside(from, to, fromLink, toLink);
  }

  /** RENAME, which SFTP v3 servers refuse when `to` exists (told apart from other failures by a stat). */
  private async renameNoReplace(from: string, to: string): Promise<void> {
    try {
      await this.call<void>('rename', from, (cb, sftp) => sftp.rename(from, to, cb));
    } catch (err) {
      if (isSkiffError(err, 'FAILURE') && (await this.lstatOrNull(to).catch(() => null))) throw refine('ALREADY_EXISTS', 'rename', to, err);
      throw err;
    }
  }

  /** Moves `from` to the free name `to`; a symlink on a server whose RENAME follows it is made anew there and removed here. */
  private async moveEntry(from: string, to: string, isLink: boolean): Promise<void> {
    if (!isLink) return this.renameNoReplace(from, to);
    if (await this.lstatOrNull(to)) throw refine('ALREADY_EXISTS', 'rename', to, undefined);
    const text = await this.readlink(from);
    await this.symlink(text, to);
    await this.call<void>('remove', from, (cb, sftp) => sftp.unlink(from, cb));
  }

  /**
   * Replaces `to` with `from` on a server without an atomic replace: the old file is moved aside
   * under a hidden name, the new one renamed in, then the old one deleted. Any failure before the
   * new name is in place puts the old file back, so it is never lost (at worst it is left under
   * its hidden name, and the error says where).
   */
  private async replaceAside(from: string, to: string, fromLink: boolean, toLink: boolean): Promise<void> {
    const st = await this.lstatOrNull(to);
    if (!st || st.type === 'directory') return this.moveEntry(from, to, fromLink);
    const aside = path.posix.join(path.posix.dirname(to), `.${path.posix.basename(to)}.skiffold-${randomBytes(4).toString('hex')}`);
    await this.moveEntry(to, aside, toLink);
    try {
      await this.moveEntry(from, to, fromLink);
    } catch (err) {
      try {
        await this.moveEntry(aside, to, toLink);
      } catch (backErr) {
        throw new SkiffError(
          asSkiff(err).code,
          `Could not replace “${to}”: ${asSkiff(err).message} The old file could not be put back either (${asSkiff(backErr).message}); it is kept as “${aside}”.`,
          { path: to, cause: err },
        );
      }
      throw err;
    }
    // The new file is in place; a leftover old copy is only clutter, never a loss.
    await this.call<void>('remove', aside, (cb, sftp) => sftp.unlink(aside, cb)).catch(() => undefined);
  }

  async remove(p: string, opts: { recursive?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const st = await this.lstat(p);
    if (st.type !== 'directory') {
      await this.call<void>('remove', p, (cb, sftp) => sftp.unlink(p, cb));
      return;
    }
    if (opts.recursive) await this.removeChildren(p, opts.signal);
    await this.rmdir(p);
  }

  private async rmdir(p: string): Promise<void> {
    try {
      await this.call<void>('remove', p, (cb, sftp) => sftp.rmdir(p, cb));
    } catch (err) {
      // OpenSSH says FAILURE for ENOTEMPTY; one READDIR tells.
      if (isSkiffError(err, 'FAILURE')) {
        const entries = await this.list(p).catch(() => null);
        if (entries && entries.length > 0) throw refine('DIRECTORY_NOT_EMPTY', 'remove', p, err);
      }
      throw err;
    }
  }

  /**
   * Deletes everything inside `dir`, depth-first. One Limiter bounds the requests in flight for
   * the whole tree (not per level); symlinks are unlinked, never followed.
   */
  private async removeChildren(dir: string, signal: AbortSignal | undefined, lim = new Limiter(FAN_OUT)): Promise<void> {
    if (isAborted(signal)) throw cancelled(dir);
    const entries = await lim.run(() => this.list(dir, signal ? { signal } : {}));
    await Promise.all(
      entries.map(async (e) => {
        if (isAborted(signal)) throw cancelled(e.path);
        if (e.type === 'directory') {
          await this.removeChildren(e.path, signal, lim);
          await lim.run(() => this.rmdir(e.path));
        } else {
          await lim.run(() => this.call<void>('remove', e.path, (cb, sftp) => sftp.unlink(e.path, cb)));
        }
      }),
    );
  }

  async chmod(p: string, mode: number, opts: { verify?: boolean } = {}): Promise<void> {
    const want = mode & 0o7777;
    if (!this.profile.keepsPermissions) {
      throw new SkiffError('UNSUPPORTED', `This server keeps no Unix permissions: the permissions of “${p}” cannot be changed.`, { path: p });
    }
    try {
      await this.call<void>('chmod', p, (cb, sftp) => sftp.chmod(p, want, cb));
    } catch (err) {
      if (isSkiffError(err, 'UNSUPPORTED')) this.profile.learn('permissions-refused');
      throw err;
    }
    if (opts.verify === false) return;
    // Some servers answer OK and drop the mode: say so rather than show a change that did not happen.
    const st = await this.stat(p);
    if ((st.mode & 0o7777) !== want) {
      throw new SkiffError(
        'UNSUPPORTED',
        `The server accepted the new permissions of “${p}” but did not apply them (they are ${formatMode(st.mode)}, not ${formatMode(want)}).`,
        { path: p },
      );
    }
  }

  /** SETSTAT of owner and group (by number), checked with a stat afterwards. */
  async chown(p: string, uid: number, gid: number): Promise<void> {
    if (!this.profile.keepsPermissions) {
      throw new SkiffError('UNSUPPORTED', `This server keeps no Unix owners: the owner of “${p}” cannot be changed.`, { path: p });
    }
    await this.call<void>('chmod', p, (cb, sftp) => sftp.chown(p, uid, gid, cb));
    const st = await this.stat(p);
    if (st.uid !== uid || st.gid !== gid) {
      throw new SkiffError('UNSUPPORTED', `The server accepted the new owner of “${p}” but did not apply it (it is ${st.uid}:${st.gid}, not ${uid}:${gid}).`, {
        path: p,
      });
    }
  }

  async utimes(p: string, atimeMs: number, mtimeMs: number): Promise<void> {
    // SFTP v3 carries whole seconds.
    try {
      await this.call<void>('utimes', p, (cb, sftp) => sftp.utimes(p, Math.floor(atimeMs / 1000), Math.floor(mtimeMs / 1000), cb));
    } catch (err) {
      if (isSkiffError(err, 'UNSUPPORTED')) this.profile.learn('times-refused');
      throw err;
    }
  }

  /**
   * Creates `linkPath` holding `target`. Servers disagree on SYMLINK's argument order (OpenSSH
   * and most others reversed it; the draft and gesftpserver did not), and a wrong guess makes a
   * link at the target's name instead. So the order comes from the profile, the new link is read
   * back at once, and a link made the wrong way round is removed and the other order tried once.
   */
  async symlink(target: string, linkPath: string): Promise<void> {
    const known = this.profile.symlinkOrder;
    const first: SymlinkOrder = known ?? 'link-first';
    // What the target's text names on the server now: a wrong-way link would appear there.
    const before = await this.lstatOrNull(target).catch(() => undefined);
    const attempt = async (order: SymlinkOrder): Promise<'ok' | 'wrong'> => {
      await this.sendSymlink(target, linkPath, order);
      if (await this.linkHolds(linkPath, target)) return 'ok';
      await this.removeWrongLink(target, linkPath, before);
      return 'wrong';
    };
    let r: 'ok' | 'wrong';
    try {
      r = await attempt(first);
    } catch (err) {
      if (isSkiffError(err, 'FAILURE') && (await this.lstatOrNull(linkPath).catch(() => null))) throw refine('ALREADY_EXISTS', 'symlink', linkPath, err);
      // An unknown order that failed may only be the wrong one (the server tried to create the target's name).
      if (known !== null || !(isSkiffError(err, 'FAILURE') || isSkiffError(err, 'NO_SUCH_FILE') || isSkiffError(err, 'ALREADY_EXISTS')))
        throw symlinkError(err, linkPath);
      r = 'wrong';
    }
    if (r === 'ok') {
      if (known === null) this.profile.learnSymlinkOrder(first, false);
      return;
    }
    const second: SymlinkOrder = first === 'target-first' ? 'link-first' : 'target-first';
    try {
      r = await attempt(second);
    } catch (err) {
      throw symlinkError(err, linkPath);
    }
    if (r === 'ok') {
      this.profile.learnSymlinkOrder(second, true);
      return;
    }
    throw new SkiffError(
      'FAILURE',
      `The server did not create the link “${linkPath}” as asked, in either argument order; the wrong links it made were removed.`,
      { path: linkPath },
    );
  }

  /** One SYMLINK request with the two paths in `order`. */
  private sendSymlink(target: string, linkPath: string, order: SymlinkOrder): Promise<void> {
    return this.call<void>('symlink', linkPath, (cb, sftp) => {
      // ssh2 picks the order from this private flag (OpenSSH's reversed order when set) and sends
      // the packet before returning, so setting it around the one call decides this request only.
      const raw = sftp as unknown as { _isOpenSSH?: boolean };
      const was = raw._isOpenSSH;
      raw._isOpenSSH = order === 'target-first';
      try {
        sftp.symlink(target, linkPath, cb);
      } finally {
        raw._isOpenSSH = was;
      }
    });
  }

  /** Whether `linkPath` is now a link holding `target` (ProFTPD answers READLINK with the absolute form). */
  private async linkHolds(linkPath: string, target: string): Promise<boolean> {
    const st = await this.lstatOrNull(linkPath).catch(() => null);
    if (st?.type !== 'symlink') return false;
    let text: string;
    try {
      text = await this.readlink(linkPath);
    } catch {
      // A link is there but cannot be read back: take it (the order put it at the right name).
      return true;
    }
    const dir = path.posix.dirname(linkPath);
    return text === target || path.posix.resolve(dir, text) === path.posix.resolve(dir, target);
  }

  /** Removes a link the server made at the target's name pointing at `linkPath` (only one that was not there before). */
  private async removeWrongLink(target: string, linkPath: string, before: FileStat | null | undefined): Promise<void> {
    if (before !== null) return;
    const st = await this.lstatOrNull(target).catch(() => null);
    if (st?.type !== 'symlink') return;
    const text = await this.readlink(target).catch(() => null);
    if (text === null) return;
    if (text === linkPath || path.posix.normalize(text) === path.posix.normalize(linkPath)) {
      await this.call<void>('remove', target, (cb, sftp) => sftp.unlink(target, cb)).catch(() => undefined);
    }
  }

  async readlink(p: string): Promise<string> {
    try {
      const out = await this.call<string>('readlink', p, (cb, sftp) => sftp.readlink(p, cb));
      return serverString(out, 'readlink', p);
    } catch (err) {
      // readlink(2) on a non-link is EINVAL, which OpenSSH sends as BAD_MESSAGE.
      if (isSkiffError(err, 'INVALID_ARGUMENT') || isSkiffError(err, 'FAILURE')) {
        const st = await this.lstatOrNull(p).catch(() => null);
        if (st && st.type !== 'symlink') throw new SkiffError('INVALID_ARGUMENT', `“${p}” is not a symbolic link.`, { path: p, cause: err });
      }
      throw err;
    }
  }

  async open(p: string, flags: OpenFlags, mode?: number): Promise<FileHandle> {
    const attrs = mode === undefined ? {} : { mode };
    let handle: Buffer;
    let gen = -1;
    let chan: SFTPWrapper | undefined;
    try {
      handle = await this.call<Buffer>('open', p, (cb, sftp) => {
        gen = this.gen;
        chan = sftp;
        sftp.open(p, flags, attrs, cb);
      });
    } catch (err) {
      if (isSkiffError(err, 'FAILURE')) {
        const st = await this.statOrNull(p).catch(() => null);
        if (st?.type === 'directory') throw refine('IS_A_DIRECTORY', 'open', p, err);
        if (st && flags === 'wx') throw refine('ALREADY_EXISTS', 'open', p, err);
      }
      if (isSkiffError(err, 'NO_SUCH_FILE') && flags !== 'r' && flags !== 'r+') {
        const parent = path.posix.dirname(p);
        const pst = await this.statOrNull(parent).catch(() => null);
        if (pst && pst.type !== 'directory') throw refine('NOT_A_DIRECTORY', 'open', parent, err);
      }
      throw err;
    }
    if (!Buffer.isBuffer(handle) || handle.length === 0 || handle.length > 256) {
      throw new SkiffError('PROTOCOL_ERROR', `The server answered the request to open “${p}” with something that is not a file handle.`, { path: p });
    }
    return new SftpFileHandle(this, chan!, gen, handle, p);
  }

  /**
   * A small file in as few round trips as the server allows: the OPEN, its WRITEs, one FSETSTAT
   * (times, and mode when given) and the CLOSE, then the RENAME. See closeAfterWrites for when
   * the FSETSTAT and CLOSE may leave with the WRITEs. The acknowledged writes into the freshly
   * truncated part are its size check, as in the general path. A server that refuses the times
   * or the mode still gets the file; the answer says what was not kept.
   */
  async writeWholeFile(w: WholeFileWrite): Promise<AttrsKept> {
    const data = Buffer.isBuffer(w.data) ? w.data : Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength);
    const h = (await this.open(w.partPath, 'w', w.mode)) as SftpFileHandle;
    const step = Math.max(1, this.maxWriteSize);
    const writes: Array<Promise<void>> = [];
    for (let pos = 0; pos < data.length; pos += step) writes.push(h.write(data, pos, Math.min(step, data.length - pos), pos));
    const attrs = { atime: Math.floor(w.atimeMs / 1000), mtime: Math.floor(w.mtimeMs / 1000), ...(w.mode === undefined ? {} : { mode: w.mode & 0o7777 }) };
    const setAttrs = await closeAfterWrites(h, writes, this.handlesInOrder, attrs);
    const kept: AttrsKept = { times: true, mode: true };
    if (setAttrs !== null) {
      // FSETSTAT was refused: try times and mode apart (by path), so one refusal does not cost the other.
      if (!refusedAttr(setAttrs)) throw setAttrs;
      kept.times = await this.utimes(w.partPath, w.atimeMs, w.mtimeMs).then(
        () => true,
        (err: unknown) => (refusedAttr(err) ? false : Promise.reject(err)),
      );
      if (w.mode !== undefined) {
        kept.mode = await this.chmod(w.partPath, w.mode, { verify: false }).then(
          () => true,
          (err: unknown) => (refusedAttr(err) ? false : Promise.reject(err)),
        );
      }
    }
    await this.renameKnown(w.partPath, w.finalPath, w.overwrite, true);
    return kept;
  }

  /**
   * Whether `need` more bytes cannot fit on the file system holding `p`: SFTP v3 has no status
   * for a full disk (OpenSSH answers FAILURE), so a failed write asks statvfs@openssh.com.
   */
  async lacksSpace(p: string, need: number): Promise<boolean> {
    if (!('statvfs@openssh.com' in this.extensions)) return false;
    const dir = path.posix.dirname(p);
    // ssh2 names the fields after struct statvfs (f_bavail, f_frsize, …).
    const info = await this.call<{ f_bavail?: number; f_frsize?: number; f_bsize?: number }>('stat', dir, (cb, sftp) =>
      sftp.ext_openssh_statvfs(dir, cb),
    ).catch(() => null);
    if (!info || typeof info.f_bavail !== 'number') return false;
    return info.f_bavail * (info.f_frsize || info.f_bsize || 0) < need;
  }
}

/**
 * Sets a freshly written handle's attributes and closes it, after `writes` (already sent, in
 * offset order). A server known to carry out one handle's requests in the order sent gets the
 * FSETSTAT and CLOSE right behind the WRITEs (one round trip for all: OpenSSH, ProFTPD,
 * gesftpserver); any other server gets them only once every WRITE is acknowledged, because one
 * that runs writes in parallel may otherwise set the times before the last byte lands (and have
 * them overwritten) or, worse, close the handle under a WRITE still in flight. Rejects when a
 * write or the close failed; resolves to the FSETSTAT's error (null when it worked), which the
 * caller may treat as "attributes not kept" rather than as a failed file.
 */
async function closeAfterWrites(
  h: SftpFileHandle,
  writes: Array<Promise<void>>,
  inOrder: boolean,
  attrs: { atime?: number; mtime?: number; mode?: number },
): Promise<unknown> {
  if (!inOrder) {
    const done = await Promise.allSettled(writes);
    const bad = done.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) {
      await h.close().catch(() => undefined);
      throw bad.reason;
    }
  }
  const set = h.setAttributes(attrs).then(
    () => null,
    (err: unknown) => err,
  );
  const closed = h.close();
  const settled = await Promise.allSettled([...(inOrder ? writes : []), closed]);
  const bad = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad) throw bad.reason;
  const setErr = await set;
  if (isSkiffError(setErr) && (setErr.code === 'CONNECTION_LOST' || setErr.code === 'NOT_CONNECTED')) throw setErr;
  return setErr;
}

class SftpFileHandle implements FileHandle {
  private closed = false;
  constructor(
    private readonly owner: SftpFs,
    /** The channel (and its generation) the handle was opened on: its requests go there only. */
    private readonly sftp: SFTPWrapper,
    private readonly gen: number,
    private readonly handle: Buffer,
    private readonly p: string,
  ) {}

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (this.closed) return Promise.reject(new SkiffError('INVALID_ARGUMENT', `“${this.p}” is already closed.`, { path: this.p }));
    if (length === 0) return Promise.resolve(0);
    return this.owner.runOn<number>(this.gen, 'read', this.p, (cb) =>
      this.sftp.read(this.handle, buffer, offset, length, position, (err, bytesRead) => {
        // A reply of the wrong kind (a STATUS OK, a NAME) comes back without a byte count.
        if (!err && !(Number.isInteger(bytesRead) && bytesRead >= 0 && bytesRead <= length)) {
          cb(new SkiffError('PROTOCOL_ERROR', `The server answered a read of “${this.p}” with something that is not file data.`, { path: this.p }));
        } else cb(err, bytesRead);
      }),
    );
  }

  async write(buffer: Buffer, offset: number, length: number, position: number): Promise<void> {
    if (this.closed) throw new SkiffError('INVALID_ARGUMENT', `“${this.p}” is already closed.`, { path: this.p });
    if (length === 0) return;
    const max = Math.max(1, this.owner.maxWriteSize);
    if (length > max) {
      // ssh2 would send the rest of a long write only after the first part's acknowledgement,
      // behind later requests: every part leaves now instead, in offset order.
      const parts: Array<Promise<void>> = [];
      for (let done = 0; done < length; done += max) parts.push(this.write(buffer, offset + done, Math.min(max, length - done), position + done));
      const settled = await Promise.allSettled(parts);
      const bad = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (bad) throw bad.reason;
      return;
    }
    try {
      await this.owner.runOn<void>(this.gen, 'write', this.p, (cb) => this.sftp.write(this.handle, buffer, offset, length, position, (err) => cb(err)));
    } catch (err) {
      if (isSkiffError(err, 'FAILURE') && (await this.owner.lacksSpace(this.p, length))) throw refine('NO_SPACE', 'write', this.p, err);
      throw err;
    }
  }

  async stat(): Promise<FileStat> {
    return toStat(await this.owner.runOn<Stats>(this.gen, 'stat', this.p, (cb) => this.sftp.fstat(this.handle, cb)));
  }

  /** FSETSTAT: times (whole seconds in SFTP v3) and/or permission bits. */
  async setAttributes(attrs: { atime?: number; mtime?: number; mode?: number }): Promise<void> {
    if (this.closed) throw new SkiffError('INVALID_ARGUMENT', `“${this.p}” is already closed.`, { path: this.p });
    await this.owner.runOn<void>(this.gen, 'utimes', this.p, (cb) => this.sftp.fsetstat(this.handle, attrs, cb));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.owner.runOn<void>(this.gen, 'close', this.p, (cb) => this.sftp.close(this.handle, cb));
  }
}
