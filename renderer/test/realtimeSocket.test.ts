import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SERVER_RESTARTING_CLOSE } from '@atende/protocol';

/** net/socket.ts with the HTTP side replaced: a token is always at hand, the server is a fake socket. */
vi.mock('../src/net/api', () => ({ accessToken: () => Promise.resolve('token'), serverUrl: () => 'http://server.test' }));
vi.mock('../src/net/tokens', () => ({ forgetAccessToken: () => undefined }));

/** The browser's WebSocket as the server drives it: opened, welcomed, closed with a code. */
class FakeSocket {
  static readonly OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  onopen: (() => void) | undefined;
  onmessage: ((event: { data: string }) => void) | undefined;
  onclose: ((event: { code: number }) => void) | undefined;

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }

  send(): void {}

  close(code = 1000): void {
    this.closedBy(code);
  }

  welcomed(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
    this.onmessage?.({ data: JSON.stringify({ type: 'welcome', userId: 'user:ana', presence: {} }) });
  }

  closedBy(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

// Vue (under net/connection) looks at `document` when it loads: loaded before the stand-in below.
const { connectionState } = await import('../src/net/connection');
const listeners = { addEventListener: () => undefined, removeEventListener: () => undefined };
vi.stubGlobal('WebSocket', FakeSocket);
vi.stubGlobal('window', listeners);
vi.stubGlobal('document', { ...listeners, visibilityState: 'visible' });
vi.stubGlobal('navigator', { onLine: true });

const { nextRetry, realtime, reconnectsAtOnce } = await import('../src/net/socket');

const last = (): FakeSocket => {
  const socket = FakeSocket.made.at(-1);
  if (!socket) throw new Error('no socket made');
  return socket;
};

/** Tries made within `ms`, each refused by a server that is still down (closed before opening). */
async function refusedTriesWithin(ms: number): Promise<number> {
  const before = FakeSocket.made.length;
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    const count = FakeSocket.made.length;
    await vi.advanceTimersByTimeAsync(100);
    if (FakeSocket.made.length > count) last().closedBy(1006);
  }
  return FakeSocket.made.length - before;
}

describe('R-NET-02 reconnecting after the server closed the agent socket', () => {
  beforeEach(async () => {
    vi.useFakeTimers();
    // Jitter pinned to its middle: every wait is its nominal value.
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

  it('R-NET-02 decides from the close code: 1012 (server restarting) and 4008 come back at once, others on the backoff', () => {
    expect(reconnectsAtOnce(SERVER_RESTARTING_CLOSE)).toBe(true);
    expect(reconnectsAtOnce(4008)).toBe(true);
    for (const code of [1000, 1006, 1011, 4001, 4401]) expect(reconnectsAtOnce(code)).toBe(false);
    expect(nextRetry(8_000, false, () => 0.5)).toEqual({ waitMs: 8_000, nextDelayMs: 16_000 });
    expect(nextRetry(8_000, true, () => 0.5)).toEqual({ waitMs: 1_000, nextDelayMs: 1_000 });
  });

  it('R-NET-02 a 1012 close is followed by a new socket within a second, without showing offline meanwhile', async () => {
    expect(connectionState.value).toBe('online');
    last().closedBy(SERVER_RESTARTING_CLOSE);
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.made).toHaveLength(2);
    expect(connectionState.value).toBe('online');
    last().welcomed();
    expect(connectionState.value).toBe('online');
  });

  it('R-NET-02 while a restarting server is down, tries repeat about every second instead of doubling', async () => {
    last().closedBy(SERVER_RESTARTING_CLOSE);
    // 0.5 s, then one each second: at 0.5, 1.5, 2.5, 3.5 and 4.5 s.
    expect(await refusedTriesWithin(4_600)).toBe(5);
    expect(connectionState.value).toBe('offline');
    last().welcomed();
    expect(connectionState.value).toBe('online');
  });

  it('R-NET-02 an ordinary drop keeps the doubling backoff', async () => {
    last().closedBy(1006);
    expect(connectionState.value).toBe('offline');
    // 1 s, then 2 s, then 4 s: at 1, 3 and 7 s.
    expect(await refusedTriesWithin(4_600)).toBe(2);
  });
});
