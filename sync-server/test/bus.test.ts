import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus, openBus, publishTopic, RedisBus, subscribeTopic, type Bus } from '../src/bus/index.js';
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
