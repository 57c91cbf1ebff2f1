import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTokenView, ContactDoc, ConversationDoc, MessageDoc } from '@atende/protocol';
import { ApiTokens, LAST_USED_EVERY_MS } from '../src/apiTokens/tokens.js';
import { sha256 } from '../src/auth/tokens.js';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer, type Visitor } from './helpers.js';
import { until } from './until.js';

/**
 * R-RT-05 (issue 15 point 7): API tokens created by admins with a name and scopes, the secret
 * shown once and stored only as a hash, revocable at once (on every node: no cache), the last
 * use recorded; and the public REST API under /api/v1 for bots and integrations, each route
 * behind its scope.
 */
let server: TestServer;
let admin: string;
let ana: string;

type Answer = {
  error?: string; message?: string | MessageDoc; id?: string; token?: string; tokens?: ApiTokenView[];
  conversations?: ConversationDoc[]; conversation?: ConversationDoc; messages?: MessageDoc[]; nextCursor?: string | null;
  contacts?: ContactDoc[]; contact?: ContactDoc;
};

beforeAll(async () => {
  server = await startTestServer();
  admin = (await login(server, 'admin@demo.local')).accessToken;
  ana = (await login(server, 'ana@demo.local')).accessToken;
});
afterAll(async () => {
  await server.close();
});

