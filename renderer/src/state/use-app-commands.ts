// What each pane and window command of the catalog does here: its `enabled` and `run` for the
// pane it acts on (the focused one for keys and context menus, the active one for the application
// menu and global keys). TypeScript refuses a catalog entry without a binding.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { CommandIdIn } from '../../../electron/ipc/commands';
import type { SessionInfo, SkiffApi } from '../../../electron/ipc/contract';
import type { DialogRequest } from '../components/dialog-host';
import { isDirLike, type Side } from '../model/types';
import { handleCommandKey, runCommand, type Bindings, type CommandEnv } from './commands';
import type { EditsModel } from './use-edits';
import type { FileOps } from './use-file-ops';
import type { PanesModel } from './use-panes';
import type { SessionModel } from './use-session';

/** The pane a command acts on, and where a context menu should open (pointer or keyboard). */
export interface CommandTarget {
  side: Side;
  at?: { x: number; y: number };
}

export type AppCommandId = CommandIdIn<'pane' | 'global'>;
export type AppBindings = Bindings<AppCommandId, CommandTarget>;

export interface AppCommandsDeps {
  api: SkiffApi;
  session: SessionModel;
  panes: PanesModel;
  ops: FileOps;
  edits: EditsModel;
  openDialog(d: DialogRequest): void;
  openContextMenu(side: Side, at?: { x: number; y: number }): void;
  env: CommandEnv;
}

const other = (side: Side): Side => (side === 'local' ? 'remote' : 'local');

/** F6 / Shift+F6: the window's regions in turn (local pane, remote pane, transfers, sidebar). */
function cycleRegions(p: PanesModel, step: 1 | -1): void {
  const order = [
    p.grids.local.current,
    p.grids.remote.current,
    document.querySelector<HTMLElement>('.queue button:not([disabled])'),
    document.querySelector<HTMLElement>('.quick-connect input'),
  ].filter((x): x is HTMLElement => x !== null);
  const at = order.findIndex((el) => el.contains(document.activeElement) || el === document.activeElement);
  order[(at + (step === 1 ? 1 : order.length - 1)) % order.length]?.focus();
}

