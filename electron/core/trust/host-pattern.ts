// Host-name matching exactly as OpenSSH's match.c / hostfile.c do it for known_hosts:
// `*` and `?` wildcards (no character classes: `[` is literal so `[host]:port` works),
// comma-separated lists where any `!negated` hit vetoes the line, case-insensitive,
// and hashed names `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
// picomatch/minimatch are not used on purpose: they treat `[`, `/` and `.` specially,
// which would change what a known_hosts line means.
import { createHmac, randomBytes } from 'node:crypto';

/** The default SSH port: entries for it carry no `[host]:port` brackets. */
export const DEFAULT_SSH_PORT = 22;

/** The name OpenSSH looks up in known_hosts: `host` on port 22, `[host]:port` otherwise (put_host_port). */
export function knownHostsName(host: string, port: number): string {
  let h = host.trim().toLowerCase();
  // Accept an IPv6 literal given as "[::1]" as well as "::1".
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return port === DEFAULT_SSH_PORT || port === 0 ? h : `[${h}]:${port}`;
}

/** OpenSSH match_pattern(): `*` any run (also empty), `?` exactly one character, everything else literal. */
export function matchPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p;
      starT = t;
      p += 1;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p += 1;
      t += 1;
    } else if (starP >= 0) {
      // Backtrack: let the last `*` swallow one more character.
      p = starP + 1;
      starT += 1;
      t = starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/**
 * OpenSSH match_pattern_list() on a comma-separated list: 1 when a positive pattern matches
 * and no negated one does, -1 when a negated pattern matches (that vetoes the whole list), else 0.
 */
export function matchPatternList(name: string, list: string): 1 | 0 | -1 {
  const text = name.toLowerCase();
  let positive = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (pattern === '') continue;
    if (matchPattern(text, pattern)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/** A parsed `|1|salt|hash` host field. */
export interface HashedName {
  salt: Buffer;
  hash: Buffer;
}

const HASH_MAGIC = '|1|';
const SHA1_LEN = 20;

/** Decodes standard padded base64, or returns null when `text` is anything else (Node's decoder would skip junk silently). */
export function decodeBase64Strict(text: string): Buffer | null {
  const n = text.length;
  if (n === 0 || n % 4 !== 0) return null;
  let pad = 0;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x3d /* = */) {
      pad += 1;
      continue;
    }
    // A-Z a-z 0-9 + / — and nothing after padding
    if (pad > 0 || !((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f)) return null;
  }
  if (pad > 2) return null;
  return Buffer.from(text, 'base64');
}

/** Parses `|1|salt|hash`; returns null when it is not a well-formed SHA1 hashed name. */
export function parseHashedName(field: string): HashedName | null {
  if (!field.startsWith(HASH_MAGIC)) return null;
  const rest = field.slice(HASH_MAGIC.length);
  const bar = rest.indexOf('|');
  if (bar <= 0) return null;
  const saltB64 = rest.slice(0, bar);
  const hashB64 = rest.slice(bar + 1);
  const salt = decodeBase64Strict(saltB64);
  const hash = decodeBase64Strict(hashB64);
  // OpenSSH only ever writes (and only accepts) SHA1-sized salts and digests.
  if (!salt || !hash || salt.length !== SHA1_LEN || hash.length !== SHA1_LEN) return null;
  return { salt, hash };
}

/** True when `name` (already a known_hosts lookup name) hashes to this entry. */
export function matchHashedName(name: string, hashed: HashedName): boolean {
  const digest = createHmac('sha1', hashed.salt).update(name.toLowerCase()).digest();
  return digest.equals(hashed.hash);
}

/** A `|1|salt|hash` field for `name` with a fresh random salt, as `ssh-keygen -H` / HashKnownHosts write it. */
export function hashName(name: string, salt: Buffer = randomBytes(SHA1_LEN)): string {
  const digest = createHmac('sha1', salt).update(name.toLowerCase()).digest();
  return `${HASH_MAGIC}${salt.toString('base64')}|${digest.toString('base64')}`;
}

/** True when the host field names exactly this one lookup name, with no wildcard or negation (safe to rewrite in place). */
export function namesOnlyThisHost(field: string, name: string): boolean {
  const hashed = parseHashedName(field);
  if (hashed) return matchHashedName(name, hashed);
  return !/[,*?!]/.test(field) && field.toLowerCase() === name.toLowerCase();
}
