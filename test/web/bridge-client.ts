// A Node-side client of the `npm run web` bridge for tests: the documented wire format
// (electron/ipc/contract.ts) over `ws`, wrapped by the app's own createApi().
import WebSocket from 'ws';
import type { SkiffApi, SkiffTransport } from '../../electron/ipc/contract';
import { createApi } from '../../electron/ipc/create-api';

export interface BridgeClient {
  api: SkiffApi;
  transport: SkiffTransport;
  socket: WebSocket;
  /** Sends a raw text frame and resolves with the next frame that carries `id` (or any reply if id is null). */
  raw(text: string, id: number | string | null): Promise<unknown>;
  close(): void;
}

/** Opens the socket (rejects with the HTTP status on refusal). */
export function connectBridge(wsUrl: string, origin: string | undefined): Promise<BridgeClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, origin === undefined ? {} : { origin });
    const pending = new Map<number | string | null, (v: unknown) => void>();
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    let nextId = 1;
    socket.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.on('error', reject);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { id?: number | string | null; result?: unknown; event?: string; payload?: unknown };
      if (typeof frame.event === 'string') {
        for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
        return;
      }
      const key = frame.id ?? null;
      const settle = pending.get(key);
      if (settle) {
        pending.delete(key);
        settle(frame.result);
      }
    });
    socket.on('open', () => {
      const transport: SkiffTransport = {
        invoke(channel, ...args) {
          const id = nextId++;
          return new Promise((res) => {
            pending.set(id, res);
            socket.send(JSON.stringify({ id, channel, args: args.length === 1 && args[0] === undefined ? [] : args }));
          });
        },
        on(channel, listener) {
          let set = listeners.get(channel);
          if (!set) listeners.set(channel, (set = new Set()));
          set.add(listener);
          return () => set.delete(listener);
        },
      };
      resolve({
        api: createApi(transport),
        transport,
        socket,
        raw: (text, id) =>
          new Promise((res) => {
            pending.set(id, res);
            socket.send(text);
          }),
        close: () => socket.close(),
      });
    });
  });
}
