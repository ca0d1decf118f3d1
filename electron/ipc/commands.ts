// Every command of the app, declared once (after Chonky's action definitions): its label, its keys
// per platform, the scope its keys work in, and where it appears (application menu, context menus,
// toolbars). The renderer binds `enabled` and `run` to each id and derives its key handling,
// context menus, toolbar titles and the Keyboard Shortcuts dialog from here; main builds the
// application menu from here. Pure: no imports, so both sides (and the sandboxed page) may use it.
//
// Keys are the renderer's job everywhere: the application menu only shows them (Electron's
// registerAccelerator: false), so a key works the same in the app and in the browser preview and
// never fires twice. To add a command: one entry here, one binding where its scope is bound
// (renderer/src/state/use-app-commands.ts for pane and global ones, saved-servers.tsx for theirs).

export type Platform = 'mac' | 'other';

/**
 * Where a command's keys work: `global` anywhere in the window (text fields included, so only
 * chords with a modifier or a function key), `pane` while a file list has the focus, `saved-server`
 * while a saved server in the sidebar has it.
 */
export type CommandScope = 'global' | 'pane' | 'saved-server';

/** The application menus; `app` is macOS's application menu (elsewhere its items go to `macFallback`). */
export type AppMenuId = 'app' | 'file' | 'view' | 'go' | 'help';
export type ContextMenuId = 'local-pane' | 'remote-pane' | 'saved-server';
/** Rows of buttons in the window: a pane's navigation bar, the remote pane's connection row, the sidebar's foot. */
export type ToolbarId = 'pane' | 'connection' | 'sidebar';
/** Groups of the Keyboard Shortcuts dialog. */
export type ShortcutSection = 'Connection' | 'Files' | 'Navigation' | 'View' | 'Saved servers' | 'Window';

export interface CommandDef {
  /** Sentence case ("New folder…"); menus of the platform's style title-case it. */
  label: string;
  /** Other wording in one place (the pane's context menu says "Upload", the menu "Copy to other pane"). */
  labels?: Partial<Record<ContextMenuId | ToolbarId, string>>;
  scope: CommandScope;
  /**
   * Key chords, the first one shown: modifiers joined by "+" (`Mod` = ⌘ on macOS and Ctrl
   * elsewhere, `Ctrl`, `Alt`, `Shift`), then a KeyboardEvent.key name (`F2`, `Delete`, `ArrowLeft`,
   * `Enter`, `,`, `a`).
   */
  keys?: readonly string[];
  /** macOS chords when they differ from `keys`. */
  macKeys?: readonly string[];
  section: ShortcutSection;
  /** In an application menu: which one, and the group (separators fall between groups). */
  appMenu?: { menu: AppMenuId; group: number; macMenu?: { menu: AppMenuId; group: number } };
  /** In context menus, in `contextGroup`. */
  contextMenus?: readonly ContextMenuId[];
  contextGroup?: number;
  /** A button in this toolbar (its title shows the shortcut). */
  toolbar?: ToolbarId;
}

