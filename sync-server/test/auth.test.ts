import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse } from '@atende/protocol';
import { addUser, call, FrameClient, login, startTestServer, type TestServer } from './helpers.js';
import { until } from './redis.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('auth', () => {
  it('R-AUTH-03 login with e-mail and password returns tokens and the public profile', async () => {
    const reply = await call<LoginResponse>(server, 'POST', '/api/auth/login', { body: { email: 'ANA@demo.local', password: 'atende123' } });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toMatchObject({ id: 'user:ana', role: 'agent', teamIds: ['team:suporte'] });
    expect(reply.body.accessToken).toBeTruthy();
    expect(reply.body.refreshToken).toBeTruthy();
    expect(JSON.stringify(reply.body.user)).not.toMatch(/hash|password/i);
    const me = await call(server, 'GET', '/api/auth/me', { token: reply.body.accessToken });
    expect(me.status).toBe(200);
  });

  it('R-AUTH-04 passwords are stored only as salted scrypt hashes', async () => {
    const credentials = await server.store.find({ selector: { type: 'credential' }, limit: 100 });
    expect(credentials.length).toBeGreaterThanOrEqual(4);
    const hashes = credentials.map((c) => String(c.passwordHash));
    for (const hash of hashes) {
      expect(hash).toMatch(/^scrypt\$/);
      expect(hash).not.toContain('atende123');
    }
    expect(new Set(hashes).size).toBe(hashes.length); // same password, different salts
  });

  it('R-AUTH-03 a wrong password or unknown e-mail is a 401 with the same message', async () => {
    const wrong = await call<{ error: string; message: string }>(server, 'POST', '/api/auth/login', { body: { email: 'bruno@demo.local', password: 'nope' } });
    const unknown = await call<{ error: string; message: string }>(server, 'POST', '/api/auth/login', { body: { email: 'ghost@demo.local', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
  });

  it('R-AUTH-03 five wrong attempts lock the login with a clear 423, even for the right password, until an admin unlocks it', async () => {
    await addUser(server, { key: 'locky', name: 'Locky', email: 'locky@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const attempt = (password: string) => call<{ error: string; message: string; retryAfterSeconds?: number }>(server, 'POST', '/api/auth/login', { body: { email: 'locky@test.local', password } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt('wrong')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const locked = await attempt('atende123');
    expect(locked.status).toBe(423);
    expect(locked.body.error).toBe('locked');
    expect(locked.body.message).toMatch(/temporariamente bloqueado/);
    expect(locked.body.retryAfterSeconds).toBeGreaterThan(0);

    const ana = await login(server, 'ana@demo.local');
    expect((await call(server, 'POST', '/api/auth/unlock/user:locky', { token: ana.accessToken, body: {} })).status).toBe(403);
    const admin = await login(server, 'admin@demo.local');
    expect((await call(server, 'POST', '/api/auth/unlock/user:locky', { token: admin.accessToken, body: {} })).status).toBe(204);
    expect((await attempt('atende123')).status).toBe(200);
  });

  it('R-AUTH-04 refresh rotates the token; reusing an old refresh token revokes the session', async () => {
    const first = await login(server, 'bruno@demo.local');
    const socket = await FrameClient.agent(server, first.accessToken);
    const second = await call<LoginResponse>(server, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const reuse = await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(reuse.status).toBe(401);
    // The theft signal ends the whole session: the rotated token and its access token die too.
    expect((await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: second.body.refreshToken } })).status).toBe(401);
    expect((await call(server, 'GET', '/api/auth/me', { token: second.body.accessToken })).status).toBe(401);
    // …and its open sockets close, on every node (the revocation goes over the bus).
    await until(async () => socket.closed?.code === 4001, 5_000);
  });

  it('R-AUTH-04 logout revokes the access and refresh tokens', async () => {
    const session = await login(server, 'carla@demo.local');
    expect((await call(server, 'POST', '/api/auth/logout', { token: session.accessToken, body: {} })).status).toBe(204);
    expect((await call(server, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(401);
    expect((await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await call(server, 'GET', '/api/sync/conversations/pull', { token: session.accessToken })).status).toBe(401);
  });

  it('R-AUTH-04 forged, tampered and malformed tokens are 401', async () => {
    const { accessToken } = await login(server, 'ana@demo.local');
    const [body, mac] = accessToken.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ kind: 'access', sub: 'user:admin', sid: 'session:x', exp: 9e9 })).toString('base64url');
    for (const token of [`${forgedBody}.${mac}`, `${body}.AAAA`, 'garbage', '']) {
      expect((await call(server, 'GET', '/api/auth/me', { token })).status).toBe(401);
    }
    expect((await call(server, 'GET', '/api/auth/me')).status).toBe(401);
  });

  it('R-AUTH-03 the demo organisation has the four documented accounts with their roles', async () => {
    const roles = await Promise.all(
      ['ana', 'bruno', 'carla', 'admin'].map(async (name) => (await login(server, `${name}@demo.local`)).user.role),
    );
    expect(roles).toEqual(['agent', 'agent', 'supervisor', 'admin']);
  });

  it('R-AUTH-04 the demo password can be overridden with ATENDE_DEMO_PASSWORD', async () => {
    const other = await startTestServer({ ATENDE_DEMO_PASSWORD: 'outra-senha' });
    try {
      expect((await call(other, 'POST', '/api/auth/login', { body: { email: 'ana@demo.local', password: 'atende123' } })).status).toBe(401);
      expect((await call(other, 'POST', '/api/auth/login', { body: { email: 'ana@demo.local', password: 'outra-senha' } })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
