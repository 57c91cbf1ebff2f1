import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebchatServerFrame } from '@atende/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import { MemoryBus, openBus, publishTopic, RedisBus, subscribeTopic, type Bus } from '../src/bus/index.js';
import { VisitorSockets } from '../src/channels/webchat/visitorSockets.js';
import { hasRedis, startRedis, until, type TestRedis } from './redis.js';

describe('MemoryBus', () => {
  it('R-OPS-01 delivers asynchronously and as a copy, to every subscriber of the topic and no other', async () => {
    const bus = new MemoryBus();
    const got: unknown[] = [];
    const other: unknown[] = [];
    bus.subscribe('t', (m) => got.push(m));
    bus.subscribe('t', (m) => got.push(m));
    bus.subscribe('u', (m) => other.push(m));
    const sent = { n: 1 };
    const published = bus.publish('t', sent);
    expect(got).toEqual([]); // never synchronously, as with Redis
    await published;
    await until(() => got.length === 2);
    expect(got).toEqual([{ n: 1 }, { n: 1 }]);
    expect(got[0]).not.toBe(sent);
    expect(other).toEqual([]);
    await bus.close();
  });

  it('R-OPS-01 an unsubscribed handler gets nothing, a failing handler does not stop the others, a closed bus rejects', async () => {
    const logs: string[] = [];
    const bus = new MemoryBus({ log: (m) => logs.push(m) });
    const got: unknown[] = [];
    const off = bus.subscribe('t', (m) => got.push(['off', m]));
    bus.subscribe('t', () => {
      throw new Error('boom');
    });
    bus.subscribe('t', (m) => got.push(['kept', m]));
    off();
    await bus.publish('t', 1);
    await until(() => got.length === 1);
    expect(got).toEqual([['kept', 1]]);
    expect(logs.join()).toContain('boom');
    await bus.close();
    await expect(bus.publish('t', 2)).rejects.toThrow(/closed/);
  });

  it('R-OPS-01 typed topics drop a message that does not fit its schema', async () => {
    const logs: string[] = [];
    const bus = new MemoryBus();
    const got: unknown[] = [];
    subscribeTopic(bus, 'session.revoked', (m) => got.push(m.sessionId), (m) => logs.push(m));
    await bus.publish('session.revoked', { sessionId: 42 });
    await publishTopic(bus, 'session.revoked', { sessionId: 'session:A', userId: 'user:ana' });
    await until(() => got.length === 1);
    expect(got).toEqual(['session:A']);
    expect(logs).toHaveLength(1);
    await bus.close();
  });
});

