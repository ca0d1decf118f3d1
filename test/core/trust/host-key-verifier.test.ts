// The trust decision: policies, the questions the dialog gets, the answers it may give,
// and the errors a person sees. `ask` is the dialog, scripted here (the UI is the only stand-in).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hostKeyInfo } from '../../../electron/core/trust/host-key';
import { KnownHostsStore } from '../../../electron/core/trust/known-hosts-store';
import { createHostKeyVerifier, type HostKeyAnswer, type HostKeyDecision, type HostKeyQuestion } from '../../../electron/core/trust/host-key-verifier';
import { isSkiffError, type SkiffError } from '../../../electron/core/errors';
import { newKey, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const keyA = newKey(tmp.dir, 'v-a');
const keyB = newKey(tmp.dir, 'v-b');
const line = (host: string, k: { keyType: string; key: Buffer }) => `${host} ${k.keyType} ${k.key.toString('base64')}`;

let n = 0;
function setup(lines: string[]) {
  n += 1;
  const file = path.join(tmp.dir, `kh-v-${n}`);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return { file, store: new KnownHostsStore({ userFiles: [file] }) };
}

/** A scripted dialog: answers in order, records every question. */
function dialog(...answers: Array<HostKeyAnswer | Error | string>) {
  const questions: HostKeyQuestion[] = [];
  const ask = async (q: HostKeyQuestion): Promise<HostKeyAnswer> => {
    questions.push(q);
    const a = answers.shift();
    if (a instanceof Error) throw a;
    return a as HostKeyAnswer;
  };
  return { ask, questions };
}

async function rejection(p: Promise<unknown>): Promise<SkiffError> {
  const r = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isSkiffError(r)).toBe(true);
  return r as SkiffError;
}

