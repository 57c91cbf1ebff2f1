import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALREADY_SERVED_MESSAGE, INVALID_NUMBER_MESSAGE, MAX_CONCURRENT_MESSAGE, serviceWindow,
  type AgentChannel, type ContactDoc, type ConversationDoc, type MessageDoc, type UserDoc,
} from '@atende/protocol';
import { FakeGraph, waInbound } from '../src/channels/whatsapp/simulator/graph.js';
import { conversationIdOf, threadIdOf } from '../src/conversations/inbound.js';
import { getWire, updateWire } from '../src/store/wire.js';
import { addUser, call, clientId, login, startTestServer, type Reply, type TestServer } from './helpers.js';

/**
 * "Nova conversa" (issue 10, R-WA-01…04, R-WA-10, R-WS-07/08): an agent writes first to a
 * customer's WhatsApp number; the customer's reply, delivered by the real webhook path from a fake
 * Graph server, appends to that conversation.
 */
const PHONE_NUMBER_ID = '106540352242922';
const ACCESS_TOKEN = 'EAAG-start-access-token';
const APP_SECRET = 'wa-app-secret-start-0123';
const ORIGIN = '5511912345678';

let server: TestServer;
let graph: FakeGraph;
let webhook: string;
let suporteWa: string;
let comercialWa: string;
let ana: string;
let bruno: string;
let phoneSequence = 20_000_000;
/** A fresh mobile as an agent types it (area code + number) and as WhatsApp writes it (wa_id). */
const newMobile = () => {
  const local = `119${++phoneSequence}`.slice(0, 11);
  return { typed: local, waId: `55${local}` };
};

async function whatsappAccount(admin: string, name: string, teamId: string, phoneNumberId: string, display: string): Promise<string> {
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: {
      kind: 'whatsapp', name, teamId,
      config: { phoneNumberId, displayPhoneNumber: display, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: 'wa-verify-token', baseUrl: graph.baseUrl },
    },
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

beforeAll(async () => {
  graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }).start();
  server = await startTestServer();
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  suporteWa = await whatsappAccount(admin, 'WhatsApp Suporte', 'team:suporte', PHONE_NUMBER_ID, ORIGIN);
  comercialWa = await whatsappAccount(admin, 'WhatsApp Comercial', 'team:comercial', '106540352240000', '5521912340000');
  webhook = `${server.url}/channels/whatsapp/${suporteWa.slice('channel:'.length)}/webhook`;
  // Every test here leaves Ana and Bruno a conversation more; R-WS-07 has its own agent.
  for (const id of ['user:ana', 'user:bruno']) await updateWire<UserDoc>(server.store, id, (u) => u && { ...u, maxConcurrent: 100 });
  ana = (await login(server, 'ana@demo.local')).accessToken;
  bruno = (await login(server, 'bruno@demo.local')).accessToken;
});
afterAll(async () => {
  await server.close();
  await graph.stop();
});

type Started = Reply<{ conversation: ConversationDoc; error?: string; message?: string }>;

const start = (token: string, to: string, extra: Record<string, string> = {}): Promise<Started> =>
  call(server, 'POST', '/api/conversations', { token, body: { id: clientId('start'), teamId: 'team:suporte', channelAccountId: suporteWa, to, ...extra } });

const messagesOf = async (conversationId: string): Promise<MessageDoc[]> =>
  (await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 })).map((d) => ({ ...d, id: d._id }) as unknown as MessageDoc);

/** The customer writes from `waId` through the signed webhook; answers the conversation it landed in. */
async function customerWrites(waId: string, text: string, name = 'Joana Lima'): Promise<ConversationDoc> {
  const inbound = waInbound(PHONE_NUMBER_ID, waId, 'text', { text: { body: text } }, { name });
  expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
  const [stored] = await server.store.find({ selector: { type: 'message', externalId: inbound.id }, limit: 1 });
  const conversation = await getWire<ConversationDoc>(server.store, String(stored?.conversationId));
  if (!conversation) throw new Error('inbound message not stored');
  return conversation;
}

const contactOf = (id: string) => getWire<ContactDoc>(server.store, id);

