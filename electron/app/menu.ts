// The application menu, built from the command catalog (electron/ipc/commands.ts) plus the usual
// platform roles. Skiff's items go to the renderer as `app:menu` events. Their accelerators are
// shown but not registered (registerAccelerator: false): the renderer handles every key itself, so
// F2 or Delete still work in text fields and no command fires twice.
import type * as ElectronNs from 'electron';
import { appMenuRows, chordsOf, commandDef, menuAccelerator, titleCase, type AppMenuId, type CommandId, type Platform } from '../ipc/commands';

type Item = ElectronNs.MenuItemConstructorOptions;

/** Builds the menu template; `send` forwards a command to the renderer. */
export function buildMenuTemplate(send: (command: CommandId) => void, opts: { isMac: boolean; devTools: boolean }): Item[] {
  const platform: Platform = opts.isMac ? 'mac' : 'other';
  const items = (menu: AppMenuId): Item[] =>
    appMenuRows(menu, platform).map((id) => {
      if (id === null) return { type: 'separator' };
      const chord = chordsOf(id, platform)[0];
      const accelerator = chord ? menuAccelerator(chord, platform) : undefined;
      return { id, label: titleCase(commandDef(id).label), click: () => send(id), ...(accelerator ? { accelerator, registerAccelerator: false } : {}) };
    });
  const sep: Item = { type: 'separator' };

  const appMenu: Item = {
    role: 'appMenu',
    submenu: [...items('app'), sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }],
  };
  const file: Item = { label: 'File', submenu: [...items('file'), sep, opts.isMac ? { role: 'close' } : { role: 'quit' }] };
  const view: Item = {
    label: 'View',
    submenu: [
      ...items('view'),
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
      ...(opts.devTools ? [sep, { role: 'toggleDevTools' } as Item] : []),
    ],
  };
  const go: Item = { label: 'Go', submenu: items('go') };
  const help: Item = { role: 'help', submenu: items('help') };
  return [...(opts.isMac ? [appMenu] : []), file, { role: 'editMenu' }, view, go, { role: 'windowMenu' }, help];
}
