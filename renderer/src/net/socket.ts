import {
  SERVER_RESTARTING_CLOSE, ServerFrame, SLOW_READER_CLOSE, UNAUTHENTICATED_CLOSE, type ClientFrame,
} from '@atende/protocol';
import { desktopRecovery } from '../desktop/recovery';
import { accessToken, serverUrl } from './api';
import { setConnectionState } from './connection';
import { forgetAccessToken } from './tokens';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
type Handler<T extends ServerFrame['type']> = (frame: FrameOf<T>) => void;

const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** The server pings every 15 s; two missed pings mean the connection is dead. */
const SILENCE_LIMIT_MS = 35_000;
/** After a 1012 the server is expected back within seconds: failed tries repeat about every second this long. */
const RESTART_WINDOW_MS = 30_000;
/**
 * Closes the socket comes back from at once (jittered under a second, so a node's clients do not
 * all arrive in the same instant), not on the backoff: 4008 (dropped for reading too slowly) and
 * 1012 (the server drained to restart; a sibling node, or this one restarted, takes us back).
 * The welcome's RESYNC then pulls whatever the gap held (issue 8 design C.2).
 */
export function reconnectsAtOnce(code: number): boolean {
  return code === SLOW_READER_CLOSE || code === SERVER_RESTARTING_CLOSE;
}

/**
 * The wait before the next try after a failed one, and the delay after that: doubling from 1 s to
 * 30 s with jitter, except while a restarting server is expected back, when it stays about a second.
 */
export function nextRetry(delayMs: number, restarting: boolean, random: () => number = Math.random): { waitMs: number; nextDelayMs: number } {
  if (restarting) return { waitMs: MIN_DELAY_MS * (0.5 + random()), nextDelayMs: MIN_DELAY_MS };
  return { waitMs: delayMs * (0.5 + random()), nextDelayMs: Math.min(delayMs * 2, MAX_DELAY_MS) };
}

/**
 * One WebSocket per window (ARCHITECTURE §4, §7): authenticates with hello, reconnects with
 * exponential backoff and jitter, at once when the network or the window comes back, the machine
 * wakes (the desktop shell's `atende:resumed`) or the server restarts (1012), and tells
 * listeners when it is welcomed again so replication can RESYNC. Live documents arrive as
 * `sync.docs` frames and the user's own changes as `session.user` (issue 8).
 */
class RealtimeSocket {
  private ws: WebSocket | undefined;
  private readonly handlers = new Map<string, Set<(frame: ServerFrame) => void>>();
  private readonly welcomeListeners = new Set<(reconnected: boolean) => void>();
  private delay = MIN_DELAY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private wanted = false;
  private everWelcomed = false;
  /** Until when failed tries keep to about a second: the server said it was restarting (1012). */
  private restartingUntil = 0;
  private readonly retryNow = () => this.reconnectSoon(0);
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible') this.retryNow();
  };
  private readonly onOffline = () => this.abandon(this.ws);
  private stopResumed: (() => void) | undefined;

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    window.addEventListener('online', this.retryNow);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
    this.stopResumed = desktopRecovery.onResumed(() => this.resume());
    // Started without a network (e.g. reopened offline): say so at once rather than after a failed try.
    if (navigator.onLine === false) setConnectionState('offline');
    void this.connect();
  }

  stop(): void {
    this.wanted = false;
    this.everWelcomed = false;
    window.removeEventListener('online', this.retryNow);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    this.stopResumed?.();
    this.stopResumed = undefined;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000, 'signed out');
    setConnectionState('connecting');
  }

  on<T extends ServerFrame['type']>(type: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const wrapped = handler as (frame: ServerFrame) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** Called on every welcome; `reconnected` is true after a drop (time to RESYNC). */
  onWelcome(listener: (reconnected: boolean) => void): () => void {
    this.welcomeListeners.add(listener);
    return () => this.welcomeListeners.delete(listener);
  }

  send(frame: ClientFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /**
   * The machine woke up or the session was unlocked (the desktop shell says so, R-NET-02): a socket
   * from before the sleep may be dead without knowing it (its close would come only with the
   * silence limit), and the back-off may have grown while the network was gone. Start afresh now;
   * the welcome's RESYNC fills the gap. A socket that was in fact fine costs one reconnection.
   */
  resume(): void {
    if (!this.wanted) return;
    this.delay = MIN_DELAY_MS;
    const ws = this.ws;
    if (ws) {
      this.ws = undefined;
      clearTimeout(this.silenceTimer);
      ws.close(4000, 'resumed');
    }
    this.reconnectSoon(0);
  }

  private reconnectSoon(delay: number): void {
    if (!this.wanted || this.ws) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private scheduleRetry(): void {
    const { waitMs, nextDelayMs } = nextRetry(this.delay, Date.now() < this.restartingUntil);
    this.delay = nextDelayMs;
    this.reconnectSoon(waitMs);
  }

  private watchSilence(ws: WebSocket): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.abandon(ws, 4000, 'server silent'), SILENCE_LIMIT_MS);
  }

  private async connect(): Promise<void> {
    if (!this.wanted || this.ws) return;
    let token: string | undefined;
    try {
      token = await accessToken();
    } catch {
      token = undefined; // server unreachable: retry later
    }
    if (!this.wanted || this.ws) return;
    if (!token) {
      this.lost();
      return;
    }
    const ws = new WebSocket(serverUrl().replace(/^http/, 'ws') + '/ws');
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', token }));
      this.watchSilence(ws);
    };
    ws.onmessage = (event) => {
      this.watchSilence(ws);
      let parsed;
      try {
        parsed = ServerFrame.safeParse(JSON.parse(String(event.data)));
      } catch {
        return;
      }
      if (!parsed.success) return;
      this.dispatch(ws, parsed.data);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      clearTimeout(this.silenceTimer);
      // The access token was refused (expired or revoked): renew it before retrying.
      if (event.code === UNAUTHENTICATED_CLOSE) forgetAccessToken();
      // The connection state stays as it was: only a failed try says offline.
      if (reconnectsAtOnce(event.code)) {
        if (event.code === SERVER_RESTARTING_CLOSE) this.restartingUntil = Date.now() + RESTART_WINDOW_MS;
        this.reconnectSoon(Math.random() * MIN_DELAY_MS);
        return;
      }
      this.lost();
    };
  }

  private dispatch(ws: WebSocket, frame: ServerFrame): void {
    if (frame.type === 'ping') {
      ws.send(JSON.stringify({ type: 'pong' }));
      return;
    }
    if (frame.type === 'welcome') {
      const reconnected = this.everWelcomed;
      this.everWelcomed = true;
      this.delay = MIN_DELAY_MS;
      this.restartingUntil = 0;
      setConnectionState('online');
      for (const listener of this.welcomeListeners) listener(reconnected);
    }
    for (const handler of this.handlers.get(frame.type) ?? []) handler(frame);
  }

  /**
   * Gives up a connection the network took (R-NET-01, R-NET-02): offline at once and free to
   * reconnect as soon as the network is back. Its close handshake cannot get through, so the
   * browser would fire `close` only when that times out (a minute in Chromium); until then the
   * app would look online and ignore the network coming back. Its late `close` is ignored.
   */
  private abandon(ws: WebSocket | undefined, code?: number, reason?: string): void {
    if (!ws || this.ws !== ws) return;
    this.ws = undefined;
    clearTimeout(this.silenceTimer);
    ws.close(code, reason);
    this.lost();
  }

  private lost(): void {
    if (!this.wanted) return;
    setConnectionState('offline');
    this.scheduleRetry();
  }
}

export const realtime = new RealtimeSocket();
