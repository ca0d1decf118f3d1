// Parses one known_hosts file as sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" defines it:
//   [@marker] hostpatterns keytype base64-key [comment]
// A bad line never stops the rest: it is skipped and reported as `file:line: why`,
// because OpenSSH also skips it and a user's file must never lock them out of Skiff.
import { describeKeyBlob } from './host-key';
import { decodeBase64Strict, parseHashedName, type HashedName } from './host-pattern';

export type KnownHostMarker = 'revoked' | 'cert-authority';

/** One usable key line. `line` is 1-based, like the `file:line` OpenSSH prints. */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: KnownHostMarker;
  /** The host field as written (patterns, or one `|1|salt|hash`). */
  hostField: string;
  /** Set when the host field is hashed. */
  hashed?: HashedName;
  keyType: string;
  /** Raw public key blob (wire format). */
  key: Buffer;
  bits: number;
  /** `SHA256:…` as ssh-keygen prints it. */
  fingerprint: string;
  comment: string;
  /** The line exactly as read (without the newline): a rewrite checks it is still there before replacing it. */
  raw: string;
}

/** A line that was skipped or is not fully supported; `text` is ready to show (`file:line: message`). */
export interface KnownHostsWarning {
  file: string;
  line: number;
  message: string;
  text: string;
}

export interface ParsedKnownHosts {
  file: string;
  entries: KnownHostEntry[];
  warnings: KnownHostsWarning[];
  /** How many host entries are hashed / plain: decides whether Skiff hashes what it appends. */
  hashedCount: number;
  plainCount: number;
  /** Whether the file ends with a newline (an append must add one first when it does not). */
  endsWithNewline: boolean;
}

/** A file full of junk (a wrong path in settings) must not flood every dialog: report this many lines, then a count. */
export const MAX_WARNINGS_PER_FILE = 50;

// How many SSH strings make up each plain public key blob; a cut-off line (full disk,
// a bad paste) that is still valid base64 must not become a different, shorter key.
const BLOB_STRINGS: Record<string, number> = {
  'ssh-ed25519': 2,
  'ssh-ed448': 2,
  'ssh-rsa': 3,
  'ssh-dss': 5,
  'ecdsa-sha2-nistp256': 3,
  'ecdsa-sha2-nistp384': 3,
  'ecdsa-sha2-nistp521': 3,
  'sk-ssh-ed25519@openssh.com': 3,
  'sk-ecdsa-sha2-nistp256@openssh.com': 4,
};

function wellFormedBlob(blob: Buffer, keyType: string): boolean {
  const expected = BLOB_STRINGS[keyType];
  if (expected === undefined) return true; // unknown/cert types: describeKeyBlob already checked the type string
  let off = 0;
  for (let i = 0; i < expected; i += 1) {
    if (off + 4 > blob.length) return false;
    off += 4 + blob.readUInt32BE(off);
    if (off > blob.length) return false;
  }
  if (off !== blob.length) return false;
  if (keyType === 'ssh-ed25519') return blob.readUInt32BE(4 + 11) === 32;
  return true;
}

/** Builds a warning with its display text. */
export function knownHostsWarning(file: string, line: number, message: string): KnownHostsWarning {
  return { file, line, message, text: line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}` };
}

/** Parses known_hosts text; never throws for bad content (bad lines become warnings). */
export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const warnings: KnownHostsWarning[] = [];
  let hashedCount = 0;
  let plainCount = 0;
  let skipped = 0;
  const lines = text.split('\n');
  // A trailing newline yields one empty last element; it is not a line of its own.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  for (let i = 0; i < lines.length; i += 1) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const trimmed = raw.replace(/\r$/, '').replace(/^[ \t]+/, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const warn = (message: string) => {
      skipped += 1;
      if (warnings.length < MAX_WARNINGS_PER_FILE) warnings.push(knownHostsWarning(file, lineNo, message));
    };

    // [@marker] hosts keytype key [comment…] — the comment keeps its inner spacing.
    const m = /^(?:(@\S*)[ \t]+)?(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?(?:[ \t]+(.*))?$/.exec(trimmed);
    if (!m) {
      warn('unreadable line; skipped');
      continue;
    }
    const [, markerText, hostField, keyType, keyB64, commentText] = m;
    let marker: KnownHostMarker | undefined;
    if (markerText !== undefined) {
      if (markerText === '@revoked') marker = 'revoked';
      else if (markerText === '@cert-authority') marker = 'cert-authority';
      else {
        warn(`unknown marker “${markerText.slice(0, 40)}” (only @revoked and @cert-authority exist); line skipped`);
        continue;
      }
    } else if (hostField!.startsWith('@')) {
      warn(`marker “${hostField!.slice(0, 40)}” without host names and key; line skipped`);
      continue;
    }
    if (!hostField || !keyType) {
      warn('missing host names or key; line skipped');
      continue;
    }
    if (/^\d+$/.test(keyType)) {
      warn('SSH protocol 1 RSA key (bits exponent modulus): SSH-1 is not supported; line skipped');
      continue;
    }
    if (!keyB64) {
      warn(`no key after the key type “${keyType.slice(0, 40)}”; line skipped`);
      continue;
    }
    const key = decodeBase64Strict(keyB64);
    if (!key) {
      warn('the key is not valid base64; line skipped');
      continue;
    }
    let described: { keyType: string; bits: number; fingerprint: string };
    try {
      described = describeKeyBlob(key);
    } catch {
      warn('the key is truncated or corrupt; line skipped');
      continue;
    }
    if (!wellFormedBlob(key, keyType)) {
      warn(`the ${keyType.slice(0, 40)} key is truncated or has trailing bytes; line skipped`);
      continue;
    }
    if (described.keyType !== keyType) {
      warn(`the key type “${keyType.slice(0, 40)}” does not match the key itself (“${described.keyType.slice(0, 40)}”); line skipped`);
      continue;
    }
    let hashed: HashedName | undefined;
    if (hostField.startsWith('|')) {
      const h = parseHashedName(hostField);
      if (!h) {
        warn('malformed hashed host name (expected |1|salt|hash); line skipped');
        continue;
      }
      hashed = h;
      hashedCount += 1;
    } else {
      plainCount += 1;
    }
    const comment = (commentText ?? '').trimEnd();
    const entry: KnownHostEntry = {
      file,
      line: lineNo,
      hostField,
      keyType,
      key,
      bits: described.bits,
      fingerprint: described.fingerprint,
      comment,
      raw,
    };
    if (marker) entry.marker = marker;
    if (hashed) entry.hashed = hashed;
    entries.push(entry);
  }
  if (skipped > warnings.length) {
    warnings.push(knownHostsWarning(file, 0, `${skipped - warnings.length} more unreadable lines were skipped (is this really a known_hosts file?)`));
  }
  return { file, entries, warnings, hashedCount, plainCount, endsWithNewline: text === '' || text.endsWith('\n') };
}

/** One known_hosts line for `hostField` and a key blob (no marker, no comment), as ssh writes it. */
export function formatKnownHostsLine(hostField: string, keyType: string, key: Buffer, comment = ''): string {
  return `${hostField} ${keyType} ${key.toString('base64')}${comment ? ` ${comment}` : ''}`;
}
