// The set of known_hosts files Skiff shares with OpenSSH, and the verify/remember/replace
// operations on it. Lookup rules follow ssh(1)'s check_host_key():
//  - the name looked up is `host` on port 22 and `[host]:port` otherwise;
//  - a matching @revoked line for the key wins over everything (no override);
//  - any matching plain line with the same key means trusted (user and system files pooled);
//  - matching plain lines that all differ mean changed (whatever their key type, as ssh 9.x);
//  - on a non-22 port with no entry at all, a plain `host` entry with the same key is
//    accepted (ssh's "found matching key w/out port"); a differing one is not "changed".
// Parsed files are cached and re-read only when their inode/size/mtime/ctime change; lookups
// are cached per file version, so a 10,000-line hashed file costs its HMACs once per host.
import { promises as fsp } from 'node:fs';
import { z } from 'zod';
import { describeKeyBlob, type HostKeyInfo } from './host-key';
import { DEFAULT_SSH_PORT, hashName, knownHostsName, matchHashedName, matchPatternList, namesOnlyThisHost } from './host-pattern';
import {
  formatKnownHostsLine,
  knownHostsWarning,
  parseKnownHosts,
  type KnownHostEntry,
  type KnownHostsWarning,
  type ParsedKnownHosts,
} from './known-hosts-file';
import { appendKnownHostsLine, rewriteKnownHostsLines, type LineReplacement } from './known-hosts-write';
import { SkiffError } from '../errors';
import type { KnownHostKeyFacts } from './host-key-decisions';

export type HostKeyStatus = 'trusted' | 'unknown' | 'changed' | 'revoked';

/** A stored key line, as plain data the UI can show (`file:line`, type, fingerprint). */
export interface KnownHostRef extends KnownHostKeyFacts {
  marker?: 'revoked' | 'cert-authority';
  hashed: boolean;
}

/** A line whose host names matched, and whether its key is the one presented. */
export interface KnownHostMatch extends KnownHostRef {
  sameKey: boolean;
}

export interface VerifyResult {
  status: HostKeyStatus;
  /** The name that was looked up (`host` or `[host]:port`). */
  name: string;
  /** Every line whose host names matched (plain, @revoked, @cert-authority). */
  matches: KnownHostMatch[];
  /** For `changed`: the stored keys that differ from the presented one, same key type first. */
  offending?: KnownHostRef[];
  /** For `revoked`: the @revoked lines naming this key. */
  revokedBy?: KnownHostRef[];
  /** For `trusted`: why — a file entry, a portless entry (non-22 port), or "trust once" in this process. */
  trustedBy?: 'file' | 'file-without-port' | 'session';
  /** Skipped lines (`file:line`), unreadable files, unsupported @cert-authority lines for this host. */
  warnings: KnownHostsWarning[];
}

export interface KnownHostsStoreOptions {
  /** The user's files, in order; new keys are saved to the first (like ssh's UserKnownHostsFile). */
  userFiles: string[];
  /** The system-wide files (read only, e.g. /etc/ssh/ssh_known_hosts). */
  systemFiles?: string[];
  /** Extra files from settings (read only). */
  extraFiles?: string[];
  /** Hash the host names Skiff writes (HashKnownHosts). Names are also hashed when the user file already holds hashed entries. */
  hashKnownHosts?: boolean;
}

/** What `replace` did: lines rewritten in place, and whether a new line had to be appended. */
export interface ReplaceResult {
  rewritten: KnownHostRef[];
  appendedTo?: string;
}

// Paths are checked, never rewritten (a name may really end in a space).
const filePath = z
  .string()
  .max(4096)
  .refine((p) => p.trim() !== '', 'is empty')
  .refine((p) => !p.includes('\0'), 'contains a NUL byte');
const optionsSchema = z.object({
  userFiles: z.array(filePath).min(1, 'needs at least one file (where new host keys are saved)'),
  systemFiles: z.array(filePath).optional(),
  extraFiles: z.array(filePath).optional(),
  hashKnownHosts: z.boolean().optional(),
});

/** ~200,000 RSA lines; anything bigger is a wrong path, not a known_hosts file. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

interface CachedFile {
  stamp: string;
  parsed: ParsedKnownHosts;
  lookups: Map<string, KnownHostEntry[]>;
}

type Loaded = { file: string; parsed: ParsedKnownHosts; cache: CachedFile } | { file: string; warning: KnownHostsWarning };

function ref(e: KnownHostEntry): KnownHostRef {
  const r: KnownHostRef = { file: e.file, line: e.line, keyType: e.keyType, bits: e.bits, fingerprint: e.fingerprint, hashed: e.hashed !== undefined };
  if (e.marker) r.marker = e.marker;
  return r;
}

/** A host key as the raw blob, or anything carrying it (a HostKeyInfo). */
export type PresentedKey = Buffer | Pick<HostKeyInfo, 'key'>;

function blobOf(k: PresentedKey): Buffer {
  return Buffer.isBuffer(k) ? k : k.key;
}

function uniq(files: string[]): string[] {
  return [...new Set(files)];
}

