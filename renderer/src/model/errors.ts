// Turns any error that reaches the UI into words a person can act on: what happened and
// what to do next. Raw stacks and library internals are never shown.

export interface ErrorLike {
  code?: string;
  message?: string;
  path?: string;
}

const NEXT_STEP: Record<string, string> = {
  NO_SUCH_FILE: 'It may have been moved or deleted. Refresh the folder.',
  PERMISSION_DENIED: 'Check the permissions or log in as a user who has access.',
  NOT_A_DIRECTORY: 'Pick a folder instead.',
  ALREADY_EXISTS: 'Choose another name.',
  DIRECTORY_NOT_EMPTY: 'Delete its contents first, or delete recursively.',
  NO_SPACE: 'Free some disk space, then retry.',
  READ_ONLY: 'The file system is read-only; choose another location.',
  INVALID_NAME: 'Use a name without "/" or control characters.',
  AUTH_FAILED: 'Check the username, password or key file, then connect again.',
  HOST_KEY_REJECTED: 'The connection was not trusted, so nothing was sent. Connect again to review the key.',
  HOST_KEY_CHANGED: "The server's identity changed. Ask its administrator before trusting the new key.",
  HOST_KEY_REVOKED: 'This host key is revoked and cannot be trusted. Contact the server administrator.',
  CONNECTION_REFUSED: 'Is the SSH server running, and is the port right?',
  HOST_UNREACHABLE: 'Check your network connection and the host name.',
  HOST_NOT_FOUND: 'Check the spelling of the host name.',
  TIMEOUT: 'The server did not answer in time. Check the network and retry.',
  CONNECTION_LOST: 'The connection dropped. Connect again; interrupted transfers can be retried.',
  NOT_CONNECTED: 'Connect to a server first.',
  KEY_FILE_INVALID: 'Choose an OpenSSH or PEM private key file.',
  PASSPHRASE_REQUIRED: 'The key file is encrypted: enter its passphrase.',
  KEYCHAIN_UNAVAILABLE: 'The system keychain is locked or missing; the password was not saved.',
  UNSUPPORTED: 'This server or mode does not support that operation.',
  SIZE_MISMATCH: 'The copy is incomplete. Retry the transfer.',
  CANCELLED: '',
};

/** A readable {message, hint} for any thrown value; stack traces never leak into it. */
export function describeError(err: unknown): { code: string; message: string; hint: string } {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : 'INTERNAL';
  let message = typeof e.message === 'string' && e.message.trim() !== '' ? e.message : 'Something went wrong.';
  // Keep only the first line: anything after it is a stack or a library dump.
  message = message.split('\n')[0]!.replace(/^\w*Error: /, '');
  if (message.length > 300) message = `${message.slice(0, 300)}…`;
  const hint = NEXT_STEP[code] ?? 'Try again; if it keeps happening, reconnect.';
  return { code, message, hint };
}

/** True for errors that only mean "the user cancelled" (not worth a message). */
export function isCancelled(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ((err as ErrorLike).code === 'CANCELLED' || (err as { name?: string }).name === 'AbortError');
}
