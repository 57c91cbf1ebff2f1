import fc from 'fast-check';
import type { ZodType } from 'zod';
import { nextNew, roundTrip, type FrameClient } from '../helpers.js';
import { hostileString, mutationsOf } from './arbitraries.js';

/** One WebSocket message as the fuzzer sends it. */
export type RawFrame = { text: string } | { binary: Uint8Array };

/** What the server's JSON.parse sees of a text frame (ws sends text as UTF-8: a lone surrogate arrives as U+FFFD). */
function received(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text).toString());
  } catch {
    return undefined;
  }
}

/** Whether `schema` would accept this message: those are left out, the fuzzer sends only refusals. */
export function accepted(schema: ZodType, frame: RawFrame): boolean {
  if ('binary' in frame) return false;
  const value = received(frame.text);
  return value !== undefined && schema.safeParse(value).success;
}

/**
 * Messages a socket's schema refuses: each known frame type with one thing broken, any JSON at
 * all, text that is not JSON, and binary messages. All under the 64 KiB frame limit (the
 * oversized case is its own test: the socket is closed for it).
 */
export function refusedFrames(schema: ZodType, samples: readonly unknown[]): fc.Arbitrary<RawFrame> {
  const json = fc.oneof(...samples.map((s) => mutationsOf(s)), fc.jsonValue({ maxDepth: 3 }))
    .map((v) => JSON.stringify(v) ?? 'undefined')
    .filter((text) => Buffer.byteLength(text) < 60_000);
  const notJson = fc.oneof(
    hostileString.filter((s) => Buffer.byteLength(s) < 60_000),
    fc.constantFrom('{"type":', '{type: "ping"}', "{'type':'ping'}", '[', 'ping', '{"type":"ping"}}', ''),
  );
  const binary = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.constantFrom(...samples).map((s) => new TextEncoder().encode(JSON.stringify(s))),
  );
  return fc.oneof(
    { arbitrary: json.map((text): RawFrame => ({ text })), weight: 4 },
    { arbitrary: notJson.map((text): RawFrame => ({ text })), weight: 2 },
    { arbitrary: binary.map((data): RawFrame => ({ binary: data })), weight: 1 },
  ).filter((frame) => !accepted(schema, frame));
}

export function sendRaw(client: FrameClient, frame: RawFrame): void {
  if ('binary' in frame) client.ws.send(frame.binary, { binary: true });
  else client.ws.send(frame.text);
}

/** Error codes a refused frame may get; anything else (`internal`: the handler threw) is a failure. */
export const REFUSAL_CODES = ['malformed_frame', 'invalid_frame', 'unknown_frame'];

/**
 * Sockets used for a few cases each: a socket's frame budget (R-OPS-03: a burst, then a few a
 * second) would otherwise answer `rate_limited` and test the gate instead of the parser. Each
 * socket proves it still works before it is retired.
 */
export class SocketPool {
  private current: FrameClient | undefined;
  private used = 0;
  sockets = 0;

  constructor(
    private readonly open: () => Promise<FrameClient>,
    /** Frames per socket, under its burst: the closing check needs a frame or two. */
    private readonly perSocket: number,
    /** Proves the socket still works before it is closed (default: ping → pong). */
    private readonly verify: (socket: FrameClient) => Promise<void> = roundTrip,
  ) {}

  async socket(): Promise<FrameClient> {
    if (this.current && this.used < this.perSocket && !this.current.closed) {
      this.used += 1;
      return this.current;
    }
    await this.retire();
    this.current = await this.open();
    this.sockets += 1;
    this.used = 1;
    return this.current;
  }

  /** Checks the socket still answers, then closes it. */
  async retire(): Promise<void> {
    const socket = this.current;
    this.current = undefined;
    if (!socket) return;
    if (socket.closed) throw new Error(`a fuzzed socket was closed: ${JSON.stringify(socket.closed)}`);
    await this.verify(socket);
    socket.close();
  }
}

/** Sends a refused frame and answers the error frame it provokes. */
export async function refusalOf(client: FrameClient, frame: RawFrame): Promise<Record<string, unknown>> {
  const error = nextNew(client, (f) => f.type === 'error');
  sendRaw(client, frame);
  return error;
}
