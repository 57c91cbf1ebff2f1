import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PresenceStatus } from '@atende/protocol';
import { RedisBus } from '../src/bus/index.js';
import { PresenceTracker, RedisPresence } from '../src/realtime/presence.js';
import { hasRedis, startRedis, until, type TestRedis } from './redis.js';

describe('PresenceTracker', () => {
  let changes: Array<[string, PresenceStatus]>;
  let tracker: PresenceTracker;
  beforeEach(() => {
    vi.useFakeTimers();
    changes = [];
    tracker = new PresenceTracker(30_000, (userId, status) => changes.push([userId, status]));
  });
  afterEach(() => {
    tracker.stop();
    vi.useRealTimers();
  });

  it('R-NET-06 a drop shows offline only after the 30 s grace, and not at all when the agent is back in time', () => {
    tracker.connected('user:ana');
    tracker.disconnected('user:ana');
    vi.advanceTimersByTime(29_999);
    expect(tracker.statusOf('user:ana')).toBe('online');
    tracker.connected('user:ana');
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual([['user:ana', 'online']]);
    tracker.disconnected('user:ana');
    vi.advanceTimersByTime(30_000);
    expect(changes).toEqual([['user:ana', 'online'], ['user:ana', 'offline']]);
  });

  it('R-NET-06 one of two windows closing keeps the agent online', () => {
    tracker.connected('user:ana');
    tracker.connected('user:ana');
    tracker.disconnected('user:ana');
    vi.advanceTimersByTime(120_000);
    expect(tracker.statusOf('user:ana')).toBe('online');
  });

  it('R-AUTH-05 logout is offline at once, and the next sign-in starts available rather than paused', () => {
    tracker.connected('user:ana');
    tracker.setStatus('user:ana', 'paused');
    tracker.disconnected('user:ana');
    tracker.loggedOut('user:ana');
    expect(tracker.statusOf('user:ana')).toBe('offline');
    tracker.connected('user:ana');
    expect(changes.map(([, s]) => s)).toEqual(['online', 'paused', 'offline', 'online']);
  });

  it('R-WS-09 a pause survives a short drop', () => {
    tracker.connected('user:ana');
    tracker.setStatus('user:ana', 'paused');
    tracker.disconnected('user:ana');
    tracker.connected('user:ana');
    expect(tracker.statusOf('user:ana')).toBe('paused');
  });
});

describe.skipIf(!hasRedis)('RedisPresence across nodes', () => {
  // requires the redis-server Debian package (.ci/run installs it)
  interface Node {
    bus: RedisBus;
    presence: RedisPresence;
    changes: Array<[string, PresenceStatus]>;
    kill(): Promise<void>;
  }
  let redis: TestRedis;
  let namespace = 0;
  const nodes: Node[] = [];
  const node = async (nodeId: string, graceMs: number): Promise<Node> => {
    const bus = await RedisBus.open(redis.url, { nodeId, namespace: `presence${namespace}` });
    const changes: Array<[string, PresenceStatus]> = [];
    const presence = new RedisPresence(bus, graceMs, (userId, status) => changes.push([userId, status]));
    const n = {
      bus,
      presence,
      changes,
      async kill() {
        presence.stop();
        await bus.close();
      },
    };
    nodes.push(n);
    return n;
  };
  const statusesOf = (n: Node, userId: string) => n.changes.filter(([u]) => u === userId).map(([, s]) => s);

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    namespace += 1;
    await Promise.all(nodes.splice(0).map((n) => n.kill()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('R-NET-06 a user seen on node A is online on node B; coming back on B within the grace shows no offline; a drop goes offline everywhere after the grace', async () => {
    const a = await node('a', 400);
    const b = await node('b', 400);
    a.presence.connected('user:ana');
    await until(() => b.presence.statusOf('user:ana') === 'online');
    a.presence.disconnected('user:ana');
    b.presence.connected('user:ana');
    // A marker dropped after Ana's drop on A goes offline only after Ana's lease on A has run out.
    a.presence.connected('user:zoe');
    a.presence.disconnected('user:zoe');
    await until(() => statusesOf(b, 'user:zoe').includes('offline'));
    expect(statusesOf(a, 'user:ana')).toEqual(['online']);
    expect(statusesOf(b, 'user:ana')).toEqual(['online']);
    // A node started later learns the current statuses from Redis.
    const c = await node('c', 400);
    await until(() => c.presence.statusOf('user:ana') === 'online');
    b.presence.disconnected('user:ana');
    // Each node hears the change on its own Redis connection, so each is awaited, B included.
    await until(() => [a, b, c].every((n) => n.presence.statusOf('user:ana') === 'offline'));
    expect(statusesOf(a, 'user:ana')).toEqual(['online', 'offline']);
    expect(statusesOf(b, 'user:ana')).toEqual(['online', 'offline']);
  });

  it('R-OPS-01 when node A dies its users go offline once their leases run out, while users on node B stay online', async () => {
    const a = await node('a', 400);
    const b = await node('b', 400);
    a.presence.connected('user:ana');
    b.presence.connected('user:bia');
    await until(() => b.presence.statusOf('user:ana') === 'online' && b.presence.statusOf('user:bia') === 'online');
    await a.kill(); // no release: a dead node says nothing
    await until(() => b.presence.statusOf('user:ana') === 'offline');
    expect(b.presence.statusOf('user:bia')).toBe('online');
    expect(statusesOf(b, 'user:bia')).toEqual(['online']);
  });

  it('R-AUTH-05 logout is offline at once on every node unless another node still holds a connection; a pause is shared and ends with the session', async () => {
    // A grace of a minute: only the logout can turn the agent offline within this test.
    const a = await node('a', 60_000);
    const b = await node('b', 60_000);
    a.presence.connected('user:ana');
    b.presence.connected('user:ana');
    a.presence.setStatus('user:ana', 'paused');
    await until(() => b.presence.statusOf('user:ana') === 'paused');
    a.presence.disconnected('user:ana');
    a.presence.loggedOut('user:ana'); // another session on B keeps the agent present
    b.presence.disconnected('user:ana');
    b.presence.loggedOut('user:ana');
    await until(() => a.presence.statusOf('user:ana') === 'offline' && b.presence.statusOf('user:ana') === 'offline');
    expect(statusesOf(a, 'user:ana')).toEqual(['online', 'paused', 'offline']);
    a.presence.connected('user:ana');
    await until(() => b.presence.statusOf('user:ana') === 'online');
    expect(statusesOf(b, 'user:ana')).toEqual(['online', 'paused', 'offline', 'online']);
  });
});