/** The catalog. Order matters: menus list their commands in this order. */
export const COMMANDS = {
  // ── connection ──
  'quick-connect': { label: 'Quick connect…', scope: 'global', keys: ['Mod+K'], section: 'Connection', appMenu: { menu: 'file', group: 0 } },
  disconnect: {
    label: 'Disconnect',
    scope: 'global',
    keys: ['Mod+Shift+D'],
    section: 'Connection',
    appMenu: { menu: 'file', group: 0 },
    toolbar: 'connection',
  },
  find: {
    label: 'Find on server…',
    labels: { connection: 'Find' },
    scope: 'global',
    keys: ['Mod+F'],
    section: 'Connection',
    appMenu: { menu: 'file', group: 2 },
    contextMenus: ['remote-pane'],
    contextGroup: 3,
    toolbar: 'connection',
  },

  'server-info': {
    label: 'Server information…',
    scope: 'global',
    section: 'Connection',
    appMenu: { menu: 'file', group: 2 },
    contextMenus: ['remote-pane'],
    contextGroup: 3,
  },

  // ── files (the focused pane) ──
  'copy-to-other': {
    label: 'Copy to other pane',
    labels: { 'local-pane': 'Upload', 'remote-pane': 'Download' },
    scope: 'pane',
    keys: ['F5'],
    section: 'Files',
    appMenu: { menu: 'file', group: 1 },
    contextMenus: ['local-pane', 'remote-pane'],
    contextGroup: 0,
  },
  // Edit and Open of a remote file: downloaded to a private folder, opened, every save uploaded (see core/edit).
  edit: { label: 'Edit', scope: 'pane', keys: ['F4'], section: 'Files', appMenu: { menu: 'file', group: 1 }, contextMenus: ['remote-pane'], contextGroup: 0 },
  open: { label: 'Open', scope: 'pane', keys: ['Enter'], macKeys: ['Enter', 'Mod+ArrowDown'], section: 'Files' },
  'new-folder': {
    label: 'New folder…',
    scope: 'pane',
    keys: ['F7', 'Mod+Shift+N'],
    section: 'Files',
    appMenu: { menu: 'file', group: 1 },
    contextMenus: ['local-pane', 'remote-pane'],
    contextGroup: 1,
  },
  rename: {
    label: 'Rename…',
    scope: 'pane',
    keys: ['F2'],
    section: 'Files',
    appMenu: { menu: 'file', group: 1 },
    contextMenus: ['local-pane', 'remote-pane'],
    contextGroup: 1,
  },
  delete: {
    label: 'Delete…',
    scope: 'pane',
    keys: ['Delete', 'F8'],
    macKeys: ['Mod+Backspace', 'Delete', 'F8'],
    section: 'Files',
    appMenu: { menu: 'file', group: 1 },
    contextMenus: ['local-pane', 'remote-pane'],
    contextGroup: 1,
  },
  symlink: { label: 'Create symlink…', scope: 'pane', section: 'Files', appMenu: { menu: 'file', group: 1 }, contextMenus: ['remote-pane'], contextGroup: 1 },
  'copy-path': {
    label: 'Copy path',
    scope: 'pane',
    keys: ['Mod+Shift+C'],
    macKeys: ['Mod+Alt+C'],
    section: 'Files',
    contextMenus: ['local-pane', 'remote-pane'],
    contextGroup: 2,
  },
  properties: {
    label: 'Properties…',
    scope: 'pane',
    keys: ['Alt+Enter'],
    macKeys: ['Mod+I'],
    section: 'Files',
    appMenu: { menu: 'file', group: 1 },
    contextMenus: ['local-pane', 'remote-pane'],
    contextGroup: 2,
  },
  'select-all': { label: 'Select all', scope: 'pane', keys: ['Mod+A'], section: 'Files' },
  'toggle-selection': { label: 'Select or unselect the current item', scope: 'pane', keys: [' '], section: 'Files' },
  'clear-selection': { label: 'Clear the selection', scope: 'pane', keys: ['Escape'], section: 'Files' },
  'context-menu': { label: 'Open the context menu', scope: 'pane', keys: ['Shift+F10', 'ContextMenu'], section: 'Files' },

  // ── navigation ──
  back: {
    label: 'Back',
    scope: 'pane',
    keys: ['Alt+ArrowLeft'],
    macKeys: ['Mod+['],
    section: 'Navigation',
    appMenu: { menu: 'go', group: 0 },
    toolbar: 'pane',
  },
  forward: {
    label: 'Forward',
    scope: 'pane',
    keys: ['Alt+ArrowRight'],
    macKeys: ['Mod+]'],
    section: 'Navigation',
    appMenu: { menu: 'go', group: 0 },
    toolbar: 'pane',
  },
  up: {
    label: 'Up',
    scope: 'pane',
    keys: ['Backspace'],
    macKeys: ['Mod+ArrowUp', 'Backspace'],
    section: 'Navigation',
    appMenu: { menu: 'go', group: 0 },
    toolbar: 'pane',
  },
  'go-to-path': { label: 'Go to folder…', scope: 'pane', keys: ['Mod+L'], section: 'Navigation', appMenu: { menu: 'go', group: 1 } },
  'switch-pane': { label: 'Switch to the other pane', scope: 'pane', keys: ['Tab'], section: 'Navigation' },
  'next-region': { label: 'Next region (panes, transfers, sidebar)', scope: 'global', keys: ['F6'], section: 'Navigation' },
  'previous-region': { label: 'Previous region', scope: 'global', keys: ['Shift+F6'], section: 'Navigation' },

  // ── view ──
  refresh: {
    label: 'Refresh',
    scope: 'global',
    keys: ['Mod+R'],
    section: 'View',
    appMenu: { menu: 'view', group: 0 },
    contextMenus: ['local-pane', 'remote-pane'],
    contextGroup: 4,
    toolbar: 'pane',
  },
  'toggle-hidden': {
    label: 'Show hidden files',
    scope: 'global',
    keys: ['Mod+H'],
    macKeys: ['Mod+Shift+.'],
    section: 'View',
    appMenu: { menu: 'view', group: 0 },
    toolbar: 'pane',
  },

  // ── saved servers (the focused one in the sidebar) ──
  'server-connect': { label: 'Connect', scope: 'saved-server', keys: ['Enter'], section: 'Saved servers', contextMenus: ['saved-server'], contextGroup: 0 },
  'server-edit': { label: 'Edit…', scope: 'saved-server', keys: ['F2'], section: 'Saved servers', contextMenus: ['saved-server'], contextGroup: 1 },
  'server-duplicate': { label: 'Duplicate', scope: 'saved-server', section: 'Saved servers', contextMenus: ['saved-server'], contextGroup: 1 },
  'server-move': { label: 'Move to group…', scope: 'saved-server', section: 'Saved servers', contextMenus: ['saved-server'], contextGroup: 1 },
  'server-delete': {
    label: 'Delete…',
    scope: 'saved-server',
    keys: ['Delete', 'F8'],
    macKeys: ['Mod+Backspace', 'Delete', 'F8'],
    section: 'Saved servers',
    contextMenus: ['saved-server'],
    contextGroup: 2,
  },
  'server-context-menu': { label: 'Open the context menu', scope: 'saved-server', keys: ['Shift+F10', 'ContextMenu'], section: 'Saved servers' },

  // ── window and help ──
  settings: {
    label: 'Settings…',
    scope: 'global',
    keys: ['Mod+,'],
    section: 'Window',
    appMenu: { menu: 'file', group: 3, macMenu: { menu: 'app', group: 1 } },
    toolbar: 'sidebar',
  },
  'keyboard-shortcuts': {
    label: 'Keyboard shortcuts',
    labels: { sidebar: 'Shortcuts' },
    scope: 'global',
    keys: ['F1', 'Mod+/'],
    section: 'Window',
    appMenu: { menu: 'help', group: 0 },
    toolbar: 'sidebar',
  },
  about: {
    label: 'About Skiff',
    labels: { sidebar: 'About' },
    scope: 'global',
    section: 'Window',
    appMenu: { menu: 'help', group: 1, macMenu: { menu: 'app', group: 0 } },
    toolbar: 'sidebar',
  },
} as const satisfies Record<string, CommandDef>;

