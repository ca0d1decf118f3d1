// The real keychain: keytar against the Secret Service of this session (CI runs the suite in a
// private D-Bus session with an unlocked gnome-keyring). Items are checked independently with
// `secret-tool`. Where no Secret Service is reachable, every test here skips with the reason.
// Accounts use a random *.invalid host so a developer's real Skiff secrets are never touched.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KeytarSecretStore } from '../../../electron/core/secrets/keytar-secret-store';
import { SECRET_SERVICE, passphraseAccount, passwordAccount } from '../../../electron/core/secrets/secret-store';
import { BookmarkStore } from '../../../electron/core/store/bookmark-store';
import { BookmarkService } from '../../../electron/core/store/bookmark-service';
import { connectWithSecrets, type ConnectWithSecretsOptions } from '../../../electron/core/sftp/connect-with-secrets';
import type { SecretPrompt } from '../../../electron/core/secrets/secret-prompt';
import type { SavedLogin } from '../../../electron/core/store/bookmark-service';
import { SkiffError, isSkiffError } from '../../../electron/core/errors';

const run = randomBytes(4).toString('hex');
const host = (label: string) => `${label}-${run}.skiff-test.invalid`;
const secrets = new KeytarSecretStore();
let unavailable: string | null = null;
const touched = new Set<string>();
const dirs: string[] = [];

beforeAll(async () => {
  const probe = passwordAccount({ username: 'probe', host: host('probe'), port: 22 });
  try {
    await secrets.set(probe, 'probe');
    await secrets.delete(probe);
  } catch (err) {
    unavailable = `no usable Secret Service in this session: ${(err as Error).message}`;
  }
  if (unavailable === null && spawnSync('sh', ['-c', 'command -v secret-tool']).status !== 0)
    unavailable = 'secret-tool is not installed (apt-get install libsecret-tools)';
});

