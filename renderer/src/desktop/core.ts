import type {
  AtendeBridge, DeepLinkTarget, EffectiveConfig, NotifyRequest, SupervisorBoard, UpdateState, UpdateStatus,
} from '@atende/protocol';
import { asDeepLinkTarget } from './bridge';
import { bridgeVault, type TokenVault } from './tokenVault';
import { badgeValue, webBadge, type DesktopEnv } from './web';
import { WINDOW_FEATURES, windowName, windowUrl, type WindowRoute } from './windows';

/**
 * Every desktop feature the app uses, in one place (issue 4 point 3, R-DT-07): through the
 * preload's `window.atende` in the desktop shell, through web APIs in a browser, and a quiet
 * no-op where neither exists. Nothing here throws into the UI: a failing OS call is dropped.
 */
export interface Desktop {
  /** True inside the desktop shell (the bridge is present). */
  readonly isDesktop: boolean;
  /** Reads the machine configuration once, before anything talks to the server. */
  init(): Promise<void>;
  serverUrl(): string;
  config(): EffectiveConfig;
  notify(request: NotifyRequest): void;
  /** Browsers ask the user once; the desktop shell needs no permission. */
  requestNotificationPermission(): void;
  setBadgeCount(count: number): void;
  openSupervisorWindow(board: SupervisorBoard): void;
  openConversationWindow(conversationId: string): void;
  /** Where the refresh token is kept; undefined in a browser (it stays with the session). */
  readonly tokenVault: TokenVault | undefined;
  /** Deep links and notification clicks; events that come before a listener wait for it. */
  onNavigate(listener: (target: DeepLinkTarget) => void): () => void;
  getVersion(): Promise<string | undefined>;
  getUpdateStatus(): Promise<UpdateStatus>;
  /** Each new status of the shell's auto-update (issue 17); never called in a browser. */
  onUpdateStatus(listener: (status: UpdateStatus) => void): () => void;
}

const ignore = (): void => undefined;

const UPDATE_STATES: ReadonlySet<string> = new Set<UpdateState>([
  'disabled', 'idle', 'checking', 'available', 'not-available', 'downloading', 'downloaded', 'refused', 'error',
]);

/** A status from the main process, checked before it reaches the UI; anything else is dropped. */
export function asUpdateStatus(value: unknown): UpdateStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { state, version, percent, message } = value as Record<string, unknown>;
  if (typeof state !== 'string' || !UPDATE_STATES.has(state)) return undefined;
  return {
    state: state as UpdateState,
    ...(typeof version === 'string' ? { version: version.slice(0, 100) } : {}),
    ...(typeof percent === 'number' && Number.isFinite(percent) ? { percent } : {}),
    ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
  };
}

/** Within the bounds the shell validates (protocol `NotifyRequest`), so a long preview still shows. */
export function notifyRequest(alert: NotifyRequest): NotifyRequest {
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  return {
    title: clip(alert.title || 'Atende', 200),
    body: clip(alert.body, 1000),
    ...(alert.conversationId ? { conversationId: alert.conversationId } : {}),
  };
}

/** What a browser has instead of the IT configuration file: the server is where the app came from. */
export function webConfig(origin: string): EffectiveConfig {
  return { serverUrl: origin, language: 'pt-BR', autoUpdate: false, updateUrl: undefined, lockedKeys: [], problems: [] };
}

export function createDesktop(env: DesktopEnv): Desktop {
  const bridge: AtendeBridge | undefined = env.bridge;
  let config = webConfig(env.location.origin);
  const listeners = new Set<(target: DeepLinkTarget) => void>();
  let pending: DeepLinkTarget | undefined;

  function navigate(target: DeepLinkTarget): void {
    if (listeners.size === 0) pending = target;
    for (const listener of listeners) listener(target);
  }
  bridge?.on('atende:navigate', (payload) => {
    const target = asDeepLinkTarget(payload);
    if (target) navigate(target);
  });

  function open(route: WindowRoute): void {
    env.open(windowUrl(env.location.href, route), windowName(route), WINDOW_FEATURES[route.kind]);
  }

  return {
    isDesktop: bridge !== undefined,
    tokenVault: bridge ? bridgeVault(bridge) : undefined,

    async init() {
      if (!bridge) return;
      try {
        const loaded = await bridge.getConfig();
        config = { ...loaded, serverUrl: loaded.serverUrl.replace(/\/+$/, '') };
      } catch {
        // The shell reports configuration problems itself; the app still starts.
      }
    },

    serverUrl: () => config.serverUrl,
    config: () => config,

    notify(alert) {
      const request = notifyRequest(alert);
      if (bridge) {
        // The shell shows it natively; a click focuses the window and comes back as navigation.
        bridge.notify(request).catch(ignore);
        return;
      }
      const Api = env.notification();
      if (!Api || Api.permission !== 'granted') return;
      const shown = new Api(request.title, { body: request.body, tag: request.conversationId });
      const id = request.conversationId;
      shown.onclick = () => {
        env.focus();
        if (id) navigate({ kind: 'conversation', id });
      };
    },

    requestNotificationPermission() {
      const Api = bridge ? undefined : env.notification();
      if (Api?.permission === 'default') Api.requestPermission().catch(ignore);
    },

    setBadgeCount(count) {
      const value = badgeValue(count);
      if (bridge) bridge.setBadgeCount(value).catch(ignore);
      else webBadge(env.badge(), value).catch(ignore);
    },

    openSupervisorWindow(board) {
      if (bridge) bridge.openSupervisorWindow(board).catch(ignore);
      else open({ kind: 'supervisor', board });
    },

    openConversationWindow(conversationId) {
      if (bridge) bridge.openConversationWindow(conversationId).catch(ignore);
      else open({ kind: 'conversation', id: conversationId });
    },

    onNavigate(listener) {
      listeners.add(listener);
      if (pending) {
        const target = pending;
        pending = undefined;
        listener(target);
      }
      return () => listeners.delete(listener);
    },

    async getVersion() {
      return bridge ? bridge.getVersion().catch(() => undefined) : undefined;
    },

    async getUpdateStatus() {
      const disabled: UpdateStatus = { state: 'disabled' };
      if (!bridge) return disabled;
      return asUpdateStatus(await bridge.getUpdateStatus().catch(() => disabled)) ?? disabled;
    },

    onUpdateStatus(listener) {
      if (!bridge) return ignore;
      return bridge.on('atende:update-status', (payload) => {
        const status = asUpdateStatus(payload);
        if (status) listener(status);
      });
    },
  };
}

