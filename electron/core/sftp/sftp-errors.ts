// Turns what ssh2 reports (SFTP status codes, socket errno codes, its own plain Errors)
// into SkiffErrors with a stable code and a sentence a person can act on. The raw error
// stays as `cause` so logs keep the server's own words.
import { SkiffError, fromNodeError, type ErrorCode } from '../errors';

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02 §7) as ssh2 puts them on `err.code`. */
export const SFTP_STATUS = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  [SFTP_STATUS.NO_SUCH_FILE]: 'NO_SUCH_FILE',
  [SFTP_STATUS.PERMISSION_DENIED]: 'PERMISSION_DENIED',
  [SFTP_STATUS.FAILURE]: 'FAILURE',
  // OpenSSH's sftp-server answers EINVAL/ENAMETOOLONG with BAD_MESSAGE.
  [SFTP_STATUS.BAD_MESSAGE]: 'INVALID_ARGUMENT',
  [SFTP_STATUS.NO_CONNECTION]: 'NOT_CONNECTED',
  [SFTP_STATUS.CONNECTION_LOST]: 'CONNECTION_LOST',
  [SFTP_STATUS.OP_UNSUPPORTED]: 'UNSUPPORTED',
};

/** What the user was doing, for messages: "Could not rename …". */
export type SftpOp =
  'realpath' | 'list' | 'stat' | 'mkdir' | 'rename' | 'remove' | 'chmod' | 'utimes' | 'symlink' | 'readlink' | 'open' | 'read' | 'write' | 'close';

const VERB: Record<SftpOp, string> = {
  realpath: 'resolve',
  list: 'list',
  stat: 'read the details of',
  mkdir: 'create the folder',
  rename: 'rename',
  remove: 'delete',
  chmod: 'change the permissions of',
  utimes: 'set the times of',
  symlink: 'create the link',
  readlink: 'read the link',
  open: 'open',
  read: 'read',
  write: 'write',
  close: 'finish writing',
};

/** The SFTP status code on an ssh2 error, if it carries one. */
export function sftpStatus(err: unknown): number | undefined {
  const c = (err as { code?: unknown } | null | undefined)?.code;
  return typeof c === 'number' ? c : undefined;
}

function messageFor(code: ErrorCode, op: SftpOp, p: string | undefined, serverText: string | undefined): string {
  const q = p === undefined ? '' : ` “${p}”`;
  const said = serverText && !/^(failure|no such file|permission denied)$/i.test(serverText) ? ` The server said: ${serverText}.` : '';
  switch (code) {
    case 'NO_SUCH_FILE':
      return p === undefined ? 'The file or folder does not exist.' : `“${p}” does not exist.`;
    case 'PERMISSION_DENIED':
      return `Permission denied: you may not ${VERB[op]}${q}.`;
    case 'ALREADY_EXISTS':
      return `${p === undefined ? 'It' : `“${p}”`} already exists.`;
    case 'DIRECTORY_NOT_EMPTY':
      return `The folder${q} is not empty.`;
    case 'NOT_A_DIRECTORY':
      return `${p === undefined ? 'It' : `“${p}”`} is not a folder.`;
    case 'INVALID_ARGUMENT':
      return `The server rejected the request to ${VERB[op]}${q} as invalid (a name may be too long).${said}`;
    case 'UNSUPPORTED':
      return `The server does not support this: could not ${VERB[op]}${q}.`;
    case 'NO_SPACE':
      return `The server's disk is full: could not ${VERB[op]}${q}. Free some space there and retry.`;
    case 'CONNECTION_LOST':
    case 'NOT_CONNECTED':
      return `The connection was lost while trying to ${VERB[op]}${q}.`;
    default:
      return `Could not ${VERB[op]}${q}: the server reported a failure.${said}`;
  }
}

/** Maps any error from an ssh2 SFTP call to a SkiffError naming the operation and path. */
export function fromSftpError(err: unknown, op: SftpOp, p?: string): SkiffError {
  if (err instanceof SkiffError) return err;
  const withPath = p === undefined ? {} : { path: p };
  const status = sftpStatus(err);
  const text = err instanceof Error ? err.message : String(err);
  if (status !== undefined) {
    const code = STATUS_TO_CODE[status] ?? 'FAILURE';
    return new SkiffError(code, messageFor(code, op, p, text), { ...withPath, cause: err });
  }
  const errno = (err as { code?: unknown } | null)?.code;
  if (typeof errno === 'string') return fromNodeError(err, p);
  // ssh2 fails pending requests with these plain Errors when the channel or socket goes away.
  if (/no response from server|not connected|channel (is )?closed|write after end|connection lost/i.test(text)) {
    return new SkiffError('CONNECTION_LOST', messageFor('CONNECTION_LOST', op, p, text), { ...withPath, cause: err });
  }
  return new SkiffError('FAILURE', `Could not ${VERB[op]}${p === undefined ? '' : ` “${p}”`}: ${text}`, { ...withPath, cause: err });
}

/** Same code, new message/path: used after a cheap stat turned a vague FAILURE into something precise. */
export function refine(code: ErrorCode, op: SftpOp, p: string, cause: unknown): SkiffError {
  return new SkiffError(code, messageFor(code, op, p, undefined), { path: p, cause });
}
