// One worker thread that runs a fixed piece of synchronous node:fs code per message: many small
// file-system calls in a row cost one message each way instead of a thread-pool round trip per
// call, and the main thread (in the app, the Electron main process) never blocks on the disk.
//
// Requests made in one turn of the event loop travel as one message, and the thread answers a
// batch in a few messages: every message costs both threads a wake-up and a structured clone,
// and on 2 cores the posting thread often lost its CPU to the thread it woke (2,000 × 16 KiB
// downloads: client CPU −20 %; test/bench/README.md, "Small files on loopback: fewer syscalls and
// wake-ups").
//
// The worker is plain JavaScript given as source (`eval`), so it runs the same under Node, the
// test runner and the bundled Electron main without a second bundle entry. Its source starts with
// THREAD_PRELUDE and hands its handler to `serve(handle)`; the handler answers every message with
// `reply({ id, err, ... }, transfer)`, where `err` is an errno-style object (code, message) or null.
import { Worker } from 'node:worker_threads';

export interface ThreadReply {
  id: number;
  err: { code?: string; message?: string; step?: string } | null;
  [key: string]: unknown;
}

/**
 * The worker side of the batching: `serve(handle)` runs `handle` for each request, alone or in
 * a batch; `reply(r, transfer)` answers one. A batch's replies go back in groups, at least every
 * REPLY_EVERY replies or REPLY_MS milliseconds, so the first files of a long batch are not held
 * back until its last one is done.
 */
export const THREAD_PRELUDE = `
const { parentPort } = require('node:worker_threads');
const REPLY_EVERY = 8;
const REPLY_MS = 1;
let outbox = null;
let outboxTransfer = null;
let outboxSince = 0;
function flushReplies() {
  if (outbox.length > 0) parentPort.postMessage({ batch: outbox }, outboxTransfer);
  outbox = [];
  outboxTransfer = [];
  outboxSince = performance.now();
}
function reply(r, transfer) {
  if (!outbox) return parentPort.postMessage(r, transfer || []);
  outbox.push(r);
  if (transfer) for (const b of transfer) outboxTransfer.push(b);
  if (outbox.length >= REPLY_EVERY || performance.now() - outboxSince >= REPLY_MS) flushReplies();
}
function serve(handle) {
  parentPort.on('message', (m) => {
    if (!m.batch) return handle(m);
    outbox = [];
    outboxTransfer = [];
    outboxSince = performance.now();
    try {
      for (const one of m.batch) handle(one);
    } finally {
      flushReplies();
      outbox = null;
      outboxTransfer = null;
    }
  });
}
`;

/** The thread died (crashed, exited) with the request pending. */
export class FsThreadStopped extends Error {}

interface Outgoing {
  id: number;
  msg: object;
  transfer: ArrayBuffer[];
}

/** A buffer of `o` was handed over elsewhere since its request was made (an empty buffer is never transferred). */
const handedOver = (o: Outgoing): boolean => o.transfer.some((b) => b.byteLength === 0);
const handedOverError = (): Error => new Error('a buffer to hand over was handed over already');

export class FsThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (r: ThreadReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private outbox: Outgoing[] = [];

  /** `source` (THREAD_PRELUDE first) handles messages through serve(); `name` says what it is in errors ("file writer"). */
  constructor(
    private readonly source: string,
    private readonly name: string,
  ) {}

  /**
   * Sends `msg` (plus an id) with `transfer` handed over, with the other requests of this turn of
   * the event loop; resolves with the reply (whose `err` the caller maps). Rejects when the
   * message could not be sent (e.g. a detached buffer in `transfer`) or with FsThreadStopped when
   * the thread stopped.
   */
  request(msg: object, transfer: ArrayBuffer[] = []): Promise<ThreadReply> {
    const w = this.ensure();
    const id = this.nextId++;
    return new Promise<ThreadReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) w.ref();
      this.outbox.push({ id, msg: { ...msg, id }, transfer });
      if (this.outbox.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    // What a thread that died meanwhile held was failed already.
    const batch: Outgoing[] = [];
    for (const o of this.outbox) {
      if (!this.pending.has(o.id)) continue;
      // A buffer handed over since its request was made (to an earlier request, say) would arrive
      // empty: postMessage does not refuse a detached buffer.
      if (handedOver(o)) this.settle(o.id, (p) => p.reject(handedOverError()));
      else batch.push(o);
    }
    this.outbox = [];
    if (batch.length === 0) return;
    const w = this.ensure();
    if (batch.length > 1) {
      try {
        w.postMessage(
          { batch: batch.map((o) => o.msg) },
          batch.flatMap((o) => o.transfer),
        );
        return;
      } catch {
        // Nothing was sent: one of them cannot be (something that cannot be cloned, one buffer
        // handed over twice). Sent one by one, only that one fails.
      }
    }
    for (const o of batch) {
      try {
        // An earlier one of these may just have taken a buffer this one shares.
        if (handedOver(o)) throw handedOverError();
        w.postMessage(o.msg, o.transfer);
      } catch (err) {
        this.settle(o.id, (p) => p.reject(err instanceof Error ? err : new Error(String(err))));
      }
    }
  }

  private settle(id: number, how: (p: { resolve: (r: ThreadReply) => void; reject: (e: Error) => void }) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    how(p);
  }

  /** The thread keeps the process alive only while requests are pending. */
  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.source, { eval: true });
    w.unref();
    const answer = (r: ThreadReply): void => this.settle(r.id, (p) => p.resolve(r));
    w.on('message', (m: ThreadReply) => {
      if (Array.isArray(m.batch)) for (const r of m.batch as ThreadReply[]) answer(r);
      else answer(m);
    });
    // A dead thread fails what it held; the next request starts a new one.
    const fail = (err: unknown): void => {
      if (this.worker === w) this.worker = null;
      const all = [...this.pending.values()];
      this.pending.clear();
      for (const p of all) p.reject(new FsThreadStopped(`the ${this.name} stopped (${err instanceof Error ? err.message : String(err)})`));
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = w;
    return w;
  }
}