describe('R-WA-01 Nova conversa', () => {
  it('R-WA-01 starts an active conversation of the agent, with a protocol, the origin number and a closed window', async () => {
    const { typed, waId } = newMobile();
    const before = Date.now();
    const reply = await start(ana, typed);
    expect(reply.status).toBe(200);
    const c = reply.body.conversation;
    expect(c).toMatchObject({
      status: 'active', agentId: 'user:ana', startedBy: 'agent', teamId: 'team:suporte', channel: 'whatsapp',
      channelAccountId: suporteWa, waitingSince: null, finishedAt: null,
    });
    expect(c.takenAt).toBeGreaterThanOrEqual(before);
    expect(c.protocol).toMatch(/\d+/);
    expect(c.channelMeta.originNumber).toBe(ORIGIN);
    expect(serviceWindow(Number(c.channelMeta.customerWroteAt) || null, Date.now()).open).toBe(false);
    const contact = await contactOf(c.contactId);
    expect(contact?.addresses.whatsapp).toBe(waId);
    expect(contact?.teamIds).toContain('team:suporte');
    // The conversation is the thread's, so the customer's reply finds it.
    expect(c.id).toBe(conversationIdOf(threadIdOf(suporteWa, c.contactId), 1));
    const events = (await messagesOf(c.id)).filter((m) => m.kind === 'event');
    expect(events.map((e) => e.payload)).toEqual([{ event: 'joined', agentId: 'user:ana', agentName: 'Ana Souza' }]);
  });

  it('R-WA-01 a repeat of the same command id answers the same conversation, even after it was finished', async () => {
    const body = { id: clientId('repeat'), teamId: 'team:suporte', channelAccountId: suporteWa, to: newMobile().typed };
    const first = await call<{ conversation: ConversationDoc }>(server, 'POST', '/api/conversations', { token: ana, body });
    expect(first.status).toBe(200);
    const again = await call<{ conversation: ConversationDoc }>(server, 'POST', '/api/conversations', { token: ana, body });
    expect(again.status).toBe(200);
    expect(again.body.conversation.id).toBe(first.body.conversation.id);
    const id = first.body.conversation.id;
    expect((await call(server, 'POST', `/api/conversations/${id}/finish`, { token: ana, body: {} })).status).toBe(200);
    const late = await call<{ conversation: ConversationDoc }>(server, 'POST', '/api/conversations', { token: ana, body });
    expect(late.body.conversation.id).toBe(id);
    expect(late.body.conversation.status).toBe('finished');
    // The same id from another agent is that agent's own command (issue 10): not Ana's conversation.
    const other = await call<{ conversation: ConversationDoc }>(server, 'POST', '/api/conversations', { token: bruno, body });
    expect(other.status).toBe(200);
    expect(other.body.conversation).toMatchObject({ agentId: 'user:bruno', status: 'active' });
    expect(other.body.conversation.id).not.toBe(id);
  });

  it('R-WA-01 the team must be one of the agent’s and the origin number that team’s', async () => {
    const to = newMobile().typed;
    const notMember = await start(ana, to, { teamId: 'team:comercial', channelAccountId: comercialWa });
    expect(notMember.status).toBe(403);
    expect(notMember.body.message).toMatch(/not a member of that team/);
    const otherTeamsNumber = await start(ana, to, { channelAccountId: comercialWa });
    expect(otherTeamsNumber.status).toBe(403);
    expect(otherTeamsNumber.body.message).toMatch(/does not belong to the chosen team/);
    await addUser(server, { key: 'dora', name: 'Dora Comercial', email: 'dora@test.local', role: 'agent', teamIds: ['team:comercial'] });
    const dora = (await login(server, 'dora@test.local')).accessToken;
    expect((await start(dora, to)).status).toBe(403);
    expect((await start(dora, to, { teamId: 'team:comercial', channelAccountId: comercialWa })).status).toBe(200);
  });

  it('R-WA-01 only a WhatsApp account can start one; bad input is a 400', async () => {
    const webchat = await start(ana, newMobile().typed, { channelAccountId: 'channel:demo-site' });
    expect(webchat.status).toBe(422);
    expect(webchat.body.error).toBe('channel_cannot_start');
    const unknown = await start(ana, newMobile().typed, { channelAccountId: 'channel:nope' });
    expect(unknown.status).toBe(422);
    const missing = await call<{ error: string }>(server, 'POST', '/api/conversations', { token: ana, body: { teamId: 'team:suporte', to: '11987654321' } });
    expect(missing.status).toBe(400);
  });

  it('R-WA-01 GET /api/channels lists the agent’s teams’ numbers (all for a supervisor), without settings', async () => {
    const mine = await call<{ channels: AgentChannel[] }>(server, 'GET', '/api/channels', { token: ana });
    expect(mine.status).toBe(200);
    const ids = mine.body.channels.map((c) => c.id);
    expect(ids).toContain(suporteWa);
    expect(ids).not.toContain(comercialWa);
    expect(mine.body.channels.find((c) => c.id === suporteWa)).toEqual({
      id: suporteWa, kind: 'whatsapp', name: 'WhatsApp Suporte', teamId: 'team:suporte', displayPhoneNumber: ORIGIN, canStart: true, humanAgentTag: false,
    });
    expect(mine.body.channels.find((c) => c.id === 'channel:demo-site')).toMatchObject({ kind: 'webchat', displayPhoneNumber: null, canStart: false });
    const carla = (await login(server, 'carla@demo.local')).accessToken;
    const all = await call<{ channels: AgentChannel[] }>(server, 'GET', '/api/channels', { token: carla });
    expect(all.body.channels.map((c) => c.id)).toEqual(expect.arrayContaining([suporteWa, comercialWa]));
    expect((await call(server, 'GET', '/api/channels')).status).toBe(401);
  });

  it('R-WA-01 a disabled number is not offered', async () => {
    const admin = (await login(server, 'admin@demo.local')).accessToken;
    const spare = await whatsappAccount(admin, 'WhatsApp Reserva', 'team:suporte', '106540352249999', '5511900000000');
    expect((await call(server, 'PATCH', `/api/admin/channels/${spare}`, { token: admin, body: { enabled: false } })).status).toBe(200);
    const mine = await call<{ channels: AgentChannel[] }>(server, 'GET', '/api/channels', { token: ana });
    expect(mine.body.channels.map((c) => c.id)).not.toContain(spare);
    expect((await start(ana, newMobile().typed, { channelAccountId: spare })).status).toBe(422);
  });
});

