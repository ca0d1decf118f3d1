// Remote and local file operations, and the paged listings of both sides.
import { SkiffError } from '../../core/errors';
import type { FileStat, FileSystem } from '../../core/fs/file-system';
import type { FileStatDto } from '../contract';
import { checkLocalPath } from '../paths';
import type { HandlerMap } from '../register';
import type { Services } from '../services';

type FileHandlers = Pick<
  HandlerMap,
  | 'sftp:list-dir'
  | 'sftp:stat'
  | 'sftp:realpath'
  | 'sftp:mkdir'
  | 'sftp:rename'
  | 'sftp:delete'
  | 'sftp:chmod'
  | 'sftp:symlink'
  | 'sftp:find-start'
  | 'sftp:find-cancel'
  | 'local:home'
  | 'local:list-dir'
  | 'local:stat'
  | 'local:mkdir'
  | 'local:rename'
  | 'local:delete'
  | 'list:next'
  | 'list:cancel'
>;

function statDto(s: FileStat): FileStatDto {
  return { type: s.type, size: s.size, mtimeMs: s.mtimeMs, atimeMs: s.atimeMs, mode: s.mode, uid: s.uid, gid: s.gid };
}

function refuseRoot(fs: FileSystem, p: string): void {
  if (fs.path.dirname(p) === p) throw new SkiffError('PERMISSION_DENIED', 'Skiff does not delete the root of a file system.', { path: p });
}

async function removeAll(fs: FileSystem, paths: string[], recursive: boolean): Promise<void> {
  for (const p of paths) refuseRoot(fs, p);
  // One at a time: the first failure stops the rest, and its path says which one.
  for (const p of paths) await fs.remove(p, { recursive });
}

export function fileHandlers(s: Services): FileHandlers {
  return {
    'sftp:list-dir': ({ sessionId, path }) => {
      const fs = s.sessions.fs(sessionId);
      // Names the server sent that cannot be file names are left out; the page says so (ListPage.refused).
      return s.lists.start(path, (signal, onRefused) => fs.listBatches(path, { signal, onRefused }));
    },
    'sftp:stat': async ({ sessionId, path, followSymlinks }) => {
      const fs = s.sessions.fs(sessionId);
      return statDto(followSymlinks ? await fs.stat(path) : await fs.lstat(path));
    },
    'sftp:realpath': ({ sessionId, path }) => s.sessions.fs(sessionId).realpath(path),
    'sftp:mkdir': ({ sessionId, path, parents }) => s.sessions.fs(sessionId).mkdir(path, { recursive: parents }),
    'sftp:rename': ({ sessionId, from, to }) => s.sessions.fs(sessionId).rename(from, to),
    'sftp:delete': ({ sessionId, paths, recursive }) => removeAll(s.sessions.fs(sessionId), paths, recursive),
    'sftp:chmod': async ({ sessionId, paths, mode }) => {
      const fs = s.sessions.fs(sessionId);
      for (const p of paths) await fs.chmod(p, mode);
    },
    'sftp:symlink': ({ sessionId, target, linkPath }) => s.sessions.fs(sessionId).symlink(target, linkPath),
    'sftp:find-start': ({ sessionId, root, pattern, mode, caseSensitive, maxResults }) => {
      const fs = s.sessions.fs(sessionId);
      return s.finds.start((signal) => s.find(fs, root, { pattern, mode, caseSensitive, signal }), maxResults);
    },
    'sftp:find-cancel': ({ findId }) => s.finds.cancel(findId),

    'local:home': () => s.local.home(),
    'local:list-dir': ({ path }) => {
      checkLocalPath(path);
      return s.lists.start(path, (signal) => s.local.listBatches(path, { signal }));
    },
    'local:stat': async ({ path, followSymlinks }) => {
      checkLocalPath(path);
      return statDto(followSymlinks ? await s.local.stat(path) : await s.local.lstat(path));
    },
    'local:mkdir': ({ path, parents }) => s.local.mkdir(checkLocalPath(path), { recursive: parents }),
    'local:rename': ({ from, to }) => s.local.rename(checkLocalPath(from), checkLocalPath(to)),
    'local:delete': ({ paths, recursive }) => {
      for (const p of paths) checkLocalPath(p);
      return removeAll(s.local, paths, recursive);
    },

    'list:next': ({ listId }) => s.lists.next(listId),
    'list:cancel': ({ listId }) => s.lists.cancel(listId),
  };
}
