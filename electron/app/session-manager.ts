// Live SFTP sessions owned by main: open one through core's login flow (connect-with-secrets:
// typed secret, keychain or a question; host key through core/trust), keep it by id, hand out
// its reconnect and silent extra-connection closures, close them all on quit.
// Secrets only flow INTO main (typed by the user, or read from the keychain in core).
import os from 'node:os';
import { SkiffError } from '../core/errors';
import type { FileSystem } from '../core/fs/file-system';
import type { HostKeyInfo } from '../core/trust/host-key';
import type { ConnectOptions, KeyboardInteractiveRequest, ServerInfo, SftpSession } from '../core/sftp/types';
import type { SecretStore } from '../core/secrets/secret-store';
import type { SecretAnswer, SecretPrompt } from '../core/secrets/secret-prompt';
import { connectWithSecrets, reconnectWith, silentConnector, type LoginTarget } from '../core/sftp/connect-with-secrets';
import type { Bookmark } from '../core/store/bookmark-schema';
import type { SavedLogin } from '../core/store/bookmark-service';
import type { ApiErrorData, ParsedArg, SessionInfo } from '../ipc/contract';
import type { QuestionBroker } from '../ipc/questions';
import type { Emit, SessionService } from '../ipc/services';

/** Saved servers as logins (core's BookmarkService). */
export interface SessionBookmarks {
  savedLogin(id: string): SavedLogin;
  serverLogin(target: LoginTarget): SavedLogin;
  markConnected(id: string): Promise<Bookmark>;
}

export interface SessionManagerDeps {
  connect(opts: ConnectOptions): Promise<SftpSession>;
  /** A fresh host-key hook per connection (known_hosts, policy, the user's answer; see core/trust). */
  hostKeyVerifier(): (info: HostKeyInfo) => Promise<boolean>;
  questions: QuestionBroker;
  emit: Emit;
  secrets: SecretStore;
  bookmarks: SessionBookmarks;
  /** For `~` in key paths. */
  home?: string;
  /** Extra connect options (timeouts), e.g. for tests. */
  connectDefaults?: Partial<Pick<ConnectOptions, 'readyTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax'>>;
}

const MAX_TRIES = 3;

type DirectArgs = Exclude<ParsedArg<'session:connect'>, { bookmarkId: string }>;

export class SessionManager implements SessionService {
  private readonly sessions = new Map<
    string,
    { session: SftpSession; info: SessionInfo; reconnect: () => Promise<SftpSession>; extra?: () => Promise<SftpSession> }
  >();

  constructor(private readonly deps: SessionManagerDeps) {}

