// The browser bridge behind `npm run web`: serves the built renderer and carries the IPC
// contract over a loopback WebSocket to the REAL handler registry and core services, so the
// browser end-to-end tests exercise the app's own code path. Development and tests only —
// not part of the packaged app. Bound to 127.0.0.1; a random token is required on the
// WebSocket and the Origin must be this server's own.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { WebSocketServer, type WebSocket } from 'ws';
import { SkiffError } from '../core/errors';
import { MIME } from '../app/app-protocol';
import { createAppContext, type AppContext, type AppContextOptions } from '../app/create-app-context';
import type { EventChannel, EventPayloads } from '../ipc/contract';
import { createDispatcher, type Dispatch } from '../ipc/register';
import { createHandlers } from '../ipc/handlers';

export interface WebBridgeOptions {
  /** 0 = any free port. */
  port: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  configDir: string;
  home: string;
  version: string;
  /** Fixed token (tests); default: 32 random bytes. */
  token?: string;
  /** Test hooks passed to the app context (connect timeouts, a secret store). */
  context?: Partial<Pick<AppContextOptions, 'secretStore' | 'connect' | 'connectDefaults'>>;
}

export interface WebBridge {
  url: string;
  port: number;
  token: string;
  origin: string;
  context: AppContext;
  close(): Promise<void>;
}

const CSP = (origin: string): string =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ${origin.replace(/^http/, 'ws')}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;

/** A client frame: `{ id, channel, args }` (see the wire format in electron/ipc/contract.ts). */
const ClientFrame = z.strictObject({
  id: z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().max(64)]),
  channel: z.string().max(200),
  args: z.array(z.unknown()).max(1).default([]),
});

const MAX_FRAME = 8 * 1024 * 1024;

function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Socket, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  socket.destroy();
}

async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, root: string, origin: string): Promise<void> {
  const headers = {
    'Content-Security-Policy': CSP(origin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
  } catch {
    res.writeHead(400, headers).end('Bad request');
    return;
  }
  if (pathname.includes('\0')) {
    res.writeHead(400, headers).end('Bad request');
    return;
  }
  const rel = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = path.resolve(root, rel);
  // Nothing outside the renderer folder is served, whatever the URL says.
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403, headers).end('Forbidden');
    return;
  }
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    res.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  } catch {
    if (rel === 'index.html') {
      res
        .writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`The renderer is not built (${root}). Run: node build/build.mjs --renderer-only\n`);
    } else res.writeHead(404, headers).end('Not found');
  }
}

/** Starts the bridge; resolves once it listens. */
export async function startWebBridge(opts: WebBridgeOptions): Promise<WebBridge> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const root = path.resolve(opts.staticDir);
  const clients = new Set<WebSocket>();
  let origin = '';

  const emit = <E extends EventChannel>(event: E, payload: EventPayloads[E]): void => {
    const frame = JSON.stringify({ event, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame);
  };

  const context = await createAppContext({
    configDir: opts.configDir,
    home: opts.home,
    // The built renderer carries the licence list; main's dependencies resolve from this checkout.
    about: { licensesFile: path.join(root, 'licenses.json'), modulesFrom: fileURLToPath(new URL('../..', import.meta.url)) },
    emit,
    dialogs: {
      // No native pickers in a browser: the UI lets the user type a path instead.
      pickFolder: async () => {
        throw new SkiffError('UNSUPPORTED', 'There is no folder picker in the web preview: type the path instead.');
      },
      pickFile: async () => {
        throw new SkiffError('UNSUPPORTED', 'There is no file picker in the web preview: type the path instead.');
      },
    },
    info: { name: 'Skiff', version: opts.version, mode: 'web', nativeDialogs: false },
    ...opts.context,
  });

  // The origin is known once the port is: the policy's list is filled in after listen().
  const allowedOrigins: string[] = [];
  const dispatch: Dispatch = createDispatcher(createHandlers(context.services), { allowedOrigins });
  const server = http.createServer((req, res) => void serveStatic(req, res, root, origin));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });

  server.on('upgrade', (req, socket: Socket, head) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      return refuse(socket, 400, 'Bad Request');
    }
    if (url.pathname !== '/ws') return refuse(socket, 404, 'Not Found');
    if (!tokenMatches(url.searchParams.get('token'), token)) return refuse(socket, 401, 'Unauthorized');
    // A page on another site cannot open this socket (browsers always send Origin on WebSockets).
    if (req.headers.origin !== origin) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('message', (data, isBinary) => void onMessage(ws, data.toString(), isBinary));
      ws.on('close', () => {
        clients.delete(ws);
        // The last window closed: open questions answer "no".
        if (clients.size === 0) context.services.questions.cancelAll();
      });
      ws.on('error', () => ws.terminate());
    });
  });

  const onMessage = async (ws: WebSocket, text: string, isBinary: boolean): Promise<void> => {
    let id: number | string | null = null;
    let frame: z.infer<typeof ClientFrame>;
    try {
      if (isBinary) throw new Error('binary frame');
      const raw: unknown = JSON.parse(text);
      const maybeId = (raw as { id?: unknown } | null)?.id;
      if (typeof maybeId === 'number' || typeof maybeId === 'string') id = maybeId;
      frame = ClientFrame.parse(raw);
    } catch {
      ws.send(
        JSON.stringify({
          id,
          result: { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Malformed bridge frame: expected {"id", "channel", "args": [arg]}.' } },
        }),
      );
      return;
    }
    const result = await dispatch(frame.channel, { url: `${origin}/`, isMainFrame: true }, frame.args);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: frame.id, result }));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedOrigins.push(origin);

  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    origin,
    context,
    async close() {
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await context.dispose();
    },
  };
}
