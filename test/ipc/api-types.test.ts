// Compile-time checks of the SkiffApi shape (tsc fails if the mapping breaks) plus a run-time echo.
import { describe, expect, it } from 'vitest';
import { SkiffApiError, createApi, isSkiffApiError, withPlainErrors } from '../../electron/ipc/create-api';
import type { SkiffApi } from '../../electron/ipc/contract';

describe('SkiffApi type mapping', () => {
  it('maps channels to camelCase methods grouped by domain', async () => {
    const seen: unknown[] = [];
    const api: SkiffApi = createApi({
      invoke: async (channel, ...args) => {
        seen.push([channel, ...args]);
        return { ok: true, value: channel === 'sftp:list-dir' ? { listId: 'l1', path: '/', entries: [], done: true } : null };
      },
      on: () => () => undefined,
    });
    const page = await api.sftp.listDir({ sessionId: 's1', path: '/' });
    const p: string = page.listId;
    await api.app.info();
    await api.transfer.clearFinished();
    // @ts-expect-error: an argument is required
    void (() => api.sftp.stat());
    expect(p).toBe('l1');
    expect(seen).toEqual([
      ['sftp:list-dir', { sessionId: 's1', path: '/' }],
      ['app:info', undefined],
      ['transfer:clear-finished', undefined],
    ]);
  });
});

describe('errors crossing the bridge', () => {
  const failing = createApi({
    invoke: async () => ({ ok: false, error: { code: 'PERMISSION_DENIED', message: 'Permission denied for “/etc/shadow”.', path: '/etc/shadow' } }),
    on: () => () => undefined,
  });

  it('createApi rejects with a typed SkiffApiError carrying code and path', async () => {
    const err = await failing.sftp.stat({ sessionId: 's', path: '/etc/shadow' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SkiffApiError);
    expect(err).toMatchObject({ code: 'PERMISSION_DENIED', path: '/etc/shadow' });
    // Why preload cannot expose it as is: a copied Error keeps its message only (as contextBridge does).
    expect((structuredClone(err) as { code?: string }).code).toBeUndefined();
  });

  it('withPlainErrors rejects with plain data that survives a copy, recognised by isSkiffApiError', async () => {
    const api = withPlainErrors(failing);
    const err = await api.sftp.stat({ sessionId: 's', path: '/etc/shadow' }).catch((e: unknown) => e);
    expect(Object.getPrototypeOf(err)).toBe(Object.prototype);
    const copied = structuredClone(err);
    expect(copied).toEqual({ name: 'SkiffApiError', code: 'PERMISSION_DENIED', message: 'Permission denied for “/etc/shadow”.', path: '/etc/shadow' });
    expect(isSkiffApiError(copied, 'PERMISSION_DENIED')).toBe(true);
    expect(isSkiffApiError({ name: 'SkiffApiError', code: 'MADE_UP' })).toBe(false);
    const unknown = await (api.invoke as (c: string) => Promise<unknown>)('nope:x').catch((e: unknown) => e);
    expect(structuredClone(unknown)).toMatchObject({ code: 'UNKNOWN_CHANNEL' });
  });

  it('turns a malformed reply into PROTOCOL_ERROR and a transport failure into CONNECTION_LOST', async () => {
    const weird = createApi({ invoke: async () => 'not an envelope', on: () => () => undefined });
    await expect(weird.app.info()).rejects.toMatchObject({ code: 'PROTOCOL_ERROR' });
    const broken = createApi({
      invoke: async () => {
        throw new Error('socket closed');
      },
      on: () => () => undefined,
    });
    await expect(broken.app.info()).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    expect(() => broken.on('no:such' as never, () => undefined)).toThrow(/Unknown event channel/);
  });
});
