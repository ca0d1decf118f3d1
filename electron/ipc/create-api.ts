// Builds the typed `window.skiff` from a generic invoke/on transport. Pure (no Node, no
// Electron): preload wraps ipcRenderer with it, and the renderer's web transport wraps a
// WebSocket with it, so browser tests run the very code path the app runs.
import {
  API_ERROR_CODES,
  REQUEST_CHANNELS,
  isEventChannel,
  isRequestChannel,
  methodName,
  type ApiErrorCode,
  type ApiErrorData,
  type SkiffApi,
  type SkiffTransport,
} from './contract';

const KNOWN_CODES = new Set<string>(API_ERROR_CODES);

/** The error every `window.skiff` method rejects with: a stable `code` the UI can switch on. */
export class SkiffApiError extends Error {
  readonly code: ApiErrorCode;
  readonly path?: string;

  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'SkiffApiError';
    this.code = data.code;
    if (data.path !== undefined) this.path = data.path;
  }
}

/** Plain-data form of a SkiffApiError, as it arrives through Electron's contextBridge. */
export interface SkiffApiErrorLike {
  name: 'SkiffApiError';
  code: ApiErrorCode;
  message: string;
  path?: string;
}

/**
 * True for a SkiffApiError (web bridge) or its plain-data form (Electron: contextBridge keeps only
 * the message of a real Error, so preload rejects with plain objects). Check `.code`, not instanceof.
 */
export function isSkiffApiError(err: unknown, code?: ApiErrorCode): err is SkiffApiError | SkiffApiErrorLike {
  if (err === null || typeof err !== 'object') return false;
  const e = err as { name?: unknown; code?: unknown };
  const ours = err instanceof SkiffApiError || (e.name === 'SkiffApiError' && typeof e.code === 'string' && KNOWN_CODES.has(e.code));
  return ours && (code === undefined || e.code === code);
}

function toErrorData(raw: unknown): ApiErrorData {
  const e = (raw ?? {}) as { code?: unknown; message?: unknown; path?: unknown };
  const code = typeof e.code === 'string' && KNOWN_CODES.has(e.code) ? (e.code as ApiErrorCode) : 'INTERNAL';
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : 'Something went wrong in Skiff.';
  return typeof e.path === 'string' ? { code, message, path: e.path } : { code, message };
}

/** Unwraps a `{ ok, value | error }` envelope; anything else is a protocol error. */
function unwrap(reply: unknown): unknown {
  if (reply !== null && typeof reply === 'object' && 'ok' in reply) {
    const r = reply as { ok: unknown; value?: unknown; error?: unknown };
    if (r.ok === true) return r.value;
    if (r.ok === false) throw new SkiffApiError(toErrorData(r.error));
  }
  throw new SkiffApiError({ code: 'PROTOCOL_ERROR', message: 'Skiff received a malformed reply from its main process.' });
}

/** Returns the typed API (one method per contract channel) over `transport`. */
export function createApi(transport: SkiffTransport): SkiffApi {
  const invoke = async (channel: unknown, ...args: unknown[]): Promise<unknown> => {
    if (!isRequestChannel(channel)) {
      throw new SkiffApiError({ code: 'UNKNOWN_CHANNEL', message: `Unknown request channel: ${String(channel).slice(0, 100)}` });
    }
    // Exactly one argument crosses (undefined for argument-less channels).
    let reply: unknown;
    try {
      reply = await transport.invoke(channel, args[0]);
    } catch (err) {
      if (err instanceof SkiffApiError) throw err;
      // A transport failure (window closing, socket dropped) is a lost connection to main.
      throw new SkiffApiError({
        code: 'CONNECTION_LOST',
        message: `Lost contact with Skiff's main process (${err instanceof Error ? err.message : String(err)}).`,
      });
    }
    return unwrap(reply);
  };

  const on = (event: unknown, listener: (payload: unknown) => void): (() => void) => {
    if (!isEventChannel(event)) throw new SkiffApiError({ code: 'UNKNOWN_CHANNEL', message: `Unknown event channel: ${String(event).slice(0, 100)}` });
    if (typeof listener !== 'function') throw new SkiffApiError({ code: 'INVALID_ARGUMENT', message: 'on() needs a listener function.' });
    return transport.on(event, listener);
  };

  const api: Record<string, unknown> = { invoke, on };
  for (const channel of REQUEST_CHANNELS) {
    const { domain, method } = methodName(channel);
    const group = (api[domain] ??= {}) as Record<string, unknown>;
    group[method] = (arg?: unknown) => invoke(channel, arg);
  }
  return api as unknown as SkiffApi;
}

function toPlainError(err: unknown): SkiffApiErrorLike {
  const d = isSkiffApiError(err) ? err : new SkiffApiError(toErrorData({ code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }));
  return d.path === undefined
    ? { name: 'SkiffApiError', code: d.code, message: d.message }
    : { name: 'SkiffApiError', code: d.code, message: d.message, path: d.path };
}

/**
 * Wraps an API so its methods reject with plain `{ name: 'SkiffApiError', code, message, path? }`
 * objects. Preload exposes this one: Electron's contextBridge copies plain objects whole but
 * rebuilds Errors from their message alone, which would lose `.code`.
 */
export function withPlainErrors(api: SkiffApi): SkiffApi {
  const wrap =
    (fn: (...a: unknown[]) => unknown) =>
    (...a: unknown[]): unknown => {
      try {
        const r = fn(...a);
        return r instanceof Promise ? r.catch((err: unknown) => Promise.reject(toPlainError(err))) : r;
      } catch (err) {
        throw toPlainError(err);
      }
    };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(api as unknown as Record<string, unknown>)) {
    if (typeof v === 'function') out[k] = wrap(v as (...a: unknown[]) => unknown);
    else if (v !== null && typeof v === 'object')
      out[k] = Object.fromEntries(Object.entries(v).map(([m, f]) => [m, typeof f === 'function' ? wrap(f as (...a: unknown[]) => unknown) : f]));
  }
  return out as unknown as SkiffApi;
}
