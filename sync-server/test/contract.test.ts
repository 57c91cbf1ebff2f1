import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, pathOf, type Endpoint, type EndpointName } from '@atende/protocol';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * Issue 8 point 7: the REST contract in protocol/ is what the server serves — every endpoint is
 * routed with its method, and real answers parse with the endpoint's response schema.
 */
let server: TestServer;
let ana: string;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
  admin = (await login(server, 'admin@demo.local')).accessToken;
});
afterAll(() => server.close());

function expectContract(name: EndpointName, status: number, body: unknown): void {
  const endpoint: Endpoint = API[name];
  expect(status, `${name}: ${JSON.stringify(body)}`).toBeLessThan(300);
  if (endpoint.response === null) expect(status).toBe(204);
  else expect(endpoint.response.safeParse(body).error, name).toBeUndefined();
}

describe('issue 8 point 7 — one REST contract', () => {
  it.each(Object.keys(API) as EndpointName[])('%s is routed with its method (never "No route")', async (name) => {
    const endpoint: Endpoint = API[name];
    const params = Object.fromEntries([...endpoint.path.matchAll(/:([A-Za-z]+)/g)].map((m) => [m[1], 'x:missing']));
    const reply = await call<{ message?: string }>(server, endpoint.method, pathOf(endpoint.path, params), {
      ...(endpoint.body ? { body: {} } : {}),
    });
    expect(reply.body?.message ?? '').not.toMatch(/^No route/);
  });

  it('answers of a whole conversation parse with the contract’s response schemas', async () => {
    const visitor = await newVisitor(server, 'demo-site', 'Joana');
    const sent = await call(server, 'POST', API.visitorSend.path, { token: visitor.token, body: { id: clientId('v'), text: 'Oi' } });
    expectContract('visitorSend', sent.status, sent.body);
    const { conversationId } = await visitorSays(server, visitor, 'Ainda aí?');
    const transcript = await call(server, 'GET', API.visitorMessages.path, { token: visitor.token });
    expectContract('visitorMessages', transcript.status, transcript.body);

    const at = (name: EndpointName, params: Record<string, string> = {}) => pathOf(API[name].path, params);
    const claim = await call(server, 'POST', at('claim', { id: conversationId }), { token: ana, body: {} });
    expectContract('claim', claim.status, claim.body);
    const reply = await call(server, 'POST', at('sendMessage', { id: conversationId }), { token: ana, body: { id: clientId('a'), text: 'Olá' } });
    expectContract('sendMessage', reply.status, reply.body);
    const transfer = await call(server, 'POST', at('transfer', { id: conversationId }), { token: ana, body: { toTeamId: 'team:suporte' } });
    expectContract('transfer', transfer.status, transfer.body);
    const me = await call(server, 'GET', at('me'), { token: ana });
    expectContract('me', me.status, me.body);
  });

  it('channel administration answers parse with the contract’s schemas', async () => {
    const createdChannel = await call<{ id: string }>(server, 'POST', API.createChannel.path, {
      token: admin,
      body: { kind: 'telegram', name: 'Bot', teamId: 'team:suporte', config: { botToken: '123:AAE-contract-test-token-0123456789', secretToken: 'segredo-do-teste-123' } },
    });
    expectContract('createChannel', createdChannel.status, createdChannel.body);
    const id = createdChannel.body.id;
    const list = await call(server, 'GET', API.listChannels.path, { token: admin });
    expectContract('listChannels', list.status, list.body);
    const one = await call(server, 'GET', pathOf(API.getChannel.path, { id }), { token: admin });
    expectContract('getChannel', one.status, one.body);
    const updated = await call(server, 'PATCH', pathOf(API.updateChannel.path, { id }), { token: admin, body: { name: 'Bot 2' } });
    expectContract('updateChannel', updated.status, updated.body);
    const removed = await call(server, 'DELETE', pathOf(API.removeChannel.path, { id }), { token: admin });
    expectContract('removeChannel', removed.status, removed.body);
  });
});
