import { screen, type BrowserWindow } from 'electron';
import { SUPERVISOR_BOARDS, type DesktopEvent, type DesktopEvents, type SupervisorBoard } from '@atende/protocol';
import { z } from 'zod';
import { missingCaseError } from './errors';
import { sendEvent } from './ipc';
import { readJsonSync, writeFileAtomicSync } from './jsonFile';
import { APP_ENTRY_URL } from './origin';
import { createHardenedWindow } from './security';
import { placeWindow } from './windowBounds';

/**
 * The app's windows (R-DT-03): the agent's main window, supervisor boards and popped-out
 * conversations. Bounds are remembered per kind; the pop-outs open at quit are reopened at the
 * next start. Routes are the renderer's hashes (`renderer/src/desktop/windows.ts`).
 */
export type WindowSpec =
  | { kind: 'main' }
  | { kind: 'supervisor'; board: SupervisorBoard }
  | { kind: 'conversation'; id: string };
export type WindowKind = WindowSpec['kind'];
export type PopOutSpec = Exclude<WindowSpec, { kind: 'main' }>;

const PopOut = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('supervisor'), board: z.enum(SUPERVISOR_BOARDS) }),
  z.object({ kind: z.literal('conversation'), id: z.string().regex(/^conversation:[A-Za-z0-9_.@-]{1,90}$/) }),
]);
const StateFile = z.object({
  bounds: z.record(z.string(), z.unknown()).catch({}),
  open: z.array(z.unknown()).catch([]),
});

interface WindowsState {
  /** Validated when used (`placeWindow`), so a bad entry only costs that kind its position. */
  bounds: Partial<Record<WindowKind, unknown>>;
  open: PopOutSpec[];
}

const SIZES: Record<WindowKind, { width: number; height: number; minWidth: number; minHeight: number }> = {
  main: { width: 1280, height: 800, minWidth: 900, minHeight: 600 },
  supervisor: { width: 1100, height: 720, minWidth: 700, minHeight: 480 },
  conversation: { width: 720, height: 820, minWidth: 420, minHeight: 480 },
};
const CASCADE = 24;

export function windowKey(spec: WindowSpec): string {
  switch (spec.kind) {
    case 'main':
      return 'main';
    case 'supervisor':
      return `supervisor:${spec.board}`;
    case 'conversation':
      return `conversation:${spec.id}`;
    default:
      throw missingCaseError(spec);
  }
}

export function windowUrl(spec: WindowSpec): string {
  switch (spec.kind) {
    case 'main':
      return APP_ENTRY_URL;
    case 'supervisor':
      return `${APP_ENTRY_URL}#/supervisor/${spec.board}`;
    case 'conversation':
      return `${APP_ENTRY_URL}#/conversation/${encodeURIComponent(spec.id)}`;
    default:
      throw missingCaseError(spec);
  }
}

/** Reads the state file; anything unreadable or invalid simply means "nothing remembered". */
export function loadWindowsState(file: string): WindowsState {
  const read = readJsonSync(file);
  const parsed = StateFile.safeParse(read.kind === 'ok' ? read.value : {});
  const state = parsed.success ? parsed.data : { bounds: {}, open: [] };
  const open = state.open.flatMap((entry) => {
    const spec = PopOut.safeParse(entry);
    return spec.success ? [spec.data] : [];
  });
  return { bounds: state.bounds, open };
}

export interface WindowManagerOptions {
  stateFile: string;
  preload: string;
}

export interface WindowManager {
  /** Opens the window, or brings back the one already showing the same thing. */
  open(spec: WindowSpec): BrowserWindow;
  /** Shows, restores and focuses the main window (creating it if needed). */
  showMain(): BrowserWindow;
  /** Reopens the supervisor boards and conversations that were open at the last quit. */
  restorePopOuts(): void;
  all(): BrowserWindow[];
  /** Delivers an event once the window's page has loaded (its listeners exist by then). */
  send<E extends DesktopEvent>(target: 'main' | 'all', event: E, payload: DesktopEvents[E]): void;
  /** From here on closing windows is quitting: the main window closes and the pop-outs stay listed. */
  prepareToQuit(): void;
}