  async connect(args: ParsedArg<'session:connect'>): Promise<SessionInfo> {
    const saved = 'bookmarkId' in args ? this.deps.bookmarks.savedLogin(args.bookmarkId) : this.deps.bookmarks.serverLogin(directTarget(args));
    const typed = 'bookmarkId' in args ? { ...(args.password !== undefined ? { password: args.password } : {}) } : typedOf(args);
    const { target } = saved;
    let rememberedIn: { bookmark: Bookmark; created: boolean } | undefined;
    const connect = (o: ConnectOptions): Promise<SftpSession> => this.deps.connect({ ...this.deps.connectDefaults, ...o });
    const login = await connectWithSecrets({
      target,
      typed,
      secrets: this.deps.secrets,
      useKeychain: saved.useKeychain,
      remember: async (kind, secret) => {
        rememberedIn = await saved.remember(kind, secret);
      },
      ask: (p) => this.askSecret(p),
      verifyHostKey: this.deps.hostKeyVerifier(),
      // Saved servers may need keyboard-interactive answers after a key (two steps); Quick Connect asks them only when picked.
      ...(target.method === 'keyboard-interactive' || 'bookmarkId' in args
        ? { onKeyboardInteractive: this.kbdInt(`${target.username}@${target.host}:${target.port}`) }
        : {}),
      connect,
      home: this.deps.home ?? os.homedir(),
      maxAttempts: MAX_TRIES,
    });
    // The saved server this session belongs to: the one picked, or the one whose password was used or kept.
    const bookmark = rememberedIn?.bookmark ?? ('bookmarkId' in args || saved.useKeychain ? saved.bookmark : undefined);
    if (bookmark) await this.deps.bookmarks.markConnected(bookmark.id).catch(() => undefined);
    const extra = silentConnector(login.credentials, connect);
    return this.adopt(login.session, {
      ...(bookmark ? { bookmarkId: bookmark.id } : {}),
      ...(rememberedIn ? { remembered: { bookmarkId: rememberedIn.bookmark.id, name: rememberedIn.bookmark.name, created: rememberedIn.created } } : {}),
      keychainWarning: login.keychainWarning,
      // After a drop mid-transfer: the secret that worked, the host key checked again.
      reconnect: () => reconnectWith(login.credentials, connect, this.deps.hostKeyVerifier()),
      ...(extra ? { extra } : {}),
    });
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

  serverInfo(sessionId: string): ServerInfo {
    return this.session(sessionId).serverInfo();
  }

  /** The live session (the transfer queue needs extra channels). */
  session(sessionId: string): SftpSession {
    const s = this.sessions.get(sessionId);
    if (!s || s.session.closed) throw new SkiffError('NOT_CONNECTED', 'That server is not connected any more. Connect again.');
    return s.session;
  }

  /** Opens a fresh connection like the one `sessionId` was opened with (the transfer engine's reconnect). */
  reconnector(sessionId: string): (() => Promise<SftpSession>) | undefined {
    return this.sessions.get(sessionId)?.reconnect;
  }

  /**
   * Opens one more connection like `sessionId`'s without asking the user anything: the secret that
   * worked, and only the host key accepted for it (a different key fails, unasked). Undefined when
   * the login needed keyboard-interactive answers (they would have to be asked again).
   */
  extraConnector(sessionId: string): (() => Promise<SftpSession>) | undefined {
    return this.sessions.get(sessionId)?.extra;
  }

  /** Tells `listener` about every session from now on, once it is connected (edits waiting for a server upload then). */
  onConnected(listener: (info: SessionInfo) => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  private readonly connectedListeners = new Set<(info: SessionInfo) => void>();

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.sessions.values()].map((s) => s.session.close()));
  }

  private async askSecret(p: SecretPrompt): Promise<SecretAnswer | null> {
    const a = await this.deps.questions.ask({ kind: 'password', ...p });
    return a && a.secret !== null ? { secret: a.secret, remember: a.remember } : null;
  }

  private kbdInt(label: string): (req: KeyboardInteractiveRequest) => Promise<string[] | null> {
    return async (req) => {
      const a = await this.deps.questions.ask({
        kind: 'keyboard-interactive',
        sessionLabel: label,
        name: req.name,
        instructions: req.instructions,
        prompts: req.prompts,
      });
      return a?.responses ?? null;
    };
  }

  private async adopt(
    session: SftpSession,
    extra: Pick<SessionInfo, 'bookmarkId' | 'remembered'> & {
      keychainWarning: ApiErrorData | null;
      reconnect: () => Promise<SftpSession>;
      extra?: () => Promise<SftpSession>;
    },
  ): Promise<SessionInfo> {
    let home = '/';
    try {
      home = await session.fs.home();
    } catch {
      // Some servers refuse realpath("."); browsing from / still works.
    }
    const info: SessionInfo = {
      sessionId: session.id,
      host: session.host,
      port: session.port,
      username: session.username,
      authMethod: session.authMethod,
      home,
    };
    if (extra.bookmarkId !== undefined) info.bookmarkId = extra.bookmarkId;
    if (extra.remembered) info.remembered = extra.remembered;
    if (extra.keychainWarning) info.keychainWarning = extra.keychainWarning;
    this.sessions.set(session.id, { session, info, reconnect: extra.reconnect, ...(extra.extra ? { extra: extra.extra } : {}) });
    session.onClosed((reason) => {
      this.sessions.delete(session.id);
      this.deps.emit('session:closed', { sessionId: session.id, code: reason.code, message: reason.message, byUser: reason.byUser });
    });
    for (const l of [...this.connectedListeners]) l(info);
    return info;
  }
}

function directTarget(args: DirectArgs): LoginTarget {
  return {
    host: args.host,
    port: args.port,
    username: args.username,
    method: args.authMethod,
    ...(args.keyPath !== undefined ? { keyPath: args.keyPath } : {}),
  };
}

function typedOf(args: DirectArgs): { password?: string; passphrase?: string; remember: boolean } {
  return {
    ...(args.password !== undefined ? { password: args.password } : {}),
    ...(args.passphrase !== undefined ? { passphrase: args.passphrase } : {}),
    remember: args.rememberPassword,
  };
}