describe('R-WA-02…04 the destination in Brazilian form', () => {
  it('R-WA-02 area code + number, with or without punctuation or 55, is stored as one E.164 number', async () => {
    const { typed, waId } = newMobile();
    const plain = await start(ana, typed);
    expect(plain.status).toBe(200);
    expect((await contactOf(plain.body.conversation.contactId))?.addresses.whatsapp).toBe(waId);
    const punctuated = `(${typed.slice(0, 2)}) ${typed.slice(2, 7)}-${typed.slice(7)}`;
    const same = await start(ana, punctuated);
    expect(same.body.conversation.id).toBe(plain.body.conversation.id);
    expect((await start(ana, `+${waId}`)).body.conversation.id).toBe(plain.body.conversation.id);
  });

  it('R-WA-03 a mobile without 11 digits is refused with "Número inválido, corrija e tente novamente"', async () => {
    for (const to of ['1198765432', '119876543210', '11 9876-543', 'abc']) {
      const reply = await start(ana, to);
      expect(reply.status, to).toBe(422);
      expect(reply.body).toMatchObject({ error: 'invalid_number', message: INVALID_NUMBER_MESSAGE });
    }
  });

  it('R-WA-04 an incomplete landline (under 10 digits) is refused; a complete one starts', async () => {
    const incomplete = await start(ana, '113333444');
    expect(incomplete.status).toBe(422);
    expect(incomplete.body).toMatchObject({ error: 'invalid_number', message: INVALID_NUMBER_MESSAGE });
    const landline = await start(ana, '1133335555');
    expect(landline.status).toBe(200);
    expect((await contactOf(landline.body.conversation.contactId))?.addresses.whatsapp).toBe('551133335555');
  });
});

describe('R-WA-10 the contact behind the number', () => {
  it('R-WA-10 an unknown number gets a contact without a name, named later by the customer’s profile', async () => {
    const { typed, waId } = newMobile();
    const started = (await start(ana, typed)).body.conversation;
    const contact = await contactOf(started.contactId);
    expect(contact?.name).toBe('');
    expect(contact?.addresses.whatsapp).toBe(waId);
    await customerWrites(waId, 'Oi, quem fala?', 'Paula Reis');
    expect((await contactOf(started.contactId))?.name).toBe('Paula Reis');
  });

  it('R-WA-10 a known contact is reused with its name', async () => {
    // Maria Oliveira (demo seed) has WhatsApp 5511987654321.
    const reply = await start(ana, '11987654321');
    expect(reply.status).toBe(200);
    expect(reply.body.conversation.contactId).toBe('contact:maria');
    expect((await contactOf('contact:maria'))?.name).toBe('Maria Oliveira');
  });
});

describe('R-WA-05 the customer answers the started conversation', () => {
  it('R-WA-05 the reply appends to the started conversation and opens the window; inbound ones carry the origin number', async () => {
    const { typed, waId } = newMobile();
    const started = (await start(ana, typed)).body.conversation;
    const answered = await customerWrites(waId, 'Pode falar!');
    expect(answered.id).toBe(started.id);
    expect(answered.status).toBe('active');
    expect(answered.agentId).toBe('user:ana');
    expect(serviceWindow(Number(answered.channelMeta.customerWroteAt), Date.now()).open).toBe(true);
    expect(answered.channelMeta.originNumber).toBe(ORIGIN);
    const fresh = await customerWrites(newMobile().waId, 'Primeira mensagem');
    expect(fresh.status).toBe('waiting');
    expect(fresh.channelMeta.originNumber).toBe(ORIGIN);
  });
});

