// The browser side of the `npm run web` bridge: the same invoke/on transport preload
// gives the app, carried over a loopback WebSocket (wire format in electron/ipc/contract.ts).
// The session token comes from the page URL the server printed.
import type { SkiffTransport } from '../../../electron/ipc/contract';
import { z } from 'zod';

const ServerFrame = z.union([z.object({ id: z.number().nullable(), result: z.unknown() }), z.object({ event: z.string().min(1), payload: z.unknown() })]);

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Options mostly for tests: where to connect and which token to present. */
export interface WebTransportOptions {
  url?: string;
  token?: string;
  WebSocketImpl?: typeof WebSocket;
}

/** ws://<page host>/ws?token=<token from ?token=…> */
export function bridgeUrlFromLocation(loc: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws?token=${encodeURIComponent(token)}`;
}

/** A SkiffTransport over one WebSocket; requests sent before it opens are queued. */
export function createWebTransport(opts: WebTransportOptions = {}): SkiffTransport & { close(): void } {
  const url = opts.url ?? bridgeUrlFromLocation(window.location);
  const WS = opts.WebSocketImpl ?? WebSocket;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;

  const failAll = (why: string): void => {
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
  };

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WS(url);
      socket = ws;
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error('cannot reach the Skiff web bridge'));
      ws.onclose = () => {
        // Next request reconnects; what was in flight is lost (the UI shows CONNECTION_LOST).
        opened = null;
        socket = null;
        failAll('the Skiff web bridge closed the connection');
      };
      ws.onmessage = (ev: MessageEvent) => {
        let frame: z.infer<typeof ServerFrame>;
        try {
          frame = ServerFrame.parse(JSON.parse(String(ev.data)));
        } catch {
          return; // Not ours / malformed: ignore rather than crash the page.
        }
        if ('event' in frame) {
          for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
        } else if (frame.id !== null) {
          const p = pending.get(frame.id);
          if (p) {
            pending.delete(frame.id);
            p.resolve(frame.result);
          }
        }
      };
    });
    opened.catch(() => {
      opened = null;
    });
    return opened;
  };

  return {
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const ws = await connect();
      const id = nextId++;
      // `undefined` does not survive JSON; argument-less channels send an empty list.
      const list = args.length === 1 && args[0] === undefined ? [] : args;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, channel, args: list }));
      });
    },
    on(channel: string, listener: (payload: unknown) => void): () => void {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      // Events only flow on an open socket: open it now so nothing is missed.
      void connect().catch(() => undefined);
      return () => set.delete(listener);
    },
    close(): void {
      socket?.close();
    },
  };
}
