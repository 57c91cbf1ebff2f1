import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IPC_ARGS, type EffectiveConfig } from '@atende/protocol';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcMain, resetElectron } from './fakes/electron';
import { bridgeHandlers, type BridgeServices } from '../src/main/bridgeHandlers';
import { createConfigStore } from '../src/main/config';
import { registerIpcHandlers } from '../src/main/ipc';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

const CONFIG: EffectiveConfig = {
  serverUrl: 'http://127.0.0.1:8080', language: 'pt-BR', autoUpdate: true, updateUrl: 'http://127.0.0.1:8080/updates/', lockedKeys: [], problems: [],
};

function services(overrides: Partial<BridgeServices> = {}): BridgeServices {
  return {
    notify: vi.fn(),
    setWaitingCount: vi.fn(),
    openSupervisor: vi.fn(),
    openConversation: vi.fn(),
    config: () => CONFIG,
    version: () => '1.2.3',
    updateStatus: () => ({ state: 'idle' }),
    storeRefreshToken: vi.fn(async () => undefined),
    loadRefreshToken: async () => 'rt',
    takeRecoveryNotice: () => null,
    ...overrides,
  };
}

function register(impl: BridgeServices): Map<string, Listener> {
  registerIpcHandlers(ipcMain as unknown as IpcMain, bridgeHandlers(impl));
  return new Map(ipcMain.handle.mock.calls.map((call) => {
    const [channel, listener] = call as unknown as [string, Listener];
    return [channel, listener];
  }));
}

function from(url: string, parent: unknown = null): IpcMainInvokeEvent {
  return { senderFrame: { url, parent } } as unknown as IpcMainInvokeEvent;
}
const app = from('app://atende/index.html#/supervisor/agents');

function call(handlers: Map<string, Listener>, channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
  const listener = handlers.get(channel);
  if (!listener) throw new Error(`no handler for ${channel}`);
  return listener(event, ...args);
}

beforeEach(resetElectron);

describe('R-DT-01 typed IPC', () => {
  it('registers exactly the channels of the protocol', () => {
    expect([...register(services()).keys()].sort()).toEqual(Object.keys(IPC_ARGS).sort());
  });
  it('passes valid calls from the app to the right service', async () => {
    const impl = services();
    const handlers = register(impl);
    await call(handlers, 'atende:badge', app, 3);
    await call(handlers, 'atende:open-supervisor', app, 'queues');
    await call(handlers, 'atende:open-conversation', app, 'conversation:01HX');
    await call(handlers, 'atende:notify', app, { title: 'Nova conversa', body: 'Maria', conversationId: 'conversation:1' });
    expect(impl.setWaitingCount).toHaveBeenCalledWith(3);
    expect(impl.openSupervisor).toHaveBeenCalledWith('queues');
    expect(impl.openConversation).toHaveBeenCalledWith('conversation:01HX');
    expect(impl.notify).toHaveBeenCalledWith({ title: 'Nova conversa', body: 'Maria', conversationId: 'conversation:1' });
    expect(await call(handlers, 'atende:version', app)).toBe('1.2.3');
    expect(await call(handlers, 'atende:token-load', app)).toBe('rt');
  });
  it.each<[string, unknown[]]>([
    ['atende:badge', [-1]],
    ['atende:badge', ['3']],
    ['atende:badge', [1.5]],
    ['atende:badge', [3, 4]],
    ['atende:open-supervisor', ['root']],
    ['atende:open-conversation', ['../../etc/passwd']],
    ['atende:open-conversation', ['contact:1']],
    ['atende:notify', [{ title: '', body: 'x' }]],
    ['atende:notify', [{ title: 't', body: 'x', html: '<img>' }]],
    ['atende:token-store', [{ token: 'x' }]],
    ['atende:token-store', ['x'.repeat(600)]],
    ['atende:version', ['extra']],
  ])('rejects bad arguments on %s %j without calling the service', async (channel, args) => {
    const impl = services();
    const handlers = register(impl);
    await expect(call(handlers, channel, app, ...args)).rejects.toThrow(/invalid arguments/);
    for (const fn of [impl.setWaitingCount, impl.openSupervisor, impl.openConversation, impl.notify, impl.storeRefreshToken]) {
      expect(fn).not.toHaveBeenCalled();
    }
  });
  it.each([
    ['a web page', from('https://evil.example/')],
    ['another app:// host', from('app://evil/index.html')],
    ['a file page', from('file:///tmp/x.html')],
    ['a frame inside the app', from('app://atende/index.html', { url: 'app://atende/index.html' })],
    ['a destroyed frame', { senderFrame: null } as unknown as IpcMainInvokeEvent],
  ])('rejects calls from %s', async (_name, event) => {
    const impl = services();
    const handlers = register(impl);
    await expect(call(handlers, 'atende:token-load', event)).rejects.toThrow(/sender is not the app/);
    await expect(call(handlers, 'atende:badge', event, 1)).rejects.toThrow(/sender is not the app/);
    expect(impl.setWaitingCount).not.toHaveBeenCalled();
  });
});

describe('issue 17 point 1: the page cannot move the update feed', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'atende-ipc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('registers no channel that changes the configuration: atende:config-set is gone', () => {
    const channels = [...register(services()).keys()];
    expect(channels).not.toContain('atende:config-set');
    // Only reads of the configuration cross the bridge.
    expect(channels.filter((channel) => channel.startsWith('atende:config'))).toEqual(['atende:config-get']);
    expect(ipcMain.handle).not.toHaveBeenCalledWith('atende:config-set', expect.anything());
  });
  it("ignores an updateUrl in the user's file and never derives the feed from the server URL", async () => {
    const machineFile = path.join(dir, 'machine.json');
    const userFile = path.join(dir, 'user.json');
    writeFileSync(machineFile, JSON.stringify({ updateUrl: 'https://it.example/updates/' }));
    // What a script in the page could have written, had it any way to write the user's file.
    writeFileSync(userFile, JSON.stringify({ serverUrl: 'https://evil.example', updateUrl: 'https://evil.example/updates/' }));
    const fromPolicy = createConfigStore({ machineSources: [{ kind: 'file', file: machineFile }], userFile, isPackaged: true, env: {}, buildUpdateUrl: 'https://build.example/feed/' });
    expect((await fromPolicy.load()).updateUrl).toBe('https://it.example/updates/');

    writeFileSync(userFile, JSON.stringify({ serverUrl: 'https://evil.example' }));
    const fromBuild = createConfigStore({ machineSources: [], userFile, isPackaged: true, env: {}, buildUpdateUrl: 'https://build.example/feed/' });
    const config = await fromBuild.load();
    expect(config.serverUrl).toBe('https://evil.example');
    expect(config.updateUrl).toBe('https://build.example/feed/');
    const none = createConfigStore({ machineSources: [], userFile, isPackaged: true, env: {}, buildUpdateUrl: undefined });
    expect((await none.load()).updateUrl).toBeUndefined();
  });
});
