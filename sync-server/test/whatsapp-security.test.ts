import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkFileForChannel, whatsappRefusal, type AgentChannel, type ConversationDoc, type MessageDoc, type WhatsAppTemplate } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { WhatsAppAdapter } from '../src/channels/whatsapp/adapter.js';
import { loadConfig } from '../src/config/config.js';
import { FakeGraph, waInbound, waStatuses, type FakeTemplate } from '../src/channels/whatsapp/simulator/graph.js';
import { addUser, call, clientId, login, startTestServer, type Reply, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * Issue 10 under attack: the routes WhatsApp added (start, template, channel list, templates,
 * connection test, sync), by role and team, with bad and racing input, for secrets in answers,
 * and how WhatsApp's refusals end (failed, readable, never retried for ever).
 */
const PHONE_NUMBER_ID = '106540352249999';
const WABA_ID = '102290129349999';
const ACCESS_TOKEN = 'EAAG-security-access-token-7f3a';
const APP_SECRET = 'wa-security-app-secret-91c2';
const VERIFY_TOKEN = 'wa-security-verify-token-55e1';
const SECRETS = [ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN];
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const TEMPLATES: FakeTemplate[] = [
  { name: 'aviso', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Oi {{1}}, tudo certo?' }] },
  {
    name: 'foto', language: 'pt_BR', status: 'APPROVED', category: 'MARKETING',
    components: [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.whatsapp.net/v/x.jpg'] } }, { type: 'BODY', text: 'Oferta!' }],
  },
];

let server: TestServer;
let graph: FakeGraph;
let webhook: string;
let suporteWa: string;
let comercialWa: string;
let admin: string;
let tina: string;
let diego: string;
let carla: string;
let phoneSequence = 40_000_000;
const newPhone = () => `55119${++phoneSequence}`;

async function whatsappAccount(name: string, teamId: string, phoneNumberId: string): Promise<string> {
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: {
      kind: 'whatsapp', name, teamId,
      config: { phoneNumberId, displayPhoneNumber: '5511912349999', wabaId: WABA_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, baseUrl: graph.baseUrl },
    },
  });
  expect(created.status).toBe(201);
  expect((await call(server, 'POST', `/api/admin/channels/${created.body.id}/templates/sync`, { token: admin })).status).toBe(200);
  return created.body.id;
}

beforeAll(async () => {
  graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, wabaId: WABA_ID }).start();
  graph.templates.push(...TEMPLATES.map((t) => ({ ...t })));
  server = await startTestServer();
  admin = (await login(server, 'admin@demo.local')).accessToken;
  suporteWa = await whatsappAccount('WhatsApp Suporte', 'team:suporte', PHONE_NUMBER_ID);
  comercialWa = await whatsappAccount('WhatsApp Comercial', 'team:comercial', '106540352240001');
  webhook = `${server.url}/channels/whatsapp/${suporteWa.slice('channel:'.length)}/webhook`;
  await addUser(server, { key: 'tina', name: 'Tina Reis', email: 'tina@sec.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 100 });
  await addUser(server, { key: 'diego', name: 'Diego Alves', email: 'diego@sec.local', role: 'agent', teamIds: ['team:comercial'], maxConcurrent: 100 });
  tina = (await login(server, 'tina@sec.local')).accessToken;
  diego = (await login(server, 'diego@sec.local')).accessToken;
  carla = (await login(server, 'carla@demo.local')).accessToken;
});
afterAll(async () => {
  await server.close();
  await graph.stop();
});
beforeEach(() => graph.reset());

const templateId = (account: string, name: string) => `wtemplate:${account.slice('channel:'.length)}.${name}.pt_BR`;

type Started = Reply<{ conversation: ConversationDoc; error?: string; message?: string }>;
const start = (token: string, body: Record<string, unknown>): Promise<Started> =>
  call(server, 'POST', '/api/conversations', { token, body: { id: clientId('s'), teamId: 'team:suporte', channelAccountId: suporteWa, to: '11987650000', ...body } });

type Sent = Reply<{ message: MessageDoc; error?: string }>;
const sendTemplate = (token: string, conversationId: string, body: Record<string, unknown>): Promise<Sent> =>
  call(server, 'POST', `/api/conversations/${conversationId}/template`, { token, body: { id: clientId('t'), templateId: templateId(suporteWa, 'aviso'), values: { 'body.1': 'Joana' }, ...body } });

async function upload(token: string, bytes: Buffer, type: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A customer writes `hoursAgo` hours ago; Tina takes the conversation. */
async function customerConversation(hoursAgo = 0, phone = newPhone()) {
  const inbound = waInbound(PHONE_NUMBER_ID, phone, 'text', { text: { body: 'oi' } }, { timestampS: Math.floor(Date.now() / 1000) - hoursAgo * 3600 });
  expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
  const [stored] = await server.store.find({ selector: { type: 'message', externalId: inbound.id }, limit: 1 });
  const conversationId = String(stored?.conversationId);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: tina, body: {} })).status).toBe(200);
  return { conversationId, phone, inboundId: inbound.id };
}

