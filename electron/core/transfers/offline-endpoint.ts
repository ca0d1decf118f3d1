// The remote side of a job whose server is not connected (a job restored after a restart, before
// anyone connected): every call fails with NOT_CONNECTED until a retry hands the job a live endpoint.
import path from 'node:path';
import { SkiffError } from '../errors';
import type { FileSystem } from '../fs/file-system';
import type { TransferEndpoint } from './types';

/** An SFTP-shaped endpoint that refuses everything, naming `server` (e.g. "me@example.org"). */
export function offlineEndpoint(server: string): TransferEndpoint {
  const refuse = async (): Promise<never> => {
    throw new SkiffError('NOT_CONNECTED', `${server} is not connected. Connect to it, then retry.`);
  };
  const fs: FileSystem = {
    kind: 'sftp',
    path: { join: path.posix.join, dirname: path.posix.dirname, basename: path.posix.basename, isAbsolute: path.posix.isAbsolute, sep: '/' },
    maxReadSize: 32 * 1024,
    maxWriteSize: 32 * 1024,
    handlesInOrder: false,
    canWriteOutOfOrder: false,
    canResumeWrites: true,
    home: refuse,
    realpath: refuse,
    list: refuse,
    listBatches: () => ({
      [Symbol.asyncIterator]: () => ({ next: refuse }),
    }),
    stat: refuse,
    lstat: refuse,
    statOrNull: refuse,
    mkdir: refuse,
    rename: refuse,
    remove: refuse,
    chmod: refuse,
    chown: refuse,
    utimes: refuse,
    symlink: refuse,
    readlink: refuse,
    open: refuse,
  };
  return { fs };
}
