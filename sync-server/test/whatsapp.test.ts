import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContactDoc, type ConversationDoc, type MessageDoc, type UserDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import type { OutboundRequest } from '../src/channels/adapter.js';
import { WhatsAppAdapter } from '../src/channels/whatsapp/adapter.js';
import { UNSUPPORTED_TEXT } from '../src/channels/whatsapp/inbound.js';
import { updateWire } from '../src/store/wire.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';
import { until } from './until.js';
import { FakeGraph, SERVER_ERROR, THROTTLED_NUMBER, THROTTLED_PAIR, TOO_MANY, waEnvelope, waInbound, waStatuses } from '../src/channels/whatsapp/simulator/graph.js';

/**
 * The WhatsApp Cloud API channel (issue 10) against a fake Graph server on loopback that enforces
 * the upstream contracts (fakeGraph.ts): the real adapter, registered by the server, talks HTTP to it.
 */
const PHONE_NUMBER_ID = '106540352242922';
const ACCESS_TOKEN = 'EAAG-test-access-token';
const APP_SECRET = 'wa-app-secret-0123456789';
const VERIFY_TOKEN = 'wa-verify-token';
// The smallest valid PNG (1×1).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let server: TestServer;
let graph: FakeGraph;
let webhook: string;
let accountId: string;
let adminToken: string;
let phoneSequence = 10_000_000;
const newPhone = () => `55119${++phoneSequence}`;

beforeAll(async () => {
  graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }).start();
  server = await startTestServer();
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: {
      kind: 'whatsapp', name: 'WhatsApp Suporte', teamId: 'team:suporte',
      config: { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '5511912345678', wabaId: '102290129340398', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, baseUrl: graph.baseUrl },
    },
  });
  expect(created.status).toBe(201);
  accountId = created.body.id;
  adminToken = admin;
  webhook = `${server.url}/channels/whatsapp/${created.body.id.slice('channel:'.length)}/webhook`;
});
afterAll(async () => {
  await server.close();
  await graph.stop();
});
beforeEach(() => graph.reset());

const messagesWith = async (externalId: string): Promise<MessageDoc[]> =>
  (await server.store.find({ selector: { type: 'message', externalId }, limit: 10 })).map((doc) => ({ ...doc, id: doc._id }) as unknown as MessageDoc);
// Customers' and agents' messages: the queue notice (a system message) lands by a job, at its own time.
const countMessages = async () => (await server.store.find({ selector: { type: 'message' }, limit: 100_000 })).filter((m) => m.direction !== 'system').length;

async function receive(type: string, extra: Record<string, unknown>, from = newPhone()): Promise<MessageDoc> {
  const inbound = waInbound(PHONE_NUMBER_ID, from, type, extra);
  expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
  const [stored] = await messagesWith(inbound.id);
  if (!stored) throw new Error(`${type} not stored`);
  return stored;
}

describe('R-CH-03 WhatsApp webhooks: handshake and signature', () => {
  it('R-CH-03 the account keeps its number, WABA and Graph base; the access token, app secret and verify token are never returned', async () => {
    const view = await call<{ settings: Record<string, string>; secretsSet: string[]; webhookUrl: string | null }>(server, 'GET', `/api/admin/channels/${accountId}`, { token: adminToken });
    expect(view.status).toBe(200);
    expect(view.body.settings).toEqual({ phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '5511912345678', wabaId: '102290129340398', baseUrl: graph.baseUrl });
    expect([...view.body.secretsSet].sort()).toEqual(['accessToken', 'appSecret', 'verifyToken']);
    expect(JSON.stringify(view.body)).not.toContain(ACCESS_TOKEN);
  });

  it('R-CH-03 the GET handshake echoes hub.challenge only for our verify token, else 403', async () => {
    const ok = await fetch(`${webhook}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`);
    expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
    const wrong = await fetch(`${webhook}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=other`);
    expect(wrong.status).toBe(403);
  });

  it('R-CH-03 a bad or missing X-Hub-Signature-256 is 401 and stores nothing', async () => {
    const before = await countMessages();
    const inbound = waInbound(PHONE_NUMBER_ID, newPhone(), 'text', { text: { body: 'falsa' } });
    const raw = JSON.stringify(inbound.body);
    expect((await graph.deliver(webhook, raw, graph.sign(raw, 'another-secret'))).status).toBe(401);
    expect((await graph.deliver(webhook, raw, null)).status).toBe(401);
    expect((await graph.deliver(webhook, raw.replace('falsa', 'falso'), graph.sign(raw))).status).toBe(401);
    expect(await countMessages()).toBe(before);
  });

  it('R-CH-11 the same webhook delivered 3 times gives 1 message', async () => {
    const inbound = waInbound(PHONE_NUMBER_ID, newPhone(), 'text', { text: { body: 'Olá, três vezes' } });
    for (let i = 0; i < 3; i++) expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
    const stored = await messagesWith(inbound.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: 'Olá, três vezes', direction: 'in', kind: 'text', authorName: 'Joana Lima', teamId: 'team:suporte' });
  });

  it('R-CH-03 a change for another phone number id is acknowledged and stores nothing', async () => {
    const before = await countMessages();
    const inbound = waInbound('999999', newPhone(), 'text', { text: { body: 'outro número' } });
    expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
    expect(await countMessages()).toBe(before);
  });
});

