// What an import from ~/.ssh/config offers, as plain data with no imports: the scanner
// (ssh-config-import.ts) fills these in, and the IPC contract's scan DTOs are the same shapes.

/** Something the user should know about the import (unsupported option, skipped block, …). */
export interface ImportNote {
  file: string;
  /** The Host alias it concerns, when it concerns one. */
  alias?: string;
  message: string;
}

/** One concrete Host alias, ready to become a bookmark described as `B`. */
export interface SshConfigCandidateOf<B> {
  /** Stable within a scan: `ssh-config:<alias>`; pass it to the import. */
  id: string;
  alias: string;
  /** The bookmark it would create (validated unless `error` is set). */
  bookmark: B;
  /** Every IdentityFile that applies, `~` and %-tokens expanded, in order (the first is keyPath). */
  identityFiles: string[];
  /** Options Skiff cannot honour yet (ProxyJump, ProxyCommand, …). */
  unsupported: string[];
  /** An existing bookmark with the same host + port + user. */
  duplicateOf: string | null;
  /** Why it cannot be imported as is (e.g. a bad port); null when fine. */
  error: string | null;
}

export interface SshConfigScanOf<B> {
  candidates: Array<SshConfigCandidateOf<B>>;
  notes: ImportNote[];
  /** Every file read (main file first, then Includes in order). */
  files: string[];
}