const settled = (id: string) => until(async () => (await server.store.get(id)) as unknown as MessageDoc, (m) => m.status !== 'queued' && m.status !== 'sent');
const messageCount = async (conversationId: string) => (await server.store.find({ selector: { type: 'message', conversationId, direction: 'out' }, limit: 500 })).length;

describe('issue 10 authorisation of the WhatsApp routes by role and team', () => {
  it('R-WA-01 GET /api/channels: each agent sees only their team\'s numbers; nobody sees a setting or secret; no token is 401', async () => {
    const ofTina = await call<{ channels: AgentChannel[] }>(server, 'GET', '/api/channels', { token: tina });
    const ofDiego = await call<{ channels: AgentChannel[] }>(server, 'GET', '/api/channels', { token: diego });
    const ofCarla = await call<{ channels: AgentChannel[] }>(server, 'GET', '/api/channels', { token: carla });
    expect(ofTina.body.channels.map((c) => c.id)).toContain(suporteWa);
    expect(ofTina.body.channels.map((c) => c.id)).not.toContain(comercialWa);
    expect(ofDiego.body.channels.map((c) => c.id)).toEqual(expect.arrayContaining([comercialWa]));
    expect(ofDiego.body.channels.map((c) => c.id)).not.toContain(suporteWa);
    expect(ofCarla.body.channels.map((c) => c.id)).toEqual(expect.arrayContaining([suporteWa, comercialWa]));
    for (const reply of [ofTina, ofDiego, ofCarla]) {
      const text = JSON.stringify(reply.body);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(text).not.toContain(PHONE_NUMBER_ID);
    }
    expect((await call(server, 'GET', '/api/channels')).status).toBe(401);
  });

  it('R-WA-08 templates of another team\'s number are 403 to an agent, 200 to a supervisor; removed or malformed numbers are 404, never 500', async () => {
    expect((await call(server, 'GET', `/api/channels/${suporteWa}/templates`, { token: diego })).status).toBe(403);
    expect((await call(server, 'GET', `/api/channels/${suporteWa}/templates`, { token: carla })).status).toBe(200);
    for (const bad of ['channel:..%2F..%2Fx', 'x'.repeat(500), 'user:tina', '%00']) {
      const reply = await call(server, 'GET', `/api/channels/${bad}/templates`, { token: tina });
      expect([400, 404]).toContain(reply.status);
    }
    const removed = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
      token: admin, body: { kind: 'whatsapp', name: 'Removido', teamId: 'team:suporte', config: { phoneNumberId: '1', accessToken: 'a', appSecret: 'b', verifyToken: 'c', baseUrl: graph.baseUrl } },
    });
    expect((await call(server, 'DELETE', `/api/admin/channels/${removed.body.id}`, { token: admin })).status).toBeLessThan(300);
    expect((await call(server, 'GET', `/api/channels/${removed.body.id}/templates`, { token: tina })).status).toBe(404);
    expect((await call<{ channels: AgentChannel[] }>(server, 'GET', '/api/channels', { token: tina })).body.channels.map((c) => c.id)).not.toContain(removed.body.id);
  });

  it('R-WA-08 admin channel routes (test, templates, sync) are 403 to agents and supervisors and 401 without a token', async () => {
    const routes: Array<[string, string]> = [
      ['POST', `/api/admin/channels/${suporteWa}/test`], ['GET', `/api/admin/channels/${suporteWa}/templates`], ['POST', `/api/admin/channels/${suporteWa}/templates/sync`],
    ];
    for (const [method, route] of routes) {
      expect((await call(server, method, route, { token: tina })).status).toBe(403);
      expect((await call(server, method, route, { token: carla })).status).toBe(403);
      expect((await call(server, method, route)).status).toBe(401);
    }
    expect(graph.calls).toEqual([]);
  });

  it('R-WA-01 an agent cannot start on another team\'s number, for another team, on a disabled, removed or website account', async () => {
    expect((await start(diego, {})).status).toBe(403);
    expect((await start(diego, { teamId: 'team:comercial' })).status).toBe(403);
    expect((await start(tina, { teamId: 'team:comercial', channelAccountId: comercialWa })).status).toBe(403);
    const disabled = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
      token: admin, body: { kind: 'whatsapp', name: 'Desligado', teamId: 'team:suporte', config: { phoneNumberId: '2', accessToken: 'a', appSecret: 'b', verifyToken: 'c', baseUrl: graph.baseUrl } },
    });
    expect((await call(server, 'PATCH', `/api/admin/channels/${disabled.body.id}`, { token: admin, body: { enabled: false } })).status).toBe(200);
    expect((await start(tina, { channelAccountId: disabled.body.id })).status).toBe(422);
    expect((await call(server, 'DELETE', `/api/admin/channels/${disabled.body.id}`, { token: admin })).status).toBeLessThan(300);
    expect((await start(tina, { channelAccountId: disabled.body.id })).status).toBe(422);
    const web = await start(tina, { channelAccountId: 'channel:demo-site' });
    expect([web.status, web.body.error]).toEqual([422, 'channel_cannot_start']);
    expect((await start(tina, { channelAccountId: 'channel:nao-existe' })).status).toBe(422);
  });

  it('R-WA-08 a template goes only to a conversation the agent serves, and only a template of that conversation\'s number', async () => {
    const { conversationId } = await customerConversation(30);
    const before = await messageCount(conversationId);
    // Another team's agent: the conversation does not exist for him.
    expect((await sendTemplate(diego, conversationId, {})).status).toBe(404);
    // The same template name synced for another number (same WABA) is not this conversation's.
    const other = await sendTemplate(tina, conversationId, { templateId: templateId(comercialWa, 'aviso') });
    expect([other.status, other.body.error]).toEqual([422, 'template_unknown']);
    // A template id naming no template, or not a template at all.
    expect((await sendTemplate(tina, conversationId, { templateId: 'user:tina' })).status).toBe(422);
    expect((await sendTemplate(tina, conversationId, { templateId: `channel:${suporteWa.slice(8)}` })).status).toBe(422);
    // A colleague of the same team who does not serve it may not reply in it.
    await addUser(server, { key: 'ivo', name: 'Ivo Reis', email: 'ivo@sec.local', role: 'agent', teamIds: ['team:suporte'] });
    const ivo = (await login(server, 'ivo@sec.local')).accessToken;
    expect((await sendTemplate(ivo, conversationId, {})).status).toBe(403);
    expect(await messageCount(conversationId)).toBe(before);
  });

  it('R-WA-08 a header image must be one the agent may read, an image, and a JPEG or PNG (WhatsApp refuses other header formats)', async () => {
    const { conversationId } = await customerConversation(30);
    const foto = templateId(suporteWa, 'foto');
    const diegos = await upload(diego, PNG, 'image/png', 'diego.png');
    expect((await sendTemplate(tina, conversationId, { templateId: foto, values: {}, headerMediaId: diegos })).status).toBe(404);
    const pdf = await upload(tina, PDF, 'application/pdf', 'doc.pdf');
    const notImage = await sendTemplate(tina, conversationId, { templateId: foto, values: {}, headerMediaId: pdf });
    expect([notImage.status, notImage.body.error]).toEqual([422, 'template_image_invalid']);
    const webp = await upload(tina, WEBP, 'image/webp', 'sticker.webp');
    const sticker = await sendTemplate(tina, conversationId, { templateId: foto, values: {}, headerMediaId: webp });
    expect([sticker.status, sticker.body.error]).toEqual([422, 'template_image_invalid']);
    // A header image on a template without one is refused, not silently dropped.
    const png = await upload(tina, PNG, 'image/png', 'ok.png');
    expect((await sendTemplate(tina, conversationId, { headerMediaId: png })).status).toBe(422);
    expect(await messageCount(conversationId)).toBe(0);
    expect(graph.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });
});

