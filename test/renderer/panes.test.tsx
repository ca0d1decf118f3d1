// The panes through the whole App with a fake bridge: sorting, filtering, hidden files,
// selection, keyboard navigation, streamed listings and the virtualization bound.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge } from './support/fake-api';

afterEach(cleanup);

const HOME = '/home/me';
function homeTree() {
  return {
    [HOME]: [
      entry(HOME, 'b-small.txt', { size: 10, mtimeMs: Date.UTC(2026, 0, 3) }),
      entry(HOME, 'a-big.bin', { size: 5_000_000, mtimeMs: Date.UTC(2026, 0, 1) }),
      entry(HOME, 'file10.txt', { size: 300 }),
      entry(HOME, 'file2.txt', { size: 200 }),
      entry(HOME, 'docs', { type: 'directory', size: 4096 }),
      entry(HOME, '.secret', { size: 1 }),
      entry(HOME, 'link-to-docs', { type: 'symlink', size: 4, linkTarget: 'docs', targetType: 'directory' }),
      entry(HOME, 'dangling', { type: 'symlink', size: 8, linkTarget: '/nowhere', targetType: 'broken' }),
    ],
    [`${HOME}/docs`]: [entry(`${HOME}/docs`, 'inside.md')],
    '/home': [entry('/home', 'me', { type: 'directory' })],
  };
}

function rowNames(grid: HTMLElement): string[] {
  return within(grid)
    .getAllByRole('row')
    .slice(1)
    .map((r) => r.getAttribute('aria-label')!.split(',')[0]!);
}

async function localGrid(): Promise<HTMLElement> {
  const grid = await screen.findByRole('grid', { name: 'Local files' });
  await waitFor(() => expect(within(grid).getAllByRole('row').length).toBeGreaterThan(1));
  return grid;
}

