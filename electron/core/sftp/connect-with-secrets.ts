// The one login flow for every connect, saved server or typed: the secret comes from what the user
// typed, else the keychain, else a question; a rejected one is asked again; one the user asked to
// remember is stored only after the server accepted it. What worked (secret, host key) is kept as
// Credentials, so connecting again with it is one call. `connect` is injected: this runs (and is
// tested) without a server.
import os from 'node:os';
import { SkiffError, isSkiffError, type SkiffErrorData } from '../errors';
import { expandHome } from '../paths';
import { secretAccount, type SecretStore } from '../secrets/secret-store';
import type { SecretAnswer, SecretKind, SecretPrompt, SecretPromptReason } from '../secrets/secret-prompt';
import type { HostKeyInfo } from '../trust/host-key';
import type { LoginMethod } from './auth-methods';
import type { ConnectOptions } from './types';

/** Who to log in as, and how. */
export interface LoginTarget {
  host: string;
  port: number;
  username: string;
  method: LoginMethod;
  /** The private key for method `key` (`~` is expanded). */
  keyPath?: string | null;
  /** A saved server's name, shown in questions. */
  bookmarkName?: string;
}

/** Secrets typed with the connect request (Quick Connect, or a password typed for a saved server). */
export interface TypedSecrets {
  password?: string;
  passphrase?: string;
  /** Remember the typed (or a later asked) secret once the server accepts it. */
  remember?: boolean;
}

export interface ConnectWithSecretsOptions<S> {
  target: LoginTarget;
  typed?: TypedSecrets;
  secrets: SecretStore;
  /** Whether the keychain may hold this server's secrets (its "Remember password" is on). */
  useKeychain: boolean;
  /** Keeps a secret that worked and that the user asked to remember; absent = "Remember" is not offered. */
  remember?: (kind: SecretKind, secret: string) => Promise<void>;
  /** Asks the user; null means cancel. */
  ask: (prompt: SecretPrompt) => Promise<SecretAnswer | null>;
  verifyHostKey: ConnectOptions['verifyHostKey'];
  onKeyboardInteractive?: ConnectOptions['onKeyboardInteractive'];
  connect: (options: ConnectOptions) => Promise<S>;
  /** For `~` in the key path (default os.homedir()). */
  home?: string;
  /** Logins tried before a rejected secret is final (default 3). */
  maxAttempts?: number;
}

/** What logged in: held in memory for the session's life, never written anywhere. */
export interface Credentials {
  /** The options that worked, secret included. */
  options: ConnectOptions;
  /** The host key accepted for this login (by known_hosts, the policy or the user). */
  hostKey: HostKeyInfo | undefined;
  /** The login needed keyboard-interactive answers, which cannot be replayed. */
  interactive: boolean;
}

export interface Login<S> {
  session: S;
  credentials: Credentials;
  /** The secret the user asked to remember was kept (see `remember`). */
  remembered: boolean;
  /** The keychain could not be read or updated (the connection itself worked). */
  keychainWarning: SkiffErrorData | null;
}

interface SecretState {
  kind: SecretKind;
  secret: string | undefined;
  source: 'typed' | 'keychain' | 'prompt' | 'none';
  remember: boolean;
  keychainUsable: boolean;
  keychainWarning: SkiffErrorData | null;
}

/**
 * Logs in. A password is asked for when none was typed or stored; a passphrase only when the key
 * turns out to be encrypted. AUTH_FAILED (password) and PASSPHRASE_REQUIRED (key) ask again, up to
 * `maxAttempts` logins; CANCELLED when the user cancels a question.
 */
