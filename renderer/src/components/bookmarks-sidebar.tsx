// Saved servers, grouped, with a search box. Enter or double-click connects.
import { useMemo, useState } from 'react';
import type { BookmarkDto } from '../../../electron/ipc/contract';
import { displayName } from '../model/display-name';

/** The bookmarks list (groups + search). */
export function BookmarksSidebar(props: {
  bookmarks: readonly BookmarkDto[];
  problem?: string;
  activeId?: string;
  onConnect: (b: BookmarkDto) => void;
  onDelete: (b: BookmarkDto) => void;
}) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const hits = props.bookmarks.filter((b) => !q || [b.name, b.host, b.username, b.group ?? ''].some((s) => s.toLowerCase().includes(q)));
    const map = new Map<string, BookmarkDto[]>();
    for (const b of hits) {
      const g = b.group?.trim() || 'Servers';
      map.set(g, [...(map.get(g) ?? []), b]);
    }
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [props.bookmarks, query]);

  return (
    <nav className="bookmarks" aria-label="Saved servers">
      <h2 className="side-title">Saved servers</h2>
      <input className="bookmark-search" type="search" aria-label="Search saved servers" placeholder="Search" value={query} onChange={(e) => setQuery(e.target.value)} />
      {props.problem ? (
        <p className="danger-text small" role="alert">
          {props.problem}
        </p>
      ) : null}
      {groups.length === 0 ? <p className="muted small">{props.bookmarks.length === 0 ? 'No saved servers yet. Fill in Quick Connect and press Save.' : 'No matches.'}</p> : null}
      {groups.map(([group, items]) => (
        <div key={group} className="bookmark-group" role="group" aria-label={displayName(group)}>
          <div className="group-title">{displayName(group)}</div>
          <ul>
            {items.map((b) => (
              <li key={b.id} className={b.id === props.activeId ? 'active' : undefined}>
                <button type="button" className="bookmark" title={`${displayName(b.username)}@${displayName(b.host)}:${b.port}`} onDoubleClick={() => props.onConnect(b)} onKeyDown={(e) => e.key === 'Enter' && props.onConnect(b)}>
                  <span className="bookmark-name">{displayName(b.name)}</span>
                  <span className="bookmark-host">
                    {displayName(b.username)}@{displayName(b.host)}
                  </span>
                </button>
                <button type="button" className="icon-button small" aria-label={`Connect to ${displayName(b.name)}`} onClick={() => props.onConnect(b)}>
                  ▸
                </button>
                <button type="button" className="icon-button small" aria-label={`Delete ${displayName(b.name)}`} onClick={() => props.onDelete(b)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
