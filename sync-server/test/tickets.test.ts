import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationEventOf, type ConversationDoc, type MessageDoc, type TicketLink, type UserDoc } from '@atende/protocol';
import { updateWire } from '../src/store/wire.js';
import { FakeTicketSystem } from '../src/tickets/fakeTicketSystem.js';
import { until } from './until.js';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

const TOKEN = 'ticket-secret-token';
let fake: FakeTicketSystem;
let server: TestServer;
let ana: string;
let bruno: string;
let carla: string;

beforeAll(async () => {
  fake = new FakeTicketSystem(TOKEN);
  const url = await fake.start();
  server = await startTestServer({ ATENDE_TICKET_URL: url, ATENDE_TICKET_TOKEN: TOKEN, ATENDE_TICKET_ATTEMPTS: '3', ATENDE_TICKET_RETRY_MS: '10' });
  [ana, bruno, carla] = await Promise.all([
    login(server, 'ana@demo.local').then((r) => r.accessToken),
    login(server, 'bruno@demo.local').then((r) => r.accessToken),
    login(server, 'carla@demo.local').then((r) => r.accessToken),
  ]);
  // Every test takes a conversation of its own: room for all of them (capacity is not what is tested here).
  await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, maxConcurrent: 100 });
});
afterAll(async () => {
  await server.close();
  await fake.stop();
});

/** A website conversation with two customer messages, taken by Ana. */
async function activeConversation(): Promise<{ conversationId: string; messageIds: string[]; visitorToken: string }> {
  const visitor = await newVisitor(server);
  const first = await visitorSays(server, visitor, 'Meu pedido 123 não chegou');
  const second = await visitorSays(server, visitor, 'Já faz dez dias');
  const claim = await call(server, 'POST', `/api/conversations/${first.conversationId}/claim`, { token: ana, body: {} });
  expect(claim.status).toBe(200);
  return { conversationId: first.conversationId, messageIds: [first.messageId, second.messageId], visitorToken: visitor.token };
}

type Answer = { conversation: ConversationDoc; error?: string; message?: string };
const linkTicket = (conversationId: string, body: Record<string, unknown>, token = ana) =>
  call<Answer>(server, 'POST', `/api/conversations/${conversationId}/tickets`, { token, body });

async function linkOf(conversationId: string, id: string): Promise<TicketLink | undefined> {
  const stored = (await server.store.get(conversationId, { fresh: true })) as unknown as ConversationDoc;
  return stored.ticketLinks.find((l) => l.id === id);
}

async function ticketEvents(conversationId: string): Promise<MessageDoc[]> {
  const found = await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 });
  return (found as unknown as MessageDoc[]).filter((m) => conversationEventOf(m)?.event === 'ticketLinked');
}

