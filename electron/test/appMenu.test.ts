import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

vi.mock('electron', () => ({ Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) } }));
const { menuTemplate } = await import('../src/main/appMenu');

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('packaged application menu (R-DT-01)', () => {
  it.each(['win32', 'linux', 'darwin'] as const)('R-DT-01 on %s offers no reload and no developer tools', (platform) => {
    const all = roles(menuTemplate(platform));
    for (const forbidden of ['reload', 'forceReload', 'toggleDevTools', 'viewMenu']) expect(all).not.toContain(forbidden);
    for (const needed of ['copy', 'paste', 'cut', 'selectAll', 'undo']) expect(all).toContain(needed);
  });

  it('R-DT-01 macOS keeps Quit in the application menu', () => {
    expect(roles(menuTemplate('darwin'))).toContain('quit');
  });
});
