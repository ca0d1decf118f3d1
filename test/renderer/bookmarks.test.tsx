// Saved servers: edit (with "Remember password" and the stored-password indicator), duplicate,
// delete with confirmation, groups, keyboard and context menu, the problems banner for a bad
// bookmarks file, and keychain warnings shown as non-blocking messages.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { BookmarkDto, BookmarkInput, BookmarkList, ConfigProblemDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { bookmark, fakeBridge, type Handlers } from './support/fake-api';

afterEach(cleanup);

/** A fake bookmarks store: list/create/update/delete/duplicate keep `items` in step. */
function store(initial: BookmarkDto[], extra: { problems?: ConfigProblemDto[]; readOnly?: string | null; handlers?: Handlers } = {}) {
  let items = [...initial];
  let n = 0;
  const list = (): BookmarkList => ({
    bookmarks: [...items],
    groups: [...new Set(items.map((b) => b.group).filter((g): g is string => g !== null))].sort(),
    problems: extra.problems ?? [],
    readOnly: extra.readOnly ?? null,
  });
  const apply = (b: BookmarkDto, p: Partial<BookmarkInput>): BookmarkDto => ({ ...b, ...(p as Partial<BookmarkDto>) });
  const handlers: Handlers = {
    'bookmarks:list': list,
    'bookmarks:create': (a) => {
      const b = apply(bookmark(`new-${++n}`, a.bookmark.name), a.bookmark);
      items.push(b);
      return { bookmark: b, keychainWarning: null };
    },
    'bookmarks:update': (a) => {
      items = items.map((b) => (b.id === a.id ? apply(b, a.patch) : b));
      return { bookmark: items.find((b) => b.id === a.id)!, keychainWarning: null };
    },
    'bookmarks:delete': (a) => {
      items = items.filter((b) => b.id !== a.id);
      return { keychainWarning: null };
    },
    'bookmarks:duplicate': (a) => {
      const src = items.find((b) => b.id === a.id)!;
      const copy = { ...src, id: `copy-${++n}`, name: `${src.name} (copy)` };
      items.push(copy);
      return copy;
    },
    'secrets:has': () => false,
    ...extra.handlers,
  };
  const fake = fakeBridge({ tree: { '/home/me': [], '/srv': [] }, handlers });
  return { fake, items: () => items };
}

async function sidebar() {
  return screen.findByRole('navigation', { name: 'Saved servers' });
}
async function bookmarkButton(name: string) {
  const nav = await sidebar();
  return waitFor(() => within(nav).getByRole('button', { name: new RegExp(`^${name}`) }));
}