describe('R-WA-02 the reply from the number without its 9', () => {
  it('R-WA-02 WhatsApp reporting an older mobile without the 9 still answers the started conversation, under the same contact', async () => {
    // Mobiles before the 9 began with 6–9: 55 11 9 8XXX-XXXX → 55 11 8XXX-XXXX.
    const typed = `1198${String(++phoneSequence).slice(-7)}`;
    const waId = `55${typed}`;
    const started = (await start(ana, typed)).body.conversation;
    const withoutNine = `${waId.slice(0, 4)}${waId.slice(5)}`;
    const answered = await customerWrites(withoutNine, 'Oi, recebi sua mensagem');
    expect(answered.id).toBe(started.id);
    expect(answered.contactId).toBe(started.contactId);
    expect((await contactOf(started.contactId))?.addresses.whatsapp).toBe(waId);
  });
});

describe('R-WS-08 a contact already in a conversation on that number', () => {
  it('R-WS-08 another agent serving the contact refuses the start with its message', async () => {
    const { typed } = newMobile();
    expect((await start(bruno, typed)).status).toBe(200);
    const refused = await start(ana, typed);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'already_served', message: ALREADY_SERVED_MESSAGE });
  });

  it('R-WS-08 the agent’s own active conversation with the contact is the answer', async () => {
    const { waId, typed } = newMobile();
    const waiting = await customerWrites(waId, 'Olá');
    expect((await call(server, 'POST', `/api/conversations/${waiting.id}/claim`, { token: ana, body: {} })).status).toBe(200);
    const reply = await start(ana, typed);
    expect(reply.status).toBe(200);
    expect(reply.body.conversation.id).toBe(waiting.id);
  });

  it('R-WS-08 a queue session is closed with a trace line and the started one follows in the same thread', async () => {
    const { waId, typed } = newMobile();
    const waiting = await customerWrites(waId, 'Alguém aí?');
    expect(waiting.status).toBe('waiting');
    const started = (await start(ana, typed)).body.conversation;
    expect(started.id).not.toBe(waiting.id);
    expect(started.id).toBe(conversationIdOf(threadIdOf(suporteWa, waiting.contactId), 2));
    const closed = await getWire<ConversationDoc>(server.store, waiting.id);
    expect(closed).toMatchObject({ status: 'finished', finishedBy: 'user:ana' });
    const trace = (await messagesOf(waiting.id)).filter((m) => m.kind === 'event').map((m) => m.payload);
    expect(trace).toContainEqual({ event: 'finished', byUserId: 'user:ana' });
    // The customer's next message goes to the started conversation, not to a new queue entry.
    expect((await customerWrites(waId, 'Obrigada')).id).toBe(started.id);
  });

  it('R-WS-08 a bot session is closed too', async () => {
    const { waId, typed } = newMobile();
    const waiting = await customerWrites(waId, 'Menu');
    await updateWire<ConversationDoc>(server.store, waiting.id, (c) => c && { ...c, status: 'bot', waitingSince: null });
    const started = await start(ana, typed);
    expect(started.status).toBe(200);
    expect((await getWire<ConversationDoc>(server.store, waiting.id))?.status).toBe('finished');
  });

  it('R-WS-08 two agents starting with the same contact at once: exactly one wins, the other is told', async () => {
    const { typed } = newMobile();
    const replies = await Promise.all([start(ana, typed), start(bruno, typed), start(ana, typed), start(bruno, typed)]);
    const won = replies.filter((r) => r.status === 200);
    const agents = new Set(won.map((r) => r.body.conversation.agentId));
    expect(agents.size).toBe(1);
    expect(new Set(won.map((r) => r.body.conversation.id)).size).toBe(1);
    const lost = replies.filter((r) => r.status !== 200);
    expect(lost.length).toBeGreaterThanOrEqual(2);
    for (const r of lost) expect(r.body).toMatchObject({ error: 'already_served', message: ALREADY_SERVED_MESSAGE });
  });
});

describe('R-WS-07 the maximum of simultaneous conversations', () => {
  it('R-WS-07 starting one more than the maximum fails with its message; nothing is closed', async () => {
    await addUser(server, { key: 'edu', name: 'Edu Um', email: 'edu@test.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 1 });
    const edu = (await login(server, 'edu@test.local')).accessToken;
    const own = newMobile().typed;
    expect((await start(edu, own)).status).toBe(200);
    const { waId, typed } = newMobile();
    const waiting = await customerWrites(waId, 'Bom dia');
    const full = await start(edu, typed);
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ error: 'max_concurrent', message: MAX_CONCURRENT_MESSAGE });
    expect((await getWire<ConversationDoc>(server.store, waiting.id))?.status).toBe('waiting');
    // The manual's order: the agent's maximum is checked before whether someone else serves the customer.
    const servedByBruno = newMobile().typed;
    expect((await start(bruno, servedByBruno)).status).toBe(200);
    expect((await start(edu, servedByBruno)).body.error).toBe('max_concurrent');
    // Their own conversation with the customer takes no new place.
    expect((await start(edu, own)).status).toBe(200);
  });
});
