import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse, OrganisationSettings } from '@atende/protocol';
import { addUser, call, DEMO_PASSWORD, login, startTestServer, type TestServer } from './helpers.js';

/**
 * R-AUTH-03 (issue 15): an optional per-organisation list of networks sign-ins may come from, and
 * disabled users refused. The test server believes X-Forwarded-For from loopback
 * (ATENDE_TRUST_PROXY), so a request can come "from" any address; without the header it is 127.0.0.1.
 */
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ ATENDE_TRUST_PROXY: '127.0.0.1' });
  admin = (await login(server, 'admin@demo.local')).accessToken;
});
afterAll(async () => server.close());

type Answer = OrganisationSettings & { error?: string; message?: string };
const from = (address: string) => ({ 'x-forwarded-for': address });
const save = (loginNetworks: string[], token = admin) =>
  call<Answer>(server, 'PATCH', '/api/admin/settings', { token, body: { loginNetworks } });
const signIn = (address: string | undefined, email = 'ana@demo.local', password = DEMO_PASSWORD) =>
  call<LoginResponse & { error?: string; message?: string }>(server, 'POST', '/api/auth/login', {
    body: { email, password }, ...(address ? { headers: from(address) } : {}),
  });

describe('R-AUTH-03 sign-in networks', () => {
  it('R-AUTH-03 a bad network entry is a 400 naming it; nothing is saved', async () => {
    for (const bad of ['10.0.0.0/33', '300.1.1.1', 'rede-da-empresa', '2001:db8::/129', '10.0.0.0/8/1']) {
      const reply = await save(['127.0.0.1', bad]);
      expect(reply.status, bad).toBe(400);
      expect(reply.body.message).toContain(`"${bad}"`);
    }
    expect((await call<Answer>(server, 'GET', '/api/admin/settings', { token: admin })).body).toEqual({ loginNetworks: [] });
  });

  it('R-AUTH-03 a list that would shut out the admin saving it is refused with a clear message', async () => {
    const reply = await save(['198.51.100.0/24']);
    expect(reply.status).toBe(422);
    expect(reply.body.message).toMatch(/bloquearia o seu próprio acesso/);
    expect(reply.body.message).toContain('127.0.0.1');
  });

  it('R-AUTH-03 outside the list a sign-in is 403 with a clear message; inside (IPv4 or IPv6) it is 200', async () => {
    const saved = await save(['127.0.0.1', '198.51.100.0/24', '2001:db8::/32', ' 198.51.100.0/24 ']);
    expect(saved.status).toBe(200);
    expect(saved.body.loginNetworks).toEqual(['127.0.0.1', '198.51.100.0/24', '2001:db8::/32']);
    expect((await call<Answer>(server, 'GET', '/api/admin/settings', { token: admin })).body.loginNetworks).toHaveLength(3);

    const outside = await signIn('203.0.113.9');
    expect(outside.status).toBe(403);
    expect(outside.body.error).toBe('network_not_allowed');
    expect(outside.body.message).toMatch(/não permitida a partir desta rede/);
    expect((await signIn('2001:db9::1')).status).toBe(403);
    expect((await signIn('198.51.100.77')).status).toBe(200);
    expect((await signIn('2001:db8:1::5')).status).toBe(200);
    expect((await signIn(undefined)).status).toBe(200);
  });

  it('R-AUTH-03 a session refreshed from outside the list is refused too', async () => {
    await save(['127.0.0.1', '198.51.100.0/24']);
    const session = (await signIn('198.51.100.1')).body;
    const outside = await call<Answer>(server, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken }, headers: from('203.0.113.9') });
    expect(outside.status).toBe(403);
    expect(outside.body.error).toBe('network_not_allowed');
    const inside = await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken }, headers: from('198.51.100.1') });
    expect(inside.status).toBe(200);
  });

  it('R-AUTH-03 an empty list lets sign-ins in from anywhere again', async () => {
    expect((await save([])).body).toEqual({ loginNetworks: [] });
    expect((await signIn('203.0.113.9')).status).toBe(200);
  });

  it('R-AUTH-03 only admins read or change the list', async () => {
    const carla = (await login(server, 'carla@demo.local')).accessToken;
    expect((await save([], carla)).status).toBe(403);
    expect((await call(server, 'GET', '/api/admin/settings', { token: carla })).status).toBe(403);
  });
});

describe('R-AUTH-03 disabled users', () => {
  it('R-AUTH-03 a disabled user cannot sign in or refresh (403, clear message); a wrong password still reads as wrong', async () => {
    const user = await addUser(server, { key: 'desativado', name: 'Desativado', email: 'desativado@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const session = await login(server, user.email);
    await server.store.bulkWrite([{ ...(await server.store.get(user.id))!, disabled: true }]);
    const refused = await signIn(undefined, user.email);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('user_disabled');
    expect(refused.body.message).toMatch(/desativado/);
    expect((await signIn(undefined, user.email, 'senha-errada')).status).toBe(401);
    expect((await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(403);
  });
});
