// Where OpenSSH looks for known_hosts by default. Core never reads $HOME itself: the caller
// passes the home directory (and platform), so tests and portable setups can point elsewhere.
import path from 'node:path';

export interface KnownHostsPaths {
  /** UserKnownHostsFile default: the first is where new keys are saved. */
  userFiles: string[];
  /** GlobalKnownHostsFile default. */
  systemFiles: string[];
}

/** OpenSSH's default known_hosts files for a home directory (`~/.ssh/known_hosts{,2}`, `/etc/ssh/ssh_known_hosts{,2}`). */
export function defaultKnownHostsPaths(homeDir: string, platform: NodeJS.Platform = process.platform, programData?: string): KnownHostsPaths {
  if (platform === 'win32') {
    // Win32-OpenSSH keeps the system file under %ProgramData%\ssh.
    const pd = programData ?? 'C:\\ProgramData';
    return {
      userFiles: [path.win32.join(homeDir, '.ssh', 'known_hosts'), path.win32.join(homeDir, '.ssh', 'known_hosts2')],
      systemFiles: [path.win32.join(pd, 'ssh', 'ssh_known_hosts'), path.win32.join(pd, 'ssh', 'ssh_known_hosts2')],
    };
  }
  return {
    userFiles: [path.posix.join(homeDir, '.ssh', 'known_hosts'), path.posix.join(homeDir, '.ssh', 'known_hosts2')],
    systemFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
  };
}
