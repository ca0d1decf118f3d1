// Owner and group names for local files (the Owner column shows names, like SFTP's longname).
// Read once from /etc/passwd and /etc/group; where those are missing or incomplete (Windows,
// directory services on macOS) the numeric id stays and the current user's name is still known.
import { readFile } from 'node:fs/promises';
import os from 'node:os';

export interface AccountNames {
  user(uid: number): string | undefined;
  group(gid: number): string | undefined;
}

/** `name:…:id:…` lines → id → name (the first name wins, as getpwuid does). */
export function parseAccountFile(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [name, , id] = line.split(':');
    if (!name || id === undefined || !/^\d+$/.test(id)) continue;
    const n = Number(id);
    if (!out.has(n)) out.set(n, name);
  }
  return out;
}

async function readMap(file: string): Promise<Map<number, string>> {
  try {
    return parseAccountFile(await readFile(file, 'utf8'));
  } catch {
    return new Map();
  }
}

let cached: Promise<AccountNames> | undefined;

/** The local account names, loaded once per process. */
export function localAccountNames(): Promise<AccountNames> {
  cached ??= (async () => {
    const [users, groups] = await Promise.all([readMap('/etc/passwd'), readMap('/etc/group')]);
    try {
      const me = os.userInfo();
      if (me.uid >= 0 && !users.has(me.uid)) users.set(me.uid, me.username);
    } catch {
      // No passwd entry for this uid (containers): numbers it is.
    }
    return { user: (uid) => users.get(uid), group: (gid) => groups.get(gid) };
  })();
  return cached;
}
