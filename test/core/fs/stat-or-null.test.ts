// One "stat or null" for both sides: missing is null, anything else still fails.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SkiffError } from '../../../electron/core/errors';
import { LocalFs } from '../../../electron/core/fs/local-fs';
import { lstatOrNull, statOrNull, unlessMissing } from '../../../electron/core/fs/stat-or-null';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-stat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fs = new LocalFs();

describe('statOrNull / lstatOrNull', () => {
  it('null for a missing path, the stat for a present one; lstat sees a dangling link that stat does not', async () => {
    writeFileSync(path.join(dir, 'f'), 'x');
    symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));
    expect(await statOrNull(fs, path.join(dir, 'nothing'))).toBeNull();
    expect(await statOrNull(fs, path.join(dir, 'f'))).toMatchObject({ type: 'file', size: 1 });
    expect(await statOrNull(fs, path.join(dir, 'dangling'))).toBeNull();
    expect(await lstatOrNull(fs, path.join(dir, 'dangling'))).toMatchObject({ type: 'symlink' });
  });

  it('other failures still reject: a path through a file is not "missing"', async () => {
    await expect(unlessMissing(Promise.reject(new SkiffError('PERMISSION_DENIED', 'no')))).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    writeFileSync(path.join(dir, 'plain'), 'x');
    await expect(statOrNull(fs, path.join(dir, 'plain', 'child'))).rejects.toMatchObject({ code: 'NOT_A_DIRECTORY' });
  });
});
