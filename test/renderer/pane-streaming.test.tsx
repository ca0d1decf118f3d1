// A big folder streaming into a pane: pages merged as they arrive must give exactly the order
// of one full sort (names that take the fast key path and names that need the collator, mixed),
// and the pull loop keeps exactly one `list:next` in flight (it asks for the next page before
// merging the current one, never two at once, which main would refuse).
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { posix } from '../../renderer/src/model/paths';
import { sortEntries } from '../../renderer/src/model/sort-filter';
import { localLister } from '../../renderer/src/state/listing';
import { usePane } from '../../renderer/src/state/use-pane';
import { entry, fakeBridge } from './support/fake-api';

const N = 20_000;
const PAGE = 500;

/** Names in server (hash-like) order: plain ASCII, digits with leading zeros, case, accents, CJK, dot files, folders. */
function bigFolder() {
  const out = [];
  for (let i = 0; i < N; i++) {
    const j = (i * 7919) % N;
    const name = [`file${j}`, `File${String(j).padStart(6, '0')}.txt`, `émigré-${j}`, `日本-${j}`, `.cfg${j}`, `v${j % 97}.${j % 13}-${j}`][j % 6]!;
    out.push(entry('/big', name, { size: j, type: j % 50 === 0 ? 'directory' : 'file' }));
  }
  return out;
}

describe('streaming a 20,000-entry folder into a pane', () => {
  it('ends in the same order as one full sort, for every sort column and direction used', async () => {
    const all = bigFolder();
    let inFlight = 0;
    let maxInFlight = 0;
    const base = fakeBridge({ tree: { '/big': all }, pageSize: PAGE });
    const fake = fakeBridge({
      tree: { '/big': all },
      pageSize: PAGE,
      handlers: {
        'local:list-dir': (a) => base.api.local.listDir(a),
        'list:next': async (a) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          // Let the renderer run between request and answer, as a real round trip does.
          await new Promise((r) => setTimeout(r, 0));
          inFlight -= 1;
          return base.api.list.next(a);
        },
      },
    });
    const list = localLister(fake.api);
    const { result } = renderHook(() => usePane(list, posix, '/big', { showHidden: true }));
    await waitFor(() => expect(result.current.loading).toBe(false), { timeout: 15_000 });

    expect(result.current.totalCount).toBe(N);
    const want = sortEntries(all, { key: 'name', dir: 'asc' }).map((e) => e.name);
    expect(result.current.visible.map((e) => e.name)).toEqual(want);
    // One request per later page, one at a time.
    expect(fake.callsOf('list:next').length).toBe(N / PAGE - 1);
    expect(maxInFlight).toBe(1);

    // Re-sorting by another column after the stream gives that column's full-sort order.
    act(() => result.current.setSortKey('size'));
    expect(result.current.visible.map((e) => e.name)).toEqual(sortEntries(all, { key: 'size', dir: 'desc' }).map((e) => e.name));
  });

  it('merges later pages under a sort picked while streaming, and hides dot files', async () => {
    const all = bigFolder();
    const fake = fakeBridge({ tree: { '/big': all }, pageSize: PAGE });
    const list = localLister(fake.api);
    const { result: r2 } = renderHook(() => usePane(list, posix, '/big'));
    // Sorting by size right after the first page: every later page is merged under it.
    act(() => r2.current.setSortKey('size'));
    await waitFor(() => expect(r2.current.loading).toBe(false), { timeout: 15_000 });
    const shown = all.filter((e) => !e.name.startsWith('.'));
    expect(r2.current.totalCount).toBe(N);
    expect(r2.current.visible.map((e) => e.name)).toEqual(sortEntries(shown, { key: 'size', dir: 'desc' }).map((e) => e.name));
  });
});
