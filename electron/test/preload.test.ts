import type { AtendeBridge } from '@atende/protocol';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { contextBridge, ipcRenderer } from './fakes/electron';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

let bridge: AtendeBridge;
let exposedName: unknown;

beforeAll(async () => {
  await import('../src/preload/index');
  const [name, api] = contextBridge.exposeInMainWorld.mock.calls[0] as unknown as [string, AtendeBridge];
  exposedName = name;
  bridge = api;
});
beforeEach(() => {
  ipcRenderer.invoke.mockClear();
  ipcRenderer.on.mockClear();
  ipcRenderer.removeListener.mockClear();
});

describe('R-DT-01 preload bridge (window.atende)', () => {
  it('exposes one object, `atende`, with exactly the contract methods', () => {
    expect(exposedName).toBe('atende');
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(bridge).sort()).toEqual([
      'getConfig', 'getUpdateStatus', 'getVersion', 'loadRefreshToken', 'notify', 'on', 'openConversationWindow',
      'openSupervisorWindow', 'setBadgeCount', 'storeRefreshToken', 'takeRecoveryNotice',
    ]);
    expect(Object.values(bridge).every((value) => typeof value === 'function')).toBe(true);
  });
  it('maps each method to its typed channel', async () => {
    await bridge.notify({ title: 't', body: 'b' });
    await bridge.setBadgeCount(2);
    await bridge.openSupervisorWindow('agents');
    await bridge.openConversationWindow('conversation:1');
    await bridge.getConfig();
    await bridge.getVersion();
    await bridge.getUpdateStatus();
    await bridge.storeRefreshToken(null);
    await bridge.loadRefreshToken();
    await bridge.takeRecoveryNotice();
    expect(ipcRenderer.invoke.mock.calls).toEqual([
      ['atende:notify', { title: 't', body: 'b' }],
      ['atende:badge', 2],
      ['atende:open-supervisor', 'agents'],
      ['atende:open-conversation', 'conversation:1'],
      ['atende:config-get'],
      ['atende:version'],
      ['atende:update-status'],
      ['atende:token-store', null],
      ['atende:token-load'],
      ['atende:recovery-notice'],
    ]);
  });
  it('passes only the payload of an event to the page, and unsubscribes', () => {
    const received: unknown[] = [];
    const off = bridge.on('atende:navigate', (target) => received.push(target));
    const [channel, forward] = ipcRenderer.on.mock.calls[0] as unknown as [string, (event: unknown, payload: unknown) => void];
    expect(channel).toBe('atende:navigate');
    forward({ sender: 'ipcRenderer itself' }, { kind: 'contact', id: 'contact:1' });
    expect(received).toEqual([{ kind: 'contact', id: 'contact:1' }]);
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('atende:navigate', forward);
  });
  it('issue 17 point 1: offers the page no way to change the configuration (no setUserConfig, no atende:config-set)', async () => {
    expect(bridge).not.toHaveProperty('setUserConfig');
    for (const method of Object.values(bridge) as Array<(...args: unknown[]) => unknown>) {
      if (method === bridge.on) continue;
      await method({ updateUrl: 'https://evil.example/' });
    }
    const channels = ipcRenderer.invoke.mock.calls.map((call) => (call as unknown[])[0]);
    expect(channels).not.toContain('atende:config-set');
  });
  it('subscribes to update statuses', () => {
    bridge.on('atende:update-status', () => undefined);
    expect(ipcRenderer.on.mock.calls[0]?.[0]).toBe('atende:update-status');
  });
  it('refuses any other channel, so the page cannot listen to arbitrary IPC', () => {
    const on = bridge.on as (event: string, listener: () => void) => () => void;
    for (const event of ['atende:token-load', 'ELECTRON_BROWSER_WINDOW', '__proto__', 'constructor']) {
      expect(() => on(event, () => undefined)).toThrow(TypeError);
    }
    expect(ipcRenderer.on).not.toHaveBeenCalled();
  });
});