describe('tickets (R-WS-14)', () => {
  it('R-WS-14 links selected messages to an existing ticket number at once, with a private trace line', async () => {
    const { conversationId, messageIds, visitorToken } = await activeConversation();
    const id = clientId('t');
    const reply = await linkTicket(conversationId, { id, messageIds, number: ' 4521 ' });
    expect(reply.status).toBe(201);
    expect(reply.body.conversation.ticketLinks).toEqual([
      expect.objectContaining({ id, number: '4521', messageIds, status: 'linked', error: null, byUserId: 'user:ana' }),
    ]);
    const events = await ticketEvents(conversationId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ visibility: 'private', text: 'Conversa vinculada ao ticket 4521.' });
    // The customer's widget never hears of it.
    const transcript = await call<{ messages: Array<{ id: string }> }>(server, 'GET', '/api/webchat/messages', { token: visitorToken });
    expect(transcript.body.messages.map((m) => m.id)).not.toContain(events[0]?.id);
    expect(fake.tickets.size === 0 || ![...fake.tickets.values()].some((t) => t.request.conversation.id === conversationId)).toBe(true);
  });

  it('R-WS-14 a repeated command is applied once; another user reusing its id is a conflict', async () => {
    const { conversationId, messageIds } = await activeConversation();
    const body = { id: clientId('t'), messageIds: [messageIds[0]], number: '777' };
    expect((await linkTicket(conversationId, body)).status).toBe(201);
    const again = await linkTicket(conversationId, body);
    expect(again.status).toBe(200);
    expect(again.body.conversation.ticketLinks).toHaveLength(1);
    expect((await linkTicket(conversationId, body, carla)).status).toBe(409);
    expect(await ticketEvents(conversationId)).toHaveLength(1);
  });

  it('R-WS-14 creating a ticket goes creating → linked with the number the ticket system answered', async () => {
    const { conversationId, messageIds } = await activeConversation();
    const id = clientId('t');
    const reply = await linkTicket(conversationId, { id, messageIds });
    expect(reply.status).toBe(201);
    expect(reply.body.conversation.ticketLinks[0]).toMatchObject({ id, status: 'creating', number: null });
    const link = await until(() => linkOf(conversationId, id), (l) => l?.status === 'linked');
    expect(link).toMatchObject({ status: 'linked', number: expect.stringMatching(/^TK-\d+$/), url: expect.stringContaining('/tickets/TK-') });
    const ticket = fake.tickets.get(String(link?.number));
    // What the system received: the conversation, the selected messages in order, who asked (and the bearer passed).
    expect(ticket?.request).toMatchObject({
      requestId: id,
      conversation: { id: conversationId, channel: 'webchat' },
      messages: [{ id: messageIds[0], direction: 'in', text: 'Meu pedido 123 não chegou' }, { id: messageIds[1], text: 'Já faz dez dias' }],
      requestedBy: { id: 'user:ana', name: 'Ana Souza' },
    });
    const events = await until(() => ticketEvents(conversationId), (e) => e.length === 1);
    expect(events[0]?.text).toBe(`Conversa vinculada ao ticket ${String(link?.number)}.`);
  });

  it('R-WS-14 a create command repeated (the outbox after a lost answer) makes one link and one ticket', async () => {
    const { conversationId, messageIds } = await activeConversation();
    const body = { id: clientId('t'), messageIds };
    const [first, second] = await Promise.all([linkTicket(conversationId, body), linkTicket(conversationId, body)]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    const link = await until(() => linkOf(conversationId, body.id), (l) => l?.status === 'linked');
    expect((await linkTicket(conversationId, body)).body.conversation.ticketLinks).toHaveLength(1);
    expect([...fake.tickets.values()].filter((t) => t.request.requestId === body.id).map((t) => t.number)).toEqual([link?.number]);
  });

  it('R-WS-14 with no message selected the whole conversation goes to the ticket system', async () => {
    const { conversationId } = await activeConversation();
    const sent = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: clientId('m'), text: 'Vou verificar.' } });
    expect(sent.status).toBe(201);
    // The store's query index catches up with a write a moment later; the agent's own screen lists it from the replica.
    await until(() => server.store.find({ selector: { type: 'message', conversationId, direction: 'out' }, limit: 5 }), (found) => found.length === 1);
    const id = clientId('t');
    expect((await linkTicket(conversationId, { id })).status).toBe(201);
    const link = await until(() => linkOf(conversationId, id), (l) => l?.status === 'linked');
    const texts = fake.tickets.get(String(link?.number))?.request.messages.map((m) => [m.direction, m.text]);
    expect(texts).toEqual([['in', 'Meu pedido 123 não chegou'], ['in', 'Já faz dez dias'], ['out', 'Vou verificar.']]);
  });

  it('R-WS-14 when the ticket system is down the job retries, then the link reads failed with the reason', async () => {
    const { conversationId, messageIds } = await activeConversation();
    fake.down = true;
    try {
      const before = fake.requests;
      const id = clientId('t');
      expect((await linkTicket(conversationId, { id, messageIds })).status).toBe(201);
      const link = await until(() => linkOf(conversationId, id), (l) => l?.status === 'failed');
      expect(link).toMatchObject({ status: 'failed', number: null, error: 'O sistema de tickets está indisponível (HTTP 503).' });
      // ATENDE_TICKET_ATTEMPTS=3: three calls, then the dead letter.
      expect(fake.requests - before).toBe(3);
      expect(await ticketEvents(conversationId)).toHaveLength(0);
    } finally {
      fake.down = false;
    }
  });

  it('R-WS-14 messages of another conversation (or not messages at all) are refused with 422', async () => {
    const a = await activeConversation();
    const b = await activeConversation();
    const foreign = await linkTicket(a.conversationId, { id: clientId('t'), messageIds: [a.messageIds[0], b.messageIds[0]], number: '1' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error).toBe('ticket_messages_foreign');
    const notMessage = await linkTicket(a.conversationId, { id: clientId('t'), messageIds: [a.conversationId], number: '1' });
    expect(notMessage.status).toBe(422);
    expect((await linkTicket(a.conversationId, { id: clientId('t'), number: '' })).status).toBe(400);
    expect((await server.store.get(a.conversationId) as unknown as ConversationDoc).ticketLinks).toEqual([]);
  });

  it('R-WS-14 only the conversation’s agents or a supervisor link tickets', async () => {
    const { conversationId, messageIds } = await activeConversation();
    const byColleague = await linkTicket(conversationId, { id: clientId('t'), messageIds, number: '9' }, bruno);
    expect(byColleague.status).toBe(403);
    expect((await linkTicket(conversationId, { id: clientId('t'), messageIds, number: '9' }, carla)).status).toBe(201);
    // A finished conversation: the agent no longer writes in it, a supervisor still links.
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: {} })).status).toBe(200);
    expect((await linkTicket(conversationId, { id: clientId('t'), number: '10' })).status).toBe(403);
    expect((await linkTicket(conversationId, { id: clientId('t'), number: '10' }, carla)).status).toBe(201);
    // History lists the finished conversation with its tickets.
    const contactId = String((await server.store.get(conversationId))?.contactId);
    const history = await call<{ conversations: Array<{ id: string; ticketLinks?: TicketLink[] }> }>(server, 'GET', `/api/contacts/${contactId}/history`, { token: ana });
    expect(history.body.conversations.find((c) => c.id === conversationId)?.ticketLinks?.map((l) => l.number)).toEqual(['9', '10']);
  });
});

