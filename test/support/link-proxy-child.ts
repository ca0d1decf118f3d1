// The link proxy's own process (started by link-proxy.ts): one proxy, driven by IPC messages.
import { createLinkProxy, type LinkProxyCore, type LinkProxyOptions } from './link-proxy-core';

type Command =
  | { id: number; op: 'cut' | 'blackhole' | 'restore' | 'stats' | 'close' }
  | { id: number; op: 'delay'; ms: number }
  | { id: number; op: 'rate'; mbit: number | null };

const send = (m: unknown) => process.send?.(m);
let proxy: LinkProxyCore | undefined;

process.on('message', (raw: unknown) => {
  const m = raw as { start?: LinkProxyOptions } & Partial<Command>;
  void (async () => {
    if (m.start) {
      proxy = await createLinkProxy(m.start);
      return send({ ready: proxy.port });
    }
    const c = m as Command;
    if (!proxy) return send({ id: c.id, error: 'not started' });
    let value: unknown;
    switch (c.op) {
      case 'cut':
        proxy.cut();
        break;
      case 'blackhole':
        proxy.blackhole();
        break;
      case 'restore':
        await proxy.restore();
        break;
      case 'delay':
        proxy.setDelay(c.ms);
        break;
      case 'rate':
        proxy.setRate(c.mbit);
        break;
      case 'stats':
        value = proxy.stats();
        break;
      case 'close':
        await proxy.close();
        send({ id: c.id, value });
        return process.exit(0);
    }
    send({ id: c.id, value });
  })().catch((err: unknown) => send({ id: m.id, error: String(err) }));
});
process.on('disconnect', () => process.exit(0));
