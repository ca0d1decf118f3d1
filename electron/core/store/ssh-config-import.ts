// Turns ~/.ssh/config into bookmark candidates with the `ssh-config` parser: concrete Host
// aliases become candidates, wildcard blocks act as defaults (via the library's compute()),
// Include is followed (globs, relative to ~/.ssh, cycle-guarded) and Match is skipped with a note.
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { bookmarkFieldsSchema, type Bookmark, type BookmarkAuthMethod, type BookmarkInput } from './bookmark-schema';
import { zodIssues, formatIssue } from './json-file-store';
import { expandHome } from '../paths';
import { defaultAgentSources } from '../sftp/agent-sources';
import type { ImportNote, SshConfigCandidateOf, SshConfigScanOf } from './ssh-config-candidate';

export type { ImportNote } from './ssh-config-candidate';
/** One concrete Host alias, ready to become a bookmark. */
export type SshConfigCandidate = SshConfigCandidateOf<BookmarkInput>;
export type SshConfigScan = SshConfigScanOf<BookmarkInput>;

export interface ScanSshConfigOptions {
  /** Default: ~/.ssh/config. */
  file?: string;
  /** Home dir for `~` and relative Includes (default os.homedir()). */
  home?: string;
  /** The local user (ssh's default remote user). */
  localUser?: string;
  /** Existing bookmarks, for duplicate detection. */
  existing?: readonly Pick<Bookmark, 'id' | 'host' | 'port' | 'username'>[];
  /** Whether an ssh-agent is available (decides 'agent' vs 'password' for hosts without IdentityFile). Default: an agent is known (defaultAgentSources). */
  agentAvailable?: boolean;
}

// OpenSSH's own limit on nested Includes.
const MAX_INCLUDE_DEPTH = 16;
const UNSUPPORTED = ['proxyjump', 'proxycommand', 'localforward', 'remoteforward', 'dynamicforward', 'certificatefile'];

