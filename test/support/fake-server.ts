// A scriptable SSH/SFTP server on ssh2's `Server`, for what a real OpenSSH will not do on demand:
// password and keyboard-interactive logins, hostile directory listings, slow replies and
// connections that drop mid-listing or mid-transfer. Everything lives in memory.
//
// startFakeServer(opts) options (all optional):
//   users        Record<username, { password?: string; keyboard?: { prompts: {prompt, echo}[]; answers: string[]; name?; instructions? } }>
//                Accepted credentials. Default: { tester: { password: 'secret' } }.
//   methods      Auth methods advertised after the `none` probe. Default: what `users` configure
//                ('password' and/or 'keyboard-interactive').
//   files        Record<absolutePath, string | Buffer | { dir: true } | { symlink: target }> initial tree;
//                parent folders are created automatically. Default: an empty home.
//   home         The login folder REALPATH('.') answers. Default '/home/tester' (created).
//   listings     Record<absoluteDirPath, FakeDirEntry[]>: scripted READDIR replies for that folder
//                instead of the tree's children (hostile names like '..', '../../x', 'a/b',
//                '/etc/passwd', '\x1b[31m', or 100 000 entries). Entries without attrs get a
//                regular file's attributes.
//   readdirBatch Entries per READDIR reply. Default 100.
//   delayMs      Delay every SFTP reply by this many ms (slow server).
//   dropAfterBytesRead      Cut the TCP connection (no goodbye) once this many file bytes were served by READ.
//   dropAfterReaddirReplies Cut the TCP connection when READDIR is asked for the (N+1)th time.
//   holdReaddirAfterEof     A READDIR on a handle that has already answered EOF is never answered
//                           (what waiting for it would cost: a round trip, here forever).
//   rekeyAfterAuth          'same-key' | 'new-key': right after login, start a re-key, presenting the
//                           same host key or a different one (a man-in-the-middle swap).
//   requireAll   e.g. ['password', 'keyboard-interactive']: multi-factor; each listed method must
//                succeed (the earlier ones answer "partial success"), like OpenSSH AuthenticationMethods.
//   denied       Absolute paths that answer PERMISSION_DENIED to OPENDIR/OPEN/MKDIR/REMOVE (works as root too).
//   noSftp       Refuse the sftp subsystem.
//   ident        The SSH software version it announces (e.g. 'OpenSSH_9.9' to pose as OpenSSH). Default ssh2's.
//   symlinkArgs  How it reads SYMLINK's two paths: 'draft' (link first, the default), 'reversed' (target first, as
//                OpenSSH), or 'none' (no symlinks: ssh2 answers OP_UNSUPPORTED).
//   refuse       { times?, modes? }: SETSTAT/FSETSTAT that set times (or permission bits) answer PERMISSION_DENIED.
//   faults       FakeFault[]: on the nth request of a kind (for a path ending in `path`), answer garbage
//                (bytes that are not an SFTP packet), close the SFTP channel, or answer a given status.
//                Each fires once. The connection itself stays up.
//
// Returned: { port, host, hostKey (public key blob, wire format), hostKeyFingerprint,
//   authAttempts (every attempt: method, username, the secret offered, accepted), files (the live
//   in-memory tree; inspect or change it between calls), connections (count), requests (WRITE,
//   FSETSTAT, SETSTAT, CLOSE, RENAME, SYMLINK as they arrived, with path and offset), stop() }.
import { posix } from 'node:path';
import ssh2 from 'ssh2';
import type { Connection, SFTPWrapper, AuthContext } from 'ssh2';
import { fingerprintSha256 } from '../../electron/core/trust/host-key';

const { Server, utils } = ssh2;
const STATUS = utils.sftp.STATUS_CODE;
const OPEN = utils.sftp.OPEN_MODE;

export type FakeNode =
  | { type: 'file'; data: Buffer; mode: number; mtime: number; atime?: number; uid?: number; gid?: number }
  | { type: 'dir'; mode: number; mtime: number; uid?: number; gid?: number }
  | { type: 'symlink'; target: string; mtime: number };