describe('issue 10 bad input on start and template', () => {
  it('R-WA-03 letters, a bare +, a huge or malformed destination are refused with 4xx, never 500; another country with + starts', async () => {
    for (const to of ['11abc12345', '+', '+55', '+55 11 1234', '0000000000', '11 98765 43210 1']) {
      const reply = await start(tina, { to });
      expect([reply.status, reply.body.error]).toEqual([422, 'invalid_number']);
    }
    for (const to of ['1'.repeat(33), '', '   ']) expect((await start(tina, { to })).status).toBe(400);
    for (const bad of [{ id: 'short' }, { id: 'x'.repeat(65) }, { teamId: 'x'.repeat(5000) }, { channelAccountId: 42 }, { extra: true }]) {
      expect((await start(tina, bad)).status).toBe(400);
    }
    // The origin number itself: WhatsApp refuses a number writing to itself.
    const itself = await start(tina, { to: '(11) 91234-9999' });
    expect([itself.status, itself.body.error]).toEqual([422, 'invalid_number']);
    const abroad = await start(tina, { to: '+1 (415) 555-2671' });
    expect(abroad.status).toBe(200);
    const contact = await server.store.get(abroad.body.conversation.contactId);
    expect((contact?.addresses as Record<string, string>).whatsapp).toBe('14155552671');
  });

  it('R-WA-08 unknown or oversized template values are 400; a value WhatsApp refuses (new line, tab, more than 4 spaces) is 422 before anything is queued', async () => {
    const { conversationId } = await customerConversation(30);
    expect((await sendTemplate(tina, conversationId, { values: { 'body.1': 'x'.repeat(1025) } })).status).toBe(400);
    expect((await sendTemplate(tina, conversationId, { values: { 'footer.1': 'x' } })).status).toBe(400);
    expect((await sendTemplate(tina, conversationId, { values: { 'body.999': 'x' } })).status).toBe(400);
    // A literal `__proto__` is no key (so this one is a valid send, queued): counted from after it.
    expect((await sendTemplate(tina, conversationId, { values: { __proto__: 'x', 'body.1': 'a' } })).status).toBeLessThan(500);
    const queued = await until(() => messageCount(conversationId), (n) => n === 1);
    for (const value of ['linha 1\nlinha 2', 'a\tb', 'a     b']) {
      const reply = await sendTemplate(tina, conversationId, { values: { 'body.1': value } });
      expect([reply.status, reply.body.error]).toEqual([422, 'template_value_invalid']);
    }
    expect(await messageCount(conversationId)).toBe(queued);
  });

  it('R-WA-01 a start command id reused by another user is that user\'s own command: it neither fails nor reveals the first user\'s conversation', async () => {
    const id = clientId('shared');
    const mine = await start(tina, { id, to: newPhone().slice(2) });
    expect(mine.status).toBe(200);
    const theirs = await start(diego, { id, teamId: 'team:comercial', channelAccountId: comercialWa, to: newPhone().slice(2) });
    expect(theirs.status).toBe(200);
    expect(theirs.body.conversation.agentId).toBe('user:diego');
    expect(JSON.stringify(theirs.body)).not.toContain(mine.body.conversation.id);
    expect(JSON.stringify(theirs.body)).not.toContain(mine.body.conversation.contactId);
    // Both keep their own repeat.
    expect((await start(tina, { id, to: '11999999999' })).body.conversation.id).toBe(mine.body.conversation.id);
    expect((await start(diego, { id, teamId: 'team:comercial', channelAccountId: comercialWa, to: '11999999999' })).body.conversation.id).toBe(theirs.body.conversation.id);
  });

  it('R-WA-01 a repeat of a start command does not show the conversation once it moved to a team the agent is not in', async () => {
    const body = { id: clientId('moved'), to: newPhone().slice(2) };
    const first = await start(tina, body);
    expect(first.status).toBe(200);
    const moved = await call(server, 'POST', `/api/conversations/${first.body.conversation.id}/transfer`, { token: tina, body: { toTeamId: 'team:comercial' } });
    expect(moved.status).toBe(200);
    const repeat = await start(tina, body);
    expect(repeat.status).toBe(404);
    expect(JSON.stringify(repeat.body)).not.toContain(first.body.conversation.id);
  });

  it('R-WA-08 a template message id reused by another agent is that agent\'s own message and never shows the first agent\'s', async () => {
    const { conversationId } = await customerConversation(30);
    const id = clientId('dup');
    const first = await sendTemplate(tina, conversationId, { id });
    expect(first.status).toBe(201);
    const start2 = await start(diego, { teamId: 'team:comercial', channelAccountId: comercialWa, to: newPhone().slice(2) });
    const stolen = await sendTemplate(diego, start2.body.conversation.id, { id, templateId: templateId(comercialWa, 'aviso') });
    // Ids are namespaced by author (issue 14): no clash, and nothing of Tina's message.
    expect(stolen.status).toBe(201);
    const own = stolen.body.message;
    expect(own).toMatchObject({ conversationId: start2.body.conversation.id, authorId: 'user:diego' });
    expect(own.id).not.toBe(first.body.message.id);
    const toHers = await sendTemplate(diego, conversationId, { id });
    expect(toHers.status).toBe(404);
  });
});

