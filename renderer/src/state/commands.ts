// The renderer's side of the command catalog (electron/ipc/commands.ts): a binding gives each
// command id its `enabled` and `run`; keys, context menus and button titles are derived from the
// catalog through the helpers here, so no component spells a shortcut itself.
import { createContext, useContext, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { AppInfo } from '../../../electron/ipc/contract';
import {
  ariaShortcutsOf,
  commandDef,
  commandForKey,
  contextMenuRows,
  labelIn,
  shortcutOf,
  type CommandId,
  type CommandScope,
  type ContextMenuId,
  type Platform,
} from '../../../electron/ipc/commands';
import type { MenuItem } from '../components/context-menu';

/** What one command does in the renderer, given what it acts on (a pane, a saved server). */
export interface CommandBinding<C> {
  enabled(target: C): boolean;
  run(target: C): void;
  /** A label that depends on the target ("Delete 3 items…"); default: the catalog's. */
  label?(target: C): string;
}

export type Bindings<Id extends CommandId, C> = { [K in Id]: CommandBinding<C> };

/** Shared by every part of the window: the platform the keys are for, and a test probe. */
export interface CommandEnv {
  platform: Platform;
  /** Called after a command ran (tests walk the catalog with it). */
  ran?: (id: CommandId) => void;
}

export const CommandEnvContext = createContext<CommandEnv>({ platform: 'other' });

export function useCommandEnv(): CommandEnv {
  return useContext(CommandEnvContext);
}

/** macOS keys on a Mac (main's platform is the user's: the web preview runs on the same machine). */
export function platformOf(info: AppInfo | null): Platform {
  return info?.platform === 'darwin' ? 'mac' : 'other';
}

/** Runs the command when it is enabled; true when it ran. */
export function runCommand<Id extends CommandId, C>(bindings: Bindings<Id, C>, id: Id, target: C, env: CommandEnv): boolean {
  const b = bindings[id];
  if (!b.enabled(target)) return false;
  b.run(target);
  env.ran?.(id);
  return true;
}

/**
 * Handles a key press for the commands of `scopes`: a key that belongs to one is taken (default
 * prevented) even when the command is disabled right now, so it never falls through to the page.
 */
export function handleCommandKey<Id extends CommandId, C>(
  e: KeyboardEvent | ReactKeyboardEvent,
  scopes: readonly CommandScope[],
  bindings: Bindings<Id, C>,
  target: C,
  env: CommandEnv,
): boolean {
  const id = commandForKey(e, scopes, env.platform);
  if (id === undefined || !(id in bindings)) return false;
  e.preventDefault();
  runCommand(bindings, id as Id, target, env);
  return true;
}

/** A context menu's items from the catalog, labelled and enabled for `target`. */
export function contextMenuItems<Id extends CommandId, C>(menu: ContextMenuId, bindings: Bindings<Id, C>, target: C, platform: Platform): MenuItem[] {
  const items: MenuItem[] = [];
  let separator = false;
  for (const row of contextMenuRows(menu)) {
    if (row === null) {
      separator = true;
      continue;
    }
    const b = bindings[row as Id];
    const shortcut = shortcutOf(row, platform);
    items.push({
      id: row,
      label: b.label?.(target) ?? labelIn(row, menu),
      ...(shortcut ? { shortcut } : {}),
      disabled: !b.enabled(target),
      separatorBefore: separator && items.length > 0,
    });
    separator = false;
  }
  return items;
}

/** Tooltip and accessibility attributes of a toolbar button: its full label and shortcut, "Find on server… (Ctrl+F)". */
export function buttonShortcut(id: CommandId, platform: Platform): { title: string; 'aria-keyshortcuts'?: string } {
  const shortcut = shortcutOf(id, platform);
  const aria = ariaShortcutsOf(id, platform);
  const label = commandDef(id).label;
  return { title: shortcut ? `${label} (${shortcut})` : label, ...(aria ? { 'aria-keyshortcuts': aria } : {}) };
}
