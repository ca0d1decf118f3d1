// ~/.ssh/config import on a realistic tree written to a temp home.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanSshConfig, type SshConfigScan } from '../../../electron/core/store/ssh-config-import';
import { BookmarkStore } from '../../../electron/core/store/bookmark-store';
import { BookmarkService } from '../../../electron/core/store/bookmark-service';
import { KeytarSecretStore } from '../../../electron/core/secrets/keytar-secret-store';

let home: string;
let ssh: string;

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'skiff-sshcfg-'));
  ssh = path.join(home, '.ssh');
  mkdirSync(path.join(ssh, 'config.d'), { recursive: true });
  mkdirSync(path.join(ssh, 'work'), { recursive: true });
  writeFileSync(
    path.join(ssh, 'config'),
    `# Personal config
Include config.d/*.conf
Include ~/.ssh/work/hosts
Include missing-file

Host web1 web2 !web-bad
    HostName %h.example.com
    User deploy
    IdentityFile ~/.ssh/id_web
    IdentityFile ~/.ssh/id_rsa_legacy

Host behind
    HostName 10.20.0.5
    Port 2222
    ProxyJump bastion.example.com

Host old-nas
    HostName nas.lan
    ProxyCommand ssh -W %h:%p gateway
    User admin

Host broken-port
    HostName broken.example
    Port ssh

Match host *.example.com exec "test -e /tmp/never"
    User matched

Host web* *.example.com
    Port 2200
    User not-used-deploy-came-first

Host *
    User everyone
    IdentityFile ~/.ssh/id_ed25519
    ServerAliveInterval 30
`,
  );
  // Globbed includes are read in sorted order; dotfiles are not matched by "*".
  writeFileSync(path.join(ssh, 'config.d', '10-db.conf'), 'Host db\n    HostName db.internal\n    User postgres\n    IdentityFile %d/.ssh/id_db\n');
  writeFileSync(
    path.join(ssh, 'config.d', '20-loop.conf'),
    '# includes the main file again: a cycle\nInclude config\nHost git\n    HostName git.example.org\n',
  );
  writeFileSync(path.join(ssh, 'config.d', '.hidden.conf'), 'Host hidden\n    HostName hidden.example\n');
  writeFileSync(path.join(ssh, 'config.d', 'notes.txt'), 'Host txt\n    HostName txt.example\n');
  writeFileSync(path.join(ssh, 'work', 'hosts'), 'Host build\n    HostName build.work.example\n    User ci\n');
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

function byAlias(scan: SshConfigScan, alias: string) {
  const c = scan.candidates.find((x) => x.alias === alias);
  expect(c, `candidate ${alias}`).toBeDefined();
  return c!;
}

