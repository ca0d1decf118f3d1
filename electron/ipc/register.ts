// The handler registry: the ONLY way a renderer reaches main. For every call it refuses
// unknown channels and foreign senders, validates the argument with the channel's schema,
// runs the handler, and turns every outcome into data (`{ ok, value | error }`): nothing
// thrown escapes to Electron, no stack or ssh2 internals reach the page.
import { z } from 'zod';
import { isSkiffError } from '../core/errors';
import { isRequestChannel, requests, type ApiErrorData, type ApiResult, type ParsedArg, type RequestChannel, type RequestResult } from './contract';
import { createHandlers } from './handlers';
import type { Services } from './services';

/** Who sent a call: the frame's URL and whether it is the window's top-level frame. */
export interface IpcSender {
  url: string;
  isMainFrame: boolean;
}

/** Abstracts ipcMain.handle (main.ts), the WebSocket bridge and tests. */
export interface IpcHost {
  handle(channel: string, listener: (sender: IpcSender, args: unknown[]) => Promise<ApiResult<unknown>>): void;
}

export type Handler<C extends RequestChannel> = (arg: ParsedArg<C>) => Promise<RequestResult<C>> | RequestResult<C>;
/** Exactly one handler per contract channel (the compiler enforces "no channel forgotten"). */
export type HandlerMap = { [C in RequestChannel]: Handler<C> };

export interface SenderPolicy {
  /** Origins (`scheme://host[:port]`) the app's page is served from, e.g. `app://skiff`. */
  allowedOrigins: readonly string[];
}

export type Dispatch = (channel: unknown, sender: IpcSender, args: unknown[]) => Promise<ApiResult<unknown>>;

const MAX_MESSAGE = 300;

function fail(code: ApiErrorData['code'], message: string, path?: string): ApiResult<never> {
  const error: ApiErrorData = { code, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message };
  if (path !== undefined) error.path = path;
  return { ok: false, error };
}

/** `scheme://host[:port]` of a URL; custom schemes have an opaque `URL.origin` ("null"), so build it. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** True only for the app's own top-level frame at an expected origin. */
export function isTrustedSender(sender: IpcSender | null | undefined, policy: SenderPolicy): boolean {
  if (!sender || sender.isMainFrame !== true || typeof sender.url !== 'string') return false;
  const origin = originOf(sender.url);
  return origin !== null && policy.allowedOrigins.includes(origin);
}

function describeZodError(channel: string, err: z.ZodError): string {
  const first = err.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  return `Invalid argument for ${channel}: ${where}${first?.message ?? 'invalid input'}`;
}

/** Builds the dispatcher over a handler map. */
export function createDispatcher(handlers: HandlerMap, policy: SenderPolicy, log: (msg: string, err: unknown) => void = defaultLog): Dispatch {
  return async (channel, sender, args) => {
    if (!isRequestChannel(channel)) return fail('UNKNOWN_CHANNEL', `Unknown request channel: ${String(channel).slice(0, 100)}`);
    if (!isTrustedSender(sender, policy)) return fail('FORBIDDEN_SENDER', `Refused ${channel}: the request did not come from Skiff's own window.`);
    if (!Array.isArray(args) || args.length > 1) return fail('INVALID_ARGUMENT', `${channel} takes exactly one argument.`);
    const parsed = requests[channel].safeParse(args[0]);
    if (!parsed.success) return fail('INVALID_ARGUMENT', describeZodError(channel, parsed.error));
    try {
      const handler = handlers[channel] as (arg: unknown) => Promise<unknown> | unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (err) {
      if (isSkiffError(err)) return fail(err.code, err.message, err.path);
      if (err instanceof z.ZodError) return fail('INVALID_ARGUMENT', describeZodError(channel, err));
      log(`handler ${channel} failed`, err);
      return fail('INTERNAL', `Skiff hit an internal error while handling ${channel}. Details are in the log.`);
    }
  };
}

function defaultLog(msg: string, err: unknown): void {
  console.error(`[skiff] ${msg}:`, err);
}

/** Registers one handler per contract channel on `host` and returns the dispatcher (the web bridge calls it directly). */
export function registerHandlers(host: IpcHost, services: Services, policy: SenderPolicy): Dispatch {
  const dispatch = createDispatcher(createHandlers(services), policy);
  for (const channel of Object.keys(requests)) host.handle(channel, (sender, args) => dispatch(channel, sender, args));
  return dispatch;
}
