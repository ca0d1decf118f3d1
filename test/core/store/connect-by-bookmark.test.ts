// Connect-by-bookmark without a server: `connect` is the injected seam (the SFTP engineer's
// connect() plugs in there). These cases need no keychain: either the bookmark does not
// remember secrets, or the keychain is genuinely unusable (its native module cannot load).
// The real-keychain paths are in test/core/secrets/keychain.test.ts.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { connectWithSecretRetry, resolveConnectOptions, type SecretPrompt } from '../../../electron/core/store/connect-by-bookmark';
import { KeytarSecretStore } from '../../../electron/core/secrets/keytar-secret-store';
import type { Bookmark } from '../../../electron/core/store/bookmark-schema';
import { SkiffError, isSkiffError } from '../../../electron/core/errors';
import type { ConnectOptions } from '../../../electron/core/sftp/types';

/** A keychain that cannot be used: the native module fails to load (a real failure mode). */
const brokenKeychain = () => new KeytarSecretStore({ load: () => import('skiff-missing-native-keytar' as string) });

function bookmark(over: Partial<Bookmark> = {}): Bookmark {
  return {
    id: '8b7f1c1e-2f4a-4c1e-9a57-0d7f2a5e9b10',
    name: 'Prod',
    host: 'prod.example',
    port: 2222,
    username: 'deploy',
    authMethod: 'password',
    keyPath: null,
    remoteDir: null,
    localDir: null,
    group: null,
    notes: '',
    rememberPassword: false,
    lastConnectedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

const verifyHostKey = async () => true;

describe('resolveConnectOptions', () => {
  it('agent: offers the agent, no secret, no prompt', async () => {
    const asked: SecretPrompt[] = [];
    const o = await resolveConnectOptions(bookmark({ authMethod: 'agent' }), { secrets: brokenKeychain(), verifyHostKey, askPassword: async (p) => (asked.push(p), null) });
    expect(o).toMatchObject({ host: 'prod.example', port: 2222, username: 'deploy', agent: true });
    expect(o.password).toBeUndefined();
    expect(o.verifyHostKey).toBe(verifyHostKey);
    expect(asked).toEqual([]);
  });

  it('key: expands ~ in the key path; no passphrase unless one is stored', async () => {
    const o = await resolveConnectOptions(bookmark({ authMethod: 'key', keyPath: '~/.ssh/id_ed25519' }), {
      secrets: brokenKeychain(),
      verifyHostKey,
      home: '/home/tester',
      askPassword: async () => null,
    });
    expect(o.privateKeyPath).toBe(path.join('/home/tester', '.ssh', 'id_ed25519'));
    expect(o.passphrase).toBeUndefined();
    expect(path.isAbsolute(o.privateKeyPath!)).toBe(true);
  });

  it('keyboard-interactive: passes the prompt handler through', async () => {
    const onKeyboardInteractive = async () => ['x'];
    const o = await resolveConnectOptions(bookmark({ authMethod: 'keyboard-interactive' }), { secrets: brokenKeychain(), verifyHostKey, onKeyboardInteractive, askPassword: async () => null });
    expect(o.onKeyboardInteractive).toBe(onKeyboardInteractive);
  });

  it('password not remembered: asks (Remember offered), never touches the keychain', async () => {
    const asked: SecretPrompt[] = [];
    const o = await resolveConnectOptions(bookmark(), {
      secrets: brokenKeychain(),
      verifyHostKey,
      askPassword: async (p) => {
        asked.push(p);
        return { secret: 'typed', remember: false };
      },
    });
    expect(o.password).toBe('typed');
    expect(asked).toEqual([expect.objectContaining({ kind: 'password', reason: 'not-stored', canRemember: true })]);
    expect(asked[0]!.keychainMessage).toBeUndefined();
  });

  it('password remembered but the keychain is unavailable: asks, explains, does not offer Remember', async () => {
    const asked: SecretPrompt[] = [];
    const o = await resolveConnectOptions(bookmark({ rememberPassword: true }), {
      secrets: brokenKeychain(),
      verifyHostKey,
      askPassword: async (p) => {
        asked.push(p);
        return { secret: 'typed', remember: true };
      },
    });
    expect(o.password).toBe('typed');
    expect(asked[0]).toMatchObject({ reason: 'keychain-unavailable', canRemember: false });
    expect(asked[0]!.keychainMessage).toMatch(/keychain module could not be loaded/);
  });

  it('cancelling the prompt is CANCELLED', async () => {
    const err = await resolveConnectOptions(bookmark(), { secrets: brokenKeychain(), verifyHostKey, askPassword: async () => null }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'CANCELLED')).toBe(true);
  });
});

describe('connectWithSecretRetry', () => {
  it('a rejected typed password is asked again (reason "rejected"), then connects', async () => {
    const answers = ['wrong', 'right'];
    const prompts: SecretPrompt[] = [];
    const tried: Array<string | undefined> = [];
    const r = await connectWithSecretRetry(bookmark(), {
      secrets: brokenKeychain(),
      verifyHostKey,
      askPassword: async (p) => {
        prompts.push(p);
        return { secret: answers.shift()!, remember: false };
      },
      connect: async (o: ConnectOptions) => {
        tried.push(o.password);
        if (o.password !== 'right') throw new SkiffError('AUTH_FAILED', 'Authentication failed.');
        return 'session';
      },
    });
    expect(tried).toEqual(['wrong', 'right']);
    expect(prompts.map((p) => p.reason)).toEqual(['not-stored', 'rejected']);
    expect(r).toEqual({ session: 'session', keychainUpdated: false, rememberRequested: false, keychainWarning: null });
  });

  it('gives up after maxAttempts with the server’s error', async () => {
    let calls = 0;
    const err = await connectWithSecretRetry(bookmark(), {
      secrets: brokenKeychain(),
      verifyHostKey,
      maxAttempts: 3,
      askPassword: async () => ({ secret: 'nope', remember: false }),
      connect: async () => {
        calls++;
        throw new SkiffError('AUTH_FAILED', 'Authentication failed.');
      },
    }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'AUTH_FAILED')).toBe(true);
    expect(calls).toBe(3);
  });

  it('does not retry other errors (e.g. host key rejected, connection refused)', async () => {
    let asked = 0;
    const err = await connectWithSecretRetry(bookmark(), {
      secrets: brokenKeychain(),
      verifyHostKey,
      askPassword: async () => (asked++, { secret: 'pw', remember: false }),
      connect: async () => {
        throw new SkiffError('HOST_KEY_REJECTED', 'Host key rejected.');
      },
    }).catch((e: unknown) => e);
    expect(isSkiffError(err, 'HOST_KEY_REJECTED')).toBe(true);
    expect(asked).toBe(1); // only the initial prompt for the password
  });

  it('an encrypted key: PASSPHRASE_REQUIRED asks for the passphrase and retries with it', async () => {
    const prompts: SecretPrompt[] = [];
    const r = await connectWithSecretRetry(bookmark({ authMethod: 'key', keyPath: '/keys/id' }), {
      secrets: brokenKeychain(),
      verifyHostKey,
      askPassword: async (p) => (prompts.push(p), { secret: 'pp', remember: false }),
      connect: async (o) => {
        if (o.passphrase !== 'pp') throw new SkiffError('PASSPHRASE_REQUIRED', 'The key needs a passphrase.');
        return o.privateKeyPath;
      },
    });
    expect(r.session).toBe('/keys/id');
    expect(prompts).toEqual([expect.objectContaining({ kind: 'passphrase', reason: 'not-stored' })]);
  });

  it('Remember ticked but the keychain is unusable: connects, stores nothing, says why', async () => {
    const r = await connectWithSecretRetry(bookmark({ rememberPassword: true }), {
      secrets: brokenKeychain(),
      verifyHostKey,
      askPassword: async () => ({ secret: 'pw', remember: true }),
      connect: async () => 'ok',
    });
    expect(r).toMatchObject({ session: 'ok', keychainUpdated: false, rememberRequested: false, keychainWarning: { code: 'KEYCHAIN_UNAVAILABLE' } });
    expect(JSON.stringify(r)).not.toContain('"pw"');
  });
});