describe('tickets without an integration (R-WS-14)', () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startTestServer();
  });
  afterAll(() => bare.close());

  it('R-WS-14 creating a ticket with no ticket system configured is refused with 422; linking by number still works', async () => {
    const token = (await login(bare, 'ana@demo.local')).accessToken;
    const visitor = await newVisitor(bare);
    const { conversationId, messageId } = await visitorSays(bare, visitor, 'Olá');
    await call(bare, 'POST', `/api/conversations/${conversationId}/claim`, { token, body: {} });
    const refused = await call<Answer>(bare, 'POST', `/api/conversations/${conversationId}/tickets`, { token, body: { id: clientId('t'), messageIds: [messageId] } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('ticket_integration_missing');
    const linked = await call<Answer>(bare, 'POST', `/api/conversations/${conversationId}/tickets`, { token, body: { id: clientId('t'), messageIds: [messageId], number: 'ABC-1' } });
    expect(linked.status).toBe(201);
  });
});

describe('tickets with the ticket system unreachable (R-WS-14)', () => {
  let offline: TestServer;
  beforeAll(async () => {
    // An address nobody listens on any more: connections are refused.
    const gone = new FakeTicketSystem();
    const url = await gone.start();
    await gone.stop();
    offline = await startTestServer({ ATENDE_TICKET_URL: url, ATENDE_TICKET_ATTEMPTS: '2', ATENDE_TICKET_RETRY_MS: '10' });
  });
  afterAll(() => offline.close());

  it('R-WS-14 a ticket system that refuses connections leaves the link failed, saying it is down', async () => {
    const token = (await login(offline, 'ana@demo.local')).accessToken;
    const visitor = await newVisitor(offline);
    const { conversationId, messageId } = await visitorSays(offline, visitor, 'Olá');
    await call(offline, 'POST', `/api/conversations/${conversationId}/claim`, { token, body: {} });
    const id = clientId('t');
    expect((await call(offline, 'POST', `/api/conversations/${conversationId}/tickets`, { token, body: { id, messageIds: [messageId] } })).status).toBe(201);
    const link = await until(async () => {
      const stored = (await offline.store.get(conversationId, { fresh: true })) as unknown as ConversationDoc;
      return stored.ticketLinks.find((l) => l.id === id);
    }, (l) => l?.status === 'failed');
    expect(link).toMatchObject({ status: 'failed', error: 'O sistema de tickets está fora do ar.' });
  });
});
