// One error type for all of core: a stable machine `code` the UI can switch on, and a
// message a person can act on. Raw ssh2/node errors are kept as `cause`, never shown alone.

import type { ErrorCode, SkiffErrorData } from './error-codes';

export { ERROR_CODES, type ErrorCode, type SkiffErrorData } from './error-codes';

/** The error every core function throws: a stable `code`, a human message, optionally the path involved. */
export class SkiffError extends Error {
  readonly code: ErrorCode;
  readonly path?: string;

  constructor(code: ErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SkiffError';
    this.code = code;
    if (options.path !== undefined) this.path = options.path;
  }

  /** Plain data for crossing IPC (no stack, no cause). */
  toData(): SkiffErrorData {
    return this.path === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, path: this.path };
  }
}

export function isSkiffError(err: unknown, code?: ErrorCode): err is SkiffError {
  return err instanceof SkiffError && (code === undefined || err.code === code);
}

const NODE_CODES: Record<string, ErrorCode> = {
  ENOENT: 'NO_SUCH_FILE',
  EACCES: 'PERMISSION_DENIED',
  EPERM: 'PERMISSION_DENIED',
  ENOTDIR: 'NOT_A_DIRECTORY',
  EISDIR: 'IS_A_DIRECTORY',
  EEXIST: 'ALREADY_EXISTS',
  ENOTEMPTY: 'DIRECTORY_NOT_EMPTY',
  ENOSPC: 'NO_SPACE',
  EDQUOT: 'NO_SPACE',
  EROFS: 'READ_ONLY',
  ENAMETOOLONG: 'INVALID_NAME',
  EINVAL: 'INVALID_ARGUMENT',
  ECONNREFUSED: 'CONNECTION_REFUSED',
  EHOSTUNREACH: 'HOST_UNREACHABLE',
  ENETUNREACH: 'HOST_UNREACHABLE',
  ENOTFOUND: 'HOST_NOT_FOUND',
  EAI_AGAIN: 'HOST_NOT_FOUND',
  ETIMEDOUT: 'TIMEOUT',
  ECONNRESET: 'CONNECTION_LOST',
  EPIPE: 'CONNECTION_LOST',
};

const MESSAGES: Partial<Record<ErrorCode, (p?: string) => string>> = {
  NO_SUCH_FILE: (p) => (p ? `“${p}” does not exist.` : 'The file or folder does not exist.'),
  PERMISSION_DENIED: (p) => (p ? `Permission denied for “${p}”.` : 'Permission denied.'),
  NOT_A_DIRECTORY: (p) => (p ? `“${p}” is not a folder.` : 'Not a folder.'),
  IS_A_DIRECTORY: (p) => (p ? `“${p}” is a folder.` : 'That is a folder.'),
  ALREADY_EXISTS: (p) => (p ? `“${p}” already exists.` : 'It already exists.'),
  DIRECTORY_NOT_EMPTY: (p) => (p ? `The folder “${p}” is not empty.` : 'The folder is not empty.'),
  NO_SPACE: (p) => `The disk is full${p ? ` (writing “${p}”)` : ''}. Free some space and retry.`,
  READ_ONLY: (p) => `The disk is read-only${p ? ` (writing “${p}”)` : ''}.`,
  INVALID_NAME: (p) => (p ? `“${p}” is not a valid name.` : 'Not a valid name.'),
};

/** Maps a node:fs / net error (errno code) to a SkiffError; unknown ones become FAILURE with the original text. */
export function fromNodeError(err: unknown, path?: string): SkiffError {
  if (err instanceof SkiffError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  const code: ErrorCode = (e?.code && NODE_CODES[e.code]) || 'FAILURE';
  const make = MESSAGES[code];
  const message = make ? make(path) : `${path ? `“${path}”: ` : ''}${e?.message ?? String(err)}`;
  return new SkiffError(code, message, { ...(path === undefined ? {} : { path }), cause: err });
}
