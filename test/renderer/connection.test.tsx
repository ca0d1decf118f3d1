// Connecting and losing the connection: readable errors with a next step, never stacks.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { SessionInfo } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { fakeBridge } from './support/fake-api';

afterEach(cleanup);

function fillQuickConnect() {
  fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'srv' } });
  fireEvent.change(screen.getByLabelText('Port'), { target: { value: '2222' } });
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'me' } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
  fireEvent.click(screen.getByRole('checkbox', { name: 'Remember password' }));
}

/** The window connected (through Quick Connect) to a fake session `session`. */
async function connectedTo(session: Pick<SessionInfo, 'sessionId' | 'port' | 'authMethod'>) {
  const fake = fakeBridge({
    tree: { '/home/me': [], '/srv': [] },
    handlers: {
      'session:connect': () => ({ ...session, host: 'srv', username: 'me', home: '/srv' }),
      'session:disconnect': () => undefined,
    },
  });
  render(<App api={fake.api} />);
  await screen.findByRole('grid', { name: 'Local files' });
  fillQuickConnect();
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  await screen.findByRole('grid', { name: 'Remote files' });
  return fake;
}

describe('connection', () => {
  it('a failed login shows what went wrong and what to do, without internals', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [] },
      handlers: {
        'session:connect': () => {
          throw { code: 'AUTH_FAILED', message: 'The server refused the password for me@srv.\n    at Client._onAuth (node_modules/ssh2/lib/client.js:1:1)' };
        },
      },
    });
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    fillQuickConnect();
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The server refused the password for me@srv.');
    expect(alert.textContent).toContain('Check the username, password or key file');
    expect(alert.textContent).not.toContain('node_modules');
    expect(fake.callsOf('session:connect')).toEqual([
      { host: 'srv', port: 2222, username: 'me', authMethod: 'password', password: 'pw', rememberPassword: true },
    ]);
    expect(screen.queryByRole('grid', { name: 'Remote files' })).toBeNull();
  });

  it('a dropped connection returns the remote pane to "Not connected" and says why', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [], '/srv': [] },
      handlers: { 'session:connect': () => ({ sessionId: 's9', host: 'srv', port: 2222, username: 'me', authMethod: 'password', home: '/srv' }) },
    });
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    fillQuickConnect();
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('grid', { name: 'Remote files' });
    expect(screen.getByText(/me@srv:2222/)).toBeTruthy();
    act(() => fake.emit('session:closed', { sessionId: 's9', code: 'CONNECTION_LOST', message: 'The connection to srv was lost.', byUser: false }));
    await waitFor(() => expect(screen.queryByRole('grid', { name: 'Remote files' })).toBeNull());
    expect((await screen.findByRole('alert')).textContent).toMatch(/was lost.*Connect again/);
  });

  it('a drop that reconnects by itself: "Reconnecting… (attempt n)" with Cancel, the folder kept, then back and refreshed', async () => {
    const fake = await connectedTo({ sessionId: 's5', port: 2222, authMethod: 'password' });
    const listsBefore = fake.callsOf('sftp:list-dir').length;
    act(() => fake.emit('session:state', { sessionId: 's5', state: 'reconnecting', attempt: 1, message: 'The connection to srv was lost.' }));
    expect((await screen.findByRole('status')).textContent).toContain('Reconnecting… (attempt 1)');
    act(() => fake.emit('session:state', { sessionId: 's5', state: 'reconnecting', attempt: 2, retryInMs: 2000, message: 'Connection refused' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Reconnecting… \(attempt 2\).*next try in 2 s/));
    // Still the same session and folder: no "Not connected", no Disconnect while it reconnects.
    expect(screen.getByRole('grid', { name: 'Remote files' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Disconnect' })).toBeNull();
    act(() => fake.emit('session:state', { sessionId: 's5', state: 'connected' }));
    await screen.findByRole('button', { name: 'Disconnect' });
    expect(screen.queryByText(/Reconnecting…/)).toBeNull();
    await waitFor(() => expect(fake.callsOf('sftp:list-dir').length).toBeGreaterThan(listsBefore));

    // Cancel while reconnecting disconnects that session.
    act(() => fake.emit('session:state', { sessionId: 's5', state: 'reconnecting', attempt: 1, message: 'lost again' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(fake.callsOf('session:disconnect')).toEqual([{ sessionId: 's5' }]));
    expect(screen.queryByRole('grid', { name: 'Remote files' })).toBeNull();
  });

  it('Disconnect closes the session by id', async () => {
    const fake = await connectedTo({ sessionId: 's3', port: 22, authMethod: 'publickey' });
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(fake.callsOf('session:disconnect')).toEqual([{ sessionId: 's3' }]));
    expect(screen.queryByRole('grid', { name: 'Remote files' })).toBeNull();
  });

  it('"Remember password" in Quick Connect: main keeps it with a saved server; the window says so and the sidebar shows it', async () => {
    let saved = false;
    const b = {
      id: 'b9',
      name: 'me@srv',
      host: 'srv',
      port: 2222,
      username: 'me',
      authMethod: 'password' as const,
      keyPath: null,
      remoteDir: null,
      localDir: null,
      group: null,
      notes: '',
      rememberPassword: true,
      lastConnectedAt: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const fake = fakeBridge({
      tree: { '/home/me': [], '/srv': [] },
      handlers: {
        'session:connect': () => {
          saved = true;
          return {
            sessionId: 's5',
            host: 'srv',
            port: 2222,
            username: 'me',
            authMethod: 'password',
            home: '/srv',
            bookmarkId: 'b9',
            remembered: { bookmarkId: 'b9', name: 'me@srv', created: true },
          };
        },
        'bookmarks:list': () => ({ bookmarks: saved ? [b] : [], groups: [], problems: [], readOnly: null }),
      },
    });
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    fillQuickConnect();
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('grid', { name: 'Remote files' });
    expect((await screen.findByText(/Saved as “me@srv”, with the password in the system keychain\./)).closest('[role="status"]')).toBeTruthy();
    const server = await within(screen.getByRole('navigation', { name: 'Saved servers' })).findByRole('button', { name: /^me@srv / });
    expect(server.closest('li')?.className).toBe('active');
  });

  it('"Remember password" that could not be kept: connected, with a warning saying why', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [], '/srv': [] },
      handlers: {
        'session:connect': () => ({
          sessionId: 's6',
          host: 'srv',
          port: 2222,
          username: 'me',
          authMethod: 'password',
          home: '/srv',
          keychainWarning: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The system keychain is locked.' },
        }),
      },
    });
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    fillQuickConnect();
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByRole('grid', { name: 'Remote files' });
    expect((await screen.findByRole('status')).textContent).toContain('Connected, but the password was not remembered. The system keychain is locked.');
  });
});
