// Compile-time checks of the SkiffApi shape (tsc fails if the mapping breaks) plus a run-time echo.
import { describe, expect, it } from 'vitest';
import { createApi } from '../../electron/ipc/create-api';
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
    expect(seen).toEqual([['sftp:list-dir', { sessionId: 's1', path: '/' }], ['app:info', undefined], ['transfer:clear-finished', undefined]]);
  });
});
