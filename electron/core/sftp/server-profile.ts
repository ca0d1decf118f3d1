// What Skiff knows about the SFTP server at the other end, detected at login from the SSH
// version string and the SFTP VERSION packet (never from a setting), and what it learns while
// the session runs. Each rule carries the evidence it rests on: read in the server's own
// source, and checked against the running server in the test bed (test/support/servers).

/** The SFTP server programs Skiff recognises. */
export const SERVER_SOFTWARE = ['openssh', 'proftpd', 'gesftpserver', 'go-pkg-sftp', 'unknown'] as const;
export type ServerSoftware = (typeof SERVER_SOFTWARE)[number];

/** Every quirk a profile can carry, detected at login or learned later. */
export const SERVER_QUIRKS = [
  'fsetstat-overtakes-writes',
  'writes-in-offset-order',
  'no-resume',
  'symlink-target-first',
  'symlink-link-first',
  'symlink-order-unknown',
  'symlink-order-learned',
  'readlink-absolute',
  'lstat-follows-links',
  'no-symlinks',
  'ignores-permissions',
  'posix-rename-refused',
  'no-posix-rename',
  'small-requests',
  'times-refused',
  'permissions-refused',
] as const;
export type ServerQuirk = (typeof SERVER_QUIRKS)[number];

export type SymlinkOrder = 'target-first' | 'link-first';

/** One quirk as the server information shows it. */
export interface QuirkNote {
  id: ServerQuirk;
  /** One sentence: what the server does and what Skiff does about it. */
  text: string;
  /** Seen while the session ran (not known at login). */
  learned: boolean;
}

/** What login told us: the SSH version string, SFTP version, extensions, request sizes. */
export interface ServerHello {
  /** The server's SSH identification line, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10`. */
  sshVersion: string;
  sftpVersion: number;
  /** Extension name → data, as the VERSION packet listed them. */
  extensions: Readonly<Record<string, string>>;
  maxReadSize: number;
  maxWriteSize: number;
  /** From limits@openssh.com; undefined when the server sets no limit or does not say. */
  maxOpenHandles?: number;
}

const TEXT: Record<ServerQuirk, string> = {
  'fsetstat-overtakes-writes':
    'May carry out a handle’s FSETSTAT before the WRITEs sent ahead of it: Skiff waits for every write to be acknowledged before it sets times or closes.',
  'writes-in-offset-order': 'Accepts a file’s bytes only in offset order: Skiff writes each upload through one handle, front to back.',
  'no-resume':
    'Cannot continue writing an existing file (it writes every file from its start): an interrupted upload sends that file again from the beginning.',
  'symlink-target-first': 'Takes SYMLINK’s two paths target first (OpenSSH’s order, the reverse of the SFTP draft): Skiff sends them that way.',
  'symlink-link-first': 'Takes SYMLINK’s two paths link first (the SFTP draft’s order): Skiff sends them that way.',
  'symlink-order-unknown':
    'Unknown SYMLINK argument order: Skiff tries the draft’s order, checks the new link with READLINK and turns the order round if it was wrong.',
  'symlink-order-learned': 'Created a link the wrong way round: Skiff removed it and now sends SYMLINK’s paths in the other order.',
  'readlink-absolute': 'Answers READLINK with an absolute path even where the link holds a relative one.',
  'lstat-follows-links':
    'Follows symbolic links in LSTAT, RENAME and posix-rename (it would move or replace what a link points at): Skiff asks READLINK alongside, so a link is never taken for a folder, and moves a link by making it anew.',
  'no-symlinks': 'Cannot create or read symbolic links.',
  'ignores-permissions': 'Ignores permission changes (it keeps no Unix modes): Skiff says “permissions not kept” instead of pretending.',
  'posix-rename-refused': 'Lists posix-rename@openssh.com but refused it: Skiff replaces files by moving the old one aside first.',
  'no-posix-rename':
    'Has no atomic rename over an existing file: Skiff moves the old file aside, renames, then deletes the old one (and puts it back if anything fails).',
  'small-requests': 'Promises no request size (no limits@openssh.com): Skiff keeps reads and writes within the SFTP draft’s 32 KiB.',
  'times-refused': 'Refused to set modification times: files still land, each with the warning “modification time not kept”.',
  'permissions-refused': 'Refused to set permissions: files still land, each with the warning “permissions not kept”.',
};

/** Recognisable marks of OpenSSH's sftp-server (and internal-sftp) in its VERSION packet. */
const OPENSSH_ONLY_EXTENSIONS = ['limits@openssh.com', 'lsetstat@openssh.com', 'expand-path@openssh.com', 'users-groups-by-id@openssh.com', 'copy-data'];
/** Go pkg/sftp's server lists exactly (a subset of) these: `supportedSFTPExtensions` in its sftp.go. */
const PKG_SFTP_EXTENSIONS = new Set(['hardlink@openssh.com', 'posix-rename@openssh.com', 'statvfs@openssh.com']);