describe('issue 10 a refused send shares no file', () => {
  it('R-WS-04 a file refused as a template header, or sent into a closed window, is not opened to the conversation\'s other readers', async () => {
    const { conversationId } = await customerConversation(30);
    await addUser(server, { key: 'rui', name: 'Rui Lima', email: 'rui@sec.local', role: 'agent', teamIds: ['team:suporte'] });
    const rui = (await login(server, 'rui@sec.local')).accessToken;
    expect((await call(server, 'GET', `/api/conversations/${conversationId}/messages`, { token: rui })).status).toBe(200);
    const readable = async (mediaId: string) => (await fetch(`${server.url}/api/media/${mediaId}`, { headers: { authorization: `Bearer ${rui}` } })).status;
    const pdf = await upload(tina, PDF, 'application/pdf', 'contrato.pdf');
    expect((await sendTemplate(tina, conversationId, { templateId: templateId(suporteWa, 'foto'), values: {}, headerMediaId: pdf })).status).toBe(422);
    const png = await upload(tina, PNG, 'image/png', 'foto.png');
    const closed = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: tina, body: { id: clientId('f'), text: '', mediaIds: [png] } });
    expect(closed.status).toBe(409);
    expect([await readable(pdf), await readable(png)]).toEqual([404, 404]);
    // Sent for real, the picture is the conversation's.
    expect((await sendTemplate(tina, conversationId, { templateId: templateId(suporteWa, 'foto'), values: {}, headerMediaId: png })).status).toBe(201);
    expect(await readable(png)).toBe(200);
  });
});

