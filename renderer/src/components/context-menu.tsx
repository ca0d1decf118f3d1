// A keyboard-navigable context menu (role="menu"): arrows move, Enter activates,
// Escape closes; opened by right-click, Shift+F10 or the Menu key.
import { useEffect, useRef } from 'react';

export interface MenuItem {
  id: string;
  label: string;
  shortcut?: string;
  disabled?: boolean;
  separatorBefore?: boolean;
}

/** A floating menu at (x, y). */
export function ContextMenu(props: { x: number; y: number; items: MenuItem[]; onPick: (id: string) => void; onClose: () => void; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const close = (e: MouseEvent): void => {
      if (!ref.current?.contains(e.target as Node)) props.onClose();
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [props]);

  const focusable = (): HTMLElement[] => Array.from(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? []);
  const maxX = typeof window !== 'undefined' ? window.innerWidth - 240 : props.x;
  const maxY = typeof window !== 'undefined' ? window.innerHeight - props.items.length * 28 - 16 : props.y;

  return (
    <div
      ref={ref}
      role="menu"
      aria-label={props.label}
      className="context-menu"
      style={{ left: Math.max(0, Math.min(props.x, maxX)), top: Math.max(0, Math.min(props.y, maxY)) }}
      onKeyDown={(e) => {
        const items = focusable();
        const i = items.indexOf(document.activeElement as HTMLElement);
        if (e.key === 'ArrowDown') {
          e.preventDefault();
          items[(i + 1) % items.length]?.focus();
        } else if (e.key === 'ArrowUp') {
          e.preventDefault();
          items[(i - 1 + items.length) % items.length]?.focus();
        } else if (e.key === 'Home') {
          e.preventDefault();
          items[0]?.focus();
        } else if (e.key === 'End') {
          e.preventDefault();
          items[items.length - 1]?.focus();
        } else if (e.key === 'Escape' || e.key === 'Tab') {
          e.preventDefault();
          props.onClose();
        }
      }}
    >
      {props.items.map((it) => (
        <div key={it.id} className={it.separatorBefore ? 'menu-sep-wrap' : undefined}>
          {it.separatorBefore ? <div role="separator" className="menu-sep" /> : null}
          <div
            role="menuitem"
            tabIndex={-1}
            aria-disabled={it.disabled ? 'true' : undefined}
            className="menu-item"
            onClick={() => !it.disabled && props.onPick(it.id)}
            onKeyDown={(e) => {
              if ((e.key === 'Enter' || e.key === ' ') && !it.disabled) {
                e.preventDefault();
                props.onPick(it.id);
              }
            }}
          >
            <span>{it.label}</span>
            {it.shortcut ? <span className="menu-shortcut">{it.shortcut}</span> : null}
          </div>
        </div>
      ))}
    </div>
  );
}
