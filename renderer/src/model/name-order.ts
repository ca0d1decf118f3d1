// Natural, case-insensitive name order — the locale collator's (numeric, base sensitivity) —
// made fast: collator calls were most of the renderer's work on a big listing (figures in
// test/bench/README.md). Names of
// printable ASCII (nearly all real file names) get a key, built once per name, whose plain
// code-unit order is the collator's order, so comparing two of them is one string compare.
// Everything else (non-ASCII, control characters, very long digit runs), and every locale whose
// order of ASCII differs from the table derived below (e.g. Czech "ch" after "h"), goes to the
// collator itself: the order is the same either way, only the speed differs.

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Key code units start here (above controls, so ranks, run lengths and digits never collide in meaning). */
const BASE = 0x21;
/** Longer digit runs go to the collator (ICU's numeric collation splits very long numbers). */
const MAX_RUN = 40;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

interface Table {
  /** Key unit per printable ASCII code (digits excluded). */
  unit: string[];
  /** The key unit that starts a digit run (where the collator puts digits). */
  mark: string;
}

/** Ranks printable ASCII with the collator itself; null when digits are not one contiguous block. */
function buildTable(): Table | null {
  const chars: string[] = [];
  for (let c = 0x20; c <= 0x7e; c++) chars.push(String.fromCharCode(c));
  chars.sort((a, b) => collator.compare(a, b) || (a < b ? -1 : 1));
  const unit: string[] = [];
  let rank = 0;
  let mark = 0;
  let digitsLeft = 10;
  let prev: string | undefined;
  for (const ch of chars) {
    if (isDigit(ch.charCodeAt(0))) {
      if (mark === 0) mark = ++rank;
      digitsLeft -= 1;
      prev = undefined;
      continue;
    }
    if (mark !== 0 && digitsLeft > 0) return null;
    if (prev === undefined || collator.compare(prev, ch) !== 0) rank += 1;
    unit[ch.charCodeAt(0)] = String.fromCharCode(BASE + rank);
    prev = ch;
  }
  return mark === 0 ? null : { unit, mark: String.fromCharCode(BASE + mark) };
}

function keyWith(t: Table, name: string): string | null {
  let out = '';
  for (let i = 0; i < name.length;) {
    const c = name.charCodeAt(i);
    if (isDigit(c)) {
      let end = i;
      while (end < name.length && isDigit(name.charCodeAt(end))) end++;
      // The collator compares numbers by value: leading zeros do not count ("a01" ties "a1").
      let start = i;
      while (start < end - 1 && name.charCodeAt(start) === 0x30) start++;
      if (end - start > MAX_RUN) return null;
      out += t.mark + String.fromCharCode(BASE + end - start) + name.slice(start, end);
      i = end;
      continue;
    }
    const u = c < 0x80 ? t.unit[c] : undefined;
    if (u === undefined) return null;
    out += u;
    i += 1;
  }
  return out;
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/**
 * Strings on which locale tailorings change the order of ASCII (contractions, letters moved
 * or merged), mixed with digits and punctuation. If keys disagree with the collator on any
 * pair, this locale gets no fast path.
 */
const PROBES = [
  ...'abcdefghijklmnopqrstuvwxyz'.split(''),
  ...'ch cs cz dz dzs gy ly ny sz ty zs ll rr aa ae oe ue th lj nj ij ss kh ng sch tch vw'.split(' '),
  'A',
  'Z',
  'a b',
  'a_b',
  'a-b',
  'a.b',
  'a~b',
  'a1',
  'a01',
  'a10',
  'a2',
  'x9y',
  'x10y',
  '0',
  '00',
  '9',
  '.a',
  '_a',
  '~a',
  '1a',
];

function verified(t: Table | null): Table | null {
  if (!t) return null;
  const keys = PROBES.map((p) => keyWith(t, p));
  for (let i = 0; i < PROBES.length; i++) {
    for (let j = 0; j < PROBES.length; j++) {
      const a = keys[i]!;
      const b = keys[j]!;
      if (sign(a < b ? -1 : a > b ? 1 : 0) !== sign(collator.compare(PROBES[i]!, PROBES[j]!))) return null;
    }
  }
  return t;
}

const table = verified(buildTable());

/** True when names of printable ASCII compare by precomputed keys in this locale (else: the collator for all). */
export const fastNameOrder = table !== null;

/** Compares names like the locale collator (numeric, case-insensitive); distinct names never tie (code units decide). */
export function compareNames(a: string, b: string): number {
  return compareNamed({ name: a }, { name: b });
}

const KEY = Symbol('nameKey');
type Named = { readonly name: string; [KEY]?: string | null };

function entryKey(e: Named): string | null {
  let k = e[KEY];
  if (k === undefined) {
    k = table ? keyWith(table, e.name) : null;
    // Kept on the entry itself: a property read is several times cheaper than a Map lookup,
    // and comparisons are what a 100,000-row sort is made of.
    if (Object.isExtensible(e)) Object.defineProperty(e, KEY, { value: k, enumerable: false });
  }
  return k;
}

/** compareNames for objects with a name (file entries), caching each name's key on the object. */
export function compareNamed(a: { readonly name: string }, b: { readonly name: string }): number {
  const an = a.name;
  const bn = b.name;
  if (an === bn) return 0;
  const ka = entryKey(a);
  const kb = ka === null ? null : entryKey(b);
  const c = ka !== null && kb !== null ? (ka < kb ? -1 : ka > kb ? 1 : 0) : collator.compare(an, bn);
  return c || (an < bn ? -1 : 1);
}

/** The collator-only comparison compareNames must always agree with (for tests and fallbacks). */
export function compareNamesSlow(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
