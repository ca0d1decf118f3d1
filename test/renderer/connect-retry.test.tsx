// “Connect and retry”: a failed job whose server has no session offers it instead of a Retry
// that cannot work; clicking it connects to that server (a bookmark connects, Quick Connect is
// filled in for the user to finish) and retries the job once the session is open.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferJobDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge, jobDto } from './support/fake-api';

afterEach(cleanup);

const failed = (over: Partial<TransferJobDto> = {}): TransferJobDto =>
  jobDto({
    id: 'j1',
    label: 'big.bin',
    state: 'failed',
    error: { code: 'CONNECTION_LOST', message: 'The connection dropped.' },
    server: { host: 'srv', port: 2222, username: 'me' },
    serverConnected: false,
    ...over,
  });

describe('Connect and retry', () => {
  it('Quick Connect server: fills Quick Connect in, and retries the job after the user connects', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [entry('/home/me', 'a.bin')], '/srv': [] },
      handlers: {
        'transfer:list': () => [failed()],
        'transfer:retry': () => undefined,
        'session:connect': () => ({ sessionId: 's2', host: 'srv', port: 2222, username: 'me', authMethod: 'publickey', home: '/srv' }),
      },
    });
    render(<App api={fake.api} />);
    const region = await screen.findByRole('region', { name: 'Transfers' });
    const button = await within(region).findByRole('button', { name: 'Connect and retry big.bin' });
    expect(button.textContent).toBe('Connect and retry');
    expect(within(region).queryByRole('button', { name: 'Retry big.bin' })).toBeNull();

    fireEvent.click(button);
    // Nothing connects by itself: the form is filled in for the user (the normal flow and its questions).
    await waitFor(() => expect((screen.getByLabelText('Host') as HTMLInputElement).value).toBe('srv'));
    expect((screen.getByLabelText('Port') as HTMLInputElement).value).toBe('2222');
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('me');
    expect(fake.callsOf('session:connect')).toEqual([]);
    expect(fake.callsOf('transfer:retry')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('grid', { name: 'Remote files' });
    await waitFor(() => expect(fake.callsOf('transfer:retry')).toEqual([{ jobId: 'j1' }]));

    // Main says the server is connected again: a plain Retry from now on.
    act(() => fake.emit('transfer:changed', failed({ serverConnected: true, sessionId: 's2' })));
    expect(within(region).getByRole('button', { name: 'Retry big.bin' })).toBeTruthy();
    expect(within(region).queryByRole('button', { name: 'Connect and retry big.bin' })).toBeNull();
  });

  it('saved server: connects with its bookmark, then retries', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [], '/srv': [] },
      handlers: {
        'transfer:list': () => [failed({ server: { bookmarkId: 'b1', host: 'srv', port: 22, username: 'me' } })],
        'transfer:retry': () => undefined,
        'session:connect': () => ({ sessionId: 's2', host: 'srv', port: 22, username: 'me', authMethod: 'publickey', home: '/srv', bookmarkId: 'b1' }),
      },
    });
    render(<App api={fake.api} />);
    const region = await screen.findByRole('region', { name: 'Transfers' });
    fireEvent.click(await within(region).findByRole('button', { name: 'Connect and retry big.bin' }));
    await waitFor(() => expect(fake.callsOf('transfer:retry')).toEqual([{ jobId: 'j1' }]));
    expect(fake.callsOf('session:connect')).toEqual([{ bookmarkId: 'b1' }]);
  });
});
