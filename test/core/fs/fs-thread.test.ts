// FsThread sends the requests of one turn of the event loop as one message, and its worker answers
// a batch in groups (THREAD_PRELUDE). A real worker thread: how many messages it got, that the
// first answers of a long batch come back before its last request is done, and that a request
// that cannot be sent fails alone.
import { describe, expect, it } from 'vitest';
import { FsThread, THREAD_PRELUDE, type ThreadReply } from '../../../electron/core/fs/fs-thread';

// Counts the messages the thread receives (listener added before serve's); a request with `busy`
// keeps the thread busy that many milliseconds before it answers.
const SOURCE = `
${THREAD_PRELUDE}
let messages = 0;
parentPort.on('message', () => { messages++; });
serve((m) => {
  const until = performance.now() + (m.busy || 0);
  while (performance.now() < until) {}
  reply({ id: m.id, err: null, messages, echo: m.echo });
});
`;

describe('FsThread', () => {
  it('sends a burst of requests as one message and answers each', async () => {
    const t = new FsThread(SOURCE, 'test thread');
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => t.request({ echo: i })));
    expect(replies.map((r) => r.echo)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(new Set(replies.map((r) => r.messages))).toEqual(new Set([1]));
    // A later turn is a new message.
    const next = await t.request({ echo: 'later' });
    expect(next).toMatchObject({ echo: 'later', messages: 2, err: null });
  });

  it('answers the first requests of a long batch before the last one is done', async () => {
    const t = new FsThread(SOURCE, 'test thread');
    let settled = 0;
    let settledWhenFirst = -1;
    const all = Array.from({ length: 40 }, (_, i) =>
      t.request({ echo: i, busy: 2 }).then((r) => {
        settled++;
        if (i === 0) settledWhenFirst = settled;
        return r;
      }),
    );
    await Promise.all(all);
    expect(settled).toBe(40);
    // The first group of answers (at most 8) arrived alone.
    expect(settledWhenFirst).toBeGreaterThanOrEqual(1);
    expect(settledWhenFirst).toBeLessThanOrEqual(8);
  });

  it('fails only a request that cannot be sent, and never sends a buffer already handed over', async () => {
    const t = new FsThread(SOURCE, 'test thread');
    const gone = new ArrayBuffer(16);
    structuredClone(gone, { transfer: [gone] }); // detached before its request
    const twice = new ArrayBuffer(16); // in two requests of one turn: only the first can have it
    const kept = new ArrayBuffer(16);
    const results = await Promise.allSettled([
      t.request({ echo: 'a' }),
      t.request({ echo: 'cannot be cloned', fn: () => 1 }),
      t.request({ echo: 'detached' }, [gone]),
      t.request({ echo: 'first', data: new Uint8Array(twice) }, [twice]),
      t.request({ echo: 'second', data: new Uint8Array(twice) }, [twice]),
      t.request({ echo: 'b' }, [kept]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<ThreadReply>).value.echo)).toEqual(['a', 'first', 'b']);
    expect(kept.byteLength).toBe(0); // handed over with its request
    // The thread still answers.
    expect(await t.request({ echo: 'after' })).toMatchObject({ echo: 'after', err: null });
  });
});