describe('createHostKeyVerifier', () => {
  it('trusted: resolves true without asking', async () => {
    const { store } = setup([line('[srv]:2222', keyA)]);
    const d = dialog();
    expect(await createHostKeyVerifier({ store, ask: d.ask })(hostKeyInfo('srv', 2222, keyA.key))).toBe(true);
    expect(d.questions).toEqual([]);
  });

  it('unknown + ask: the question carries what the dialog shows; trust-remember appends and connects', async () => {
    const { file, store } = setup([]);
    const d = dialog('trust-remember');
    const decisions: HostKeyDecision[] = [];
    const info = hostKeyInfo('New.Example.com', 2222, keyA.key);
    expect(await createHostKeyVerifier({ store, ask: d.ask, onDecision: (x) => decisions.push(x) })(info)).toBe(true);
    expect(d.questions).toEqual([
      {
        kind: 'unknown',
        host: 'New.Example.com',
        port: 2222,
        name: '[new.example.com]:2222',
        keyType: 'ssh-ed25519',
        bits: 256,
        fingerprint: info.fingerprint,
        warnings: [],
        saveTo: file,
      },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(`${line('[new.example.com]:2222', keyA)}\n`);
    expect(decisions).toEqual([{ name: '[new.example.com]:2222', status: 'unknown', outcome: 'remembered', file }]);
  });

  it('unknown + trust-once: connects, writes nothing, and a second connection in this process is trusted', async () => {
    const { file, store } = setup([]);
    const d = dialog('trust-once');
    expect(await createHostKeyVerifier({ store, ask: d.ask })(hostKeyInfo('once', 22, keyA.key))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('');
    const d2 = dialog();
    expect(await createHostKeyVerifier({ store, ask: d2.ask })(hostKeyInfo('once', 22, keyA.key))).toBe(true);
    expect(d2.questions).toEqual([]);
  });

  it('unknown + cancel, a failing dialog, or an answer that does not fit the question: HOST_KEY_REJECTED, nothing written', async () => {
    for (const answer of ['cancel', new Error('window closed'), 'replace', 'confirm-replace', 'yes-please'] as const) {
      const { file, store } = setup([]);
      const err = await rejection(createHostKeyVerifier({ store, ask: dialog(answer).ask })(hostKeyInfo('h', 22, keyA.key)));
      expect(err.code).toBe('HOST_KEY_REJECTED');
      expect(err.message).toContain('did not trust');
      expect(readFileSync(file, 'utf8')).toBe('');
    }
  });

  it('changed: default is refusal, naming file:line; "replace" alone is not enough (second confirmation)', async () => {
    for (const answers of [
      ['cancel'],
      ['replace', 'cancel'],
      ['replace', new Error('timeout')],
      ['replace', 'replace'],
      ['trust-once'],
      ['trust-remember'],
    ] as const) {
      const { file, store } = setup(['# first', line('srv', keyA)]);
      const before = readFileSync(file, 'utf8');
      const d = dialog(...answers);
      const err = await rejection(createHostKeyVerifier({ store, ask: d.ask })(hostKeyInfo('srv', 22, keyB.key)));
      expect(err.code).toBe('HOST_KEY_CHANGED');
      expect(err.message).toContain(`${file}:2`);
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(d.questions[0]).toMatchObject({
        kind: 'changed',
        offending: [{ file, line: 2, keyType: 'ssh-ed25519', fingerprint: hostKeyInfo('x', 22, keyA.key).fingerprint }],
      });
      if (answers[0] === 'replace') expect(d.questions[1]?.kind).toBe('confirm-replace');
    }
  });

  it('changed + replace + confirm-replace: rewrites the offending line and connects', async () => {
    const { file, store } = setup(['# first', line('srv', keyA), line('other', keyA)]);
    const d = dialog('replace', 'confirm-replace');
    const decisions: HostKeyDecision[] = [];
    expect(await createHostKeyVerifier({ store, ask: d.ask, onDecision: (x) => decisions.push(x) })(hostKeyInfo('srv', 22, keyB.key))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`# first\n${line('srv', keyB)}\n${line('other', keyA)}\n`);
    expect(decisions[0]).toMatchObject({ status: 'changed', outcome: 'replaced', file });
  });

  it('revoked: refused with HOST_KEY_REVOKED for every policy, without asking', async () => {
    for (const policy of ['ask', 'accept-new', 'yes'] as const) {
      const { file, store } = setup([line('srv', keyA), `@revoked srv ${keyA.keyType} ${keyA.key.toString('base64')}`]);
      const d = dialog('trust-remember', 'replace', 'confirm-replace');
      const err = await rejection(createHostKeyVerifier({ store, policy, ask: d.ask })(hostKeyInfo('srv', 22, keyA.key)));
      expect(err.code).toBe('HOST_KEY_REVOKED');
      expect(err.message).toContain(`${file}:2`);
      expect(d.questions).toEqual([]);
    }
  });

  it("policy 'yes': unknown → HOST_KEY_UNKNOWN, changed → HOST_KEY_CHANGED, never asks, never writes", async () => {
    const { file, store } = setup([line('known', keyA)]);
    const d = dialog('trust-remember', 'replace', 'confirm-replace');
    const v = () => createHostKeyVerifier({ store, policy: 'yes', ask: d.ask });
    const unknown = await rejection(v()(hostKeyInfo('new', 22, keyA.key)));
    expect(unknown.code).toBe('HOST_KEY_UNKNOWN');
    expect(unknown.message).toContain(hostKeyInfo('new', 22, keyA.key).fingerprint);
    expect((await rejection(v()(hostKeyInfo('known', 22, keyB.key)))).code).toBe('HOST_KEY_CHANGED');
    expect(await v()(hostKeyInfo('known', 22, keyA.key))).toBe(true);
    expect(d.questions).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(`${line('known', keyA)}\n`);
  });

  it("policy 'accept-new': remembers new hosts without asking, refuses changed keys", async () => {
    const { file, store } = setup([line('known', keyA)]);
    const d = dialog('replace', 'confirm-replace');
    expect(await createHostKeyVerifier({ store, policy: 'accept-new', ask: d.ask })(hostKeyInfo('new', 22, keyB.key))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${line('known', keyA)}\n${line('new', keyB)}\n`);
    expect((await rejection(createHostKeyVerifier({ store, policy: 'accept-new', ask: d.ask })(hostKeyInfo('known', 22, keyB.key)))).code).toBe(
      'HOST_KEY_CHANGED',
    );
    expect(d.questions).toEqual([]);
  });

  it('there is no accept-anything policy', () => {
    const { store } = setup([]);
    expect(() => createHostKeyVerifier({ store, policy: 'no' as never, ask: dialog().ask })).toThrow();
  });

  it('one verifier per connection: the same key again (re-key) passes, a different one is HOST_KEY_CHANGED', async () => {
    const { store } = setup([line('srv', keyA)]);
    const v = createHostKeyVerifier({ store, ask: dialog().ask });
    expect(await v(hostKeyInfo('srv', 22, keyA.key))).toBe(true);
    expect(await v(hostKeyInfo('srv', 22, keyA.key))).toBe(true);
    expect((await rejection(v(hostKeyInfo('srv', 22, keyB.key)))).code).toBe('HOST_KEY_CHANGED');
  });

  it('a read-only-style failure while remembering surfaces as a clear error, not a silent success', async () => {
    // The save path is a directory: the append fails for root and non-root alike.
    const dirAsFile = path.join(tmp.dir, 'not-a-file');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dirAsFile);
    const store = new KnownHostsStore({ userFiles: [dirAsFile] });
    const err = await rejection(createHostKeyVerifier({ store, ask: dialog('trust-remember').ask })(hostKeyInfo('h', 22, keyA.key)));
    expect(err.message).toContain(dirAsFile);
    expect(err.message).toMatch(/Trust once/);
  });
});
