// The transfer queue: a progressbar per job, bytes/rate/ETA/state, per-job actions,
// clear finished and the badge; live updates from main's events.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { TransferJobDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge } from './support/fake-api';

afterEach(cleanup);

function job(id: string, over: Partial<TransferJobDto> = {}): TransferJobDto {
  return {
    id,
    sessionId: 's1',
    server: { host: 'example.org', port: 22, username: 'me' },
    serverConnected: true,
    direction: 'upload',
    sources: ['/home/me/a.bin'],
    targetDir: '/srv',
    label: `${id}.bin`,
    state: 'running',
    bytesDone: 25 * 1024 * 1024,
    bytesTotal: 100 * 1024 * 1024,
    filesDone: 0,
    filesTotal: 1,
    rate: 5 * 1024 * 1024,
    etaSeconds: 15,
    fileErrors: [],
    warnings: [],
    skipped: [],
    retries: 0,
    createdAt: 1,
    ...over,
  };
}

describe('transfer queue', () => {
  it('shows each job with a progressbar, bytes, rate, ETA and state, and updates live', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [entry('/home/me', 'a.bin')] },
      handlers: {
        'transfer:list': () => [job('one'), job('two', { state: 'done', bytesDone: 10, bytesTotal: 10, createdAt: 0 })],
        'transfer:pause': () => undefined,
        'transfer:clear-finished': () => undefined,
      },
    });
    render(<App api={fake.api} />);
    const region = await screen.findByRole('region', { name: 'Transfers' });
    await waitFor(() => expect(within(region).getAllByRole('progressbar')).toHaveLength(2));
    const bar = within(region).getByRole('progressbar', { name: 'Upload one.bin' }) as HTMLProgressElement;
    expect(bar.value).toBe(25);
    expect(region.textContent).toContain('25.0 MiB / 100 MiB');
    expect(region.textContent).toContain('5.0 MiB/s');
    expect(region.textContent).toContain('0:15');
    expect(region.textContent).toContain('Running');
    expect(within(region).getByLabelText('1 active, 2 total').textContent).toBe('1 active');

    act(() =>
      fake.emit('transfer:progress', [
        { id: 'one', bytesDone: 75 * 1024 * 1024, bytesTotal: 100 * 1024 * 1024, filesDone: 0, filesTotal: 1, rate: 1024, etaSeconds: 3725 },
      ]),
    );
    expect(bar.value).toBe(75);
    expect(region.textContent).toContain('1:02:05');

    fireEvent.click(within(region).getByRole('button', { name: 'Pause one.bin' }));
    await waitFor(() => expect(fake.callsOf('transfer:pause')).toEqual([{ jobId: 'one' }]));
    act(() => fake.emit('transfer:changed', job('one', { state: 'failed', error: { code: 'CONNECTION_LOST', message: 'The connection dropped.' } })));
    expect(within(region).getByRole('button', { name: 'Retry one.bin' })).toBeTruthy();
    expect(region.textContent).toContain('Failed: The connection dropped.');

    fireEvent.click(within(region).getByRole('button', { name: 'Clear finished' }));
    await waitFor(() => expect(within(region).queryAllByRole('progressbar')).toHaveLength(0));
    expect(fake.callsOf('transfer:clear-finished')).toHaveLength(1);
  });

  it('F5 enqueues the selection into the other pane and drops come back as jobs', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [entry('/home/me', 'a.bin'), entry('/home/me', 'b.bin')], '/srv': [] },
      handlers: {
        'session:connect': () => ({ sessionId: 's1', host: 'srv', port: 22, username: 'me', authMethod: 'publickey', home: '/srv' }),
        'transfer:enqueue': (a) => job('new', { sources: a.sources, targetDir: a.targetDir, label: 'a.bin', state: 'queued', bytesDone: 0 }),
      },
    });
    render(<App api={fake.api} />);
    fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'srv' } });
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'me' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('grid', { name: 'Remote files' });
    const grid = screen.getByRole('grid', { name: 'Local files' });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(3));
    fireEvent.click(within(grid).getByRole('row', { name: /^a\.bin,/ }));
    fireEvent.keyDown(grid, { key: 'F5' });
    await waitFor(() =>
      expect(fake.callsOf('transfer:enqueue')).toEqual([{ sessionId: 's1', direction: 'upload', sources: ['/home/me/a.bin'], targetDir: '/srv' }]),
    );
    expect(fake.callsOf('session:connect')).toEqual([{ host: 'srv', port: 22, username: 'me', authMethod: 'password', rememberPassword: false }]);
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Transfers' })).getAllByRole('progressbar')).toHaveLength(1));
  });

  it("shows a job's per-file warnings (modification time not kept) behind a count", async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [entry('/home/me', 'a.bin')] },
      handlers: {
        'transfer:list': () => [
          job('warned', {
            state: 'done',
            bytesDone: 10,
            bytesTotal: 10,
            warnings: [
              { path: 'a.bin', code: 'MTIME_NOT_KEPT', message: 'Modification time not kept: the server did not allow setting it (Permission denied).' },
              { path: 'sub/b.bin', code: 'MODE_NOT_KEPT', message: 'Permissions not kept: the server did not allow setting them.' },
            ],
          }),
          job('clean', { state: 'done', bytesDone: 10, bytesTotal: 10 }),
        ],
      },
    });
    render(<App api={fake.api} />);
    const region = await screen.findByRole('region', { name: 'Transfers' });
    const toggle = await within(region).findByRole('button', { name: '2 warnings for warned.bin' });
    expect(within(region).queryByRole('button', { name: /warnings? for clean\.bin/ })).toBeNull();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(within(region).queryByRole('list', { name: 'Warnings for warned.bin' })).toBeNull();
    fireEvent.click(toggle);
    const list = within(region).getByRole('list', { name: 'Warnings for warned.bin' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'a.bin: modification time not kept — Modification time not kept: the server did not allow setting it (Permission denied).',
      'sub/b.bin: permissions not kept — Permissions not kept: the server did not allow setting them.',
    ]);
    fireEvent.click(toggle);
    expect(within(region).queryByRole('list', { name: 'Warnings for warned.bin' })).toBeNull();
  });
});
