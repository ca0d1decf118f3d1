// The state of one pane: where it is, its history, the streamed listing, sort/filter and
// selection. Listing pages are merged into the sorted rows as they arrive (small, bounded work
// per page) and repainted at most every ~100–600 ms; navigating away aborts the listing in flight.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RefusedNamesDto } from '../../../electron/ipc/contract';
import { describeError, isCancelled } from '../model/errors';
import { parentPath, type PathStyle } from '../model/paths';
import { reduceSelection, type SelectionAction, type SelectionState } from '../model/selection';
import { entryComparator, filterEntries, mergeSorted } from '../model/sort-filter';
import type { Entry, SortKey, SortSpec } from '../model/types';

/**
 * Lists a folder page by page; resolves to the folder's resolved path. Rejects with CANCELLED when
 * aborted. `refused` (remote only) sums up the entries left out so far for unusable names.
 */
export type ListFn = (
  path: string,
  onPage: (entries: Entry[], resolvedPath: string, refused?: RefusedNamesDto) => void,
  signal: AbortSignal,
) => Promise<string>;

export interface PaneModel {
  path: string;
  style: PathStyle;
  visible: readonly Entry[];
  totalCount: number;
  loading: boolean;
  error: { message: string; hint: string } | null;
  /** Entries of the current listing the server sent with unusable names (left out), or null. */
  refused: RefusedNamesDto | null;
  sort: SortSpec;
  filter: string;
  showHidden: boolean;
  selection: SelectionState;
  canBack: boolean;
  canForward: boolean;
  navigate(path: string): void;
  back(): void;
  forward(): void;
  up(): void;
  refresh(): void;
  setSortKey(key: SortKey): void;
  setFilter(f: string): void;
  setShowHidden(v: boolean): void;
  select(action: SelectionAction): void;
  /** Selected entries in display order (or the cursor row when nothing is selected). */
  selectedEntries(): Entry[];
}

const FLUSH_MS = 100;

interface NamedSelection {
  selected: ReadonlySet<string>;
  cursorName?: string;
  anchorName?: string;
}

