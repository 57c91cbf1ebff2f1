import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDoc, MessageDoc, TemplateSyncResponse, WhatsAppTemplate } from '@atende/protocol';
import { FakeGraph, waInbound, type FakeTemplate } from '../src/channels/whatsapp/simulator/graph.js';
import { ChannelAccounts } from '../src/channelAccounts/service.js';
import { ChannelRegistry } from '../src/channels/adapter.js';
import { WhatsAppAdapter } from '../src/channels/whatsapp/adapter.js';
import { TemplateService, templateFromGraph, type GraphTemplate } from '../src/channels/whatsapp/templates.js';
import { addUser, call, clientId, FrameClient, login, startTestServer, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * WhatsApp templates end to end (issue 10): synced from the fake WABA (paged as Meta pages), kept
 * current by the signed status webhook, offered to agents when approved, sent outside the 24-hour
 * window through the real adapter to a fake that enforces the approved template's parameters;
 * the agent's typing indicator; "Testar conexão".
 */
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const ACCESS_TOKEN = 'EAAG-templates-token';
const APP_SECRET = 'wa-templates-secret-0123456789';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const HOUR_S = 3600;

/** Meta's shapes: one of each kind Atende fills, one under review, one with named variables. */
const TEMPLATES: FakeTemplate[] = [
  {
    name: 'pedido_enviado', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY', id: '5550001',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}', example: { header_text: ['42'] } },
      { type: 'BODY', text: 'Oi {{1}}, seu pedido sai {{2}}.', example: { body_text: [['Ana', 'amanhã']] } },
      { type: 'FOOTER', text: 'Loja Atende' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Rastrear', url: 'https://loja.example/r/{{1}}' }, { type: 'QUICK_REPLY', text: 'Falar com atendente' }] },
    ],
  },
  {
    name: 'oferta_foto', language: 'pt_BR', status: 'APPROVED', category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.whatsapp.net/v/oferta.jpg'] } },
      { type: 'BODY', text: 'Olá {{1}}! Temos uma oferta para você.' },
    ],
  },
  { name: 'status_demo', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Aviso de status.' }] },
  { name: 'lembrete', language: 'pt_BR', status: 'PENDING', category: 'UTILITY', components: [{ type: 'BODY', text: 'Seu boleto vence em {{1}}.' }] },
  { name: 'nomeado', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{first_name}}!' }] },
  // More than one page of 100, so the sync must follow paging.next.
  ...Array.from({ length: 101 }, (_, i): FakeTemplate => ({
    name: `aviso_${String(i).padStart(3, '0')}`, language: 'pt_BR', status: 'APPROVED', category: 'UTILITY',
    components: [{ type: 'BODY', text: `Aviso número ${i}.` }],
  })),
];

let server: TestServer;
let graph: FakeGraph;
let webhook: string;
let accountId: string;
let admin: string;
let tina: string;
let phoneSequence = 30_000_000;
const newPhone = () => `55119${++phoneSequence}`;

beforeAll(async () => {
  graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, wabaId: WABA_ID, verifiedName: 'Loja Atende' }).start();
  graph.templates.push(...TEMPLATES.map((t) => ({ ...t })));
  server = await startTestServer();
  admin = (await login(server, 'admin@demo.local')).accessToken;
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: {
      kind: 'whatsapp', name: 'WhatsApp Loja', teamId: 'team:suporte',
      config: { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '5511912345678', wabaId: WABA_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: 'v', baseUrl: graph.baseUrl },
    },
  });
  expect(created.status).toBe(201);
  accountId = created.body.id;
  webhook = `${server.url}/channels/whatsapp/${accountId.slice('channel:'.length)}/webhook`;
  await addUser(server, { key: 'tina', name: 'Tina Reis', email: 'tina@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  await addUser(server, { key: 'diego', name: 'Diego Alves', email: 'diego@demo.local', role: 'agent', teamIds: ['team:comercial'] });
  tina = (await login(server, 'tina@demo.local')).accessToken;
  expect((await call(server, 'POST', `/api/admin/channels/${accountId}/templates/sync`, { token: admin })).status).toBe(200);
});
afterAll(async () => {
  await server.close();
  await graph.stop();
});
beforeEach(() => graph.reset());