describe('issue 10 a refused start leaves nothing behind', () => {
  it('R-WS-07 R-WS-08 a start refused for the agent\'s maximum or another agent does not link another team\'s contact to the agent\'s team', async () => {
    // Diego (Comercial) serves a customer on Comercial's number: the contact is Comercial's only.
    const phone = newPhone();
    const theirs = await start(diego, { teamId: 'team:comercial', channelAccountId: comercialWa, to: phone.slice(2) });
    expect(theirs.status).toBe(200);
    const contactId = theirs.body.conversation.contactId;
    await addUser(server, { key: 'lia', name: 'Lia Full', email: 'lia@sec.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 1 });
    const lia = (await login(server, 'lia@sec.local')).accessToken;
    expect((await start(lia, { to: newPhone().slice(2) })).status).toBe(200);
    // Lia is full: refused, and Suporte must not gain Comercial's contact (its name, its e-mail) by trying.
    const refused = await start(lia, { to: phone.slice(2) });
    expect([refused.status, refused.body.error]).toEqual([409, 'max_concurrent']);
    expect(((await server.store.get(contactId)) as unknown as { teamIds: string[] }).teamIds).not.toContain('team:suporte');
  });
});

describe('issue 10 concurrency of starts', () => {
  it('R-WS-08 two starts of one agent at once, with different command ids, give one conversation', async () => {
    const to = newPhone().slice(2);
    const replies = await Promise.all([start(tina, { to }), start(tina, { to }), start(tina, { to })]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(replies.map((r) => r.body.conversation.id)).size).toBe(1);
  });

  it('R-WA-05 R-WS-08 a customer who wrote just before the agent started: the started conversation keeps their window open and their latest message id', async () => {
    const phone = newPhone();
    const inbound = waInbound(PHONE_NUMBER_ID, phone, 'text', { text: { body: 'Preciso de ajuda com meu pedido' } });
    // The customer and the agent at once: whoever the store lets in first, nothing visible is lost.
    const [delivered, started] = await Promise.all([graph.deliver(webhook, inbound.body), start(tina, { to: phone.slice(2) })]);
    expect(delivered.status).toBe(200);
    expect(started.status).toBe(200);
    const conversation = (await server.store.get(started.body.conversation.id)) as unknown as ConversationDoc;
    expect(Number(conversation.channelMeta.customerWroteAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(conversation.channelMeta.lastInboundExternalId).toBe(inbound.id);
    // Free text goes: the customer's window is open whatever conversation their message landed in.
    const reply = await call(server, 'POST', `/api/conversations/${started.body.conversation.id}/messages`, { token: tina, body: { id: clientId('r'), text: 'Olá! Como posso ajudar?' } });
    expect(reply.status).toBe(201);
  });

  it('R-WA-05 R-WS-08 a queue session closed by a start keeps the customer\'s message readable by the agent, and the started one their window', async () => {
    const phone = newPhone();
    const inbound = waInbound(PHONE_NUMBER_ID, phone, 'text', { text: { body: 'Alguém aí?' } });
    expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
    const [stored] = await server.store.find({ selector: { type: 'message', externalId: inbound.id }, limit: 1 });
    const started = await start(tina, { to: phone.slice(2) });
    expect(started.status).toBe(200);
    expect(started.body.conversation.id).not.toBe(stored?.conversationId);
    expect(started.body.conversation.channelMeta.lastInboundExternalId).toBe(inbound.id);
    // Nothing lost: the closed session, with the customer's words, is in the agent's history.
    const closed = await call<{ messages: MessageDoc[] }>(server, 'GET', `/api/conversations/${String(stored?.conversationId)}/messages`, { token: tina });
    expect(closed.status).toBe(200);
    expect(closed.body.messages.map((m) => m.text)).toContain('Alguém aí?');
  });

  it('R-WA-05 a number the customer never wrote from, or wrote from over 24 h ago, starts with the window closed', async () => {
    const fresh = await start(tina, { to: newPhone().slice(2) });
    expect(fresh.body.conversation.channelMeta.customerWroteAt).toBeUndefined();
    const old = await customerConversation(30);
    expect((await call(server, 'POST', `/api/conversations/${old.conversationId}/finish`, { token: tina, body: {} })).status).toBe(200);
    const again = await start(tina, { to: old.phone.slice(2) });
    expect(again.status).toBe(200);
    const text = await call<{ error: string }>(server, 'POST', `/api/conversations/${again.body.conversation.id}/messages`, { token: tina, body: { id: clientId('r'), text: 'Oi' } });
    expect([text.status, text.body.error]).toEqual([409, 'whatsapp_window_closed']);
  });
});

describe('issue 10 secrets never leave the server', () => {
  it('R-CH-03 admin views, the connection test and sync refusals carry no token or secret, even when the upstream echoes one', async () => {
    const view = await call(server, 'GET', `/api/admin/channels/${suporteWa}`, { token: admin });
    const list = await call(server, 'GET', '/api/admin/channels', { token: admin });
    for (const reply of [view, list]) for (const secret of SECRETS) expect(JSON.stringify(reply.body)).not.toContain(secret);
    // An upstream (or a host an admin mistyped) answering with the request's own credentials.
    const echoed = `Invalid token ${ACCESS_TOKEN} for app secret ${APP_SECRET}`;
    const fetcher = (async () => new Response(JSON.stringify({ error: { code: 100, message: echoed } }), { status: 400 })) as typeof fetch;
    const account = { _id: 'channel:x', type: 'channel', kind: 'whatsapp', name: 'x', entryTeamId: 'team:suporte', settings: { phoneNumberId: '1', wabaId: 'w', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET } } as ChannelAccountDoc;
    const adapter = new WhatsAppAdapter(account, fetcher);
    const test = await adapter.testConnection();
    expect(test.ok).toBe(false);
    const sync = await adapter.listTemplates().then(() => 'listed', (error: Error) => error.message);
    for (const said of [test.message, sync]) for (const secret of SECRETS) expect(said).not.toContain(secret);
  });

  it('R-CH-03 the template sync follows paging.next only on the configured API origin, so the token never goes elsewhere', async () => {
    const requested: Array<{ url: string; authorization: string | undefined }> = [];
    const pages: Record<string, unknown> = {
      'https://graph.example/v21.0/waba/message_templates?limit=100': { data: [{ name: 'a', language: 'pt_BR' }], paging: { next: 'https://graph.example.evil.test/v21.0/waba/message_templates?after=1' } },
    };
    const fetcher = (async (url: string | URL, init?: RequestInit) => {
      requested.push({ url: String(url), authorization: (init?.headers as Record<string, string>).authorization });
      return new Response(JSON.stringify(pages[String(url)] ?? { data: [{ name: 'leak', language: 'pt_BR' }] }), { status: 200 });
    }) as typeof fetch;
    const account = { _id: 'channel:x', type: 'channel', kind: 'whatsapp', name: 'x', entryTeamId: 'team:suporte', settings: { wabaId: 'waba', accessToken: ACCESS_TOKEN, baseUrl: 'https://graph.example/v21.0' } } as ChannelAccountDoc;
    const listed = await new WhatsAppAdapter(account, fetcher).listTemplates();
    expect([listed.templates.map((t) => t.name), listed.cut]).toEqual([['a'], 'foreign_next']);
    expect(requested.map((r) => r.url)).toEqual(['https://graph.example/v21.0/waba/message_templates?limit=100']);
    for (const next of ['http://graph.example/v21.0/waba/message_templates?after=1', 'https://graph.example:8443/x', 'https://user@graph.example.evil.test/x', 'javascript:alert(1)']) {
      requested.length = 0;
      pages['https://graph.example/v21.0/waba/message_templates?limit=100'] = { data: [], paging: { next } };
      await new WhatsAppAdapter(account, fetcher).listTemplates();
      expect(requested).toHaveLength(1);
    }
  });
});

describe('issue 10 template status webhook', () => {
  const status = (name: string, event: string, entryId = WABA_ID) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: entryId, time: 1, changes: [{ field: 'message_template_status_update', value: { event, message_template_id: 1, message_template_name: name, message_template_language: 'pt_BR', reason: 'NONE' } }] }],
  });
  const statusOf = async (account: string, name: string) =>
    (await call<{ templates: WhatsAppTemplate[] }>(server, 'GET', `/api/admin/channels/${account}/templates`, { token: admin })).body.templates.find((t) => t.name === name)?.status;

  it('R-WA-08 an unsigned or wrongly signed template update is 401 and changes nothing', async () => {
    expect((await graph.deliver(webhook, status('aviso', 'DISABLED'), null)).status).toBe(401);
    expect((await graph.deliver(webhook, status('aviso', 'DISABLED'), 'sha256=00')).status).toBe(401);
    expect(await statusOf(suporteWa, 'aviso')).toBe('APPROVED');
  });

  it('R-WA-08 an update for another WhatsApp Business Account, or for another number\'s templates, changes nothing here', async () => {
    expect((await graph.deliver(webhook, status('aviso', 'PAUSED', '999999999'))).status).toBe(200);
    expect(await statusOf(suporteWa, 'aviso')).toBe('APPROVED');
    // Delivered to the suporte number's webhook: the comercial number's copy is not touched by it.
    expect((await graph.deliver(webhook, status('foto', 'PAUSED'))).status).toBe(200);
    expect(await statusOf(comercialWa, 'foto')).toBe('APPROVED');
    expect((await graph.deliver(webhook, status('foto', 'REINSTATED'))).status).toBe(200);
  });
});

