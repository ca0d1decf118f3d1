// The link proxy's engine: a TCP forwarder on 127.0.0.1 that adds a fixed one-way delay and an
// optional rate cap to each direction (this kernel has no netem), and can break the link the ways
// real networks do: cut (both sides closed, new connections refused), black hole (nothing moves,
// sockets stay open) and restore. Runs in its own process (link-proxy.ts) so it is never the
// bottleneck of the process it measures; `createLinkProxy` also works in-process.
import net from 'node:net';

export interface LinkProxyOptions {
  /** Where connections go. */
  targetHost?: string;
  targetPort: number;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** One-way delay added to every byte, each direction (RTT = 2 × this). */
  delayMs?: number;
  /** Rate cap per direction in Mbit/s (null/undefined: none). */
  rateMbit?: number | null;
}

export type LinkMode = 'up' | 'down' | 'blackhole';

export interface LinkStats {
  connections: number;
  open: number;
  /** Bytes delivered client → server and server → client. */
  up: number;
  down: number;
  mode: LinkMode;
}

export interface LinkProxyCore {
  port: number;
  /** Closes every connection (both sides, no goodbye) and refuses new ones until `restore()`. */
  cut(): void;
  /** Stops forwarding (bytes are held, as a stalled network holds packets), keeps sockets open; new connections wait too. */
  blackhole(): void;
  /** Back to normal: held bytes move on, new connections are accepted. */
  restore(): Promise<void>;
  setDelay(ms: number): void;
  setRate(mbit: number | null): void;
  stats(): LinkStats;
  close(): Promise<void>;
}

// Held bytes per direction before the proxy stops reading (TCP backpressure takes over).
const HIGH_WATER = 64 * 1024 * 1024;

interface Chunk {
  buf: Buffer;
  at: number;
}

/** One direction of one connection: bytes from `from` reach `to` `delay` ms later, at most `rate`. */
class Pipe {
  private readonly queue: Chunk[] = [];
  private held = 0;
  private timer: NodeJS.Timeout | null = null;
  private nextFree = 0;
  private ended = false;
  delivered = 0;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly link: Link,
    private readonly count: (n: number) => void,
  ) {
    from.on('data', (buf: Buffer) => this.push(buf));
    from.on('end', () => {
      this.ended = true;
      this.flush();
    });
    to.on('drain', () => this.maybeResume());
  }

  private push(buf: Buffer): void {
    const now = performance.now();
    let at = now + this.link.delayMs;
    if (this.link.rateMbit) {
      const start = Math.max(now, this.nextFree);
      this.nextFree = start + (buf.length * 8) / (this.link.rateMbit * 1000);
      at = Math.max(at, this.nextFree + this.link.delayMs);
    }
    this.queue.push({ buf, at });
    this.held += buf.length;
    if (this.held > HIGH_WATER) this.from.pause();
    this.schedule();
  }

  schedule(): void {
    if (this.timer || this.link.mode !== 'up') return;
    const head = this.queue[0];
    if (!head) {
      if (this.ended) this.to.end();
      return;
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.flush();
      },
      // Whole milliseconds, rounded up: a timer may fire a fraction of a millisecond before its time.
      Math.max(0, Math.ceil(head.at - performance.now())),
    );
  }

  flush(): void {
    if (this.link.mode !== 'up' || this.to.destroyed) return;
    const now = performance.now();
    // Never a byte sooner than its delay: a round trip measured through the link is at least twice it.
    while (this.queue.length > 0 && this.queue[0]!.at <= now) {
      const { buf } = this.queue.shift()!;
      this.held -= buf.length;
      this.delivered += buf.length;
      this.count(buf.length);
      this.to.write(buf);
    }
    this.maybeResume();
    this.schedule();
  }

  /** After a black hole: what was held leaves now, as retransmitted packets would. */
  release(): void {
    const now = performance.now();
    for (const c of this.queue) c.at = Math.min(c.at, now);
    this.nextFree = Math.min(this.nextFree, now);
    this.flush();
  }

  private maybeResume(): void {
    if (this.from.isPaused() && this.held < HIGH_WATER / 2 && this.to.writableLength < HIGH_WATER / 2) this.from.resume();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

interface Link {
  delayMs: number;
  rateMbit: number | null;
  mode: LinkMode;
}

/** Starts a link proxy in this process. */
export async function createLinkProxy(opts: LinkProxyOptions): Promise<LinkProxyCore> {
  const link: Link = { delayMs: opts.delayMs ?? 0, rateMbit: opts.rateMbit ?? null, mode: 'up' };
  const conns = new Set<{ client: net.Socket; server: net.Socket; pipes: Pipe[] }>();
  const stats = { connections: 0, up: 0, down: 0 };
  const host = opts.targetHost ?? '127.0.0.1';

  const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (client) => {
    if (link.mode === 'down') {
      client.destroy();
      return;
    }
    stats.connections++;
    const upstream = net.connect({ host, port: opts.targetPort, noDelay: true });
    const c = { client, server: upstream, pipes: [] as Pipe[] };
    conns.add(c);
    const kill = () => {
      for (const p of c.pipes) p.stop();
      client.destroy();
      upstream.destroy();
      conns.delete(c);
    };
    client.on('error', kill).on('close', kill);
    upstream.on('error', kill).on('close', kill);
    upstream.once('connect', () => {
      c.pipes.push(new Pipe(client, upstream, link, (n) => (stats.up += n)), new Pipe(upstream, client, link, (n) => (stats.down += n)));
      client.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;
  // A cut link refuses connections (ECONNREFUSED, as a dead proxy or host would): stop listening.
  const relisten = () =>
    new Promise<void>((resolve, reject) => {
      if (listening) return resolve();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        listening = true;
        resolve();
      });
    });

  const each = (fn: (p: Pipe) => void) => {
    for (const c of conns) for (const p of c.pipes) fn(p);
  };

  return {
    port,
    cut() {
      link.mode = 'down';
      if (listening) {
        listening = false;
        server.close();
      }
      for (const c of [...conns]) {
        for (const p of c.pipes) p.stop();
        c.client.destroy();
        c.server.destroy();
      }
      conns.clear();
    },
    blackhole() {
      link.mode = 'blackhole';
      each((p) => p.stop());
    },
    async restore() {
      link.mode = 'up';
      each((p) => p.release());
      await relisten();
    },
    setDelay(ms) {
      link.delayMs = ms;
    },
    setRate(mbit) {
      link.rateMbit = mbit;
    },
    stats: () => ({ ...stats, open: conns.size, mode: link.mode }),
    close() {
      for (const c of [...conns]) {
        c.client.destroy();
        c.server.destroy();
      }
      conns.clear();
      if (!listening) return Promise.resolve();
      listening = false;
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