export type CommandId = keyof typeof COMMANDS;
export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];
/** The ids whose keys work in `scope`. */
export type CommandIdIn<S extends CommandScope> = { [K in CommandId]: (typeof COMMANDS)[K]['scope'] extends S ? K : never }[CommandId];

/**
 * Keys of the file lists that are the list's own movement (ARIA grid), not commands: shown in the
 * Keyboard Shortcuts dialog; file-pane.tsx handles them (a test walks this list against it).
 */
export const LIST_KEYS: ReadonlyArray<{ keys: readonly string[]; label: string }> = [
  { keys: ['ArrowUp', 'ArrowDown'], label: 'Move the cursor (Shift extends the selection)' },
  { keys: ['Home', 'End'], label: 'First or last item' },
  { keys: ['PageUp', 'PageDown'], label: 'A page up or down' },
];

export function commandDef(id: CommandId): CommandDef {
  return COMMANDS[id];
}

/** A parsed chord. `mod` is ⌘ on macOS and Ctrl elsewhere; `ctrl` is always Ctrl. */
export interface Chord {
  key: string;
  mod: boolean;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

/** Parses "Mod+Shift+F" (the last part is the key; "+" alone is the key "+"). */
export function parseChord(text: string): Chord {
  const parts = text === '+' ? ['+'] : text.split('+');
  const key = parts.pop() || '+';
  const has = (m: string): boolean => parts.includes(m);
  return { key: key.length === 1 ? key.toLowerCase() : key, mod: has('Mod'), ctrl: has('Ctrl'), alt: has('Alt'), shift: has('Shift') };
}

/** The chords of a command on a platform (the first one is the one to show). */
export function chordsOf(id: CommandId, platform: Platform): Chord[] {
  const def = commandDef(id);
  const keys = (platform === 'mac' ? def.macKeys : undefined) ?? def.keys ?? [];
  return keys.map(parseChord);
}

/** Who presses what: the fields of a KeyboardEvent the match needs. */
export interface KeyPress {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const CODE_KEYS: Record<string, string> = {
  Period: '.',
  Comma: ',',
  Slash: '/',
  BracketLeft: '[',
  BracketRight: ']',
  Minus: '-',
  Equal: '=',
  Semicolon: ';',
  Quote: "'",
  Backquote: '`',
  Backslash: '\\',
  Space: ' ',
};

/** Whether a key press is the chord. Letters ignore case; a punctuation key matches the character typed or the key it sits on. */
export function matchesChord(chord: Chord, e: KeyPress, platform: Platform): boolean {
  const wantMeta = platform === 'mac' && chord.mod;
  const wantCtrl = chord.ctrl || (platform !== 'mac' && chord.mod);
  if (e.metaKey !== wantMeta || e.ctrlKey !== wantCtrl || e.altKey !== chord.alt) return false;
  const typed = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const onKey = e.code
    ? (CODE_KEYS[e.code] ?? (/^Key[A-Z]$/.test(e.code) ? e.code.slice(3).toLowerCase() : /^Digit\d$/.test(e.code) ? e.code.slice(5) : undefined))
    : undefined;
  const printable = chord.key.length === 1 && !/[a-z0-9 ]/.test(chord.key);
  // A punctuation character may need Shift on some layouts ("/" on a German keyboard): then Shift is part of the character.
  if (printable && !chord.shift && typed === chord.key) return true;
  if (e.shiftKey !== chord.shift) return false;
  return typed === chord.key || (onKey !== undefined && onKey === chord.key);
}

/** The command of `scopes` bound to this key press, if any. */
export function commandForKey(e: KeyPress, scopes: readonly CommandScope[], platform: Platform): CommandId | undefined {
  return COMMAND_IDS.find(
    (id) => (scopes as readonly string[]).includes(commandDef(id).scope) && chordsOf(id, platform).some((c) => matchesChord(c, e, platform)),
  );
}

const KEY_NAMES: Record<string, { other: string; mac: string; accelerator: string | null }> = {
  Delete: { other: 'Del', mac: '⌦', accelerator: 'Delete' },
  Backspace: { other: 'Backspace', mac: '⌫', accelerator: 'Backspace' },
  Enter: { other: 'Enter', mac: '↩', accelerator: 'Enter' },
  Escape: { other: 'Esc', mac: 'Esc', accelerator: 'Escape' },
  Tab: { other: 'Tab', mac: '⇥', accelerator: 'Tab' },
  ' ': { other: 'Space', mac: 'Space', accelerator: 'Space' },
  ArrowLeft: { other: '←', mac: '←', accelerator: 'Left' },
  ArrowRight: { other: '→', mac: '→', accelerator: 'Right' },
  ArrowUp: { other: '↑', mac: '↑', accelerator: 'Up' },
  ArrowDown: { other: '↓', mac: '↓', accelerator: 'Down' },
  PageUp: { other: 'PgUp', mac: 'PgUp', accelerator: 'PageUp' },
  PageDown: { other: 'PgDn', mac: 'PgDn', accelerator: 'PageDown' },
  Home: { other: 'Home', mac: 'Home', accelerator: 'Home' },
  End: { other: 'End', mac: 'End', accelerator: 'End' },
  ContextMenu: { other: 'Menu', mac: 'Menu', accelerator: null },
  ',': { other: ',', mac: ',', accelerator: ',' },
};

/** How a chord is written for people: "Ctrl+Shift+F", "Del", "⇧⌘F". */
export function formatChord(chord: Chord, platform: Platform): string {
  const name = KEY_NAMES[chord.key]?.[platform] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key);
  if (platform === 'mac') return `${chord.ctrl ? '⌃' : ''}${chord.alt ? '⌥' : ''}${chord.shift ? '⇧' : ''}${chord.mod ? '⌘' : ''}${name}`;
  return [chord.ctrl || chord.mod ? 'Ctrl' : '', chord.alt ? 'Alt' : '', chord.shift ? 'Shift' : '', name].filter(Boolean).join('+');
}

/** The shortcut to show beside a command (its first chord), or undefined. */
export function shortcutOf(id: CommandId, platform: Platform): string | undefined {
  const first = chordsOf(id, platform)[0];
  return first ? formatChord(first, platform) : undefined;
}

/** The `aria-keyshortcuts` value of a command ("Control+Shift+F"), or undefined. */
export function ariaShortcutsOf(id: CommandId, platform: Platform): string | undefined {
  const all = chordsOf(id, platform).map((c) =>
    [
      c.ctrl || (c.mod && platform !== 'mac') ? 'Control' : '',
      c.mod && platform === 'mac' ? 'Meta' : '',
      c.alt ? 'Alt' : '',
      c.shift ? 'Shift' : '',
      c.key === ' ' ? 'Space' : c.key.length === 1 ? c.key.toUpperCase() : c.key,
    ]
      .filter(Boolean)
      .join('+'),
  );
  return all.length > 0 ? all.join(' ') : undefined;
}

/**
 * The Electron accelerator that shows a chord in the application menu, or undefined where the menu
 * must not have one: keys without a modifier on macOS (there accelerators are always registered,
 * and would take Enter, Backspace or Tab from text fields).
 */
export function menuAccelerator(chord: Chord, platform: Platform): string | undefined {
  const name = KEY_NAMES[chord.key] ? KEY_NAMES[chord.key]!.accelerator : chord.key.length === 1 ? chord.key.toUpperCase() : chord.key;
  if (name === null) return undefined;
  if (platform === 'mac' && !chord.mod && !chord.ctrl && !chord.alt && !/^F\d+$/.test(chord.key)) return undefined;
  return [chord.mod ? 'CmdOrCtrl' : '', chord.ctrl ? 'Ctrl' : '', chord.alt ? 'Alt' : '', chord.shift ? 'Shift' : '', name].filter(Boolean).join('+');
}

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);

