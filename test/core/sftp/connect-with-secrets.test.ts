// The one login flow, without a server: `connect` is the injected seam (session.ts's connect()
// plugs in there). These cases need no keychain: either the server does not remember secrets, or
// the keychain is genuinely unusable (its native module cannot load). The real-keychain paths are
// in test/core/secrets/keychain.test.ts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SkiffError, isSkiffError } from '../../../electron/core/errors';
import { KeytarSecretStore } from '../../../electron/core/secrets/keytar-secret-store';
import type { SecretAnswer, SecretPrompt } from '../../../electron/core/secrets/secret-prompt';
import { connectWithSecrets, silentConnector, type ConnectWithSecretsOptions, type LoginTarget } from '../../../electron/core/sftp/connect-with-secrets';
import type { ConnectOptions } from '../../../electron/core/sftp/types';
import type { HostKeyInfo } from '../../../electron/core/trust/host-key';

/** A keychain that cannot be used: the native module fails to load (a real failure mode). */
const brokenKeychain = () => new KeytarSecretStore({ load: () => import('skiff-missing-native-keytar' as string) });

const target = (over: Partial<LoginTarget> = {}): LoginTarget => ({ host: 'prod.example', port: 2222, username: 'deploy', method: 'password', ...over });
const verifyHostKey = async () => true;
const hostKey = (keyType: string, byte: number): HostKeyInfo => ({
  host: 'prod.example',
  port: 2222,
  keyType,
  key: Buffer.alloc(32, byte),
  fingerprint: `SHA256:${byte}`,
  bits: 256,
});

/** Options with the usual no-keychain defaults; answers come from `answers` in order (null = cancel). */
function opts<S>(over: Partial<ConnectWithSecretsOptions<S>> & Pick<ConnectWithSecretsOptions<S>, 'connect'>, answers: Array<SecretAnswer | null> = []) {
  const prompts: SecretPrompt[] = [];
  const o: ConnectWithSecretsOptions<S> = {
    target: target(),
    secrets: brokenKeychain(),
    useKeychain: false,
    verifyHostKey,
    ask: async (p) => {
      prompts.push(p);
      return answers.length > 0 ? answers.shift()! : null;
    },
    ...over,
  };
  return { o, prompts };
}

/** A server that accepts only `password` (AUTH_FAILED otherwise), presenting `key` to the host-key hook. */
function server(password: string, key = hostKey('ssh-ed25519', 1)) {
  const tried: Array<string | undefined> = [];
  const connect = async (o: ConnectOptions): Promise<string> => {
    if (!(await o.verifyHostKey(key))) throw new SkiffError('HOST_KEY_REJECTED', 'Host key rejected.');
    tried.push(o.password);
    if (o.password !== password) throw new SkiffError('AUTH_FAILED', 'Authentication failed.');
    return `session-${tried.length}`;
  };
  return { tried, connect };
}

