// Live SFTP sessions owned by main: connect (host key → core/trust verifier; secrets
// from the keychain or a password question), look up by id, disconnect, close all on quit.
// Secrets only flow INTO main (typed by the user or read from the keychain here).
import { SkiffError, isSkiffError } from '../core/errors';
import type { FileSystem } from '../core/fs/file-system';
import type { HostKeyInfo } from '../core/trust/host-key';
import type { ConnectOptions, SftpSession } from '../core/sftp/types';
import type { BookmarkAuth, ParsedArg, SessionInfo } from '../ipc/contract';
import type { QuestionBroker } from '../ipc/questions';
import type { Emit, SessionService } from '../ipc/services';

/** Where a connection's secrets live (keychain by bookmark); null when no keychain is usable. */
export interface SessionSecrets {
  available(): Promise<boolean>;
  get(bookmarkId: string, kind: 'password' | 'passphrase'): Promise<string | null>;
  set(bookmarkId: string, kind: 'password' | 'passphrase', secret: string): Promise<void>;
}

export interface SessionBookmarks {
  get(id: string): { id: string; host: string; port: number; username: string; authMethod: BookmarkAuth; keyPath: string | null; rememberPassword: boolean } | undefined;
  markConnected(id: string): Promise<unknown>;
}

export interface SessionManagerDeps {
  connect(opts: ConnectOptions): Promise<SftpSession>;
  /** A fresh host-key hook per connection (known_hosts, policy, the user's answer; see core/trust). */
  hostKeyVerifier(): (info: HostKeyInfo) => Promise<boolean>;
  questions: QuestionBroker;
  emit: Emit;
  secrets: SessionSecrets;
  bookmarks: SessionBookmarks;
  /** Extra connect options (timeouts) for tests. */
  connectDefaults?: Partial<Pick<ConnectOptions, 'readyTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax'>>;
}

interface Target {
  host: string;
  port: number;
  username: string;
  authMethod: BookmarkAuth;
  keyPath?: string;
  password?: string;
  passphrase?: string;
  bookmarkId?: string;
  remember: boolean;
}

const MAX_PASSWORD_TRIES = 3;

export class SessionManager implements SessionService {
  private readonly sessions = new Map<string, { session: SftpSession; info: SessionInfo }>();

  constructor(private readonly deps: SessionManagerDeps) {}

  async connect(args: ParsedArg<'session:connect'>): Promise<SessionInfo> {
    const target = this.target(args);
    const secrets = this.deps.secrets;
    if (target.bookmarkId !== undefined && target.authMethod === 'password' && target.password === undefined && (await secrets.available())) {
      target.password = (await secrets.get(target.bookmarkId, 'password')) ?? undefined;
    }
    if (target.bookmarkId !== undefined && target.authMethod === 'key' && target.passphrase === undefined && (await secrets.available())) {
      target.passphrase = (await secrets.get(target.bookmarkId, 'passphrase')) ?? undefined;
    }

    let reason: 'missing' | 'rejected' = 'missing';
    for (let attempt = 0; ; attempt += 1) {
      if (target.authMethod === 'password' && target.password === undefined) {
        const typed = await this.askSecret(target, 'password', reason);
        target.password = typed.secret;
        target.remember ||= typed.remember;
      }
      try {
        const session = await this.deps.connect(this.options(target));
        return await this.adopt(session, target);
      } catch (err) {
        const retryable = attempt + 1 < MAX_PASSWORD_TRIES;
        if (isSkiffError(err, 'AUTH_FAILED') && target.authMethod === 'password' && retryable) {
          target.password = undefined;
          reason = 'rejected';
          continue;
        }
        if (isSkiffError(err, 'PASSPHRASE_REQUIRED') && target.authMethod === 'key' && retryable) {
          const typed = await this.askSecret(target, 'passphrase', target.passphrase === undefined ? 'missing' : 'rejected');
          target.passphrase = typed.secret;
          target.remember ||= typed.remember;
          continue;
        }
        throw err;
      }
    }
  }

