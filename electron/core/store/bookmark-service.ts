// Bookmarks together with their keychain secrets: the one place that keeps the two in step
// (remember/forget, move on host/user/port change, delete with the bookmark) and runs imports.
import { SkiffError, isSkiffError, type SkiffErrorData } from '../errors';
import { passphraseAccount, passwordAccount, secretAccount, type SecretStore, type ServerIdentity } from '../secrets/secret-store';
import type { Bookmark, BookmarkInput } from './bookmark-schema';
import type { BookmarkStore } from './bookmark-store';
import { scanSshConfig, type ScanSshConfigOptions, type SshConfigScan } from './ssh-config-import';
import type { LoginTarget } from '../sftp/connect-with-secrets';
import type { SecretKind } from '../secrets/secret-prompt';

/** Secrets supplied with a create/update; only stored when the bookmark opts in (rememberPassword). */
export interface BookmarkSecrets {
  password?: string;
  passphrase?: string;
}

/** A change that succeeded for the bookmark but not for the keychain (the UI shows it as a warning). */
export interface SecretsOutcome {
  /** null when the keychain part worked (or there was nothing to do). */
  keychainWarning: SkiffErrorData | null;
}

/** How to log in to one server, and how to keep a secret for it (see BookmarkService.savedLogin / serverLogin). */
export interface SavedLogin {
  target: LoginTarget;
  /** Whether the keychain may hold this server's secrets. */
  useKeychain: boolean;
  /** The saved server this login belongs to, if there is one yet. */
  bookmark: Bookmark | undefined;
  /** Stores a secret that worked and turns "Remember password" on; resolves to the saved server (created: a new one). */
  remember(kind: SecretKind, secret: string): Promise<{ bookmark: Bookmark; created: boolean }>;
}

export interface ImportResult {
  created: Bookmark[];
  /** Requested ids that were not imported, with why. */
  skipped: Array<{ id: string; reason: string }>;
}

/** Composes the bookmark store and the secret store. */
export class BookmarkService {
  private lastScan: SshConfigScan | undefined;

  constructor(
    readonly store: BookmarkStore,
    private readonly secrets: SecretStore,
  ) {}

  /** Creates a bookmark; the password/passphrase go to the keychain only if `rememberPassword` is on. */
  async create(input: BookmarkInput, secrets: BookmarkSecrets = {}): Promise<{ bookmark: Bookmark } & SecretsOutcome> {
    const bookmark = await this.store.create(input);
    const keychainWarning = await this.saveSecrets(bookmark, secrets);
    return { bookmark, keychainWarning };
  }

  /**
   * Edits a bookmark. Secrets follow it: a changed user/host/port moves them to the new account,
   * turning "Remember password" off deletes them, supplied ones replace the stored ones.
   */
  async update(id: string, patch: Partial<BookmarkInput>, secrets: BookmarkSecrets = {}): Promise<{ bookmark: Bookmark } & SecretsOutcome> {
    const before = this.requireBookmark(id);
    const bookmark = await this.store.update(id, patch);
    let keychainWarning: SkiffErrorData | null = null;
    try {
      const moved = accountsOf(before).password !== accountsOf(bookmark).password;
      if (moved && before.rememberPassword) await this.moveSecrets(before, bookmark);
      else if (before.rememberPassword && !bookmark.rememberPassword) await this.deleteSecretsOf(bookmark);
    } catch (err) {
      keychainWarning = warning(err);
    }
    keychainWarning = (await this.saveSecrets(bookmark, secrets)) ?? keychainWarning;
    return { bookmark, keychainWarning };
  }

  /** Deletes the bookmark, then its keychain secrets (unless another bookmark uses the same server account). */
  async delete(id: string): Promise<{ deleted: Bookmark } & SecretsOutcome> {
    const deleted = await this.store.delete(id);
    let keychainWarning: SkiffErrorData | null = null;
    try {
      await this.deleteSecretsOf(deleted);
    } catch (err) {
      keychainWarning = warning(err);
    }
    return { deleted, keychainWarning };
  }

  /** Copies a bookmark; secrets are per server account, so the copy shares them. */
  async duplicate(id: string): Promise<Bookmark> {
    return this.store.duplicate(id);
  }