describe('where the secret comes from', () => {
  it('agent: offers the agent, no secret, no question', async () => {
    let seen: ConnectOptions | undefined;
    const { o, prompts } = opts({ target: target({ method: 'agent' }), connect: async (c) => ((seen = c), 'ok') });
    await connectWithSecrets(o);
    expect(seen).toMatchObject({ host: 'prod.example', port: 2222, username: 'deploy', agent: true });
    expect(seen?.password).toBeUndefined();
    expect(prompts).toEqual([]);
  });

  it('key: expands ~ in the key path; asks for no passphrase unless the key needs one', async () => {
    let seen: ConnectOptions | undefined;
    const { o, prompts } = opts({
      target: target({ method: 'key', keyPath: '~/.ssh/id_ed25519' }),
      home: '/home/tester',
      connect: async (c) => ((seen = c), 'ok'),
    });
    await connectWithSecrets(o);
    expect(seen?.privateKeyPath).toBe(path.join('/home/tester', '.ssh', 'id_ed25519'));
    expect(seen?.passphrase).toBeUndefined();
    expect(prompts).toEqual([]);
  });

  it('key without a key file is INVALID_ARGUMENT before anything is sent', async () => {
    let calls = 0;
    const { o } = opts({ target: target({ method: 'key' }), connect: async () => (calls++, 'ok') });
    const err = await connectWithSecrets(o).catch((e: unknown) => e);
    expect(isSkiffError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect(calls).toBe(0);
  });

  it('keyboard-interactive: the prompt handler reaches connect, and answering it marks the login interactive', async () => {
    const { o } = opts({
      target: target({ method: 'keyboard-interactive' }),
      onKeyboardInteractive: async () => ['123456'],
      connect: async (c) => {
        expect(await c.onKeyboardInteractive?.({ name: '', instructions: '', prompts: [{ prompt: 'Code: ', echo: true }] })).toEqual(['123456']);
        return 'ok';
      },
    });
    const login = await connectWithSecrets(o);
    expect(login.credentials.interactive).toBe(true);
  });

  it('a typed password is used as it is: no question, the keychain is not read', async () => {
    const s = server('typed');
    const { o, prompts } = opts({ typed: { password: 'typed' }, useKeychain: true, connect: s.connect });
    const login = await connectWithSecrets(o);
    expect(s.tried).toEqual(['typed']);
    expect(prompts).toEqual([]);
    // A broken keychain would have left a warning had it been read.
    expect(login.keychainWarning).toBeNull();
  });

  it('no password and none remembered: asks (Remember offered when it can be kept), never touches the keychain', async () => {
    const s = server('asked');
    const { o, prompts } = opts({ connect: s.connect, remember: async () => undefined }, [{ secret: 'asked', remember: false }]);
    const login = await connectWithSecrets(o);
    expect(login.keychainWarning).toBeNull();
    expect(prompts).toEqual([
      { secret: 'password', host: 'prod.example', port: 2222, username: 'deploy', reason: 'not-stored', canRemember: true, rememberDefault: false },
    ]);
  });

  it('without a way to keep a secret, Remember is not offered', async () => {
    const { o, prompts } = opts({ connect: server('x').connect }, [{ secret: 'x', remember: true }]);
    expect((await connectWithSecrets(o)).remembered).toBe(false);
    expect(prompts[0]).toMatchObject({ canRemember: false, rememberDefault: false });
  });

  it('remembered, but the keychain is unavailable: asks, explains, does not offer Remember', async () => {
    let kept = 0;
    const { o, prompts } = opts({ useKeychain: true, connect: server('pw').connect, remember: async () => void kept++ }, [{ secret: 'pw', remember: true }]);
    const login = await connectWithSecrets(o);
    expect(prompts[0]).toMatchObject({ reason: 'keychain-unavailable', canRemember: false });
    expect(prompts[0]!.keychainMessage).toMatch(/keychain module could not be loaded/);
    expect(login).toMatchObject({ remembered: false, keychainWarning: { code: 'KEYCHAIN_UNAVAILABLE' } });
    expect(kept).toBe(0);
    expect(JSON.stringify(login.keychainWarning)).not.toContain('"pw"');
  });

  it('cancelling the question is CANCELLED and nothing is sent', async () => {
    let calls = 0;
    const { o } = opts({ connect: async () => (calls++, 'ok') }, [null]);
    const err = await connectWithSecrets(o).catch((e: unknown) => e);
    expect(isSkiffError(err, 'CANCELLED')).toBe(true);
    expect(calls).toBe(0);
  });
});

describe('retry and remember', () => {
  it('a rejected password is asked again (reason "rejected"), then connects', async () => {
    const s = server('right');
    const { o, prompts } = opts({ connect: s.connect }, [
      { secret: 'wrong', remember: false },
      { secret: 'right', remember: false },
    ]);
    const login = await connectWithSecrets(o);
    expect(s.tried).toEqual(['wrong', 'right']);
    expect(prompts.map((p) => p.reason)).toEqual(['not-stored', 'rejected']);
    expect(login).toMatchObject({ session: 'session-2', remembered: false, keychainWarning: null });
  });

  it('gives up after maxAttempts with the server’s error', async () => {
    const s = server('never');
    const { o } = opts(
      { connect: s.connect, maxAttempts: 3 },
      [1, 2, 3].map(() => ({ secret: 'nope', remember: false })),
    );
    const err = await connectWithSecrets(o).catch((e: unknown) => e);
    expect(isSkiffError(err, 'AUTH_FAILED')).toBe(true);
    expect(s.tried).toHaveLength(3);
  });

  it('does not retry other errors (host key rejected, connection refused)', async () => {
    const { o, prompts } = opts(
      {
        connect: async () => {
          throw new SkiffError('HOST_KEY_REJECTED', 'Host key rejected.');
        },
      },
      [{ secret: 'pw', remember: false }],
    );
    const err = await connectWithSecrets(o).catch((e: unknown) => e);
    expect(isSkiffError(err, 'HOST_KEY_REJECTED')).toBe(true);
    expect(prompts).toHaveLength(1); // only the first question for the password
  });

  it('an encrypted key: PASSPHRASE_REQUIRED asks for the passphrase (naming the key) and retries with it', async () => {
    const { o, prompts } = opts(
      {
        target: target({ method: 'key', keyPath: '/keys/id' }),
        connect: async (c) => {
          if (c.passphrase !== 'pp') throw new SkiffError('PASSPHRASE_REQUIRED', 'The key needs a passphrase.');
          return c.privateKeyPath;
        },
      },
      [{ secret: 'pp', remember: false }],
    );
    expect((await connectWithSecrets(o)).session).toBe('/keys/id');
    expect(prompts).toEqual([expect.objectContaining({ secret: 'passphrase', reason: 'not-stored', keyPath: '/keys/id' })]);
  });

  it('a typed password with Remember is kept once, after the server accepted it', async () => {
    const s = server('good');
    const kept: Array<[string, string, number]> = [];
    const { o } = opts({
      typed: { password: 'good', remember: true },
      connect: s.connect,
      remember: async (kind, secret) => void kept.push([kind, secret, s.tried.length]),
    });
    const login = await connectWithSecrets(o);
    expect(kept).toEqual([['password', 'good', 1]]);
    expect(login.remembered).toBe(true);
  });

  it('Remember ticked, the typed password refused: the question starts with Remember ticked and only the right one is kept', async () => {
    const s = server('right');
    const kept: string[] = [];
    const { o, prompts } = opts({ typed: { password: 'typo', remember: true }, connect: s.connect, remember: async (_k, secret) => void kept.push(secret) }, [
      { secret: 'right', remember: true },
    ]);
    await connectWithSecrets(o);
    expect(prompts).toEqual([expect.objectContaining({ reason: 'rejected', canRemember: true, rememberDefault: true })]);
    expect(kept).toEqual(['right']);
  });

  it('a wrong password is never kept', async () => {
    const kept: string[] = [];
    const { o } = opts(
      {
        typed: { password: 'wrong', remember: true },
        maxAttempts: 2,
        connect: server('right').connect,
        remember: async (_k, secret) => void kept.push(secret),
      },
      [{ secret: 'also-wrong', remember: true }],
    );
    expect(isSkiffError(await connectWithSecrets(o).catch((e: unknown) => e), 'AUTH_FAILED')).toBe(true);
    expect(kept).toEqual([]);
  });

  it('keeping the secret fails: the session stands, and the warning says why', async () => {
    const { o } = opts({
      typed: { password: 'good', remember: true },
      connect: server('good').connect,
      remember: async () => {
        throw new SkiffError('KEYCHAIN_UNAVAILABLE', 'The system keychain is locked.');
      },
    });
    const login = await connectWithSecrets(o);
    expect(login).toMatchObject({
      session: 'session-1',
      remembered: false,
      keychainWarning: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The system keychain is locked.' },
    });
  });
});

describe('connecting again with what worked', () => {
  it('silentConnector: the secret that worked and only the accepted host key, without a question or a prompt handler', async () => {
    const key = hostKey('ssh-ed25519', 7);
    const s = server('right', key);
    const { o } = opts({ connect: s.connect, onKeyboardInteractive: async () => null }, [{ secret: 'right', remember: false }]);
    const login = await connectWithSecrets(o);
    expect(login.credentials.hostKey).toBe(key);
    let seen: ConnectOptions | undefined;
    const again = silentConnector(login.credentials, async (c) => ((seen = c), 'extra'))!;
    expect(await again()).toBe('extra');
    expect(seen).toMatchObject({ password: 'right', knownHostKeyTypes: ['ssh-ed25519'] });
    expect(seen?.onKeyboardInteractive).toBeUndefined();
    expect(await seen!.verifyHostKey(key)).toBe(true);
    expect(await seen!.verifyHostKey(hostKey('ssh-ed25519', 8))).toBe(false);
    expect(await seen!.verifyHostKey(hostKey('ssh-rsa', 7))).toBe(false);
  });

  it('no silent connector after keyboard-interactive answers or without an accepted key', async () => {
    const interactive = await connectWithSecrets(
      opts({
        target: target({ method: 'keyboard-interactive' }),
        onKeyboardInteractive: async () => ['x'],
        connect: async (c) => (
          await c.verifyHostKey(hostKey('ssh-ed25519', 1)),
          await c.onKeyboardInteractive?.({ name: '', instructions: '', prompts: [] }),
          'ok'
        ),
      }).o,
    );
    expect(silentConnector(interactive.credentials, async () => 'x')).toBeUndefined();
    const unverified = await connectWithSecrets(opts({ target: target({ method: 'agent' }), connect: async () => 'ok' }).o);
    expect(silentConnector(unverified.credentials, async () => 'x')).toBeUndefined();
  });
});
