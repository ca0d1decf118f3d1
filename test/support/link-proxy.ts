// A link between a client and a test server with round trip, a rate cap and faults on demand:
//
//   const link = await startLinkProxy({ targetPort: sshd.port, delayMs: 20 }); // 40 ms RTT
//   connect({ host: '127.0.0.1', port: link.port, … });
//   await link.cut();                  // both sides closed at once, new connections refused
//   await link.blackhole();            // nothing moves, sockets stay open (a stalled Wi-Fi)
//   await link.restore();              // back to normal; held bytes move on
//   await link.cutFor(2000);           // cut, then restore 2 s later (resolves when restored)
//   await link.setDelay(50); await link.setRate(100 /* Mbit/s */); await link.stats();
//   await link.stop();
//
// By default the proxy runs in a child process so that its copying is not charged to the
// process being measured (bench) and a busy test worker does not add delay. `inProcess: true`
// keeps it in this process (cheaper to start, for tests that move little data).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinkProxy, type LinkProxyCore, type LinkProxyOptions, type LinkStats } from './link-proxy-core';

export type { LinkStats } from './link-proxy-core';

export interface LinkProxy {
  host: '127.0.0.1';
  port: number;
  cut(): Promise<void>;
  blackhole(): Promise<void>;
  restore(): Promise<void>;
  /** Cuts now and restores after `ms`; resolves once restored. */
  cutFor(ms: number): Promise<void>;
  setDelay(oneWayMs: number): Promise<void>;
  setRate(mbit: number | null): Promise<void>;
  stats(): Promise<LinkStats>;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Starts a link proxy to `targetPort` on 127.0.0.1; `stop()` it in teardown (it also dies with this process). */
export async function startLinkProxy(opts: LinkProxyOptions & { inProcess?: boolean }): Promise<LinkProxy> {
  const { inProcess, ...o } = opts;
  const drive = inProcess ? await inProcessDriver(o) : await childDriver(o);
  const p: LinkProxy = {
    host: '127.0.0.1',
    port: drive.port,
    cut: () => drive.call({ op: 'cut' }) as Promise<void>,
    blackhole: () => drive.call({ op: 'blackhole' }) as Promise<void>,
    restore: () => drive.call({ op: 'restore' }) as Promise<void>,
    async cutFor(ms) {
      await p.cut();
      await new Promise((r) => setTimeout(r, ms));
      await p.restore();
    },
    setDelay: (ms) => drive.call({ op: 'delay', ms }) as Promise<void>,
    setRate: (mbit) => drive.call({ op: 'rate', mbit }) as Promise<void>,
    stats: () => drive.call({ op: 'stats' }) as Promise<LinkStats>,
    stop: () => drive.call({ op: 'close' }) as Promise<void>,
  };
  return p;
}

type Op = { op: 'cut' | 'blackhole' | 'restore' | 'stats' | 'close' } | { op: 'delay'; ms: number } | { op: 'rate'; mbit: number | null };

interface Driver {
  port: number;
  call(op: Op): Promise<unknown>;
}

async function inProcessDriver(o: LinkProxyOptions): Promise<Driver> {
  const core: LinkProxyCore = await createLinkProxy(o);
  let closed = false;
  return {
    port: core.port,
    async call(c) {
      switch (c.op) {
        case 'cut':
          return core.cut();
        case 'blackhole':
          return core.blackhole();
        case 'restore':
          return core.restore();
        case 'delay':
          return core.setDelay(c.ms);
        case 'rate':
          return core.setRate(c.mbit);
        case 'stats':
          return core.stats();
        case 'close':
          if (closed) return undefined;
          closed = true;
          return core.close();
      }
    },
  };
}

async function childDriver(o: LinkProxyOptions): Promise<Driver> {
  const child = fork(path.join(here, 'link-proxy-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    const onMsg = (m: { ready?: number; error?: string }) => {
      if (m.ready !== undefined) resolve(m.ready);
      else if (m.error) reject(new Error(`link proxy: ${m.error}`));
    };
    child.once('message', onMsg);
    child.once('exit', (code) => reject(new Error(`link proxy exited (${code}) before it listened`)));
    child.send({ start: o });
  });
  child.on('message', (m: { id?: number; value?: unknown; error?: string }) => {
    const p = m.id !== undefined ? pending.get(m.id) : undefined;
    if (!p) return;
    pending.delete(m.id!);
    if (m.error) p.reject(new Error(`link proxy: ${m.error}`));
    else p.resolve(m.value);
  });
  child.once('exit', () => {
    for (const p of pending.values()) p.resolve(undefined);
    pending.clear();
  });
  return {
    port,
    call(c) {
      if (child.exitCode !== null || !child.connected) return Promise.resolve(undefined);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...c, id });
      });
    },
  };
}
