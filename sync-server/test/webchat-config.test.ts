import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebchatConfig } from '@atende/protocol';
import { call, login, startTestServer, type TestServer } from './helpers.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await login(server, 'admin@demo.local')).accessToken;
});
afterAll(() => server.close());

const configOf = (account: string) => call<WebchatConfig & { error?: string }>(server, 'GET', `/api/webchat/${account}/config`);

describe('R-CH-02 website chat configuration', () => {
  it('R-CH-02 R-RT-05 the demo site asks name and e-mail before chatting and lists its articles, without a token', async () => {
    const reply = await configOf('demo-site');
    expect(reply.status).toBe(200);
    expect(WebchatConfig.safeParse(reply.body).success).toBe(true);
    expect(reply.body.name).toBe('Site de demonstração');
    expect(reply.body.prechat).toEqual({ enabled: true, fields: ['name', 'email'], required: ['name', 'email'] });
    expect(reply.body.articles.map((a) => a.title)).toContain('Trocas e devoluções');
  });

  it('R-CH-02 an account created without settings has the pre-chat form on and no articles; an admin can change both', async () => {
    const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
      token: admin, body: { kind: 'webchat', name: 'Outro site', teamId: 'team:comercial' },
    });
    expect(created.status).toBe(201);
    const key = created.body.id.slice('channel:'.length);
    expect((await configOf(key)).body).toEqual({
      name: 'Outro site', prechat: { enabled: true, fields: ['name', 'email'], required: ['name', 'email'] }, articles: [],
      // A team without business hours is always open (R-RT-03).
      online: true, hours: null, nextOpening: null,
    });

    const article = { id: 'prazo', title: 'Prazo de entrega', body: 'Até 5 dias úteis.\n<b>sem HTML</b>' };
    const updated = await call(server, 'PATCH', `/api/admin/channels/${created.body.id}`, {
      token: admin, body: { config: { prechat: { fields: ['name'], required: [] }, articles: [article] } },
    });
    expect(updated.status).toBe(200);
    expect((await configOf(key)).body).toEqual({
      name: 'Outro site', prechat: { enabled: true, fields: ['name'], required: [] }, articles: [article],
      online: true, hours: null, nextOpening: null,
    });
  });

  it('R-CH-02 bad settings are a 400 naming the field; more than 50 articles are refused', async () => {
    const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
      token: admin, body: { kind: 'webchat', name: 'Terceiro site', teamId: 'team:suporte' },
    });
    const patch = (config: unknown) => call<{ message: string }>(server, 'PATCH', `/api/admin/channels/${created.body.id}`, { token: admin, body: { config } });
    const badField = await patch({ prechat: { fields: ['phone'] } });
    expect(badField.status).toBe(400);
    expect(badField.body.message).toMatch(/config\.prechat\.fields/);
    const many = Array.from({ length: 51 }, (_, i) => ({ id: `a${i}`, title: `Artigo ${i}`, body: 'texto' }));
    expect((await patch({ articles: many })).status).toBe(400);
    expect((await patch({ articles: [{ id: 'x', title: '', body: 'texto' }] })).status).toBe(400);
  });

  it('R-CH-02 an unknown or malformed account is a 404', async () => {
    for (const account of ['nao-existe', '..%2Fsecret', 'x'.repeat(65)]) expect((await configOf(account)).status, account).toBe(404);
  });

  it('R-CH-02 the pre-chat name and e-mail become the contact\'s; a malformed e-mail is a 400 with a message', async () => {
    const ok = await call<{ visitorId: string }>(server, 'POST', '/api/webchat/demo-site/visitors', { body: { name: 'Joana Prado', email: 'joana@example.com' } });
    expect(ok.status).toBe(201);
    const link = await server.store.get(`visitor:${ok.body.visitorId}`);
    expect(await server.store.get(String(link?.contactId))).toMatchObject({ name: 'Joana Prado', email: 'joana@example.com' });

    const before = await server.store.find({ selector: { type: 'contact' }, limit: 100_000 });
    const bad = await call<{ message: string }>(server, 'POST', '/api/webchat/demo-site/visitors', { body: { name: 'Joana', email: 'joana@' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/email/i);
    const tooLong = await call(server, 'POST', '/api/webchat/demo-site/visitors', { body: { name: 'x'.repeat(201) } });
    expect(tooLong.status).toBe(400);
    expect(await server.store.find({ selector: { type: 'contact' }, limit: 100_000 })).toHaveLength(before.length);
  });
});
