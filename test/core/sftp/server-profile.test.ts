// The server profile from what each server of the test bed really said at login (SSH version
// string and VERSION extensions, recorded from the running servers), and what it learns later.
import { describe, expect, it } from 'vitest';
import { ServerProfile, type ServerHello } from '../../../electron/core/sftp/server-profile';
import { extensionText } from '../../../electron/core/sftp/server-info';

const OPENSSH_EXT = {
  'posix-rename@openssh.com': '1',
  'statvfs@openssh.com': '2',
  'fstatvfs@openssh.com': '2',
  'hardlink@openssh.com': '1',
  'fsync@openssh.com': '1',
  'lsetstat@openssh.com': '1',
  'limits@openssh.com': '1',
  'expand-path@openssh.com': '1',
  'copy-data': '1',
  'home-directory': '1',
  'users-groups-by-id@openssh.com': '1',
};
const GES_VENDOR = '\x00\x00\x00\tGreen End\x00\x00\x00\x15Green End SFTP Server\x00\x00\x00\x012\x00\x00\x00\x00\x00\x00\x00\x00';

const hello = (sshVersion: string, extensions: Record<string, string>, over: Partial<ServerHello> = {}): ServerHello => ({
  sshVersion,
  sftpVersion: 3,
  extensions,
  maxReadSize: 'limits@openssh.com' in extensions ? 261_120 : 31_952,
  maxWriteSize: 'limits@openssh.com' in extensions ? 261_120 : 31_952,
  ...over,
});

const cases: Array<{ name: string; hello: ServerHello; software: string; inOrder: boolean; outOfOrder: boolean; order: string | null; quirks: string[] }> = [
  {
    name: 'OpenSSH 9.2 sftp-server',
    hello: hello('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10', OPENSSH_EXT),
    software: 'openssh',
    inOrder: true,
    outOfOrder: true,
    order: 'target-first',
    quirks: ['symlink-target-first'],
  },
  {
    name: 'Dropbear 2022.83 with OpenSSH sftp-server',
    hello: hello('SSH-2.0-dropbear_2022.83', OPENSSH_EXT),
    software: 'openssh',
    inOrder: true,
    outOfOrder: true,
    order: 'target-first',
    quirks: ['symlink-target-first'],
  },
  {
    name: 'an old OpenSSH (no limits@openssh.com)',
    hello: hello('SSH-2.0-OpenSSH_7.4', {
      'posix-rename@openssh.com': '1',
      'statvfs@openssh.com': '2',
      'fstatvfs@openssh.com': '2',
      'hardlink@openssh.com': '1',
      'fsync@openssh.com': '1',
    }),
    software: 'openssh',
    inOrder: true,
    outOfOrder: true,
    order: 'target-first',
    quirks: ['symlink-target-first', 'small-requests'],
  },
  {
    name: 'gesftpserver 2 behind OpenSSH sshd',
    hello: hello('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10', {
      'fsync@openssh.com': '1',
      'hardlink@openssh.com': '1',
      'posix-rename@openssh.com': '1',
      'posix-rename@openssh.org': '',
      'space-available': '',
      'statfs@openssh.org': '',
      'statvfs@openssh.com': '2',
      'fstatvfs@openssh.com': '2',
      'vendor-id': GES_VENDOR,
      'symlink-order@rjk.greenend.org.uk': 'linkpath-targetpath',
    }),
    software: 'gesftpserver',
    inOrder: true,
    outOfOrder: true,
    order: 'link-first',
    quirks: ['symlink-link-first', 'small-requests'],
  },
  {
    name: 'ProFTPD 1.3.8 mod_sftp',
    hello: hello('SSH-2.0-mod_sftp', {
      versions: '2,3,4,5,6',
      'fsync@openssh.com': '1',
      'posix-rename@openssh.com': '1',
      'statvfs@openssh.com': '2',
      'fstatvfs@openssh.com': '2',
      'hardlink@openssh.com': '1',
      'home-directory': '1',
    }),
    software: 'proftpd',
    inOrder: true,
    outOfOrder: true,
    order: 'target-first',
    quirks: ['readlink-absolute', 'lstat-follows-links', 'symlink-target-first', 'small-requests'],
  },
  {
    name: 'rclone 1.60 serve sftp',
    hello: hello('SSH-2.0-rclone/', { 'hardlink@openssh.com': '1', 'posix-rename@openssh.com': '1', 'statvfs@openssh.com': '2' }),
    software: 'go-pkg-sftp',
    inOrder: false,
    outOfOrder: false,
    order: 'target-first',
    quirks: ['fsetstat-overtakes-writes', 'writes-in-offset-order', 'no-resume', 'no-symlinks', 'ignores-permissions', 'small-requests'],
  },
  {
    name: 'another Go pkg/sftp server (SFTPGo)',
    hello: hello('SSH-2.0-SFTPGo_2.5.4', { 'hardlink@openssh.com': '1', 'posix-rename@openssh.com': '1', 'statvfs@openssh.com': '2' }),
    software: 'go-pkg-sftp',
    inOrder: false,
    outOfOrder: true,
    order: 'target-first',
    quirks: ['fsetstat-overtakes-writes', 'symlink-target-first', 'small-requests'],
  },
  {
    name: 'the scriptable ssh2 server (unknown)',
    hello: hello('SSH-2.0-ssh2js1.17.0srv', {}),
    software: 'unknown',
    inOrder: false,
    outOfOrder: false,
    order: null,
    quirks: ['symlink-order-unknown', 'no-posix-rename', 'small-requests'],
  },
];

