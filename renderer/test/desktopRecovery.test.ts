import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AtendeBridge, DesktopEvents, RecoveryNotice } from '@atende/protocol';

/** net/socket.ts with the HTTP side replaced: a token is always at hand, the server is a fake socket. */
vi.mock('../src/net/api', () => ({ accessToken: () => Promise.resolve('token'), serverUrl: () => 'http://server.test' }));
vi.mock('../src/net/tokens', () => ({ forgetAccessToken: () => undefined }));

class FakeSocket {
  static readonly OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  closedWith: number | undefined;
  onopen: (() => void) | undefined;
  onmessage: ((event: { data: string }) => void) | undefined;
  onclose: ((event: { code: number }) => void) | undefined;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(): void {}
  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
    this.onclose?.({ code });
  }
  welcomed(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
    this.onmessage?.({ data: JSON.stringify({ type: 'welcome', userId: 'user:ana', presence: {} }) });
  }
}

/** The preload's bridge as the renderer sees it; the test plays the main process. */
function fakeBridge(notices: Array<unknown>) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let asked = 0;
  const none = () => Promise.resolve(undefined as never);
  const bridge: AtendeBridge = {
    notify: none, setBadgeCount: none, openSupervisorWindow: none, openConversationWindow: none, getConfig: none,
    getVersion: none, getUpdateStatus: none, storeRefreshToken: none, loadRefreshToken: none,
    takeRecoveryNotice: () => {
      asked += 1;
      return Promise.resolve((notices.shift() ?? null) as RecoveryNotice | null);
    },
    on<E extends keyof DesktopEvents>(event: E, listener: (payload: DesktopEvents[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  return {
    bridge,
    asked: () => asked,
    emit: (event: keyof DesktopEvents, payload: unknown) => {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

const shell = fakeBridge([]);
const listeners = { addEventListener: () => undefined, removeEventListener: () => undefined };
// Vue (under net/connection) looks at `document` when it loads: loaded before the stand-ins below.
const { connectionState } = await import('../src/net/connection');
vi.stubGlobal('WebSocket', FakeSocket);
vi.stubGlobal('window', { ...listeners, atende: shell.bridge });
vi.stubGlobal('document', { ...listeners, visibilityState: 'visible' });
vi.stubGlobal('navigator', { onLine: true });

const { realtime } = await import('../src/net/socket');
const { asRecoveryNotice, recoveryNoticeState, shellRecovery } = await import('../src/desktop/recovery');

const last = (): FakeSocket => {
  const socket = FakeSocket.made.at(-1);
  if (!socket) throw new Error('no socket made');
  return socket;
};

describe('R-NET-02 the machine woke up: the agent socket reconnects at once', () => {
  beforeEach(async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    FakeSocket.made = [];
    realtime.start();
    await vi.advanceTimersByTimeAsync(0);
    last().welcomed();
  });
  afterEach(() => {
    realtime.stop();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('R-NET-02 while offline on a grown back-off, resumed makes a new try now instead of seconds later', async () => {
    last().close(1006);
    // Tries fail for a while: the wait grows to 1, 2, 4, 8 s.
    for (const wait of [1_000, 2_000, 4_000]) {
      await vi.advanceTimersByTimeAsync(wait);
      last().close(1006);
    }
    const before = FakeSocket.made.length;
    expect(connectionState.value).toBe('offline');
    shell.emit('atende:resumed', { at: Date.now() });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.made.length).toBe(before + 1);
    last().welcomed();
    expect(connectionState.value).toBe('online');
  });

  it('R-NET-02 a socket from before the sleep is replaced at once (it may be dead without knowing it)', async () => {
    const old = last();
    shell.emit('atende:resumed', { at: Date.now() });
    expect(old.closedWith).toBe(4000);
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.made).toHaveLength(2);
    // No offline blink in between: only a failed try says offline.
    expect(connectionState.value).toBe('online');
  });

  it('R-NET-02 after sign-out the shell event no longer starts a socket', async () => {
    realtime.stop();
    const before = FakeSocket.made.length;
    shell.emit('atende:resumed', { at: Date.now() });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(FakeSocket.made.length).toBe(before);
  });
});

describe('issue 17 point 5: the recovery notice after the shell reloaded the window', () => {
  const notice: RecoveryNotice = { reason: 'crashed', at: 1_700_000_000_000 };

  it('issue 17 the notice is asked for once and shown once, and closing it hides it', async () => {
    const main = fakeBridge([notice, notice]);
    const state = recoveryNoticeState(shellRecovery(() => main.bridge));
    await state.load();
    await state.load();
    expect(main.asked()).toBe(1);
    expect(state.notice.value).toEqual(notice);
    state.dismiss();
    expect(state.notice.value).toBeNull();
    await state.load();
    expect(state.notice.value).toBeNull();
  });

  it('issue 17 an ordinary start shows nothing (the shell answers null)', async () => {
    const state = recoveryNoticeState(shellRecovery(() => fakeBridge([]).bridge));
    await state.load();
    expect(state.notice.value).toBeNull();
  });

  it('issue 17 in a browser there is no shell: no notice, and resumed never fires', async () => {
    const web = shellRecovery(() => undefined);
    const listener = vi.fn();
    const stop = web.onResumed(listener);
    stop();
    expect(await web.takeRecoveryNotice()).toBeNull();
    expect(listener).not.toHaveBeenCalled();
  });

  it('issue 17 a malformed notice or a failing call is dropped, not shown', async () => {
    expect(asRecoveryNotice({ reason: 'hacked', at: 1 })).toBeNull();
    expect(asRecoveryNotice({ reason: 'unresponsive', at: 'now' })).toBeNull();
    expect(asRecoveryNotice({ reason: 'unresponsive', at: 5 })).toEqual({ reason: 'unresponsive', at: 5 });
    const failing = { ...fakeBridge([]).bridge, takeRecoveryNotice: () => Promise.reject(new Error('refused')) };
    expect(await shellRecovery(() => failing).takeRecoveryNotice()).toBeNull();
  });
});
