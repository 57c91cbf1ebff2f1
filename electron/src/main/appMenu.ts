import { Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * The application menu of packaged builds: editing and window roles only. Electron's default
 * menu also offers Reload and Developer Tools (with their shortcuts), which an installed
 * workstation has no use for; development runs keep the default.
 */
export function menuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const edit: MenuItemConstructorOptions = {
    role: 'editMenu',
    submenu: [
      { role: 'undo' }, { role: 'redo' }, { type: 'separator' },
      { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' },
    ],
  };
  const window: MenuItemConstructorOptions = { role: 'windowMenu', submenu: [{ role: 'minimize' }, { role: 'close' }] };
  if (platform !== 'darwin') return [edit, window];
  // macOS needs an application menu for Quit/Hide and for copy/paste shortcuts to work at all.
  const appMenu: MenuItemConstructorOptions = {
    role: 'appMenu',
    submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
  };
  return [appMenu, edit, window];
}

export function installAppMenu(platform: NodeJS.Platform): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(platform)));
}
