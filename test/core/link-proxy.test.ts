// The test bed's link proxy: bytes arrive intact and in order, never sooner than the delay,
// and cut / black hole / restore do what a broken network does.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { startLinkProxy, type LinkProxy } from '../support/link-proxy';

interface Echo {
  port: number;
  close(): Promise<void>;
}

async function echoServer(): Promise<Echo> {
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise((r) => {
        for (const s of socks) s.destroy();
        srv.close(() => r());
      }),
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends `data` and resolves with what came back once `data.length` bytes did. */
function roundTrip(sock: net.Socket, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let n = 0;
    const onData = (b: Buffer) => {
      got.push(b);
      n += b.length;
      if (n >= data.length) {
        sock.off('data', onData);
        resolve(Buffer.concat(got));
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.write(data);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(opts: { delayMs?: number; inProcess?: boolean } = {}): Promise<{ echo: Echo; link: LinkProxy }> {
  const echo = await echoServer();
  cleanup.push(() => echo.close());
  const link = await startLinkProxy({ targetPort: echo.port, ...opts });
  cleanup.push(() => link.stop());
  return { echo, link };
}

describe('link proxy (test bed)', () => {
  for (const inProcess of [false, true]) {
    it(`${inProcess ? 'in this process' : 'in its own process'}: 8 MiB through and back arrive intact, in order`, async () => {
      const { link } = await setup({ delayMs: 2, inProcess });
      const sock = await connect(link.port);
      const data = randomBytes(8 * 1024 * 1024);
      const back = await roundTrip(sock, data);
      sock.destroy();
      expect(back.length).toBe(data.length);
      expect(sha(back)).toBe(sha(data));
      const st = await link.stats();
      expect(st.up).toBe(data.length);
      expect(st.down).toBe(data.length);
    });
  }

  it('never delivers sooner than the delay, each way', async () => {
    const { link } = await setup({ delayMs: 40 });
    const sock = await connect(link.port);
    const t0 = performance.now();
    await roundTrip(sock, Buffer.from('ping'));
    const rtt = performance.now() - t0;
    sock.destroy();
    // A lower bound only: a loaded machine can make it slower, never faster.
    expect(rtt).toBeGreaterThanOrEqual(80);
  });

  it('cut closes both sides and refuses new connections until restored', async () => {
    const { link } = await setup();
    const sock = await connect(link.port);
    expect((await roundTrip(sock, Buffer.from('a'))).toString()).toBe('a');
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.on('error', () => undefined);
    await link.cut();
    await closed;
    await expect(connect(link.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await link.restore();
    const again = await connect(link.port);
    expect((await roundTrip(again, Buffer.from('b'))).toString()).toBe('b');
    again.destroy();
  });

  it('a black hole holds bytes with the sockets open; restore delivers them', async () => {
    const { link } = await setup();
    const sock = await connect(link.port);
    await link.blackhole();
    const got: Buffer[] = [];
    sock.on('data', (b: Buffer) => got.push(b));
    let closed = false;
    sock.once('close', () => (closed = true));
    sock.write('held');
    await new Promise((r) => setTimeout(r, 300));
    expect(Buffer.concat(got).toString()).toBe('');
    expect(closed).toBe(false);
    await link.restore();
    await new Promise((r) => setTimeout(r, 100));
    expect(Buffer.concat(got).toString()).toBe('held');
    sock.destroy();
  });
});
