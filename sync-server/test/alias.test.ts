import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALIAS_MAX, type MessageDoc, type UserDoc, type VisitorMessage } from '@atende/protocol';
import { FakeGraph, waInbound } from '../src/channels/whatsapp/simulator/graph.js';
import { getWire } from '../src/store/wire.js';
import { call, clientId, FrameClient, login, messagesWith, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * R-WS-11 / issue 18 "Codinome": an agent's alias is what customers see of them — the author
 * prefix on WhatsApp, the widget's messages and notices — while the stored messages, events and
 * everything colleagues read keep the real name.
 */
const PHONE_NUMBER_ID = '106540352249118';
const ACCESS_TOKEN = 'EAAG-alias-access-token';
const APP_SECRET = 'wa-alias-app-secret-0123456789';

let server: TestServer;
let graph: FakeGraph;
let webhook: string;
let ana: string;
let bruno: string;
let phones = 30_000_000;

beforeAll(async () => {
  graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }).start();
  server = await startTestServer();
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: {
      kind: 'whatsapp', name: 'WhatsApp Codinome', teamId: 'team:suporte',
      config: { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '5511955550000', wabaId: '102290129349118', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: 'wa-alias-verify', baseUrl: graph.baseUrl },
    },
  });
  expect(created.status).toBe(201);
  webhook = `${server.url}/channels/whatsapp/${created.body.id.slice('channel:'.length)}/webhook`;
  ana = (await login(server, 'ana@demo.local')).accessToken;
  bruno = (await login(server, 'bruno@demo.local')).accessToken;
});
afterAll(async () => {
  await server.close();
  await graph.stop();
});

const setAlias = (token: string, alias: string | null) => call<{ user: UserDoc; error?: string; message?: string }>(server, 'PATCH', '/api/me', { token, body: { alias } });
const storedUser = async (id: string) => getWire<UserDoc>(server.store, id);
const write = (token: string, conversationId: string, text: string) =>
  call<{ message: MessageDoc }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token, body: { id: clientId('m'), text } });
const invite = (conversationId: string, agentId: string) =>
  call(server, 'POST', `/api/conversations/${conversationId}/invite`, { token: ana, body: { id: clientId('i'), agentIds: [agentId] } });

describe('R-WS-11 PATCH /api/me {alias}', () => {
  it('R-WS-11 an alias is stored trimmed, shown on the user, and cleared by an empty string or null', async () => {
    const set = await setAlias(ana, '  Aninha  ');
    expect(set.status).toBe(200);
    expect(set.body.user).toMatchObject({ id: 'user:ana', name: 'Ana Souza', alias: 'Aninha' });
    expect(await storedUser('user:ana')).toMatchObject({ alias: 'Aninha', name: 'Ana Souza' });
    // Only the alias changes; the extension the demo gave Ana stays.
    expect((await storedUser('user:ana'))?.extension).toBe('2001');

    const blank = await setAlias(ana, '   ');
    expect(blank.status).toBe(200);
    expect(blank.body.user.alias).toBeNull();
    expect((await setAlias(ana, 'Aninha')).body.user.alias).toBe('Aninha');
    const cleared = await setAlias(ana, null);
    expect(cleared.status).toBe(200);
    expect(cleared.body.user.alias).toBeNull();
    expect((await storedUser('user:ana'))?.alias).toBeNull();
  });

  it('R-WS-11 an alias longer than 60 characters is refused with 400 and a message, and nothing is written', async () => {
    expect((await setAlias(bruno, 'Beto')).status).toBe(200);
    const before = await server.store.get('user:bruno');
    const tooLong = await setAlias(bruno, 'B'.repeat(ALIAS_MAX + 1));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toMatch(/60/);
    const wrongType = await call(server, 'PATCH', '/api/me', { token: bruno, body: { alias: 42 } });
    expect(wrongType.status).toBe(400);
    const after = await server.store.get('user:bruno');
    expect(after?._rev).toBe(before?._rev);
    expect(after?.alias).toBe('Beto');
    // Exactly 60 (after trimming) is accepted.
    const longest = await setAlias(bruno, ` ${'B'.repeat(ALIAS_MAX)} `);
    expect(longest.body.user.alias).toBe('B'.repeat(ALIAS_MAX));
    expect((await setAlias(bruno, null)).status).toBe(200);
  });
});

