/**
 * R-OPS-03: every per-connection queue is bounded. A socket that floods frames is throttled
 * (frames dropped before any work, one `rate_limited` notice a second) and then closed with
 * 1008; a reader that stops reading is cut once its outbound buffer passes the cap. No timing
 * asserts: counts and bounded waits only.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_BUFFERED_BYTES, sendFrame, socketCounts } from '../src/realtime/socket.js';
import {
  AGENT_FRAMES, FrameGate, MAX_PENDING_FRAMES, NOTICE_INTERVAL_MS, relayChanges, VISITOR_FRAMES,
} from '../src/realtime/throttle.js';
import { call, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

const FLOOD = 20_000;
const MiB = 1024 * 1024;

/** Just the surface of a ws socket the gate and sendFrame touch. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Array<Record<string, unknown>> = [];
  readonly send = vi.fn((payload: string) => void this.sent.push(JSON.parse(payload) as Record<string, unknown>));
  readonly close = vi.fn(() => void (this.readyState = 2));
  readonly terminate = vi.fn(() => void (this.readyState = 3));
  // The production code takes ws's WebSocket; this fake has every member it uses.
  get ws(): WebSocket {
    return this as unknown as WebSocket;
  }
}

describe('R-OPS-03 frame gate and outbound cap (units)', () => {
  afterEach(() => vi.useRealTimers());

  it('R-OPS-03 a burst passes, the overrun is dropped with one rate_limited notice a second, a sustained overrun closes with 1008', () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date', 'setTimeout', 'clearTimeout'] });
    const socket = new FakeSocket();
    const gate = new FrameGate(socket.ws, AGENT_FRAMES);
    const admitted = Array.from({ length: AGENT_FRAMES.burst }, () => gate.admit());
    expect(admitted.every(Boolean)).toBe(true);
    expect(gate.admit()).toBe(false);
    expect(socket.sent).toEqual([{ type: 'error', code: 'rate_limited', message: expect.any(String) }]);
    // The bucket refills at the sustained rate.
    vi.advanceTimersByTime(NOTICE_INTERVAL_MS);
    const refilled = Array.from({ length: AGENT_FRAMES.perSecond + 5 }, () => gate.admit()).filter(Boolean);
    expect(refilled).toHaveLength(AGENT_FRAMES.perSecond);
    expect(socket.sent.filter((f) => f.code === 'rate_limited')).toHaveLength(2);
    expect(socket.close).not.toHaveBeenCalled();
    for (let i = 0; i < AGENT_FRAMES.dropsBeforeClose; i++) gate.admit();
    expect(socket.close).toHaveBeenCalledWith(1008, 'rate_limited');
    expect(socket.sent.filter((f) => f.code === 'rate_limited')).toHaveLength(2);
    // Once closing, nothing more is admitted; a peer that never answers the close is cut.
    vi.advanceTimersByTime(AGENT_FRAMES.dropsBeforeClose * 1000);
    expect(gate.admit()).toBe(false);
    expect(socket.terminate).toHaveBeenCalled();
  });

  it('R-OPS-03 a socket’s in-order backlog is capped: past MAX_PENDING_FRAMES the socket is closed with 1008', () => {
    const socket = new FakeSocket();
    const gate = new FrameGate(socket.ws, AGENT_FRAMES);
    for (let i = 0; i < MAX_PENDING_FRAMES; i++) expect(gate.enqueue()).toBe(true);
    gate.settled();
    expect(gate.enqueue()).toBe(true);
    expect(socket.close).not.toHaveBeenCalled();
    expect(gate.enqueue()).toBe(false);
    expect(socket.close).toHaveBeenCalledWith(1008, 'backlog');
  });

  it('R-OPS-03 sendFrame terminates a reader whose buffered bytes would pass the cap instead of buffering more', () => {
    const socket = new FakeSocket();
    socket.bufferedAmount = MAX_BUFFERED_BYTES - 1024;
    sendFrame(socket.ws, { type: 'pong' });
    expect(socket.send).toHaveBeenCalledTimes(1);
    const before = socketCounts.terminatedSlow;
    sendFrame(socket.ws, { type: 'typing', pad: 'x'.repeat(2048) });
    expect(socket.send).toHaveBeenCalledTimes(1);
    expect(socket.terminate).toHaveBeenCalledTimes(1);
    expect(socketCounts.terminatedSlow).toBe(before + 1);
  });

  it('R-OPS-03 typing relays only changes, with one lookup in flight whatever the number of frames', async () => {
    const calls: boolean[] = [];
    let finish: (delivered: boolean) => void = () => undefined;
    const relay = relayChanges((value) => {
      calls.push(value);
      return new Promise<boolean>((resolve) => (finish = resolve));
    });
    for (let i = 0; i < 1000; i++) relay(i % 2 === 0);
    expect(calls).toEqual([true]);
    finish(true);
    await vi.waitFor(() => expect(calls).toEqual([true, false])); // the latest value, once
    finish(true);
    await nextTurn();
    for (let i = 0; i < 1000; i++) relay(false);
    expect(calls).toEqual([true, false]); // unchanged: no lookup at all
  });
});

describe('R-OPS-03 floods against a real server', () => {
  let server: TestServer;
  let ana: string;

  beforeAll(async () => {
    server = await startTestServer();
    ana = (await login(server, 'ana@demo.local')).accessToken;
  });
  afterAll(() => server.close());

  /** Sends the flood, then waits for the close; the health request runs while frames arrive. */
  async function flood(client: FrameClient, frame: (i: number) => unknown) {
    const counts = { ...socketCounts };
    const rss = process.memoryUsage().rss;
    const reads = vi.spyOn(server.store, 'get');
    for (let i = 0; i < FLOOD; i++) client.send(frame(i));
    const during = call(server, 'GET', '/api/health');
    const closed = await client.closedPromise(15_000);
    const after = await call(server, 'GET', '/api/health');
    const storeReads = reads.mock.calls.length;
    reads.mockRestore();
    return {
      closed, storeReads,
      health: [(await during).status, after.status],
      accepted: socketCounts.accepted - counts.accepted,
      dropped: socketCounts.dropped - counts.dropped,
      rssGrowth: process.memoryUsage().rss - rss,
      notices: client.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited'),
    };
  }

  it('R-OPS-03 an anonymous visitor flooding 20,000 typing frames is throttled, then closed with 1008; the server keeps answering', async () => {
    const visitor = await newVisitor(server);
    await visitorSays(server, visitor, 'Olá');
    const client = await FrameClient.visitor(server, visitor.token);
    const result = await flood(client, (i) => ({ type: 'typing', typing: i % 2 === 0 }));

    expect(result.closed).toEqual({ code: 1008, reason: 'rate_limited' });
    expect(result.notices.length).toBeGreaterThanOrEqual(1);
    expect(result.notices.length).toBeLessThan(VISITOR_FRAMES.dropsBeforeClose); // never one per dropped frame
    expect(result.health).toEqual([200, 200]);
    // Work follows the budget, not the flood: the rest never reached a handler or the store.
    expect(result.accepted).toBeLessThan(FLOOD / 100);
    expect(result.dropped).toBeGreaterThan(VISITOR_FRAMES.dropsBeforeClose);
    expect(result.storeReads).toBeLessThanOrEqual(2 * result.accepted);
    expect(result.rssGrowth).toBeLessThan(200 * MiB);
  });

  it('R-OPS-03 an agent flooding 20,000 typing frames after hello is throttled, then closed with 1008; other sockets keep working', async () => {
    const bystander = await FrameClient.agent(server, ana);
    const client = await FrameClient.agent(server, ana);
    const result = await flood(client, () => ({ type: 'typing', conversationId: 'conversation:nenhuma', typing: true }));

    expect(result.closed).toEqual({ code: 1008, reason: 'rate_limited' });
    expect(result.notices.length).toBeGreaterThanOrEqual(1);
    expect(result.notices.length).toBeLessThan(AGENT_FRAMES.dropsBeforeClose);
    expect(result.health).toEqual([200, 200]);
    expect(result.accepted).toBeLessThan(FLOOD / 100);
    expect(result.dropped).toBeGreaterThan(AGENT_FRAMES.dropsBeforeClose);
    expect(result.rssGrowth).toBeLessThan(200 * MiB);
    bystander.send({ type: 'ping' });
    await bystander.next((f) => f.type === 'pong');
    expect(bystander.closed).toBeUndefined();
    bystander.close();
  });

  it('R-OPS-03 well-behaved sockets (a burst, then a few frames a second) are never throttled', async () => {
    const visitor = await newVisitor(server);
    const sockets = [
      { client: await FrameClient.agent(server, ana), budget: AGENT_FRAMES },
      { client: await FrameClient.visitor(server, visitor.token), budget: VISITOR_FRAMES },
    ];
    await Promise.all(sockets.map(async ({ client, budget }) => {
      const burst = budget.burst - 5;
      for (let i = 0; i < burst; i++) client.send({ type: 'ping' });
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000 / budget.perSecond + 100));
        client.send({ type: 'ping' });
      }
      await vi.waitFor(() => expect(client.frames.filter((f) => f.type === 'pong')).toHaveLength(burst + 6), { timeout: 5000 });
      expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
      expect(client.closed).toBeUndefined();
      client.close();
    }));
  });

  it('R-OPS-03 a reader that stops reading is terminated once its outbound buffer passes the cap', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const reader = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    reader.on('error', () => undefined);
    await new Promise<void>((resolve) => reader.once('open', () => resolve()));
    // ws keeps its net.Socket private; pausing it is the only way to stop reading from outside.
    (reader as unknown as { _socket: { pause(): void } })._socket.pause();
    const peer = await accepted;
    const closed = new Promise<void>((resolve) => peer.once('close', () => resolve()));
    const frame = { type: 'sync.changed', pad: 'x'.repeat(64 * 1024) };
    let peakBuffered = 0;
    // Bounded: 64 MiB at most, far past what loopback kernel buffers plus the cap can hold.
    for (let i = 0; i < 1024 && peer.readyState === peer.OPEN; i++) {
      sendFrame(peer, frame);
      peakBuffered = Math.max(peakBuffered, peer.bufferedAmount);
      await nextTurn();
    }
    await closed;
    expect(peer.readyState).toBe(peer.CLOSED);
    expect(peakBuffered).toBeLessThanOrEqual(MAX_BUFFERED_BYTES);
    reader.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
});