afterAll(async () => {
  for (const account of touched) await secrets.delete(account).catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function needKeychain(ctx: TestContext): void {
  if (unavailable !== null) ctx.skip(unavailable);
}

/** What secret-tool (libsecret, independent of keytar) finds for service Skiff + account. */
function secretToolFind(account: string): string | null {
  const r = spawnSync('secret-tool', ['search', '--all', 'service', SECRET_SERVICE, 'account', account], { encoding: 'utf8' });
  const out = `${r.stdout}\n${r.stderr}`;
  if (!out.includes(`attribute.account = ${account}`)) return null;
  return /^secret = (.*)$/m.exec(out)?.[1] ?? '';
}

function track(account: string): string {
  touched.add(account);
  return account;
}

async function service(): Promise<{ svc: BookmarkService; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-kc-'));
  dirs.push(dir);
  return { svc: new BookmarkService(await BookmarkStore.open({ configDir: dir }), secrets), dir };
}

function fileBytes(dir: string): string {
  return readdirSync(dir)
    .map((n) => readFileSync(path.join(dir, n), 'latin1'))
    .join('');
}

describe('KeytarSecretStore on the real Secret Service', () => {
  it('sets, reads, replaces and deletes; secret-tool sees the item under service Skiff', async (ctx) => {
    needKeychain(ctx);
    const account = track(passwordAccount({ username: 'alice', host: host('crud'), port: 2222 }));
    expect(account).toBe(`sftp://alice@${host('crud')}:2222`);
    expect(await secrets.has(account)).toBe(false);
    expect(secretToolFind(account)).toBeNull();
    await secrets.set(account, 'first-pw');
    expect(await secrets.get(account)).toBe('first-pw');
    expect(await secrets.has(account)).toBe(true);
    expect(secretToolFind(account)).toBe('first-pw');
    await secrets.set(account, 'second-pw');
    expect(await secrets.get(account)).toBe('second-pw');
    expect(secretToolFind(account)).toBe('second-pw');
    expect(await secrets.delete(account)).toBe(true);
    expect(await secrets.get(account)).toBeNull();
    expect(secretToolFind(account)).toBeNull();
    expect(await secrets.delete(account)).toBe(false);
  });

  it('keeps password and passphrase in separate accounts; unicode secrets round-trip', async (ctx) => {
    needKeychain(ctx);
    const id = { username: 'bob@corp', host: host('sep'), port: 22 };
    const pw = track(passwordAccount(id));
    const pp = track(passphraseAccount(id));
    expect(pp).toBe(`sftp-key://bob%40corp@${host('sep')}:22`);
    await secrets.set(pw, 'pässwörd ✓ "quoted"');
    await secrets.set(pp, 'key passphrase');
    expect(await secrets.get(pw)).toBe('pässwörd ✓ "quoted"');
    expect(await secrets.get(pp)).toBe('key passphrase');
    await secrets.delete(pw);
    expect(await secrets.get(pp)).toBe('key passphrase');
  });

  it('refuses an empty secret', async () => {
    const err = await secrets.set('sftp://x@y:22', '').catch((e: unknown) => e);
    expect(isSkiffError(err, 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('BookmarkService keeps secrets in step with bookmarks', () => {
  it('stores only when “Remember password” is on, never in bookmarks.json', async (ctx) => {
    needKeychain(ctx);
    const { svc, dir } = await service();
    const remembered = await svc.create({ name: 'r', host: host('remember'), username: 'u', rememberPassword: true }, { password: 'remembered-pw' });
    const forgotten = await svc.create({ name: 'f', host: host('forget'), username: 'u' }, { password: 'not-remembered-pw' });
    track(passwordAccount(remembered.bookmark));
    track(passwordAccount(forgotten.bookmark));
    expect(remembered.keychainWarning).toBeNull();
    expect(secretToolFind(passwordAccount(remembered.bookmark))).toBe('remembered-pw');
    expect(secretToolFind(passwordAccount(forgotten.bookmark))).toBeNull();
    expect(await svc.hasPassword(remembered.bookmark.id)).toBe(true);
    expect(await svc.hasPassword(forgotten.bookmark.id)).toBe(false);
    const onDisk = fileBytes(dir);
    expect(onDisk).not.toContain('remembered-pw');
    expect(onDisk).not.toContain('not-remembered-pw');
  });

  it('deleting a bookmark deletes its password and passphrase', async (ctx) => {
    needKeychain(ctx);
    const { svc } = await service();
    const { bookmark } = await svc.create(
      { name: 'd', host: host('delete'), username: 'u', authMethod: 'key', keyPath: '~/.ssh/id_x', rememberPassword: true },
      { password: 'del-pw', passphrase: 'del-pp' },
    );
    const pw = track(passwordAccount(bookmark));
    const pp = track(passphraseAccount(bookmark));
    expect(secretToolFind(pw)).toBe('del-pw');
    expect(secretToolFind(pp)).toBe('del-pp');
    const result = await svc.delete(bookmark.id);
    expect(result.keychainWarning).toBeNull();
    expect(secretToolFind(pw)).toBeNull();
    expect(secretToolFind(pp)).toBeNull();
  });

  it('a secret shared by two bookmarks for the same server survives deleting one of them', async (ctx) => {
    needKeychain(ctx);
    const { svc } = await service();
    const a = await svc.create({ name: 'a', host: host('shared'), username: 'u', rememberPassword: true }, { password: 'shared-pw' });
    const b = await svc.duplicate(a.bookmark.id);
    const account = track(passwordAccount(a.bookmark));
    await svc.delete(a.bookmark.id);
    expect(secretToolFind(account)).toBe('shared-pw');
    await svc.delete(b.id);
    expect(secretToolFind(account)).toBeNull();
  });

  it('moving a bookmark to another host/user moves its secret; turning Remember off forgets it', async (ctx) => {
    needKeychain(ctx);
    const { svc } = await service();
    const { bookmark } = await svc.create({ name: 'm', host: host('move-from'), username: 'u', rememberPassword: true }, { password: 'move-pw' });
    const from = track(passwordAccount(bookmark));
    const moved = await svc.update(bookmark.id, { host: host('move-to'), username: 'v' });
    const to = track(passwordAccount(moved.bookmark));
    expect(secretToolFind(from)).toBeNull();
    expect(secretToolFind(to)).toBe('move-pw');
    await svc.update(bookmark.id, { rememberPassword: false });
    expect(secretToolFind(to)).toBeNull();
    await svc.setPassword(bookmark.id, 'set-later');
    expect(svc.store.get(bookmark.id)?.rememberPassword).toBe(true);
    expect(secretToolFind(to)).toBe('set-later');
    await svc.setSecret(bookmark.id, 'passphrase', 'pp-later');
    const ppAccount = track(passphraseAccount(moved.bookmark));
    expect(await svc.hasSecret(bookmark.id, 'passphrase')).toBe(true);
    expect(secretToolFind(ppAccount)).toBe('pp-later');
    expect(await svc.deleteSecret(bookmark.id, 'passphrase')).toBe(true);
    expect(secretToolFind(ppAccount)).toBeNull();
    expect(secretToolFind(to)).toBe('set-later');
    await svc.forgetSecrets(bookmark.id);
    expect(secretToolFind(to)).toBeNull();
    expect(svc.store.get(bookmark.id)?.rememberPassword).toBe(false);
  });
});

/** Logs in through the one flow with a saved login, as SessionManager does. */
function loginWith<S>(saved: SavedLogin, o: Pick<ConnectWithSecretsOptions<S>, 'connect' | 'ask'> & Partial<ConnectWithSecretsOptions<S>>) {
  return connectWithSecrets({
    target: saved.target,
    secrets,
    useKeychain: saved.useKeychain,
    remember: async (kind, s) => void (await saved.remember(kind, s)),
    verifyHostKey: async () => true,
    ...o,
  });
}

describe('logging in with the real keychain', () => {
  it('a saved server: uses the stored password; when it is rejected asks, retries, and updates the keychain', async (ctx) => {
    needKeychain(ctx);
    const { svc } = await service();
    const { bookmark } = await svc.create({ name: 'c', host: host('connect'), username: 'u', rememberPassword: true }, { password: 'old-pw' });
    const account = track(passwordAccount(bookmark));
    const prompts: SecretPrompt[] = [];
    const tried: Array<string | undefined> = [];
    const result = await loginWith(svc.savedLogin(bookmark.id), {
      ask: async (p) => {
        prompts.push(p);
        return { secret: 'new-pw', remember: true };
      },
      // Stands in for sftp connect(): the server only accepts the new password.
      connect: async (o) => {
        tried.push(o.password);
        if (o.password !== 'new-pw') throw new SkiffError('AUTH_FAILED', 'Authentication failed.');
        return { id: 'session-1' };
      },
    });
    expect(tried).toEqual(['old-pw', 'new-pw']);
    expect(prompts.map((p) => [p.reason, p.canRemember, p.bookmarkName])).toEqual([['stored-rejected', true, 'c']]);
    expect(result).toMatchObject({ session: { id: 'session-1' }, remembered: true, keychainWarning: null });
    expect(secretToolFind(account)).toBe('new-pw');
  });

  it('a wrong new password is never saved', async (ctx) => {
    needKeychain(ctx);
    const { svc } = await service();
    const { bookmark } = await svc.create({ name: 'w', host: host('wrong'), username: 'u', rememberPassword: true }, { password: 'stored-pw' });
    const account = track(passwordAccount(bookmark));
    const err = await loginWith(svc.savedLogin(bookmark.id), {
      maxAttempts: 2,
      ask: async () => ({ secret: 'also-wrong', remember: true }),
      connect: async () => {
        throw new SkiffError('AUTH_FAILED', 'Authentication failed.');
      },
    }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'AUTH_FAILED')).toBe(true);
    expect(secretToolFind(account)).toBe('stored-pw');
  });

  it('a saved server: Remember ticked on a question stores the password after success and turns Remember on; next time nothing is asked', async (ctx) => {
    needKeychain(ctx);
    const { svc } = await service();
    const { bookmark } = await svc.create({ name: 'svc', host: host('svc-connect'), username: 'u' });
    const account = track(passwordAccount(bookmark));
    const result = await loginWith(svc.savedLogin(bookmark.id), {
      ask: async () => ({ secret: 'typed-and-remembered', remember: true }),
      connect: async (o) => (o.password === 'typed-and-remembered' ? 'session' : Promise.reject(new SkiffError('AUTH_FAILED', 'no'))),
    });
    expect(result).toMatchObject({ session: 'session', remembered: true, keychainWarning: null });
    expect(svc.store.get(bookmark.id)?.rememberPassword).toBe(true);
    expect(secretToolFind(account)).toBe('typed-and-remembered');
    const again = await loginWith(svc.savedLogin(bookmark.id), {
      ask: async () => {
        throw new Error('should not ask');
      },
      connect: async (o) => o.password,
    });
    expect(again.session).toBe('typed-and-remembered');
  });

  it('a typed user@host:port with Remember: kept with a new saved server named user@host, and the next login to it does not ask', async (ctx) => {
    needKeychain(ctx);
    const { svc, dir } = await service();
    const target = { host: host('quick'), port: 2200, username: 'qc', method: 'password' as const };
    const account = track(passwordAccount(target));
    const first = svc.serverLogin(target);
    expect(first).toMatchObject({ useKeychain: false, bookmark: undefined });
    const login = await loginWith(first, {
      typed: { password: 'quick-pw', remember: true },
      ask: async () => {
        throw new Error('should not ask');
      },
      connect: async (o) => (o.password === 'quick-pw' ? 'session' : Promise.reject(new SkiffError('AUTH_FAILED', 'no'))),
    });
    expect(login.remembered).toBe(true);
    expect(svc.store.list()).toEqual([
      expect.objectContaining({ name: `qc@${host('quick')}`, host: host('quick'), port: 2200, username: 'qc', authMethod: 'password', rememberPassword: true }),
    ]);
    expect(secretToolFind(account)).toBe('quick-pw');
    expect(fileBytes(dir)).not.toContain('quick-pw');

    const second = svc.serverLogin(target);
    expect(second.useKeychain).toBe(true);
    const again = await loginWith(second, {
      ask: async () => {
        throw new Error('should not ask');
      },
      connect: async (o) => o.password,
    });
    expect(again.session).toBe('quick-pw');
    // Remembering again updates the same saved server instead of adding one.
    await loginWith(svc.serverLogin(target), { typed: { password: 'quick-pw-2', remember: true }, ask: async () => null, connect: async () => 'ok' });
    expect(svc.store.list()).toHaveLength(1);
    expect(secretToolFind(account)).toBe('quick-pw-2');
  });
});
