// Pure view-model helpers: human units, permissions, paths, sorting, merging, selection.
import { describe, expect, it } from 'vitest';
import { formatDate, formatEta, formatMode, formatOctal, formatPermissions, formatRate, formatSize, parseOctal } from '../../renderer/src/model/format';
import { breadcrumbs, normalizePosix, parentPath, joinPath } from '../../renderer/src/model/paths';
import { reduceSelection, emptySelection } from '../../renderer/src/model/selection';
import { entryComparator, filterEntries, mergeSorted, sortEntries } from '../../renderer/src/model/sort-filter';
import { describeError } from '../../renderer/src/model/errors';
import type { Entry } from '../../renderer/src/model/types';
import { entry } from './support/fake-api';

describe('format', () => {
  it('sizes in binary units', () => {
    expect([0, 1023, 1024, 1536, 10 * 1024 * 1024, 150 * 1024 ** 3].map(formatSize)).toEqual(['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '10.0 MiB', '150 GiB']);
  });
  it('permissions like ls, octal both ways', () => {
    expect(formatMode(0o755)).toBe('rwxr-xr-x');
    expect(formatMode(0o4755)).toBe('rwsr-xr-x');
    expect(formatMode(0o1777)).toBe('rwxrwxrwt');
    expect(formatPermissions({ type: 'directory', mode: 0o700 })).toBe('drwx------');
    expect(formatPermissions({ type: 'symlink', mode: 0o777 })).toBe('lrwxrwxrwx');
    expect(formatOctal(0o644)).toBe('644');
    expect(formatOctal(0o2755)).toBe('2755');
    expect(parseOctal('0755')).toBe(0o755);
    expect(parseOctal('789')).toBeNull();
    expect(parseOctal('75')).toBeNull();
  });
  it('dates, rates and ETAs', () => {
    expect(formatDate(new Date(2026, 0, 5, 9, 7).getTime())).toBe('2026-01-05 09:07');
    expect(formatDate(0)).toBe('');
    expect(formatRate(2.5 * 1024 * 1024)).toBe('2.5 MiB/s');
    expect(formatRate(0)).toBe('');
    expect(formatEta(65)).toBe('1:05');
    expect(formatEta(3725)).toBe('1:02:05');
  });
});

describe('paths', () => {
  it('normalizes typed remote paths against the current folder', () => {
    expect(normalizePosix('../x/./y//z/', '/a/b')).toBe('/a/x/y/z');
    expect(normalizePosix('/../..')).toBe('/');
    expect(parentPath({ sep: '/' }, '/a/b')).toBe('/a');
    expect(parentPath({ sep: '/' }, '/a')).toBe('/');
    expect(parentPath({ sep: '/' }, '/')).toBe('/');
    expect(parentPath({ sep: '\\' }, 'C:\\Users\\me')).toBe('C:\\Users');
    expect(parentPath({ sep: '\\' }, 'C:\\Users')).toBe('C:\\');
    expect(joinPath({ sep: '/' }, '/', 'x')).toBe('/x');
    expect(breadcrumbs({ sep: '/' }, '/srv/www').map((c) => c.path)).toEqual(['/', '/srv', '/srv/www']);
    expect(breadcrumbs({ sep: '\\' }, 'C:\\Users\\me').map((c) => c.path)).toEqual(['C:\\', 'C:\\Users', 'C:\\Users\\me']);
  });
});

describe('sorting and filtering', () => {
  const list = [entry('/', 'b'), entry('/', 'A10'), entry('/', 'a2'), entry('/', 'zdir', { type: 'directory' }), entry('/', '.h')];
  it('folders first, natural and case-insensitive names, stable reverse', () => {
    expect(sortEntries(list, { key: 'name', dir: 'asc' }).map((e) => e.name)).toEqual(['zdir', '.h', 'a2', 'A10', 'b']);
    expect(sortEntries(list, { key: 'name', dir: 'desc' }).map((e) => e.name)).toEqual(['zdir', 'b', 'A10', 'a2', '.h']);
    expect(filterEntries(list, { filter: 'a?*', showHidden: false }).map((e) => e.name)).toEqual(['A10', 'a2']);
  });
  it('mergeSorted equals a full sort', () => {
    const cmp = entryComparator({ key: 'name', dir: 'asc' });
    const all = Array.from({ length: 3000 }, (_, i) => entry('/', `f${(i * 7919) % 3000}`));
    let merged: Entry[] = [];
    for (let p = 0; p < all.length; p += 250) merged = mergeSorted(merged, sortEntries(all.slice(p, p + 250), { key: 'name', dir: 'asc' }), cmp);
    expect(merged.map((e) => e.name)).toEqual(sortEntries(all, { key: 'name', dir: 'asc' }).map((e) => e.name));
  });
});

describe('selection', () => {
  const names = ['a', 'b', 'c', 'd', 'e'];
  it('click, shift range from the anchor, ctrl toggle, keyboard extend', () => {
    let s = reduceSelection(emptySelection, { type: 'click', index: 1 }, names);
    s = reduceSelection(s, { type: 'click', index: 3, shift: true }, names);
    expect([...s.selected]).toEqual(['b', 'c', 'd']);
    s = reduceSelection(s, { type: 'click', index: 2, toggle: true }, names);
    expect([...s.selected].sort()).toEqual(['b', 'd']);
    s = reduceSelection(s, { type: 'move', to: 4, shift: true }, names);
    expect([...s.selected]).toEqual(['c', 'd', 'e']);
    s = reduceSelection(s, { type: 'move', to: 99 }, names);
    expect(s.cursor).toBe(4);
    expect([...s.selected]).toEqual(['e']);
  });
});

describe('errors', () => {
  it('keeps only the first line and adds what to do next', () => {
    const d = describeError({ code: 'AUTH_FAILED', message: 'Error: All configured authentication methods failed\n    at Client.<anonymous> (/x/y.js:1:2)' });
    expect(d.message).toBe('All configured authentication methods failed');
    expect(d.hint).toMatch(/username, password or key file/);
  });
});
