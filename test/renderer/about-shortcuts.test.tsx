// Help: About Skiff (from the application menu or the sidebar) shows versions and the licences of
// what ships; Keyboard shortcuts (F1, Ctrl+/) lists the catalog's keys for this platform.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { AboutDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge } from './support/fake-api';

afterEach(cleanup);

const ABOUT: AboutDto = {
  name: 'Skiff',
  version: '0.1.0',
  mode: 'electron',
  versions: { electron: '41.7.1', chromium: '146.0.7000.0', node: '24.1.0', v8: '14.6', ssh2: '1.17.0' },
  licenses: [
    { name: 'react', version: '19.3.1', license: 'MIT', usedBy: ['renderer'], text: 'MIT License\n\nCopyright (c) Meta Platforms, Inc. and affiliates.' },
    { name: 'ssh2', version: '1.17.0', license: 'MIT', usedBy: ['main'], repository: 'http://github.com/mscdex/ssh2.git' },
    { name: 'tweetnacl', version: '0.14.5', license: 'Unlicense', usedBy: ['main'] },
  ],
};

async function start(about: AboutDto = ABOUT, platform = 'linux') {
  const fake = fakeBridge({
    tree: { '/home/me': [entry('/home/me', 'a.txt')] },
    handlers: {
      'app:about': () => about,
      'app:info': () => ({ name: 'Skiff', version: '0.1.0', platform, mode: 'electron', localSep: '/', nativeDialogs: true }),
    },
  });
  render(<App api={fake.api} />);
  await screen.findByRole('grid', { name: 'Local files' });
  return fake;
}

describe('About Skiff', () => {
  it('Help → About (the application menu) opens it: versions, then every shipped package with its licence', async () => {
    const fake = await start();
    act(() => fake.emit('app:menu', { command: 'about' }));
    const dialog = await screen.findByRole('dialog', { name: 'About Skiff' });
    const facts = await within(dialog).findByLabelText('Versions');
    for (const [what, v] of [
      ['Skiff', '0.1.0'],
      ['Electron', '41.7.1'],
      ['Chromium', '146.0.7000.0'],
      ['Node.js', '24.1.0'],
      ['ssh2', '1.17.0'],
    ])
      expect(facts.textContent).toContain(`${what}${v}`);
    expect(dialog.textContent).toContain('Skiff ships 3 packages: MIT (2), Unlicense (1).');
    const list = within(dialog).getByRole('list', { name: 'Licences' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('summary')?.textContent),
    ).toEqual(['react 19.3.1 MIT · renderer', 'ssh2 1.17.0 MIT · main', 'tweetnacl 0.14.5 Unlicense · main']);
    expect(list.textContent).toContain('Copyright (c) Meta Platforms');
    expect(fake.callsOf('app:about')).toHaveLength(1);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it("the sidebar's About button opens it too; in the browser preview it says there is no Electron; a missing list is explained", async () => {
    await start({
      ...ABOUT,
      mode: 'web',
      versions: { node: '20.19.0', v8: '12.4', ssh2: '1.17.0' },
      licenses: null,
      licensesProblem: 'The licence list licenses.json is missing from this build.',
    });
    fireEvent.click(screen.getByRole('button', { name: 'About' }));
    const dialog = await screen.findByRole('dialog', { name: 'About Skiff' });
    await within(dialog).findByLabelText('Versions');
    expect(dialog.textContent).toContain('Electronnone (browser preview)');
    expect(within(dialog).getByRole('status').textContent).toBe('The licence list licenses.json is missing from this build.');
  });
});

describe('Keyboard shortcuts', () => {
  it("F1 lists every command with keys, grouped, with this platform's keys (the same the menus show)", async () => {
    await start();
    fireEvent.keyDown(document.body, { key: 'F1' });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    const rowOf = (command: string) => dialog.querySelector(`tr[data-command="${command}"]`)?.textContent;
    expect(rowOf('find')).toBe('Find on server…Ctrl+F');
    expect(rowOf('toggle-hidden')).toBe('Show hidden filesCtrl+H');
    expect(rowOf('delete')).toBe('Delete…Del or F8');
    expect(rowOf('keyboard-shortcuts')).toBe('Keyboard shortcutsF1 or Ctrl+/');
    expect(rowOf('about')).toBeUndefined(); // no keys
    expect(within(dialog).getByRole('region', { name: 'Files' }).textContent).toContain('Move the cursor');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    fireEvent.keyDown(document.body, { key: '/', ctrlKey: true });
    await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
  });

  it("on a Mac it shows ⌘ keys and macOS's own choices", async () => {
    await start(ABOUT, 'darwin');
    expect(screen.getByRole('button', { name: 'Shortcuts' }).getAttribute('title')).toBe('Keyboard shortcuts (F1)');
    // Once main has said it runs on macOS, the buttons show ⌘ keys, and ⌘/ works at once: the key is
    // pressed in the very check that sees the new title, before React's passive effects of that
    // render have run (the window's keys once read the bindings of the render before, and the key
    // did nothing when the machine was slow).
    await waitFor(() => {
      expect(screen.getByRole('button', { name: 'Settings…' }).getAttribute('title')).toBe('Settings… (⌘,)');
      fireEvent.keyDown(document.body, { key: '/', metaKey: true });
    });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    const rowOf = (command: string) => dialog.querySelector(`tr[data-command="${command}"]`)?.textContent;
    expect(rowOf('find')).toBe('Find on server…⌘F');
    expect(rowOf('toggle-hidden')).toBe('Show hidden files⇧⌘.');
    expect(rowOf('properties')).toBe('Properties…⌘I');
  });
});
