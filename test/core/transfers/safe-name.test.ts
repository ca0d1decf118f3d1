import { describe, expect, it } from 'vitest';
import { assertSafeName, printableName, resolveInside, unsafeNameReason } from '../../../electron/core/transfers/safe-name';
import { isSkiffError } from '../../../electron/core/errors';

// Pure checks the engine applies to every listed name before it becomes part of a target path
// (the SFTP layer drops some of these already; the engine does not rely on that).
describe('safe names', () => {
  const hostile = ['', '.', '..', '../../x', 'a/b', '/etc/passwd', 'a\\b', '..\\..\\x', 'nul\u0000', 'esc\u001b[2J', 'del\u007f', 'c1\u009b', 'x'.repeat(256)];
  for (const name of hostile) {
    it(`refuses ${JSON.stringify(name.slice(0, 20))} with INVALID_NAME`, () => {
      expect(unsafeNameReason(name)).not.toBeNull();
      let caught: unknown;
      try {
        assertSafeName(name, 'dir');
      } catch (err) {
        caught = err;
      }
      expect(isSkiffError(caught, 'INVALID_NAME')).toBe(true);
      expect(/[\u0000-\u001f\u007f-\u009f]/.test((caught as Error).message)).toBe(false);
    });
  }

  it('accepts ordinary names, including dots inside, spaces and non-ASCII', () => {
    for (const n of ['report.pdf', '.bashrc', 'a..b', 'photo (1).jpg', 'Grüße 日本.txt', '...']) expect(unsafeNameReason(n)).toBeNull();
  });

  it('resolveInside keeps results under the root, in both path syntaxes', () => {
    expect(resolveInside('/tmp/t', ['a', 'b.txt'])).toBe('/tmp/t/a/b.txt');
    expect(resolveInside('uploads', ['a'], 'sftp')).toBe('uploads/a');
    // Roots the quick proof (a normalized absolute root as the prefix) must get right.
    expect(resolveInside('/', ['a', 'b'], 'sftp')).toBe('/a/b');
    expect(resolveInside('/tmp/t/', ['a'])).toBe('/tmp/t/a');
    expect(resolveInside('/tmp//t/./', ['a'], 'sftp')).toBe('/tmp/t/a');
    expect(resolveInside('.', ['a'], 'sftp')).toBe('a');
    expect(resolveInside('/tmp/t', ['..a', 'b..'])).toBe('/tmp/t/..a/b..');
    expect(resolveInside('uploads', ['..a'], 'sftp')).toBe('uploads/..a');
    expect(() => resolveInside('/tmp/t', ['..', 'x'])).toThrow(/not a valid|Refused/);
    expect(() => resolveInside('/tmp/t', ['/etc/passwd'], 'sftp')).toThrow(/Refused/);
    expect(printableName('a\u001bb')).toBe('a\\u001bb');
  });
});
