// End to end with the real connect(): the trust decision happens before any authentication.
// Real sshd restarted with new host keys → "changed", connection refused, replace works;
// the scriptable ssh2 server proves no password (no auth attempt at all) leaves before the decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findOpenSsh, startSshd, type SshdHandle } from '../../support/sshd';
import { startFakeServer, type FakeServer } from '../../support/fake-server';
import { connect } from '../../../electron/core/sftp/session';
import { KnownHostsStore } from '../../../electron/core/trust/known-hosts-store';
import { createHostKeyVerifier, type HostKeyAnswer, type HostKeyPolicy, type HostKeyQuestion } from '../../../electron/core/trust/host-key-verifier';
import { hashName } from '../../../electron/core/trust/host-pattern';
import { isSkiffError, type SkiffError } from '../../../electron/core/errors';
import { newKey, readPub, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function dialog(...answers: HostKeyAnswer[]) {
  const questions: HostKeyQuestion[] = [];
  return {
    questions,
    ask: async (q: HostKeyQuestion): Promise<HostKeyAnswer> => {
      questions.push(q);
      return answers.shift() ?? 'cancel';
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<SkiffError> {
  const r = await p.then(
    async (session) => {
      await (session as { close(): Promise<void> }).close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(isSkiffError(r), String(r)).toBe(true);
  return r as SkiffError;
}

describe('real sshd restarted with a new host key', () => {
  let sshd: SshdHandle;
  const knownHosts = path.join(tmp.dir, 'home', '.ssh', 'known_hosts');
  const store = new KnownHostsStore({ userFiles: [knownHosts] });

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const connectWith = (policy: HostKeyPolicy, ask: (q: HostKeyQuestion) => Promise<HostKeyAnswer>) =>
    connect({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      privateKeyPath: sshd.clientKeys.ed25519,
      verifyHostKey: createHostKeyVerifier({ store: new KnownHostsStore({ userFiles: [knownHosts] }), policy, ask }),
    });

  it('first connection: "trust and remember" saves the key; the next connection is trusted without a question', async () => {
    const d = dialog('trust-remember');
    const session = await connectWith('ask', d.ask);
    await session.close();
    expect(d.questions.map((q) => q.kind)).toEqual(['unknown']);
    expect(readFileSync(knownHosts, 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-`));
    const d2 = dialog();
    await (await connectWith('yes', d2.ask)).close();
    expect(d2.questions).toEqual([]);
  });

  it('after a restart with regenerated host keys: verify says changed and connect rejects HOST_KEY_CHANGED naming file:line', async () => {
    const oldPubs = Object.values(sshd.hostKeys).map((k) => readFileSync(`${k}.pub`, 'utf8'));
    const before = readFileSync(knownHosts, 'utf8');
    await sshd.stop();
    sshd = await startSshd({ dir: sshd.dir, port: sshd.port, regenerateHostKeys: true });
    const newPubs = Object.values(sshd.hostKeys).map((k) => readFileSync(`${k}.pub`, 'utf8'));
    expect(newPubs.some((p) => oldPubs.includes(p))).toBe(false);

    for (const k of Object.values(sshd.hostKeys)) {
      expect((await store.verify(sshd.host, sshd.port, readPub(`${k}.pub`).key)).status).toBe('changed');
    }
    for (const policy of ['ask', 'accept-new', 'yes'] as const) {
      const d = dialog('cancel');
      const err = await rejection(connectWith(policy, d.ask));
      expect(err.code).toBe('HOST_KEY_CHANGED');
      expect(err.message).toContain(`${knownHosts}:1`);
      expect(d.questions.map((q) => q.kind)).toEqual(policy === 'ask' ? ['changed'] : []);
    }
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
    // sshd saw no authentication at all
    expect(sshd.log()).not.toMatch(/Accepted publickey|Failed publickey|Postponed publickey/);
  });

  it('replace after the second confirmation: Skiff connects, and strict ssh accepts the rewritten file too', async () => {
    const d = dialog('replace', 'confirm-replace');
    await (await connectWith('ask', d.ask)).close();
    expect(d.questions.map((q) => q.kind)).toEqual(['changed', 'confirm-replace']);
    const lines = readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const r = spawnSync(
      findOpenSsh('ssh'),
      [
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'LogLevel=ERROR',
        '-o',
        `HostKeyAlgorithms=${lines[0]!.split(' ')[1]}`,
        '-i',
        sshd.clientKeys.ed25519,
        '-p',
        String(sshd.port),
        `${sshd.user}@${sshd.host}`,
        'true',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

describe('scriptable server with password auth: nothing is sent before the decision', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await startFakeServer({ users: { tester: { password: 'secret' } } });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  const tryConnect = (file: string, policy: HostKeyPolicy, ...answers: HostKeyAnswer[]) =>
    connect({
      host: fake.host,
      port: fake.port,
      username: 'tester',
      password: 'secret',
      verifyHostKey: createHostKeyVerifier({ store: new KnownHostsStore({ userFiles: [file] }), policy, ask: dialog(...answers).ask }),
    });
  const write = (name: string, lines: string[]) => {
    const f = path.join(tmp.dir, name);
    writeFileSync(f, lines.map((l) => `${l}\n`).join(''));
    return f;
  };
  const other = newKey(tmp.dir, 'not-the-server');
  const hostName = () => `[${fake.host}]:${fake.port}`;

  it('changed key (hashed entry): HOST_KEY_CHANGED and the server recorded zero auth attempts', async () => {
    fake.authAttempts.length = 0;
    const f = write('fake-changed', [`${hashName(hostName())} ${other.keyType} ${other.key.toString('base64')}`]);
    const err = await rejection(tryConnect(f, 'ask', 'replace', 'cancel'));
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(fake.authAttempts).toEqual([]);
  });

  it('revoked key, unknown key cancelled, unknown key under policy yes: zero auth attempts each', async () => {
    const b64 = fake.hostKey.toString('base64');
    const cases: Array<[string, string[], HostKeyPolicy, HostKeyAnswer[], string]> = [
      ['fake-revoked', [`${hostName()} ssh-ed25519 ${b64}`, `@revoked * ssh-ed25519 ${b64}`], 'ask', ['trust-once'], 'HOST_KEY_REVOKED'],
      ['fake-unknown', [], 'ask', ['cancel'], 'HOST_KEY_REJECTED'],
      ['fake-strict', [], 'yes', ['trust-once'], 'HOST_KEY_UNKNOWN'],
    ];
    for (const [name, lines, policy, answers, code] of cases) {
      fake.authAttempts.length = 0;
      const err = await rejection(tryConnect(write(name, lines), policy, ...answers));
      expect({ name, code: err.code, attempts: fake.authAttempts }).toEqual({ name, code, attempts: [] });
    }
  });

  it('control: once trusted, the password does reach the server (so "zero attempts" above is meaningful)', async () => {
    fake.authAttempts.length = 0;
    const session = await tryConnect(write('fake-once', []), 'ask', 'trust-once');
    await session.close();
    expect(fake.authAttempts.some((a) => a.method === 'password' && a.password === 'secret' && a.accepted)).toBe(true);
  });
});

describe('a live session whose server swaps its host key on re-key', () => {
  for (const mode of ['new-key', 'same-key'] as const) {
    it(
      mode === 'new-key'
        ? 'is closed with HOST_KEY_CHANGED and the swapped key is never remembered'
        : 'control: the same key on re-key keeps the session usable',
      async () => {
        const fake = await startFakeServer({ users: { tester: { password: 'secret' } }, rekeyAfterAuth: mode });
        try {
          const file = path.join(tmp.dir, `rekey-${mode}`);
          const d = dialog('trust-remember');
          const outcome = await connect({
            host: fake.host,
            port: fake.port,
            username: 'tester',
            password: 'secret',
            verifyHostKey: createHostKeyVerifier({ store: new KnownHostsStore({ userFiles: [file] }), ask: d.ask }),
          }).then(
            async (session) => {
              if (mode === 'same-key') {
                const list = await session.fs.list('.');
                await session.close();
                return { listed: Array.isArray(list) };
              }
              // The swap happens right after login: wait for the session to be closed because of it.
              const reason = await new Promise<{ code: string; message: string }>((resolve) => session.onClosed(resolve));
              return { code: reason.code, message: reason.message };
            },
            (err: unknown) => ({ code: (err as SkiffError).code, message: (err as Error).message }),
          );
          if (mode === 'same-key') expect(outcome).toEqual({ listed: true });
          else expect(outcome).toMatchObject({ code: 'HOST_KEY_CHANGED' });
          expect(d.questions.map((q) => q.kind)).toEqual(['unknown']);
          const saved = readFileSync(file, 'utf8').split('\n').filter(Boolean);
          expect(saved).toEqual([`[${fake.host}]:${fake.port} ssh-ed25519 ${fake.hostKey.toString('base64')}`]);
        } finally {
          await fake.stop();
        }
      },
    );
  }
});