/**
 * The detected behaviour of one server, shared by every channel of a session. Its answers are
 * what the engine asks; `learn` records what a request revealed (shown in Server information).
 */
export class ServerProfile {
  readonly software: ServerSoftware;
  /** Human name of the server program, e.g. "OpenSSH sftp-server" or "rclone serve sftp (Go pkg/sftp)". */
  readonly softwareLabel: string;
  /**
   * The server handles one handle's requests in the order sent, so an FSETSTAT and a CLOSE may
   * follow the WRITEs at once (no wait for their acknowledgements).
   */
  readonly handlesInOrder: boolean;
  /** One file may be written out of offset order and through several handles at once (striped uploads). */
  readonly canWriteOutOfOrder: boolean;
  /**
   * One big upload may be spread over several SFTP channels at once (each with its own server
   * window): only where every channel is its own sftp-server process writing with pwrite, as tested
   * (OpenSSH). Off for ProFTPD (one process serves every channel of a connection), Go pkg/sftp
   * (its own workers reorder a handle's writes) and anything unknown.
   */
  readonly stripedWrites: boolean;
  /** An existing file may be opened and written on from the middle (resuming a part). */
  readonly canResumeWrites: boolean;
  /** READDIR requests kept in flight on one directory handle (1 unless replies are known to come in order). */
  readonly readdirAhead: number;
  /** SETSTAT applies permission bits (false: the server accepts the request and drops the mode). */
  readonly keepsPermissions: boolean;
  /** LSTAT resolves a final symlink (so it cannot tell a link from what it points at). */
  readonly lstatFollowsLinks: boolean;
  /** posix-rename@openssh.com is listed and has not been refused. */
  private posixRenameOk: boolean;
  private order: SymlinkOrder | null;
  private readonly notes: QuirkNote[] = [];