/** A misbehaviour on one request (see FakeServerOptions.faults). */
export interface FakeFault {
  op: 'OPEN' | 'READ' | 'WRITE' | 'FSETSTAT' | 'SETSTAT' | 'CLOSE' | 'RENAME' | 'REMOVE' | 'MKDIR' | 'STAT' | 'LSTAT';
  /** Only requests for a path ending with this (a handle's request: the path it was opened with). */
  path?: string;
  /** Act on the nth matching request (1-based; default 1). */
  nth?: number;
  action: 'garbage' | 'close-channel' | 'status';
  /** For action 'status': the SFTP status code and message to answer with. */
  status?: number;
  message?: string;
}

/** One request as the server received it (the kinds a writer's ordering is about). */
export interface FakeRequest {
  op: string;
  path: string;
  offset?: number;
  length?: number;
  /** When it arrived (performance.now()). */
  t: number;
}

export interface FakeDirEntry {
  filename: string;
  longname?: string;
  attrs?: { mode?: number; size?: number; uid?: number; gid?: number; atime?: number; mtime?: number };
}

export interface FakeUser {
  password?: string;
  keyboard?: { prompts: Array<{ prompt: string; echo: boolean }>; answers: string[]; name?: string; instructions?: string };
}

export interface FakeServerOptions {
  users?: Record<string, FakeUser>;
  methods?: Array<'password' | 'keyboard-interactive' | 'publickey'>;
  files?: Record<string, string | Buffer | { dir: true } | { symlink: string }>;
  home?: string;
  listings?: Record<string, FakeDirEntry[]>;
  readdirBatch?: number;
  delayMs?: number;
  dropAfterBytesRead?: number;
  dropAfterReaddirReplies?: number;
  holdReaddirAfterEof?: boolean;
  rekeyAfterAuth?: 'same-key' | 'new-key';
  requireAll?: Array<'password' | 'keyboard-interactive'>;
  denied?: string[];
  noSftp?: boolean;
  ident?: string;
  symlinkArgs?: 'draft' | 'reversed' | 'none';
  refuse?: { times?: boolean; modes?: boolean };
  faults?: FakeFault[];
}

export interface AuthAttempt {
  method: string;
  username: string;
  password?: string;
  answers?: string[];
  accepted: boolean;
}

export interface FakeServer {
  host: string;
  port: number;
  /** Public host key blob (what a client's host verifier sees). */
  hostKey: Buffer;
  hostKeyFingerprint: string;
  authAttempts: AuthAttempt[];
  files: Map<string, FakeNode>;
  readonly connections: number;
  requests: FakeRequest[];
  stop(): Promise<void>;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function attrsOf(node: FakeNode): { mode: number; size: number; uid: number; gid: number; atime: number; mtime: number } {
  const base = {
    uid: node.type === 'symlink' ? 1000 : (node.uid ?? 1000),
    gid: node.type === 'symlink' ? 1000 : (node.gid ?? 1000),
    atime: node.mtime,
    mtime: node.mtime,
  };
  if (node.type === 'file') return { ...base, atime: node.atime ?? node.mtime, mode: S_IFREG | node.mode, size: node.data.length };
  if (node.type === 'dir') return { ...base, mode: S_IFDIR | node.mode, size: 4096 };
  return { ...base, mode: S_IFLNK | 0o777, size: node.target.length };
}

/** Spare room behind each file's bytes, so a long upload grows its buffer a few times, not once per WRITE. */
const backing = new WeakMap<FakeNode, Buffer>();
function writeAt(n: Extract<FakeNode, { type: 'file' }>, at: number, data: Buffer): void {
  const end = at + data.length;
  let room = backing.get(n);
  if (!room || room.buffer !== n.data.buffer || n.data.byteOffset !== 0) room = n.data;
  if (end > room.length) {
    const grown = Buffer.alloc(Math.max(end, room.length * 2, 64 * 1024));
    n.data.copy(grown);
    room = grown;
  } else if (end > n.data.length) {
    room.fill(0, n.data.length, end);
  }
  backing.set(n, room);
  data.copy(room, at);
  n.data = room.subarray(0, Math.max(n.data.length, end));
}

function longnameOf(name: string, node: FakeNode): string {
  const a = attrsOf(node);
  const t = node.type === 'dir' ? 'd' : node.type === 'symlink' ? 'l' : '-';
  const perms = (a.mode & 0o777)
    .toString(2)
    .padStart(9, '0')
    .split('')
    .map((b, i) => (b === '1' ? 'rwx'[i % 3] : '-'))
    .join('');
  return `${t}${perms}    1 tester   staff    ${String(a.size).padStart(8)} Jan  1 00:00 ${name}`;
}

/**
 * An ed25519 pair ssh2 can read back. ssh2 1.17's generateKeyPairSync now and then (≈1 in 200)
 * emits a malformed private key (ssh-keygen -y rejects it too), so draw again until both halves parse.
 */
function goodKeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

function publicBlob(privateKey: string): Buffer {
  const k = utils.parseKey(privateKey);
  if (k instanceof Error) throw k;
  return (Array.isArray(k) ? k[0]! : k).getPublicSSH();
}

/** Starts the fake server on 127.0.0.1 and a free port. Stop it in afterAll. */
export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const users = opts.users ?? { tester: { password: 'secret' } };
  const methods =
    opts.requireAll ??
    opts.methods ??
    ([
      ...new Set(Object.values(users).flatMap((u) => [...(u.password !== undefined ? ['password'] : []), ...(u.keyboard ? ['keyboard-interactive'] : [])])),
    ] as Array<'password' | 'keyboard-interactive'>);
  const home = opts.home ?? '/home/tester';
  const batch = Math.max(1, opts.readdirBatch ?? 100);
  const hostPair = goodKeyPair();
  const otherPair = goodKeyPair();
  const hostKey = publicBlob(hostPair.private);

