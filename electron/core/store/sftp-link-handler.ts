// Whether Skiff takes over sftp:// links. Taking them silently would steal them from WinSCP,
// FileZilla or Cyberduck, so the installed app asks once and remembers the answer as a setting.
// Pure (no Node imports): the IPC contract wraps the same list.

/** ask: ask at the next start; yes: Skiff opens sftp:// links; no: leave them to other apps. */
export const SFTP_LINK_HANDLER_CHOICES = ['ask', 'yes', 'no'] as const;
export type SftpLinkHandlerChoice = (typeof SFTP_LINK_HANDLER_CHOICES)[number];

/** What the shell does about the OS's sftp:// handler, given the setting and whether Skiff is it now. */
export function sftpLinkAction(choice: SftpLinkHandlerChoice, isDefault: boolean): 'register' | 'release' | 'ask' | 'none' {
  if (choice === 'yes') return isDefault ? 'none' : 'register';
  if (choice === 'no') return isDefault ? 'release' : 'none';
  // Already the handler (the user chose Skiff in the system's settings): nothing to ask.
  return isDefault ? 'none' : 'ask';
}
