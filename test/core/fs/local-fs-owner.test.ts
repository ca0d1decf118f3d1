// The local pane's Owner column shows names, as `stat` does (the SFTP side gets them from longname).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAccountFile } from '../../../electron/core/fs/account-names';
import { LocalFs } from '../../../electron/core/fs/local-fs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-owner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local owner and group names', () => {
  it('match what stat(1) prints for the same file', async (ctx) => {
    if (process.platform === 'win32') ctx.skip('Windows has no uid/gid owner names');
    const file = path.join(dir, 'owned.txt');
    writeFileSync(file, 'x');
    const [owner, group] = execFileSync('stat', ['-c', '%U:%G', file], { encoding: 'utf8' }).trim().split(':');
    const entries = await new LocalFs().list(dir);
    const e = entries.find((x) => x.name === 'owned.txt');
    expect(e).toMatchObject({ owner, group });
  });

  it('parses passwd/group lines: first name per id wins; comments and junk are skipped', () => {
    const m = parseAccountFile(
      '# comment\nroot:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/:/bin/sh\n\nbroken line\nbad:x:notanumber:1\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n',
    );
    expect([...m.entries()]).toEqual([
      [0, 'root'],
      [33, 'www-data'],
    ]);
  });
});