describe('ssh config import', () => {
  it('finds every concrete alias, in file order, and never a wildcard or negated pattern', async () => {
    const scan = await scanSshConfig({ home, localUser: 'me', agentAvailable: false });
    expect(scan.candidates.map((c) => c.alias)).toEqual(['db', 'git', 'build', 'web1', 'web2', 'behind', 'old-nas', 'broken-port']);
    expect(scan.files).toEqual([
      path.join(ssh, 'config'),
      path.join(ssh, 'config.d', '10-db.conf'),
      path.join(ssh, 'config.d', '20-loop.conf'),
      path.join(ssh, 'work', 'hosts'),
    ]);
  });

  it('applies wildcard blocks as defaults (first value wins) and expands ~ and %-tokens', async () => {
    const scan = await scanSshConfig({ home, localUser: 'me', agentAvailable: false });
    const web1 = byAlias(scan, 'web1');
    expect(web1.bookmark).toMatchObject({
      name: 'web1',
      host: 'web1.example.com',
      port: 2200,
      username: 'deploy',
      authMethod: 'key',
      keyPath: path.join(ssh, 'id_web'),
    });
    // Several IdentityFiles: all listed, in order, the Host * default last.
    expect(web1.identityFiles).toEqual([path.join(ssh, 'id_web'), path.join(ssh, 'id_rsa_legacy'), path.join(ssh, 'id_ed25519')]);
    expect(web1.bookmark.notes).toContain('id_rsa_legacy');
    const db = byAlias(scan, 'db');
    expect(db.bookmark).toMatchObject({ host: 'db.internal', port: 22, username: 'postgres', keyPath: path.join(home, '.ssh', 'id_db') });
    const git = byAlias(scan, 'git');
    // Host patterns match the alias, not the HostName (as in OpenSSH): git gets only Host * defaults.
    expect(git.bookmark).toMatchObject({ host: 'git.example.org', username: 'everyone', port: 22 });
    expect(byAlias(scan, 'build').bookmark).toMatchObject({ host: 'build.work.example', username: 'ci' });
  });

  it('notes ProxyJump/ProxyCommand as unsupported and Match as skipped', async () => {
    const scan = await scanSshConfig({ home, localUser: 'me', agentAvailable: false });
    expect(byAlias(scan, 'behind').unsupported).toEqual(['ProxyJump']);
    expect(byAlias(scan, 'behind').bookmark).toMatchObject({ host: '10.20.0.5', port: 2222 });
    expect(byAlias(scan, 'old-nas').unsupported).toEqual(['ProxyCommand']);
    expect(byAlias(scan, 'web1').unsupported).toEqual([]);
    const messages = scan.notes.map((n) => n.message);
    expect(messages.some((m) => /ProxyJump is not supported yet; “behind”/.test(m))).toBe(true);
    expect(messages.some((m) => /Match host \*\.example\.com .*skipped/.test(m))).toBe(true);
    // The Match block was not applied: nobody became "matched".
    expect(scan.candidates.every((c) => c.bookmark.username !== 'matched')).toBe(true);
  });

  it('follows Include with a cycle guard, notes missing includes, skips dotfiles in globs', async () => {
    const scan = await scanSshConfig({ home, localUser: 'me', agentAvailable: false });
    const messages = scan.notes.map((n) => n.message);
    expect(messages.some((m) => /Include “config” skipped: .* already being read \(an Include cycle\)/.test(m))).toBe(true);
    expect(messages.some((m) => /Include “missing-file” matched no files/.test(m))).toBe(true);
    expect(scan.candidates.map((c) => c.alias)).not.toContain('hidden');
    expect(scan.candidates.map((c) => c.alias)).not.toContain('txt');
  });

  it('marks an entry it cannot import (bad port) with the reason', async () => {
    const scan = await scanSshConfig({ home, localUser: 'me', agentAvailable: false });
    expect(byAlias(scan, 'broken-port').error).toMatch(/^port: /);
    expect(byAlias(scan, 'web1').error).toBeNull();
  });

  it('without IdentityFile anywhere: the local user and agent/password by availability', async () => {
    const h = mkdtempSync(path.join(os.tmpdir(), 'skiff-sshcfg2-'));
    try {
      mkdirSync(path.join(h, '.ssh'));
      writeFileSync(path.join(h, '.ssh', 'config'), 'Host plain\n  HostName plain.example\n');
      const withAgent = await scanSshConfig({ home: h, localUser: 'me', agentAvailable: true });
      expect(withAgent.candidates[0]!.bookmark).toMatchObject({ username: 'me', authMethod: 'agent', keyPath: null, port: 22 });
      const noAgent = await scanSshConfig({ home: h, localUser: 'me', agentAvailable: false });
      expect(noAgent.candidates[0]!.bookmark.authMethod).toBe('password');
      const none = await scanSshConfig({ home: path.join(h, 'nobody') });
      expect(none.candidates).toEqual([]);
      expect(none.notes[0]!.message).toMatch(/No ssh config/);
    } finally {
      rmSync(h, { recursive: true, force: true });
    }
  });

  it('detects duplicates of existing bookmarks and imports only the chosen, non-duplicate candidates', async () => {
    const configDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-import-'));
    try {
      const store = await BookmarkStore.open({ configDir });
      const existing = await store.create({ name: 'Already here', host: 'DB.internal', port: 22, username: 'postgres' });
      // Import never touches secrets; a keychain that cannot load proves it is not needed.
      const service = new BookmarkService(store, new KeytarSecretStore({ load: () => Promise.reject(new Error('not needed')) }));
      const scan = await service.scanSshConfig({ home, localUser: 'me', agentAvailable: false });
      expect(byAlias(scan, 'db').duplicateOf).toBe(existing.id);
      expect(byAlias(scan, 'git').duplicateOf).toBeNull();
      const result = await service.importCandidates(['ssh-config:git', 'ssh-config:db', 'ssh-config:broken-port', 'ssh-config:nope', 'ssh-config:web1']);
      expect(result.created.map((b) => b.name)).toEqual(['git', 'web1']);
      expect(result.skipped.map((s) => s.id)).toEqual(['ssh-config:db', 'ssh-config:broken-port', 'ssh-config:nope']);
      expect(result.skipped[0]!.reason).toMatch(/already exists/);
      const reopened = await BookmarkStore.open({ configDir });
      expect(reopened.list().map((b) => b.name)).toEqual(['Already here', 'git', 'web1']);
      // Importing the same again: now a duplicate.
      await service.scanSshConfig({ home, localUser: 'me', agentAvailable: false });
      expect((await service.importCandidates(['ssh-config:git'])).created).toEqual([]);
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  });
});
