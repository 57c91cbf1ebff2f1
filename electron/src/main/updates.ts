import type { UpdateStatus } from '@atende/protocol';
import type { AppUpdater } from 'electron-updater';

/**
 * Auto-update (R-DT-06) from a generic feed, by default the organisation's own sync server at
 * `<serverUrl>/updates/`, so no internet access is needed. IT can turn it off (`autoUpdate:false`).
 * Every failure (feed unreachable, bad signature, disk full) becomes an 'error' status shown to the
 * user; none escapes as an unhandled rejection.
 */
export type Updater = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'setFeedURL' | 'checkForUpdates' | 'on'>;

export interface UpdateSettings {
  autoUpdate: boolean;
  updateUrl: string;
}

export interface UpdatesOptions {
  /** Looked up only when updates are on: electron-updater's singleton inspects the installed app. */
  updater: () => Updater;
  /** electron-updater only works in an installed app; development runs report 'disabled'. */
  isPackaged: boolean;
  publish: (status: UpdateStatus) => void;
  intervalMs?: number;
}

export interface Updates {
  configure(settings: UpdateSettings): void;
  status(): UpdateStatus;
  stop(): void;
}

const SIX_HOURS = 6 * 60 * 60 * 1000;
const MAX_MESSAGE = 300;

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Feed errors may embed a whole HTML error page: the first line is the useful part.
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.length > MAX_MESSAGE ? `${firstLine.slice(0, MAX_MESSAGE)}…` : firstLine;
}

export function createUpdates(options: UpdatesOptions): Updates {
  let current: UpdateStatus = { state: 'idle' };
  let timer: ReturnType<typeof setInterval> | undefined;
  let updater: Updater | undefined;
  let feedUrl: string | undefined;
  let applied: UpdateSettings | undefined;

  const set = (status: UpdateStatus): void => {
    current = status;
    options.publish(status);
  };
  const fail = (error: unknown): void => set({ state: 'error', message: messageOf(error) });

  const listen = (target: Updater): void => {
    target.on('checking-for-update', () => set({ state: 'checking' }));
    target.on('update-available', (info) => set({ state: 'available', version: info.version }));
    target.on('update-not-available', (info) => set({ state: 'not-available', version: info.version }));
    target.on('download-progress', (progress) => set({ state: 'downloading', percent: Math.round(progress.percent) }));
    // Installed when the app quits (autoInstallOnAppQuit): never restart under an agent mid-conversation.
    target.on('update-downloaded', (info) => set({ state: 'downloaded', version: info.version }));
    target.on('error', fail);
  };

  const check = (): void => {
    if (!updater) return;
    let pending: ReturnType<Updater['checkForUpdates']>;
    try {
      pending = updater.checkForUpdates();
    } catch (error) {
      fail(error);
      return;
    }
    pending
      .then((result) => {
        // With autoDownload the download runs on after the check; its failure must be caught too.
        result?.downloadPromise?.catch(fail);
      })
      .catch(fail);
  };

  const stop = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  return {
    configure(settings) {
      // Called on every configuration change (e.g. the language): only update settings matter.
      if (applied?.autoUpdate === settings.autoUpdate && applied.updateUrl === settings.updateUrl) return;
      applied = { autoUpdate: settings.autoUpdate, updateUrl: settings.updateUrl };
      stop();
      if (!settings.autoUpdate) {
        set({ state: 'disabled', message: 'Updates are turned off by the configuration.' });
        return;
      }
      if (!options.isPackaged) {
        set({ state: 'disabled', message: 'Updates are only checked by the installed app.' });
        return;
      }
      try {
        if (!updater) {
          updater = options.updater();
          updater.autoDownload = true;
          updater.autoInstallOnAppQuit = true;
          listen(updater);
        }
        if (feedUrl !== settings.updateUrl) {
          updater.setFeedURL({ provider: 'generic', url: settings.updateUrl });
          feedUrl = settings.updateUrl;
        }
      } catch (error) {
        fail(error);
        return;
      }
      set({ state: 'idle' });
      check();
      timer = setInterval(check, options.intervalMs ?? SIX_HOURS);
      // The timer alone must not keep the process alive at quit.
      timer.unref?.();
    },
    status: () => current,
    stop,
  };
}
