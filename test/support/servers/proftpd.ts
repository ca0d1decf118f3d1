// ProFTPD with mod_sftp on 127.0.0.1. The login is a virtual user from an AuthUserFile in the
// temp dir, with the uid of whoever runs the tests and a home inside the temp dir: no system
// account is created or touched, as root (RootLogin for uid 0) or as an ordinary user.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOpenSsh, freePort } from '../sshd';
import { localDisk } from './disk';
import { findProgram, passwordLogin, ownDir, startServerProcess } from './process';
import type { MatrixServer, ServerStarter } from './types';
import { programVersion } from './versions';

const MOD_SFTP = [
  '/usr/lib/proftpd/mod_sftp.so',
  '/usr/lib64/proftpd/mod_sftp.so',
  '/usr/libexec/proftpd/mod_sftp.so',
  '/usr/local/libexec/proftpd/mod_sftp.so',
  '/opt/homebrew/libexec/proftpd/mod_sftp.so',
];
const HINT = 'Debian/Ubuntu `sudo apt-get install proftpd-core proftpd-mod-crypto`, macOS `brew install proftpd`';

export const PROFTPD_PASSWORD = 'skiff-proftpd-test';

function passwordHash(pw: string): string {
  // glibc's crypt(3), which ProFTPD's mod_auth_file uses, reads SHA-512 ($6$) hashes.
  return execFileSync('openssl', ['passwd', '-6', '-salt', 'skiffsalt', pw], { encoding: 'utf8' }).trim();
}

export const proftpdStarter: ServerStarter = {
  kind: 'proftpd',
  unavailable: () => {
    if (!findProgram(['proftpd'])) return `ProFTPD is not installed: ${HINT}.`;
    if (!findProgram(MOD_SFTP)) return `ProFTPD's mod_sftp is not installed: ${HINT}.`;
    if (!findProgram(['openssl'])) return "openssl is needed to hash the test account's password for ProFTPD: Debian/Ubuntu `sudo apt-get install openssl`.";
    return null;
  },
  async start(): Promise<MatrixServer> {
    const proftpd = findProgram(['proftpd'])!;
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'skiff-proftpd-')));
    const cleanup = ownDir(dir);
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, 'work'), { recursive: true });
    const hostKey = path.join(dir, 'hostkey');
    // mod_sftp reads PEM host keys.
    execFileSync(findOpenSsh('ssh-keygen'), ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', hostKey], { stdio: 'ignore' });
    const user = 'skiff';
    writeFileSync(path.join(dir, 'passwd'), `${user}:${passwordHash(PROFTPD_PASSWORD)}:${uid}:${gid}::${home}:/bin/sh\n`);
    writeFileSync(path.join(dir, 'group'), `${user}:x:${gid}:\n`);
    for (const f of ['passwd', 'group', 'hostkey']) chmodSync(path.join(dir, f), 0o600);
    const port = await freePort();
    const me = os.userInfo();
    const group = uid === 0 ? 'root' : execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim() || String(gid);
    const conf = path.join(dir, 'proftpd.conf');
    writeFileSync(
      conf,
      [
        'ServerType standalone',
        `Port ${port}`,
        'DefaultAddress 127.0.0.1',
        'UseIPv6 off',
        `User ${me.username}`,
        `Group ${group}`,
        `PidFile ${dir}/proftpd.pid`,
        `ScoreboardFile ${dir}/scoreboard`,
        'WtmpLog off',
        'RequireValidShell off',
        'UseReverseDNS off',
        'AuthOrder mod_auth_file.c',
        `AuthUserFile ${dir}/passwd`,
        `AuthGroupFile ${dir}/group`,
        ...(uid === 0 ? ['RootLogin on'] : []),
        '<IfModule mod_ctrls.c>',
        'ControlsEngine off',
        '</IfModule>',
        `LoadModule mod_sftp.c`,
        'SFTPEngine on',
        `SFTPHostKey ${hostKey}`,
        `SFTPLog ${dir}/sftp.log`,
        'SFTPAuthMethods password',
        'DelayEngine off',
        'AllowOverwrite on',
        'MaxInstances 64',
        '',
      ].join('\n'),
    );
    const running = await startServerProcess('proftpd', proftpd, ['-n', '-c', conf], port).catch((err: unknown) => {
      cleanup();
      throw err;
    });
    const version = programVersion(proftpd, ['--version'], /ProFTPD Version (\S+)/);
    return {
      kind: 'proftpd',
      name: `ProFTPD ${version} mod_sftp`,
      version: `ProFTPD ${version}`,
      host: '127.0.0.1',
      port,
      username: user,
      workDir: path.join(home, 'work'),
      home,
      account: { uid, gid },
      disk: localDisk((p) => p),
      connect: passwordLogin(port, user, PROFTPD_PASSWORD),
      stop: async () => {
        await running.stop();
        cleanup();
      },
      log: () => running.log(),
    };
  },
};
