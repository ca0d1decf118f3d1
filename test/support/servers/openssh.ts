// OpenSSH's sshd with its own sftp-server, and the same sshd with gesftpserver (the Green End
// SFTP server) as its sftp subsystem. Both log in by key as the user running the tests (root in CI).
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../../electron/core/sftp/session';
import { findOpenSsh, startSshd } from '../sshd';
import { localDisk } from './disk';
import { findProgram } from './process';
import type { MatrixServer, ServerStarter } from './types';
import { programVersion } from './versions';

const GESFTPSERVER = [
  '/usr/libexec/gesftpserver',
  '/usr/lib/gesftpserver',
  '/usr/lib/sftp-server/gesftpserver',
  '/usr/local/libexec/gesftpserver',
  'gesftpserver',
];

function opensshMissing(): string | null {
  try {
    findOpenSsh('sshd');
    findOpenSsh('sftp-server');
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function startWith(kind: 'openssh' | 'gesftpserver', sftpServer?: string): Promise<MatrixServer> {
  const sshd = await startSshd(sftpServer ? { sftpServer } : {});
  const sshdVersion = programVersion(findOpenSsh('sshd'), ['-V'], /(OpenSSH_[^\s,]+(?: [^\s,]+)?)/);
  const workDir = realpathSync(sshd.scratch);
  mkdirSync(path.join(workDir, 'work'), { recursive: true });
  const home = os.userInfo().homedir;
  const name =
    kind === 'openssh'
      ? `OpenSSH ${sshdVersion.replace(/^OpenSSH_/, '')} sftp-server`
      : `${programVersion(sftpServer!, ['--version'], /(Green End SFTP server version \S+)/i)} behind OpenSSH ${sshdVersion.replace(/^OpenSSH_/, '')}`;
  return {
    kind,
    name,
    version: kind === 'openssh' ? sshdVersion : programVersion(sftpServer!, ['--version']),
    host: '127.0.0.1',
    port: sshd.port,
    username: sshd.user,
    workDir: path.join(workDir, 'work'),
    home,
    account: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    disk: localDisk((p) => p),
    connect: (o = {}) =>
      connect({ host: '127.0.0.1', port: o.port ?? sshd.port, username: sshd.user, privateKeyPath: sshd.clientKeys.ed25519, verifyHostKey: async () => true }),
    stop: async () => {
      await sshd.stop();
      rmSync(sshd.dir, { recursive: true, force: true });
    },
    log: () => sshd.log(),
  };
}

export const opensshStarter: ServerStarter = {
  kind: 'openssh',
  unavailable: opensshMissing,
  start: () => startWith('openssh'),
};

export const gesftpserverStarter: ServerStarter = {
  kind: 'gesftpserver',
  unavailable: () => {
    const o = opensshMissing();
    if (o) return o;
    return findProgram(GESFTPSERVER)
      ? null
      : 'gesftpserver (the Green End SFTP server) is not installed: Debian/Ubuntu `sudo apt-get install gesftpserver` (no Homebrew package).';
  },
  start: () => startWith('gesftpserver', findProgram(GESFTPSERVER)!),
};