  /** Whether a password is stored for the bookmark (safe to tell the renderer). */
  async hasPassword(id: string): Promise<boolean> {
    return this.secrets.has(passwordAccount(this.requireBookmark(id)));
  }

  /** Stores (or replaces) the bookmark's password and turns "Remember password" on. */
  async setPassword(id: string, password: string): Promise<Bookmark> {
    return this.setSecret(id, 'password', password);
  }

  /** Whether the bookmark's password or key passphrase is in the keychain (never the secret itself). */
  async hasSecret(id: string, kind: 'password' | 'passphrase'): Promise<boolean> {
    return this.secrets.has(accountsOf(this.requireBookmark(id))[kind]);
  }

  /** Stores the password or passphrase and turns "Remember password" on (storing is remembering). */
  async setSecret(id: string, kind: 'password' | 'passphrase', secret: string): Promise<Bookmark> {
    const bookmark = this.requireBookmark(id);
    await this.secrets.set(accountsOf(bookmark)[kind], secret);
    return bookmark.rememberPassword ? bookmark : this.store.update(id, { rememberPassword: true });
  }

  /** Removes just that secret from the keychain (the user asked: even if another bookmark shares the server). */
  async deleteSecret(id: string, kind: 'password' | 'passphrase'): Promise<boolean> {
    return this.secrets.delete(accountsOf(this.requireBookmark(id))[kind]);
  }

  /** Forgets the stored password and passphrase and turns "Remember password" off. */
  async forgetSecrets(id: string): Promise<Bookmark> {
    const bookmark = this.requireBookmark(id);
    await this.deleteSecretsOf(bookmark);
    return bookmark.rememberPassword ? this.store.update(id, { rememberPassword: false }) : bookmark;
  }

  /** How to log in to a saved server: its target, whether its secrets are in the keychain, how to remember a new one. */
  savedLogin(id: string): SavedLogin {
    const bookmark = this.store.get(id);
    if (!bookmark) throw new SkiffError('INVALID_ARGUMENT', 'That saved server no longer exists.');
    return {
      target: loginTarget(bookmark),
      useKeychain: bookmark.rememberPassword,
      bookmark,
      remember: async (kind, secret) => ({ bookmark: await this.setSecret(id, kind, secret), created: false }),
    };
  }

  /**
   * The same for a typed user@host:port (Quick Connect): the keychain is used when a saved server for
   * it remembers its password; remembering a new secret keeps it with that server, or with a new
   * saved server named user@host when there is none, so the sidebar shows it and the next connect
   * does not ask.
   */
  serverLogin(target: LoginTarget): SavedLogin {
    const key = identityKey(target);
    const same = this.store.list().filter((b) => identityKey(b) === key);
    const bookmark = same.find((b) => b.rememberPassword) ?? same[0];
    return {
      target,
      useKeychain: bookmark?.rememberPassword ?? false,
      bookmark,
      remember: async (kind, secret) => {
        const current = bookmark && this.store.get(bookmark.id);
        if (current) return { bookmark: await this.setSecret(current.id, kind, secret), created: false };
        return { bookmark: await this.createRemembering(target, kind, secret), created: true };
      },
    };
  }

  /** Records a successful connection to the saved server. */
  async markConnected(id: string): Promise<Bookmark> {
    return this.store.markConnected(id);
  }

  /** Reads ~/.ssh/config (and Includes) into candidates, marking duplicates of existing bookmarks. */
  async scanSshConfig(options: Omit<ScanSshConfigOptions, 'existing'> = {}): Promise<SshConfigScan> {
    this.lastScan = await scanSshConfig({ ...options, existing: this.store.list() });
    return this.lastScan;
  }

