import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../src/bus/index.js';
import { RateLimiter } from '../src/http/rateLimit.js';
import { hasRedis, startRedis, until, type TestRedis } from './redis.js';

interface App {
  url: string;
  close(): Promise<void>;
}

const servers: Server[] = [];

/** A tiny app with the limiter in front of a login and a webhook route, on a loopback port. */
async function appWith(limiter: RateLimiter): Promise<App> {
  const app = express();
  // The tests stand for several clients by sending X-Forwarded-For from loopback.
  app.set('trust proxy', 'loopback');
  app.post('/login', limiter.middleware('login'), (_req, res) => void res.json({ ok: true }));
  app.post('/hook', limiter.middleware('webhook'), (_req, res) => void res.json({ ok: true }));
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function post(app: App, path: string, client = '203.0.113.1') {
  const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'X-Forwarded-For': client } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe('RateLimiter', () => {
  it('R-OPS-01 past the per-minute limit a client gets 429 rate_limited, per bucket and per client address', async () => {
    const app = await appWith(new RateLimiter(3));
    for (let i = 0; i < 3; i += 1) expect((await post(app, '/login')).status).toBe(200);
    const limited = await post(app, '/login');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'rate_limited', message: expect.any(String) });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect((await post(app, '/hook')).status).toBe(200); // another bucket
    expect((await post(app, '/login', '203.0.113.2')).status).toBe(200); // another client
  });
});

describe.skipIf(!hasRedis)('RateLimiter over Redis', () => {
  // requires the redis-server Debian package (.ci/run installs it)
  let redis: TestRedis;
  const buses: RedisBus[] = [];
  let namespace = 0;
  const nodeLimiter = async (perMinute: number, logs: string[] = []) => {
    const bus = await RedisBus.open(redis.url, { namespace: `rl${namespace}` });
    buses.push(bus);
    return new RateLimiter(perMinute, { bus, log: (m) => logs.push(m) });
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    namespace += 1;
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('R-OPS-01 two nodes sharing one Redis count a client together', async () => {
    const a = await appWith(await nodeLimiter(3));
    const b = await appWith(await nodeLimiter(3));
    expect((await post(a, '/login')).status).toBe(200);
    expect((await post(a, '/login')).status).toBe(200);
    expect((await post(b, '/login')).status).toBe(200);
    expect((await post(b, '/login')).status).toBe(429);
    expect((await post(a, '/login')).status).toBe(429);
    expect((await post(b, '/hook')).status).toBe(200);
    expect((await post(a, '/login', '203.0.113.9')).status).toBe(200);
  });

  it('R-WS-12 R-OPS-01 chat messages are counted per user across nodes sharing one Redis, whatever the address', async () => {
    const chatApp = async () => {
      const limiter = await nodeLimiter(1_000);
      const app = express();
      app.post('/chat', limiter.perUser('chat-message', (req) => String(req.headers['x-user'])), (_req, res) => void res.json({ ok: true }));
      const server = createServer(app);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
      return async (user: string) => {
        const res = await fetch(url, { method: 'POST', headers: { 'X-User': user } });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
    };
    const [a, b] = [await chatApp(), await chatApp()];
    for (let n = 0; n < 20; n += 1) expect((await (n % 2 ? a : b)('user:flavia')).status).toBe(200);
    const held = await a('user:flavia');
    expect(held.status).toBe(429);
    expect(held.body).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/chat interno/) });
    expect((await b('user:flavia')).status).toBe(429);
    expect((await b('user:bruno')).status).toBe(200);
  });

  it('R-OPS-01 while Redis is unreachable requests pass (logged), and counting resumes once it is back', async () => {
    const logs: string[] = [];
    const app = await appWith(await nodeLimiter(2, logs));
    expect((await post(app, '/login')).status).toBe(200);
    await redis.restart(async () => {
      for (let i = 0; i < 3; i += 1) expect((await post(app, '/login')).status).toBe(200);
    });
    expect(logs.length).toBeGreaterThan(0);
    await until(() => buses.every((b) => b.connected), 10_000);
    // Redis came back empty (no persistence in tests): a fresh window of 2.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await post(app, '/login')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
