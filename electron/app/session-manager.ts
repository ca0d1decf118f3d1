// Live SFTP sessions owned by main: connect (host key → core/trust verifier; secrets from the
// keychain or a password question), look up by id, disconnect, close all on quit.
// Secrets only flow INTO main (typed by the user, or read from the keychain here).
import os from 'node:os';
import { SkiffError, isSkiffError } from '../core/errors';
import type { FileSystem } from '../core/fs/file-system';
import type { HostKeyInfo } from '../core/trust/host-key';
import type { ConnectOptions, KeyboardInteractiveRequest, ServerInfo, SftpSession } from '../core/sftp/types';
import type { SecretStore } from '../core/secrets/secret-store';
import type { Bookmark } from '../core/store/bookmark-schema';
import { connectWithSecretRetry, type SecretPrompt } from '../core/store/connect-by-bookmark';
import type { ApiErrorData, ParsedArg, SessionInfo } from '../ipc/contract';
import type { QuestionBroker } from '../ipc/questions';
import type { Emit, SessionService } from '../ipc/services';

export interface SessionBookmarks {
  get(id: string): Bookmark | undefined;
  markConnected(id: string): Promise<unknown>;
  /** The user ticked "Remember" in a password question: turn it on for the bookmark. */
  setRemember(id: string): Promise<unknown>;
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

export class SessionManager implements SessionService {
  private readonly sessions = new Map<string, { session: SftpSession; info: SessionInfo }>();

  constructor(private readonly deps: SessionManagerDeps) {}

  async connect(args: ParsedArg<'session:connect'>): Promise<SessionInfo> {
    if ('bookmarkId' in args) return this.connectBookmark(args.bookmarkId, args.password);
    return this.connectDirect(args);
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
    return this.reconnects.get(sessionId);
  }

