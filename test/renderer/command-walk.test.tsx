// Walks the command catalog through the real App, on Linux/Windows keys and on macOS keys: every
// key of every command runs it, every application-menu item (`app:menu`) runs something, and every
// item of every context menu is enabled where it should be and runs its command.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import {
  COMMAND_IDS,
  appMenuRows,
  chordsOf,
  commandDef,
  contextMenuRows,
  formatChord,
  type Chord,
  type CommandId,
  type Platform,
} from '../../electron/ipc/commands';
import { App } from '../../renderer/src/app';
import { bookmark, defaultSettings, entry, fakeBridge, jobDto } from './support/fake-api';

afterEach(cleanup);

const web = bookmark('b1', 'Web', { host: 'srv', username: 'me', authMethod: 'agent' });

/** The App connected to a server, with a file and a folder in each pane, and one saved server. */
async function start(platform: Platform) {
  const ran: CommandId[] = [];
  const job = jobDto({ id: 'j' });
  const fake = fakeBridge({
    tree: {
      '/home/me': [entry('/home/me', 'local.txt'), entry('/home/me', 'lsub', { type: 'directory' })],
      '/home/me/lsub': [],
      '/srv': [entry('/srv', 'remote.txt'), entry('/srv', 'sub', { type: 'directory' })],
      '/srv/sub': [entry('/srv/sub', 'inner.txt')],
    },
    handlers: {
      'app:info': () => ({
        name: 'Skiff',
        version: '0.0.0-test',
        platform: platform === 'mac' ? 'darwin' : 'linux',
        mode: 'web',
        localSep: '/',
        nativeDialogs: false,
      }),
      'app:about': () => ({ name: 'Skiff', version: '0.0.0-test', mode: 'web', versions: { node: '20', v8: '11' }, licenses: [] }),
      'session:connect': () => ({ sessionId: 's1', host: 'srv', port: 22, username: 'me', authMethod: 'publickey', home: '/srv' }),
      'session:disconnect': () => undefined,
      'transfer:enqueue': () => job,
      'bookmarks:list': () => ({ bookmarks: [web], groups: [], problems: [], readOnly: null }),
      'bookmarks:duplicate': () => web,
      'secrets:has': () => false,
      'settings:get': () => defaultSettings(),
      'settings:set': () => defaultSettings(),
    },
  });
  render(<App api={fake.api} onCommandRan={(id) => ran.push(id)} />);
  await screen.findByRole('grid', { name: 'Local files' });
  await waitFor(() => expect(screen.getByRole('button', { name: /^Web / })).toBeTruthy());
  // Keys follow main's platform: wait until the window knows it.
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Settings…' }).getAttribute('title')).toBe(platform === 'mac' ? 'Settings… (⌘,)' : 'Settings… (Ctrl+,)'),
  );
  fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'srv' } });
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'me' } });
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  await screen.findByRole('grid', { name: 'Remote files' });
  return { fake, ran };
}

const grid = (side: 'local' | 'remote') => screen.getByRole('grid', { name: side === 'local' ? 'Local files' : 'Remote files' });
const row = (side: 'local' | 'remote', name: string) => within(grid(side)).getByRole('row', { name: new RegExp(`^${name.replace('.', '\\.')},`) });

/** Closes whatever a command opened: dialogs, menus. */
async function closeAll(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const open = screen.queryAllByRole('dialog').concat(screen.queryAllByRole('alertdialog'), screen.queryAllByRole('menu'));
    if (open.length === 0) return;
    fireEvent.keyDown(open[open.length - 1]!, { key: 'Escape' });
    await waitFor(() =>
      expect(screen.queryAllByRole('dialog').concat(screen.queryAllByRole('alertdialog'), screen.queryAllByRole('menu')).length).toBeLessThan(open.length),
    );
  }
}

/** Focuses `side`'s list at its top folder with the file selected; Up, Back and Forward first make the history they need. */
async function prepare(id: CommandId, side: 'local' | 'remote'): Promise<void> {
  await closeAll();
  const top = side === 'remote' ? 'remote.txt' : 'local.txt';
  const sub = side === 'remote' ? 'sub' : 'lsub';
  const home = side === 'remote' ? '/srv' : '/home/me';
  const box = () => screen.getByRole('textbox', { name: side === 'remote' ? 'Remote path' : 'Local path' }) as HTMLInputElement;
  const tool = (name: string) => screen.getAllByRole('button', { name })[side === 'local' ? 0 : 1]!;
  if (box().value !== home) {
    fireEvent.change(box(), { target: { value: home } });
    fireEvent.keyDown(box(), { key: 'Enter' });
  }
  await waitFor(() => row(side, top));
  if (id === 'up' || id === 'back' || id === 'forward') {
    // Into the sub folder: Up has a parent; out again: Back has a history; Back: Forward has one.
    fireEvent.doubleClick(row(side, sub));
    await waitFor(() => expect(box().value).toBe(`${home}/${sub}`));
    if (id !== 'up') {
      fireEvent.click(tool('Up'));
      await waitFor(() => row(side, top));
    }
    if (id === 'forward') {
      fireEvent.click(tool('Back'));
      await waitFor(() => expect(box().value).toBe(`${home}/${sub}`));
    }
  }
  if (box().value === home) fireEvent.click(row(side, top));
  act(() => grid(side).focus());
}

