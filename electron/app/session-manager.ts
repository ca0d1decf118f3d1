// Live SFTP sessions owned by main: open one through core's login flow (connect-with-secrets:
// typed secret, keychain or a question; host key through core/trust), keep it by id, bring it back
// by itself after a drop (same id, core/sftp/reconnect-loop), hand out the transfer engine's
// reconnect (wait for that) and silent extra connections, close them all on quit.
// Secrets only flow INTO main (typed by the user, or read from the keychain in core).
import os from 'node:os';
import { SkiffError } from '../core/errors';
import type { FileSystem } from '../core/fs/file-system';
import type { HostKeyInfo } from '../core/trust/host-key';
import type { ConnectOptions, KeyboardInteractiveRequest, ServerInfo, SftpSession } from '../core/sftp/types';
import type { SecretStore } from '../core/secrets/secret-store';
import type { SecretAnswer, SecretPrompt } from '../core/secrets/secret-prompt';
import { connectWithSecrets, silentConnector, type Credentials, type Login, type LoginTarget } from '../core/sftp/connect-with-secrets';
import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from '../core/sftp/reconnect-policy';
import { reconnectLoop } from '../core/sftp/reconnect-loop';
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
  /** How a dropped session comes back (default: 0.5 s doubling to 30 s, giving up after 2 min; giveUpAfterMs 0 = never). */
  reconnectPolicy?: ReconnectPolicy;
}

const MAX_TRIES = 3;

type DirectArgs = Exclude<ParsedArg<'session:connect'>, { bookmarkId: string }>;

/** One session as the renderer knows it: a stable id over the connection of the moment. */
interface Entry {
  readonly info: SessionInfo;
  /** The live connection, or the one that dropped while `back` is pending. */
  session: SftpSession;
  credentials: Credentials;
  /** Logs in again like the first time: the secret that worked, only the host key accepted then. */
  readonly relogin: (credentials: Credentials) => Promise<Login<SftpSession>>;
  /** While reconnecting: resolves to the new connection, rejects when the manager gives up. */
  back?: Promise<SftpSession>;
  attempt: number;
  stop?: AbortController;
}

export class SessionManager implements SessionService {
  private readonly sessions = new Map<string, Entry>();
  /** Why sessions ended that did not end by a plain close (given up, cancelled while reconnecting, another host key): jobs waiting on them fail with it. */
  private readonly endedWith = new Map<string, SkiffError>();

  constructor(private readonly deps: SessionManagerDeps) {}

  private readonly connectWithDefaults = (o: ConnectOptions): Promise<SftpSession> => this.deps.connect({ ...this.deps.connectDefaults, ...o });

  async connect(args: ParsedArg<'session:connect'>): Promise<SessionInfo> {
    const saved = 'bookmarkId' in args ? this.deps.bookmarks.savedLogin(args.bookmarkId) : this.deps.bookmarks.serverLogin(directTarget(args));
    const typed = 'bookmarkId' in args ? { ...(args.password !== undefined ? { password: args.password } : {}) } : typedOf(args);
    const { target } = saved;
    let rememberedIn: { bookmark: Bookmark; created: boolean } | undefined;
    const connect = this.connectWithDefaults;
    // Saved servers may need keyboard-interactive answers after a key (two steps); Quick Connect asks them only when picked.
    const kbd =
      target.method === 'keyboard-interactive' || 'bookmarkId' in args
        ? { onKeyboardInteractive: this.kbdInt(`${target.username}@${target.host}:${target.port}`) }
        : {};
    const base = {
      target,
      secrets: this.deps.secrets,
      ask: (p: SecretPrompt) => this.askSecret(p),
      ...kbd,
      connect,
      home: this.deps.home ?? os.homedir(),
      maxAttempts: MAX_TRIES,
    };
    const login = await connectWithSecrets({
      ...base,
      typed,
      useKeychain: saved.useKeychain,
      remember: async (kind, secret) => {
        rememberedIn = await saved.remember(kind, secret);
      },
      verifyHostKey: this.deps.hostKeyVerifier(),
    });
    // The saved server this session belongs to: the one picked, or the one whose password was used or kept.
    const bookmark = rememberedIn?.bookmark ?? ('bookmarkId' in args || saved.useKeychain ? saved.bookmark : undefined);
    if (bookmark) await this.deps.bookmarks.markConnected(bookmark.id).catch(() => undefined);
    // After a drop: the secret held in memory (asked again only if the server now refuses it), and
    // only the host key accepted for this session — another key stops reconnecting, unasked.
    const relogin = (c: Credentials): Promise<Login<SftpSession>> =>
      connectWithSecrets({
        ...base,
        typed: {
          ...(c.options.password !== undefined ? { password: c.options.password } : {}),
          ...(c.options.passphrase !== undefined ? { passphrase: c.options.passphrase } : {}),
        },
        useKeychain: false,
        verifyHostKey: c.hostKey ? pinnedHostKey(c.hostKey, target) : this.deps.hostKeyVerifier(),
      });
    return this.adopt(login.session, login.credentials, relogin, {
      ...(bookmark ? { bookmarkId: bookmark.id } : {}),
      ...(rememberedIn ? { remembered: { bookmarkId: rememberedIn.bookmark.id, name: rememberedIn.bookmark.name, created: rememberedIn.created } } : {}),
      keychainWarning: login.keychainWarning,
    });
  }