describe.skipIf(!hasRedis)('RedisBus', () => {
  // requires the redis-server Debian package (.ci/run installs it)
  let redis: TestRedis;
  const open: Bus[] = [];
  let namespace = 0;
  const node = async (nodeId: string, logs: string[] = []) => {
    const bus = await RedisBus.open(redis.url, { nodeId, namespace: `test${namespace}`, log: (m) => logs.push(m) });
    open.push(bus);
    return bus;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    namespace += 1;
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('R-OPS-01 a message published on one node reaches every node, the publisher included, in order', async () => {
    const a = await node('a');
    const b = await node('b');
    const atA: unknown[] = [];
    const atB: unknown[] = [];
    a.subscribe('visitor.deliver', (m) => atA.push(m));
    b.subscribe('visitor.deliver', (m) => atB.push(m));
    for (let i = 0; i < 20; i += 1) await a.publish('visitor.deliver', { i });
    await b.publish('other', { ignored: true });
    await until(() => atA.length === 20 && atB.length === 20);
    expect(atB).toEqual(Array.from({ length: 20 }, (_, i) => ({ i })));
    expect(atA).toEqual(atB);
  });

  it('R-OPS-01 after CLIENT KILL both connections come back, and what was published while the reader was cut off still arrives', async () => {
    const a = (await node('a')) as RedisBus;
    const b = await node('b');
    const atA: unknown[] = [];
    a.subscribe('t', (m) => atA.push(m));
    expect(await redis.killClients(/^atende:a:/)).toBe(2);
    // Node b keeps publishing while node a's reader reconnects.
    for (let i = 0; i < 5; i += 1) await b.publish('t', { i });
    await until(() => atA.length === 5);
    await until(() => a.connected);
    await a.publish('t', { i: 5 });
    await until(() => atA.length === 6);
    expect(atA).toEqual(Array.from({ length: 6 }, (_, i) => ({ i })));
  });

  it('R-OPS-01 a publish while Redis is unreachable rejects rather than dropping silently, and works again once Redis is back', async () => {
    const logs: string[] = [];
    const a = (await node('a', logs)) as RedisBus;
    const got: unknown[] = [];
    a.subscribe('t', (m) => got.push(m));
    await redis.restart(async () => {
      await until(() => !a.connected);
      await expect(a.publish('t', { during: true })).rejects.toThrow();
    });
    await until(() => a.connected, 10_000);
    await a.publish('t', { after: true });
    await until(() => got.length === 1, 10_000);
    expect(got).toEqual([{ after: true }]);
    expect(logs.some((l) => /connection lost/.test(l))).toBe(true);
  });

  it('R-OPS-01 start-up fails with a clear error when Redis is unreachable', async () => {
    await expect(openBus('redis://127.0.0.1:1')).rejects.toThrow(/unreachable/);
  });
});

/** A node's visitor sockets behind a loopback WebSocket server, and one visitor connected to it. */
async function visitorNode(bus: Bus) {
  const sockets = new VisitorSockets(bus, { maxSocketsPerContact: 2 });
  const delivered: Array<[string, WebchatServerFrame]> = [];
  sockets.onDelivered((contactId, frame) => delivered.push([contactId, frame]));
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server.on('connection', (ws, req) => sockets.attach(new URL(req.url ?? '/', 'http://x').searchParams.get('contact') ?? '', ws));
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const visit = async (contactId: string) => {
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/?contact=${contactId}`);
    const frames: unknown[] = [];
    const closed: number[] = [];
    client.on('message', (data) => frames.push(JSON.parse(String(data))));
    client.on('close', (code) => closed.push(code));
    await new Promise<void>((resolve, reject) => client.once('open', () => resolve()).once('error', reject));
    await until(() => sockets.countOf(contactId) > 0);
    return { client, frames, closed };
  };
  return {
    sockets,
    delivered,
    visit,
    async close() {
      sockets.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const typingFrame: WebchatServerFrame = { type: 'typing', typing: true };

describe('VisitorSockets', () => {
  it('R-OPS-01 a frame reaches the visitor sockets of its contact only, and the node that wrote it reports the delivery', async () => {
    const bus = new MemoryBus();
    const node = await visitorNode(bus);
    const ana = await node.visit('contact:ana');
    const bia = await node.visit('contact:bia');
    await node.sockets.deliver('contact:ana', typingFrame);
    await until(() => ana.frames.length === 1);
    expect(ana.frames).toEqual([typingFrame]);
    expect(bia.frames).toEqual([]);
    expect(node.delivered).toEqual([['contact:ana', typingFrame]]);
    // Nobody of that contact here: nothing is reported delivered.
    await node.sockets.deliver('contact:nobody', typingFrame);
    await node.sockets.deliver('contact:bia', typingFrame);
    await until(() => bia.frames.length === 1);
    expect(node.delivered.map(([c]) => c)).toEqual(['contact:ana', 'contact:bia']);
    await node.close();
  });

  it('R-OPS-03 a visitor keeps a bounded number of sockets per node; the oldest is closed with 1008', async () => {
    const node = await visitorNode(new MemoryBus());
    const first = await node.visit('contact:ana');
    await node.visit('contact:ana');
    await node.visit('contact:ana');
    await until(() => first.closed.length === 1);
    expect(first.closed).toEqual([1008]);
    expect(node.sockets.countOf('contact:ana')).toBe(2);
    await node.close();
  });

  describe.skipIf(!hasRedis)('across two nodes sharing Redis', () => {
    // requires the redis-server Debian package (.ci/run installs it)
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('R-OPS-01 a reply sent through node A reaches the visitor connected to node B, and node B reports the delivery', async () => {
      const busA = await RedisBus.open(redis.url, { nodeId: 'a', namespace: 'visitors' });
      const busB = await RedisBus.open(redis.url, { nodeId: 'b', namespace: 'visitors' });
      const a = await visitorNode(busA);
      const b = await visitorNode(busB);
      const visitor = await b.visit('contact:ana');
      const frame: WebchatServerFrame = {
        type: 'message',
        message: { id: 'message:01', direction: 'out', authorName: 'Ana', text: 'Olá', createdAt: 1, attachments: [] },
      };
      await a.sockets.deliver('contact:ana', frame);
      await until(() => visitor.frames.length === 1);
      expect(visitor.frames).toEqual([frame]);
      await until(() => b.delivered.length === 1);
      expect(a.delivered).toEqual([]);
      await Promise.all([a.close(), b.close()]);
      await Promise.all([busA.close(), busB.close()]);
    });
  });
});
