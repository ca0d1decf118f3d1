// The one real SecretStore: keytar (macOS Keychain, Windows Credential Manager, Secret Service
// on Linux). keytar is a native module, so it is imported on first use: a missing or broken
// build then surfaces as KEYCHAIN_UNAVAILABLE with an explanation instead of crashing startup.
import { SkiffError } from '../errors';
import { SECRET_SERVICE, type SecretStore } from './secret-store';

/** The subset of keytar's API used here. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarSecretStoreOptions {
  /** Defaults to "Skiff". */
  service?: string;
  /** How keytar is loaded (default: dynamic import of the package). */
  load?: () => Promise<unknown>;
  platform?: NodeJS.Platform;
}

/** SecretStore over keytar; every failure is KEYCHAIN_UNAVAILABLE with an actionable message and never the secret. */
export class KeytarSecretStore implements SecretStore {
  private readonly service: string;
  private readonly load: () => Promise<unknown>;
  private readonly platform: NodeJS.Platform;
  private keytar: Promise<KeytarApi> | undefined;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? SECRET_SERVICE;
    this.load = options.load ?? (() => import('keytar'));
    this.platform = options.platform ?? process.platform;
  }

  async get(account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, account));
  }

  async set(account: string, secret: string): Promise<void> {
    if (secret === '') throw new SkiffError('INVALID_ARGUMENT', 'Refusing to store an empty secret.');
    await this.call((k) => k.setPassword(this.service, account, secret), secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account));
  }

  async has(account: string): Promise<boolean> {
    return (await this.call((k) => k.getPassword(this.service, account))) !== null;
  }

  private async call<R>(op: (k: KeytarApi) => Promise<R>, secret?: string): Promise<R> {
    const keytar = await this.module();
    try {
      return await op(keytar);
    } catch (err) {
      throw keychainError(err, this.platform, secret);
    }
  }

  // Loaded once; a failed load is remembered too (a native build does not fix itself at run time).
  private module(): Promise<KeytarApi> {
    this.keytar ??= this.load().then(
      (mod) => {
        // keytar is CommonJS: the ESM namespace exposes only what the lexer could see, so prefer `default`.
        const m = mod as { default?: Partial<KeytarApi> } & Partial<KeytarApi>;
        const api = m.default && typeof m.default.setPassword === 'function' ? m.default : m;
        if (!api || typeof api.getPassword !== 'function' || typeof api.setPassword !== 'function' || typeof api.deletePassword !== 'function') {
          throw new SkiffError('KEYCHAIN_UNAVAILABLE', `${MODULE_BROKEN} (keytar has an unexpected shape). ${ASK_EACH_TIME}`);
        }
        return api as KeytarApi;
      },
      (err: unknown) => {
        throw new SkiffError(
          'KEYCHAIN_UNAVAILABLE',
          `${MODULE_BROKEN}: ${firstLine(err)}. Reinstall Skiff (or run electron-rebuild for keytar). ${ASK_EACH_TIME}`,
          { cause: err },
        );
      },
    );
    return this.keytar;
  }
}

const MODULE_BROKEN = 'The keychain module could not be loaded';
const ASK_EACH_TIME = 'Skiff will ask for passwords each time; nothing is stored in plain text.';

/** Turns a keytar/libsecret failure into KEYCHAIN_UNAVAILABLE with a next step for this platform. */
export function keychainError(err: unknown, platform: NodeJS.Platform, secret?: string): SkiffError {
  if (err instanceof SkiffError) return err;
  const raw = scrub(firstLine(err), secret);
  let hint: string;
  if (platform === 'darwin') {
    hint = 'Unlock your login keychain in Keychain Access and allow Skiff to use it.';
  } else if (platform === 'win32') {
    hint = 'Check that Windows Credential Manager is available for your account.';
  } else if (/autolaunch D-Bus|Could not connect|DBUS_SESSION_BUS_ADDRESS|dbus/i.test(raw)) {
    hint = 'No desktop session bus (D-Bus) is reachable. Start Skiff from a desktop session with gnome-keyring or KWallet running.';
  } else if (/org\.freedesktop\.secrets|not provided by any \.service|ServiceUnknown|No such interface/i.test(raw)) {
    hint = 'No Secret Service is running. Install and start gnome-keyring (or KWallet with its Secret Service) and log in again.';
  } else if (/does not exist at path|collection\/login|No such object/i.test(raw)) {
    hint = 'There is no default keyring yet. Create one (e.g. in Passwords and Keys / Seahorse, or by logging in to the desktop again) and retry.';
  } else if (/locked|prompt|dismissed|cancel/i.test(raw)) {
    hint = 'The keyring is locked. Unlock it (e.g. in Passwords and Keys / Seahorse, or by logging in again) and retry.';
  } else {
    hint = 'Make sure a Secret Service keyring (gnome-keyring or KWallet) is installed, running and unlocked.';
  }
  return new SkiffError('KEYCHAIN_UNAVAILABLE', `The system keychain is not available (${raw}). ${hint} ${ASK_EACH_TIME}`, {
    cause: err instanceof Error ? new Error(raw) : undefined,
  });
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').slice(0, 300) || 'unknown error';
}

// keytar's messages come from the OS and should never echo a secret, but the guarantee is ours.
function scrub(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('•••') : text;
}
