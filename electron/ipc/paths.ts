// Paths from the renderer are checked in main before any file system call: absolute,
// already normalized (no `..` games), no NUL. Remote paths are checked by the contract's
// schema (posix rules need no Node); local ones need the platform's path rules.
import path from 'node:path';
import { SkiffError } from '../core/errors';
import { RemotePath } from './contract';

/** Returns `p` if it is an absolute, normalized local path; else INVALID_ARGUMENT. */
export function checkLocalPath(p: string, p_ = path): string {
  if (typeof p !== 'string' || p === '' || p.includes('\0'))
    throw new SkiffError('INVALID_ARGUMENT', 'A local path must be a non-empty string without NUL bytes.');
  if (!p_.isAbsolute(p)) throw new SkiffError('INVALID_ARGUMENT', `“${p.slice(0, 200)}” is not an absolute path.`);
  let norm = p_.normalize(p);
  // normalize keeps a trailing separator; the root itself is the only path that may end in one.
  if (norm.length > p_.parse(norm).root.length && norm.endsWith(p_.sep)) norm = norm.slice(0, -1);
  if (norm !== p) throw new SkiffError('INVALID_ARGUMENT', `“${p.slice(0, 200)}” is not a normalized path (use “${norm.slice(0, 200)}”).`);
  return p;
}

/** Returns `p` if it is an absolute, normalized remote (posix) path; else INVALID_ARGUMENT. */
export function checkRemotePath(p: string): string {
  const r = RemotePath.safeParse(p);
  if (!r.success)
    throw new SkiffError('INVALID_ARGUMENT', `“${String(p).slice(0, 200)}” is not a valid remote path: ${r.error.issues[0]?.message ?? 'invalid'}.`);
  return p;
}