const createToken = async (name: string, scopes: string[]) => {
  const reply = await call<Answer>(server, 'POST', '/api/admin/tokens', { token: admin, body: { name, scopes } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return { id: reply.body.id!, secret: reply.body.token! };
};
const list = async () => (await call<Answer>(server, 'GET', '/api/admin/tokens', { token: admin })).body.tokens ?? [];
const api = (token: string, method: string, route: string, body?: unknown) =>
  call<Answer>(server, method, `/api/v1${route}`, { token, ...(body === undefined ? {} : { body }) });
const ALL = ['conversations:read', 'conversations:write', 'messages:write', 'contacts:read'];
const contactOf = async (visitor: Visitor) => String((await server.store.get(`visitor:${visitor.visitorId}`))?.contactId);

describe('R-RT-05 API tokens: created once-shown, stored hashed, revocable', () => {
  it('R-RT-05 the secret is answered once (atk_ + 32 random bytes) and the store keeps only its SHA-256', async () => {
    const { id, secret } = await createToken('Robô de pedidos', ['conversations:read']);
    expect(secret).toMatch(/^atk_[A-Za-z0-9_-]{43}$/);
    const listed = (await list()).find((t) => t.id === id);
    expect(listed).toMatchObject({ name: 'Robô de pedidos', scopes: ['conversations:read'], lastUsedAt: null, revokedAt: null, createdBy: 'user:admin' });
    expect(JSON.stringify(await list())).not.toContain(secret.slice(4));
    // Every stored document of the feature: the hash, never the secret.
    const stored = await server.store.find({ selector: { type: { $in: ['apiToken', 'apiTokenHash'] } }, limit: 100 });
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(stored)).not.toContain(secret.slice(4));
    expect(stored.find((d) => d._id === id)?.hash).toBe(sha256(secret));
  });

  it('R-RT-05 a token needs a name and at least one known scope (400 naming the field)', async () => {
    const noName = await call<Answer>(server, 'POST', '/api/admin/tokens', { token: admin, body: { name: ' ', scopes: ['contacts:read'] } });
    expect(noName.status).toBe(400);
    expect(noName.body.message).toContain('name');
    const noScope = await call<Answer>(server, 'POST', '/api/admin/tokens', { token: admin, body: { name: 'X', scopes: [] } });
    expect(noScope.status).toBe(400);
    const unknown = await call<Answer>(server, 'POST', '/api/admin/tokens', { token: admin, body: { name: 'X', scopes: ['everything'] } });
    expect(unknown.status).toBe(400);
  });

  it('R-RT-05 only admins administer tokens; an API token is no user token on the agents\' API (401)', async () => {
    expect((await call(server, 'GET', '/api/admin/tokens', { token: ana })).status).toBe(403);
    const { secret } = await createToken('Integração', ALL);
    expect((await call(server, 'GET', '/api/admin/tokens', { token: secret })).status).toBe(401);
    expect((await call(server, 'GET', '/api/auth/me', { token: secret })).status).toBe(401);
  });

  it('R-RT-05 a user access token is refused on /api/v1 (401), and so is no token or a made-up one', async () => {
    expect((await api(ana, 'GET', '/conversations')).status).toBe(401);
    expect((await api(admin, 'GET', '/contacts')).status).toBe(401);
    expect((await call(server, 'GET', '/api/v1/contacts')).status).toBe(401);
    const madeUp = await api(`atk_${'A'.repeat(43)}`, 'GET', '/contacts');
    expect(madeUp.status).toBe(401);
    expect(madeUp.body.error).toBe('invalid_api_token');
  });

  it('R-RT-05 a token without the route\'s scope gets 403 naming the scope', async () => {
    const { secret } = await createToken('Só leitura', ['conversations:read']);
    const reply = await api(secret, 'GET', '/contacts');
    expect(reply.status).toBe(403);
    expect(reply.body.error).toBe('missing_scope');
    expect(reply.body.message).toContain('contacts:read');
    const write = await api(secret, 'POST', '/conversations/conversation:x/messages', { id: clientId('m'), text: 'oi' });
    expect(write.status).toBe(403);
    expect(write.body.message).toContain('messages:write');
  });

  it('R-RT-05 a revoked token is refused at once (401), here and on another node of the same store; lastUsedAt was recorded', async () => {
    const { id, secret } = await createToken('Temporário', ['contacts:read']);
    const other = await startTestServer({}, { store: server.store });
    try {
      expect((await api(secret, 'GET', '/contacts')).status).toBe(200);
      const used = await until(async () => (await list()).find((t) => t.id === id)?.lastUsedAt ?? null, (at) => at !== null);
      expect(used).toBeGreaterThan(0);
      expect((await call(other, 'GET', '/api/v1/contacts', { token: secret })).status).toBe(200);
      expect((await call(server, 'DELETE', `/api/admin/tokens/${id}`, { token: admin })).status).toBe(204);
      expect((await api(secret, 'GET', '/contacts')).status).toBe(401);
      expect((await call(other, 'GET', '/api/v1/contacts', { token: secret })).status).toBe(401);
      expect((await list()).find((t) => t.id === id)?.revokedAt).toBeGreaterThan(0);
      // Revoking again changes nothing; an unknown token is a 404.
      expect((await call(server, 'DELETE', `/api/admin/tokens/${id}`, { token: admin })).status).toBe(204);
      expect((await call(server, 'DELETE', '/api/admin/tokens/apitoken:nope', { token: admin })).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

describe('R-RT-05 the last use is written at most once a minute per token', () => {
  it('R-RT-05 many requests within a minute write lastUsedAt once; the first request after the minute writes it again', async () => {
    let clock = 1_900_000_000_000;
    const tokens = new ApiTokens(server.store, () => clock);
    const { id, token } = await tokens.create({ id: 'user:admin', name: 'Administrador' }, { name: 'Relógio', scopes: ['contacts:read'] });
    const stored = () => server.store.get(id, { fresh: true });
    const generation = async () => Number(String((await stored())?._rev).split('-')[0]);
    expect(await tokens.authenticate(token)).toMatchObject({ id, name: 'Relógio' });
    expect(await until(async () => (await stored())?.lastUsedAt, (at) => at === clock)).toBe(clock);
    expect(await generation()).toBe(2);
    for (const later of [1_000, 30_000, LAST_USED_EVERY_MS - 1]) {
      clock = 1_900_000_000_000 + later;
      expect(await tokens.authenticate(token)).toBeDefined();
    }
    clock = 1_900_000_000_000 + LAST_USED_EVERY_MS;
    await tokens.authenticate(token);
    expect(await until(async () => (await stored())?.lastUsedAt, (at) => at === clock)).toBe(clock);
    // Created, first use, the use a minute later: nothing in between.
    expect(await generation()).toBe(3);
  });
});

describe('R-RT-05 each API token has its own rate limit', () => {
  it('R-RT-05 past ATENDE_PUBLIC_RATE_LIMIT requests a minute a token gets 429, while another token is still served', async () => {
    const limited = await startTestServer({ ATENDE_PUBLIC_RATE_LIMIT: '3' });
    try {
      const adminToken = (await login(limited, 'admin@demo.local')).accessToken;
      const make = async () =>
        (await call<Answer>(limited, 'POST', '/api/admin/tokens', { token: adminToken, body: { name: 'Bot', scopes: ['contacts:read'] } })).body.token!;
      const [busy, calm] = [await make(), await make()];
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(limited, 'GET', '/api/v1/contacts/contact:maria', { token: busy })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await call(limited, 'GET', '/api/v1/contacts/contact:maria', { token: calm })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('R-RT-05 public API: read conversations and contacts, create a conversation, send a message', () => {
  let secret: string;
  beforeAll(async () => {
    secret = (await createToken('Bot do site', ALL)).secret;
  });

  it('R-RT-05 lists conversations with filters and pages, and reads one with its messages', async () => {
    const first = await visitorSays(server, await newVisitor(server), 'quero saber do pedido 1');
    const second = await visitorSays(server, await newVisitor(server), 'quero saber do pedido 2');
    const since = (await server.store.get(first.conversationId))?.changedAt as number;
    const page1 = await api(secret, 'GET', `/conversations?teamId=team:suporte&updatedSince=${since}&limit=1`);
    expect(page1.status, JSON.stringify(page1.body)).toBe(200);
    expect(page1.body.conversations).toHaveLength(1);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await api(secret, 'GET', `/conversations?teamId=team:suporte&limit=50&cursor=${page1.body.nextCursor}`);
    const ids = [...page1.body.conversations!, ...page2.body.conversations!].map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([first.conversationId, second.conversationId]));
    expect(new Set(ids).size).toBe(ids.length);
    const finished = await api(secret, 'GET', `/conversations?status=finished&updatedSince=${since}`);
    expect(finished.body.conversations?.map((c) => c.id)).not.toContain(first.conversationId);
    expect((await api(secret, 'GET', '/conversations?cursor=garbage')).status).toBe(400);

    const one = await api(secret, 'GET', `/conversations/${first.conversationId}`);
    expect(one.status).toBe(200);
    expect(one.body.conversation?.id).toBe(first.conversationId);
    expect(one.body.messages?.map((m) => m.text)).toContain('quero saber do pedido 1');
    expect((await api(secret, 'GET', '/conversations/conversation:nope')).status).toBe(404);
  });

  it('R-RT-05 searches and reads contacts', async () => {
    const found = await api(secret, 'GET', '/contacts?q=maria');
    expect(found.status).toBe(200);
    expect(found.body.contacts?.some((c) => c.id === 'contact:maria')).toBe(true);
    const page = await api(secret, 'GET', '/contacts?limit=2');
    expect(page.body.contacts).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const one = await api(secret, 'GET', '/contacts/contact:maria');
    expect(one.body.contact?.id).toBe('contact:maria');
    expect((await api(secret, 'GET', '/contacts/contact:nobody')).status).toBe(404);
  });

  it('R-RT-05 sends a message as the integration through the outbox: the customer receives it; a repeat answers the same message', async () => {
    const visitor = await newVisitor(server);
    const { conversationId } = await visitorSays(server, visitor, 'alguém aí?');
    const id = clientId('api');
    const sent = await api(secret, 'POST', `/conversations/${conversationId}/messages`, { id, text: 'Olá! Sou o bot do site.' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const message = sent.body.message as MessageDoc;
    expect(message).toMatchObject({ direction: 'out', authorId: null, authorName: 'Bot do site', status: 'queued', conversationId });
    const again = await api(secret, 'POST', `/conversations/${conversationId}/messages`, { id, text: 'Olá! Sou o bot do site.' });
    expect(again.status).toBe(200);
    expect((again.body.message as MessageDoc).id).toBe(message.id);
    // The website visitor gets it through the channel's send job.
    const seen = await until(
      async () => (await call<{ messages: Array<{ text: string }> }>(server, 'GET', '/api/webchat/messages', { token: visitor.token })).body.messages,
      (messages) => messages.some((m) => m.text === 'Olá! Sou o bot do site.'),
    );
    expect(seen.map((m) => m.text)).toContain('Olá! Sou o bot do site.');
    expect((await server.store.get(conversationId))?.lastPreview).toBe('Olá! Sou o bot do site.');
  });

  it('R-RT-05 creates a conversation with the customer\'s relayed message in the account\'s team queue; idempotent on its id', async () => {
    const visitor = await newVisitor(server);
    const contactId = await contactOf(visitor);
    const body = { id: clientId('open'), channelAccountId: 'channel:demo-site', contactId, text: 'Pedido de contato pelo formulário' };
    const made = await api(secret, 'POST', '/conversations', body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.conversation).toMatchObject({ contactId, teamId: 'team:suporte', startedBy: 'customer' });
    expect(['waiting', 'bot']).toContain(made.body.conversation?.status);
    expect((made.body.message as MessageDoc).text).toBe('Pedido de contato pelo formulário');
    const again = await api(secret, 'POST', '/conversations', body);
    expect(again.status).toBe(200);
    expect(again.body.conversation?.id).toBe(made.body.conversation?.id);
    // The agents' queue holds it like any customer's conversation.
    const read = await call<{ messages: MessageDoc[] }>(server, 'GET', `/api/conversations/${made.body.conversation!.id}/messages`, { token: ana });
    expect(read.status).toBe(200);
    expect(read.body.messages.map((m) => m.text)).toContain('Pedido de contato pelo formulário');
    // A contact without an address on that channel could not receive replies.
    // Maria has a WhatsApp number only: the website chat could not reach her.
    const refused = await api(secret, 'POST', '/conversations', { ...body, id: clientId('open'), contactId: 'contact:maria' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('contact_without_address');
    expect((await api(secret, 'POST', '/conversations', { ...body, id: clientId('open'), channelAccountId: 'channel:nope' })).status).toBe(422);
  });

  it('R-RT-05 a finished conversation takes no message (409)', async () => {
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'tchau');
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: { id: clientId('c') } });
    const fin = await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: { id: clientId('f'), disposition: null, note: '' } });
    expect(fin.status, JSON.stringify(fin.body)).toBe(200);
    const reply = await api(secret, 'POST', `/conversations/${conversationId}/messages`, { id: clientId('m'), text: 'ainda aí?' });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toBe('conversation_finished');
  });
});