describe('R-WS-11 the alias on WhatsApp', () => {
  it('R-WS-11 with an invited colleague the fake Graph API receives "*Alias*:" prefixes; the stored messages and events keep the real names', async () => {
    expect((await setAlias(ana, 'Aninha')).status).toBe(200);
    expect((await setAlias(bruno, 'Beto')).status).toBe(200);
    const customer = `55119${++phones}`;
    const inbound = waInbound(PHONE_NUMBER_ID, customer, 'text', { text: { body: 'Preciso de ajuda com meu pedido' } });
    expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
    const [first] = await messagesWith(server, inbound.id);
    const conversationId = String(first?.conversationId);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    expect((await invite(conversationId, 'user:bruno')).status).toBe(200);

    const byBruno = await write(bruno, conversationId, 'Vou verificar o estoque.');
    const byAna = await write(ana, conversationId, 'O Beto está vendo para você.');
    expect([byBruno.status, byAna.status]).toEqual([201, 201]);
    await server.jobs.idle();
    // Cleared before the next send: the customer sees the real name from then on.
    expect((await setAlias(ana, null)).status).toBe(200);
    expect((await write(ana, conversationId, 'Até logo!')).status).toBe(201);
    await server.jobs.idle();

    const texts = graph.sent.filter((s) => (s.body as { to?: string }).to === customer).map((s) => (s.body as { text?: { body: string } }).text?.body);
    expect(texts).toEqual(['*Beto*: Vou verificar o estoque.', '*Aninha*: O Beto está vendo para você.', '*Ana Souza*: Até logo!']);

    // The desk reads the real names and the text as typed.
    const stored = await Promise.all([byBruno, byAna].map((r) => getWire<MessageDoc>(server.store, r.body.message.id)));
    expect(stored.map((m) => [m?.authorName, m?.text, m?.status])).toEqual([
      ['Bruno Lima', 'Vou verificar o estoque.', 'sent'], ['Ana Souza', 'O Beto está vendo para você.', 'sent'],
    ]);
    const events = await server.store.find({ selector: { type: 'message', conversationId, kind: 'event' }, limit: 20 });
    expect(events.map((e) => (e.payload as { agentName?: string }).agentName).filter(Boolean).sort()).toEqual(['Ana Souza', 'Bruno Lima']);
    // A colleague replicates Ana's user document with her real name beside the alias.
    expect((await storedUser('user:bruno'))).toMatchObject({ name: 'Bruno Lima', alias: 'Beto' });
    expect((await setAlias(bruno, null)).status).toBe(200);
  });
});

describe('R-WS-11 the alias and the channel’s length limit', () => {
  it('R-WS-11 a reply that fits WhatsApp with the name in front but not with a long alias is refused (422) before it is queued', async () => {
    const customer = `55119${++phones}`;
    const inbound = waInbound(PHONE_NUMBER_ID, customer, 'text', { text: { body: 'Mensagem longa?' } });
    expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
    const [first] = await messagesWith(server, inbound.id);
    const conversationId = String(first?.conversationId);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    expect((await invite(conversationId, 'user:bruno')).status).toBe(200);
    const text = 'x'.repeat(4096 - '*Bruno Lima*: '.length);

    expect((await setAlias(bruno, 'B'.repeat(ALIAS_MAX))).status).toBe(200);
    const refused = await write(bruno, conversationId, text);
    expect(refused.status).toBe(422);
    expect((refused.body as unknown as { error: string }).error).toBe('text_too_long');
    expect(await server.store.find({ selector: { type: 'message', conversationId, direction: 'out' }, limit: 10 })).toEqual([]);

    expect((await setAlias(bruno, null)).status).toBe(200);
    expect((await write(bruno, conversationId, text)).status).toBe(201);
    await server.jobs.idle();
    const sent = graph.sent.filter((m) => (m.body as { to?: string }).to === customer).map((m) => (m.body as { text?: { body: string } }).text?.body);
    expect(sent).toEqual([`*Bruno Lima*: ${text}`]);
  });
});

