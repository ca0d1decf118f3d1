// known_hosts host matching against OpenSSH itself: `ssh-keygen -F name -f file` is the oracle
// for which lines a name matches (wildcards, negation, brackets, hashes).
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { findOpenSsh } from '../../support/sshd';
import {
  decodeBase64Strict,
  hashName,
  knownHostsName,
  matchHashedName,
  matchPattern,
  matchPatternList,
  parseHashedName,
} from '../../../electron/core/trust/host-pattern';
import { parseKnownHosts } from '../../../electron/core/trust/known-hosts-file';
import { newKey, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Line numbers ssh-keygen -F reports for `name`. */
function opensshMatches(file: string, name: string): number[] {
  let out: string;
  try {
    out = execFileSync(findOpenSsh('ssh-keygen'), ['-F', name, '-f', file], { encoding: 'utf8' });
  } catch (err) {
    // exit 1 = not found
    out = String((err as { stdout?: string }).stdout ?? '');
  }
  return [...out.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1]));
}

describe('host patterns', () => {
  it('knownHostsName uses [host]:port only off port 22, lower-cased', () => {
    expect(knownHostsName('Example.COM', 22)).toBe('example.com');
    expect(knownHostsName('example.com', 2222)).toBe('[example.com]:2222');
    expect(knownHostsName('::1', 2222)).toBe('[::1]:2222');
    expect(knownHostsName('[::1]', 22)).toBe('::1');
  });

  it('matchPattern: * and ? wildcards, [ is literal', () => {
    expect(matchPattern('a.example.com', '*.example.com')).toBe(true);
    expect(matchPattern('example.com', '*.example.com')).toBe(false);
    expect(matchPattern('host1', 'host?')).toBe(true);
    expect(matchPattern('host12', 'host?')).toBe(false);
    expect(matchPattern('[h]:2222', '[h]:*')).toBe(true);
    expect(matchPattern('h', '[h]')).toBe(false);
    expect(matchPattern('abcabcabd', '*abc*abd')).toBe(true);
    expect(matchPattern('', '*')).toBe(true);
  });

  it('decodeBase64Strict accepts only standard padded base64 (Node alone would skip junk)', () => {
    expect(decodeBase64Strict('AAEC')).toEqual(Buffer.from([0, 1, 2]));
    expect(decodeBase64Strict('AAE=')).toEqual(Buffer.from([0, 1]));
    expect(decodeBase64Strict('AA==')).toEqual(Buffer.from([0]));
    for (const bad of ['', 'AAE', 'AA!C', 'A===', 'AA=A', 'AA-_', 'AAEC\n']) expect(decodeBase64Strict(bad)).toBeNull();
  });

  it('matchPatternList: a negated hit vetoes the line', () => {
    expect(matchPatternList('a.example.com', '*.example.com,!bad.example.com')).toBe(1);
    expect(matchPatternList('bad.example.com', '*.example.com,!bad.example.com')).toBe(-1);
    expect(matchPatternList('BAD.example.com', '!bad.example.com,*')).toBe(-1);
    expect(matchPatternList('other.org', '*.example.com')).toBe(0);
  });

  it('hashName round-trips and is the same HMAC-SHA1 OpenSSH computes (ssh-keygen -F finds it)', () => {
    const k = newKey(tmp.dir, 'hash-k');
    const field = hashName('[10.1.2.3]:2222');
    const parsed = parseHashedName(field);
    expect(parsed).not.toBeNull();
    expect(matchHashedName('[10.1.2.3]:2222', parsed!)).toBe(true);
    expect(matchHashedName('10.1.2.3', parsed!)).toBe(false);
    const file = path.join(tmp.dir, 'hashed');
    writeFileSync(file, `${field} ${k.keyType} ${k.key.toString('base64')}\n`);
    expect(opensshMatches(file, '[10.1.2.3]:2222')).toEqual([1]);
    expect(opensshMatches(file, '10.1.2.3')).toEqual([]);
  });

  it('matches exactly the lines OpenSSH matches, for every name', () => {
    const k = newKey(tmp.dir, 'oracle-k');
    const key = `${k.keyType} ${k.key.toString('base64')}`;
    const hostFields = [
      '*.example.com,!bad.example.com',
      '[127.0.0.1]:2222',
      '127.0.0.1',
      'h?st',
      '*',
      '!*.internal,10.0.0.*',
      '[*.example.com]:*',
      'Mixed.Case.ORG',
      'a,b,c',
      '[::1]:2200,::1',
      hashName('hashed.example.com'),
      hashName('[hashed.example.com]:2022'),
    ];
    const file = path.join(tmp.dir, 'oracle');
    writeFileSync(file, hostFields.map((h) => `${h} ${key}`).join('\n') + '\n');
    const parsed = parseKnownHosts(`${hostFields.map((h) => `${h} ${key}`).join('\n')}\n`, file);
    expect(parsed.entries).toHaveLength(hostFields.length);
    const names = [
      'a.example.com',
      'bad.example.com',
      'example.com',
      '[127.0.0.1]:2222',
      '127.0.0.1',
      '[127.0.0.1]:22',
      'host',
      'hoost',
      '10.0.0.5',
      'db.internal',
      '10.0.0.5.internal',
      '[x.example.com]:2022',
      'mixed.case.org',
      'b',
      'd',
      '::1',
      '[::1]:2200',
      'hashed.example.com',
      '[hashed.example.com]:2022',
      '[hashed.example.com]:22',
    ];
    for (const name of names) {
      const ours = parsed.entries.filter((e) => (e.hashed ? matchHashedName(name, e.hashed) : matchPatternList(name, e.hostField) === 1)).map((e) => e.line);
      expect({ name, lines: ours }).toEqual({ name, lines: opensshMatches(file, name) });
    }
  });
});
