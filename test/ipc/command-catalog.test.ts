// The command catalog on its own: no key does two things where both could fire, every command can
// be reached, and keys are matched, shown and turned into menu accelerators the same way everywhere.
// (test/renderer/command-walk.test.tsx presses every key and picks every menu item in the app.)
import { describe, expect, it } from 'vitest';
import {
  COMMAND_IDS,
  LIST_KEYS,
  appMenuRows,
  chordsOf,
  commandDef,
  commandForKey,
  contextMenuRows,
  formatChord,
  matchesChord,
  menuAccelerator,
  parseChord,
  shortcutOf,
  titleCase,
  type Chord,
  type CommandScope,
  type Platform,
} from '../../electron/ipc/commands';

const PLATFORMS: Platform[] = ['other', 'mac'];
/** Scopes whose keys can both be live at once: global keys work everywhere. */
const overlap = (a: CommandScope, b: CommandScope): boolean => a === b || a === 'global' || b === 'global';
const same = (a: Chord, b: Chord): boolean => a.key === b.key && a.mod === b.mod && a.ctrl === b.ctrl && a.alt === b.alt && a.shift === b.shift;
const press = (c: Chord, platform: Platform) => ({
  key: c.key,
  ctrlKey: c.ctrl || (c.mod && platform !== 'mac'),
  metaKey: c.mod && platform === 'mac',
  altKey: c.alt,
  shiftKey: c.shift,
});

describe('the command catalog', () => {
  it('no two commands share a key where both could fire, on either platform', () => {
    for (const platform of PLATFORMS) {
      const clashes: string[] = [];
      for (const a of COMMAND_IDS)
        for (const b of COMMAND_IDS) {
          if (a >= b || !overlap(commandDef(a).scope, commandDef(b).scope)) continue;
          for (const ca of chordsOf(a, platform))
            for (const cb of chordsOf(b, platform)) if (same(ca, cb)) clashes.push(`${a} / ${b}: ${formatChord(ca, platform)}`);
        }
      // The grid's own movement keys are taken too.
      for (const id of COMMAND_IDS)
        for (const c of chordsOf(id, platform))
          if (commandDef(id).scope !== 'saved-server' && !c.mod && !c.ctrl && !c.alt && LIST_KEYS.some((l) => l.keys.includes(c.key)))
            clashes.push(`${id}: ${c.key} moves the cursor`);
      expect(clashes, platform).toEqual([]);
    }
  });

  it('every key is found again from a key press, and only in its scope', () => {
    for (const platform of PLATFORMS)
      for (const id of COMMAND_IDS)
        for (const c of chordsOf(id, platform)) {
          const scope = commandDef(id).scope;
          expect(commandForKey(press(c, platform), [scope], platform), `${id} ${formatChord(c, platform)} on ${platform}`).toBe(id);
          const elsewhere = (['global', 'pane', 'saved-server'] as const).filter((s) => !overlap(s, scope));
          expect(commandForKey(press(c, platform), elsewhere, platform)).not.toBe(id);
        }
  });

  it('global keys leave typing alone: each has a modifier or is a function key', () => {
    for (const platform of PLATFORMS)
      for (const id of COMMAND_IDS.filter((i) => commandDef(i).scope === 'global'))
        for (const c of chordsOf(id, platform)) expect(c.mod || c.ctrl || c.alt || /^F\d+$/.test(c.key), `${id} ${formatChord(c, platform)}`).toBe(true);
  });

  it('every command can be reached: a menu, a context menu, a toolbar or a key', () => {
    for (const id of COMMAND_IDS) {
      const d = commandDef(id);
      expect(Boolean(d.appMenu || d.contextMenus?.length || d.toolbar || d.keys?.length), id).toBe(true);
    }
    const inMenus = new Set([
      ...(['app', 'file', 'view', 'go', 'help'] as const).flatMap((m) => [...appMenuRows(m, 'mac'), ...appMenuRows(m, 'other')]),
      ...(['local-pane', 'remote-pane', 'saved-server'] as const).flatMap(contextMenuRows),
    ]);
    for (const id of COMMAND_IDS) if (commandDef(id).appMenu || commandDef(id).contextMenus) expect(inMenus.has(id), id).toBe(true);
    // macOS's application menu exists only there: elsewhere its items stay in their own menus.
    expect(appMenuRows('app', 'other')).toEqual([]);
    expect(appMenuRows('app', 'mac')).toEqual(['about', null, 'settings']);
    expect(appMenuRows('help', 'other')).toEqual(['keyboard-shortcuts', null, 'about']);
  });

  it('menus are grouped with one separator between groups and none at the ends', () => {
    for (const rows of [
      ...(['file', 'view', 'go', 'help'] as const).map((m) => appMenuRows(m, 'other')),
      contextMenuRows('remote-pane'),
      contextMenuRows('saved-server'),
    ]) {
      expect(rows[0]).not.toBeNull();
      expect(rows.at(-1)).not.toBeNull();
      rows.forEach((r, i) => (r === null ? expect(rows[i + 1]).not.toBeNull() : undefined));
    }
    expect(contextMenuRows('remote-pane')).toEqual([
      'copy-to-other',
      'edit',
      null,
      'new-folder',
      'rename',
      'delete',
      'symlink',
      null,
      'copy-path',
      'properties',
      null,
      'find',
      'server-info',
      null,
      'refresh',
    ]);
  });
});

