import { describe, expect, it, vi } from 'vitest';
import type { AtendeBridge, DesktopEvents, EffectiveConfig, NotifyRequest } from '@atende/protocol';
import { asDeepLinkTarget, findBridge } from '../src/desktop/bridge';
import { createDesktop, notifyRequest, webConfig } from '../src/desktop/core';
import { navigationSelection } from '../src/desktop/navigation';
import { bridgeVault } from '../src/desktop/tokenVault';
import { badgeValue, type BadgeApi, type DesktopEnv, type NotificationApi } from '../src/desktop/web';
import { parseRoute, routeHash, windowName, windowUrl } from '../src/desktop/windows';

const CONFIG: EffectiveConfig = {
  serverUrl: 'https://atende.example.com/', language: 'en', autoUpdate: true,
  updateUrl: 'https://atende.example.com/updates/', lockedKeys: ['serverUrl'], problems: [],
};

/** A bridge that records its calls; `fail` makes every call reject, as a refused IPC would. */
function fakeBridge(fail = false) {
  const calls: Array<[string, unknown]> = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const call = <T>(name: string, arg: unknown, result: T) => {
    calls.push([name, arg]);
    return fail ? Promise.reject(new Error(`${name} refused`)) : Promise.resolve(result);
  };
  let token: string | null = null;
  const bridge: AtendeBridge = {
    notify: (request) => call('notify', request, undefined),
    setBadgeCount: (count) => call('badge', count, undefined),
    openSupervisorWindow: (board) => call('supervisor', board, undefined),
    openConversationWindow: (id) => call('conversation', id, undefined),
    getConfig: () => call('config', undefined, CONFIG),
    takeRecoveryNotice: () => call('recovery', undefined, null),
    getVersion: () => call('version', undefined, '1.2.3'),
    getUpdateStatus: () => call('update', undefined, { state: 'idle' as const }),
    storeRefreshToken: (value) => call('store', value, undefined).then(() => void (token = value)),
    loadRefreshToken: () => call('load', undefined, token),
    on<E extends keyof DesktopEvents>(event: E, listener: (payload: DesktopEvents[E]) => void) {
      listeners.set(event, listener as (payload: unknown) => void);
      return () => listeners.delete(event);
    },
  };
  return { bridge, calls, emit: (event: string, payload: unknown) => listeners.get(event)?.(payload) };
}

