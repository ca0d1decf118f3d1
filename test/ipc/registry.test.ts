// The contract is the one list: every request channel has a schema and exactly one handler,
// the registry registers each once, refuses unknown channels and foreign senders, and errors
// cross as data with codes the renderer knows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES } from '../../electron/core/errors';
import { API_ERROR_CODES, EVENT_CHANNELS, REQUEST_CHANNELS, requests } from '../../electron/ipc/contract';
import { createHandlers } from '../../electron/ipc/handlers';
import { createDispatcher, isTrustedSender, registerHandlers, type HandlerMap, type IpcHost } from '../../electron/ipc/register';
import type { Services } from '../../electron/ipc/services';
import { createAppFixture, type AppFixture } from './app-fixture';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const CHANNEL_NAME = /^[a-z]+:[a-z]+(-[a-z]+)*$/;

describe('contract ↔ handlers', () => {
  it('names every channel domain:verb-noun in kebab case, with no duplicates between requests and events', () => {
    for (const c of [...REQUEST_CHANNELS, ...EVENT_CHANNELS]) expect(c).toMatch(CHANNEL_NAME);
    expect(new Set(REQUEST_CHANNELS).size).toBe(REQUEST_CHANNELS.length);
    expect(REQUEST_CHANNELS.filter((c) => (EVENT_CHANNELS as readonly string[]).includes(c))).toEqual([]);
  });

  it('gives every request channel a zod schema', () => {
    for (const c of REQUEST_CHANNELS) expect(requests[c], c).toBeInstanceOf(z.ZodType);
  });

  it('has exactly one handler per channel: none missing, none extra', () => {
    const handlers = createHandlers(f.ctx.services);
    expect(Object.keys(handlers).sort()).toEqual([...REQUEST_CHANNELS].sort());
    for (const c of REQUEST_CHANNELS) expect(typeof handlers[c], c).toBe('function');
  });

  it('registers each channel on the host exactly once', () => {
    const seen: string[] = [];
    const host: IpcHost = { handle: (channel) => void seen.push(channel) };
    registerHandlers(host, f.ctx.services, { allowedOrigins: ['app://skiff'] });
    expect(seen.sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('has no getter for secrets', () => {
    expect(REQUEST_CHANNELS.filter((c) => c.startsWith('secrets:')).sort()).toEqual(['secrets:delete', 'secrets:has', 'secrets:set']);
  });

  it('knows every core error code (so no code reaches the renderer as unknown)', () => {
    for (const code of ERROR_CODES) expect(API_ERROR_CODES).toContain(code);
  });
});

describe('dispatch', () => {
  it('refuses unknown channels as data', async () => {
    for (const c of ['shell:open-external', 'secrets:get', '', '__proto__', 'constructor', 'toString', 42, null]) {
      const r = await f.dispatch(c, { url: 'app://skiff/index.html', isMainFrame: true }, []);
      expect(r, String(c)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });

  it('refuses a sub-frame, a foreign origin, file:// and a missing sender', async () => {
    const bad = [
      { url: 'app://skiff/index.html', isMainFrame: false },
      { url: 'https://evil.example/', isMainFrame: true },
      { url: 'app://evil/index.html', isMainFrame: true },
      { url: 'file:///etc/passwd', isMainFrame: true },
      { url: 'not a url', isMainFrame: true },
      { url: '', isMainFrame: true },
    ];
    for (const sender of bad) {
      const r = await f.dispatch('app:info', sender, []);
      expect(r, JSON.stringify(sender)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(await f.dispatch('app:info', undefined as never, [])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(isTrustedSender({ url: 'app://skiff/sub/page.html', isMainFrame: true }, { allowedOrigins: ['app://skiff'] })).toBe(true);
  });

  it('answers the app’s own main frame', async () => {
    const r = await f.call('app:info');
    expect(r).toMatchObject({ ok: true, value: { name: 'Skiff', mode: 'web' } });
  });

  it('refuses more than one argument', async () => {
    expect(await f.call('local:home', undefined, 'extra')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('turns a handler crash into INTERNAL without the raw text, and a SkiffError into its code and path', async () => {
    const logged: unknown[] = [];
    const handlers = createHandlers(f.ctx.services) as HandlerMap;
    const crashing: HandlerMap = {
      ...handlers,
      'app:info': () => {
        throw new TypeError('Cannot read properties of undefined (reading ssh2 internals)');
      },
    };
    const d = createDispatcher(crashing, { allowedOrigins: ['app://skiff'] }, (_m, e) => logged.push(e));
    const r = await d('app:info', { url: 'app://skiff/', isMainFrame: true }, []);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(r)).not.toContain('ssh2 internals');
    expect(logged).toHaveLength(1);

    const missing = await f.call('local:stat', { path: `${f.tmp}/does-not-exist` });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NO_SUCH_FILE', path: `${f.tmp}/does-not-exist` } });
  });

  it('does not expose anything but data (no functions, no class instances) in results', async () => {
    const r = await f.call('settings:get');
    expect(r.ok).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('uses a Services shape the app context fully provides', () => {
    const s: Services = f.ctx.services;
    for (const k of ['sessions', 'local', 'lists', 'finds', 'transfers', 'bookmarks', 'secrets', 'settings', 'dialogs', 'questions'] as const)
      expect(s[k], k).toBeTruthy();
  });
});