describe('keys', () => {
  it('parses chords; Mod is ⌘ on macOS and Ctrl elsewhere', () => {
    expect(parseChord('Mod+Shift+F')).toEqual({ key: 'f', mod: true, ctrl: false, alt: false, shift: true });
    expect(parseChord('Alt+Enter')).toEqual({ key: 'Enter', mod: false, ctrl: false, alt: true, shift: false });
    expect(parseChord('Mod+,')).toMatchObject({ key: ',', mod: true });
    const f = parseChord('Mod+F');
    expect(matchesChord(f, { key: 'f', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false }, 'other')).toBe(true);
    expect(matchesChord(f, { key: 'F', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false }, 'other')).toBe(true);
    expect(matchesChord(f, { key: 'f', ctrlKey: false, metaKey: true, altKey: false, shiftKey: false }, 'other')).toBe(false);
    expect(matchesChord(f, { key: 'f', ctrlKey: false, metaKey: true, altKey: false, shiftKey: false }, 'mac')).toBe(true);
    expect(matchesChord(f, { key: 'f', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false }, 'mac')).toBe(false);
    expect(matchesChord(f, { key: 'f', ctrlKey: true, metaKey: false, altKey: false, shiftKey: true }, 'other')).toBe(false);
  });

  it('a punctuation key matches the character typed (Shift may be needed for it) or the key it sits on', () => {
    const slash = parseChord('Mod+/');
    // "/" is Shift+7 on a German keyboard.
    expect(matchesChord(slash, { key: '/', code: 'Digit7', ctrlKey: true, metaKey: false, altKey: false, shiftKey: true }, 'other')).toBe(true);
    // ⌘⇧. arrives as ">" on a US keyboard: the key it sits on is Period.
    expect(matchesChord(parseChord('Mod+Shift+.'), { key: '>', code: 'Period', ctrlKey: false, metaKey: true, altKey: false, shiftKey: true }, 'mac')).toBe(
      true,
    );
    expect(matchesChord(parseChord('Mod+Shift+.'), { key: '.', code: 'Period', ctrlKey: false, metaKey: true, altKey: false, shiftKey: false }, 'mac')).toBe(
      false,
    );
    // A letter's key position on another layout still matches by the letter typed.
    expect(matchesChord(parseChord('Mod+A'), { key: 'a', code: 'KeyQ', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false }, 'other')).toBe(true);
  });

  it('shows keys the platform way and makes menu accelerators of them', () => {
    expect(shortcutOf('find', 'other')).toBe('Ctrl+F');
    expect(shortcutOf('find', 'mac')).toBe('⌘F');
    expect(shortcutOf('disconnect', 'mac')).toBe('⇧⌘D');
    expect(shortcutOf('delete', 'other')).toBe('Del');
    expect(shortcutOf('properties', 'other')).toBe('Alt+Enter');
    expect(shortcutOf('toggle-hidden', 'other')).toBe('Ctrl+H');
    expect(shortcutOf('toggle-hidden', 'mac')).toBe('⇧⌘.');
    expect(shortcutOf('about', 'other')).toBeUndefined();
    expect(menuAccelerator(parseChord('Mod+Shift+D'), 'other')).toBe('CmdOrCtrl+Shift+D');
    expect(menuAccelerator(parseChord('Alt+ArrowLeft'), 'other')).toBe('Alt+Left');
    expect(menuAccelerator(parseChord('F2'), 'mac')).toBe('F2');
    expect(menuAccelerator(parseChord('Backspace'), 'mac')).toBeUndefined();
    expect(menuAccelerator(parseChord('ContextMenu'), 'other')).toBeUndefined();
    expect(titleCase('Find on server…')).toBe('Find on Server…');
    expect(titleCase('Copy to other pane')).toBe('Copy to Other Pane');
  });
});