const templateId = (name: string, language = 'pt_BR') => `wtemplate:${accountId.slice('channel:'.length)}.${name}.${language}`;
const adminTemplates = async () =>
  (await call<{ templates: WhatsAppTemplate[] }>(server, 'GET', `/api/admin/channels/${accountId}/templates`, { token: admin })).body.templates;
const offered = async (token = tina) => call<{ templates: WhatsAppTemplate[] }>(server, 'GET', `/api/channels/${accountId}/templates`, { token });

/** A conversation Tina took, whose customer last wrote `hoursAgo` hours ago (by WhatsApp's own timestamp). */
async function conversationWith(hoursAgo: number, phone = newPhone()) {
  const inbound = waInbound(PHONE_NUMBER_ID, phone, 'text', { text: { body: 'oi' } }, { timestampS: Math.floor(Date.now() / 1000) - hoursAgo * HOUR_S });
  expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
  const [stored] = await server.store.find({ selector: { type: 'message', externalId: inbound.id }, limit: 1 });
  const conversationId = String(stored?.conversationId);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: tina, body: {} })).status).toBe(200);
  return { conversationId, phone, inboundId: inbound.id };
}

const sendTemplate = (conversationId: string, body: Record<string, unknown>, token = tina) =>
  call<{ message: MessageDoc; error?: string; missing?: string[] }>(server, 'POST', `/api/conversations/${conversationId}/template`, { token, body: { id: clientId('t'), ...body } });
const settled = (id: string) => until(async () => (await server.store.get(id)) as unknown as MessageDoc, (m) => m.status !== 'queued');