  async disconnect(sessionId: string): Promise<void> {
    const e = this.sessions.get(sessionId);
    if (!e) return; // already gone: disconnecting twice is not an error
    if (e.stop) {
      // Cancel while reconnecting: the loop stops and the session ends as the user asked.
      e.stop.abort();
      // The user's Cancel stopped the session, not its jobs: they wait for a Connect and Retry.
      this.endedWith.set(
        sessionId,
        new SkiffError('NOT_CONNECTED', `You disconnected from ${labelOf(e.info)} while it was reconnecting. Connect again, then retry.`),
      );
      this.end(sessionId, { code: 'CANCELLED', message: 'Reconnecting was cancelled.', byUser: true });
      return;
    }
    await e.session.close();
  }

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((e) => e.info);
  }

  fs(sessionId: string): FileSystem {
    return this.session(sessionId).fs;
  }

  serverInfo(sessionId: string): ServerInfo {
    return this.session(sessionId).serverInfo();
  }

  /** The live connection of `sessionId`: NOT_CONNECTED when it is gone, RECONNECTING while it comes back. */
  session(sessionId: string): SftpSession {
    const e = this.sessions.get(sessionId);
    if (!e || (e.session.closed && !e.back)) throw notConnected();
    if (e.back) {
      throw new SkiffError('RECONNECTING', `The connection to ${labelOf(e.info)} dropped; reconnecting (attempt ${e.attempt}). Try again once it is back.`);
    }
    return e.session;
  }

  /**
   * The connection transfers start on: the live one, or while reconnecting the one that dropped
   * (its first request fails as a lost connection and the job waits for `reconnector`).
   */
  sessionForTransfers(sessionId: string): SftpSession {
    const e = this.sessions.get(sessionId);
    return e?.back ? e.session : this.session(sessionId);
  }

  /** Whether `sessionId` is reconnecting by itself just now. */
  reconnecting(sessionId: string): boolean {
    return this.sessions.get(sessionId)?.back !== undefined;
  }

  /**
   * The transfer engine's reconnect for `sessionId`: waits for the session's own reconnection (one
   * per session, however many jobs ask) and resolves to the new connection; rejects with the
   * reason when the session ends instead.
   */
  reconnector(sessionId: string): (() => Promise<SftpSession>) | undefined {
    if (!this.sessions.has(sessionId)) return undefined;
    return async () => {
      const e = this.sessions.get(sessionId);
      if (!e) throw this.endedWith.get(sessionId) ?? notConnected();
      if (e.back) {
        return e.back.catch((err: unknown) => {
          throw this.endedWith.get(sessionId) ?? err;
        });
      }
      if (e.session.closed) throw notConnected();
      return e.session;
    };
  }

  /**
   * Opens one more connection like `sessionId`'s without asking the user anything: the secret that
   * worked, and only the host key accepted for it (a different key fails, unasked). Undefined when
   * the login needed keyboard-interactive answers (they would have to be asked again).
   */
  extraConnector(sessionId: string): (() => Promise<SftpSession>) | undefined {
    const silent = () => {
      const e = this.sessions.get(sessionId);
      return e && silentConnector(e.credentials, this.connectWithDefaults);
    };
    if (!silent()) return undefined;
    // The credentials of the moment: a reconnect may have asked for a new password.
    return () => silent()?.() ?? Promise.reject(notConnected());
  }

  /** Tells `listener` about every session from now on, once it is connected or reconnected (edits waiting for a server upload then). */
  onConnected(listener: (info: SessionInfo) => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  private readonly connectedListeners = new Set<(info: SessionInfo) => void>();

  async closeAll(): Promise<void> {
    for (const e of this.sessions.values()) e.stop?.abort();
    await Promise.allSettled([...this.sessions.values()].map((e) => e.session.close()));
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
    credentials: Credentials,
    relogin: Entry['relogin'],
    extra: Pick<SessionInfo, 'bookmarkId' | 'remembered'> & { keychainWarning: ApiErrorData | null },
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
    const entry: Entry = { info, session, credentials, relogin, attempt: 0 };
    this.sessions.set(info.sessionId, entry);
    this.watch(entry, session);
    for (const l of [...this.connectedListeners]) l(info);
    return info;
  }

  /** A drop the user did not ask for starts reconnecting; a close by the user (or a give-up) ends the session. */
  private watch(entry: Entry, session: SftpSession): void {
    session.onClosed((reason) => {
      if (this.sessions.get(entry.info.sessionId) !== entry || entry.session !== session) return;
      const policy = this.deps.reconnectPolicy ?? DEFAULT_RECONNECT_POLICY;
      if (reason.byUser || policy.giveUpAfterMs <= 0) this.end(entry.info.sessionId, reason);
      else this.reconnect(entry, reason.message, policy);
    });
  }

  private reconnect(entry: Entry, why: string, policy: ReconnectPolicy): void {
    const id = entry.info.sessionId;
    const stop = new AbortController();
    entry.stop = stop;
    entry.attempt = 1;
    entry.back = reconnectLoop({
      policy,
      signal: stop.signal,
      label: labelOf(entry.info),
      attempt: async () => {
        const login = await entry.relogin(entry.credentials);
        if (stop.signal.aborted) {
          await login.session.close();
          throw new SkiffError('CANCELLED', 'Reconnecting was cancelled.');
        }
        entry.credentials = login.credentials;
        return login.session;
      },
      onAttempt: (n) => {
        entry.attempt = n;
        if (n > 1) this.deps.emit('session:state', { sessionId: id, state: 'reconnecting', attempt: n, message: why });
      },
      onRetry: (n, retryInMs, err) => {
        why = err instanceof Error ? err.message : why;
        this.deps.emit('session:state', { sessionId: id, state: 'reconnecting', attempt: n + 1, retryInMs, message: why });
      },
    });
    this.deps.emit('session:state', { sessionId: id, state: 'reconnecting', attempt: 1, message: why });
    entry.back.then(
      (session) => {
        delete entry.back;
        delete entry.stop;
        entry.session = session;
        this.watch(entry, session);
        this.deps.emit('session:state', { sessionId: id, state: 'connected' });
        for (const l of [...this.connectedListeners]) l(entry.info);
      },
      (err: unknown) => {
        if (this.sessions.get(id) !== entry) return; // cancelled by the user: already ended
        const e = err instanceof SkiffError ? err : new SkiffError('CONNECTION_LOST', `The connection to ${labelOf(entry.info)} was lost.`);
        this.endedWith.set(id, e);
        this.end(id, { code: e.code, message: e.message, byUser: false });
      },
    );
    // Jobs waiting on `back` see the rejection themselves; this copy only must not be unhandled.
    entry.back.catch(() => undefined);
  }

  private end(sessionId: string, reason: { code: ApiErrorData['code']; message: string; byUser: boolean }): void {
    if (!this.sessions.delete(sessionId)) return;
    this.deps.emit('session:closed', { sessionId, code: reason.code, message: reason.message, byUser: reason.byUser });
  }
}

/** A host-key check that accepts only the key this session was opened with. */
function pinnedHostKey(accepted: HostKeyInfo, target: LoginTarget): (info: HostKeyInfo) => Promise<boolean> {
  return async (info) => {
    if (info.keyType === accepted.keyType && info.key.equals(accepted.key)) return true;
    throw new SkiffError(
      'HOST_KEY_CHANGED',
      `While reconnecting, ${target.host}:${target.port} presented a different host key than the one accepted for this session. Skiff stopped reconnecting; connect again to review the key.`,
    );
  };
}

function notConnected(): SkiffError {
  return new SkiffError('NOT_CONNECTED', 'That server is not connected any more. Connect again.');
}

function labelOf(i: Pick<SessionInfo, 'username' | 'host' | 'port'>): string {
  return `${i.username}@${i.host}${i.port === 22 ? '' : `:${i.port}`}`;
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
