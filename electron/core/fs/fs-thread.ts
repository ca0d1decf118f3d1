// One worker thread that runs a fixed piece of synchronous node:fs code per message: many small
// file-system calls in a row cost one message each way instead of a thread-pool round trip per
// call, and the main thread (in the app, the Electron main process) never blocks on the disk.
//
// The worker is plain JavaScript given as source (`eval`), so it runs the same under Node, the
// test runner and the bundled Electron main without a second bundle entry. It answers every
// message with `{ id, err, ... }`; `err` is an errno-style object (code, message) or null.
import { Worker } from 'node:worker_threads';

export interface ThreadReply {
  id: number;
  err: { code?: string; message?: string; step?: string } | null;
  [key: string]: unknown;
}

/** The thread died (crashed, exited) with the request pending. */
export class FsThreadStopped extends Error {}

export class FsThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (r: ThreadReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  /** `source` handles messages on parentPort; `name` says what it is in errors ("file writer"). */
  constructor(
    private readonly source: string,
    private readonly name: string,
  ) {}

  /**
   * Posts `msg` (plus an id) with `transfer` handed over; resolves with the reply (whose `err` the
   * caller maps). Rejects when the message could not be sent (e.g. a detached buffer in `transfer`)
   * or with FsThreadStopped when the thread stopped.
   */
  request(msg: object, transfer: ArrayBuffer[] = []): Promise<ThreadReply> {
    const w = this.ensure();
    const id = this.nextId++;
    return new Promise<ThreadReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) w.ref();
      try {
        w.postMessage({ ...msg, id }, transfer);
      } catch (err) {
        this.pending.delete(id);
        if (this.pending.size === 0) w.unref();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** The thread keeps the process alive only while requests are pending. */
  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.source, { eval: true });
    w.unref();
    w.on('message', (r: ThreadReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) w.unref();
      p.resolve(r);
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