describe('R-WA-08 templates synced from the WhatsApp Business Account', () => {
  it('R-WA-08 the sync follows paging.next and keeps every template with Meta\'s components converted', async () => {
    const templates = await adminTemplates();
    expect(templates).toHaveLength(TEMPLATES.length);
    expect(templates.find((t) => t.name === 'pedido_enviado')).toMatchObject({
      id: templateId('pedido_enviado'), channelAccountId: accountId, externalId: '5550001', language: 'pt_BR', category: 'UTILITY', status: 'APPROVED',
      header: { format: 'TEXT', text: 'Pedido {{1}}' }, body: 'Oi {{1}}, seu pedido sai {{2}}.', footer: 'Loja Atende',
      buttons: [{ type: 'URL', text: 'Rastrear', url: 'https://loja.example/r/{{1}}' }, { type: 'QUICK_REPLY', text: 'Falar com atendente' }],
    });
    expect(templates.find((t) => t.name === 'oferta_foto')?.header).toEqual({ format: 'IMAGE', example: 'https://scontent.whatsapp.net/v/oferta.jpg' });
    expect(templates.find((t) => t.name === 'lembrete')?.status).toBe('PENDING');
  });

  it('R-WA-08 a second sync requests every page, updates what changed and removes what is gone upstream', async () => {
    const gone = graph.templates.findIndex((t) => t.name === 'aviso_000');
    graph.templates.splice(gone, 1);
    const changed = graph.templates.find((t) => t.name === 'aviso_001');
    if (changed?.components?.[0]) changed.components[0].text = 'Aviso corrigido.';
    const answer = await call<TemplateSyncResponse>(server, 'POST', `/api/admin/channels/${accountId}/templates/sync`, { token: admin });
    expect(answer.status).toBe(200);
    expect([answer.body.added, answer.body.updated, answer.body.removed, answer.body.complete, answer.body.note]).toEqual([0, 1, 1, true, null]);
    const pages = graph.calls.filter((c) => c.method === 'GET' && c.path.endsWith(`/${WABA_ID}/message_templates`));
    expect(pages.map((c) => c.authorization)).toEqual([`Bearer ${ACCESS_TOKEN}`, `Bearer ${ACCESS_TOKEN}`]);
    const names = (await adminTemplates()).map((t) => t.name);
    expect(names).not.toContain('aviso_000');
    expect(names).toHaveLength(TEMPLATES.length - 1);
    expect((await adminTemplates()).find((t) => t.name === 'aviso_001')?.body).toBe('Aviso corrigido.');
  });

  it('R-WA-08 only admins sync; an account without a WABA id is 422 waba_missing', async () => {
    expect((await call(server, 'POST', `/api/admin/channels/${accountId}/templates/sync`, { token: tina })).status).toBe(403);
    const bare = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
      token: admin,
      body: { kind: 'whatsapp', name: 'Sem WABA', teamId: 'team:suporte', config: { phoneNumberId: '999000111', accessToken: 'x', appSecret: 'y', verifyToken: 'z', baseUrl: graph.baseUrl } },
    });
    const answer = await call<{ error: string }>(server, 'POST', `/api/admin/channels/${bare.body.id}/templates/sync`, { token: admin });
    expect([answer.status, answer.body.error]).toEqual([422, 'waba_missing']);
  });

  it('R-WA-08 agents of the number\'s team are offered only approved templates Atende can fill; other teams\' agents are refused', async () => {
    const answer = await offered();
    expect(answer.status).toBe(200);
    const names = answer.body.templates.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['pedido_enviado', 'oferta_foto', 'status_demo']));
    expect(names).not.toContain('lembrete');
    expect(names).not.toContain('nomeado');
    expect(answer.body.templates.every((t) => t.status === 'APPROVED')).toBe(true);
    const diego = (await login(server, 'diego@demo.local')).accessToken;
    expect((await offered(diego)).status).toBe(403);
  });

  it('R-WA-08 the signed status webhook moves a template to PAUSED (no longer offered) and back; a bad signature is 401 and changes nothing', async () => {
    const paused = JSON.stringify(graph.changeTemplateStatus('status_demo', 'pt_BR', 'PAUSED', 'Qualidade baixa'));
    expect((await graph.deliver(webhook, paused, graph.sign(paused, 'another-secret'))).status).toBe(401);
    expect((await adminTemplates()).find((t) => t.name === 'status_demo')?.status).toBe('APPROVED');

    expect((await graph.deliver(webhook, paused)).status).toBe(200);
    expect((await adminTemplates()).find((t) => t.name === 'status_demo')).toMatchObject({ status: 'PAUSED', reason: 'Qualidade baixa' });
    expect((await offered()).body.templates.map((t) => t.name)).not.toContain('status_demo');

    expect((await graph.deliver(webhook, graph.changeTemplateStatus('status_demo', 'pt_BR', 'REINSTATED'))).status).toBe(200);
    expect((await adminTemplates()).find((t) => t.name === 'status_demo')).toMatchObject({ status: 'APPROVED', reason: null });
  });
});

