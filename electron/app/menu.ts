// The application menu: the usual platform menus (roles) plus Skiff's commands, which go to
// the renderer as `app:menu` events. Keys the panes handle themselves (F2, F7, Delete, Tab,
// Enter, Backspace) are NOT menu accelerators: accelerators would swallow them in text fields.
import type * as ElectronNs from 'electron';
import type { MenuCommand } from '../ipc/contract';

type Item = ElectronNs.MenuItemConstructorOptions;

/** Builds the menu template; `send` forwards a command to the renderer. */
export function buildMenuTemplate(send: (command: MenuCommand) => void, opts: { isMac: boolean; devTools: boolean }): Item[] {
  const cmd = (label: string, command: MenuCommand, accelerator?: string): Item => ({ label, click: () => send(command), ...(accelerator ? { accelerator } : {}) });
  const file: Item = {
    label: 'File',
    submenu: [
      cmd('Quick Connect…', 'quick-connect', 'CmdOrCtrl+K'),
      cmd('Disconnect', 'disconnect', 'CmdOrCtrl+Shift+D'),
      { type: 'separator' },
      cmd('New Folder (F7)', 'new-folder'),
      cmd('Rename (F2)', 'rename'),
      cmd('Delete (Del)', 'delete'),
      cmd('Copy to Other Pane (F5)', 'copy-to-other-pane'),
      cmd('Find on Server…', 'find', 'CmdOrCtrl+Shift+F'),
      { type: 'separator' },
      cmd('Settings…', 'settings', 'CmdOrCtrl+,'),
      { type: 'separator' },
      opts.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: Item = {
    label: 'View',
    submenu: [
      cmd('Refresh', 'refresh', 'CmdOrCtrl+R'),
      cmd('Show Hidden Files', 'toggle-hidden', 'CmdOrCtrl+Shift+.'),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(opts.devTools ? [{ type: 'separator' } as Item, { role: 'toggleDevTools' } as Item] : []),
    ],
  };
  const help: Item = { role: 'help', submenu: [cmd('About Skiff', 'about')] };
  return [
    ...(opts.isMac ? [{ role: 'appMenu' } as Item] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    help,
  ];
}
