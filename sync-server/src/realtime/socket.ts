import type { RawData, WebSocket } from 'ws';
import type { ZodType } from 'zod';

/** Frame plumbing shared by the agent and visitor sockets. */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Outbound bytes one socket may have waiting in memory. A reader this far behind (dead network,
 * paused tab, hostile client) is dropped rather than buffered for: it resyncs from its checkpoint
 * when it reconnects, so nothing durable is lost (ARCHITECTURE §1).
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Per-process socket counters, like a metrics registry: tests and operators read them. */
export const socketCounts = {
  /** Frames that passed a socket's gate and were handled. */
  accepted: 0,
  /** Frames dropped by a socket's gate before any work. */
  dropped: 0,
  /** Sockets closed with 1008 for flooding or for a backlog over its cap. */
  closedForPolicy: 0,
  /** Sockets terminated because their reader fell more than MAX_BUFFERED_BYTES behind. */
  terminatedSlow: 0,
  /** Agent sockets closed with 4008 because the change stream outran their reader. */
  closedSlow: 0,
};

export function sendFrame(ws: WebSocket, frame: { type: string } & Record<string, unknown>): void {
  if (ws.readyState !== ws.OPEN) return;
  const payload = JSON.stringify(frame);
  if (ws.bufferedAmount + payload.length > MAX_BUFFERED_BYTES) {
    socketCounts.terminatedSlow += 1;
    ws.terminate();
    return;
  }
  ws.send(payload);
}

export type Parsed<T> = { ok: true; frame: T } | { ok: false; code: string; message: string };

export function parseFrame<T>(schema: ZodType<T>, data: RawData): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return { ok: false, code: 'malformed_frame', message: 'Frames must be JSON' };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, frame: result.data };
  const type = (value as { type?: unknown } | null)?.type;
  const known = result.error.issues.every((i) => i.code !== 'invalid_union');
  return known
    ? { ok: false, code: 'invalid_frame', message: result.error.issues[0]?.message ?? 'invalid frame' }
    : { ok: false, code: 'unknown_frame', message: `Unknown frame type ${JSON.stringify(type)}` };
}

/**
 * Pings every interval (a protocol ping the browser answers by itself, and a JSON ping the
 * client can watch); a socket that misses two is closed so its presence can lapse.
 */
export function keepAlive(ws: WebSocket, intervalMs: number): () => void {
  let missed = 0;
  const reset = () => {
    missed = 0;
  };
  ws.on('pong', reset);
  ws.on('message', reset);
  const timer = setInterval(() => {
    if (missed >= 2) {
      ws.terminate();
      return;
    }
    missed += 1;
    try {
      ws.ping();
    } catch {
      /* closing already */
    }
    sendFrame(ws, { type: 'ping' });
  }, intervalMs);
  const stop = () => clearInterval(timer);
  ws.on('close', stop);
  return stop;
}
