// The virtualized file grid of one pane. Only the rows in view (plus a small overscan)
// exist in the DOM, so a 100,000-entry folder costs the same to show as a 100-entry one.
// Keyboard focus stays on the grid; the cursor row is exposed via aria-activedescendant.
import { useEffect, useRef, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer, observeElementRect, type Virtualizer } from '@tanstack/react-virtual';
import { displayName, escapedName, hasHiddenCharacters } from '../model/display-name';
import { formatDate, formatOwner, formatPermissions, formatSize } from '../model/format';
import type { SelectionState } from '../model/selection';
import { isDirLike, type Entry, type SortKey, type SortSpec } from '../model/types';

export const ROW_HEIGHT = 24;

const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'name', label: 'Name' },
  { key: 'size', label: 'Size' },
  { key: 'modified', label: 'Modified' },
  { key: 'permissions', label: 'Permissions' },
  { key: 'owner', label: 'Owner' },
];

// Before layout (or in a test DOM without layout) the scroll box measures 0×0; assume a
// typical window so the first screenful renders immediately instead of nothing.
const FALLBACK_RECT = { width: 800, height: 600 };
function observeRectWithFallback<T extends Element>(instance: Virtualizer<T, Element>, cb: (r: { width: number; height: number }) => void) {
  return observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT));
}

function kindLabel(e: Entry): string {
  if (e.type === 'directory') return 'folder';
  if (e.type === 'symlink') return `link to ${displayName(e.linkTarget ?? '?')}${e.targetType === 'broken' ? ' (broken)' : ''}`;
  if (e.type === 'other') return 'special file';
  return formatSize(e.size);
}

export interface FileListProps {
  /** "Local files" / "Remote files" — the grid's accessible name. */
  label: string;
  idPrefix: string;
  entries: readonly Entry[];
  selection: SelectionState;
  sort: SortSpec;
  onSort: (key: SortKey) => void;
  onRowClick: (index: number, e: MouseEvent) => void;
  onOpen: (entry: Entry) => void;
  onKeyDown: (e: KeyboardEvent<HTMLDivElement>, pageSize: number) => void;
  onContextMenu: (x: number, y: number, index: number) => void;
  onDragStartRows?: (e: DragEvent, index: number) => void;
  onDragOver?: (e: DragEvent) => void;
  onDrop?: (e: DragEvent) => void;
  onDragLeave?: (e: DragEvent) => void;
  dropActive?: boolean;
  gridRef?: React.Ref<HTMLDivElement>;
  /** Shown in the body when there are no rows (loading, empty, error). */
  emptyText?: string;
  busy?: boolean;
}

/** A sortable, multi-select, virtualized file grid (role="grid"). */
export function FileList(props: FileListProps) {
  const { entries, selection, idPrefix } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer returns unstable functions by design; React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: FALLBACK_RECT,
    observeElementRect: observeRectWithFallback,
  });

  useEffect(() => {
    if (selection.cursor >= 0 && selection.cursor < entries.length) virtualizer.scrollToIndex(selection.cursor, { align: 'auto' });
  }, [selection.cursor, entries.length, virtualizer]);

  const pageSize = Math.max(1, Math.floor((scrollRef.current?.clientHeight || FALLBACK_RECT.height) / ROW_HEIGHT) - 1);
  const cursorEntry = selection.cursor >= 0 ? entries[selection.cursor] : undefined;
  const items = virtualizer.getVirtualItems();

  return (
    <div
      ref={props.gridRef}
      role="grid"
      aria-label={props.label}
      aria-rowcount={entries.length + 1}
      aria-colcount={COLUMNS.length}
      aria-multiselectable="true"
      aria-busy={props.busy ? 'true' : undefined}
      aria-activedescendant={cursorEntry ? `${idPrefix}-row-${selection.cursor}` : undefined}
      tabIndex={0}
      className={`file-grid${props.dropActive ? ' drop-active' : ''}`}
      onKeyDown={(e) => props.onKeyDown(e, pageSize)}
      onDragOver={props.onDragOver}
      onDrop={props.onDrop}
      onDragLeave={props.onDragLeave}
      onContextMenu={(e) => {
        if (e.target === e.currentTarget || e.target === scrollRef.current) {
          e.preventDefault();
          props.onContextMenu(e.clientX, e.clientY, -1);
        }
      }}
    >
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className="grid-row head">
          {COLUMNS.map((c) => (
            <div
              key={c.key}
              role="columnheader"
              className={`cell col-${c.key}`}
              aria-sort={props.sort.key === c.key ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
            >
              <button type="button" tabIndex={-1} className="col-button" onClick={() => props.onSort(c.key)}>
                {c.label}
                <span className="sort-mark" aria-hidden="true">
                  {props.sort.key === c.key ? (props.sort.dir === 'asc' ? '▲' : '▼') : ''}
                </span>
              </button>
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="grid-body" ref={scrollRef}>
        {entries.length === 0 && props.emptyText ? <div className="grid-empty">{props.emptyText}</div> : null}
        <div className="grid-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const e = entries[item.index]!;
            const selected = selection.selected.has(e.name);
            const shown = displayName(e.name);
            const odd = hasHiddenCharacters(e.name);
            return (
              <div
                key={e.name}
                id={`${idPrefix}-row-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                aria-label={`${shown}, ${kindLabel(e)}`}
                className={`grid-row${selected ? ' selected' : ''}${item.index === selection.cursor ? ' cursor' : ''}${e.name.startsWith('.') ? ' hidden-file' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                draggable
                onDragStart={(ev) => props.onDragStartRows?.(ev, item.index)}
                onClick={(ev) => props.onRowClick(item.index, ev)}
                onDoubleClick={() => props.onOpen(e)}
                onContextMenu={(ev) => {
                  ev.preventDefault();
                  props.onContextMenu(ev.clientX, ev.clientY, item.index);
                }}
              >
                <div role="gridcell" className="cell col-name" title={odd ? escapedName(e.name) : undefined}>
                  <span className={`icon icon-${isDirLike(e) ? 'folder' : e.type === 'symlink' ? 'link' : 'file'}`} aria-hidden="true" />
                  <span className="name-text">{shown}</span>
                  {e.type === 'symlink' ? (
                    <span className={`link-target${e.targetType === 'broken' ? ' broken' : ''}`}>→ {displayName(e.linkTarget ?? '')}</span>
                  ) : null}
                </div>
                <div role="gridcell" className="cell col-size">
                  {e.type === 'file' ? formatSize(e.size) : ''}
                </div>
                <div role="gridcell" className="cell col-modified">
                  {formatDate(e.mtimeMs)}
                </div>
                <div role="gridcell" className="cell col-permissions mono">
                  {formatPermissions(e)}
                </div>
                <div role="gridcell" className="cell col-owner">
                  {displayName(formatOwner(e))}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