describe('server profile', () => {
  for (const c of cases) {
    it(`recognises ${c.name}`, () => {
      const p = new ServerProfile(c.hello);
      expect({
        software: p.software,
        inOrder: p.handlesInOrder,
        outOfOrder: p.canWriteOutOfOrder,
        order: p.symlinkOrder,
        quirks: p.quirks.map((q) => q.id),
      }).toEqual({
        software: c.software,
        inOrder: c.inOrder,
        outOfOrder: c.outOfOrder,
        order: c.order,
        quirks: c.quirks,
      });
      expect(p.quirks.every((q) => !q.learned && q.text.length > 20)).toBe(true);
    });
  }

  it('spreads one upload over several channels only on OpenSSH sftp-server', () => {
    const striped = cases.filter((c) => new ServerProfile(c.hello).stripedWrites).map((c) => c.name);
    expect(striped).toEqual(cases.filter((c) => c.software === 'openssh').map((c) => c.name));
    expect(striped.length).toBeGreaterThan(0);
  });

  it('keeps READDIRs in flight only where replies come in order', () => {
    expect(new ServerProfile(cases[0]!.hello).readdirAhead).toBe(4);
    expect(new ServerProfile(cases[5]!.hello).readdirAhead).toBe(1);
    expect(new ServerProfile(cases[7]!.hello).readdirAhead).toBe(1);
  });

  it('learns a SYMLINK order, and a refused posix-rename, once each', () => {
    const p = new ServerProfile(hello('SSH-2.0-SomeServer_1.0', { 'posix-rename@openssh.com': '1', 'something@example.com': '1' }));
    expect(p.software).toBe('unknown');
    expect(p.posixRename).toBe(true);
    p.learn('posix-rename-refused');
    p.learn('posix-rename-refused');
    expect(p.posixRename).toBe(false);
    p.learnSymlinkOrder('target-first', true);
    expect(p.symlinkOrder).toBe('target-first');
    expect(p.quirks.filter((q) => q.learned).map((q) => q.id)).toEqual(['posix-rename-refused', 'symlink-target-first', 'symlink-order-learned']);
    expect(p.quirks.map((q) => q.id)).not.toContain('symlink-order-unknown');
  });

  it('shows extension data as text (vendor-id as its strings)', () => {
    expect(extensionText('2')).toBe('2');
    expect(extensionText(GES_VENDOR)).toBe('Green End · Green End SFTP Server · 2');
    expect(extensionText('\x01\x02')).toBe('\\u0001\\u0002');
  });
});
