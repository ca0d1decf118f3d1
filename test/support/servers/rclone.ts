// Go's pkg/sftp server through `rclone serve sftp`, serving a temp folder (its `/`) with a user
// and password given on the command line: no account, no config file (`--config /dev/null`).
// Without --vfs-cache-mode it writes straight through rclone's VFS, which accepts a file's bytes
// only in offset order: the strictest server of the matrix.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOpenSsh, freePort } from '../sshd';
import { localDisk } from './disk';
import { findProgram, passwordLogin, ownDir, startServerProcess } from './process';
import type { MatrixServer, ServerStarter } from './types';
import { programVersion } from './versions';

export const RCLONE_PASSWORD = 'skiff-rclone-test';

export const rcloneStarter: ServerStarter = {
  kind: 'rclone',
  unavailable: () => (findProgram(['rclone']) ? null : 'rclone is not installed: Debian/Ubuntu `sudo apt-get install rclone`, macOS `brew install rclone`.'),
  async start(): Promise<MatrixServer> {
    const rclone = findProgram(['rclone'])!;
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'skiff-rclone-')));
    const cleanup = ownDir(dir);
    const root = path.join(dir, 'data');
    mkdirSync(path.join(root, 'work'), { recursive: true });
    const hostKey = path.join(dir, 'hostkey');
    execFileSync(findOpenSsh('ssh-keygen'), ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey], { stdio: 'ignore' });
    const port = await freePort();
    const user = 'skiff';
    const running = await startServerProcess(
      'rclone serve sftp',
      rclone,
      [
        'serve',
        'sftp',
        root,
        '--addr',
        `127.0.0.1:${port}`,
        '--user',
        user,
        '--pass',
        RCLONE_PASSWORD,
        '--key',
        hostKey,
        '--config',
        '/dev/null',
        '--log-level',
        'NOTICE',
        // Tests put files straight into the served folder: rclone must not answer from a cached listing.
        '--dir-cache-time',
        '0s',
        '--poll-interval',
        '0',
      ],
      port,
    ).catch((err: unknown) => {
      cleanup();
      throw err;
    });
    const version = programVersion(rclone, ['version'], /rclone (v\S+)/);
    return {
      kind: 'rclone',
      name: `rclone ${version} serve sftp (Go pkg/sftp)`,
      version: `rclone ${version}`,
      host: '127.0.0.1',
      port,
      username: user,
      workDir: '/work',
      home: '/',
      account: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
      // Its `/` is the served folder.
      disk: localDisk((p) => path.join(root, path.posix.normalize(p))),
      connect: passwordLogin(port, user, RCLONE_PASSWORD),
      stop: async () => {
        await running.stop();
        cleanup();
      },
      log: running.log,
    };
  },
};
