import type { UpdateStatus } from '@atende/protocol';
import type { AppUpdater } from 'electron-updater';
import type { InstallKind } from './installKind';
import { signedFeedOptions } from './updateFeed';
import { isUpdateRefused } from './updateSignature';
import { checkRemoteUrl } from './urlPolicy';

/**
 * Auto-update (R-DT-06) from a generic feed, with the trust chain of issue 17: the feed address comes
 * only from the machine policy or the build (never the renderer or the user's file), must pass the
 * one URL rule (https; http only to this machine), and its metadata must be signed with the key built
 * into the app (updateFeed.ts verifies it before electron-updater reads it). Anything short of that
 * is 'refused' with the reason and nothing is fetched or downloaded. Every other failure (feed
 * unreachable, disk full) becomes an 'error' status; none escapes as an unhandled rejection.
 */
export type Updater = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'setFeedURL' | 'checkForUpdates' | 'on'>;

/** The update part of EffectiveConfig. */
export interface UpdateSettings {
  autoUpdate: boolean;
  /** From the machine policy or the build; undefined when neither names a feed. */
  updateUrl: string | undefined;
}

export interface UpdatesOptions {
  /** Looked up only when updates are on: electron-updater's singleton inspects the installed app. */
  updater: () => Updater;
  /** electron-updater only works in an installed app; development runs report 'disabled'. */
  isPackaged: boolean;
  /** UPDATE_PUBLIC_KEY (buildInfo.ts): without it no metadata can be trusted. */
  publicKey: string | undefined;
  /** readInstallKind(): an MSI install is updated by IT deploying a new MSI, never by the app. */
  installKind: InstallKind;
  publish: (status: UpdateStatus) => void;
  intervalMs?: number;
}

export interface Updates {
  configure(settings: UpdateSettings): void;
  status(): UpdateStatus;
  stop(): void;
}

const SIX_HOURS = 6 * 60 * 60 * 1000;

/**
 * Per-user installs read `latest-user.yml` (build/electron-builder.config.mjs PER_USER_CHANNEL), so
 * they never get the per-machine installer, which would ask for elevation; the others the default.
 */
export const PER_USER_UPDATE_CHANNEL = 'latest-user';
const MAX_MESSAGE = 300;

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Feed errors may embed a whole HTML error page: the first line is the useful part.
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.length > MAX_MESSAGE ? `${firstLine.slice(0, MAX_MESSAGE)}…` : firstLine;
}

/** The trusted feed to use, or the status saying why updates cannot run with these settings. */
type FeedVerdict = { feed: { url: string; publicKey: string } } | { blocked: UpdateStatus };

function trustedFeed(settings: UpdateSettings, options: UpdatesOptions): FeedVerdict {
  const blocked = (state: 'disabled' | 'refused', message: string): FeedVerdict => ({ blocked: { state, message } });
  if (!settings.autoUpdate) return blocked('disabled', 'Updates are turned off by the configuration.');
  if (options.installKind === 'msi') return blocked('disabled', 'This copy was installed from an MSI package: IT deploys new versions with a new MSI.');
  if (!options.isPackaged) return blocked('disabled', 'Updates are only checked by the installed app.');
  const url = settings.updateUrl;
  if (url === undefined) return blocked('disabled', 'No update feed is configured: IT sets updateUrl in the machine policy, or the build names one.');
  const verdict = checkRemoteUrl(url);
  if (!verdict.ok) return blocked('refused', `The update feed was refused: ${verdict.reason}.`);
  const publicKey = options.publicKey;
  if (publicKey === undefined) return blocked('refused', 'This build has no update key, so no update can be verified: updates are refused.');
  return { feed: { url, publicKey } };
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
  const fail = (error: unknown): void => set({ state: isUpdateRefused(error) ? 'refused' : 'error', message: messageOf(error) });

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
      const verdict = trustedFeed(settings, options);
      if ('blocked' in verdict) {
        set(verdict.blocked);
        return;
      }
      const { url, publicKey } = verdict.feed;
      try {
        if (!updater) {
          updater = options.updater();
          updater.autoDownload = true;
          updater.autoInstallOnAppQuit = true;
          listen(updater);
        }
        if (feedUrl !== url) {
          updater.setFeedURL(signedFeedOptions(url, publicKey, options.installKind === 'nsis-per-user' ? PER_USER_UPDATE_CHANNEL : undefined));
          feedUrl = url;
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
