// The start-up prompt after a quit or crash: “3 transfers did not finish” with Resume all, Review
// and Discard. Resume all connects to a saved server by itself and retries its jobs there; Review
// only lists them; Discard says what it removed. A journal that could not be read is reported.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferJobDto, UnfinishedChoice, UnfinishedTransferDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { fakeBridge, jobDto } from './support/fake-api';

afterEach(cleanup);

const MiB = 1024 * 1024;
const saved = { bookmarkId: 'b1', host: 'srv', port: 22, username: 'me' };
const quick = { host: 'other', port: 2222, username: 'you' };

function unfinished(id: string, label: string, over: Partial<UnfinishedTransferDto> = {}): UnfinishedTransferDto {
  return {
    id,
    direction: 'upload',
    label,
    sources: [`/home/me/${label}`],
    targetDir: '/srv/in',
    server: saved,
    bytesDone: 12 * MiB,
    bytesTotal: 64 * MiB,
    filesDone: 0,
    filesTotal: 1,
    parts: 1,
    addedAt: 1,
    ...over,
  };
}

const offered = [
  unfinished('u1', 'big.bin'),
  unfinished('u2', 'photos', { direction: 'download', filesTotal: 30 }),
  unfinished('u3', 'far.iso', { server: quick }),
];
const restored = (id: string, label: string, server: TransferJobDto['server']): TransferJobDto =>
  jobDto({
    id,
    label,
    server,
    state: 'failed',
    serverConnected: false,
    sessionId: '',
    error: { code: 'INTERRUPTED', message: 'Skiff stopped before this transfer finished.' },
  });

function bridge(choiceResult: (c: UnfinishedChoice) => unknown) {
  return fakeBridge({
    tree: { '/home/me': [], '/srv': [] },
    handlers: {
      'transfer:unfinished': () => ({ jobs: offered, problems: [] }),
      'transfer:resolve-unfinished': (a) => choiceResult(a.choice) as never,
      'transfer:retry': () => undefined,
      'session:connect': () => ({ sessionId: 's2', host: 'srv', port: 22, username: 'me', authMethod: 'publickey', home: '/srv', bookmarkId: 'b1' }),
    },
  });
}

describe('the unfinished-transfers prompt', () => {
  it('says how many did not finish and lists them with their progress and server', async () => {
    render(<App api={bridge(() => ({ jobs: [], removedParts: 0, laterServers: [] })).api} />);
    const prompt = await screen.findByRole('dialog', { name: '3 transfers did not finish' });
    const items = within(prompt).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      '↑ big.bin — 12.0 MiB of 64.0 MiB, to me@srv',
      '↓ photos — 12.0 MiB of 64.0 MiB, from me@srv',
      '↑ far.iso — 12.0 MiB of 64.0 MiB, to you@other',
    ]);
    for (const name of ['Resume all', 'Review', 'Discard']) expect(within(prompt).getByRole('button', { name })).toBeTruthy();
  });

  it('Resume all: connects to the saved server once and retries its jobs there; the other server’s job keeps “Connect and retry”', async () => {
    const jobs = [restored('n1', 'big.bin', saved), restored('n2', 'photos', saved), restored('n3', 'far.iso', quick)];
    const fake = bridge(() => ({ jobs, removedParts: 0, laterServers: [] }));
    render(<App api={fake.api} />);
    const prompt = await screen.findByRole('dialog', { name: '3 transfers did not finish' });
    fireEvent.click(within(prompt).getByRole('button', { name: 'Resume all' }));
    // Main announces the restored jobs as it adds them.
    act(() => jobs.forEach((j) => fake.emit('transfer:changed', j)));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: /did not finish/ })).toBeNull());
    expect(fake.callsOf('transfer:resolve-unfinished')).toEqual([{ choice: 'resume' }]);
    await waitFor(() => expect(fake.callsOf('transfer:retry')).toEqual([{ jobId: 'n1' }, { jobId: 'n2' }]));
    expect(fake.callsOf('session:connect')).toEqual([{ bookmarkId: 'b1' }]);
    const region = screen.getByRole('region', { name: 'Transfers' });
    expect(within(region).getByRole('button', { name: 'Connect and retry far.iso' })).toBeTruthy();
  });

  it('Review: lists them in Transfers without starting or connecting anything', async () => {
    const jobs = [restored('n1', 'big.bin', saved)];
    const fake = bridge(() => ({ jobs, removedParts: 0, laterServers: [] }));
    render(<App api={fake.api} />);
    fireEvent.click(within(await screen.findByRole('dialog', { name: '3 transfers did not finish' })).getByRole('button', { name: 'Review' }));
    act(() => fake.emit('transfer:changed', jobs[0]!));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: /did not finish/ })).toBeNull());
    const region = screen.getByRole('region', { name: 'Transfers' });
    expect(within(region).getByText(/Failed: Skiff stopped before this transfer finished/)).toBeTruthy();
    expect(within(region).getByRole('button', { name: 'Connect and retry big.bin' })).toBeTruthy();
    expect(fake.callsOf('transfer:retry')).toEqual([]);
    expect(fake.callsOf('session:connect')).toEqual([]);
  });

  it('Discard: says how many part files went, and where the rest go at the next connection', async () => {
    const fake = bridge(() => ({ jobs: [], removedParts: 2, laterServers: [quick] }));
    render(<App api={fake.api} />);
    fireEvent.click(within(await screen.findByRole('dialog', { name: '3 transfers did not finish' })).getByRole('button', { name: 'Discard' }));
    expect(await screen.findByText('Discarded: 2 part files removed; those on you@other:2222 are removed when you next connect to it.')).toBeTruthy();
    expect(screen.queryByRole('dialog', { name: /did not finish/ })).toBeNull();
    expect(fake.callsOf('transfer:resolve-unfinished')).toEqual([{ choice: 'discard' }]);
  });

  it('nothing unfinished: no prompt; an unreadable journal is reported until dismissed', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [] },
      handlers: {
        'transfer:unfinished': () => ({
          jobs: [],
          problems: [
            {
              kind: 'parse',
              file: '/cfg/transfers.json',
              message: 'Unfinished transfers file is not valid JSON. The original file is kept as “/cfg/transfers.json.corrupt-x”.',
              keptAs: '/cfg/transfers.json.corrupt-x',
            },
          ],
        }),
      },
    });
    render(<App api={fake.api} />);
    const prompt = await screen.findByRole('dialog', { name: 'Unfinished transfers' });
    expect(within(prompt).getByRole('alert').textContent).toContain('kept as “/cfg/transfers.json.corrupt-x”');
    expect(within(prompt).queryByRole('button', { name: 'Resume all' })).toBeNull();
    fireEvent.click(within(prompt).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('dialog', { name: 'Unfinished transfers' })).toBeNull();
  });
});
