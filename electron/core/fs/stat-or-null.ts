// "Is it there?" for any side: a stat that answers null for a path that does not exist and
// rejects for every other failure (a permission problem is not "missing").
import { isSkiffError } from '../errors';
import type { FileStat, FileSystem } from './file-system';

/** The value, or null when the promise rejects with NO_SUCH_FILE; other errors pass through. */
export async function unlessMissing<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isSkiffError(err, 'NO_SUCH_FILE')) return null;
    throw err;
  }
}

/** stat (follows symlinks), or null when nothing is there. */
export function statOrNull(fs: Pick<FileSystem, 'stat'>, p: string): Promise<FileStat | null> {
  return unlessMissing(fs.stat(p));
}

/** lstat (the link itself), or null when nothing is there. */
export function lstatOrNull(fs: Pick<FileSystem, 'lstat'>, p: string): Promise<FileStat | null> {
  return unlessMissing(fs.lstat(p));
}
