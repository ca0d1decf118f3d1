// The fast name order must be exactly the collator's order (plus code units on ties): checked
// on random names over an alphabet built to hit the hard cases (case, punctuation, digit runs
// with leading zeros, non-ASCII and control characters that take the collator path).
import { describe, expect, it } from 'vitest';
import { compareNames, compareNamesSlow, fastNameOrder } from '../../renderer/src/model/name-order';

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Deterministic PRNG (mulberry32) so a failure names a reproducible case. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a',
  'A',
  'b',
  'B',
  'z',
  'Z',
  'y',
  'ch',
  'h',
  'i',
  '0',
  '00',
  '01',
  '1',
  '2',
  '9',
  '10',
  '007',
  '123456789012',
  ' ',
  '.',
  '-',
  '_',
  '~',
  '(',
  '#',
  'é',
  'É',
  'ß',
  'ü',
  '\u0001',
  '\u001b',
  '日',
  'ı',
  '٣',
];

function randomName(r: () => number): string {
  const n = 1 + Math.floor(r() * 6);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

describe('fast natural name order', () => {
  it('uses precomputed keys in this locale', () => {
    // Node's and Chromium's ICU agree with the derived table in the test locale.
    expect(fastNameOrder).toBe(true);
  });

  it('agrees with the collator on every pair of 600 random names', () => {
    const r = rng(7);
    const names = Array.from({ length: 600 }, () => randomName(r));
    const wrong: string[] = [];
    for (const a of names) for (const b of names) if (sign(compareNames(a, b)) !== sign(compareNamesSlow(a, b))) wrong.push(JSON.stringify([a, b]));
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('sorts a 20,000-name folder exactly like the collator', () => {
    const r = rng(42);
    const names = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `f${String(Math.floor(r() * 1e6)).padStart(6, '0')}` : randomName(r)));
    expect([...names].sort(compareNames)).toEqual([...names].sort(compareNamesSlow));
  });

  it('keeps natural order, case-insensitivity and the code-unit tie-break', () => {
    expect(['file10', 'File2', 'file2', 'file1', '.hidden', '_x', 'file01'].sort(compareNames)).toEqual([
      '_x',
      '.hidden',
      'file01',
      'file1',
      'File2',
      'file2',
      'file10',
    ]);
    expect(compareNames('a', 'a')).toBe(0);
    expect(compareNames('A', 'a')).toBeLessThan(0);
  });
});
