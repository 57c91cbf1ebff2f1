import { TokenBucket } from 'limiter';
import type { RawData, WebSocket } from 'ws';
import { sendFrame, socketCounts } from './socket.js';

/** How many frames one socket may send (R-OPS-03): a burst, then a sustained rate. */
export interface FrameBudget {
  burst: number;
  perSecond: number;
  /** Dropped frames tolerated within DROP_WINDOW_MS; one more closes the socket. */
  dropsBeforeClose: number;
}

// The app sends typing only when it changes, presence on a click and a ping every 15 s, so
// 20 frames/s sustained is far above honest use and still cheap to serve.
export const AGENT_FRAMES: FrameBudget = { burst: 50, perSecond: 20, dropsBeforeClose: 100 };
// The widget sends typing only when it changes and a ping; an anonymous visitor gets less.
export const VISITOR_FRAMES: FrameBudget = { burst: 20, perSecond: 5, dropsBeforeClose: 50 };

export const DROP_WINDOW_MS = 10_000;
/** At most one `rate_limited` error a second: an error per dropped frame would be a flood too. */
export const NOTICE_INTERVAL_MS = 1_000;
/** Frames accepted but not yet handled by one socket's in-order queue. */
export const MAX_PENDING_FRAMES = 100;
/** A socket closed for policy that does not finish the closing handshake is cut after this. */
export const CLOSE_GRACE_MS = 1_000;

const POLICY_VIOLATION = 1008;

/**
 * One socket's frame gate: a token bucket decides before any work is done, and a socket that
 * keeps overrunning, or whose backlog outgrows MAX_PENDING_FRAMES, is closed with 1008.
 */
export class FrameGate {
  private readonly bucket: TokenBucket;
  private windowStart = performance.now();
  private windowDrops = 0;
  private lastNotice = Number.NEGATIVE_INFINITY;
  private pending = 0;
  private closing = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly budget: FrameBudget,
  ) {
    this.bucket = new TokenBucket({ bucketSize: budget.burst, tokensPerInterval: budget.perSecond, interval: 'second' });
    // limiter starts a bucket empty; a new socket must have its burst at once (hello, presence, typing).
    this.bucket.content = budget.burst;
  }

  /** Whether the frame may be handled; a refused one may notify the sender or close the socket. */
  admit(): boolean {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) {
      socketCounts.dropped += 1; // what a closing socket still sends is read, never handled
      return false;
    }
    if (this.bucket.tryRemoveTokens(1)) {
      socketCounts.accepted += 1;
      return true;
    }
    socketCounts.dropped += 1;
    const now = performance.now();
    if (now - this.windowStart >= DROP_WINDOW_MS) {
      this.windowStart = now;
      this.windowDrops = 0;
    }
    this.windowDrops += 1;
    if (this.windowDrops > this.budget.dropsBeforeClose) {
      this.close('rate_limited');
    } else if (now - this.lastNotice >= NOTICE_INTERVAL_MS) {
      this.lastNotice = now;
      sendFrame(this.ws, { type: 'error', code: 'rate_limited', message: 'Too many frames; slow down' });
    }
    return false;
  }

  /** Counts a frame waiting in the socket's queue; false (and the socket closes) past the cap. */
  enqueue(): boolean {
    if (this.pending >= MAX_PENDING_FRAMES) {
      this.close('backlog');
      return false;
    }
    this.pending += 1;
    return true;
  }

  /** A queued frame was handled (or failed). */
  settled(): void {
    this.pending = Math.max(0, this.pending - 1);
  }

  private close(reason: string): void {
    if (this.closing) return;
    this.closing = true;
    socketCounts.closedForPolicy += 1;
    this.ws.close(POLICY_VIOLATION, reason);
    // A flooding peer may never answer the close; ws would wait 30 s reading its frames.
    const cut = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    cut.unref();
    this.ws.once('close', () => clearTimeout(cut));
  }
}

/** Wraps a socket's message listener so frames over the budget are dropped before any work. */
export function gateFrames(
  ws: WebSocket,
  budget: FrameBudget,
  listener: (data: RawData, isBinary: boolean, gate: FrameGate) => void,
): (data: RawData, isBinary: boolean) => void {
  const gate = new FrameGate(ws, budget);
  return (data, isBinary) => {
    if (gate.admit()) listener(data, isBinary, gate);
  };
}

/** A repeated value is forwarded again after this, so a client's "still typing" can refresh the indicator. */
export const REPEAT_AFTER_MS = 3_000;

/**
 * Relays a boolean state (typing) with at most one relay in flight: values that arrive meanwhile
 * collapse into the latest, and a value equal to the last one delivered is skipped unless it is
 * REPEAT_AFTER_MS old. `relay` answers whether it delivered (false: nobody to tell yet).
 */
export function relayChanges(relay: (value: boolean) => Promise<boolean>): (value: boolean) => void {
  let delivered: { value: boolean; at: number } | undefined;
  let inFlight = false;
  let next: boolean | undefined;
  const worthSending = (value: boolean) =>
    delivered?.value !== value || performance.now() - delivered.at >= REPEAT_AFTER_MS;
  const run = (value: boolean): void => {
    inFlight = true;
    void relay(value)
      .then((ok) => {
        if (ok) delivered = { value, at: performance.now() };
      }, () => undefined) // best effort: a failed lookup only skips this relay
      .finally(() => {
        inFlight = false;
        const queued = next;
        next = undefined;
        if (queued !== undefined && worthSending(queued)) run(queued);
      });
  };
  return (value) => {
    if (inFlight) next = value;
    else if (worthSending(value)) run(value);
  };
}
