import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerFrame } from '@atende/protocol';
import { RedisBus } from '../src/bus/index.js';
import { PresenceTracker, RedisPresence } from '../src/realtime/presence.js';
import { call, FrameClient, login, nextNew, startTestServer, type TestServer } from './helpers.js';
import { hasRedis, startRedis, until } from './redis.js';

/**
 * R-SV-01 "time in current status" (issue 16, design decision 6): the server tells when each
 * user's presence last changed — in every `presence` frame and, for everyone known, in the
 * `welcome` frame — over the real agent socket.
 */
let server: TestServer;
let carla: string;
const sockets: FrameClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  carla = (await login(server, 'carla@demo.local')).accessToken;
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server.close();
});

const socket = async (token: string) => {
  const client = await FrameClient.agent(server, token);
  sockets.push(client);
  return client;
};

describe('R-SV-01 presence carries since when', () => {
  it('R-SV-01 a status change is told with the time it began; a later welcome gives the same time; a pause starts a new one', async () => {
    const watcher = await socket(carla);
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const before = Date.now();
    const online = nextNew(watcher, (f) => f.type === 'presence' && f.userId === 'user:ana' && f.status === 'online');
    await socket(ana);
    const frame = await online;
    expect(ServerFrame.safeParse(frame).success).toBe(true);
    const since = frame.since as number;
    expect(since).toBeGreaterThanOrEqual(before);
    expect(since).toBeLessThanOrEqual(Date.now());

    // Someone who connects later reads the same start, not the time of their own welcome.
    const late = await socket((await login(server, 'admin@demo.local')).accessToken);
    const welcome = late.frames.find((f) => f.type === 'welcome') as { presence: Record<string, string>; presenceSince: Record<string, number> };
    expect(welcome.presence['user:ana']).toBe('online');
    expect(welcome.presenceSince['user:ana']).toBe(since);

    const paused = nextNew(watcher, (f) => f.type === 'presence' && f.userId === 'user:ana' && f.status === 'paused');
    expect((await call(server, 'POST', '/api/me/pause', { token: ana, body: { typeId: 'pausetype:treinamento' } })).status).toBe(200);
    expect((await paused).since).toBeGreaterThanOrEqual(since);
  });

  it('R-SV-01 frames from an older server, without since, still parse (the fields are optional)', () => {
    expect(ServerFrame.safeParse({ type: 'presence', userId: 'user:ana', status: 'online' }).success).toBe(true);
    expect(ServerFrame.safeParse({ type: 'welcome', userId: 'user:ana', presence: { 'user:ana': 'online' } }).success).toBe(true);
  });

  it('R-SV-01 the in-process presence keeps a status’s start until the status changes', () => {
    const changes: Array<[string, string, number]> = [];
    const tracker = new PresenceTracker(60_000, (userId, status, since) => changes.push([userId, status, since]));
    tracker.connected('user:ana');
    const first = tracker.sinceSnapshot()['user:ana'];
    tracker.connected('user:ana'); // a second window: still online since the first
    expect(tracker.sinceSnapshot()['user:ana']).toBe(first);
    tracker.setStatus('user:ana', 'paused');
    expect(changes.map(([, status]) => status)).toEqual(['online', 'paused']);
    expect(changes[1]?.[2]).toBe(tracker.sinceSnapshot()['user:ana']);
    expect(changes[1]?.[2]).toBeGreaterThanOrEqual(first ?? Infinity);
    tracker.stop();
  });
});

describe.skipIf(!hasRedis)('R-SV-01 presence since across nodes (Redis)', () => {
  it('R-SV-01 a change heard live is stamped on every node; a node started later knows the status but not its start until it changes', async () => {
    const redis = await startRedis();
    const opened: Array<{ bus: RedisBus; presence: RedisPresence }> = [];
    const node = async (nodeId: string) => {
      const bus = await RedisBus.open(redis.url, { nodeId, namespace: 'presence-since' });
      const presence = new RedisPresence(bus, 60_000, () => undefined);
      opened.push({ bus, presence });
      return presence;
    };
    try {
      const a = await node('node-a');
      const b = await node('node-b');
      const before = Date.now();
      a.connected('user:ana');
      await until(() => b.statusOf('user:ana') === 'online');
      const onB = b.sinceSnapshot()['user:ana'];
      expect(onB).toBeGreaterThanOrEqual(before);
      expect(a.sinceSnapshot()['user:ana']).toBeGreaterThanOrEqual(before);

      const c = await node('node-c');
      await until(() => c.statusOf('user:ana') === 'online');
      expect(c.sinceSnapshot()['user:ana']).toBeUndefined();
      a.setStatus('user:ana', 'paused');
      await until(() => c.statusOf('user:ana') === 'paused' && b.statusOf('user:ana') === 'paused');
      expect(c.sinceSnapshot()['user:ana']).toBeGreaterThanOrEqual(onB ?? Infinity);
    } finally {
      for (const { bus, presence } of opened) {
        presence.stop();
        await bus.close();
      }
      await redis.stop();
    }
  });
});
