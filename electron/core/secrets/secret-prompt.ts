// What Skiff asks the user when a login needs a secret, as plain data. No imports on purpose:
// the IPC contract (which the renderer type-checks without Node's types) builds its password
// question from these.

export const SECRET_KINDS = ['password', 'passphrase'] as const;
/** password: the server's; passphrase: the one that unlocks the key file. */
export type SecretKind = (typeof SECRET_KINDS)[number];

/**
 * not-stored: nothing saved; keychain-unavailable: the keychain could not be read (see keychainMessage);
 * stored-rejected: the saved one was refused (offer to update it); rejected: the typed one was refused.
 */
export const SECRET_PROMPT_REASONS = ['not-stored', 'keychain-unavailable', 'stored-rejected', 'rejected'] as const;
export type SecretPromptReason = (typeof SECRET_PROMPT_REASONS)[number];

/** A request for a password or key passphrase, with what the dialog needs to say why. */
export interface SecretPrompt {
  secret: SecretKind;
  host: string;
  port: number;
  username: string;
  /** The saved server's name when connecting by bookmark. */
  bookmarkName?: string;
  /** For a passphrase: the key file it unlocks. */
  keyPath?: string;
  reason: SecretPromptReason;
  /** Whether to offer "Remember" (false when the keychain is known to be unusable). */
  canRemember: boolean;
  /** Whether "Remember" starts ticked (the user already asked for it, e.g. in Quick Connect). */
  rememberDefault: boolean;
  /** The keychain's explanation when reason is keychain-unavailable (never contains a secret). */
  keychainMessage?: string;
}

/** The user's answer; `remember` = store it in the keychain once the server accepts it. */
export interface SecretAnswer {
  secret: string;
  remember: boolean;
}
