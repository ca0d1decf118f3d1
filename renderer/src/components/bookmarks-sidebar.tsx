// Saved servers, grouped, with a search box. Double-click connects; arrows move; the keys and the
// context menu (right-click, Shift+F10, the Menu key) are the catalog's saved-server commands.
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ariaShortcutsOf, type CommandIdIn } from '../../../electron/ipc/commands';
import type { BookmarkDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';
import { contextMenuItems, handleCommandKey, runCommand, useCommandEnv, type Bindings } from '../state/commands';
import { ContextMenu } from './context-menu';

/** What the user can do with a bookmark (the container runs it). */
export type BookmarkAction = 'connect' | 'edit' | 'duplicate' | 'move' | 'delete';

type ServerCommandId = CommandIdIn<'saved-server'>;
interface ServerTarget {
  b: BookmarkDto;
  at?: { x: number; y: number };
}

const UNGROUPED = 'Servers';

/** The bookmarks list (groups + search + per-bookmark actions). */
export function BookmarksSidebar(props: {
  bookmarks: readonly BookmarkDto[];
  /** Changes are refused (e.g. the file came from a newer Skiff). */
  readOnly?: boolean;
  activeId?: string;
  onConnect: (b: BookmarkDto) => void;
  onAction?: (action: BookmarkAction, b: BookmarkDto) => void;
  onRenameGroup?: (group: string) => void;
  onNew?: () => void;
  onImport?: () => void;
}) {
  const [query, setQuery] = useState('');
  const [menu, setMenu] = useState<{ b: BookmarkDto; x: number; y: number } | null>(null);
  const listRef = useRef<HTMLElement>(null);
  const env = useCommandEnv();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const hits = props.bookmarks.filter((b) => !q || [b.name, b.host, b.username, b.group ?? ''].some((s) => s.toLowerCase().includes(q)));
    const map = new Map<string, BookmarkDto[]>();
    for (const b of hits) {
      const g = b.group?.trim() || UNGROUPED;
      map.set(g, [...(map.get(g) ?? []), b]);
    }
    for (const items of map.values()) items.sort((a, b) => a.name.localeCompare(b.name));
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [props.bookmarks, query]);

  const act = (action: BookmarkAction, b: BookmarkDto): void => {
    if (action === 'connect') props.onConnect(b);
    else props.onAction?.(action, b);
  };
  const editable = !props.readOnly && props.onAction !== undefined;

  const focusSibling = (from: HTMLElement, delta: number | 'first' | 'last'): void => {
    const all = Array.from(listRef.current?.querySelectorAll<HTMLElement>('button.bookmark') ?? []);
    const i = all.indexOf(from);
    const next = delta === 'first' ? all[0] : delta === 'last' ? all[all.length - 1] : all[Math.max(0, Math.min(all.length - 1, i + delta))];
    next?.focus();
  };

  const editing = { enabled: () => editable };
  const bindings: Bindings<ServerCommandId, ServerTarget> = {
    'server-connect': { enabled: () => true, run: (t) => act('connect', t.b) },
    'server-edit': { ...editing, run: (t) => act('edit', t.b) },
    'server-duplicate': { ...editing, run: (t) => act('duplicate', t.b) },
    'server-move': { ...editing, run: (t) => act('move', t.b) },
    'server-delete': { ...editing, run: (t) => act('delete', t.b) },
    'server-context-menu': { enabled: () => true, run: (t) => t.at && setMenu({ b: t.b, ...t.at }) },
  };

  const onKey = (b: BookmarkDto) => (e: KeyboardEvent<HTMLButtonElement>) => {
    const key = e.key;
    const r = e.currentTarget.getBoundingClientRect();
    if (handleCommandKey(e, ['saved-server'], bindings, { b, at: { x: r.left + 24, y: r.bottom } }, env)) return;
    if (key === 'ArrowDown' || key === 'ArrowUp') {
      e.preventDefault();
      focusSibling(e.currentTarget, key === 'ArrowDown' ? 1 : -1);
    } else if (key === 'Home' || key === 'End') {
      e.preventDefault();
      focusSibling(e.currentTarget, key === 'Home' ? 'first' : 'last');
    }
  };
  const shortcuts = [
    ariaShortcutsOf('server-connect', env.platform),
    ariaShortcutsOf('server-edit', env.platform),
    ariaShortcutsOf('server-delete', env.platform),
    ariaShortcutsOf('server-context-menu', env.platform),
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <nav className="bookmarks" aria-label="Saved servers" ref={listRef}>
      <div className="side-head">
        <h2 className="side-title">Saved servers</h2>
        <span className="spacer" />
        {props.onNew ? (
          <button type="button" className="small-button" disabled={props.readOnly} onClick={props.onNew} title="Add a saved server">
            New…
          </button>
        ) : null}
        {props.onImport ? (
          <button type="button" className="small-button" disabled={props.readOnly} onClick={props.onImport} title="Import hosts from ~/.ssh/config">
            Import…
          </button>
        ) : null}
      </div>
      <input
        className="bookmark-search"
        type="search"
        aria-label="Search saved servers"
        placeholder="Search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          // Down from the search box lands on the first match; Enter connects to it.
          const first = listRef.current?.querySelector<HTMLElement>('button.bookmark');
          if (e.key === 'ArrowDown' && first) {
            e.preventDefault();
            first.focus();
          } else if (e.key === 'Enter' && first) {
            e.preventDefault();
            const b = props.bookmarks.find((x) => x.id === first.dataset.bookmarkId);
            if (b) act('connect', b);
          }
        }}
      />
      {groups.length === 0 ? (
        <p className="muted small">
          {props.bookmarks.length === 0 ? 'No saved servers yet. Fill in Quick Connect and press Save, or import from ~/.ssh/config.' : 'No matches.'}
        </p>
      ) : null}
      {groups.map(([group, list]) => (
        <div key={group} className="bookmark-group" role="group" aria-label={displayName(group)}>
          <div className="group-title">
            <span>{displayName(group)}</span>
            {group !== UNGROUPED && editable && props.onRenameGroup ? (
              <button
                type="button"
                className="icon-button small group-rename"
                aria-label={`Rename group ${displayName(group)}`}
                title="Rename group"
                onClick={() => props.onRenameGroup?.(group)}
              >
                ✎
              </button>
            ) : null}
          </div>
          <ul>
            {list.map((b) => (
              <li key={b.id} className={b.id === props.activeId ? 'active' : undefined}>
                <button
                  type="button"
                  className="bookmark"
                  data-bookmark-id={b.id}
                  title={`${displayName(b.username)}@${displayName(b.host)}:${b.port}${b.notes ? `\n${displayName(b.notes)}` : ''}`}
                  aria-keyshortcuts={shortcuts}
                  onDoubleClick={() => act('connect', b)}
                  onKeyDown={onKey(b)}
                  onContextMenu={(e) => {
                    e.preventDefault();
                    e.currentTarget.focus();
                    runCommand(bindings, 'server-context-menu', { b, at: { x: e.clientX, y: e.clientY } }, env);
                  }}
                >
                  <span className="bookmark-name">{displayName(b.name)}</span>
                  <span className="bookmark-host">
                    {displayName(b.username)}@{displayName(b.host)}
                    {b.port === 22 ? '' : `:${b.port}`}
                  </span>
                </button>
                <button type="button" className="icon-button small" aria-label={`Connect to ${displayName(b.name)}`} onClick={() => act('connect', b)}>
                  ▸
                </button>
                <button
                  type="button"
                  className="icon-button small"
                  aria-label={`Actions for ${displayName(b.name)}`}
                  aria-haspopup="menu"
                  onClick={(e) => {
                    const r = e.currentTarget.getBoundingClientRect();
                    runCommand(bindings, 'server-context-menu', { b, at: { x: r.left, y: r.bottom } }, env);
                  }}
                >
                  ⋯
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {menu ? (
        <ContextMenu
          label={`Actions for ${displayName(menu.b.name)}`}
          x={menu.x}
          y={menu.y}
          items={contextMenuItems('saved-server', bindings, { b: menu.b }, env.platform)}
          onClose={() => {
            const id = menu.b.id;
            setMenu(null);
            Array.from(listRef.current?.querySelectorAll<HTMLElement>('button.bookmark') ?? [])
              .find((el) => el.dataset.bookmarkId === id)
              ?.focus();
          }}
          onPick={(id) => {
            const b = menu.b;
            setMenu(null);
            runCommand(bindings, id as ServerCommandId, { b }, env);
          }}
        />
      ) : null}
    </nav>
  );
}
