// Multi-selection as a pure reducer over the visible rows: click, shift-click ranges,
// ctrl/cmd toggles, keyboard moves with and without shift, select all. Rows are keyed
// by name so a selection survives re-sorting and new rows streaming in.

export interface SelectionState {
  selected: ReadonlySet<string>;
  /** Row the keyboard cursor is on (index into the visible list), -1 when empty. */
  cursor: number;
  /** Where a shift-range starts. */
  anchor: number;
}

export const emptySelection: SelectionState = { selected: new Set(), cursor: -1, anchor: -1 };

export type SelectionAction =
  | { type: 'click'; index: number; shift?: boolean; toggle?: boolean }
  | { type: 'move'; to: number; shift?: boolean }
  | { type: 'toggle-cursor' }
  | { type: 'select-all' }
  | { type: 'clear' }
  | { type: 'select-names'; names: readonly string[] };

function clamp(i: number, n: number): number {
  return n === 0 ? -1 : Math.max(0, Math.min(n - 1, i));
}

function range(names: readonly string[], a: number, b: number): Set<string> {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return new Set(names.slice(lo, hi + 1));
}

/** Applies one selection action; `names` are the visible rows in display order. */
export function reduceSelection(state: SelectionState, action: SelectionAction, names: readonly string[]): SelectionState {
  const n = names.length;
  switch (action.type) {
    case 'click': {
      const i = clamp(action.index, n);
      if (i < 0) return emptySelection;
      const name = names[i]!;
      if (action.shift) {
        const anchor = state.anchor >= 0 && state.anchor < n ? state.anchor : i;
        const sel = range(names, anchor, i);
        if (action.toggle) for (const s of state.selected) sel.add(s);
        return { selected: sel, cursor: i, anchor };
      }
      if (action.toggle) {
        const sel = new Set(state.selected);
        if (sel.has(name)) sel.delete(name);
        else sel.add(name);
        return { selected: sel, cursor: i, anchor: i };
      }
      return { selected: new Set([name]), cursor: i, anchor: i };
    }
    case 'move': {
      const i = clamp(action.to, n);
      if (i < 0) return emptySelection;
      if (action.shift) {
        const anchor = state.anchor >= 0 && state.anchor < n ? state.anchor : Math.max(0, state.cursor);
        return { selected: range(names, anchor, i), cursor: i, anchor };
      }
      return { selected: new Set([names[i]!]), cursor: i, anchor: i };
    }
    case 'toggle-cursor': {
      if (state.cursor < 0 || state.cursor >= n) return state;
      const name = names[state.cursor]!;
      const sel = new Set(state.selected);
      if (sel.has(name)) sel.delete(name);
      else sel.add(name);
      return { ...state, selected: sel };
    }
    case 'select-all':
      return { selected: new Set(names), cursor: state.cursor < 0 ? clamp(0, n) : state.cursor, anchor: state.anchor };
    case 'clear':
      return { selected: new Set(), cursor: state.cursor, anchor: state.cursor };
    case 'select-names': {
      const want = new Set(action.names);
      const idx = names.findIndex((x) => want.has(x));
      return { selected: new Set(names.filter((x) => want.has(x))), cursor: idx, anchor: idx };
    }
  }
}

/** The cursor index re-found after the list changed (re-sort, filter, rows streaming in). */
export function remapCursor(prevName: string | undefined, names: readonly string[], fallback: number): number {
  if (prevName !== undefined) {
    const i = names.indexOf(prevName);
    if (i >= 0) return i;
  }
  return clamp(fallback, names.length);
}
