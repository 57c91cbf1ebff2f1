import { powerMonitor, type BrowserWindow } from 'electron';
import type { DesktopEvents } from '@atende/protocol';

/**
 * The OS's power and session events (issue 17 point 5, R-NET-02).
 *
 * - `resume` and `unlock-screen`: the socket from before may be dead without knowing it, and the
 *   renderer's back-off may have grown while the network was gone; every window is told at once
 *   (`atende:resumed`) so it reconnects now instead of after the next retry or the silence limit.
 * - `suspend`: nothing. The local store writes as it goes and the outbox keeps what was not sent,
 *   so there is nothing to flush; anything slow done here could be cut off by the OS mid-way.
 * - Windows session end (log-off, restart, shutdown): Electron does not emit `before-quit` then, and
 *   once `session-end` fires the session cannot be held back, so the window state is saved and the
 *   app quits at once, as it would from the tray's Quit. Linux/macOS `shutdown` is handled alike.
 */
export interface PowerOptions {
  /** Delivers the event to every window (the window manager's `send('all', …)`). */
  broadcast(payload: DesktopEvents['atende:resumed']): void;
  now?: () => number;
}

export function watchPower(options: PowerOptions): void {
  const now = options.now ?? Date.now;
  const resumed = (): void => options.broadcast({ at: now() });
  powerMonitor.on('resume', resumed);
  powerMonitor.on('unlock-screen', resumed);
}

export interface SessionEndOptions {
  /** The window manager's: from here on closing the main window is quitting, not hiding to the tray. */
  prepareToQuit(): void;
  windows(): BrowserWindow[];
  quit(): void;
}

/**
 * Returns the per-window hook: every window receives `session-end` (Windows), the first one ends
 * the app. Linux and macOS announce a shutdown through powerMonitor's `shutdown` instead.
 */
export function sessionEndHandler(options: SessionEndOptions): (window: BrowserWindow) => void {
  let ending = false;
  const end = (): void => {
    if (ending) return;
    ending = true;
    options.prepareToQuit();
    // Closing saves each window's bounds synchronously (windows.ts), and the pop-outs stay listed
    // for the next start because the manager knows it is quitting.
    for (const window of options.windows()) if (!window.isDestroyed()) window.close();
    options.quit();
  };
  powerMonitor.on('shutdown', end);
  return (window) => {
    window.on('session-end', end);
  };
}