  async disconnect(sessionId: string): Promise<void> {
    const s = this.sessions.get(sessionId);
    if (!s) return; // already gone: disconnecting twice is not an error
    await s.session.close();
  }

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => s.info);
  }

  fs(sessionId: string): FileSystem {
    return this.session(sessionId).fs;
  }

  /** The live session (the transfer queue needs extra channels). */
  session(sessionId: string): SftpSession {
    const s = this.sessions.get(sessionId);
    if (!s || s.session.closed) throw new SkiffError('NOT_CONNECTED', 'That server is not connected any more. Connect again.');
    return s.session;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.sessions.values()].map((s) => s.session.close()));
  }

  private target(args: ParsedArg<'session:connect'>): Target {
    if ('bookmarkId' in args) {
      const b = this.deps.bookmarks.get(args.bookmarkId);
      if (!b) throw new SkiffError('INVALID_ARGUMENT', 'That saved server no longer exists.');
      const t: Target = { host: b.host, port: b.port, username: b.username, authMethod: b.authMethod, bookmarkId: b.id, remember: false };
      if (b.keyPath) t.keyPath = b.keyPath;
      if (args.password !== undefined) t.password = args.password;
      return t;
    }
    const t: Target = { host: args.host, port: args.port, username: args.username, authMethod: args.authMethod, remember: args.rememberPassword };
    if (args.keyPath !== undefined) t.keyPath = args.keyPath;
    if (args.password !== undefined) t.password = args.password;
    if (args.passphrase !== undefined) t.passphrase = args.passphrase;
    if (t.authMethod === 'key' && t.keyPath === undefined) throw new SkiffError('INVALID_ARGUMENT', 'Choose a private key file for key authentication.');
    return t;
  }

  private options(t: Target): ConnectOptions {
    const o: ConnectOptions = {
      ...this.deps.connectDefaults,
      host: t.host,
      port: t.port,
      username: t.username,
      verifyHostKey: this.deps.hostKeyVerifier(),
    };
    switch (t.authMethod) {
      case 'password':
        if (t.password !== undefined) o.password = t.password;
        break;
      case 'key':
        if (t.keyPath !== undefined) o.privateKeyPath = t.keyPath;
        if (t.passphrase !== undefined) o.passphrase = t.passphrase;
        break;
      case 'agent':
        o.agent = true;
        break;
      case 'keyboard-interactive':
        o.onKeyboardInteractive = async (req) => {
          const a = await this.deps.questions.ask({ kind: 'keyboard-interactive', sessionLabel: `${t.username}@${t.host}:${t.port}`, name: req.name, instructions: req.instructions, prompts: req.prompts });
          return a?.responses ?? null;
        };
        break;
    }
    return o;
  }

  private async askSecret(t: Target, secret: 'password' | 'passphrase', reason: 'missing' | 'rejected'): Promise<{ secret: string; remember: boolean }> {
    const canRemember = t.bookmarkId !== undefined && (await this.deps.secrets.available());
    const q = { kind: 'password' as const, host: t.host, port: t.port, username: t.username, reason, secret, canRemember, ...(t.keyPath !== undefined ? { keyPath: t.keyPath } : {}) };
    const a = await this.deps.questions.ask(q);
    if (!a || a.secret === null) throw new SkiffError('CANCELLED', `Login to ${t.host} was cancelled.`);
    return { secret: a.secret, remember: a.remember && canRemember };
  }

  private async adopt(session: SftpSession, t: Target): Promise<SessionInfo> {
    let home = '/';
    try {
      home = await session.fs.home();
    } catch {
      // Some servers refuse realpath("."); browsing from / still works.
    }
    const info: SessionInfo = { sessionId: session.id, host: session.host, port: session.port, username: session.username, authMethod: session.authMethod, home };
    if (t.bookmarkId !== undefined) info.bookmarkId = t.bookmarkId;
    this.sessions.set(session.id, { session, info });
    session.onClosed((reason) => {
      this.sessions.delete(session.id);
      this.deps.emit('session:closed', { sessionId: session.id, code: reason.code, message: reason.message, byUser: reason.byUser });
    });
    if (t.bookmarkId !== undefined) {
      await this.deps.bookmarks.markConnected(t.bookmarkId).catch(() => undefined);
      if (t.remember && t.password !== undefined && t.authMethod === 'password') await this.deps.secrets.set(t.bookmarkId, 'password', t.password).catch(() => undefined);
      if (t.remember && t.passphrase !== undefined && t.authMethod === 'key') await this.deps.secrets.set(t.bookmarkId, 'passphrase', t.passphrase).catch(() => undefined);
    }
    return info;
  }
}
