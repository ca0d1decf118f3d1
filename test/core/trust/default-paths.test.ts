// OpenSSH's default known_hosts locations, from a home dir the caller passes (core never reads $HOME).
import { describe, expect, it } from 'vitest';
import { defaultKnownHostsPaths } from '../../../electron/core/trust/default-paths';

describe('defaultKnownHostsPaths', () => {
  it('POSIX: ~/.ssh/known_hosts first (where keys are saved), then known_hosts2; /etc/ssh system files', () => {
    expect(defaultKnownHostsPaths('/home/ann', 'linux')).toEqual({
      userFiles: ['/home/ann/.ssh/known_hosts', '/home/ann/.ssh/known_hosts2'],
      systemFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
    });
    expect(defaultKnownHostsPaths('/Users/ann', 'darwin').userFiles[0]).toBe('/Users/ann/.ssh/known_hosts');
  });

  it('Windows (Win32-OpenSSH): %USERPROFILE%\\.ssh and %ProgramData%\\ssh', () => {
    expect(defaultKnownHostsPaths('C:\\Users\\ann', 'win32', 'D:\\PD')).toEqual({
      userFiles: ['C:\\Users\\ann\\.ssh\\known_hosts', 'C:\\Users\\ann\\.ssh\\known_hosts2'],
      systemFiles: ['D:\\PD\\ssh\\ssh_known_hosts', 'D:\\PD\\ssh\\ssh_known_hosts2'],
    });
  });
});
