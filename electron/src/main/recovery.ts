import { app, dialog, type BrowserWindow, type RenderProcessGoneDetails } from 'electron';
import type { RecoveryNotice } from '@atende/protocol';
import type { ShellStrings } from './strings';

/**
 * Brings a window back when its page dies or hangs (issue 17 point 5). The app keeps its data in
 * the local store, so reloading loses nothing the agent typed and sent; the reloaded page asks
 * once (`atende:recovery-notice`) and tells the agent why the window blinked. A page that keeps
 * crashing is not reloaded forever: after CRASH_LIMIT crashes within CRASH_PERIOD_MS the window
 * stays as it is and a dialog says so, with a way to try again or quit.
 */
export const CRASH_LIMIT = 3;
export const CRASH_PERIOD_MS = 60_000;

export interface RecoveryOptions {
  strings: () => ShellStrings;
  now?: () => number;
}

export interface Recovery {
  /** Watches a window for crashes and hangs; called for every app window as it is created. */
  watch(window: BrowserWindow): void;
  /** The notice for the page of these web contents, once; null when nothing happened. */
  takeNotice(webContentsId: number): RecoveryNotice | null;
}

export function createRecovery(options: RecoveryOptions): Recovery {
  const now = options.now ?? Date.now;
  const notices = new Map<number, RecoveryNotice>();

  const watch = (window: BrowserWindow): void => {
    const contents = window.webContents;
    const id = contents.id;
    let crashes: number[] = [];
    /** Set while we kill a hung page ourselves: that 'render-process-gone' is not a crash. */
    let killedByUs = false;
    let pendingDecision: AbortController | undefined;

    const reload = (reason: RecoveryNotice['reason']): void => {
      if (window.isDestroyed()) return;
      notices.set(id, { reason, at: now() });
      contents.reload();
    };

    const giveUp = async (): Promise<void> => {
      const text = options.strings();
      const { response } = await dialog.showMessageBox(window, {
        type: 'error',
        title: 'Atende',
        message: text.crashLoopTitle,
        detail: text.crashLoopMessage,
        buttons: [text.tryAgain, text.quit],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      if (response === 0) {
        crashes = [];
        reload('crashed');
      } else {
        app.quit();
      }
    };

    contents.on('render-process-gone', (_event, details: RenderProcessGoneDetails) => {
      pendingDecision?.abort();
      if (killedByUs) {
        // The reload that follows our own kill is already under way (see askAboutHang).
        killedByUs = false;
        return;
      }
      if (details.reason === 'clean-exit' || window.isDestroyed()) return;
      const at = now();
      crashes = [...crashes.filter((time) => at - time < CRASH_PERIOD_MS), at];
      console.warn(`Window page gone (${details.reason}, exit code ${details.exitCode}); crash ${crashes.length} within a minute`);
      if (crashes.length >= CRASH_LIMIT) {
        giveUp().catch((error: unknown) => console.warn('Crash dialog failed:', error instanceof Error ? error.message : error));
        return;
      }
      reload('crashed');
    });

    const askAboutHang = async (decision: AbortController): Promise<void> => {
      const text = options.strings();
      const { response } = await dialog.showMessageBox(window, {
        type: 'warning',
        title: 'Atende',
        message: text.unresponsiveTitle,
        detail: text.unresponsiveMessage,
        buttons: [text.wait, text.reload],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
        // The page came back by itself ('responsive'): the question closes unanswered.
        signal: decision.signal,
      });
      if (pendingDecision === decision) pendingDecision = undefined;
      if (decision.signal.aborted || response !== 1 || window.isDestroyed()) return;
      // A hung page cannot run the reload itself; Electron's advice is to kill its process first.
      killedByUs = true;
      contents.forcefullyCrashRenderer();
      reload('unresponsive');
    };

    window.on('unresponsive', () => {
      if (pendingDecision) return;
      const decision = new AbortController();
      pendingDecision = decision;
      askAboutHang(decision).catch((error: unknown) => {
        if (pendingDecision === decision) pendingDecision = undefined;
        console.warn('Unresponsive dialog failed:', error instanceof Error ? error.message : error);
      });
    });
    window.on('responsive', () => pendingDecision?.abort());
    window.on('closed', () => {
      pendingDecision?.abort();
      notices.delete(id);
    });
  };

  return {
    watch,
    takeNotice(webContentsId) {
      const notice = notices.get(webContentsId) ?? null;
      notices.delete(webContentsId);
      return notice;
    },
  };
}