/** Reads an ssh config (and its Includes) and returns importable candidates plus notes; a missing file yields no candidates. */
export async function scanSshConfig(options: ScanSshConfigOptions = {}): Promise<SshConfigScan> {
  const home = options.home ?? os.homedir();
  const file = options.file ?? path.join(home, '.ssh', 'config');
  const localUser = options.localUser ?? safeUserName();
  const agentAvailable = options.agentAvailable ?? defaultAgentSources(process.env, process.platform).sources.length > 0;
  const ctx: ExpandContext = { home, sshDir: path.join(home, '.ssh'), notes: [], files: [], stack: [] };

  const flat = new SSHConfig();
  try {
    flat.push(...(await loadFile(file, ctx, 0)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { candidates: [], notes: [{ file, message: 'No ssh config file found.' }], files: [] };
    return { candidates: [], notes: [{ file, message: `Could not read the ssh config: ${(err as Error).message}` }], files: ctx.files };
  }

  const aliases: Array<{ alias: string; file: string }> = [];
  const seen = new Set<string>();
  for (const line of flat) {
    if (!isSection(line) || !/^host$/i.test(line.param)) continue;
    for (const pattern of values(line.value)) {
      // Patterns and negations describe sets of hosts: they supply defaults, never bookmarks.
      if (/[*?!]/.test(pattern) || seen.has(pattern)) continue;
      seen.add(pattern);
      aliases.push({ alias: pattern, file: sourceOf(line) ?? file });
    }
  }

  const candidates = aliases.map(({ alias, file: source }) =>
    toCandidate(flat, alias, source, { localUser, agentAvailable, home, existing: options.existing ?? [] }, ctx.notes),
  );
  return { candidates, notes: ctx.notes, files: ctx.files };
}

interface ExpandContext {
  home: string;
  sshDir: string;
  notes: ImportNote[];
  files: string[];
  /** Real paths of the files being expanded (cycle guard). */
  stack: string[];
}

// Parses one file and splices its Includes in place, as ssh does. An Include inside a Host block
// contributes its top-level directives to that block; its own Host blocks follow at top level.
async function loadFile(file: string, ctx: ExpandContext, depth: number): Promise<Line[]> {
  const real = await realpath(file);
  const text = await readFile(real, 'utf8');
  ctx.files.push(file);
  ctx.stack.push(real);
  try {
    const parsed = SSHConfig.parse(text);
    const out: Line[] = [];
    for (const line of parsed) {
      if (line.type !== LineType.DIRECTIVE) continue;
      if (isSection(line)) {
        if (/^match$/i.test(line.param)) {
          ctx.notes.push({ file, message: `“Match ${values(line.value).join(' ')}” block skipped: Skiff does not evaluate Match conditions.` });
          continue;
        }
        const inner: Line[] = [];
        const trailing: Line[] = [];
        for (const sub of line.config) {
          if (sub.type !== LineType.DIRECTIVE) continue;
          if (/^include$/i.test(sub.param)) {
            for (const included of await expandInclude(sub.value, file, ctx, depth)) {
              if (isSection(included)) trailing.push(included);
              else if (trailing.length === 0) inner.push(included);
              else trailing.push(included);
            }
          } else inner.push(sub);
        }
        const section = { ...line, config: Object.assign(new SSHConfig(), inner) } as Line;
        tagSource(section, file);
        out.push(section, ...trailing);
      } else if (/^include$/i.test(line.param)) {
        out.push(...(await expandInclude(line.value, file, ctx, depth)));
      } else {
        out.push(line);
      }
    }
    return out;
  } finally {
    ctx.stack.pop();
  }
}

async function expandInclude(value: unknown, from: string, ctx: ExpandContext, depth: number): Promise<Line[]> {
  const out: Line[] = [];
  for (const raw of values(value)) {
    if (depth + 1 > MAX_INCLUDE_DEPTH) {
      ctx.notes.push({ file: from, message: `Include “${raw}” not followed: more than ${MAX_INCLUDE_DEPTH} levels deep.` });
      continue;
    }
    const pattern = expandHome(raw, ctx.home);
    // ssh: relative Include paths in a user config are relative to ~/.ssh.
    const absolute = path.isAbsolute(pattern) ? pattern : path.join(ctx.sshDir, pattern);
    const matches = await globPath(absolute);
    if (matches.length === 0) {
      ctx.notes.push({ file: from, message: `Include “${raw}” matched no files.` });
      continue;
    }
    for (const match of matches) {
      let real: string;
      try {
        real = await realpath(match);
        if (!(await stat(real)).isFile()) continue;
      } catch {
        continue;
      }
      if (ctx.stack.includes(real)) {
        ctx.notes.push({ file: from, message: `Include “${raw}” skipped: “${match}” is already being read (an Include cycle).` });
        continue;
      }
      try {
        out.push(...(await loadFile(match, ctx, depth + 1)));
      } catch (err) {
        ctx.notes.push({ file: from, message: `Include “${match}” could not be read: ${(err as Error).message}` });
      }
    }
  }
  return out;
}

// glob(3) semantics as ssh uses them: wildcards per path segment, no dotfiles, sorted results.
async function globPath(absolute: string): Promise<string[]> {
  const { root } = path.parse(absolute);
  const segments = absolute
    .slice(root.length)
    .split(/[\\/]+/)
    .filter(Boolean);
  let current = [root];
  for (const segment of segments) {
    const next: string[] = [];
    if (!picomatch.scan(segment).isGlob) {
      for (const dir of current) next.push(path.join(dir, segment));
    } else {
      const isMatch = picomatch(segment, { dot: false });
      for (const dir of current) {
        let names: string[];
        try {
          names = await readdir(dir);
        } catch {
          continue;
        }
        for (const name of names.sort()) if (isMatch(name)) next.push(path.join(dir, name));
      }
    }
    current = next;
  }
  const existing: string[] = [];
  for (const p of current) {
    try {
      await stat(p);
      existing.push(p);
    } catch {
      // a literal Include of a missing file is silently ignored by ssh too
    }
  }
  return existing;
}

interface CandidateContext {
  localUser: string;
  agentAvailable: boolean;
  home: string;
  existing: readonly Pick<Bookmark, 'id' | 'host' | 'port' | 'username'>[];
}

function toCandidate(config: SSHConfig, alias: string, source: string, c: CandidateContext, notes: ImportNote[]): SshConfigCandidate {
  // matchExec off: never run commands from a config file during an import preview.
  const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
  const first = (key: string): string | undefined => {
    const v = computed[key];
    return Array.isArray(v) ? v[0] : v;
  };
  const username = first('user') ?? c.localUser;
  const hostName = expandTokens(first('hostname') ?? alias, { alias, host: alias, user: username, localUser: c.localUser, home: c.home, port: '22' });
  const portText = first('port') ?? '22';
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  const tokens = { alias, host: hostName, user: username, localUser: c.localUser, home: c.home, port: portText };
  const identityList = computed.identityfile;
  const identityFiles = (Array.isArray(identityList) ? identityList : identityList ? [identityList] : [])
    .filter((f) => f.toLowerCase() !== 'none')
    .map((f) => expandTokens(expandHome(f, c.home), tokens));

  const unsupported = UNSUPPORTED.filter((k) => computed[k] !== undefined && first(k)?.toLowerCase() !== 'none').map(displayName);
  for (const option of unsupported) notes.push({ file: source, alias, message: `${option} is not supported yet; “${alias}” will connect directly.` });

  let authMethod: BookmarkAuthMethod;
  if (identityFiles.length > 0) authMethod = 'key';
  else if (c.agentAvailable) authMethod = 'agent';
  else authMethod = 'password';

  const noteLines = [`Imported from ${source} (Host ${alias}).`];
  if (identityFiles.length > 1) noteLines.push(`IdentityFile: ${identityFiles.join(', ')}`);
  if (unsupported.length > 0) noteLines.push(`Not supported yet: ${unsupported.join(', ')}.`);

  const bookmark: BookmarkInput = {
    name: alias,
    host: hostName,
    port,
    username,
    authMethod,
    keyPath: identityFiles[0] ?? null,
    notes: noteLines.join('\n'),
  };
  const parsed = bookmarkFieldsSchema.safeParse(bookmark);
  const error = parsed.success ? null : zodIssues(parsed.error).map(formatIssue).join('; ');
  const key = parsed.success ? identity(parsed.data) : null;
  const duplicate = key === null ? undefined : c.existing.find((b) => identity(b) === key);
  return { id: `ssh-config:${alias}`, alias, bookmark, identityFiles, unsupported, duplicateOf: duplicate?.id ?? null, error };
}

function identity(b: { host: string; port: number; username: string }): string {
  return `${b.username}@${b.host.toLowerCase()}:${b.port}`;
}

// ssh_config TOKENS that make sense before connecting; unknown ones are left as written.
function expandTokens(value: string, t: { alias: string; host: string; user: string; localUser: string; home: string; port: string }): string {
  return value.replace(/%([%hnrpudlL])/g, (_m, token: string) => {
    switch (token) {
      case '%':
        return '%';
      case 'h':
        return t.host;
      case 'n':
        return t.alias;
      case 'r':
        return t.user;
      case 'p':
        return t.port;
      case 'u':
        return t.localUser;
      case 'd':
        return t.home;
      case 'l':
      case 'L':
        return os.hostname().split('.')[0] ?? '';
      default:
        return _m;
    }
  });
}

function values(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v: { val: string }) => v.val);
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}

function isSection(line: Line): line is Line & { config: SSHConfig; param: string; value: unknown } {
  return line.type === LineType.DIRECTIVE && 'config' in line;
}

const SOURCES = new WeakMap<object, string>();
function tagSource(line: Line, file: string): void {
  SOURCES.set(line, file);
}
function sourceOf(line: Line): string | undefined {
  return SOURCES.get(line);
}

function displayName(key: string): string {
  const names: Record<string, string> = {
    proxyjump: 'ProxyJump',
    proxycommand: 'ProxyCommand',
    localforward: 'LocalForward',
    remoteforward: 'RemoteForward',
    dynamicforward: 'DynamicForward',
    certificatefile: 'CertificateFile',
  };
  return names[key] ?? key;
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'root';
  }
}