describe('R-WS-11 the alias in the website chat', () => {
  it('R-WS-11 the widget’s live frames and transcript name agents by alias (messages and notices); the stored ones keep the names', async () => {
    expect((await setAlias(ana, 'Aninha')).status).toBe(200);
    expect((await setAlias(bruno, 'Beto')).status).toBe(200);
    const visitor = await newVisitor(server, 'demo-site', 'Rita');
    const widget = await FrameClient.visitor(server, visitor.token);
    const { conversationId } = await visitorSays(server, visitor, 'Olá, alguém aí?');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    const reply = await write(ana, conversationId, 'Olá Rita, em que posso ajudar?');
    expect(reply.status).toBe(201);
    expect((await invite(conversationId, 'user:bruno')).status).toBe(200);
    expect((await write(bruno, conversationId, 'Oi Rita!')).status).toBe(201);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/leave`, { token: bruno, body: {} })).status).toBe(200);
    await server.jobs.idle();

    const frameOf = (match: (m: VisitorMessage) => boolean) =>
      widget.next((f) => f.type === 'message' && match(f.message as VisitorMessage)).then((f) => f.message as VisitorMessage);
    const eventFrame = (event: string) => frameOf((m) => m.event?.event === event);
    const [joined, invited, left] = await Promise.all([eventFrame('joined'), eventFrame('invited'), eventFrame('left')]);
    expect([joined.event, joined.text]).toEqual([expect.objectContaining({ agentName: 'Aninha' }), 'Aninha entrou na conversa.']);
    expect([invited.event, invited.text]).toEqual([expect.objectContaining({ agentName: 'Beto' }), 'Beto entrou na conversa a convite.']);
    expect([left.event, left.text]).toEqual([expect.objectContaining({ agentName: 'Beto' }), 'Beto saiu da conversa.']);
    expect((await frameOf((m) => m.id === reply.body.message.id)).authorName).toBe('Aninha');
    expect((await frameOf((m) => m.text === 'Oi Rita!')).authorName).toBe('Beto');

    const transcript = await call<{ messages: VisitorMessage[] }>(server, 'GET', '/api/webchat/messages', { token: visitor.token });
    expect(transcript.status).toBe(200);
    const lines = transcript.body.messages.map((m) => (m.direction === 'system' ? m.text : `${m.authorName}: ${m.text}`));
    expect(lines).toEqual(expect.arrayContaining([
      'Aninha entrou na conversa.', 'Aninha: Olá Rita, em que posso ajudar?', 'Beto entrou na conversa a convite.', 'Beto: Oi Rita!', 'Beto saiu da conversa.',
    ]));
    // Nothing the visitor received names the agents.
    const seen = JSON.stringify([transcript.body, widget.frames]);
    expect(seen).not.toMatch(/Ana Souza|Bruno Lima/);

    // The desk's copies keep the real names.
    expect((await getWire<MessageDoc>(server.store, reply.body.message.id))?.authorName).toBe('Ana Souza');
    const events = await until(
      () => server.store.find({ selector: { type: 'message', conversationId, kind: 'event' }, limit: 20 }),
      (found) => found.length >= 3,
    );
    expect(events.map((e) => e.text).filter((t) => typeof t === 'string' && /entrou|saiu/.test(t)).sort()).toEqual([
      'Ana Souza entrou na conversa.', 'Bruno Lima entrou na conversa a convite.', 'Bruno Lima saiu da conversa.',
    ]);
    widget.close();
  });
});
