// Where passwords and key passphrases live: the OS keychain, behind a tiny interface so the
// rest of core never touches keytar. There is deliberately no plaintext implementation.
import type { SecretKind } from './secret-prompt';

/** A keychain of secrets addressed by account name (service is fixed by the implementation). */
export interface SecretStore {
  /** The secret, or null when none is stored. Only main calls this, at connect time. */
  get(account: string): Promise<string | null>;
  /** Stores or replaces the secret. */
  set(account: string, secret: string): Promise<void>;
  /** Removes the secret; true when one existed. */
  delete(account: string): Promise<boolean>;
  /** Whether a secret is stored (what the renderer may learn). */
  has(account: string): Promise<boolean>;
}

/** The keychain service name every Skiff secret is filed under. */
export const SECRET_SERVICE = 'Skiff';

export interface ServerIdentity {
  username: string;
  host: string;
  port: number;
}

/** Account for a server password: `sftp://user@host:port` (user percent-encoded, IPv6 in brackets). */
export function passwordAccount(id: ServerIdentity): string {
  return `sftp://${serverPart(id)}`;
}

/**
 * Account for a key passphrase: `sftp-key://user@host:port`. Keyed by server, not by key path, so a
 * passphrase follows its bookmark's life cycle (deleting the bookmark deletes it) and moving a key
 * file does not orphan it.
 */
export function passphraseAccount(id: ServerIdentity): string {
  return `sftp-key://${serverPart(id)}`;
}

/** The account of a server's password or key passphrase. */
export function secretAccount(kind: SecretKind, id: ServerIdentity): string {
  return kind === 'password' ? passwordAccount(id) : passphraseAccount(id);
}

function serverPart({ username, host, port }: ServerIdentity): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${encodeURIComponent(username)}@${h.toLowerCase()}:${port}`;
}
