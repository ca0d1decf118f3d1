// One side of the dual-pane view: toolbar (back/forward/up/refresh, hidden files, filter),
// editable path bar with breadcrumbs, the virtualized grid and a status line. The grid's own
// movement keys are handled here; every other key is a command of the catalog.
import { useState, type DragEvent, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { toolbarCommands, type CommandId } from '../../../electron/ipc/commands';
import { displayName } from '../model/display-name';
import { formatSize } from '../model/format';
import { breadcrumbs, normalizeFor } from '../model/paths';
import type { Entry, Side } from '../model/types';
import { buttonShortcut, handleCommandKey, runCommand, useCommandEnv } from '../state/commands';
import type { AppBindings, AppCommandId } from '../state/use-app-commands';
import type { PaneModel } from '../state/use-pane';
import { CommandButton } from './command-button';
import { FileList } from './file-list';
import { RefusedNamesNotice } from './refused-names-notice';

const TOOL_ICONS: Partial<Record<CommandId, string>> = { back: '←', forward: '→', up: '↑', refresh: '⟳' };

export interface FilePaneProps {
  side: Side;
  model: PaneModel;
  /** What the pane's keys, buttons and context menu run. */
  bindings: AppBindings;
  /** Shown instead of the grid (e.g. "Not connected" with Quick Connect). */
  placeholder?: ReactNode;
  active: boolean;
  onFocusPane: () => void;
  /** A double-clicked row (a folder opens, a file is copied to the other pane). */
  onOpen: (entry: Entry) => void;
  onDragStartRows: (e: DragEvent, entries: Entry[]) => void;
  onDropOnPane: (e: DragEvent) => void;
  canDrop: (e: DragEvent) => boolean;
  gridRef: React.RefObject<HTMLDivElement | null>;
  pathInputRef: React.RefObject<HTMLInputElement | null>;
  /** A row above the toolbar (the remote pane's connection: who, Find, Disconnect). */
  extraTools?: ReactNode;
}

function PathInput({
  inputRef,
  ...props
}: {
  label: string;
  path: string;
  onSubmit: (p: string) => void;
  inputRef: React.RefObject<HTMLInputElement | null>;
  disabled: boolean;
}) {
  // Local draft while editing; it snaps back to the real path when the pane navigates.
  const [draft, setDraft] = useState<{ base: string; text: string } | null>(null);
  const value = draft && draft.base === props.path ? draft.text : props.path;
  return (
    <input
      ref={inputRef}
      className="path-input"
      type="text"
      aria-label={props.label}
      spellCheck={false}
      autoComplete="off"
      disabled={props.disabled}
      value={value}
      onChange={(e) => setDraft({ base: props.path, text: e.target.value })}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          setDraft(null);
          props.onSubmit(value);
        } else if (e.key === 'Escape') {
          setDraft(null);
        }
      }}
      onBlur={() => setDraft(null)}
    />
  );
}