describe('R-WA-05 R-WA-06 R-WA-08 sending a template', () => {
  it('R-WA-05 R-WA-06 outside the window free text is refused, a template with its variables goes out, and only the customer\'s reply reopens it', async () => {
    const { conversationId, phone } = await conversationWith(25);
    const text = await call<{ error: string }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: tina, body: { id: clientId('x'), text: 'Ainda está aí?' } });
    expect([text.status, text.body.error]).toEqual([409, 'whatsapp_window_closed']);

    const id = clientId('t');
    const body = { id, templateId: templateId('pedido_enviado'), values: { 'header.1': '42', 'body.1': 'Joana', 'body.2': 'amanhã', 'button.0': 'abc42' } };
    const answer = await call<{ message: MessageDoc }>(server, 'POST', `/api/conversations/${conversationId}/template`, { token: tina, body });
    expect(answer.status).toBe(201);
    expect(answer.body.message).toMatchObject({
      kind: 'template', direction: 'out', status: 'queued', text: 'Pedido 42\n\nOi Joana, seu pedido sai amanhã.\n\nLoja Atende',
      payload: { template: 'pedido_enviado', language: 'pt_BR', 'header.1': '42', 'body.1': 'Joana', 'body.2': 'amanhã', 'button.0': 'abc42' },
    });
    const sent = await settled(answer.body.message.id);
    expect(sent).toMatchObject({ status: 'sent', externalId: graph.sent[0]?.id });
    expect(graph.sent[0]?.body).toEqual({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: phone, type: 'template',
      template: {
        name: 'pedido_enviado', language: { code: 'pt_BR' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: '42' }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Joana' }, { type: 'text', text: 'amanhã' }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'abc42' }] },
        ],
      },
    });

    // R-WA-06: the template does not open the window; only the customer's reply does.
    const stillClosed = await call<{ error: string }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: tina, body: { id: clientId('x'), text: 'Conseguiu ver?' } });
    expect([stillClosed.status, stillClosed.body.error]).toEqual([409, 'whatsapp_window_closed']);

    // The same command again: the first message, nothing sent twice.
    const repeat = await call<{ message: MessageDoc }>(server, 'POST', `/api/conversations/${conversationId}/template`, { token: tina, body });
    expect([repeat.status, repeat.body.message.id]).toEqual([200, answer.body.message.id]);
    await server.jobs.idle();
    expect(graph.sent).toHaveLength(1);

    const reply = waInbound(PHONE_NUMBER_ID, phone, 'text', { text: { body: 'Obrigada!' } });
    expect((await graph.deliver(webhook, reply.body)).status).toBe(200);
    const after = await call<{ message: MessageDoc }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: tina, body: { id: clientId('x'), text: 'Por nada!' } });
    expect(after.status).toBe(201);
    expect((await settled(after.body.message.id)).status).toBe('sent');
  });

  it('R-WA-08 an image header needs an uploaded image, which goes as the header\'s media id', async () => {
    const { conversationId } = await conversationWith(30);
    const missing = await sendTemplate(conversationId, { templateId: templateId('oferta_foto'), values: { 'body.1': 'Joana' } });
    expect([missing.status, missing.body.error]).toEqual([422, 'template_image_missing']);

    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'oferta.png');
    const uploaded = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${tina}` }, body: form });
    const media = (await uploaded.json()) as { id: string };
    const answer = await sendTemplate(conversationId, { templateId: templateId('oferta_foto'), values: { 'body.1': 'Joana' }, headerMediaId: media.id });
    expect(answer.status).toBe(201);
    expect(answer.body.message.attachments).toMatchObject([{ mediaId: media.id, kind: 'image' }]);
    expect((await settled(answer.body.message.id)).status).toBe('sent');
    expect(graph.uploads).toHaveLength(1);
    expect((graph.sent[0]?.body.template as { components: unknown[] }).components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { id: graph.uploads[0]?.id } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Joana' }] },
    ]);
  });

  it('R-WA-08 a missing variable is 422 template_values_missing naming it; nothing is stored or sent', async () => {
    const { conversationId } = await conversationWith(26);
    const before = (await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 })).length;
    const answer = await sendTemplate(conversationId, { templateId: templateId('pedido_enviado'), values: { 'header.1': '42', 'body.1': 'Joana', 'body.2': '  ' } });
    expect([answer.status, answer.body.error, answer.body.missing]).toEqual([422, 'template_values_missing', ['body.2', 'button.0']]);
    await server.jobs.idle();
    expect((await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 })).length).toBe(before);
    expect(graph.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('R-WA-08 an unknown template, one under review and one Atende cannot fill are 422', async () => {
    const { conversationId } = await conversationWith(27);
    const unknown = await sendTemplate(conversationId, { templateId: templateId('nao_existe') });
    expect([unknown.status, unknown.body.error]).toEqual([422, 'template_unknown']);
    const pending = await sendTemplate(conversationId, { templateId: templateId('lembrete'), values: { 'body.1': '10/12' } });
    expect([pending.status, pending.body.error]).toEqual([422, 'template_not_approved']);
    const named = await sendTemplate(conversationId, { templateId: templateId('nomeado', 'en_US') });
    expect([named.status, named.body.error]).toEqual([422, 'template_not_approved']);
    expect(graph.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });
});

describe('R-CH-03 typing indicator and connection test', () => {
  it('R-CH-03 the agent typing shows WhatsApp\'s typing indicator on the customer\'s latest message', async () => {
    const { conversationId, inboundId } = await conversationWith(1);
    const conversation = (await server.store.get(conversationId)) as unknown as ConversationDoc;
    expect(conversation.channelMeta.lastInboundExternalId).toBe(inboundId);
    const socket = await FrameClient.agent(server, tina);
    socket.send({ type: 'typing', conversationId, typing: true });
    const receipts = await until(() => graph.readReceipts, (r) => r.length > 0);
    socket.close();
    expect(receipts).toEqual([{ messageId: inboundId, typingIndicator: true }]);
    expect(graph.calls.find((c) => c.method === 'POST')?.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: inboundId, typing_indicator: { type: 'text' } });
  });

  it('R-CH-03 Testar conexão answers the number and its verified name; a refused token or no answer is ok:false with the reason', async () => {
    const ok = await call<{ ok: boolean; message: string }>(server, 'POST', `/api/admin/channels/${accountId}/test`, { token: admin });
    expect([ok.status, ok.body]).toEqual([200, { ok: true, message: 'Conectado: +55 11 91234-5678 (Loja Atende)' }]);
    expect(graph.calls[0]).toMatchObject({ method: 'GET', path: `/v21.0/${PHONE_NUMBER_ID}`, authorization: `Bearer ${ACCESS_TOKEN}` });

    // Other numbers: one WhatsApp number belongs to one account (issue 10).
    const create = (name: string, config: Record<string, string>) => call<{ id: string }>(server, 'POST', '/api/admin/channels', {
      token: admin, body: { kind: 'whatsapp', name, teamId: 'team:suporte', config: { appSecret: 's', verifyToken: 'v', ...config } },
    });
    const badToken = await create('Token errado', { phoneNumberId: '106540352240901', accessToken: 'revoked', baseUrl: graph.baseUrl });
    const refused = await call<{ ok: boolean; message: string }>(server, 'POST', `/api/admin/channels/${badToken.body.id}/test`, { token: admin });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false, message: expect.stringContaining('token de acesso') as string });

    const offline = await create('Sem rede', { phoneNumberId: '106540352240902', accessToken: ACCESS_TOKEN, baseUrl: 'http://127.0.0.1:9/v21.0' });
    const unreachable = await call<{ ok: boolean; message: string }>(server, 'POST', `/api/admin/channels/${offline.body.id}/test`, { token: admin });
    expect([unreachable.status, unreachable.body.ok]).toEqual([200, false]);
    expect(unreachable.body.message).toContain('Não foi possível falar com o WhatsApp');
    expect((await call(server, 'POST', `/api/admin/channels/${accountId}/test`, { token: tina })).status).toBe(403);
  });
});

describe('R-WA-08 Meta\'s template formats Atende cannot fill yet', () => {
  it('R-WA-08 video headers, OTP buttons and named variables are kept for admins with a reason, never offered', () => {
    const convert = (components: GraphTemplate['components'], extra: Record<string, string> = {}) =>
      templateFromGraph('channel:x', { name: 'modelo', language: 'pt_BR', status: 'APPROVED', components, ...extra }, 1);
    const video = convert([{ type: 'HEADER', format: 'VIDEO' }, { type: 'BODY', text: 'Veja {{1}}' }]);
    const otp = convert([{ type: 'BODY', text: '{{1}} é seu código.' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', text: 'Copiar código' }] }]);
    const named = convert([{ type: 'BODY', text: 'Oi {{nome}}' }], { parameter_format: 'NAMED' });
    const plain = convert([{ type: 'BODY', text: 'Oi {{1}}' }]);
    expect([video?.supported, otp?.supported, named?.supported, plain?.supported]).toEqual([false, false, false, true]);
    expect(video?.reason).toContain('ainda não envia');
    expect(plain?.reason).toBeNull();
  });
});

describe('R-WA-08 the fake Graph refuses template values as the Cloud API does', () => {
  /** `pedido_enviado` with one value replaced, straight to the fake (not through our server). */
  const send = (values: { header?: string; body?: string; button?: string }) =>
    fetch(`${graph.baseUrl}/${PHONE_NUMBER_ID}/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp', to: newPhone(), type: 'template',
        template: {
          name: 'pedido_enviado', language: { code: 'pt_BR' }, components: [
            { type: 'header', parameters: [{ type: 'text', text: values.header ?? '42' }] },
            { type: 'body', parameters: [{ type: 'text', text: values.body ?? 'Ana' }, { type: 'text', text: 'amanhã' }] },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: values.button ?? 'abc' }] },
          ],
        },
      }),
    });

  it('R-WA-08 a parameter with a new line, a tab or more than 4 spaces in a row is refused with 132018; 4 spaces pass', async () => {
    for (const values of [{ body: 'Ana\nSilva' }, { body: 'Ana\r\nSilva' }, { body: 'Ana\tSilva' }, { body: 'Ana     Silva' }, { header: '4\n2' }, { button: 'a\tb' }]) {
      const res = await send(values);
      expect([res.status, ((await res.json()) as { error: unknown }).error]).toEqual([400, expect.objectContaining({
        code: 132018, type: 'OAuthException', message: '(#132018) There was an issue with the parameters in your template',
      })]);
    }
    expect(graph.sent).toEqual([]);
    expect((await send({ body: 'Ana    Silva' })).status).toBe(200);
  });
});

