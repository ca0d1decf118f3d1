// A user whose known_hosts holds only the server's RSA key (ssh2 would prefer Ed25519)
// connects through the app without any host-key question: the app asks for the known type first.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { QuestionDto, SessionInfo } from '../../electron/ipc/contract';
import { createAppFixture, type AppFixture } from './app-fixture';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

describe('host-key type order through the app', () => {
  const sshd = inject('sshd');

  it('trusts a host known only by its RSA key without asking', async () => {
    const [type, blob] = readFileSync(`${sshd.hostKeys.rsa}.pub`, 'utf8').trim().split(/\s+/);
    mkdirSync(path.join(f.home, '.ssh'), { recursive: true });
    writeFileSync(path.join(f.home, '.ssh', 'known_hosts'), `[${sshd.host}]:${sshd.port} ${type} ${blob}\n`);
    const asked: QuestionDto[] = [];
    f.onEvent = (event, payload) => {
      if (event !== 'question:ask') return;
      asked.push(payload as QuestionDto);
      void f.call('question:cancel', { id: (payload as QuestionDto).id });
    };
    const r = await f.call('session:connect', { host: sshd.host, port: sshd.port, username: sshd.user, authMethod: 'key', keyPath: sshd.clientKeys.ed25519 });
    f.onEvent = undefined;
    expect(asked).toEqual([]);
    expect(r.ok).toBe(true);
    await f.call('session:disconnect', { sessionId: (r.value as SessionInfo).sessionId });
  });
});
