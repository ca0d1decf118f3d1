// Names come from servers and may be hostile: control characters, ANSI escape
// sequences, bidi overrides that reorder what the user reads. The UI shows a visible
// stand-in for each such character; the real name is kept for every operation.

const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** Display form of one character, or null when it is safe to show as is. */
function standIn(ch: string): string | null {
  const c = ch.codePointAt(0) ?? 0;
  // C0 controls map onto the Unicode "Control Pictures" block (ESC → ␛, NUL → ␀…).
  if (c < 0x20) return String.fromCodePoint(0x2400 + c);
  if (c === 0x7f) return '\u2421';
  if (c >= 0x80 && c <= 0x9f) return '\uFFFD';
  if (BIDI.test(ch)) return '\uFFFD';
  if (c === 0xfeff || c === 0x200b) return '\uFFFD';
  return null;
}

/** The name as shown on screen: control, C1 and bidi characters replaced by visible symbols. */
export function displayName(name: string): string {
  let out = '';
  for (const ch of name) out += standIn(ch) ?? ch;
  return out;
}

/** Whether a name needed any replacement (the UI then offers the escaped form as a tooltip). */
export function hasHiddenCharacters(name: string): boolean {
  for (const ch of name) if (standIn(ch) !== null) return true;
  return false;
}

/** A fully escaped, ASCII-only spelling of a name (for tooltips and "copy path" previews). */
export function escapedName(name: string): string {
  let out = '';
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    out += standIn(ch) === null ? ch : `\\u{${c.toString(16).toUpperCase()}}`;
  }
  return out;
}