/** A file pane (local or remote) bound to a PaneModel. */
export function FilePane(props: FilePaneProps) {
  const { model, side, bindings } = props;
  const env = useCommandEnv();
  const [dropActive, setDropActive] = useState(false);
  const title = side === 'local' ? 'Local' : 'Remote';
  const idPrefix = `${side}-pane`;
  const connected = !props.placeholder;
  const target = { side };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>, pageSize: number): void => {
    const n = model.visible.length;
    const cur = model.selection.cursor;
    const mod = e.ctrlKey || e.metaKey;
    const move = (to: number): void => {
      e.preventDefault();
      if (mod && !e.shiftKey) model.select({ type: 'click', index: Math.max(0, Math.min(n - 1, to)), toggle: false });
      else model.select({ type: 'move', to, shift: e.shiftKey });
    };
    if (handleCommandKey(e, ['pane'], bindings, target, env)) return;
    // The grid's own movement (listed as LIST_KEYS in the catalog for the shortcuts dialog).
    if (!e.altKey) {
      switch (e.key) {
        case 'ArrowDown':
          return move(cur < 0 ? 0 : cur + 1);
        case 'ArrowUp':
          return move(cur < 0 ? 0 : cur - 1);
        case 'Home':
          return move(0);
        case 'End':
          return move(n - 1);
        case 'PageDown':
          return move(cur < 0 ? pageSize : cur + pageSize);
        case 'PageUp':
          return move(cur - pageSize);
        default:
          break;
      }
    }
  };

  const onRowClick = (index: number, e: MouseEvent): void => {
    model.select({ type: 'click', index, shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
  };

  const onDragStartRow = (e: DragEvent, index: number): void => {
    const entry = model.visible[index];
    if (!entry) return;
    // Dragging an unselected row drags just that row (and selects it), like native file managers.
    const selected = model.selection.selected.has(entry.name) ? model.selectedEntries() : [entry];
    if (!model.selection.selected.has(entry.name)) model.select({ type: 'click', index });
    props.onDragStartRows(e, selected);
  };

  const selectedCount = model.selection.selected.size;
  const selectedBytes = selectedCount > 0 ? model.visible.reduce((s, e) => (model.selection.selected.has(e.name) && e.type === 'file' ? s + e.size : s), 0) : 0;

  return (
    <section className={`pane pane-${side}${props.active ? ' active' : ''}`} aria-label={`${title} pane`} onFocus={props.onFocusPane}>
      {props.extraTools ? <div className="pane-connection">{props.extraTools}</div> : null}
      <div className="pane-toolbar" role="toolbar" aria-label={`${title} navigation`}>
        <span className="pane-title">{title}</span>
        {toolbarCommands('pane')
          .filter((id): id is AppCommandId => TOOL_ICONS[id] !== undefined && id in bindings)
          .map((id) => (
            <CommandButton key={id} id={id} place="pane" bindings={bindings} target={target} className="icon-button">
              {TOOL_ICONS[id]}
            </CommandButton>
          ))}
        <PathInput
          label={`${title} path`}
          path={connected ? model.path : ''}
          inputRef={props.pathInputRef}
          disabled={!connected}
          onSubmit={(p) => {
            if (p.trim() !== '') model.navigate(normalizeFor(model.style, p, model.path));
            props.gridRef.current?.focus();
          }}
        />
      </div>
      <div className="pane-subbar">
        <nav className="breadcrumbs" aria-label={`${title} breadcrumbs`}>
          {connected && model.path
            ? breadcrumbs(model.style, model.path).map((c, i, all) => (
                <span key={c.path} className="crumb-wrap">
                  <button
                    type="button"
                    className="crumb"
                    tabIndex={-1}
                    aria-current={i === all.length - 1 ? 'location' : undefined}
                    onClick={() => model.navigate(c.path)}
                  >
                    {displayName(c.label)}
                  </button>
                  {i > 0 && i < all.length - 1 ? <span className="crumb-sep">/</span> : null}
                </span>
              ))
            : null}
        </nav>
        <input
          className="filter-input"
          type="search"
          aria-label={`Filter ${title.toLowerCase()} files`}
          placeholder="Filter"
          value={model.filter}
          disabled={!connected}
          onChange={(e) => model.setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') model.setFilter('');
            if (e.key === 'Enter' || e.key === 'ArrowDown') {
              e.preventDefault();
              props.gridRef.current?.focus();
            }
          }}
        />
        <label className="hidden-toggle" title={buttonShortcut('toggle-hidden', env.platform).title}>
          <input type="checkbox" checked={model.showHidden} disabled={!connected} onChange={(e) => model.setShowHidden(e.target.checked)} />
          Hidden
        </label>
      </div>
      {props.placeholder ? (
        <div className="pane-placeholder">{props.placeholder}</div>
      ) : (
        <FileList
          label={`${title} files`}
          idPrefix={idPrefix}
          gridRef={props.gridRef}
          entries={model.visible}
          selection={model.selection}
          sort={model.sort}
          onSort={model.setSortKey}
          onRowClick={onRowClick}
          onOpen={props.onOpen}
          onKeyDown={onKeyDown}
          onContextMenu={(x, y, index) => {
            const entry = index >= 0 ? model.visible[index] : undefined;
            if (entry && !model.selection.selected.has(entry.name)) model.select({ type: 'click', index });
            runCommand(bindings, 'context-menu', { side, at: { x, y } }, env);
          }}
          onDragStartRows={onDragStartRow}
          onDragOver={(e) => {
            if (!props.canDrop(e)) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
            if (!dropActive) setDropActive(true);
          }}
          onDrop={(e) => {
            setDropActive(false);
            if (!props.canDrop(e)) return;
            e.preventDefault();
            props.onDropOnPane(e);
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropActive(false);
          }}
          dropActive={dropActive}
          busy={model.loading}
          emptyText={model.error ? '' : model.loading ? 'Loading…' : model.filter ? 'No matching files' : 'This folder is empty'}
        />
      )}
      {model.error && !props.placeholder ? (
        <div className="pane-error" role="alert">
          <strong>{model.error.message}</strong> {model.error.hint}
        </div>
      ) : null}
      {model.refused && !props.placeholder ? <RefusedNamesNotice refused={model.refused} /> : null}
      <div className="pane-status" aria-live="polite">
        {props.placeholder
          ? ''
          : `${model.visible.length.toLocaleString()} ${model.visible.length === 1 ? 'item' : 'items'}${model.totalCount !== model.visible.length ? ` (${model.totalCount.toLocaleString()} total)` : ''}${
              selectedCount > 0 ? ` · ${selectedCount.toLocaleString()} selected${selectedBytes > 0 ? `, ${formatSize(selectedBytes)}` : ''}` : ''
            }${model.loading ? ' · loading…' : ''}`}
      </div>
    </section>
  );
}