/** Reads, verifies against and writes to a set of known_hosts files. */
export class KnownHostsStore {
  readonly userFiles: readonly string[];
  readonly readOnlyFiles: readonly string[];
  private readonly hashSetting: boolean;
  private readonly cache = new Map<string, CachedFile>();
  /** "Trust once" decisions: lookup name + key, for this process only. */
  private readonly sessionTrust = new Set<string>();

  constructor(options: KnownHostsStoreOptions) {
    // The file list comes from settings: check it like any other value crossing into core.
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SkiffError(
        'INVALID_ARGUMENT',
        `Invalid known_hosts settings: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'} ${i.message}`).join('; ')}.`,
      );
    }
    options = parsed.data;
    this.userFiles = uniq(options.userFiles);
    this.readOnlyFiles = uniq([...(options.systemFiles ?? []), ...(options.extraFiles ?? [])]).filter((f) => !this.userFiles.includes(f));
    this.hashSetting = options.hashKnownHosts === true;
  }

  /** The file "trust and remember" writes to. */
  get saveFile(): string {
    return this.userFiles[0]!;
  }

  private async load(file: string): Promise<Loaded | undefined> {
    let stamp: string;
    try {
      const st = await fsp.stat(file, { bigint: true });
      if (!st.isFile()) return { file, warning: knownHostsWarning(file, 0, 'is not a regular file; ignored') };
      if (st.size > MAX_FILE_BYTES)
        return { file, warning: knownHostsWarning(file, 0, `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, which no known_hosts file is; ignored`) };
      stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        this.cache.delete(file);
        return undefined; // a missing known_hosts is normal (first run)
      }
      return { file, warning: knownHostsWarning(file, 0, `cannot be read (${code ?? String(err)}); its entries were not used`) };
    }
    const hit = this.cache.get(file);
    if (hit && hit.stamp === stamp) return { file, parsed: hit.parsed, cache: hit };
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      return { file, warning: knownHostsWarning(file, 0, `cannot be read (${code ?? String(err)}); its entries were not used`) };
    }
    const entry: CachedFile = { stamp, parsed: parseKnownHosts(text, file), lookups: new Map() };
    this.cache.set(file, entry);
    return { file, parsed: entry.parsed, cache: entry };
  }

  private async loadAll(): Promise<{ files: Array<Extract<Loaded, { parsed: ParsedKnownHosts }>>; warnings: KnownHostsWarning[] }> {
    const loaded = await Promise.all([...this.userFiles, ...this.readOnlyFiles].map((f) => this.load(f)));
    const files: Array<Extract<Loaded, { parsed: ParsedKnownHosts }>> = [];
    const warnings: KnownHostsWarning[] = [];
    for (const l of loaded) {
      if (!l) continue;
      if ('warning' in l) warnings.push(l.warning);
      else {
        files.push(l);
        warnings.push(...l.parsed.warnings);
      }
    }
    return { files, warnings };
  }

  private static lookup(cache: CachedFile, name: string): KnownHostEntry[] {
    const hit = cache.lookups.get(name);
    if (hit) return hit;
    const found = cache.parsed.entries.filter((e) => (e.hashed ? matchHashedName(name, e.hashed) : matchPatternList(name, e.hostField) === 1));
    cache.lookups.set(name, found);
    return found;
  }

  private matchAll(files: Array<{ cache: CachedFile }>, name: string): KnownHostEntry[] {
    return files.flatMap((f) => KnownHostsStore.lookup(f.cache, name));
  }

  /** Checks a presented host key against every file: trusted, unknown, changed (with the offending lines) or revoked. */
  async verify(host: string, port: number, presented: PresentedKey): Promise<VerifyResult> {
    const key = blobOf(presented);
    let presentedType: string;
    try {
      presentedType = describeKeyBlob(key).keyType;
    } catch (err) {
      throw new SkiffError('PROTOCOL_ERROR', `The host key presented by ${host}:${port} is malformed, so it cannot be checked.`, { cause: err });
    }
    const { files, warnings } = await this.loadAll();
    const name = knownHostsName(host, port);
    const entries = this.matchAll(files, name);
    const matches = entries.map((e) => ({ ...ref(e), sameKey: e.key.equals(key) }));
    for (const e of entries) {
      if (e.marker === 'cert-authority') {
        warnings.push(
          knownHostsWarning(
            e.file,
            e.line,
            `@cert-authority line for ${name}: host certificates are not supported by Skiff yet, so this CA was not used; the server's plain host key is checked instead`,
          ),
        );
      }
    }

    // Revoked wins over everything. Stricter than ssh: a @revoked line for the portless name counts too.
    const portless = port !== DEFAULT_SSH_PORT ? this.matchAll(files, knownHostsName(host, DEFAULT_SSH_PORT)) : [];
    const revoked = [...entries, ...portless].filter((e) => e.marker === 'revoked' && e.key.equals(key));
    if (revoked.length > 0) return { status: 'revoked', name, matches, revokedBy: revoked.map(ref), warnings };

    const plain = entries.filter((e) => e.marker === undefined);
    if (plain.some((e) => e.key.equals(key))) return { status: 'trusted', name, matches, trustedBy: 'file', warnings };
    if (plain.length > 0) {
      const offending = [...plain.filter((e) => e.keyType === presentedType), ...plain.filter((e) => e.keyType !== presentedType)];
      return { status: 'changed', name, matches, offending: offending.map(ref), warnings };
    }
    if (portless.some((e) => e.marker === undefined && e.key.equals(key))) {
      return { status: 'trusted', name, matches, trustedBy: 'file-without-port', warnings };
    }
    if (this.sessionTrust.has(`${name}\0${key.toString('base64')}`)) return { status: 'trusted', name, matches, trustedBy: 'session', warnings };
    return { status: 'unknown', name, matches, warnings };
  }

  /** Key types stored for this host (plain entries), for ordering host-key algorithms the way ssh does. */
  async knownKeyTypes(host: string, port: number): Promise<string[]> {
    const { files } = await this.loadAll();
    const entries = this.matchAll(files, knownHostsName(host, port)).filter((e) => e.marker === undefined);
    return [...new Set(entries.map((e) => e.keyType))];
  }

  /** "Trust once": accept this key for this host until the process exits; nothing is written. */
  trustOnce(host: string, port: number, presented: PresentedKey): void {
    const key = blobOf(presented);
    this.sessionTrust.add(`${knownHostsName(host, port)}\0${key.toString('base64')}`);
  }

  private async shouldHash(): Promise<boolean> {
    if (this.hashSetting) return true;
    const l = await this.load(this.saveFile);
    return l !== undefined && 'parsed' in l && l.parsed.hashedCount > 0;
  }

  private async hostFieldFor(host: string, port: number): Promise<string> {
    const name = knownHostsName(host, port);
    return (await this.shouldHash()) ? hashName(name) : name;
  }

  /** "Trust and remember": appends `host keytype key` (hashed when the file is, `[host]:port` off port 22) to the user's file. */
  async remember(host: string, port: number, presented: PresentedKey): Promise<{ file: string; line: string }> {
    const key = blobOf(presented);
    const { keyType } = describeKeyBlob(key);
    const line = formatKnownHostsLine(await this.hostFieldFor(host, port), keyType, key);
    await appendKnownHostsLine(this.saveFile, line);
    this.cache.delete(this.saveFile);
    return { file: this.saveFile, line };
  }

  /**
   * Replaces a changed key after the user confirmed twice. Offending lines of the same key type that
   * name only this host and live in a user file are rewritten in place (that line only, atomically);
   * lines shared with other hosts (wildcards, lists) or in read-only files are left alone and the new
   * key is appended instead, which is enough: any matching line with the same key means trusted.
   */
  async replace(host: string, port: number, presented: PresentedKey): Promise<ReplaceResult> {
    const key = blobOf(presented);
    const before = await this.verify(host, port, key);
    if (before.status === 'revoked') {
      throw new SkiffError(
        'HOST_KEY_REVOKED',
        `The host key of ${before.name} is revoked (${before.revokedBy?.map((r) => `${r.file}:${r.line}`).join(', ')}); it cannot be accepted.`,
      );
    }
    if (before.status === 'trusted' && before.trustedBy === 'file') return { rewritten: [] };
    const { files } = await this.loadAll();
    const { keyType } = describeKeyBlob(key);
    const name = before.name;
    const byFile = new Map<string, Array<{ entry: KnownHostEntry; r: LineReplacement }>>();
    for (const e of this.matchAll(files, name)) {
      if (e.marker !== undefined || e.key.equals(key) || e.keyType !== keyType) continue;
      if (!this.userFiles.includes(e.file) || !namesOnlyThisHost(e.hostField, name)) continue;
      const list = byFile.get(e.file) ?? [];
      list.push({ entry: e, r: { line: e.line, expect: e.raw, replacement: formatKnownHostsLine(e.hostField, keyType, key, e.comment) } });
      byFile.set(e.file, list);
    }
    const rewritten: KnownHostRef[] = [];
    for (const [file, list] of byFile) {
      await rewriteKnownHostsLines(
        file,
        list.map((x) => x.r),
      );
      this.cache.delete(file);
      rewritten.push(...list.map((x) => ref(x.entry)));
    }
    if (rewritten.length > 0) return { rewritten };
    const { file } = await this.remember(host, port, key);
    return { rewritten, appendedTo: file };
  }

  /**
   * Reads (and caches) every file now and summarises them: call at startup so the first connection
   * does not pay for parsing, and to show the user which files are used and which lines are skipped.
   */
  async inspect(): Promise<{ files: Array<{ file: string; entries: number; hashed: number; plain: number }>; warnings: KnownHostsWarning[] }> {
    const { files, warnings } = await this.loadAll();
    return {
      files: files.map((f) => ({ file: f.file, entries: f.parsed.entries.length, hashed: f.parsed.hashedCount, plain: f.parsed.plainCount })),
      warnings,
    };
  }

  /** Forgets cached parses (e.g. after settings changed the file list). */
  clearCache(): void {
    this.cache.clear();
  }
}