  const files = new Map<string, FakeNode>();
  const mkdirp = (p: string): void => {
    let cur = '/';
    files.set('/', files.get('/') ?? { type: 'dir', mode: 0o755, mtime: now() });
    for (const part of p.split('/').filter(Boolean)) {
      cur = posix.join(cur, part);
      if (!files.has(cur)) files.set(cur, { type: 'dir', mode: 0o755, mtime: now() });
    }
  };
  mkdirp(home);
  for (const [p, v] of Object.entries(opts.files ?? {})) {
    const abs = posix.resolve('/', p);
    mkdirp(posix.dirname(abs));
    if (typeof v === 'string' || Buffer.isBuffer(v)) files.set(abs, { type: 'file', data: Buffer.from(v), mode: 0o644, mtime: now() });
    else if ('dir' in v) mkdirp(abs);
    else files.set(abs, { type: 'symlink', target: v.symlink, mtime: now() });
  }

  const authAttempts: AuthAttempt[] = [];
  const live = new Set<Connection>();
  let connections = 0;

  const requests: FakeRequest[] = [];
  const faults = (opts.faults ?? []).map((f) => ({ ...f, seen: 0, fired: false }));
  const server = new Server({ hostKeys: [hostPair.private], ...(opts.ident ? { ident: opts.ident } : {}) }, (client: Connection) => {
    connections += 1;
    live.add(client);
    client.on('close', () => live.delete(client));
    client.on('error', () => {});
    const drop = (): void => {
      // A hard cut, as when a server process dies or a network drops: no SSH disconnect message.
      (client as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
    };

    const passed = new Set<string>();
    /** Accepts, or with requireAll answers partial success until every required method passed. */
    const succeed = (ctx: AuthContext, method: 'password' | 'keyboard-interactive'): void => {
      if (!opts.requireAll) return ctx.accept();
      passed.add(method);
      const left = opts.requireAll.filter((m) => !passed.has(m));
      return left.length ? ctx.reject(left, true) : ctx.accept();
    };
    const stillAllowed = (): typeof methods => (opts.requireAll ? opts.requireAll.filter((m) => !passed.has(m)) : methods);

    client.on('authentication', (ctx: AuthContext) => {
      const user = users[ctx.username];
      if (ctx.method === 'password') {
        const ok = user?.password !== undefined && ctx.password === user.password && stillAllowed().includes('password');
        authAttempts.push({ method: 'password', username: ctx.username, password: ctx.password, accepted: ok });
        return ok ? succeed(ctx, 'password') : ctx.reject(stillAllowed());
      }
      if (ctx.method === 'keyboard-interactive' && stillAllowed().includes('keyboard-interactive')) {
        const kb = user?.keyboard ?? { prompts: [{ prompt: 'Password: ', echo: false }], answers: [user?.password ?? '\0never'] };
        ctx.prompt(kb.prompts, kb.name ?? '', kb.instructions ?? '', (answers: string[]) => {
          const ok = !!user && answers.length === kb.answers.length && answers.every((a, i) => a === kb.answers[i]);
          authAttempts.push({ method: 'keyboard-interactive', username: ctx.username, answers, accepted: ok });
          return ok ? succeed(ctx, 'keyboard-interactive') : ctx.reject(stillAllowed());
        });
        return;
      }
      authAttempts.push({ method: ctx.method, username: ctx.username, accepted: false });
      ctx.reject(stillAllowed());
    });

    client.on('ready', () => {
      if (opts.rekeyAfterAuth) {
        if (opts.rekeyAfterAuth === 'new-key') {
          const other = utils.parseKey(otherPair.private);
          if (!(other instanceof Error)) {
            // Swap the key on this connection only (ssh2 shares the server-wide map between clients).
            (client as unknown as { _protocol: { _hostKeys: Record<string, unknown> } })._protocol._hostKeys = {
              'ssh-ed25519': Array.isArray(other) ? other[0] : other,
            };
          }
        }
        client.rekey();
      }
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp, rejectSftp) => {
          if (opts.noSftp) return rejectSftp();
          serveSftp(acceptSftp(), drop);
        });
      });
    });
  });

  let bytesRead = 0;
  let readdirReplies = 0;

  function serveSftp(sftp: SFTPWrapper, drop: () => void): void {
    type Handle = { kind: 'file'; path: string; flags: number } | { kind: 'dir'; path: string; entries: FakeDirEntry[]; pos: number; eofSent?: boolean };
    const handles = new Map<number, Handle>();
    let nextHandle = 1;
    const later = (fn: () => void): void => {
      // A reply may come due after the client or the server went away: drop it quietly.
      const safe = (): void => {
        try {
          fn();
        } catch {
          /* channel gone */
        }
      };
      if (opts.delayMs) setTimeout(safe, opts.delayMs).unref();
      else safe();
    };
    const abs = (p: string): string => posix.resolve(home, p || '.');
    const handleOf = (buf: Buffer): Handle | undefined => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined);
    const newHandle = (h: Handle): Buffer => {
      const id = nextHandle++;
      handles.set(id, h);
      const b = Buffer.alloc(4);
      b.writeUInt32BE(id, 0);
      return b;
    };
    const status = (id: number, code: number, msg?: string): void => later(() => sftp.status(id, code, msg));
    /** Applies a scripted fault to this request, if one is due; true when it took over the reply. */
    const faulted = (op: FakeFault['op'], id: number, p: string): boolean => {
      const f = faults.find((x) => !x.fired && x.op === op && (x.path === undefined || p.endsWith(x.path)) && ++x.seen >= (x.nth ?? 1));
      if (!f) return false;
      f.fired = true;
      if (f.action === 'status') {
        status(id, f.status ?? STATUS.FAILURE, f.message ?? 'Failure');
      } else if (f.action === 'close-channel') {
        sftp.end();
      } else {
        // Not an SFTP packet at all: a length, then a type no SFTP version has.
        const raw = sftp as unknown as { _protocol: { channelData(id: number, d: Buffer): void }; outgoing: { id: number } };
        raw._protocol.channelData(raw.outgoing.id, Buffer.from([0, 0, 0, 9, 0xee, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]));
      }
      return true;
    };
    const refused = (attrs: { mode?: number; mtime?: number | Date; atime?: number | Date }): boolean =>
      (opts.refuse?.times === true && (attrs.mtime !== undefined || attrs.atime !== undefined)) || (opts.refuse?.modes === true && attrs.mode !== undefined);
    const applyAttrs = (n: FakeNode, attrs: { mode?: number; uid?: number; gid?: number; mtime?: number | Date; atime?: number | Date }): void => {
      if (attrs.mode !== undefined && n.type !== 'symlink') n.mode = attrs.mode & 0o7777;
      if (attrs.mtime !== undefined) n.mtime = Number(attrs.mtime instanceof Date ? attrs.mtime.getTime() / 1000 : attrs.mtime);
      if (attrs.atime !== undefined && n.type === 'file') n.atime = Number(attrs.atime instanceof Date ? attrs.atime.getTime() / 1000 : attrs.atime);
      if (n.type !== 'symlink') {
        if (attrs.uid !== undefined) n.uid = attrs.uid;
        if (attrs.gid !== undefined) n.gid = attrs.gid;
      }
    };
    const resolveLinks = (p: string, depth = 0): FakeNode | undefined => {
      const n = files.get(p);
      if (n?.type === 'symlink' && depth < 16) return resolveLinks(posix.resolve(posix.dirname(p), n.target), depth + 1);
      return n;
    };
    const childrenOf = (dir: string): FakeDirEntry[] => {
      const prefix = dir === '/' ? '/' : `${dir}/`;
      const out: FakeDirEntry[] = [];
      for (const [p, n] of files) {
        if (p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) {
          const name = p.slice(prefix.length);
          out.push({ filename: name, longname: longnameOf(name, n), attrs: attrsOf(n) });
        }
      }
      return out;
    };

    sftp.on('REALPATH', (id, p) => {
      const a = abs(p);
      const n = files.get(a);
      later(() => sftp.name(id, [{ filename: a, longname: n ? longnameOf(a, n) : a, attrs: n ? attrsOf(n) : {} } as never]));
    });
    const statLike = (follow: boolean) => (id: number, p: string) => {
      if (faulted(follow ? 'STAT' : 'LSTAT', id, abs(p))) return;
      const n = follow ? resolveLinks(abs(p)) : files.get(abs(p));
      if (!n) return status(id, STATUS.NO_SUCH_FILE, 'No such file');
      later(() => sftp.attrs(id, attrsOf(n) as never));
    };
    sftp.on('STAT', statLike(true));
    sftp.on('LSTAT', statLike(false));
    sftp.on('READLINK', (id, p) => {
      const n = files.get(abs(p));
      if (n?.type !== 'symlink') return status(id, n ? STATUS.FAILURE : STATUS.NO_SUCH_FILE);
      later(() => sftp.name(id, [{ filename: n.target, longname: n.target, attrs: {} } as never]));
    });
    const denied = new Set(opts.denied ?? []);
    sftp.on('OPENDIR', (id, p) => {
      const a = abs(p);
      if (denied.has(a)) return status(id, STATUS.PERMISSION_DENIED, 'Permission denied');
      const scripted = opts.listings?.[a];
      const n = resolveLinks(a);
      if (!scripted && !n) return status(id, STATUS.NO_SUCH_FILE, 'No such file');
      if (!scripted && n?.type !== 'dir') return status(id, STATUS.FAILURE, 'Not a directory');
      const entries = scripted ?? childrenOf(a);
      const h = newHandle({ kind: 'dir', path: a, entries, pos: 0 });
      later(() => sftp.handle(id, h));
    });
    sftp.on('READDIR', (id, hb) => {
      const h = handleOf(hb);
      if (h?.kind !== 'dir') return status(id, STATUS.FAILURE, 'Bad handle');
      if (opts.dropAfterReaddirReplies !== undefined && readdirReplies >= opts.dropAfterReaddirReplies) return drop();
      readdirReplies += 1;
      if (h.pos >= h.entries.length) {
        if (opts.holdReaddirAfterEof && h.eofSent) return;
        h.eofSent = true;
        return status(id, STATUS.EOF);
      }
      const slice = h.entries.slice(h.pos, h.pos + batch);
      h.pos += slice.length;
      const names = slice.map((e) => ({
        filename: e.filename,
        longname: e.longname ?? `-rw-r--r--    1 tester   staff    0 Jan  1 00:00 ${e.filename}`,
        attrs: e.attrs ?? { mode: S_IFREG | 0o644, size: 0, uid: 1000, gid: 1000, atime: 0, mtime: 0 },
      }));
      later(() => sftp.name(id, names as never));
    });
    sftp.on('OPEN', (id, p, flags) => {
      const a = abs(p);
      if (faulted('OPEN', id, a)) return;
      if (denied.has(a) || denied.has(posix.dirname(a))) return status(id, STATUS.PERMISSION_DENIED, 'Permission denied');
      const n = files.get(a);
      const parent = files.get(posix.dirname(a));
      if (n?.type === 'dir') return status(id, STATUS.FAILURE, 'Is a directory');
      if (!n) {
        if (!(flags & OPEN.CREAT)) return status(id, STATUS.NO_SUCH_FILE, 'No such file');
        if (parent?.type !== 'dir') return status(id, STATUS.NO_SUCH_FILE, 'No such file');
        files.set(a, { type: 'file', data: Buffer.alloc(0), mode: 0o644, mtime: now() });
      } else if (flags & OPEN.EXCL) {
        return status(id, STATUS.FAILURE, 'File exists');
      } else if (flags & OPEN.TRUNC && n.type === 'file') {
        n.data = Buffer.alloc(0);
      }
      const h = newHandle({ kind: 'file', path: a, flags });
      later(() => sftp.handle(id, h));
    });
    sftp.on('READ', (id, hb, offset, length) => {
      const h = handleOf(hb);
      const n = h ? resolveLinks(h.path) : undefined;
      if (h?.kind !== 'file' || n?.type !== 'file') return status(id, STATUS.FAILURE, 'Bad handle');
      if (faulted('READ', id, h.path)) return;
      if (offset >= n.data.length) return status(id, STATUS.EOF);
      let chunk = n.data.subarray(offset, Math.min(n.data.length, offset + length));
      if (opts.dropAfterBytesRead !== undefined) {
        const left = opts.dropAfterBytesRead - bytesRead;
        if (left <= 0) return drop();
        chunk = chunk.subarray(0, left);
      }
      bytesRead += chunk.length;
      const copy = Buffer.from(chunk);
      later(() => sftp.data(id, copy));
    });
    sftp.on('WRITE', (id, hb, offset, data) => {
      const h = handleOf(hb);
      const n = h ? files.get(h.path) : undefined;
      if (h?.kind !== 'file' || n?.type !== 'file') return status(id, STATUS.FAILURE, 'Bad handle');
      requests.push({ op: 'WRITE', path: h.path, offset, length: data.length, t: performance.now() });
      if (faulted('WRITE', id, h.path)) return;
      const at = h.flags & OPEN.APPEND ? n.data.length : offset;
      writeAt(n, at, Buffer.from(data));
      n.mtime = now();
      status(id, STATUS.OK);
    });
    sftp.on('FSTAT', (id, hb) => {
      const h = handleOf(hb);
      const n = h ? resolveLinks(h.path) : undefined;
      if (!n) return status(id, STATUS.FAILURE, 'Bad handle');
      later(() => sftp.attrs(id, attrsOf(n) as never));
    });
    sftp.on('CLOSE', (id, hb) => {
      const h = handleOf(hb);
      if (h) requests.push({ op: 'CLOSE', path: h.path, t: performance.now() });
      if (h && faulted('CLOSE', id, h.path)) return;
      if (hb.length !== 4 || !handles.delete(hb.readUInt32BE(0))) return status(id, STATUS.FAILURE, 'Bad handle');
      status(id, STATUS.OK);
    });
    sftp.on('MKDIR', (id, p, attrs) => {
      const a = abs(p);
      if (faulted('MKDIR', id, a)) return;
      if (denied.has(a) || denied.has(posix.dirname(a))) return status(id, STATUS.PERMISSION_DENIED, 'Permission denied');
      if (files.has(a)) return status(id, STATUS.FAILURE, 'Failure');
      if (files.get(posix.dirname(a))?.type !== 'dir') return status(id, STATUS.NO_SUCH_FILE, 'No such file');
      files.set(a, { type: 'dir', mode: (attrs.mode ?? 0o755) & 0o7777, mtime: now() });
      status(id, STATUS.OK);
    });
    sftp.on('RMDIR', (id, p) => {
      const a = abs(p);
      const n = files.get(a);
      if (!n) return status(id, STATUS.NO_SUCH_FILE, 'No such file');
      if (n.type !== 'dir' || childrenOf(a).length) return status(id, STATUS.FAILURE, 'Failure');
      files.delete(a);
      status(id, STATUS.OK);
    });
    sftp.on('REMOVE', (id, p) => {
      const a = abs(p);
      if (faulted('REMOVE', id, a)) return;
      if (denied.has(a) || denied.has(posix.dirname(a))) return status(id, STATUS.PERMISSION_DENIED, 'Permission denied');
      const n = files.get(a);
      if (!n) return status(id, STATUS.NO_SUCH_FILE, 'No such file');
      if (n.type === 'dir') return status(id, STATUS.FAILURE, 'Is a directory');
      files.delete(a);
      status(id, STATUS.OK);
    });
    sftp.on('RENAME', (id, from, to) => {
      const a = abs(from);
      const b = abs(to);
      requests.push({ op: 'RENAME', path: `${a} -> ${b}`, t: performance.now() });
      if (faulted('RENAME', id, b)) return;
      if (!files.has(a)) return status(id, STATUS.NO_SUCH_FILE, 'No such file');
      if (files.has(b)) return status(id, STATUS.FAILURE, 'Failure');
      for (const [p, n] of [...files]) {
        if (p === a || p.startsWith(`${a}/`)) {
          files.delete(p);
          files.set(b + p.slice(a.length), n);
        }
      }
      status(id, STATUS.OK);
    });
    sftp.on('SETSTAT', (id, p, attrs) => {
      requests.push({ op: 'SETSTAT', path: abs(p), t: performance.now() });
      if (faulted('SETSTAT', id, abs(p))) return;
      const n = resolveLinks(abs(p));
      if (!n) return status(id, STATUS.NO_SUCH_FILE, 'No such file');
      if (refused(attrs)) return status(id, STATUS.PERMISSION_DENIED, 'Operation not permitted');
      applyAttrs(n, attrs);
      status(id, STATUS.OK);
    });
    sftp.on('FSETSTAT', (id, hb, attrs) => {
      const h = handleOf(hb);
      const n = h ? resolveLinks(h.path) : undefined;
      if (h) requests.push({ op: 'FSETSTAT', path: h.path, t: performance.now() });
      if (h && faulted('FSETSTAT', id, h.path)) return;
      if (!h || !n) return status(id, STATUS.FAILURE, 'Bad handle');
      if (refused(attrs)) return status(id, STATUS.PERMISSION_DENIED, 'Operation not permitted');
      applyAttrs(n, attrs);
      status(id, STATUS.OK);
    });
    if (opts.symlinkArgs !== 'none')
      sftp.on('SYMLINK', (id, first, second) => {
        // ssh2 hands the paths over in the draft's order (link, then target) for a client that is not OpenSSH.
        const [linkPath, target] = opts.symlinkArgs === 'reversed' ? [second, first] : [first, second];
        const a = abs(linkPath);
        requests.push({ op: 'SYMLINK', path: a, t: performance.now() });
        if (files.has(a)) return status(id, STATUS.FAILURE, 'File exists');
        if (files.get(posix.dirname(a))?.type !== 'dir') return status(id, STATUS.NO_SUCH_FILE, 'No such file');
        files.set(a, { type: 'symlink', target, mtime: now() });
        status(id, STATUS.OK);
      });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    host: '127.0.0.1',
    port,
    hostKey,
    hostKeyFingerprint: fingerprintSha256(hostKey),
    authAttempts,
    files,
    get connections() {
      return connections;
    },
    requests,
    async stop() {
      for (const c of live) (c as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