/** Pane state over a listing function; `initialPath` null means "not ready yet" (e.g. not connected). */
export function usePane(list: ListFn | null, style: PathStyle, initialPath: string | null, opts: { showHidden?: boolean } = {}): PaneModel {
  const [path, setPathState] = useState(initialPath ?? '');
  const [history, setHistory] = useState<{ back: string[]; forward: string[] }>({ back: [], forward: [] });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<PaneModel['error']>(null);
  const [refused, setRefused] = useState<RefusedNamesDto | null>(null);
  const [sort, setSort] = useState<SortSpec>({ key: 'name', dir: 'asc' });
  const [filter, setFilterState] = useState('');
  const [showHidden, setShowHiddenState] = useState(opts.showHidden ?? false);
  const [named, setNamed] = useState<NamedSelection>({ selected: new Set() });
  const [view, setView] = useState<{ visible: readonly Entry[]; total: number }>({ visible: [], total: 0 });

  const raw = useRef<Entry[]>([]);
  const visibleRef = useRef<Entry[]>([]);
  const abortRef = useRef<AbortController | null>(null);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const viewRef = useRef({ sort, filter, showHidden });
  const pathRef = useRef(path);

  const setPath = useCallback((p: string) => {
    pathRef.current = p;
    setPathState(p);
  }, []);

  // Each page is merged into the sorted rows as it arrives: the page is sorted on its own, then
  // joined by binary search (O(page · log n) comparisons plus one O(n) copy), so every task stays
  // small however big the folder grows (merging all of it at each paint stalled the page: see
  // test/bench/README.md). Paints only publish the current array.
  const repaint = useCallback(() => {
    if (flushTimer.current) clearTimeout(flushTimer.current);
    flushTimer.current = null;
    setView({ visible: visibleRef.current, total: raw.current.length });
  }, []);
  const scheduleRepaint = useCallback(() => {
    // Big folders repaint less often (each paint re-renders a longer list), which keeps the
    // main thread free to pull the next pages: ~100 ms at 1k rows, ~600 ms at 100k.
    if (flushTimer.current === null) flushTimer.current = setTimeout(repaint, FLUSH_MS + Math.min(1000, raw.current.length / 200));
  }, [repaint]);
  const mergePage = useCallback((entries: readonly Entry[]) => {
    const v = viewRef.current;
    const cmp = entryComparator(v.sort);
    visibleRef.current = mergeSorted(visibleRef.current, filterEntries(entries, v).sort(cmp), cmp);
  }, []);

  const recompute = useCallback(() => {
    const v = viewRef.current;
    visibleRef.current = filterEntries(raw.current, v).sort(entryComparator(v.sort));
    repaint();
  }, [repaint]);

  const load = useCallback(
    (target: string, keepSelection: boolean) => {
      if (!list) return;
      abortRef.current?.abort();
      const ac = new AbortController();
      abortRef.current = ac;
      raw.current = [];
      visibleRef.current = [];
      if (!keepSelection) setNamed({ selected: new Set() });
      setLoading(true);
      setError(null);
      setRefused(null);
      setPath(target);
      repaint();
      let first = true;
      let refusedSeen = 0;
      const onPage = (entries: Entry[], resolved: string, r?: RefusedNamesDto): void => {
        if (ac.signal.aborted) return;
        // Pages carry the running total: re-render only when it grew.
        if (r && r.count !== refusedSeen) {
          refusedSeen = r.count;
          setRefused(r);
        }
        if (first) {
          first = false;
          if (resolved && resolved !== target) setPath(resolved);
          // The first page paints at once; later ones are merged in and repainted in batches.
          raw.current = entries.slice();
          recompute();
          return;
        }
        for (const e of entries) raw.current.push(e);
        mergePage(entries);
        scheduleRepaint();
      };
      list(target, onPage, ac.signal)
        .then((resolved) => {
          if (ac.signal.aborted) return;
          if (resolved && resolved !== target) setPath(resolved);
          setLoading(false);
          repaint();
        })
        .catch((err: unknown) => {
          if (ac.signal.aborted || isCancelled(err)) return;
          const d = describeError(err);
          setError({ message: d.message, hint: d.hint });
          setLoading(false);
          repaint();
        });
    },
    [list, mergePage, recompute, repaint, scheduleRepaint, setPath],
  );

  // (Re)start when the source or the starting folder changes (e.g. on connect).
  useEffect(() => {
    if (list && initialPath !== null) {
      // eslint-disable-next-line react-hooks/set-state-in-effect -- a new source means a fresh history
      setHistory({ back: [], forward: [] });
      load(initialPath, false);
    }
    return () => abortRef.current?.abort();
  }, [list, initialPath, load]);

  useEffect(
    () => () => {
      if (flushTimer.current) clearTimeout(flushTimer.current);
    },
    [],
  );

  const navigate = useCallback(
    (target: string) => {
      const from = pathRef.current;
      if (target === from && !error) return;
      setHistory((h) => ({ back: [...h.back, from].slice(-100), forward: [] }));
      load(target, false);
    },
    [load, error],
  );

  const back = useCallback(() => {
    const prev = history.back[history.back.length - 1];
    if (prev === undefined) return;
    setHistory({ back: history.back.slice(0, -1), forward: [pathRef.current, ...history.forward] });
    load(prev, false);
  }, [history, load]);

  const forward = useCallback(() => {
    const next = history.forward[0];
    if (next === undefined) return;
    setHistory({ back: [...history.back, pathRef.current], forward: history.forward.slice(1) });
    load(next, false);
  }, [history, load]);

  const up = useCallback(() => {
    const parent = parentPath(style, pathRef.current);
    if (parent !== pathRef.current) navigate(parent);
  }, [navigate, style]);

  const refresh = useCallback(() => load(pathRef.current, true), [load]);

  const setSortKey = useCallback(
    (key: SortKey) => {
      const s = viewRef.current.sort;
      const next: SortSpec =
        s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'modified' || key === 'size' ? 'desc' : 'asc' };
      viewRef.current = { ...viewRef.current, sort: next };
      recompute();
      setSort(next);
    },
    [recompute],
  );

  const setFilter = useCallback(
    (f: string) => {
      viewRef.current = { ...viewRef.current, filter: f };
      recompute();
      setFilterState(f);
    },
    [recompute],
  );

  const setShowHidden = useCallback(
    (v: boolean) => {
      viewRef.current = { ...viewRef.current, showHidden: v };
      recompute();
      setShowHiddenState(v);
    },
    [recompute],
  );

  const visible = view.visible;
  const names = useMemo(() => visible.map((e) => e.name), [visible]);

  // Selection is stored by name so the cursor stays on the same file when rows move
  // (pages merged in, re-sort, filter); indexes are derived for the current order.
  const selection = useMemo<SelectionState>(() => {
    const cursor = named.cursorName === undefined ? -1 : names.indexOf(named.cursorName);
    const anchor = named.anchorName === undefined ? -1 : names.indexOf(named.anchorName);
    return { selected: named.selected, cursor, anchor };
  }, [named, names]);

  const select = useCallback(
    (action: SelectionAction) => {
      const next = reduceSelection(selection, action, names);
      setNamed({ selected: next.selected, cursorName: names[next.cursor], anchorName: names[next.anchor] });
    },
    [selection, names],
  );

  const selectedEntries = useCallback((): Entry[] => {
    const sel = selection.selected;
    const picked = sel.size > 0 ? visible.filter((e) => sel.has(e.name)) : [];
    if (picked.length > 0) return picked;
    const c = visible[selection.cursor];
    return c ? [c] : [];
  }, [selection, visible]);

  return {
    path,
    style,
    visible,
    totalCount: view.total,
    loading,
    error,
    refused,
    sort,
    filter,
    showHidden,
    selection,
    canBack: history.back.length > 0,
    canForward: history.forward.length > 0,
    navigate,
    back,
    forward,
    up,
    refresh,
    setSortKey,
    setFilter,
    setShowHidden,
    select,
    selectedEntries,
  };
}