/** A browser window without the bridge, with the web APIs the test asks for. */
function fakeWeb(options: { permission?: NotificationPermission; badge?: BadgeApi; noNotification?: boolean } = {}) {
  const shown: Array<{ title: string; options?: NotificationOptions; instance: { onclick: ((e: Event) => unknown) | null } }> = [];
  const opened: Array<[string, string, string]> = [];
  const requested: string[] = [];
  const focused: string[] = [];
  class FakeNotification {
    static permission: NotificationPermission = options.permission ?? 'granted';
    static requestPermission = async (): Promise<NotificationPermission> => {
      requested.push('asked');
      return 'granted';
    };
    onclick: ((e: Event) => unknown) | null = null;
    constructor(title: string, init?: NotificationOptions) {
      shown.push({ title, options: init, instance: this });
    }
  }
  const env: DesktopEnv = {
    bridge: undefined,
    location: { origin: 'http://127.0.0.1:8080', href: 'http://127.0.0.1:8080/#/old' },
    notification: () => (options.noNotification ? undefined : (FakeNotification as NotificationApi)),
    badge: () => options.badge,
    open: (url, target, features) => void opened.push([url, target, features]),
    focus: () => void focused.push('focus'),
  };
  return { env, shown, opened, requested, focused };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('bridge detection (R-DT-07)', () => {
  it('uses window.atende only when every method of the contract is there', () => {
    const { bridge } = fakeBridge();
    expect(findBridge({ atende: bridge })).toBe(bridge);
    expect(findBridge({})).toBeUndefined();
    expect(findBridge(undefined)).toBeUndefined();
    expect(findBridge({ atende: 'yes' })).toBeUndefined();
    expect(findBridge({ atende: { ...bridge, loadRefreshToken: undefined } })).toBeUndefined();
  });

  it('accepts only well-formed navigation targets', () => {
    expect(asDeepLinkTarget({ kind: 'conversation', id: 'conversation:01ABC' })).toEqual({ kind: 'conversation', id: 'conversation:01ABC' });
    expect(asDeepLinkTarget({ kind: 'contact', id: 'contact:ana' })).toEqual({ kind: 'contact', id: 'contact:ana' });
    expect(asDeepLinkTarget({ kind: 'user', id: 'x' })).toBeUndefined();
    expect(asDeepLinkTarget({ kind: 'conversation', id: '../../etc' })).toBeUndefined();
    expect(asDeepLinkTarget(null)).toBeUndefined();
  });
});

describe('window routes (R-DT-03, R-SV-05)', () => {
  it('reads the hash of each window kind', () => {
    expect(parseRoute('')).toEqual({ kind: 'home' });
    expect(parseRoute('#/')).toEqual({ kind: 'home' });
    expect(parseRoute('#/conversation/conversation%3A01ABC')).toEqual({ kind: 'conversation', id: 'conversation:01ABC' });
    expect(parseRoute('#/conversation/conversation:01ABC')).toEqual({ kind: 'conversation', id: 'conversation:01ABC' });
    expect(parseRoute('#/conversation/not-a-conversation')).toEqual({ kind: 'home' });
    expect(parseRoute('#/conversation/%E0%A4%A')).toEqual({ kind: 'home' });
    expect(parseRoute('#/supervisor/queues')).toEqual({ kind: 'supervisor', board: 'queues' });
    expect(parseRoute('#/supervisor')).toEqual({ kind: 'supervisor', board: 'agents' });
    expect(parseRoute('#/supervisor/unknown')).toEqual({ kind: 'supervisor', board: 'agents' });
    expect(parseRoute('#/elsewhere/x')).toEqual({ kind: 'home' });
  });

  it('builds the same document with another hash, and a stable name per window', () => {
    const route = { kind: 'conversation', id: 'conversation:01ABC' } as const;
    expect(parseRoute(routeHash(route))).toEqual(route);
    expect(windowUrl('http://h:1/index.html#/supervisor/agents', route)).toBe('http://h:1/index.html#/conversation/conversation%3A01ABC');
    expect(windowUrl('app://atende/index.html', { kind: 'supervisor', board: 'conversations' })).toBe('app://atende/index.html#/supervisor/conversations');
    expect(windowName(route)).toBe('atende-conversation-conversation-01ABC');
    expect(windowName({ kind: 'supervisor', board: 'queues' })).toBe('atende-supervisor-queues');
  });

  it('R-CH-03 R-AUTH-01 reads the admin area’s screens, the first one (users) by default', () => {
    expect(parseRoute('#/admin/channels')).toEqual({ kind: 'admin', section: 'channels' });
    expect(parseRoute('#/admin')).toEqual({ kind: 'admin', section: 'users' });
    expect(parseRoute('#/admin/unknown')).toEqual({ kind: 'admin', section: 'users' });
    expect(routeHash({ kind: 'admin', section: 'channels' })).toBe('#/admin/channels');
  });
});

describe('desktop module inside the desktop shell', () => {
  it('reads the server from the machine configuration', async () => {
    const { bridge } = fakeBridge();
    const desktop = createDesktop({ ...fakeWeb().env, bridge });
    expect(desktop.isDesktop).toBe(true);
    await desktop.init();
    expect(desktop.serverUrl()).toBe('https://atende.example.com');
    expect(desktop.config().lockedKeys).toEqual(['serverUrl']);
    expect(await desktop.getVersion()).toBe('1.2.3');
    expect(await desktop.getUpdateStatus()).toEqual({ state: 'idle' });
  });

  it('sends notifications, badge and windows through the bridge, never the web APIs', async () => {
    const { bridge, calls } = fakeBridge();
    const web = fakeWeb({ badge: { setAppBadge: vi.fn(async () => undefined) } });
    const desktop = createDesktop({ ...web.env, bridge });
    desktop.notify({ title: 'Novo atendimento em espera', body: 'Visitante: oi', conversationId: 'conversation:1' });
    desktop.setBadgeCount(3.7);
    desktop.setBadgeCount(-2);
    desktop.openSupervisorWindow('queues');
    desktop.openConversationWindow('conversation:1');
    desktop.requestNotificationPermission();
    await flush();
    expect(calls).toEqual([
      ['notify', { title: 'Novo atendimento em espera', body: 'Visitante: oi', conversationId: 'conversation:1' }],
      ['badge', 3], ['badge', 0], ['supervisor', 'queues'], ['conversation', 'conversation:1'],
    ]);
    expect(web.shown).toEqual([]);
    expect(web.opened).toEqual([]);
    expect(web.requested).toEqual([]);
    expect(web.env.badge()?.setAppBadge).not.toHaveBeenCalled();
  });

  it('drops refused OS calls quietly and keeps the web defaults when the configuration cannot be read', async () => {
    const { bridge } = fakeBridge(true);
    const desktop = createDesktop({ ...fakeWeb().env, bridge });
    await desktop.init();
    expect(desktop.serverUrl()).toBe('http://127.0.0.1:8080');
    desktop.notify({ title: 't', body: 'b' });
    desktop.setBadgeCount(1);
    desktop.openSupervisorWindow('agents');
    expect(await desktop.getVersion()).toBeUndefined();
    expect(await desktop.getUpdateStatus()).toEqual({ state: 'disabled' });
    await flush(); // an unhandled rejection would fail the run
  });

  it('hands deep links to the listener, keeping one that arrives before anyone listens', () => {
    const { bridge, emit } = fakeBridge();
    const desktop = createDesktop({ ...fakeWeb().env, bridge });
    emit('atende:navigate', { kind: 'conversation', id: 'conversation:early' });
    emit('atende:navigate', { kind: 'bogus', id: 'x' });
    const seen: unknown[] = [];
    const stop = desktop.onNavigate((target) => seen.push(target));
    emit('atende:navigate', { kind: 'contact', id: 'contact:ana' });
    stop();
    emit('atende:navigate', { kind: 'contact', id: 'contact:bruno' });
    expect(seen).toEqual([{ kind: 'conversation', id: 'conversation:early' }, { kind: 'contact', id: 'contact:ana' }]);
  });

  it('keeps the refresh token in the OS vault', async () => {
    const { bridge, calls } = fakeBridge();
    const desktop = createDesktop({ ...fakeWeb().env, bridge });
    const vault = desktop.tokenVault;
    expect(vault).toBeDefined();
    await vault?.store('refresh-1');
    expect(await vault?.load()).toBe('refresh-1');
    await vault?.store(null);
    expect(await vault?.load()).toBeUndefined();
    expect(calls.filter(([name]) => name === 'store')).toEqual([['store', 'refresh-1'], ['store', null]]);
  });

  it('keeps notifications within what the shell validates', () => {
    const request: NotifyRequest = notifyRequest({ title: '', body: 'x'.repeat(5000), conversationId: '' });
    expect(request.title).toBe('Atende');
    expect(request.body).toHaveLength(1000);
    expect(request).not.toHaveProperty('conversationId');
  });
});

describe('desktop module in a browser (web fallbacks)', () => {
  it('is configured by the page origin and has no vault', async () => {
    const desktop = createDesktop(fakeWeb().env);
    await desktop.init();
    expect(desktop.isDesktop).toBe(false);
    expect(desktop.serverUrl()).toBe('http://127.0.0.1:8080');
    expect(desktop.config()).toEqual(webConfig('http://127.0.0.1:8080'));
    expect(desktop.tokenVault).toBeUndefined();
    expect(await desktop.getVersion()).toBeUndefined();
    expect(await desktop.getUpdateStatus()).toEqual({ state: 'disabled' });
  });

  it('shows a web notification when permitted; a click focuses and navigates to the conversation', () => {
    const web = fakeWeb();
    const desktop = createDesktop(web.env);
    const seen: unknown[] = [];
    desktop.onNavigate((target) => seen.push(target));
    desktop.notify({ title: 'Nova mensagem de Ana', body: 'oi', conversationId: 'conversation:9' });
    expect(web.shown).toHaveLength(1);
    expect(web.shown[0]?.title).toBe('Nova mensagem de Ana');
    expect(web.shown[0]?.options).toEqual({ body: 'oi', tag: 'conversation:9' });
    web.shown[0]?.instance.onclick?.(new Event('click'));
    expect(web.focused).toEqual(['focus']);
    expect(seen).toEqual([{ kind: 'conversation', id: 'conversation:9' }]);
  });

  it('shows nothing without permission or without the API, and asks only while undecided', () => {
    for (const permission of ['denied', 'default'] as const) {
      const web = fakeWeb({ permission });
      const desktop = createDesktop(web.env);
      desktop.notify({ title: 't', body: 'b' });
      desktop.requestNotificationPermission();
      expect(web.shown).toEqual([]);
      expect(web.requested).toEqual(permission === 'default' ? ['asked'] : []);
    }
    const none = fakeWeb({ noNotification: true });
    createDesktop(none.env).notify({ title: 't', body: 'b' });
    expect(none.shown).toEqual([]);
  });

  it('sets the app badge where the browser supports it, clears it at zero, and otherwise does nothing', async () => {
    const badge = { setAppBadge: vi.fn(async () => undefined), clearAppBadge: vi.fn(async () => undefined) };
    const desktop = createDesktop(fakeWeb({ badge }).env);
    desktop.setBadgeCount(4);
    desktop.setBadgeCount(0);
    expect(badge.setAppBadge).toHaveBeenCalledWith(4);
    expect(badge.clearAppBadge).toHaveBeenCalledTimes(1);
    const refusing = { setAppBadge: vi.fn(async () => Promise.reject(new Error('NotAllowedError'))) };
    createDesktop(fakeWeb({ badge: refusing }).env).setBadgeCount(2);
    createDesktop(fakeWeb({ badge: {} }).env).setBadgeCount(2);
    createDesktop(fakeWeb().env).setBadgeCount(2);
    await flush();
    expect(refusing.setAppBadge).toHaveBeenCalledWith(2);
    expect(badgeValue(Number.NaN)).toBe(0);
    expect(badgeValue(1e9)).toBe(99_999);
  });

  it('opens supervisor boards and conversations as windows of the same app', () => {
    const web = fakeWeb();
    const desktop = createDesktop(web.env);
    desktop.openSupervisorWindow('agents');
    desktop.openConversationWindow('conversation:01ABC');
    expect(web.opened).toEqual([
      ['http://127.0.0.1:8080/#/supervisor/agents', 'atende-supervisor-agents', expect.stringContaining('popup')],
      ['http://127.0.0.1:8080/#/conversation/conversation%3A01ABC', 'atende-conversation-conversation-01ABC', expect.stringContaining('popup')],
    ]);
  });
});

describe('token vault', () => {
  it('falls back to this window’s memory when the OS cannot keep the token', async () => {
    const failing = {
      loadRefreshToken: vi.fn(async (): Promise<string | null> => Promise.reject(new Error('no keyring'))),
      storeRefreshToken: vi.fn(async (): Promise<void> => Promise.reject(new Error('no keyring'))),
    };
    const vault = bridgeVault(failing);
    await vault.store('refresh-1');
    expect(await vault.load()).toBe('refresh-1');
    await vault.store(null);
    expect(await vault.load()).toBeUndefined();
  });
});

describe('navigation from deep links and notification clicks', () => {
  const lists = {
    waiting: [{ id: 'conversation:w', contactId: 'contact:bia' }],
    active: [{ id: 'conversation:a', contactId: 'contact:ana' }],
  };
  it('opens the conversation in the list that has it', () => {
    expect(navigationSelection({ kind: 'conversation', id: 'conversation:a' }, lists)).toEqual({ id: 'conversation:a', tab: 'active' });
    expect(navigationSelection({ kind: 'conversation', id: 'conversation:w' }, lists)).toEqual({ id: 'conversation:w', tab: 'waiting' });
    expect(navigationSelection({ kind: 'conversation', id: 'conversation:x' }, lists)).toEqual({ id: 'conversation:x' });
  });
  it('opens a contact’s open conversation, or nothing', () => {
    expect(navigationSelection({ kind: 'contact', id: 'contact:ana' }, lists)).toEqual({ id: 'conversation:a', tab: 'active' });
    expect(navigationSelection({ kind: 'contact', id: 'contact:bia' }, lists)).toEqual({ id: 'conversation:w', tab: 'waiting' });
    expect(navigationSelection({ kind: 'contact', id: 'contact:zeca' }, lists)).toBeUndefined();
  });
});