describe('issue 10 WhatsApp refusals end as failed with a readable reason, never retried for ever', () => {
  const refusals: Array<[number, RegExp]> = [
    [131047, /janela de 24 horas/i],
    [131026, /não foi entregue|não pôde receber/i],
    [132000, /variáveis/i],
    [132001, /template/i],
  ];
  for (const [code, reason] of refusals) {
    it(`R-WA-05 R-CH-03 issue 10 Graph refusing a template with ${code} fails it at once with the code's pt-BR sentence`, async () => {
      const { conversationId } = await customerConversation(30);
      graph.failNext({ status: 400, code, message: `(#${code}) upstream text in English` });
      const sent = await sendTemplate(tina, conversationId, {});
      expect(sent.status).toBe(201);
      const done = await settled(sent.body.message.id);
      expect(done.status).toBe('failed');
      // Graph's answer to the send reads the same pt-BR sentence as a later failed delivery report.
      expect(done.error).toBe(whatsappRefusal(code));
      expect(done.error).toMatch(reason);
      expect(done.error).not.toContain('English');
      await server.jobs.idle();
      expect(graph.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'))).toHaveLength(1);
    });

    it(`R-WA-05 R-CH-03 a delivery report failing with ${code} shows a pt-BR reason`, async () => {
      const { conversationId, phone } = await customerConversation(1);
      const sent = await sendTemplate(tina, conversationId, {});
      const out = await until(async () => (await server.store.get(sent.body.message.id)) as unknown as MessageDoc, (m) => m.status === 'sent');
      expect(out.externalId).toBeTruthy();
      const report = waStatuses(PHONE_NUMBER_ID, [{ id: String(out.externalId), status: 'failed', recipient: phone, errors: [{ code, title: 'English title' }] }]);
      expect((await graph.deliver(webhook, report)).status).toBe(200);
      const failed = await settled(sent.body.message.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(reason);
    });
  }
});

describe('issue 10 the WhatsApp simulator stays a local demo', () => {
  it('R-CH-03 it is off unless the demo organisation is on, cannot be forced on without it, and listens on loopback only', () => {
    const couch = { COUCHDB_URL: 'http://admin:pw@127.0.0.1:5984' };
    expect(loadConfig({ ...couch }).whatsappSimulator).toBe(false);
    expect(loadConfig({ ATENDE_DEMO: '0' }).whatsappSimulator).toBe(false);
    expect(loadConfig({ ATENDE_DEMO: '1', ATENDE_WHATSAPP_SIMULATOR: '0' }).whatsappSimulator).toBe(false);
    expect(() => loadConfig({ ATENDE_DEMO: '0', ATENDE_WHATSAPP_SIMULATOR: '1' })).toThrow(/needs the demo/);
    expect(new URL(graph.baseUrl).hostname).toBe('127.0.0.1');
  });

  it('R-CH-03 the customer pages put what people typed on screen as text, never as markup', () => {
    // Every simulator page's scripts: each page's own and the shared ones (thread.js draws every message, who.js the fields).
    const dirs = ['simulators/assets/', 'whatsapp/simulator/page/', 'telegram/simulator/page/', 'meta/simulator/page/']
      .map((dir) => new URL(`../src/channels/${dir}`, import.meta.url));
    const scripts = new Map(dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => [f, readFileSync(new URL(f, dir), 'utf8')] as const)));
    expect([...scripts.keys()]).toEqual(expect.arrayContaining(['thread.js', 'who.js', 'phone.js', 'chat.js', 'meta.js']));
    // The message's text, its label and a document's name are set as text.
    const thread = scripts.get('thread.js') ?? '';
    for (const sink of [/\.text\.textContent = m\.text/, /\.label\.textContent = m\.label/, /\.textContent = m\.media\.filename/]) expect(thread).toMatch(sink);
    for (const [file, script] of scripts) {
      expect.soft(script, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\.html\(|createContextualFragment|DOMParser/);
    }
  });
});

describe('R-CH-03 issue 10 WhatsApp takes no WebP picture from an agent', () => {
  // Meta sends `type: image` as JPEG or PNG only; WebP goes only as a 512×512 sticker, which a
  // photo is not. So the composer refuses it before uploading, and the server at upload and send.
  it('R-CH-03 issue 10 the composer\'s check, the upload for WhatsApp and a send in a WhatsApp conversation refuse a WebP', async () => {
    expect(checkFileForChannel('whatsapp', { name: 'foto.webp', type: 'image/webp', size: 20_000 })?.code).toBe('unsupported_type');
    expect(checkFileForChannel('whatsapp', { name: 'foto.webp', type: '', size: 20_000 })?.code).toBe('unsupported_type');
    expect(checkFileForChannel('whatsapp', { name: 'foto.png', type: 'image/png', size: 20_000 })).toBeUndefined();

    const form = new FormData();
    form.append('channel', 'whatsapp');
    form.append('file', new Blob([new Uint8Array(WEBP)], { type: 'image/webp' }), 'foto.webp');
    const uploaded = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${tina}` }, body: form });
    expect(uploaded.status).toBe(415);

    const { conversationId } = await customerConversation(0);
    const webp = await upload(tina, WEBP, 'image/webp', 'foto.webp');
    const sent = await call<{ error?: string }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: tina, body: { id: clientId('w'), mediaIds: [webp] } });
    expect([sent.status, sent.body.error]).toEqual([415, 'unsupported_type']);
    expect(await messageCount(conversationId)).toBe(0);
  });
});

describe('R-WA-08 issue 10 templates of a conversation transferred from another team', () => {
  it('R-WA-08 issue 10 the agent now serving a conversation on another team\'s number is offered its templates for that open conversation only', async () => {
    const { conversationId } = await customerConversation(30);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: tina, body: { toTeamId: 'team:comercial' } })).status).toBe(200);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: diego, body: {} })).status).toBe(200);
    const templates = (token: string, query = '') =>
      call<{ templates: WhatsAppTemplate[] }>(server, 'GET', `/api/channels/${suporteWa}/templates${query}`, { token });

    const offered = await templates(diego, `?conversationId=${encodeURIComponent(conversationId)}`);
    expect(offered.status).toBe(200);
    expect(offered.body.templates.map((t) => t.name)).toEqual(expect.arrayContaining(['aviso', 'foto']));
    // Sending one works already: the list now agrees with it.
    expect((await sendTemplate(diego, conversationId, {})).status).toBe(201);

    // The number itself stays another team's; a conversation he cannot see or on another number opens nothing.
    expect((await templates(diego)).status).toBe(403);
    const { conversationId: tinas } = await customerConversation(1);
    expect([403, 404]).toContain((await templates(diego, `?conversationId=${encodeURIComponent(tinas)}`)).status);
    const own = await start(diego, { teamId: 'team:comercial', channelAccountId: comercialWa, to: newPhone().slice(2) });
    expect(own.status).toBe(200);
    expect((await templates(diego, `?conversationId=${encodeURIComponent(own.body.conversation.id)}`)).status).toBe(403);
    expect((await templates(diego, '?conversationId=x')).status).not.toBe(200);

    // Once finished it no longer opens the number's templates.
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: diego, body: {} })).status).toBe(200);
    expect((await templates(diego, `?conversationId=${encodeURIComponent(conversationId)}`)).status).toBe(403);
  });
});