describe('file pane', () => {
  it('lists folders first, natural name order, hides dot files, shows link targets', async () => {
    const fake = fakeBridge({ tree: homeTree() });
    render(<App api={fake.api} />);
    const grid = await localGrid();
    expect(rowNames(grid)).toEqual(['docs', 'link-to-docs', 'a-big.bin', 'b-small.txt', 'dangling', 'file2.txt', 'file10.txt']);
    expect(within(grid).getByRole('row', { name: /^link-to-docs, link to docs/ })).toBeTruthy();
    expect(within(grid).getByRole('row', { name: /^dangling, link to \/nowhere \(broken\)/ })).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Local path' }) as HTMLInputElement).value).toBe(HOME);
  });

  it('sorts by a column when its header is clicked, and reverses on a second click', async () => {
    render(<App api={fakeBridge({ tree: homeTree() }).api} />);
    const grid = await localGrid();
    fireEvent.click(within(grid).getByRole('button', { name: /^Size/ }));
    // size defaults to largest first; folders stay on top
    expect(rowNames(grid).slice(2, 4)).toEqual(['a-big.bin', 'file10.txt']);
    expect(within(grid).getByRole('columnheader', { name: /Size/ }).getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(within(grid).getByRole('button', { name: /^Size/ }));
    expect(rowNames(grid)[rowNames(grid).length - 1]).toBe('a-big.bin');
  });

  it('filters by substring and by glob, and toggles hidden files', async () => {
    render(<App api={fakeBridge({ tree: homeTree() }).api} />);
    const grid = await localGrid();
    const filter = screen.getByRole('searchbox', { name: 'Filter local files' });
    fireEvent.change(filter, { target: { value: 'FILE' } });
    expect(rowNames(grid)).toEqual(['file2.txt', 'file10.txt']);
    fireEvent.change(filter, { target: { value: '*.bin' } });
    expect(rowNames(grid)).toEqual(['a-big.bin']);
    fireEvent.change(filter, { target: { value: '' } });
    const hidden = within(screen.getByRole('region', { name: 'Local pane' })).getByRole('checkbox', { name: 'Hidden' });
    fireEvent.click(hidden);
    expect(rowNames(grid)).toContain('.secret');
  });

  it('remembers "show hidden files" in settings', async () => {
    const settings = { showHidden: true };
    const fake = fakeBridge({
      tree: homeTree(),
      handlers: {
        'settings:get': () => settings as never,
        'settings:set': (p) => Object.assign(settings, p) as never,
      },
    });
    render(<App api={fake.api} />);
    const grid = await localGrid();
    await waitFor(() => expect(rowNames(grid)).toContain('.secret'));
    fireEvent.keyDown(grid, { key: 'h', ctrlKey: true });
    await waitFor(() => expect(fake.callsOf('settings:set')).toEqual([{ showHidden: false }]));
    expect(rowNames(grid)).not.toContain('.secret');
  });

  it('selects with click, shift-click and ctrl-click', async () => {
    render(<App api={fakeBridge({ tree: homeTree() }).api} />);
    const grid = await localGrid();
    const row = (n: string) => within(grid).getByRole('row', { name: new RegExp(`^${n.replace('.', '\\.')},`) });
    fireEvent.click(row('a-big.bin'));
    fireEvent.click(row('dangling'), { shiftKey: true });
    const selected = () =>
      within(grid)
        .getAllByRole('row')
        .filter((r) => r.getAttribute('aria-selected') === 'true')
        .map((r) => r.getAttribute('aria-label')!.split(',')[0]);
    expect(selected()).toEqual(['a-big.bin', 'b-small.txt', 'dangling']);
    fireEvent.click(row('b-small.txt'), { ctrlKey: true });
    expect(selected()).toEqual(['a-big.bin', 'dangling']);
    fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    expect(selected()).toHaveLength(7);
  });

  it('moves with the keyboard, opens folders with Enter and goes up with Backspace', async () => {
    const fake = fakeBridge({ tree: homeTree() });
    render(<App api={fake.api} />);
    const grid = await localGrid();
    grid.focus();
    fireEvent.keyDown(grid, { key: 'End' });
    expect(grid.getAttribute('aria-activedescendant')).toBe('local-pane-row-6');
    fireEvent.keyDown(grid, { key: 'Home' });
    expect(grid.getAttribute('aria-activedescendant')).toBe('local-pane-row-0');
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    expect(
      within(grid)
        .getAllByRole('row')
        .filter((r) => r.getAttribute('aria-selected') === 'true'),
    ).toHaveLength(2);
    fireEvent.keyDown(grid, { key: 'Home' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    await waitFor(() => expect(rowNames(grid)).toEqual(['inside.md']));
    expect((screen.getByRole('textbox', { name: 'Local path' }) as HTMLInputElement).value).toBe(`${HOME}/docs`);
    fireEvent.keyDown(grid, { key: 'Backspace' });
    await waitFor(() => expect(rowNames(grid)).toContain('a-big.bin'));
    fireEvent.click(screen.getAllByRole('button', { name: 'Back' })[0]!);
    await waitFor(() => expect(rowNames(grid)).toEqual(['inside.md']));
  });

  it('navigates to a typed path and shows a readable error for a missing folder', async () => {
    render(<App api={fakeBridge({ tree: homeTree() }).api} />);
    await localGrid();
    const path = screen.getByRole('textbox', { name: 'Local path' });
    fireEvent.change(path, { target: { value: '/does/not/exist' } });
    fireEvent.keyDown(path, { key: 'Enter' });
    const alert = await screen.findByText(/does not exist/);
    expect(alert.closest('[role="alert"]')?.textContent).toMatch(/Refresh the folder/);
    expect(alert.closest('[role="alert"]')?.textContent).not.toMatch(/at \w+ \(/); // no stack frames
  });

  it('keeps a 100,000-entry folder to a bounded number of DOM rows and streams it in pages', async () => {
    const big = Array.from({ length: 100_000 }, (_, i) => entry('/big', `f${String(i).padStart(6, '0')}`, { size: i }));
    const fake = fakeBridge({ tree: { ...homeTree(), '/big': big }, home: '/big', pageSize: 500 });
    render(<App api={fake.api} />);
    const grid = await screen.findByRole('grid', { name: 'Local files' });
    // The first page paints before the rest has arrived.
    await waitFor(() => expect(within(grid).getByRole('row', { name: /^f000000,/ })).toBeTruthy(), { timeout: 10_000 });
    expect(fake.callsOf('list:next').length).toBeLessThan(199);
    await waitFor(() => expect(grid.getAttribute('aria-rowcount')).toBe('100001'), { timeout: 15_000 });
    const rows = within(grid).getAllByRole('row').length;
    expect(rows).toBeLessThan(300);
    expect(rows).toBeGreaterThan(10);
    expect(fake.callsOf('list:next').length).toBe(199);
    // Keyboard End reaches the last entry without rendering the rest.
    fireEvent.keyDown(grid, { key: 'End' });
    expect(grid.getAttribute('aria-activedescendant')).toBe('local-pane-row-99999');
  });

  it('cancels a listing that is still streaming when the user navigates away', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const big = Array.from({ length: 2000 }, (_, i) => entry('/big', `f${i}`));
    const base = fakeBridge({ tree: { ...homeTree(), '/big': big }, pageSize: 500 });
    const slowNext = async (a: { listId: string }) => {
      await gate;
      return base.api.list.next(a);
    };
    const fake2 = fakeBridge({
      tree: { ...homeTree(), '/big': big },
      home: '/big',
      pageSize: 500,
      handlers: {
        'local:list-dir': (a) => base.api.local.listDir(a),
        'list:next': slowNext,
        'list:cancel': (a) => base.api.list.cancel(a),
      },
    });
    render(<App api={fake2.api} />);
    const grid = await screen.findByRole('grid', { name: 'Local files' });
    await waitFor(() => expect(within(grid).getByRole('row', { name: /^f0,/ })).toBeTruthy());
    const path = screen.getByRole('textbox', { name: 'Local path' });
    fireEvent.change(path, { target: { value: HOME } });
    fireEvent.keyDown(path, { key: 'Enter' });
    release();
    await waitFor(() => expect(fake2.callsOf('list:cancel')).toHaveLength(1));
    await waitFor(() => expect(rowNames(grid)).toContain('a-big.bin'));
    expect(rowNames(grid).some((n) => /^f\d+$/.test(n))).toBe(false);
  });
});
