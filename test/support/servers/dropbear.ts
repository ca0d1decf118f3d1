// Dropbear (another SSH implementation) running OpenSSH's sftp-server for the sftp subsystem.
// Dropbear only logs in real accounts (passwords from /etc/shadow, keys from ~/.ssh), so this
// server runs only as root (CI), with a dedicated account made for the run: its home is inside
// the temp dir, and it is deleted in teardown (and at exit; a leftover from a killed run is
// removed by the next one). A developer's own account and ~/.ssh are never used.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { findOpenSsh, freePort } from '../sshd';
import { localDisk } from './disk';
import { findProgram, passwordLogin, onExit, ownDir, startServerProcess } from './process';
import type { MatrixServer, ServerStarter } from './types';
import { programVersion } from './versions';

const ACCOUNT_PREFIX = 'skiffdb';

/** Deletes test accounts of earlier runs whose temp home is gone (a run that was killed). */
function removeStaleAccounts(): void {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return;
  }
  for (const line of passwd.split('\n')) {
    const [name, , , , , home] = line.split(':');
    if (name?.startsWith(ACCOUNT_PREFIX) && home && !existsSync(home)) spawnSync('userdel', [name], { stdio: 'ignore' });
  }
}

export const dropbearStarter: ServerStarter = {
  kind: 'dropbear',
  unavailable: () => {
    if (!findProgram(['dropbear'])) return 'Dropbear is not installed: Debian/Ubuntu `sudo apt-get install dropbear-bin`, macOS `brew install dropbear`.';
    if (!findProgram(['dropbearkey'])) return 'dropbearkey is not installed: Debian/Ubuntu `sudo apt-get install dropbear-bin`.';
    try {
      findOpenSsh('sftp-server');
    } catch (err) {
      return (err as Error).message;
    }
    if (process.getuid?.() !== 0) {
      return 'Dropbear logs in only real system accounts, and the test bed makes a dedicated one only when it runs as root (as CI does); it never uses your own account or ~/.ssh.';
    }
    if (!findProgram(['useradd']) || !findProgram(['chpasswd']) || !findProgram(['userdel']))
      return 'useradd, chpasswd and userdel are needed to make the test account (Debian/Ubuntu: package passwd).';
    return null;
  },
  async start(): Promise<MatrixServer> {
    removeStaleAccounts();
    const dropbear = findProgram(['dropbear'])!;
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'skiff-dropbear-')));
    const cleanDir = ownDir(dir);
    // The account must be able to reach its home: the test run's own temp folders (made 0700)
    // get search permission for others, nothing else does.
    for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
      const st = statSync(d);
      if (path.basename(d).startsWith('skiff-') && st.uid === process.getuid?.()) chmodSync(d, st.mode | 0o011);
    }
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, 'work'), { recursive: true });
    const user = `${ACCOUNT_PREFIX}${randomBytes(3).toString('hex')}`;
    const password = `skiff-${randomBytes(9).toString('base64url')}`;
    execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', user], { stdio: 'pipe' });
    const dropAccount = onExit(() => {
      spawnSync('userdel', [user], { stdio: 'ignore' });
    });
    let started = false;
    try {
      execFileSync('chpasswd', [], { input: `${user}:${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      for (const p of [home, path.join(home, 'work')]) chownSync(p, uid, gid);
      // Dropbear's own subsystem lookup wants sftp-server at a compiled-in path; a forced command
      // runs OpenSSH's wherever it is (the "sftp" subsystem request is still what starts it).
      const hostKey = path.join(dir, 'hostkey');
      execFileSync(findProgram(['dropbearkey'])!, ['-t', 'ed25519', '-f', hostKey], { stdio: 'ignore' });
      const port = await freePort();
      const running = await startServerProcess(
        'dropbear',
        dropbear,
        ['-F', '-E', '-p', `127.0.0.1:${port}`, '-r', hostKey, '-P', path.join(dir, 'dropbear.pid'), '-c', findOpenSsh('sftp-server')],
        port,
      );
      started = true;
      const version = programVersion(dropbear, ['-V'], /Dropbear (v\S+)/i);
      return {
        kind: 'dropbear',
        name: `Dropbear ${version} with OpenSSH's sftp-server`,
        version: `Dropbear ${version}`,
        host: '127.0.0.1',
        port,
        username: user,
        workDir: path.join(home, 'work'),
        home,
        account: { uid, gid },
        disk: localDisk((p) => p, { uid, gid }),
        connect: passwordLogin(port, user, password),
        stop: async () => {
          await running.stop();
          dropAccount();
          cleanDir();
        },
        log: running.log,
      };
    } finally {
      if (!started) {
        dropAccount();
        cleanDir();
      }
    }
  },
};