  /** Creates bookmarks for the chosen candidates of the last scan (one write); duplicates need `allowDuplicates`. */
  async importCandidates(ids: readonly string[], options: { allowDuplicates?: boolean } = {}): Promise<ImportResult> {
    if (!this.lastScan) throw new SkiffError('INVALID_ARGUMENT', 'Scan the ssh config before importing.');
    const byId = new Map(this.lastScan.candidates.map((c) => [c.id, c]));
    const existing = new Set(this.store.list().map(identityKey));
    const chosen: BookmarkInput[] = [];
    const skipped: ImportResult['skipped'] = [];
    for (const id of new Set(ids)) {
      const c = byId.get(id);
      if (!c) skipped.push({ id, reason: 'Not in the last scan.' });
      else if (c.error !== null) skipped.push({ id, reason: c.error });
      else if (!options.allowDuplicates && existing.has(identityKey({ host: c.bookmark.host, port: c.bookmark.port ?? 22, username: c.bookmark.username }))) {
        skipped.push({ id, reason: `A bookmark for ${c.bookmark.username}@${c.bookmark.host}:${c.bookmark.port ?? 22} already exists.` });
      } else {
        chosen.push(c.bookmark);
        existing.add(identityKey({ host: c.bookmark.host, port: c.bookmark.port ?? 22, username: c.bookmark.username }));
      }
    }
    const created = await this.store.createMany(chosen);
    return { created, skipped };
  }

  // Keychain first: when it fails nothing is saved; when the bookmark cannot be written the secret is taken back.
  private async createRemembering(target: LoginTarget, kind: SecretKind, secret: string): Promise<Bookmark> {
    const account = secretAccount(kind, target);
    await this.secrets.set(account, secret);
    try {
      return await this.store.create({
        name: `${target.username}@${target.host}`,
        host: target.host,
        port: target.port,
        username: target.username,
        authMethod: target.method,
        keyPath: target.keyPath ?? null,
        rememberPassword: true,
      });
    } catch (err) {
      await this.secrets.delete(account).catch(() => undefined);
      throw err;
    }
  }

  private requireBookmark(id: string): Bookmark {
    const b = this.store.get(id);
    if (!b) throw new SkiffError('NO_SUCH_FILE', 'That bookmark no longer exists.');
    return b;
  }

  private async saveSecrets(bookmark: Bookmark, secrets: BookmarkSecrets): Promise<SkiffErrorData | null> {
    // Opt-in: without "Remember password" nothing reaches the keychain.
    if (!bookmark.rememberPassword) return null;
    const accounts = accountsOf(bookmark);
    try {
      if (secrets.password) await this.secrets.set(accounts.password, secrets.password);
      if (secrets.passphrase) await this.secrets.set(accounts.passphrase, secrets.passphrase);
      return null;
    } catch (err) {
      return warning(err);
    }
  }

  private async moveSecrets(from: Bookmark, to: Bookmark): Promise<void> {
    const a = accountsOf(from);
    const b = accountsOf(to);
    if (to.rememberPassword) {
      for (const [src, dst] of [
        [a.password, b.password],
        [a.passphrase, b.passphrase],
      ] as const) {
        const secret = await this.secrets.get(src);
        if (secret !== null && !(await this.secrets.has(dst))) await this.secrets.set(dst, secret);
      }
    }
    await this.deleteSecretsOf(from);
  }

  // Accounts are per server (user@host:port); another bookmark for the same server keeps them alive.
  private async deleteSecretsOf(bookmark: Bookmark): Promise<void> {
    const key = identityKey(bookmark);
    const shared = this.store.list().some((b) => b.id !== bookmark.id && identityKey(b) === key && b.rememberPassword);
    if (shared) return;
    const accounts = accountsOf(bookmark);
    await this.secrets.delete(accounts.password);
    await this.secrets.delete(accounts.passphrase);
  }
}

/** A saved server as a login target. */
export function loginTarget(b: Bookmark): LoginTarget {
  return { host: b.host, port: b.port, username: b.username, method: b.authMethod, keyPath: b.keyPath, bookmarkName: b.name };
}

function accountsOf(id: ServerIdentity): { password: string; passphrase: string } {
  return { password: passwordAccount(id), passphrase: passphraseAccount(id) };
}

function identityKey(b: ServerIdentity): string {
  return passwordAccount(b);
}

function warning(err: unknown): SkiffErrorData {
  if (isSkiffError(err)) return err.toData();
  return { code: 'KEYCHAIN_UNAVAILABLE', message: 'The system keychain could not be updated.' };
}
