// Main → renderer questions are round trips with ids: the matching answer resolves them; a
// timeout, a cancel or a closed window resolves "no" (null) and tells the UI to drop the dialog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventChannel, QuestionDto } from '../../electron/ipc/contract';
import { QuestionBroker } from '../../electron/ipc/questions';
import { createAppFixture, type AppFixture } from './app-fixture';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

function recorder(): { broker: (t?: number) => QuestionBroker; asked: QuestionDto[]; closed: Array<{ id: string; reason: string }> } {
  const asked: QuestionDto[] = [];
  const closed: Array<{ id: string; reason: string }> = [];
  const emit = (event: EventChannel, payload: unknown): void => {
    if (event === 'question:ask') asked.push(payload as QuestionDto);
    if (event === 'question:closed') closed.push(payload as { id: string; reason: string });
  };
  return { asked, closed, broker: (t) => new QuestionBroker(emit, t === undefined ? {} : { conflict: t, 'host-key': t }) };
}

const conflictQ = {
  kind: 'conflict' as const,
  jobId: 'j1',
  direction: 'download' as const,
  source: { path: '/a', size: 1, mtimeMs: 0 },
  target: { path: '/b', size: 2, mtimeMs: 0 },
  canResume: false,
};

describe('QuestionBroker', () => {
  it('sends the question with an id and timeout and resolves with the matching answer', async () => {
    const r = recorder();
    const b = r.broker();
    const p = b.ask(conflictQ);
    expect(r.asked).toHaveLength(1);
    const q = r.asked[0]!;
    expect(q).toMatchObject({ kind: 'conflict', jobId: 'j1' });
    expect(q.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(q.timeoutMs).toBeGreaterThan(0);
    b.answer(q.id, { kind: 'conflict', action: 'rename', applyToAll: true });
    expect(await p).toEqual({ kind: 'conflict', action: 'rename', applyToAll: true });
    expect(r.closed).toEqual([{ id: q.id, reason: 'answered' }]);
    expect(b.openCount).toBe(0);
  });

  it('answers "no" (null) on timeout and tells the UI', async () => {
    const r = recorder();
    const b = r.broker(1);
    const answer = await b.ask(conflictQ);
    expect(answer).toBeNull();
    expect(r.closed).toEqual([{ id: r.asked[0]!.id, reason: 'timeout' }]);
    // A late answer is refused: the question is gone.
    expect(() => b.answer(r.asked[0]!.id, { kind: 'conflict', action: 'overwrite', applyToAll: false })).toThrow(/no longer open/);
  });

  it('answers "no" to everything open when the window closes', async () => {
    const r = recorder();
    const b = r.broker();
    const p1 = b.ask(conflictQ);
    const p2 = b.ask({ kind: 'keyboard-interactive', sessionLabel: 'u@h:22', name: '', instructions: '', prompts: [{ prompt: 'Code: ', echo: true }] });
    b.cancelAll();
    expect(await p1).toBeNull();
    expect(await p2).toBeNull();
    expect(r.closed.map((c) => c.reason)).toEqual(['cancelled', 'cancelled']);
  });

  it('refuses an answer of the wrong kind and keeps the question open', async () => {
    const r = recorder();
    const b = r.broker();
    const p = b.ask(conflictQ);
    const id = r.asked[0]!.id;
    expect(() => b.answer(id, { kind: 'host-key', decision: 'trust-remember' })).toThrow(/does not fit/);
    expect(b.openCount).toBe(1);
    b.cancel(id);
    expect(await p).toBeNull();
  });

  it('honours an abort signal', async () => {
    const r = recorder();
    const b = r.broker();
    const ac = new AbortController();
    const p = b.ask(conflictQ, { signal: ac.signal });
    ac.abort();
    expect(await p).toBeNull();
  });
});

describe('questions over the registry', () => {
  it('round-trips question:ask → question:answer through dispatch, and refuses unknown ids', async () => {
    const broker = f.ctx.services.questions;
    f.onEvent = (event, payload) => {
      if (event === 'question:ask')
        void f.call('question:answer', { id: (payload as QuestionDto).id, answer: { kind: 'password', secret: 'hunter2', remember: false } });
    };
    const a = await broker.ask({
      kind: 'password',
      host: 'h',
      port: 22,
      username: 'u',
      reason: 'not-stored',
      secret: 'password',
      canRemember: false,
      rememberDefault: false,
    });
    f.onEvent = undefined;
    expect(a).toEqual({ kind: 'password', secret: 'hunter2', remember: false });
    expect(await f.call('question:answer', { id: 'gone', answer: { kind: 'password', secret: null } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await f.call('question:cancel', { id: 'gone' })).toMatchObject({ ok: true });
  });
});
