// Remote-only operations and pane switching: Tab between panes, create symlink, and Find
// on server with results streaming in and "Download selected".
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge, jobDto } from './support/fake-api';

afterEach(cleanup);

async function connectedApp() {
  const fake = fakeBridge({
    tree: { '/home/me': [entry('/home/me', 'l.txt')], '/srv': [entry('/srv', 'data.csv')] },
    handlers: {
      'session:connect': () => ({ sessionId: 's1', host: 'srv', port: 22, username: 'me', authMethod: 'publickey', home: '/srv' }),
      'sftp:symlink': () => undefined,
      'sftp:find-start': () => ({ findId: 'find-1' }),
      'sftp:find-cancel': () => undefined,
      'transfer:enqueue': (a) => jobDto({ id: 'j1', direction: a.direction, sources: a.sources, targetDir: a.targetDir }),
    },
  });
  render(<App api={fake.api} />);
  fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'srv' } });
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'me' } });
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  const remote = await screen.findByRole('grid', { name: 'Remote files' });
  await waitFor(() => within(remote).getByRole('row', { name: /^data\.csv,/ }));
  return { fake, remote, local: screen.getByRole('grid', { name: 'Local files' }) };
}

describe('remote operations', () => {
  it('lands in the remote pane after connecting; Tab switches panes', async () => {
    const { remote, local } = await connectedApp();
    await waitFor(() => expect(document.activeElement).toBe(remote), { timeout: 5000 });
    fireEvent.keyDown(remote, { key: 'Tab' });
    expect(document.activeElement).toBe(local);
    fireEvent.keyDown(local, { key: 'Tab' });
    expect(document.activeElement).toBe(remote);
  });

  it('creates a symlink from the context menu', async () => {
    const { fake, remote } = await connectedApp();
    fireEvent.contextMenu(within(remote).getByRole('row', { name: /^data\.csv,/ }), { clientX: 10, clientY: 10 });
    fireEvent.click(within(await screen.findByRole('menu')).getByRole('menuitem', { name: /Create symlink/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Create symbolic link' });
    expect((within(dialog).getByRole('textbox', { name: 'Points to' }) as HTMLInputElement).value).toBe('data.csv');
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Link name' }), { target: { value: 'latest.csv' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(fake.callsOf('sftp:symlink')).toEqual([{ sessionId: 's1', target: 'data.csv', linkPath: '/srv/latest.csv' }]));
  });

  it('Find streams results in and downloads the selected ones into the local folder', async () => {
    const { fake, remote } = await connectedApp();
    fireEvent.keyDown(remote, { key: 'f', ctrlKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Find on server' });
    fireEvent.change(within(dialog).getByLabelText('Name or pattern'), { target: { value: '*.log' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Find' }));
    await waitFor(() => expect(fake.callsOf('sftp:find-start')).toEqual([{ sessionId: 's1', root: '/srv', pattern: '*.log', mode: 'glob' }]));
    act(() => fake.emit('sftp:find-result', { findId: 'find-1', matches: [entry('/srv/a', 'x.log')], done: false }));
    expect(within(dialog).getByText(/Searching… 1 found/)).toBeTruthy();
    act(() => fake.emit('sftp:find-result', { findId: 'other', matches: [entry('/elsewhere', 'nope.log')], done: false }));
    act(() => fake.emit('sftp:find-result', { findId: 'find-1', matches: [entry('/srv/b', 'y.log')], done: true }));
    expect(within(dialog).getByText(/^2 found/)).toBeTruthy();
    expect(within(dialog).queryByText('/elsewhere/nope.log')).toBeNull();
    fireEvent.click(within(dialog).getByRole('checkbox', { name: '/srv/b/y.log' }));
    fireEvent.click(within(dialog).getByRole('button', { name: /^Download selected/ }));
    await waitFor(() =>
      expect(fake.callsOf('transfer:enqueue')).toEqual([{ sessionId: 's1', direction: 'download', sources: ['/srv/b/y.log'], targetDir: '/home/me' }]),
    );
  });
});