  constructor(readonly hello: ServerHello) {
    const ext = hello.extensions;
    const ident = hello.sshVersion;
    const names = Object.keys(ext);
    const has = (n: string): boolean => Object.prototype.hasOwnProperty.call(ext, n);
    this.lstatFollowsLinks = false;
    this.canResumeWrites = true;
    const note = (id: ServerQuirk): void => void this.notes.push({ id, text: TEXT[id], learned: false });
    this.posixRenameOk = has('posix-rename@openssh.com');

    if (has('symlink-order@rjk.greenend.org.uk') || /Green End/.test(ext['vendor-id'] ?? '')) {
      // gesftpserver: serialize.c lets only READ/WRITE requests overtake one another; anything
      // else (FSETSTAT, CLOSE, READDIR) waits for every older request. It tells its SYMLINK order
      // in symlink-order@rjk.greenend.org.uk (sftpserver.c; default "linkpath-targetpath", v3.c).
      this.software = 'gesftpserver';
      this.softwareLabel = 'Green End SFTP Server (gesftpserver)';
      this.handlesInOrder = true;
      this.canWriteOutOfOrder = true;
      this.stripedWrites = false;
      this.readdirAhead = 4;
      this.keepsPermissions = true;
      this.order = ext['symlink-order@rjk.greenend.org.uk'] === 'targetpath-linkpath' ? 'target-first' : 'link-first';
    } else if (/^SSH-2\.0-mod_sftp/i.test(ident)) {
      // ProFTPD mod_sftp: one process per connection that reads and answers each SFTP request
      // before the next (fxp.c: fxp_packet_read / sftp_fxp_handle_packet; its trace log shows
      // the replies strictly in request order). fxp_handle_symlink reads the target first, "to
      // match the behavior that OpenSSH uses"; fxp_handle_readlink calls dir_readlink with
      // PR_DIR_READLINK_FL_HANDLE_REL_PATH, which turns relative link text into an absolute path.
      // fxp_handle_lstat runs the path through dir_best_path (support.c), which resolves every
      // symlink in it, the last one too, before its lstat: a link to a file comes back as a file.
      // fxp_handle_rename and fxp_handle_ext_posix_rename do the same to both their paths.
      this.software = 'proftpd';
      this.softwareLabel = 'ProFTPD mod_sftp';
      this.handlesInOrder = true;
      this.canWriteOutOfOrder = true;
      this.stripedWrites = false;
      this.readdirAhead = 4;
      this.keepsPermissions = true;
      this.order = 'target-first';
      this.lstatFollowsLinks = true;
      note('readlink-absolute');
      note('lstat-follows-links');
    } else if (OPENSSH_ONLY_EXTENSIONS.some(has) || (/^SSH-2\.0-(OpenSSH|dropbear)/i.test(ident) && !names.some((n) => !n.endsWith('@openssh.com')))) {
      // OpenSSH sftp-server: a single loop that takes one message off its input buffer and
      // answers it before the next (sftp-server.c: process()). SYMLINK takes the target first
      // (OpenSSH's PROTOCOL file, §4.1: "inadvertently reversed"). Dropbear runs the same program.
      this.software = 'openssh';
      this.softwareLabel = 'OpenSSH sftp-server';
      this.handlesInOrder = true;
      this.canWriteOutOfOrder = true;
      this.stripedWrites = true;
      this.readdirAhead = 4;
      this.keepsPermissions = true;
      this.order = 'target-first';
    } else if (names.length > 0 && names.every((n) => PKG_SFTP_EXTENSIONS.has(n))) {
      // Go pkg/sftp: READ and WRITE requests go to 8 workers at once and only CLOSE waits for
      // them (packet-manager.go: workerChan), so an FSETSTAT can run before earlier WRITEs. Its
      // SYMLINK packet has the target first (packet.go: sshFxpSymlinkPacket). rclone's handler
      // (cmd/serve/sftp/handler.go) answers SYMLINK and READLINK "unsupported", applies only
      // size and times in SETSTAT, and without --vfs-cache-mode writes its VFS refuses a write
      // that is not at the current end ("can't seek in file", vfs/write.go) and opening an
      // existing file for writing without truncating it (openPending: "Can't open for write
      // without O_TRUNC"), so a part cannot be resumed.
      const rclone = /^SSH-2\.0-rclone/i.test(ident);
      this.software = 'go-pkg-sftp';
      this.softwareLabel = rclone ? 'rclone serve sftp (Go pkg/sftp)' : 'Go pkg/sftp';
      this.handlesInOrder = false;
      this.canWriteOutOfOrder = !rclone;
      this.stripedWrites = false;
      this.readdirAhead = 1;
      this.keepsPermissions = !rclone;
      this.canResumeWrites = !rclone;
      this.order = 'target-first';
      note('fsetstat-overtakes-writes');
      if (rclone) {
        note('writes-in-offset-order');
        note('no-resume');
        note('no-symlinks');
        note('ignores-permissions');
      }
    } else {
      // Nothing we know: every safety wait on, one handle per file, the symlink order found out.
      this.software = 'unknown';
      this.softwareLabel = 'Unknown SFTP server';
      this.handlesInOrder = false;
      this.canWriteOutOfOrder = false;
      this.stripedWrites = false;
      this.readdirAhead = 1;
      this.keepsPermissions = true;
      this.order = /^SSH-2\.0-(OpenSSH|dropbear)/i.test(ident) ? 'target-first' : null;
    }
    if (this.order === null) note('symlink-order-unknown');
    else if (!this.notes.some((n) => n.id === 'no-symlinks')) note(this.order === 'target-first' ? 'symlink-target-first' : 'symlink-link-first');
    if (!this.posixRenameOk) note('no-posix-rename');
    if (!has('limits@openssh.com')) note('small-requests');
  }

  /** The SYMLINK argument order to use; null when not known yet (try the draft's, then check). */
  get symlinkOrder(): SymlinkOrder | null {
    return this.order;
  }

  /** Whether to replace files with posix-rename@openssh.com (listed, and not refused so far). */
  get posixRename(): boolean {
    return this.posixRenameOk;
  }

  /** Quirks known so far, detected ones first. */
  get quirks(): readonly QuirkNote[] {
    return this.notes;
  }

  /** Records an order that READLINK proved right (after one that proved wrong, when `flipped`). */
  learnSymlinkOrder(order: SymlinkOrder, flipped: boolean): void {
    if (this.order === order) return;
    this.order = order;
    const drop = new Set<ServerQuirk>(['symlink-target-first', 'symlink-link-first', 'symlink-order-unknown']);
    for (let i = this.notes.length - 1; i >= 0; i--) if (drop.has(this.notes[i]!.id)) this.notes.splice(i, 1);
    this.notes.push({
      id: order === 'target-first' ? 'symlink-target-first' : 'symlink-link-first',
      text: TEXT[order === 'target-first' ? 'symlink-target-first' : 'symlink-link-first'],
      learned: true,
    });
    if (flipped) this.learn('symlink-order-learned');
  }

  /** Records a quirk a request revealed (once). */
  learn(id: ServerQuirk): void {
    if (id === 'posix-rename-refused') this.posixRenameOk = false;
    if (this.notes.some((n) => n.id === id)) return;
    this.notes.push({ id, text: TEXT[id], learned: true });
  }
}