const keyDown = (el: Element | Window, c: Chord, platform: Platform) =>
  fireEvent.keyDown(el, {
    key: c.key.length === 1 && c.shift && c.key === '.' ? '>' : c.key,
    code: c.key === '.' ? 'Period' : undefined,
    ctrlKey: c.ctrl || (c.mod && platform !== 'mac'),
    metaKey: c.mod && platform === 'mac',
    altKey: c.alt,
    shiftKey: c.shift,
  });

// Disconnecting ends the session the other commands need: it goes last.
const ordered = (ids: CommandId[]): CommandId[] => [...ids.filter((i) => i !== 'disconnect'), ...ids.filter((i) => i === 'disconnect')];

describe.each(['other', 'mac'] as const)('every command on %s keys', (platform) => {
  it('every key of every pane and window command runs it', async () => {
    const { ran } = await start(platform);
    const missed: string[] = [];
    for (const id of ordered(COMMAND_IDS.filter((i) => commandDef(i).scope !== 'saved-server'))) {
      for (const chord of chordsOf(id, platform)) {
        await prepare(id, 'remote');
        const before = ran.length;
        keyDown(commandDef(id).scope === 'pane' ? grid('remote') : document.body, chord, platform);
        await act(async () => undefined);
        if (!ran.slice(before).includes(id)) missed.push(`${id} ${formatChord(chord, platform)}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('every key of every saved-server command runs it', async () => {
    const { ran } = await start(platform);
    const missed: string[] = [];
    for (const id of COMMAND_IDS.filter((i) => commandDef(i).scope === 'saved-server')) {
      for (const chord of chordsOf(id, platform)) {
        await closeAll();
        const button = screen.getByRole('button', { name: /^Web / });
        act(() => button.focus());
        const before = ran.length;
        keyDown(button, chord, platform);
        await act(async () => undefined);
        if (!ran.slice(before).includes(id)) missed.push(`${id} ${formatChord(chord, platform)}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('every application-menu item runs its command', async () => {
    const { fake, ran } = await start(platform);
    const menuIds = ordered(
      (['app', 'file', 'view', 'go', 'help'] as const).flatMap((m) => appMenuRows(m, platform)).filter((r): r is CommandId => r !== null),
    );
    expect(menuIds).toEqual(expect.arrayContaining(['about', 'find', 'refresh', 'toggle-hidden', 'keyboard-shortcuts']));
    const missed: string[] = [];
    for (const id of menuIds) {
      await prepare(id, 'remote');
      const before = ran.length;
      act(() => fake.emit('app:menu', { command: id }));
      await act(async () => undefined);
      if (!ran.slice(before).includes(id)) missed.push(id);
    }
    expect(missed).toEqual([]);
  });

  it('every context-menu item is enabled on a selected file and runs its command', async () => {
    const { ran } = await start(platform);
    const missed: string[] = [];
    for (const side of ['local', 'remote'] as const) {
      const ids = contextMenuRows(side === 'local' ? 'local-pane' : 'remote-pane').filter((r): r is CommandId => r !== null);
      for (const id of ids) {
        await prepare(id, side);
        fireEvent.keyDown(grid(side), { key: 'F10', shiftKey: true });
        const menu = await screen.findByRole('menu', { name: side === 'local' ? 'Local file actions' : 'Remote file actions' });
        const items = within(menu).getAllByRole('menuitem');
        expect(items).toHaveLength(ids.length);
        const item = items[ids.indexOf(id)]!;
        expect(item.getAttribute('aria-disabled'), `${side} ${id}`).toBeNull();
        const before = ran.length;
        fireEvent.click(item);
        await act(async () => undefined);
        if (!ran.slice(before).includes(id)) missed.push(`${side} ${id}`);
      }
    }
    const serverIds = contextMenuRows('saved-server').filter((r): r is CommandId => r !== null);
    for (const id of serverIds) {
      await closeAll();
      fireEvent.contextMenu(screen.getByRole('button', { name: /^Web / }), { clientX: 10, clientY: 10 });
      const menu = await screen.findByRole('menu', { name: 'Actions for Web' });
      const item = within(menu).getAllByRole('menuitem')[serverIds.indexOf(id)]!;
      const before = ran.length;
      fireEvent.click(item);
      await act(async () => undefined);
      if (!ran.slice(before).includes(id)) missed.push(`saved-server ${id}`);
    }
    expect(missed).toEqual([]);
  });
});
