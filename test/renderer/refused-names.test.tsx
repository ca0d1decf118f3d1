// When a server lists names that cannot be files (main leaves them out and says so in
// ListPage.refused), the remote pane tells the user: how many, which (as inert text), and why.
// A clean listing shows nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ListPage, RefusedNamesDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge } from './support/fake-api';

afterEach(cleanup);

const XSS = '<img src=x onerror=alert(1)>/y';
const BIDI = 'inv\u202Efdp.exe/z';

/** Remote listings scripted page by page (each page a full ListPage minus listId). */
function connectedApp(remotePages: Record<string, Array<Omit<ListPage, 'listId' | 'path'>>>) {
  const open = new Map<string, { path: string; pages: Array<Omit<ListPage, 'listId' | 'path'>> }>();
  let n = 0;
  const serve = (listId: string): ListPage => {
    const l = open.get(listId)!;
    const p = l.pages.shift()!;
    if (p.done) open.delete(listId);
    return { listId, path: l.path, ...p };
  };
  const fake = fakeBridge({
    tree: { '/home/me': [entry('/home/me', 'l.txt')] },
    handlers: {
      'session:connect': () => ({ sessionId: 's1', host: 'srv', port: 22, username: 'me', authMethod: 'publickey', home: '/srv' }),
      'sftp:list-dir': (a) => {
        const pages = remotePages[a.path];
        if (!pages) throw { code: 'NO_SUCH_FILE', message: 'no such folder', path: a.path };
        const listId = `r${++n}`;
        open.set(listId, { path: a.path, pages: pages.slice() });
        return serve(listId);
      },
      'list:next': (a) => serve(a.listId),
    },
  });
  render(<App api={fake.api} />);
  fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'srv' } });
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'me' } });
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  return fake;
}

const remotePane = () => screen.getByRole('region', { name: 'Remote pane' });

describe('remote pane: entries with unusable names', () => {
  it('says how many were hidden, quotes them as inert text, lists the reasons, and goes away in a clean folder', async () => {
    const first: RefusedNamesDto = { count: 1, names: [{ name: '../../x', reason: 'it climbs out of the folder with “..”' }] };
    const all: RefusedNamesDto = {
      count: 4,
      names: [
        ...first.names,
        { name: 'a/b', reason: 'it contains “/”, so it is a path into another folder, not a file name' },
        { name: XSS, reason: 'it contains “/”' },
        { name: BIDI, reason: 'it contains “/”' },
      ],
    };
    connectedApp({
      '/srv': [
        { entries: [entry('/srv', 'good.txt'), entry('/srv', 'clean', { type: 'directory' })], done: false, refused: first },
        { entries: [entry('/srv', 'more.txt')], done: true, refused: all },
      ],
      '/srv/clean': [{ entries: [entry('/srv/clean', 'fine.txt')], done: true }],
    });
    const grid = await screen.findByRole('grid', { name: 'Remote files' });
    await waitFor(() => within(grid).getByRole('row', { name: /^more\.txt,/ }));
    // The good entries are listed.
    within(grid).getByRole('row', { name: /^good\.txt,/ });

    const status = await waitFor(() => within(remotePane()).getByRole('status'));
    await waitFor(() =>
      expect(status.textContent).toBe(
        '4 entries with unusable names were hidden (the server sent “../../x”, “a/b”, “<img src=x onerror=alert(1)>/y” and 1 more).',
      ),
    );
    // Every name and its reason in the details list, as text: no element from the name, bidi made visible.
    const list = within(remotePane()).getByRole('list', { name: 'Hidden entries' });
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual([
      '“../../x”: it climbs out of the folder with “..”',
      '“a/b”: it contains “/”, so it is a path into another folder, not a file name',
      `“${XSS}”: it contains “/”`,
      '“inv\uFFFDfdp.exe/z”: it contains “/”',
    ]);
    expect(document.querySelector('img')).toBeNull();
    expect(/[\u202a-\u202e]/.test(document.body.textContent ?? '')).toBe(false);
    // The local pane has nothing to say.
    expect(within(screen.getByRole('region', { name: 'Local pane' })).queryByText(/unusable names/)).toBeNull();

    // Into a clean folder: the notice goes.
    fireEvent.doubleClick(within(grid).getByRole('row', { name: /^clean,/ }));
    await waitFor(() => within(grid).getByRole('row', { name: /^fine\.txt,/ }));
    expect(within(remotePane()).queryByText(/unusable name/)).toBeNull();
    expect(within(remotePane()).queryByRole('status')).toBeNull();
  });

  it('one hidden entry reads in the singular; names beyond those sent are counted, not invented', async () => {
    connectedApp({ '/srv': [{ entries: [], done: true, refused: { count: 1, names: [{ name: '', reason: 'an empty name is not a file name' }] } }] });
    const status = await waitFor(() => within(remotePane()).getByRole('status'));
    expect(status.textContent).toBe('1 entry with an unusable name was hidden (the server sent “”).');

    cleanup();
    const names = Array.from({ length: 100 }, (_, i) => ({ name: `evil/${i}`, reason: 'it contains “/”' }));
    connectedApp({ '/srv': [{ entries: [entry('/srv', 'ok')], done: true, refused: { count: 5000, names } }] });
    const s2 = await waitFor(() => within(remotePane()).getByRole('status'));
    expect(s2.textContent).toBe('5,000 entries with unusable names were hidden (the server sent “evil/0”, “evil/1”, “evil/2” and 4,997 more).');
    const items = within(within(remotePane()).getByRole('list', { name: 'Hidden entries' })).getAllByRole('listitem');
    expect(items).toHaveLength(101);
    expect(items[100]!.textContent).toBe('…and 4,900 more not listed here.');
  });

  it('shows no notice for a clean listing', async () => {
    connectedApp({
      '/srv': [
        { entries: [entry('/srv', 'a.txt')], done: false },
        { entries: [entry('/srv', 'b.txt')], done: true },
      ],
    });
    const grid = await screen.findByRole('grid', { name: 'Remote files' });
    await waitFor(() => within(grid).getByRole('row', { name: /^b\.txt,/ }));
    expect(within(remotePane()).queryByRole('status')).toBeNull();
    expect(screen.queryByText(/unusable name/)).toBeNull();
  });
});