describe('R-CH-03 WhatsApp inbound message types', () => {
  it('R-CH-03 text, location, contacts, interactive and button replies, reactions', async () => {
    expect(await receive('text', { text: { body: 'Oi' } })).toMatchObject({ kind: 'text', text: 'Oi' });
    expect(await receive('location', { location: { latitude: -23.55, longitude: -46.63, name: 'Loja', address: 'Av. Paulista' } }))
      .toMatchObject({ kind: 'location', payload: { latitude: -23.55, longitude: -46.63, name: 'Loja', address: 'Av. Paulista' } });
    expect(await receive('contacts', { contacts: [{ name: { formatted_name: 'Carlos' }, phones: [{ phone: '+55 11 91234-5678', wa_id: '5511912345678' }] }] }))
      .toMatchObject({ kind: 'contacts', text: expect.stringContaining('Carlos') as string });
    expect(await receive('interactive', { interactive: { type: 'button_reply', button_reply: { id: 'opt-2', title: 'Segunda via' } } }))
      .toMatchObject({ kind: 'text', text: 'Segunda via', payload: { replyId: 'opt-2' } });
    expect(await receive('interactive', { interactive: { type: 'list_reply', list_reply: { id: 'row-1', title: 'Boleto', description: 'x' } } }))
      .toMatchObject({ kind: 'text', text: 'Boleto', payload: { replyId: 'row-1' } });
    expect(await receive('button', { button: { payload: 'STOP', text: 'Parar promoções' } }))
      .toMatchObject({ kind: 'text', text: 'Parar promoções', payload: { replyId: 'STOP' } });
    expect(await receive('reaction', { reaction: { message_id: 'wamid.target', emoji: '👍' } }))
      .toMatchObject({ kind: 'reaction', payload: { targetExternalId: 'wamid.target', emoji: '👍' } });
  });

  it('R-CH-03 unsupported messages are kept and shown as such, never dropped', async () => {
    const stored = await receive('unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }], unsupported: { type: 'poll_creation' } });
    expect(stored).toMatchObject({ kind: 'text', text: UNSUPPORTED_TEXT, payload: { unsupported: true, errorCode: 131051 } });
  });

  it('R-CH-03 image, audio, video, document and sticker are downloaded from the media endpoint with the bearer token', async () => {
    const kinds = ['image', 'audio', 'video', 'document', 'sticker'] as const;
    const ids: string[] = [];
    for (const kind of kinds) {
      const mediaId = graph.addMedia(PNG, 'image/png');
      const stored = await receive(kind, { [kind]: { id: mediaId, mime_type: 'image/png', sha256: 'x', ...(kind === 'document' ? { filename: 'nota.png' } : {}), ...(kind === 'image' ? { caption: 'foto' } : {}) } });
      expect(stored.kind).toBe(kind);
      ids.push(stored.id);
    }
    await server.jobs.idle();
    for (const id of ids) {
      const message = (await server.store.get(id)) as unknown as MessageDoc;
      expect(message.attachments).toHaveLength(1);
    }
    expect(((await server.store.get(ids[0] ?? '')) as unknown as MessageDoc).text).toBe('foto');
    expect(graph.calls.filter((c) => c.method === 'GET').every((c) => c.authorization === `Bearer ${ACCESS_TOKEN}` && c.status === 200)).toBe(true);
  });
});

describe('R-CH-03 R-WS-04 WhatsApp outbound text and statuses', () => {
  let conversationId: string;
  let customer: string;
  let ana: string;
  let replies = 0;

  beforeAll(async () => {
    customer = newPhone();
    const first = await receive('text', { text: { body: 'Preciso de ajuda' } }, customer);
    conversationId = first.conversationId;
    ana = (await login(server, 'ana@demo.local')).accessToken;
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
  });

  const reply = async (text: string) => {
    const answer = await call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: `wa-reply-${++replies}`, text } });
    expect(answer.status).toBe(201);
    return answer.body.message.id;
  };
  const sentOf = async (id: string, timeoutMs?: number) =>
    until(async () => (await server.store.get(id)) as unknown as MessageDoc, (m) => m.status !== 'queued', timeoutMs);

  it('R-CH-03 an agent reply goes out as a text message with the bearer token and the upstream id is kept', async () => {
    const id = await reply('Olá! Como posso ajudar?');
    const message = await sentOf(id);
    expect(graph.sent).toHaveLength(1);
    expect(graph.sent[0]?.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: customer, type: 'text', text: { body: 'Olá! Como posso ajudar?', preview_url: false } });
    expect(message).toMatchObject({ status: 'sent', externalId: graph.sent[0]?.id });
  });

  it('R-CH-03 statuses never go backwards: read before delivered stays read', async () => {
    const id = await reply('Confirmado.');
    const { externalId } = await sentOf(id);
    const report = waStatuses(PHONE_NUMBER_ID, [{ id: String(externalId), status: 'read' }, { id: String(externalId), status: 'delivered' }]);
    expect((await graph.deliver(webhook, report)).status).toBe(200);
    expect(await server.store.get(id)).toMatchObject({ status: 'read' });
    const late = waStatuses(PHONE_NUMBER_ID, [{ id: String(externalId), status: 'sent' }]);
    expect((await graph.deliver(webhook, late)).status).toBe(200);
    expect(await server.store.get(id)).toMatchObject({ status: 'read' });
  });

  it('R-CH-03 a failed status after sent shows the failure (a code without a pt-BR sentence keeps its code and title); a later one after delivered is ignored', async () => {
    const id = await reply('Esta não chega.');
    const { externalId } = await sentOf(id);
    // Codes with a pt-BR sentence (131026…) are whatsapp-security.test.ts's; this one has none.
    const failed = waStatuses(PHONE_NUMBER_ID, [{ id: String(externalId), status: 'failed', errors: [{ code: 131000, title: 'Something went wrong' }] }]);
    expect((await graph.deliver(webhook, failed)).status).toBe(200);
    const message = (await server.store.get(id)) as unknown as MessageDoc;
    expect(message.status).toBe('failed');
    expect(message.error).toContain('131000: Something went wrong');

    const otherId = await reply('Esta chega.');
    const other = await sentOf(otherId);
    const delivered = waStatuses(PHONE_NUMBER_ID, [{ id: String(other.externalId), status: 'delivered' }, { id: String(other.externalId), status: 'failed', errors: [{ code: 131026, title: 'x' }] }]);
    expect((await graph.deliver(webhook, delivered)).status).toBe(200);
    expect(await server.store.get(otherId)).toMatchObject({ status: 'delivered' });
  });

  it('R-CH-03 an agent\'s image is uploaded to the media endpoint (multipart) and sent by its media id with the caption', async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'foto.png');
    const uploaded = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${ana}` }, body: form });
    expect(uploaded.status).toBe(201);
    const media = (await uploaded.json()) as { id: string };
    const answer = await call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: `wa-reply-${++replies}`, text: 'Segue a foto', mediaIds: [media.id] },
    });
    expect(answer.status).toBe(201);
    const message = await sentOf(answer.body.message.id);
    expect(message.status).toBe('sent');
    expect(graph.uploads).toEqual([{ id: expect.any(String) as string, type: 'image/png', size: PNG.length }]);
    expect(graph.sent[0]?.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: customer, type: 'image', image: { id: graph.uploads[0]?.id, caption: 'Segue a foto' } });
  });

  it('R-OPS-02 upstream 500 then 200 gives exactly one send', async () => {
    graph.failNext(SERVER_ERROR);
    const message = await sentOf(await reply('Depois de um erro 500'));
    expect(message.status).toBe('sent');
    expect(graph.sent).toHaveLength(1);
    expect(graph.calls.filter((c) => c.method === 'POST').map((c) => c.status)).toEqual([500, 200]);
  });

  it('R-OPS-02 throttling (131056, 130429, HTTP 429) is retried with backoff, never dropped', async () => {
    graph.failNext(THROTTLED_PAIR, THROTTLED_NUMBER, TOO_MANY);
    const message = await sentOf(await reply('Mensagem em rajada'), 30_000);
    expect(message.status).toBe('sent');
    expect(graph.sent).toHaveLength(1);
    expect(graph.calls.filter((c) => c.method === 'POST').map((c) => c.status)).toEqual([400, 400, 429, 200]);
  }, 40_000);
});

describe('R-CH-03 contacts keyed by the address the envelope gives', () => {
  it('R-CH-03 the phone wa_id when present, the same contact for two messages', async () => {
    const phone = newPhone();
    const a = await receive('text', { text: { body: 'um' } }, phone);
    const b = await receive('text', { text: { body: 'dois' } }, phone);
    expect(a.authorId).toBe(b.authorId);
    const contact = await server.store.get(String(a.authorId));
    expect(contact).toMatchObject({ addresses: { whatsapp: phone }, name: 'Joana Lima' });
  });

  it('R-CH-03 a business-scoped user id when the phone is absent', async () => {
    const id = `wamid.bsuid.${Date.now()}`;
    const body = waEnvelope(PHONE_NUMBER_ID, {
      contacts: [{ profile: { name: 'Sem Telefone' }, user_id: 'BR.1A2B3C4D5E' }],
      messages: [{ from_user_id: 'BR.1A2B3C4D5E', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'oi' } }],
    });
    expect((await graph.deliver(webhook, body)).status).toBe(200);
    const [stored] = await messagesWith(id);
    expect(stored).toMatchObject({ text: 'oi', authorName: 'Sem Telefone' });
  });

  it('R-CH-03 a customer known only by the user id is a valid contact and is answered through `recipient`, not `to`', async () => {
    const userId = `BR.${Date.now().toString(36).toUpperCase()}9Z`;
    const id = `wamid.bsuid.${Date.now()}.2`;
    const body = waEnvelope(PHONE_NUMBER_ID, {
      contacts: [{ profile: { name: 'Só Usuário' }, user_id: userId }],
      messages: [{ from_user_id: userId, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'oi, sem telefone' } }],
    });
    expect((await graph.deliver(webhook, body)).status).toBe(200);
    const [stored] = await messagesWith(id);
    const contact = { ...(await server.store.get(String(stored?.authorId))), id: String(stored?.authorId) };
    // Replicable and editable like any contact (pushes are validated against this schema).
    expect(ContactDoc.safeParse(contact).success).toBe(true);
    expect(contact).toMatchObject({ addresses: { whatsapp: userId } });
    await updateWire<UserDoc>(server.store, 'user:bruno', (u) => u && { ...u, maxConcurrent: 100 });
    const bruno = (await login(server, 'bruno@demo.local')).accessToken;
    const conversationId = String(stored?.conversationId);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: bruno, body: {} })).status).toBe(200);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: bruno, body: { id: `bsuid-reply-${Date.now()}`, text: 'Olá!' } })).status).toBe(201);
    const sent = await until(async () => graph.sent.filter((m) => m.to === userId), (list) => list.length > 0);
    expect(sent[0]?.body).toMatchObject({ recipient: userId, text: { body: 'Olá!' } });
    expect(sent[0]?.body).not.toHaveProperty('to');
  });

  it('R-CH-03 when phone and user id arrive together, a later message with only the user id reaches the same contact', async () => {
    const phone = newPhone();
    const userId = `BR.${Date.now().toString(36).toUpperCase()}8Y`;
    const [withPhoneId, onlyIdId] = [`wamid.both.${Date.now()}`, `wamid.only.${Date.now()}`];
    const both = waEnvelope(PHONE_NUMBER_ID, {
      contacts: [{ profile: { name: 'Dupla Identidade' }, wa_id: phone, user_id: userId }],
      messages: [{ from: phone, from_user_id: userId, id: withPhoneId, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'com telefone' } }],
    });
    const onlyId = waEnvelope(PHONE_NUMBER_ID, {
      contacts: [{ profile: { name: 'Dupla Identidade' }, user_id: userId }],
      messages: [{ from_user_id: userId, id: onlyIdId, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'sem telefone' } }],
    });
    expect((await graph.deliver(webhook, both)).status).toBe(200);
    expect((await graph.deliver(webhook, onlyId)).status).toBe(200);
    const [first] = await messagesWith(withPhoneId);
    const [second] = await messagesWith(onlyIdId);
    expect(second?.authorId).toBe(first?.authorId);
    expect(second?.conversationId).toBe(first?.conversationId);
    expect(await server.store.get(String(first?.authorId))).toMatchObject({ addresses: { whatsapp: phone } });
  });
});

describe('R-WA-05 R-WA-06 the 24-hour window on the server', () => {
  const HOUR_S = 3600;
  async function conversationWith(hoursAgo: number) {
    const inbound = waInbound(PHONE_NUMBER_ID, newPhone(), 'text', { text: { body: 'mensagem antiga' } }, { timestampS: Math.floor(Date.now() / 1000) - hoursAgo * HOUR_S });
    expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
    const [stored] = await messagesWith(inbound.id);
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const conversationId = String(stored?.conversationId);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    return { ana, conversationId };
  }

  it('R-WA-06 free text to a customer whose last message was written 25 h ago (delivered just now) is refused with whatsapp_window_closed and never sent upstream', async () => {
    const { ana, conversationId } = await conversationWith(25);
    const answer = await call<{ error: string }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: `wa-closed-${Date.now()}`, text: 'Ainda está aí?' } });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe('whatsapp_window_closed');
    await server.jobs.idle();
    expect(graph.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('R-WA-05 a customer message written 23 h ago keeps the window open', async () => {
    const { ana, conversationId } = await conversationWith(23);
    const answer = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: `wa-open-${Date.now()}`, text: 'Sim, estou aqui.' } });
    expect(answer.status).toBe(201);
  });
});

describe('R-WA-08 template messages with variables', () => {
  const adapter = () => new WhatsAppAdapter({
    _id: 'channel:wa-direct', type: 'channel', kind: 'whatsapp', name: 'WhatsApp', entryTeamId: 'team:suporte', enabled: true,
    settings: { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, baseUrl: graph.baseUrl },
  } satisfies ChannelAccountDoc);
  const templateRequest = (payload: MessageDoc['payload'], attachments: MessageDoc['attachments'] = []): OutboundRequest => ({
    conversation: {} as ConversationDoc,
    contact: { addresses: { whatsapp: '5511987654321' } } as ContactDoc,
    message: { id: 'message:tpl', kind: 'template', text: '', attachments, payload } as unknown as MessageDoc,
    idempotencyKey: 'tpl-1',
    readMedia: () => Promise.resolve(PNG),
    publicMediaUrl: () => null,
  });

  it('R-WA-08 header, body and button variables go as the approved template\'s components', async () => {
    graph.templates.push({ name: 'pedido_enviado', language: 'pt_BR', params: { header: 1, body: 2, button: 1 } });
    const result = await adapter().send(templateRequest({ template: 'pedido_enviado', language: 'pt_BR', 'header.1': 'Pedido 42', 'body.2': 'amanhã', 'body.1': 'Ana', 'button.0': 'rastreio/42' }));
    expect(result).toEqual({ externalId: graph.sent[0]?.id, status: 'sent' });
    expect(graph.sent[0]?.body.template).toEqual({
      name: 'pedido_enviado', language: { code: 'pt_BR' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: 'Pedido 42' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'amanhã' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'rastreio/42' }] },
      ],
    });
  });

  it('R-WA-08 an image header is uploaded and named by its media id', async () => {
    graph.templates.push({ name: 'promo_foto', language: 'pt_BR', params: { header: 1, body: 1 } });
    const image = { mediaId: 'media:x', name: 'promo.png', mimeType: 'image/png', size: PNG.length, kind: 'image' as const, thumbnail: false };
    await adapter().send(templateRequest({ template: 'promo_foto', language: 'pt_BR', 'body.1': 'Ana' }, [image]));
    expect(graph.sent[0]?.body.template).toMatchObject({ components: [{ type: 'header', parameters: [{ type: 'image', image: { id: graph.uploads[0]?.id } }] }, { type: 'body' }] });
  });

  it('R-WA-08 a variable count that does not match the approved template is refused for good (132000), with a readable reason', async () => {
    graph.templates.push({ name: 'boas_vindas', language: 'pt_BR', params: { body: 1 } });
    // issue 10: the code's pt-BR sentence (whatsappRefusal), as a failed delivery report shows it.
    await expect(adapter().send(templateRequest({ template: 'boas_vindas', language: 'pt_BR' }))).rejects.toThrow(/variáveis não correspondem/);
    await expect(adapter().send(templateRequest({ template: 'boas_vindas', language: 'pt_BR', 'body.1': 'x' }))).resolves.toMatchObject({ status: 'sent' });
    expect(graph.sent).toHaveLength(1);
  });
});