describe('editing a saved server', () => {
  it('F2 opens the editor with every field; saving sends the patch and the new password, never reading one back', async () => {
    const { fake, items } = store([bookmark('web1', 'Web 1', { rememberPassword: true, group: 'Production' })], { handlers: { 'secrets:has': () => true } });
    render(<App api={fake.api} />);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'F2' });
    const dialog = await screen.findByRole('dialog', { name: 'Edit saved server “Web 1”' });
    const field = (label: string) => within(dialog).getByLabelText(label) as HTMLInputElement;
    expect(field('Name').value).toBe('Web 1');
    expect(field('Host').value).toBe('web1.example.org');
    expect(field('Port').value).toBe('22');
    expect(field('Username').value).toBe('deploy');
    expect((within(dialog).getByLabelText('Authentication') as HTMLSelectElement).value).toBe('password');
    expect(field('Group').value).toBe('Production');
    expect((within(dialog).getByRole('checkbox', { name: 'Remember password' }) as HTMLInputElement).checked).toBe(true);
    // Whether a password is stored comes from secrets:has; the field itself stays empty.
    await within(dialog).findByText(/A password is stored in the system keychain/);
    expect(fake.callsOf('secrets:has')).toEqual([{ bookmarkId: 'web1', kind: 'password' }]);
    expect(field('Password').value).toBe('');

    fireEvent.change(field('Name'), { target: { value: 'Web one' } });
    fireEvent.change(field('Port'), { target: { value: '2222' } });
    fireEvent.change(field('Initial remote folder'), { target: { value: '/srv/www/' } });
    fireEvent.change(field('Initial local folder'), { target: { value: '/home/me/site' } });
    fireEvent.change(field('Notes'), { target: { value: 'behind the VPN' } });
    fireEvent.change(field('Password'), { target: { value: 's3cret!' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('bookmarks:update')).toEqual([
      {
        id: 'web1',
        patch: {
          name: 'Web one',
          host: 'web1.example.org',
          port: 2222,
          username: 'deploy',
          authMethod: 'password',
          keyPath: null,
          remoteDir: '/srv/www',
          localDir: '/home/me/site',
          group: 'Production',
          notes: 'behind the VPN',
          rememberPassword: true,
        },
        password: 's3cret!',
      },
    ]);
    expect(items()[0]!.name).toBe('Web one');
    await bookmarkButton('Web one');
    expect(document.body.innerHTML).not.toContain('s3cret!');
  });

  it('turning "Remember password" off sends no password and says the stored one will be removed', async () => {
    const { fake } = store([bookmark('web1', 'Web 1', { rememberPassword: true })], { handlers: { 'secrets:has': () => true } });
    render(<App api={fake.api} />);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'F2' });
    const dialog = await screen.findByRole('dialog', { name: /^Edit saved server/ });
    await within(dialog).findByText(/A password is stored/);
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Remember password' }));
    expect(within(dialog).queryByLabelText('Password')).toBeNull();
    within(dialog).getByText(/Saving removes the stored password/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsOf('bookmarks:update')).toHaveLength(1));
    const call = fake.callsOf('bookmarks:update')[0] as { patch: BookmarkInput; password?: string };
    expect(call.patch.rememberPassword).toBe(false);
    expect(call).not.toHaveProperty('password');
  });

  it('says so in the editor when the keychain cannot be asked', async () => {
    const { fake } = store([bookmark('web1', 'Web 1', { rememberPassword: true })], {
      handlers: {
        'secrets:has': () => {
          throw { code: 'KEYCHAIN_UNAVAILABLE', message: 'No desktop session bus (D-Bus) is reachable. Skiff will ask for passwords each time.' };
        },
      },
    });
    render(<App api={fake.api} />);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'F2' });
    const dialog = await screen.findByRole('dialog', { name: /^Edit saved server/ });
    const status = await within(dialog).findByText(/No desktop session bus \(D-Bus\) is reachable/);
    expect(status.getAttribute('role')).toBe('status');
    // The form still works: the bookmark can be saved without the keychain.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('bookmarks:update')).toHaveLength(1);
  });

  it('key authentication needs a key file; bad input is marked before anything is sent, core errors are shown in the form', async () => {
    const { fake } = store([bookmark('web1', 'Web 1')], {
      handlers: {
        'bookmarks:update': () => {
          throw { code: 'INVALID_ARGUMENT', message: 'Invalid bookmark: host: Not a valid host name or IP address' };
        },
      },
    });
    render(<App api={fake.api} />);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'F2' });
    const dialog = await screen.findByRole('dialog', { name: /^Edit saved server/ });
    fireEvent.change(within(dialog).getByLabelText('Authentication'), { target: { value: 'key' } });
    fireEvent.change(within(dialog).getByLabelText('Port'), { target: { value: '70000' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await within(dialog).findByText('Choose a private key file for key authentication.');
    within(dialog).getByText('Port must be between 1 and 65535.');
    expect(within(dialog).getByLabelText('Port').getAttribute('aria-invalid')).toBe('true');
    expect(fake.callsOf('bookmarks:update')).toEqual([]);

    fireEvent.change(within(dialog).getByLabelText('Port'), { target: { value: '22' } });
    fireEvent.change(within(dialog).getByLabelText('Key file'), { target: { value: '/home/me/.ssh/id_ed25519' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Not a valid host name');
    expect(within(dialog).getByLabelText('Host').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('dialog', { name: /^Edit saved server/ })).toBeTruthy();
  });

  it('a keychain warning from a save is a non-blocking message; the bookmark is saved', async () => {
    const { fake } = store([], {
      handlers: {
        'bookmarks:create': (a) => ({
          bookmark: bookmark('n1', a.bookmark.name, { rememberPassword: true }),
          keychainWarning: { code: 'KEYCHAIN_UNAVAILABLE', message: 'No Secret Service is running.' },
        }),
      },
    });
    render(<App api={fake.api} />);
    fireEvent.click(within(await sidebar()).getByRole('button', { name: 'New…' }));
    const dialog = await screen.findByRole('dialog', { name: 'New saved server' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Box' } });
    fireEvent.change(within(dialog).getByLabelText('Host'), { target: { value: 'box.lan' } });
    fireEvent.change(within(dialog).getByLabelText('Username'), { target: { value: 'ann' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Remember password' }));
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'pw-123' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const status = await screen.findByText(/not stored in the system keychain. No Secret Service is running/);
    expect(status.closest('[role="status"]')).not.toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.callsOf('bookmarks:create')).toEqual([
      { bookmark: expect.objectContaining({ name: 'Box', host: 'box.lan', username: 'ann', port: 22, rememberPassword: true }), password: 'pw-123' },
    ]);
  });

  it('Quick Connect "Save" with "Remember password" stores the typed password with the new bookmark', async () => {
    const { fake } = store([]);
    render(<App api={fake.api} />);
    await sidebar();
    fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'files.lan' } });
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'bob' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'hunter2' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Remember password' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await bookmarkButton('bob@files.lan');
    expect(fake.callsOf('bookmarks:create')).toEqual([
      { bookmark: expect.objectContaining({ name: 'bob@files.lan', host: 'files.lan', username: 'bob', rememberPassword: true }), password: 'hunter2' },
    ]);
  });
});

describe('bookmark actions', () => {
  it('Del asks first; Cancel keeps it, Delete removes it (the core removes its secrets)', async () => {
    const { fake } = store([bookmark('web1', 'Web 1', { rememberPassword: true }), bookmark('db', 'Database')]);
    render(<App api={fake.api} />);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'Delete' });
    let dialog = await screen.findByRole('alertdialog', { name: 'Delete saved server “Web 1”?' });
    expect(dialog.textContent).toContain('with its password in the system keychain');
    // Cancel has the focus, so a stray Enter does not delete.
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('bookmarks:delete')).toEqual([]);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'Delete' });
    dialog = await screen.findByRole('alertdialog', { name: /^Delete saved server/ });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(within(screen.getByRole('navigation', { name: 'Saved servers' })).queryByText('Web 1')).toBeNull());
    expect(fake.callsOf('bookmarks:delete')).toEqual([{ id: 'web1' }]);
  });

  it('a keychain warning on delete is shown, not thrown', async () => {
    const { fake } = store([bookmark('web1', 'Web 1', { rememberPassword: true })], {
      handlers: { 'bookmarks:delete': () => ({ keychainWarning: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The keyring is locked.' } }) },
    });
    render(<App api={fake.api} />);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'Delete' });
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    const msg = await screen.findByText(/could not be removed from the system keychain. The keyring is locked/);
    expect(msg.closest('[role="status"]')).not.toBeNull();
  });

  it('no keychain warning for deleting a bookmark that never remembered a password', async () => {
    const { fake } = store([bookmark('web1', 'Web 1', { rememberPassword: false })], {
      handlers: { 'bookmarks:delete': () => ({ keychainWarning: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The keyring is locked.' } }) },
    });
    render(<App api={fake.api} />);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'Delete' });
    const dialog = await screen.findByRole('alertdialog', { name: /^Delete saved server/ });
    expect(dialog.textContent).not.toContain('keychain');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(fake.callsOf('bookmarks:list').length).toBeGreaterThanOrEqual(2));
    expect(fake.callsOf('bookmarks:delete')).toEqual([{ id: 'web1' }]);
    expect(screen.queryByText(/keyring is locked/)).toBeNull();
  });

  it('the context menu (right-click or Shift+F10) duplicates, edits and deletes; Enter connects', async () => {
    const { fake } = store([bookmark('web1', 'Web 1')], {
      handlers: {
        'session:connect': () => ({
          sessionId: 's1',
          host: 'web1.example.org',
          port: 22,
          username: 'deploy',
          authMethod: 'password',
          home: '/srv',
          bookmarkId: 'web1',
        }),
      },
    });
    render(<App api={fake.api} />);
    fireEvent.contextMenu(await bookmarkButton('Web 1'), { clientX: 30, clientY: 300 });
    let menu = await screen.findByRole('menu', { name: 'Actions for Web 1' });
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((m) => m.textContent),
    ).toEqual(['ConnectEnter', 'Edit…F2', 'Duplicate', 'Move to group…', 'Delete…Del']);
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Duplicate' }));
    // The copy is listed and opens in the editor, ready to be renamed.
    const copyEditor = await screen.findByRole('dialog', { name: 'Edit saved server “Web 1 (copy)”' });
    await bookmarkButton('Web 1 \\(copy\\)');
    expect(fake.callsOf('bookmarks:duplicate')).toEqual([{ id: 'web1' }]);
    fireEvent.change(within(copyEditor).getByLabelText('Name'), { target: { value: 'Web 2' } });
    fireEvent.click(within(copyEditor).getByRole('button', { name: 'Save' }));
    await bookmarkButton('Web 2');
    expect(fake.callsOf('bookmarks:update')).toEqual([{ id: 'copy-1', patch: expect.objectContaining({ name: 'Web 2' }) }]);

    fireEvent.keyDown(await bookmarkButton('Web 1 deploy'), { key: 'F10', shiftKey: true });
    menu = await screen.findByRole('menu');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toMatch(/^Edit/);
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    await screen.findByRole('dialog', { name: 'Edit saved server “Web 1”' });
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    fireEvent.keyDown(await bookmarkButton('Web 1 deploy'), { key: 'Enter' });
    await screen.findByRole('grid', { name: 'Remote files' });
    expect(fake.callsOf('session:connect')).toEqual([{ bookmarkId: 'web1' }]);
  });

  it('search, then ArrowDown to the first match and F2 / Enter on it', async () => {
    const { fake } = store([bookmark('web1', 'Web 1'), bookmark('db', 'Database')], {
      handlers: {
        'session:connect': () => ({
          sessionId: 's1',
          host: 'db.example.org',
          port: 22,
          username: 'deploy',
          authMethod: 'password',
          home: '/srv',
          bookmarkId: 'db',
        }),
      },
    });
    render(<App api={fake.api} />);
    const nav = await sidebar();
    await bookmarkButton('Web 1');
    const search = within(nav).getByRole('searchbox', { name: 'Search saved servers' });
    fireEvent.change(search, { target: { value: 'data' } });
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toMatch(/^Database/);
    fireEvent.keyDown(search, { key: 'Enter' });
    await screen.findByRole('grid', { name: 'Remote files' });
    expect(fake.callsOf('session:connect')).toEqual([{ bookmarkId: 'db' }]);
  });

  it('connecting by bookmark opens its initial remote and local folders', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [], '/home/me/site': [], '/srv': [], '/srv/www': [] },
      handlers: {
        'bookmarks:list': () => ({
          bookmarks: [bookmark('web1', 'Web 1', { remoteDir: '/srv/www', localDir: '/home/me/site' })],
          groups: [],
          problems: [],
          readOnly: null,
        }),
        'session:connect': () => ({
          sessionId: 's1',
          host: 'web1.example.org',
          port: 22,
          username: 'deploy',
          authMethod: 'password',
          home: '/srv',
          bookmarkId: 'web1',
        }),
      },
    });
    render(<App api={fake.api} />);
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'Local path' }) as HTMLInputElement).value).toBe('/home/me'));
    fireEvent.click(within(await sidebar()).getByRole('button', { name: 'Connect to Web 1' }));
    await screen.findByRole('grid', { name: 'Remote files' });
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'Remote path' }) as HTMLInputElement).value).toBe('/srv/www'));
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'Local path' }) as HTMLInputElement).value).toBe('/home/me/site'));
  });

  it('moves a bookmark to a group and renames a group for all its members', async () => {
    const { fake } = store([bookmark('a', 'Alpha', { group: 'Staging' }), bookmark('b', 'Beta', { group: 'Staging' }), bookmark('c', 'Gamma')]);
    render(<App api={fake.api} />);
    const nav = await sidebar();
    fireEvent.click(await within(nav).findByRole('button', { name: 'Actions for Gamma' }));
    fireEvent.click(within(await screen.findByRole('menu')).getByRole('menuitem', { name: 'Move to group…' }));
    let dialog = await screen.findByRole('dialog', { name: 'Move “Gamma” to group' });
    fireEvent.change(within(dialog).getByLabelText('Group name'), { target: { value: 'Staging' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Move' }));
    await waitFor(() => expect(within(within(nav).getByRole('group', { name: 'Staging' })).getAllByRole('listitem')).toHaveLength(3));
    expect(fake.callsOf('bookmarks:update')).toEqual([{ id: 'c', patch: { group: 'Staging' } }]);

    fireEvent.click(within(nav).getByRole('button', { name: 'Rename group Staging' }));
    dialog = await screen.findByRole('dialog', { name: 'Rename group “Staging”' });
    fireEvent.change(within(dialog).getByLabelText('Group name'), { target: { value: 'Pre-production' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rename' }));
    await waitFor(() => within(nav).getByRole('group', { name: 'Pre-production' }));
    expect(within(nav).queryByRole('group', { name: 'Staging' })).toBeNull();
    expect(fake.callsOf('bookmarks:update').slice(1)).toEqual(['a', 'b', 'c'].map((id) => ({ id, patch: { group: 'Pre-production' } })));
  });
});

describe('a bookmarks file that did not load cleanly', () => {
  it('shows what is wrong, where, where the original was kept and what to do', async () => {
    const { fake } = store([bookmark('ok', 'Still here')], {
      problems: [
        {
          kind: 'parse',
          file: '/home/me/.config/Skiff/bookmarks.json',
          line: 7,
          column: 3,
          message:
            'Bookmarks file is not valid JSON: unexpected “}” at line 7, column 3. The original file is kept as “bookmarks.json.corrupt-2026-11-28T10-00-00Z”.',
          keptAs: '/home/me/.config/Skiff/bookmarks.json.corrupt-2026-11-28T10-00-00Z',
        },
      ],
    });
    render(<App api={fake.api} />);
    const banner = await screen.findByRole('alert', { name: 'Problem with saved servers' });
    expect(banner.textContent).toContain('not valid JSON');
    expect(banner.textContent).toContain('/home/me/.config/Skiff/bookmarks.json (line 7, column 3)');
    expect(banner.textContent).toContain('The original is kept as /home/me/.config/Skiff/bookmarks.json.corrupt-2026-11-28T10-00-00Z');
    expect(banner.textContent).toMatch(/open the kept copy in a text editor/);
    // The servers that could be read are still there and usable.
    await bookmarkButton('Still here');
    fireEvent.click(within(banner).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert', { name: 'Problem with saved servers' })).toBeNull();
  });

  it('a file from a newer Skiff is read-only: no new, import, edit or delete', async () => {
    const reason = 'Bookmarks file is from a newer Skiff (format 9); this version reads format 2.';
    const { fake } = store([bookmark('web1', 'Web 1')], {
      readOnly: reason,
      problems: [{ kind: 'future-version', file: '/cfg/bookmarks.json', message: reason }],
    });
    render(<App api={fake.api} />);
    const banner = await screen.findByRole('alert', { name: 'Problem with saved servers' });
    expect(banner.textContent).toContain('written by a newer Skiff');
    expect(banner.textContent).toContain('turned off until this is fixed');
    const nav = await sidebar();
    expect((within(nav).getByRole('button', { name: 'New…' }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(nav).getByRole('button', { name: 'Import…' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'F2' });
    fireEvent.keyDown(await bookmarkButton('Web 1'), { key: 'Delete' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
