// From a bookmark to ConnectOptions, with the secret read from the keychain inside main at
// connect time, and the "saved password was rejected → ask → offer to update the keychain" loop.
// The connect function is injected, so this runs (and is tested) without a server.
import os from 'node:os';
import { SkiffError, isSkiffError, type SkiffErrorData } from '../errors';
import { expandHome } from '../paths';
import { passphraseAccount, passwordAccount, type SecretStore } from '../secrets/secret-store';
import type { ConnectOptions } from '../sftp/types';
import type { Bookmark } from './bookmark-schema';

export type SecretKind = 'password' | 'passphrase';

/** What the UI should ask, and why. */
export interface SecretPrompt {
  kind: SecretKind;
  bookmark: Pick<Bookmark, 'id' | 'name' | 'host' | 'port' | 'username' | 'keyPath'>;
  /**
   * not-stored: nothing saved; keychain-unavailable: could not read the keychain (see keychainMessage);
   * stored-rejected: the saved one was refused (offer to update it); rejected: the typed one was refused.
   */
  reason: 'not-stored' | 'keychain-unavailable' | 'stored-rejected' | 'rejected';
  /** Whether to show "Remember" (false when the keychain is unavailable). */
  canRemember: boolean;
  /** The keychain's explanation when reason is keychain-unavailable (never contains a secret). */
  keychainMessage?: string;
}

export interface SecretAnswer {
  secret: string;
  /** Save it to the keychain once it is accepted. */
  remember: boolean;
}

/** Asks the user; null means cancel. */
export type AskSecret = (prompt: SecretPrompt) => Promise<SecretAnswer | null>;

export interface ResolveConnectDeps {
  secrets: SecretStore;
  /** Asked for a password or key passphrase that is not (or no longer) in the keychain. */
  askPassword: AskSecret;
  verifyHostKey: ConnectOptions['verifyHostKey'];
  onKeyboardInteractive?: ConnectOptions['onKeyboardInteractive'];
  /** For `~` in the key path (default os.homedir()). */
  home?: string;
}

interface SecretState {
  kind: SecretKind;
  secret: string | undefined;
  source: 'keychain' | 'prompt' | 'none';
  remember: boolean;
  keychainWarning: SkiffErrorData | null;
  keychainUsable: boolean;
}

/** Builds ConnectOptions for a bookmark; a password comes from the keychain (if remembered) or from askPassword. CANCELLED if the user cancels. */
export async function resolveConnectOptions(bookmark: Bookmark, deps: ResolveConnectDeps): Promise<ConnectOptions> {
  const { options } = await resolve(bookmark, deps);
  return options;
}

async function resolve(bookmark: Bookmark, deps: ResolveConnectDeps): Promise<{ options: ConnectOptions; state: SecretState | null }> {
  const options: ConnectOptions = {
    host: bookmark.host,
    port: bookmark.port,
    username: bookmark.username,
    verifyHostKey: deps.verifyHostKey,
  };
  if (deps.onKeyboardInteractive) options.onKeyboardInteractive = deps.onKeyboardInteractive;
  switch (bookmark.authMethod) {
    case 'agent':
      options.agent = true;
      return { options, state: null };
    case 'keyboard-interactive':
      return { options, state: null };
    case 'key': {
      options.privateKeyPath = expandHome(bookmark.keyPath ?? '', deps.home ?? os.homedir());
      // An unencrypted key needs no passphrase: only use a stored one, ask only when the key demands it.
      const state = await fromKeychain('passphrase', bookmark, deps);
      if (state.secret !== undefined) options.passphrase = state.secret;
      return { options, state };
    }
    case 'password': {
      const state = await fromKeychain('password', bookmark, deps);
      if (state.secret === undefined) await ask(state, bookmark, deps, state.keychainUsable ? 'not-stored' : 'keychain-unavailable');
      options.password = state.secret!;
      return { options, state };
    }
  }
}

