// A name in a listing is data from the other side, not a path. Before it becomes part of a
// target path it must be one plain path component, so nothing lands outside the chosen folder.
import nodePath from 'node:path';
import { SkiffError } from '../errors';

// NUL, C0 controls, DEL and C1 controls: never legitimate in a file name, and they can hide
// terminal escapes or spoof names in the UI.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `name` is not a safe single path component, or null when it is. */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name === '.' || name === '..') return `“${name}” refers to a folder itself, not an entry in it`;
  if (name.includes('/')) return 'the name contains “/”';
  if (name.includes('\\')) return 'the name contains “\\”';
  if (CONTROL.test(name)) return 'the name contains control characters';
  if (Buffer.byteLength(name, 'utf8') > 255) return 'the name is longer than 255 bytes';
  return null;
}

/** Shows a hostile name safely in a message: control characters become \\uXXXX escapes. */
export function printableName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Throws INVALID_NAME unless `name` is a single plain path component. */
export function assertSafeName(name: string, where?: string): void {
  const reason = unsafeNameReason(name);
  if (reason !== null) {
    const shown = printableName(name);
    throw new SkiffError('INVALID_NAME', `Refused the name “${shown}”${where ? ` in “${printableName(where)}”` : ''}: ${reason}.`, {
      path: where ? `${printableName(where)}/${shown}` : shown,
    });
  }
}

/**
 * Joins safe relative components under a root (local or SFTP path syntax) and proves the result stays inside it
 * (defence in depth on top of assertSafeName). Throws INVALID_NAME otherwise.
 */
export function resolveInside(root: string, parts: readonly string[], syntax: 'local' | 'sftp' = 'local'): string {
  for (const p of parts) assertSafeName(p);
  const P = syntax === 'sftp' ? nodePath.posix : nodePath;
  // join, not a resolved path: a relative SFTP root must stay relative to the server's start folder.
  const joined = P.join(root, ...parts);
  // An absolute root: the joined (normalized) path below the normalized root is the proof, with
  // no resolve() and relative() per file (a few per cent of a small file's engine time).
  const normRoot = P.join(root);
  if (parts.length > 0 && P.isAbsolute(normRoot) && joined.startsWith(normRoot.endsWith(P.sep) ? normRoot : normRoot + P.sep)) return joined;
  const base = P.resolve(root);
  const full = P.resolve(base, ...parts);
  const rel = P.relative(base, full);
  // "..a" is a name inside the folder; only ".." itself (or "../…") climbs out.
  if (rel === '' ? parts.length > 0 : rel === '..' || rel.startsWith(`..${P.sep}`) || P.isAbsolute(rel)) {
    throw new SkiffError('INVALID_NAME', `Refused “${printableName(parts.join('/'))}”: it would be written outside the target folder.`, {
      path: printableName(parts.join('/')),
    });
  }
  return joined;
}