  /**
   * Opens one more connection like `sessionId`'s without asking the user anything: the secret that
   * worked, and only the host key accepted for it (a different key fails, unasked). Undefined when
   * the login needed keyboard-interactive answers (they would have to be asked again).
   */
  extraConnector(sessionId: string): (() => Promise<SftpSession>) | undefined {
    return this.extras.get(sessionId);
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.sessions.values()].map((s) => s.session.close()));
  }

  private readonly reconnects = new Map<string, () => Promise<SftpSession>>();
  private readonly extras = new Map<string, () => Promise<SftpSession>>();

  /** Wraps a host-key hook so the key it accepts is remembered for `extraConnector`. */
  private recording(verify: (info: HostKeyInfo) => Promise<boolean>): { verify: (info: HostKeyInfo) => Promise<boolean>; accepted: () => HostKeyInfo | undefined } {
    let accepted: HostKeyInfo | undefined;
    return {
      verify: async (info) => {
        const ok = await verify(info);
        if (ok) accepted = info;
        return ok;
      },
      accepted: () => accepted,
    };
  }

  /** A connector that never asks: `opts` (the options that logged in) with the accepted host key only. */
  private silentConnector(session: SftpSession, opts: ConnectOptions, accepted: HostKeyInfo | undefined): (() => Promise<SftpSession>) | undefined {
    if (session.authMethod === 'keyboard-interactive' || !accepted) return undefined;
    const { onKeyboardInteractive: _asks, ...rest } = opts;
    const key = accepted;
    return () =>
      this.deps.connect({
        ...rest,
        knownHostKeyTypes: [key.keyType],
        verifyHostKey: async (info) => info.keyType === key.keyType && info.key.equals(key.key),
      });
  }

  private base(): Pick<ConnectOptions, 'readyTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax'> {
    return { ...this.deps.connectDefaults };
  }

  private kbdInt(label: string): (req: KeyboardInteractiveRequest) => Promise<string[] | null> {
    return async (req) => {
      const a = await this.deps.questions.ask({ kind: 'keyboard-interactive', sessionLabel: label, name: req.name, instructions: req.instructions, prompts: req.prompts });
      return a?.responses ?? null;
    };
  }

  private async connectBookmark(bookmarkId: string, typed: string | undefined): Promise<SessionInfo> {
    const bookmark = this.deps.bookmarks.get(bookmarkId);
    if (!bookmark) throw new SkiffError('INVALID_ARGUMENT', 'That saved server no longer exists.');
    let preset = typed;
    const askPassword = async (p: SecretPrompt): Promise<{ secret: string; remember: boolean } | null> => {
      // A password typed in the connect form answers the first question.
      if (preset !== undefined && p.reason !== 'rejected' && p.reason !== 'stored-rejected') {
        const secret = preset;
        preset = undefined;
        return { secret, remember: false };
      }
      const a = await this.deps.questions.ask({
        kind: 'password',
        host: bookmark.host,
        port: bookmark.port,
        username: bookmark.username,
        bookmarkName: bookmark.name,
        reason: p.reason,
        secret: p.kind,
        canRemember: p.canRemember,
        ...(bookmark.keyPath ? { keyPath: bookmark.keyPath } : {}),
        ...(p.keychainMessage ? { keychainMessage: p.keychainMessage } : {}),
      });
      return a && a.secret !== null ? { secret: a.secret, remember: a.remember } : null;
    };
    const label = `${bookmark.username}@${bookmark.host}:${bookmark.port}`;
    let last: ConnectOptions | undefined;
    let hostKey: ReturnType<SessionManager['recording']> | undefined;
    const open = () => {
      hostKey = this.recording(this.deps.hostKeyVerifier());
      return connectWithSecretRetry(bookmark, {
        secrets: this.deps.secrets,
        askPassword,
        verifyHostKey: hostKey.verify,
        onKeyboardInteractive: this.kbdInt(label),
        home: this.deps.home ?? os.homedir(),
        connect: (o) => {
          last = { ...this.base(), ...o };
          return this.deps.connect(last);
        },
        maxAttempts: MAX_TRIES,
      });
    };
    const r = await open();
    const extra = last ? this.silentConnector(r.session, last, hostKey?.accepted()) : undefined;
    if (r.rememberRequested && !bookmark.rememberPassword) await this.deps.bookmarks.setRemember(bookmark.id).catch(() => undefined);
    await this.deps.bookmarks.markConnected(bookmark.id).catch(() => undefined);
    return this.adopt(r.session, { bookmarkId: bookmark.id, keychainWarning: r.keychainWarning, reconnect: async () => (await open()).session, ...(extra ? { extra } : {}) });
  }

  private async connectDirect(args: Exclude<ParsedArg<'session:connect'>, { bookmarkId: string }>): Promise<SessionInfo> {
    const label = `${args.username}@${args.host}:${args.port}`;
    const hostKey = this.recording(this.deps.hostKeyVerifier());
    const o: ConnectOptions = { ...this.base(), host: args.host, port: args.port, username: args.username, verifyHostKey: hostKey.verify };
    let secretKind: 'password' | 'passphrase' | null = null;
    switch (args.authMethod) {
      case 'password':
        secretKind = 'password';
        if (args.password !== undefined) o.password = args.password;
        break;
      case 'key':
        if (args.keyPath === undefined) throw new SkiffError('INVALID_ARGUMENT', 'Choose a private key file for key authentication.');
        secretKind = 'passphrase';
        o.privateKeyPath = args.keyPath;
        if (args.passphrase !== undefined) o.passphrase = args.passphrase;
        break;
      case 'agent':
        o.agent = true;
        break;
      case 'keyboard-interactive':
        o.onKeyboardInteractive = this.kbdInt(label);
        break;
    }
    const ask = async (reason: 'not-stored' | 'rejected', kind: 'password' | 'passphrase'): Promise<string> => {
      const a = await this.deps.questions.ask({
        kind: 'password',
        host: args.host,
        port: args.port,
        username: args.username,
        reason,
        secret: kind,
        canRemember: false,
        ...(args.keyPath !== undefined ? { keyPath: args.keyPath } : {}),
      });
      if (!a || a.secret === null || a.secret === '') throw new SkiffError('CANCELLED', `Connecting to ${args.host} was cancelled.`);
      return a.secret;
    };
    if (secretKind === 'password' && o.password === undefined) o.password = await ask('not-stored', 'password');
    for (let attempt = 1; ; attempt++) {
      try {
        const session = await this.deps.connect(o);
        // Reconnect (after a drop mid-transfer) reuses what worked, without asking again.
        const again = { ...o, verifyHostKey: this.deps.hostKeyVerifier() };
        const extra = this.silentConnector(session, o, hostKey.accepted());
        return this.adopt(session, { keychainWarning: null, reconnect: () => this.deps.connect({ ...again, verifyHostKey: this.deps.hostKeyVerifier() }), ...(extra ? { extra } : {}) });
      } catch (err) {
        if (attempt >= MAX_TRIES) throw err;
        if (secretKind === 'password' && isSkiffError(err, 'AUTH_FAILED')) o.password = await ask('rejected', 'password');
        else if (secretKind === 'passphrase' && isSkiffError(err, 'PASSPHRASE_REQUIRED')) o.passphrase = await ask(o.passphrase === undefined ? 'not-stored' : 'rejected', 'passphrase');
        else throw err;
      }
    }
  }

  private async adopt(
    session: SftpSession,
    extra: { bookmarkId?: string; keychainWarning: ApiErrorData | null; reconnect: () => Promise<SftpSession>; extra?: () => Promise<SftpSession> },
  ): Promise<SessionInfo> {
    let home = '/';
    try {
      home = await session.fs.home();
    } catch {
      // Some servers refuse realpath("."); browsing from / still works.
    }
    const info: SessionInfo = { sessionId: session.id, host: session.host, port: session.port, username: session.username, authMethod: session.authMethod, home };
    if (extra.bookmarkId !== undefined) info.bookmarkId = extra.bookmarkId;
    if (extra.keychainWarning) info.keychainWarning = extra.keychainWarning;
    this.sessions.set(session.id, { session, info });
    this.reconnects.set(session.id, extra.reconnect);
    if (extra.extra) this.extras.set(session.id, extra.extra);
    session.onClosed((reason) => {
      this.sessions.delete(session.id);
      this.reconnects.delete(session.id);
      this.extras.delete(session.id);
      this.deps.emit('session:closed', { sessionId: session.id, code: reason.code, message: reason.message, byUser: reason.byUser });
    });
    return info;
  }
}