export function createWindowManager(options: WindowManagerOptions): WindowManager {
  const state = loadWindowsState(options.stateFile);
  const windows = new Map<string, BrowserWindow>();
  const windowKindOf = new WeakMap<BrowserWindow, WindowKind>();
  let quitting = false;

  const persist = (): void => {
    try {
      writeFileAtomicSync(options.stateFile, JSON.stringify(state));
    } catch (error) {
      // Losing window positions is not worth interrupting the agent for.
      console.warn('Could not save window state:', error instanceof Error ? error.message : error);
    }
  };

  const rememberBounds = (kind: WindowKind, window: BrowserWindow): void => {
    const bounds = window.getNormalBounds();
    state.bounds[kind] = { ...bounds, displayId: screen.getDisplayMatching(bounds).id, maximized: window.isMaximized() };
    persist();
  };

  const reveal = (window: BrowserWindow): BrowserWindow => {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return window;
  };

  const deliver = <E extends DesktopEvent>(window: BrowserWindow, event: E, payload: DesktopEvents[E]): void => {
    if (window.isDestroyed()) return;
    const contents = window.webContents;
    if (contents.isLoading()) contents.once('did-finish-load', () => sendEvent(contents, event, payload));
    else sendEvent(contents, event, payload);
  };

  const live = (key: string): BrowserWindow | undefined => {
    const window = windows.get(key);
    return window && !window.isDestroyed() ? window : undefined;
  };

  const open = (spec: WindowSpec): BrowserWindow => {
    const key = windowKey(spec);
    const existing = live(key);
    if (existing) return reveal(existing);

    const size = SIZES[spec.kind];
    const placement = placeWindow(state.bounds[spec.kind], size, screen.getAllDisplays(), screen.getPrimaryDisplay());
    // A second window of the same kind would sit exactly on the first: shift it down-right.
    const sameKind = [...windows.values()].filter((w) => !w.isDestroyed() && windowKindOf.get(w) === spec.kind).length;
    const window = createHardenedWindow(
      {
        x: placement.x + sameKind * CASCADE,
        y: placement.y + sameKind * CASCADE,
        width: placement.width,
        height: placement.height,
        minWidth: size.minWidth,
        minHeight: size.minHeight,
        title: 'Atende',
        show: false,
        autoHideMenuBar: true,
      },
      options.preload,
    );
    windowKindOf.set(window, spec.kind);
    windows.set(key, window);
    if (placement.maximized) window.maximize();
    window.once('ready-to-show', () => window.show());
    window.on('close', (event) => {
      rememberBounds(spec.kind, window);
      // The main window hides to the tray, so notifications and the badge keep working.
      if (spec.kind === 'main' && !quitting) {
        event.preventDefault();
        window.hide();
      }
    });
    window.on('closed', () => {
      windows.delete(key);
      if (spec.kind !== 'main' && !quitting) {
        state.open = state.open.filter((entry) => windowKey(entry) !== key);
        persist();
      }
    });
    if (spec.kind !== 'main' && !state.open.some((entry) => windowKey(entry) === key)) {
      state.open.push(spec);
      persist();
    }
    window.loadURL(windowUrl(spec)).catch((error: unknown) => {
      console.warn(`Could not load ${key}:`, error instanceof Error ? error.message : error);
    });
    return window;
  };
  return {
    open,
    showMain() {
      const existing = live('main');
      return existing ? reveal(existing) : open({ kind: 'main' });
    },
    restorePopOuts() {
      for (const spec of [...state.open]) open(spec);
    },
    all: () => [...windows.values()].filter((w) => !w.isDestroyed()),
    send(target, event, payload) {
      const targets = target === 'main' ? [live('main')] : [...windows.values()];
      for (const window of targets) if (window) deliver(window, event, payload);
    },
    prepareToQuit() {
      quitting = true;
    },
  };
}
