import type { AtendeBridge } from '@atende/protocol';
import { findBridge } from './bridge';

/** The pieces of a browser window the desktop module uses, so tests can pass small fakes. */
export interface NotificationLike {
  onclick: ((event: Event) => unknown) | null;
}
export interface NotificationApi {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options?: NotificationOptions): NotificationLike;
}
export interface BadgeApi {
  setAppBadge?(contents?: number): Promise<void>;
  clearAppBadge?(): Promise<void>;
}

export interface DesktopEnv {
  bridge: AtendeBridge | undefined;
  location: { readonly origin: string; readonly href: string };
  /** Read at call time: tests and pages may replace `window.Notification`. */
  notification(): NotificationApi | undefined;
  badge(): BadgeApi | undefined;
  open(url: string, target: string, features: string): void;
  focus(): void;
}

/** The real window, with every optional API looked up only when used. */
export function browserEnv(win: Window): DesktopEnv {
  const scope = win as Window & { Notification?: NotificationApi };
  return {
    bridge: findBridge(win),
    location: win.location,
    notification: () => (typeof scope.Notification === 'function' ? scope.Notification : undefined),
    badge: () => win.navigator as BadgeApi,
    open: (url, target, features) => void win.open(url, target, features),
    focus: () => win.focus(),
  };
}

/** Badge counts the OS accepts: whole, not negative, bounded like the IPC schema. */
export function badgeValue(count: number): number {
  return Number.isFinite(count) ? Math.min(99_999, Math.max(0, Math.floor(count))) : 0;
}

/** Sets (or, at zero, clears) the app badge where the browser supports it; otherwise nothing. */
export async function webBadge(api: BadgeApi | undefined, count: number): Promise<void> {
  if (!api || typeof api.setAppBadge !== 'function') return;
  if (count === 0 && typeof api.clearAppBadge === 'function') await api.clearAppBadge();
  else await api.setAppBadge(count);
}