export async function connectWithSecrets<S>(o: ConnectWithSecretsOptions<S>): Promise<Login<S>> {
  const { target } = o;
  let hostKey: HostKeyInfo | undefined;
  let interactive = false;
  const options: ConnectOptions = {
    host: target.host,
    port: target.port,
    username: target.username,
    verifyHostKey: async (info) => {
      const ok = await o.verifyHostKey(info);
      if (ok) hostKey = info;
      return ok;
    },
  };
  const ki = o.onKeyboardInteractive;
  if (ki) {
    options.onKeyboardInteractive = (req) => {
      interactive = true;
      return ki(req);
    };
  }
  if (target.method === 'agent') options.agent = true;
  if (target.method === 'key') {
    if (!target.keyPath) throw new SkiffError('INVALID_ARGUMENT', 'Choose a private key file for key authentication.');
    options.privateKeyPath = expandHome(target.keyPath, o.home ?? os.homedir());
  }

  const kind: SecretKind | null = target.method === 'password' ? 'password' : target.method === 'key' ? 'passphrase' : null;
  const state = kind ? await initialSecret(kind, o) : null;
  if (state) {
    // An unencrypted key needs no passphrase: ask for one only when the key demands it.
    if (state.secret === undefined && state.kind === 'password') await ask(state, o, state.keychainUsable ? 'not-stored' : 'keychain-unavailable');
    apply(options, state);
  }

  const maxAttempts = o.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const session = await o.connect(options);
      const login: Login<S> = { session, credentials: { options, hostKey, interactive }, remembered: false, keychainWarning: state?.keychainWarning ?? null };
      if (state && state.remember && state.secret !== undefined && state.source !== 'keychain' && o.remember) {
        try {
          await o.remember(state.kind, state.secret);
          login.remembered = true;
        } catch (err) {
          login.keychainWarning = toWarning(err);
        }
      }
      return login;
    } catch (err) {
      const retryable =
        state !== null &&
        attempt < maxAttempts &&
        ((state.kind === 'password' && isSkiffError(err, 'AUTH_FAILED')) || (state.kind === 'passphrase' && isSkiffError(err, 'PASSPHRASE_REQUIRED')));
      if (!retryable) throw err;
      const reason: SecretPromptReason =
        state.source === 'keychain' ? 'stored-rejected' : state.source === 'none' ? (state.keychainUsable ? 'not-stored' : 'keychain-unavailable') : 'rejected';
      await ask(state, o, reason);
      apply(options, state);
    }
  }
}

/**
 * A connector that never asks the user anything: the secret that worked and only the host key
 * accepted for it (any other key fails, unasked). Undefined when the login needed
 * keyboard-interactive answers or accepted no host key.
 */
export function silentConnector<S>(credentials: Credentials, connect: (options: ConnectOptions) => Promise<S>): (() => Promise<S>) | undefined {
  const key = credentials.hostKey;
  if (credentials.interactive || !key) return undefined;
  const { onKeyboardInteractive: _asks, ...rest } = credentials.options;
  return () => connect({ ...rest, knownHostKeyTypes: [key.keyType], verifyHostKey: async (info) => info.keyType === key.keyType && info.key.equals(key.key) });
}

async function initialSecret<S>(kind: SecretKind, o: ConnectWithSecretsOptions<S>): Promise<SecretState> {
  const state: SecretState = { kind, secret: undefined, source: 'none', remember: false, keychainUsable: true, keychainWarning: null };
  const typed = kind === 'password' ? o.typed?.password : o.typed?.passphrase;
  if (typed !== undefined && typed !== '') {
    state.secret = typed;
    state.source = 'typed';
    state.remember = o.typed?.remember === true;
    return state;
  }
  if (!o.useKeychain) return state;
  try {
    const stored = await o.secrets.get(secretAccount(kind, o.target));
    if (stored !== null) {
      state.secret = stored;
      state.source = 'keychain';
    }
  } catch (err) {
    // No keychain: the app still works, it just asks (and never falls back to plain text).
    state.keychainUsable = false;
    state.keychainWarning = toWarning(err);
  }
  return state;
}

async function ask<S>(state: SecretState, o: ConnectWithSecretsOptions<S>, reason: SecretPromptReason): Promise<void> {
  const t = o.target;
  const canRemember = state.keychainUsable && o.remember !== undefined;
  const prompt: SecretPrompt = {
    secret: state.kind,
    host: t.host,
    port: t.port,
    username: t.username,
    reason,
    canRemember,
    rememberDefault: canRemember && (state.remember || o.typed?.remember === true),
  };
  if (t.bookmarkName !== undefined) prompt.bookmarkName = t.bookmarkName;
  if (state.kind === 'passphrase' && t.keyPath) prompt.keyPath = t.keyPath;
  if (state.keychainWarning) prompt.keychainMessage = state.keychainWarning.message;
  const answer = await o.ask(prompt);
  if (answer === null || answer.secret === '') throw new SkiffError('CANCELLED', `Connecting to ${t.bookmarkName ?? t.host} was cancelled.`);
  state.secret = answer.secret;
  state.source = 'prompt';
  state.remember = answer.remember && canRemember;
}

function apply(options: ConnectOptions, state: SecretState): void {
  if (state.secret === undefined) return;
  if (state.kind === 'password') options.password = state.secret;
  else options.passphrase = state.secret;
}

function toWarning(err: unknown): SkiffErrorData {
  return isSkiffError(err) ? err.toData() : { code: 'KEYCHAIN_UNAVAILABLE', message: 'The system keychain could not be used.' };
}
