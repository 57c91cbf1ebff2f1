import { app, Menu, nativeImage, Tray, type BrowserWindow, type NativeImage } from 'electron';
import { badgeBitmap, trayBitmap, type Bitmap } from './icons';
import type { ShellStrings } from './strings';

/**
 * The tray icon and the waiting-count badge (R-DT-02). macOS and Linux (Unity/KDE launchers) take
 * `app.setBadgeCount`; Windows has no app badge, so every window's taskbar button gets an overlay
 * icon with the count instead. The tray tooltip (and the macOS menu-bar title) shows it too.
 */
export interface TrayOptions {
  strings: () => ShellStrings;
  onOpen: () => void;
  onQuit: () => void;
  windows: () => BrowserWindow[];
  platform?: NodeJS.Platform;
}

export interface AppTray {
  setWaitingCount(count: number): void;
  /** Re-applies the badge, e.g. on a window that has just opened. */
  refresh(): void;
  destroy(): void;
}

/** One image with 1x and 2x representations, so it is sharp on HiDPI screens. */
export function imageFrom(draw: (size: number) => Bitmap, size: number): NativeImage {
  const image = nativeImage.createEmpty();
  for (const scaleFactor of [1, 2]) {
    const bitmap = draw(size * scaleFactor);
    image.addRepresentation({ scaleFactor, width: bitmap.width, height: bitmap.height, buffer: bitmap.data });
  }
  return image;
}

export function createTray(options: TrayOptions): AppTray {
  const platform = options.platform ?? process.platform;
  const mac = platform === 'darwin';
  const icon = imageFrom((size) => trayBitmap(size, mac), 16);
  if (mac) icon.setTemplateImage(true);
  const tray = new Tray(icon);
  let count = 0;

  const applyMenu = (): void => {
    const strings = options.strings();
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: strings.open, click: options.onOpen },
        { type: 'separator' },
        { label: strings.quit, click: options.onQuit },
      ]),
    );
  };

  const apply = (): void => {
    const strings = options.strings();
    const waiting = count > 0 ? strings.waiting(count) : '';
    tray.setToolTip(waiting ? `Atende — ${waiting}` : 'Atende');
    if (mac) tray.setTitle(count > 0 ? String(count) : '');
    if (platform === 'win32') {
      const overlay = count > 0 ? imageFrom((size) => badgeBitmap(count, size), 16) : null;
      for (const window of options.windows()) if (!window.isDestroyed()) window.setOverlayIcon(overlay, waiting);
    } else {
      app.setBadgeCount(count);
    }
  };

  applyMenu();
  apply();
  // Windows: a click on the tray icon opens the app; elsewhere the click opens the menu.
  tray.on('click', () => {
    if (!mac) options.onOpen();
  });

  return {
    setWaitingCount(next) {
      count = Math.max(0, Math.floor(next));
      apply();
    },
    refresh() {
      applyMenu();
      apply();
    },
    destroy: () => tray.destroy(),
  };
}