/** "Find on server…" → "Find on Server…" (menu bars use title case). */
export function titleCase(label: string): string {
  return label
    .split(' ')
    .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

/** A menu's rows in catalog order: command ids, with `null` where a separator goes. */
export type MenuRows<T extends string = CommandId> = Array<T | null>;

/** The commands of an application menu on a platform (macOS moves some to its application menu). */
export function appMenuRows(menu: AppMenuId, platform: Platform): MenuRows {
  const placed = COMMAND_IDS.flatMap((id) => {
    const a = commandDef(id).appMenu;
    if (!a) return [];
    const where = platform === 'mac' && a.macMenu ? a.macMenu : a;
    return where.menu === menu ? [{ id, group: where.group }] : [];
  });
  return withSeparators(placed);
}

/** The commands of a context menu, in groups. */
export function contextMenuRows(menu: ContextMenuId): MenuRows {
  const placed = COMMAND_IDS.flatMap((id) => {
    const d = commandDef(id);
    return d.contextMenus?.includes(menu) ? [{ id, group: d.contextGroup ?? 0 }] : [];
  });
  return withSeparators(placed);
}

/** The commands of a toolbar, in catalog order. */
export function toolbarCommands(toolbar: ToolbarId): CommandId[] {
  return COMMAND_IDS.filter((id) => commandDef(id).toolbar === toolbar);
}

/** The label of a command in one place (its own wording there, else its label). */
export function labelIn(id: CommandId, place: ContextMenuId | ToolbarId): string {
  const d = commandDef(id);
  return d.labels?.[place] ?? d.label;
}

function withSeparators(placed: Array<{ id: CommandId; group: number }>): MenuRows {
  const sorted = [...placed].sort((a, b) => a.group - b.group);
  const rows: MenuRows = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p.group !== sorted[i - 1]!.group) rows.push(null);
    rows.push(p.id);
  });
  return rows;
}
