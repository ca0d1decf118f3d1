// The stable error codes, in a file of their own with no imports: the IPC contract (which the
// renderer type-checks without Node's types) builds its list from this one.

export const ERROR_CODES = [
  'NO_SUCH_FILE',
  'PERMISSION_DENIED',
  'FAILURE',
  'NOT_A_DIRECTORY',
  'IS_A_DIRECTORY',
  'ALREADY_EXISTS',
  'DIRECTORY_NOT_EMPTY',
  'NO_SPACE',
  'READ_ONLY',
  'INVALID_NAME',
  'INVALID_ARGUMENT',
  'AUTH_FAILED',
  'HOST_KEY_REJECTED',
  'HOST_KEY_CHANGED',
  'HOST_KEY_REVOKED',
  'HOST_KEY_UNKNOWN',
  'CONNECTION_REFUSED',
  'HOST_UNREACHABLE',
  'HOST_NOT_FOUND',
  'TIMEOUT',
  'CONNECTION_LOST',
  'NOT_CONNECTED',
  'PROTOCOL_ERROR',
  'UNSUPPORTED',
  'CANCELLED',
  'KEY_FILE_INVALID',
  'PASSPHRASE_REQUIRED',
  'KEYCHAIN_UNAVAILABLE',
  'CONFIG_CORRUPT',
  'SIZE_MISMATCH',
  /** Open refused to hand a program (by mode bit or extension) to the system's default application. */
  'EXECUTABLE_REFUSED',
  /** The editor command could not be started (not found, not allowed, malformed). */
  'EDITOR_FAILED',
  /** The session dropped and is reconnecting by itself; browsing fails at once until it is back. */
  'RECONNECTING',
  /** Skiff stopped (quit or crashed) before a transfer finished; it can be resumed from what it left. */
  'INTERRUPTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error as plain data (what crosses IPC and sits in job snapshots). */
export interface SkiffErrorData {
  code: ErrorCode;
  message: string;
  path?: string;
}