export interface ConnectByBookmarkResult<S> {
  session: S;
  /** A newly entered secret was saved to the keychain after it worked. */
  keychainUpdated: boolean;
  /** The user ticked "Remember": the caller should turn rememberPassword on for the bookmark. */
  rememberRequested: boolean;
  /** The keychain could not be read or updated (the connection itself succeeded). */
  keychainWarning: SkiffErrorData | null;
}

/**
 * Connects by bookmark. When the server rejects the password (AUTH_FAILED) or the key needs a
 * passphrase (PASSPHRASE_REQUIRED), asks for a new one (saying whether the saved one was refused),
 * retries, and only after success saves it to the keychain if the user asked to.
 */
export async function connectWithSecretRetry<S>(
  bookmark: Bookmark,
  deps: ResolveConnectDeps & { connect: (options: ConnectOptions) => Promise<S>; maxAttempts?: number },
): Promise<ConnectByBookmarkResult<S>> {
  const { options, state } = await resolve(bookmark, deps);
  const maxAttempts = deps.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const session = await deps.connect(options);
      let keychainUpdated = false;
      if (state && state.source === 'prompt' && state.remember && state.secret !== undefined) {
        try {
          await deps.secrets.set(accountFor(state.kind, bookmark), state.secret);
          keychainUpdated = true;
        } catch (err) {
          state.keychainWarning = toWarning(err);
        }
      }
      return { session, keychainUpdated, rememberRequested: Boolean(state?.remember && state.source === 'prompt'), keychainWarning: state?.keychainWarning ?? null };
    } catch (err) {
      const retryable =
        state !== null &&
        attempt < maxAttempts &&
        ((state.kind === 'password' && isSkiffError(err, 'AUTH_FAILED')) || (state.kind === 'passphrase' && isSkiffError(err, 'PASSPHRASE_REQUIRED')));
      if (!retryable) throw err;
      const reason = state.source === 'keychain' ? 'stored-rejected' : state.source === 'prompt' ? 'rejected' : state.keychainUsable ? 'not-stored' : 'keychain-unavailable';
      await ask(state, bookmark, deps, reason);
      if (state.kind === 'password') options.password = state.secret!;
      else options.passphrase = state.secret!;
    }
  }
}

async function fromKeychain(kind: SecretKind, bookmark: Bookmark, deps: ResolveConnectDeps): Promise<SecretState> {
  const state: SecretState = { kind, secret: undefined, source: 'none', remember: false, keychainWarning: null, keychainUsable: true };
  if (!bookmark.rememberPassword) return state;
  try {
    const stored = await deps.secrets.get(accountFor(kind, bookmark));
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

async function ask(state: SecretState, bookmark: Bookmark, deps: ResolveConnectDeps, reason: SecretPrompt['reason']): Promise<void> {
  const prompt: SecretPrompt = {
    kind: state.kind,
    bookmark: { id: bookmark.id, name: bookmark.name, host: bookmark.host, port: bookmark.port, username: bookmark.username, keyPath: bookmark.keyPath },
    reason,
    canRemember: state.keychainUsable,
  };
  if (state.keychainWarning) prompt.keychainMessage = state.keychainWarning.message;
  const answer = await deps.askPassword(prompt);
  if (answer === null || answer.secret === '') throw new SkiffError('CANCELLED', `Connecting to ${bookmark.name} was cancelled.`);
  state.secret = answer.secret;
  state.source = 'prompt';
  state.remember = answer.remember && state.keychainUsable;
}

function accountFor(kind: SecretKind, bookmark: Bookmark): string {
  return kind === 'password' ? passwordAccount(bookmark) : passphraseAccount(bookmark);
}

function toWarning(err: unknown): SkiffErrorData {
  return isSkiffError(err) ? err.toData() : { code: 'KEYCHAIN_UNAVAILABLE', message: 'The system keychain could not be used.' };
}
