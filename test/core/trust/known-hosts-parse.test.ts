// Parsing a real-world-messy known_hosts: comments, markers, garbage, CRLF, SSH-1 lines.
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_WARNINGS_PER_FILE, formatKnownHostsLine, parseKnownHosts } from '../../../electron/core/trust/known-hosts-file';
import { newKey, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('parseKnownHosts', () => {
  const ed = newKey(tmp.dir, 'p-ed');
  const rsa = newKey(tmp.dir, 'p-rsa', 'rsa');
  const b64 = ed.key.toString('base64');

  it('keeps good lines and reports every bad one as file:line, never throwing', () => {
    const text = [
      '# a comment',
      '',
      `good.example.com ${ed.keyType} ${b64} my comment  with  spaces`,
      'garbage',
      `two.fields ${ed.keyType}`,
      `bad.b64 ${ed.keyType} !!!notbase64`,
      `type.mismatch ssh-rsa ${b64}`,
      `truncated ${ed.keyType} ${b64.slice(0, 40)}`,
      'ssh1.example.com 1024 35 1234567890',
      `@bogus host ${ed.keyType} ${b64}`,
      `|1|bad|hash ${ed.keyType} ${b64}`,
      `   \tindented.example.com ${rsa.keyType} ${rsa.key.toString('base64')}\r`,
      `@revoked * ${ed.keyType} ${b64}`,
      `@cert-authority *.example.com ${ed.keyType} ${b64}`,
      '\u0000\u0001 binary junk \uFFFD',
    ].join('\n');
    const p = parseKnownHosts(text, '/x/known_hosts');
    expect(p.entries.map((e) => e.line)).toEqual([3, 12, 13, 14]);
    expect(p.entries[0]).toMatchObject({ hostField: 'good.example.com', keyType: 'ssh-ed25519', comment: 'my comment  with  spaces', bits: 256 });
    expect(p.entries[1]).toMatchObject({ hostField: 'indented.example.com', keyType: 'ssh-rsa', bits: 2048 });
    expect(p.entries[2]!.marker).toBe('revoked');
    expect(p.entries[3]!.marker).toBe('cert-authority');
    expect(p.warnings.map((w) => w.line)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 15]);
    for (const w of p.warnings) expect(w.text.startsWith(`/x/known_hosts:${w.line}: `)).toBe(true);
    expect(p.warnings.find((w) => w.line === 9)!.message).toMatch(/SSH-1/);
    expect(p.warnings.find((w) => w.line === 10)!.message).toMatch(/unknown marker/);
    expect(p.endsWithNewline).toBe(false);
  });

  it('counts hashed vs plain entries and formats lines the way ssh writes them', () => {
    const line = formatKnownHostsLine('[h]:2222', ed.keyType, ed.key);
    expect(line).toBe(`[h]:2222 ssh-ed25519 ${b64}`);
    const p = parseKnownHosts(`${line}\n|1|${Buffer.alloc(20, 1).toString('base64')}|${Buffer.alloc(20, 2).toString('base64')} ${ed.keyType} ${b64}\n`, 'f');
    expect(p.plainCount).toBe(1);
    expect(p.hashedCount).toBe(1);
    expect(p.endsWithNewline).toBe(true);
  });
});

describe('a file that is not a known_hosts at all', () => {
  it('reports the first lines by number and then a count, instead of thousands of warnings', () => {
    const junk = Array.from({ length: 1000 }, (_, i) => `junk line ${i}`).join('\n');
    const p = parseKnownHosts(junk, '/wrong/file');
    expect(p.entries).toEqual([]);
    expect(p.warnings).toHaveLength(MAX_WARNINGS_PER_FILE + 1);
    expect(p.warnings[0]!.text).toMatch(/^\/wrong\/file:1: .*skipped/);
    expect(p.warnings[MAX_WARNINGS_PER_FILE - 1]!.line).toBe(MAX_WARNINGS_PER_FILE);
    expect(p.warnings.at(-1)!.text).toBe(
      `/wrong/file: ${1000 - MAX_WARNINGS_PER_FILE} more unreadable lines were skipped (is this really a known_hosts file?)`,
    );
  });
});