describe('R-WA-08 issue 10 a template listing cut short removes nothing', () => {
  const BASE = 'https://graph.example/v21.0';
  const FIRST = `${BASE}/102290129340777/message_templates?limit=100`;
  const graphTemplate = (name: string) => ({ name, language: 'pt_BR', status: 'APPROVED', components: [{ type: 'BODY', text: `Texto ${name}.` }] });

  /** A TemplateService whose WhatsApp adapter reads pages from `page(url)` instead of the network. */
  async function syncWith(page: (url: string) => unknown): Promise<TemplateSyncResponse & { names: string[] }> {
    const fetcher = (async (url: string | URL) => new Response(JSON.stringify(page(String(url))), { status: 200 })) as typeof fetch;
    const registry = new ChannelRegistry();
    registry.register('whatsapp', (account) => new WhatsAppAdapter(account, fetcher));
    const service = new TemplateService(server.store, new ChannelAccounts(server.store, undefined), registry);
    const result = await service.sync(cutAccount);
    return { ...result, names: result.templates.map((t) => t.name) };
  }
  let cutAccount: string;

  beforeAll(async () => {
    const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
      token: admin,
      body: { kind: 'whatsapp', name: 'WhatsApp Paginado', teamId: 'team:suporte', config: { phoneNumberId: '106540352240777', wabaId: '102290129340777', accessToken: 'x', appSecret: 'y', verifyToken: 'z', baseUrl: BASE } },
    });
    expect(created.status).toBe(201);
    cutAccount = created.body.id;
    const full = await syncWith((url) => (url === FIRST
      ? { data: [graphTemplate('a'), graphTemplate('b')], paging: { next: `${BASE}/102290129340777/message_templates?after=2` } }
      : { data: [graphTemplate('c')] }));
    expect([full.complete, full.names]).toEqual([true, ['a', 'b', 'c']]);
  });

  it('R-WA-08 issue 10 a next page on another host: what was read is kept, nothing is removed, the answer says why', async () => {
    const cut = await syncWith(() => ({ data: [{ ...graphTemplate('a'), status: 'PAUSED' }], paging: { next: 'https://graph.example.evil.test/v21.0/x' } }));
    expect([cut.complete, cut.removed, cut.updated]).toEqual([false, 0, 1]);
    expect(cut.names).toEqual(['a', 'b', 'c']);
    expect(cut.templates.find((t) => t.name === 'a')?.status).toBe('PAUSED');
    expect(cut.note).toMatch(/nenhum template foi removido/i);
  });

  it('R-WA-08 issue 10 a WABA with more pages than the limit: the pages read are kept, nothing is removed', async () => {
    let served = 0;
    const cut = await syncWith(() => ({ data: [graphTemplate(`p${String(++served).padStart(2, '0')}`)], paging: { next: `${BASE}/102290129340777/message_templates?after=${served}` } }));
    expect(served).toBe(50);
    expect([cut.complete, cut.removed, cut.added]).toEqual([false, 0, 50]);
    expect(cut.names).toEqual(expect.arrayContaining(['a', 'b', 'c', 'p01', 'p50']));
    expect(cut.note).toMatch(/nenhum template foi removido/i);
  });
});
