// SftpFs leaves names that cannot be file names out of a listing, and tells the caller about each
// one through ListOptions.onRefused (so a download can report them); '.' and '..' stay silent.
// Against the scriptable ssh2 server, which sends the READDIR replies a hostile server would.
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../../electron/core/sftp/session';
import type { RefusedEntry } from '../../../electron/core/fs/file-system';
import { isSafeEntryName, refusedEntryReason } from '../../../electron/core/fs/sftp-fs';
import type { SftpSession } from '../../../electron/core/sftp/types';
import { startFakeServer, type FakeServer } from '../../support/fake-server';

const servers: FakeServer[] = [];
const sessions: SftpSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.close().catch(() => undefined);
  for (const s of servers) await s.stop();
});

const hostileListing = [
  { filename: '.' },
  { filename: '..' },
  { filename: 'a/b' },
  { filename: '..x/..' },
  { filename: '../../x' },
  { filename: '/etc/passwd' },
  { filename: 'nul\0byte' },
  { filename: '' },
  { filename: '...' },
  { filename: '..x' },
  { filename: 'bell\x07' },
  { filename: 'back\\slash' },
  { filename: 'fine.txt' },
];

async function open(readdirBatch?: number): Promise<SftpSession> {
  const server = await startFakeServer({ listings: { '/evil': hostileListing }, ...(readdirBatch ? { readdirBatch } : {}) });
  servers.push(server);
  const s = await connect({ host: server.host, port: server.port, username: 'tester', password: 'secret', verifyHostKey: async () => true });
  sessions.push(s);
  return s;
}

describe('SftpFs onRefused', () => {
  it('list() reports every name it leaves out, printable, and never "." or ".."', async () => {
    const s = await open();
    const refused: RefusedEntry[] = [];
    const list = await s.fs.list('/evil', { onRefused: (r) => refused.push(r) });
    // Legal POSIX names stay in the listing (the engine judges \ and controls per file).
    expect(list.map((e) => e.name).sort()).toEqual(['...', '..x', 'back\\slash', 'bell\x07', 'fine.txt']);
    expect(refused.map((r) => r.rawName)).toEqual(['a/b', '..x/..', '../../x', '/etc/passwd', 'nul\0byte', '']);
    expect(refused.find((r) => r.rawName === 'nul\0byte')!.shownName).toBe('nul\\u0000byte');
    for (const r of refused) {
      expect(r.reason.length).toBeGreaterThan(10);
      expect(/[\u0000-\u001f]/.test(r.shownName + r.reason)).toBe(false);
    }
    expect(refused.find((r) => r.rawName === 'a/b')!.reason).toContain('“/”');
    expect(refused.find((r) => r.rawName === '..x/..')!.reason).toContain('“..”');
    expect(refused.find((r) => r.rawName === '/etc/passwd')!.reason).toContain('absolute path');
  });

  it('listBatches() reports them too, batch by batch, and a listing without the option still works', async () => {
    const s = await open(3);
    const refused: string[] = [];
    const names: string[] = [];
    let batches = 0;
    for await (const b of s.fs.listBatches('/evil', { onRefused: (r) => refused.push(r.rawName) })) {
      batches += 1;
      names.push(...b.map((e) => e.name));
    }
    expect(batches).toBeGreaterThan(1);
    expect(refused).toEqual(['a/b', '..x/..', '../../x', '/etc/passwd', 'nul\0byte', '']);
    expect(names.sort()).toEqual(['...', '..x', 'back\\slash', 'bell\x07', 'fine.txt']);
    expect((await s.fs.list('/evil')).map((e) => e.name).sort()).toEqual(names);
  });

  it('judges names without a server', () => {
    expect(refusedEntryReason('.')).toBeNull(); // not judged: the caller skips '.'/'..' silently
    expect(isSafeEntryName('.')).toBe(false);
    expect(isSafeEntryName('..')).toBe(false);
    expect(isSafeEntryName('...')).toBe(true);
    expect(refusedEntryReason('x/..')).toContain('“..”');
    expect(refusedEntryReason('/x')).toContain('absolute');
    expect(refusedEntryReason('a\0')).toContain('NUL');
    expect(refusedEntryReason('')).toContain('empty');
    expect(refusedEntryReason('ok name')).toBeNull();
  });
});