/** The bindings of every pane and global command. */
export function appBindings(d: AppCommandsDeps): AppBindings {
  const { panes: p, ops } = d;
  const s: SessionInfo | null = d.session.session;
  const pane = (t: CommandTarget) => p.panes[t.side];
  const sel = (t: CommandTarget) => pane(t).selectedEntries();
  // A pane has files to act on: always here, on the server once connected.
  const ready = (t: CommandTarget): boolean => t.side === 'local' || s !== null;
  const always = (): boolean => true;
  return {
    'quick-connect': { enabled: always, run: () => document.querySelector<HTMLInputElement>('.quick-connect input')?.focus() },
    disconnect: { enabled: () => s !== null, run: () => d.session.disconnect() },
    find: { enabled: () => s !== null, run: () => s && d.openDialog({ kind: 'find', root: p.panes.remote.path || s.home }) },
    'server-info': { enabled: () => s !== null, run: () => s && d.openDialog({ kind: 'server-info' }) },

    edit: {
      enabled: (t) => t.side === 'remote' && s !== null && sel(t).some((e) => !isDirLike(e)),
      label: (t) => (sel(t).filter((e) => !isDirLike(e)).length > 1 ? `Edit ${sel(t).filter((e) => !isDirLike(e)).length} files` : 'Edit'),
      run: (t) => {
        if (s)
          d.edits.open(
            s.sessionId,
            sel(t)
              .filter((e) => !isDirLike(e))
              .map((e) => e.path),
            'edit',
          );
      },
    },
    'copy-to-other': { enabled: (t) => s !== null && sel(t).length > 0, run: (t) => ops.copyToOther(t.side, sel(t)) },
    open: {
      enabled: (t) => pane(t).visible[pane(t).selection.cursor] !== undefined,
      run: (t) => {
        const e = pane(t).visible[pane(t).selection.cursor];
        if (e) ops.open(t.side, e);
      },
    },
    'new-folder': { enabled: ready, run: (t) => d.openDialog({ kind: 'mkdir', side: t.side }) },
    rename: { enabled: (t) => sel(t).length === 1, run: (t) => d.openDialog({ kind: 'rename', side: t.side, entry: sel(t)[0]! }) },
    delete: {
      enabled: (t) => sel(t).length > 0,
      label: (t) => (sel(t).length > 1 ? `Delete ${sel(t).length} items…` : 'Delete…'),
      run: (t) => d.openDialog({ kind: 'delete', side: t.side, entries: sel(t) }),
    },
    symlink: {
      enabled: (t) => t.side === 'remote' && s !== null,
      run: (t) => {
        const first = sel(t)[0];
        d.openDialog({ kind: 'symlink', ...(first ? { entry: first } : {}) });
      },
    },
    'copy-path': { enabled: ready, run: (t) => ops.copyPath(t.side) },
    properties: { enabled: (t) => sel(t).length > 0, run: (t) => d.openDialog({ kind: 'properties', side: t.side, entries: sel(t) }) },
    'select-all': { enabled: ready, run: (t) => pane(t).select({ type: 'select-all' }) },
    'toggle-selection': { enabled: ready, run: (t) => pane(t).select({ type: 'toggle-cursor' }) },
    'clear-selection': { enabled: ready, run: (t) => pane(t).select({ type: 'clear' }) },
    'context-menu': { enabled: ready, run: (t) => d.openContextMenu(t.side, t.at) },

    back: { enabled: (t) => ready(t) && pane(t).canBack, run: (t) => pane(t).back() },
    forward: { enabled: (t) => ready(t) && pane(t).canForward, run: (t) => pane(t).forward() },
    up: { enabled: ready, run: (t) => pane(t).up() },
    'go-to-path': {
      enabled: ready,
      run: (t) => {
        const input = p.pathInputs[t.side].current;
        input?.focus();
        input?.select();
      },
    },
    'switch-pane': { enabled: always, run: (t) => p.focus(other(t.side)) },
    'next-region': { enabled: always, run: () => cycleRegions(p, 1) },
    'previous-region': { enabled: always, run: () => cycleRegions(p, -1) },

    refresh: { enabled: ready, run: (t) => pane(t).refresh() },
    'toggle-hidden': { enabled: ready, run: (t) => pane(t).setShowHidden(!pane(t).showHidden) },

    settings: { enabled: always, run: () => d.openDialog({ kind: 'settings' }) },
    'keyboard-shortcuts': { enabled: always, run: () => d.openDialog({ kind: 'shortcuts' }) },
    about: { enabled: always, run: () => d.openDialog({ kind: 'about' }) },
  };
}

/**
 * Global keys (anywhere in the window) and application-menu picks (`app:menu`) run their command
 * on the active pane. Both read the latest bindings: listeners outlive renders. The bindings are
 * taken over in the commit itself (a layout effect), not in a passive effect React may run a
 * frame later: a key pressed right after a render (the platform just learned, a pane just
 * loaded) must meet what that render shows.
 */
export function useWindowCommands(api: SkiffApi, bindings: AppBindings, active: Side, env: CommandEnv): void {
  const latest = useRef({ bindings, active, env });
  useLayoutEffect(() => {
    latest.current = { bindings, active, env };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const l = latest.current;
      // A pane took the key already, or a dialog is open: the window's commands wait.
      if (e.defaultPrevented || (e.target instanceof Element && e.target.closest('[aria-modal="true"]'))) return;
      handleCommandKey(e, ['global'], l.bindings, { side: l.active }, l.env);
    };
    window.addEventListener('keydown', onKey);
    const offMenu = api.on('app:menu', (m) => {
      const l = latest.current;
      if (m.command in l.bindings) runCommand(l.bindings, m.command as AppCommandId, { side: l.active }, l.env);
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      offMenu();
    };
  }, [api]);
}
