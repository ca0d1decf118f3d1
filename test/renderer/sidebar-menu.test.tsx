// Sidebar (saved servers with groups and search, sftp:// prefill) and the context menu.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { BookmarkDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge } from './support/fake-api';

afterEach(cleanup);

function bookmark(id: string, name: string, group: string | null): BookmarkDto {
  return {
    id,
    name,
    host: `${id}.example.org`,
    port: 22,
    username: 'deploy',
    authMethod: 'key',
    keyPath: null,
    remoteDir: null,
    localDir: null,
    group,
    notes: '',
    rememberPassword: false,
    lastConnectedAt: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('saved servers', () => {
  it('groups bookmarks, filters them by search and connects by id', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [], '/srv': [] },
      handlers: {
        'bookmarks:list': () => ({
          bookmarks: [bookmark('web1', 'Web 1', 'Production'), bookmark('db', 'Database', 'Production'), bookmark('lab', 'Lab box', null)],
          groups: ['Production'],
          problems: [],
          readOnly: null,
        }),
        'session:connect': () => ({
          sessionId: 's1',
          host: 'web1.example.org',
          port: 22,
          username: 'deploy',
          authMethod: 'publickey',
          home: '/srv',
          bookmarkId: 'web1',
        }),
      },
    });
    render(<App api={fake.api} />);
    const nav = await screen.findByRole('navigation', { name: 'Saved servers' });
    await waitFor(() => within(nav).getByRole('group', { name: 'Production' }));
    expect(within(within(nav).getByRole('group', { name: 'Production' })).getAllByRole('listitem')).toHaveLength(2);
    expect(within(nav).getByRole('group', { name: 'Servers' }).textContent).toContain('Lab box');
    fireEvent.change(within(nav).getByRole('searchbox', { name: 'Search saved servers' }), { target: { value: 'data' } });
    expect(within(nav).queryByText('Web 1')).toBeNull();
    expect(within(nav).getByText('Database')).toBeTruthy();
    fireEvent.change(within(nav).getByRole('searchbox', { name: 'Search saved servers' }), { target: { value: '' } });
    fireEvent.click(within(nav).getByRole('button', { name: 'Connect to Web 1' }));
    await screen.findByRole('grid', { name: 'Remote files' });
    expect(fake.callsOf('session:connect')).toEqual([{ bookmarkId: 'web1' }]);
  });

  it('an sftp:// URL prefills Quick Connect without connecting', async () => {
    const fake = fakeBridge({ tree: { '/home/me': [] } });
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    act(() => fake.emit('app:open-url', { host: 'files.example.org', port: 2222, username: 'ann', path: '/pub' }));
    await waitFor(() => expect((screen.getByLabelText('Host') as HTMLInputElement).value).toBe('files.example.org'));
    expect((screen.getByLabelText('Port') as HTMLInputElement).value).toBe('2222');
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('ann');
    expect(fake.callsOf('session:connect')).toEqual([]);
  });
});

describe('context menu', () => {
  it('opens with Shift+F10, moves with arrows and runs the picked action', async () => {
    const fake = fakeBridge({ tree: { '/home/me': [entry('/home/me', 'notes.txt')] } });
    render(<App api={fake.api} />);
    const grid = await screen.findByRole('grid', { name: 'Local files' });
    await waitFor(() => within(grid).getByRole('row', { name: /^notes\.txt,/ }));
    fireEvent.click(within(grid).getByRole('row', { name: /^notes\.txt,/ }));
    fireEvent.keyDown(grid, { key: 'F10', shiftKey: true });
    const menu = await screen.findByRole('menu', { name: 'Local file actions' });
    const items = within(menu)
      .getAllByRole('menuitem')
      .map((m) => m.textContent);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^New folder/),
        expect.stringMatching(/^Rename/),
        expect.stringMatching(/^Delete/),
        expect.stringMatching(/^Properties/),
        expect.stringMatching(/^Copy path/),
      ]),
    );
    // Upload is disabled while not connected, so focus starts on the first enabled item.
    expect(document.activeElement?.textContent).toMatch(/^New folder/);
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toMatch(/^Rename/);
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    const dialog = await screen.findByRole('dialog', { name: /^Rename/ });
    expect((within(dialog).getByRole('textbox', { name: 'New name' }) as HTMLInputElement).value).toBe('notes.txt');
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('right-click opens it at the pointer; Escape closes it', async () => {
    render(<App api={fakeBridge({ tree: { '/home/me': [entry('/home/me', 'a')] } }).api} />);
    const grid = await screen.findByRole('grid', { name: 'Local files' });
    await waitFor(() => within(grid).getByRole('row', { name: /^a,/ }));
    fireEvent.contextMenu(within(grid).getByRole('row', { name: /^a,/ }), { clientX: 120, clientY: 140 });
    const menu = await screen.findByRole('menu');
    expect(within(grid).getByRole('row', { name: /^a,/ }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(menu, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
  });
});
