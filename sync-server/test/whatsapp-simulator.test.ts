import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDoc, MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { BoundedFiles } from '../src/channels/simulators/http.js';
import { startDemoSimulator } from '../src/channels/whatsapp/simulator/demo.js';
import { FakeGraph } from '../src/channels/whatsapp/simulator/graph.js';
import type { WhatsAppSimulator } from '../src/channels/whatsapp/simulator/simulator.js';
import { WebhookSender } from '../src/channels/whatsapp/simulator/webhookSender.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { axeViolations, launchChromium, openTab } from './browser.js';
import { startEntryPoint } from './entryPoint.js';
import { foreignAttempts, REFUSED } from './foreignRequests.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * The WhatsApp simulator `npm start` runs (issue 10): the demo account points at it, what a
 * customer writes on its page reaches our server as one message through the signed webhook, and
 * the agent's reply comes back with sent → delivered → read reported by webhook.
 */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const CUSTOMER = '5511998765432';

let server: TestServer;
let simulator: WhatsAppSimulator;
const logged: string[] = [];

const start = async () => {
  const started = await startDemoSimulator({
    store: server.store, registry: server.registry, serverUrl: server.url, log: (m) => logged.push(m), backoffMs: [50, 100, 200, 400, 800],
  });
  if (!started) throw new Error('simulator not started');
  return started;
};
const account = async () => (await server.store.get('channel:demo-whatsapp')) as ChannelAccountDoc;

/** The page's own API, as its script calls it. */
async function page<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(simulator.url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  server = await startTestServer();
  simulator = await start();
});
afterAll(async () => {
  await simulator.stop();
  await server.close();
});

describe('R-CH-03 the WhatsApp simulator of the demo', () => {
  it('R-CH-03 the demo account "WhatsApp (simulador)" in Suporte points at the simulator, and its templates are synced (two approved, one pending)', async () => {
    expect(await account()).toMatchObject({
      kind: 'whatsapp', name: 'WhatsApp (simulador)', entryTeamId: 'team:suporte', enabled: true,
      settings: { baseUrl: simulator.baseUrl, displayPhoneNumber: '5511912345678', wabaId: '102290129340398' },
    });
    const admin = (await login(server, 'admin@demo.local')).accessToken;
    const listed = await call<{ templates: Array<{ name: string; status: string; header: { format: string } | null }> }>(server, 'GET', '/api/admin/channels/channel:demo-whatsapp/templates', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.templates.map((t) => [t.name, t.status, t.header?.format ?? null])).toEqual([
      ['boas_vindas', 'APPROVED', null], ['lembrete_pagamento', 'PENDING', null], ['oferta_do_mes', 'APPROVED', 'IMAGE'],
    ]);
    expect(logged).toEqual([]);
  });

  it('R-CH-03 the customer page is served with its own script and refuses a bad number', async () => {
    const html = await fetch(`${simulator.url}/`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await html.text()).toContain('<script type="module" src="/phone/phone.js"');
    const bad = await page<{ error: string }>('POST', '/phone/api/messages', { phone: '11998765432x', name: 'Paula', text: 'Oi' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('phone');
  });

  it('R-CH-03 the page API refuses a text/plain body, a foreign Origin and a foreign Host (no cross-site writes, no DNS rebinding)', async () => {
    const write = { phone: '5511900009999', name: 'Evil', text: 'Clique aqui http://phish.example' };
    const upload = { route: `/phone/api/images?phone=${write.phone}&name=Evil`, type: 'image/png', bytes: PNG };
    expect(await foreignAttempts(simulator.url, { route: '/phone/api/messages', body: write }, upload, `/phone/api/thread?phone=${write.phone}`)).toEqual(REFUSED);
    expect((await page<{ messages: unknown[] }>('GET', `/phone/api/thread?phone=${write.phone}`)).body.messages).toEqual([]);
    expect(await server.store.find({ selector: { type: 'message', text: write.text }, limit: 5 })).toEqual([]);
  });

  it('R-CH-03 R-WA-07 a customer message reaches the server as one message; the agent\'s reply shows on the phone and is reported sent, delivered, then read', async () => {
    const wrote = await page<{ message: { id: string; status: string } }>('POST', '/phone/api/messages', { phone: CUSTOMER, name: 'Paula Costa', text: 'Olá, meu pedido não chegou' });
    expect(wrote.status).toBe(200);
    expect(wrote.body.message.status).toBe('received');
    const stored = await server.store.find({ selector: { type: 'message', externalId: wrote.body.message.id }, limit: 10 });
    expect(stored).toHaveLength(1);
    const inbound = stored[0] as unknown as MessageDoc & { _id: string };
    expect(inbound).toMatchObject({ direction: 'in', kind: 'text', text: 'Olá, meu pedido não chegou', authorName: 'Paula Costa', teamId: 'team:suporte' });
    const conversation = (await server.store.get(inbound.conversationId)) as unknown as ConversationDoc;
    expect(conversation.status).toBe('waiting');

    const ana = (await login(server, 'ana@demo.local')).accessToken;
    expect((await call(server, 'POST', `/api/conversations/${inbound.conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    const replied = await call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${inbound.conversationId}/messages`, { token: ana, body: { id: 'sim-reply-1', text: 'Vou verificar para você.' } });
    expect(replied.status).toBe(201);
    const messageId = replied.body.message.id;

    // The phone shows it; the simulator reported sent and delivered by webhook, read only once the page showed it.
    const delivered = await until(async () => (await server.store.get(messageId)) as unknown as MessageDoc, (m) => m.status === 'delivered');
    expect(delivered.status).toBe('delivered');
    const thread = await page<{ messages: Array<{ id: string; from: string; text: string; status: string }> }>('GET', `/phone/api/thread?phone=${CUSTOMER}`);
    const shown = thread.body.messages.find((m) => m.from === 'business');
    expect(shown).toMatchObject({ id: delivered.externalId, text: 'Vou verificar para você.', status: 'delivered' });

    expect((await page('POST', '/phone/api/read', { phone: CUSTOMER, ids: [shown?.id] })).status).toBe(200);
    const read = await until(async () => (await server.store.get(messageId)) as unknown as MessageDoc, (m) => m.status === 'read');
    expect(read.status).toBe('read');
    expect((await page<{ messages: Array<{ status: string }> }>('GET', `/phone/api/thread?phone=${CUSTOMER}`)).body.messages.at(-1)?.status).toBe('read');
  });

  it('R-CH-03 the business\'s read receipt with the typing indicator shows on the phone: the customer\'s messages read, "digitando" until the next reply', async () => {
    const wrote = await page<{ message: { id: string } }>('POST', '/phone/api/messages', { phone: '5511977776666', name: 'Caio Nunes', text: 'Alguém aí?' });
    type Thread = { typing: boolean; messages: Array<{ id: string; status: string }> };
    const before = await page<Thread>('GET', '/phone/api/thread?phone=5511977776666');
    expect([before.body.typing, before.body.messages[0]?.status]).toEqual([false, 'received']);
    const receipt = await fetch(`${simulator.baseUrl}/${(await account()).settings?.phoneNumberId}/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${(await account()).settings?.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: wrote.body.message.id, typing_indicator: { type: 'text' } }),
    });
    expect(receipt.status).toBe(200);
    const after = await page<Thread>('GET', '/phone/api/thread?phone=5511977776666');
    expect([after.body.typing, after.body.messages[0]?.status]).toEqual([true, 'seen']);
  });

  it('R-CH-03 a photo from the customer is downloaded by the server through the Graph media endpoints', async () => {
    const sent = await fetch(`${simulator.url}/phone/api/images?phone=${CUSTOMER}&name=Paula%20Costa&caption=Foto%20da%20caixa`, {
      method: 'POST', headers: { 'content-type': 'image/png' }, body: PNG,
    });
    expect(sent.status).toBe(200);
    const { message } = (await sent.json()) as { message: { id: string; status: string } };
    expect(message.status).toBe('received');
    await server.jobs.idle();
    const [stored] = (await server.store.find({ selector: { type: 'message', externalId: message.id }, limit: 10 })) as unknown as MessageDoc[];
    expect(stored).toMatchObject({ kind: 'image', text: 'Foto da caixa' });
    expect(stored?.attachments).toHaveLength(1);
  });

  it('R-WA-01 R-WA-08 an agent-started conversation\'s templates show on the phone filled in (text; image header), and the customer\'s answer goes on in that conversation', async () => {
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const started = await call<{ conversation: ConversationDoc }>(server, 'POST', '/api/conversations', {
      token: ana, body: { id: 'sim-start-0001', teamId: 'team:suporte', channelAccountId: 'channel:demo-whatsapp', to: '11987651234' },
    });
    expect(started.status).toBe(200);
    const conversationId = started.body.conversation.id;
    const sendTemplate = (id: string, body: Record<string, unknown>) =>
      call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${conversationId}/template`, { token: ana, body: { id, ...body } });
    expect((await sendTemplate('sim-template-1', { templateId: 'wtemplate:demo-whatsapp.boas_vindas.pt_BR', values: { 'body.1': 'Marina', 'body.2': 'Loja Atende' } })).status).toBe(201);
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'oferta.png');
    const uploaded = (await (await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${ana}` }, body: form })).json()) as { id: string };
    expect((await sendTemplate('sim-template-2', { templateId: 'wtemplate:demo-whatsapp.oferta_do_mes.pt_BR', values: { 'body.1': 'Marina', 'body.2': 'frete grátis' }, headerMediaId: uploaded.id })).status).toBe(201);

    type Shown = { from: string; text: string; template?: string; media?: { kind: string; url: string }; status: string };
    const thread = await until(
      async () => (await page<{ messages: Shown[] }>('GET', '/phone/api/thread?phone=5511987651234')).body.messages,
      (messages) => messages.length === 2 && messages.every((m) => m.status === 'delivered'),
    );
    expect(thread.map(({ from, text, template }) => ({ from, text, template }))).toEqual([
      { from: 'business', template: 'boas_vindas', text: 'Olá Marina, aqui é a Loja Atende. Podemos continuar seu atendimento?\n\nAtende — atendimento ao cliente' },
      { from: 'business', template: 'oferta_do_mes', text: 'Olá Marina! A oferta do mês chegou: frete grátis. Responda esta mensagem para saber mais.' },
    ]);
    const image = await fetch(simulator.url + String(thread[1]?.media?.url));
    expect([image.status, image.headers.get('content-type'), Buffer.from(await image.arrayBuffer()).equals(PNG)]).toEqual([200, 'image/png', true]);

    const answer = await page<{ message: { id: string } }>('POST', '/phone/api/messages', { phone: '5511987651234', name: 'Marina Alves', text: 'Quero saber mais' });
    const [stored] = (await server.store.find({ selector: { type: 'message', externalId: answer.body.message.id }, limit: 10 })) as unknown as MessageDoc[];
    expect(stored?.conversationId).toBe(conversationId);
  });

  it('R-CH-03 restarting keeps the same account and credentials and points it at the new port', async () => {
    const before = await account();
    await simulator.stop();
    simulator = await start();
    const after = await account();
    expect(after.settings?.accessToken).toBe(before.settings?.accessToken);
    expect(after.settings?.appSecret).toBe(before.settings?.appSecret);
    expect(after.settings?.baseUrl).toBe(simulator.baseUrl);
    expect((await server.store.find({ selector: { type: 'channel', kind: 'whatsapp' }, limit: 10 })).length).toBe(1);
    // The restarted simulator's webhooks are still accepted (same app secret).
    const wrote = await page<{ message: { status: string } }>('POST', '/phone/api/messages', { phone: CUSTOMER, name: 'Paula Costa', text: 'Ainda estou aqui' });
    expect(wrote.body.message.status).toBe('received');
  });
});

describe('R-CH-03 the simulator stops cleanly', () => {
  it('R-CH-03 stop() ends a webhook delivery our server has not answered yet and the wait before the next attempt: nothing is left running', async () => {
    const requests: IncomingMessage[] = [];
    // One request left unanswered, then 503s (try again later).
    const upstream = createServer((req, res) => {
      requests.push(req);
      if (requests.length > 1) res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/webhook`;
    // Waits longer than any test, so only stop() can end them.
    const HOUR = 3_600_000;
    const unanswered = new WebhookSender({ url, sign: () => 'sha256=0', requestTimeoutMs: HOUR, backoffMs: [HOUR] });
    const pending = unanswered.deliver({ n: 1 });
    await until(() => requests.length, (n) => n === 1);
    unanswered.stop();
    expect(await pending).toBe(false);

    const retrying = new WebhookSender({ url, sign: () => 'sha256=0', requestTimeoutMs: HOUR, backoffMs: [HOUR] });
    const waiting = retrying.deliver({ n: 2 });
    await until(() => requests.length, (n) => n === 2);
    retrying.stop();
    expect(await waiting).toBe(false);
    expect(await retrying.deliver({ n: 3 })).toBe(false);
    expect(requests).toHaveLength(2);
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });
});

describe('R-CH-03 the fakes\' files in a demo that runs for days', () => {
  it('R-CH-03 the fake Graph keeps the latest media: the oldest media id is then unknown', () => {
    const graph = new FakeGraph({ phoneNumberId: '1', accessToken: 't', appSecret: 's' });
    const ids = Array.from({ length: 501 }, (_, n) => graph.addMedia(Buffer.from(`photo ${n}`), 'image/png'));
    expect(graph.mediaFile(ids[0] ?? '')).toBeUndefined();
    expect(graph.mediaFile(ids[500] ?? '')?.bytes.toString()).toBe('photo 500');
  });

  it('R-CH-03 files are also bounded by bytes, oldest first, the newest always kept', () => {
    const files = new BoundedFiles<{ bytes: Buffer }>(10, 100);
    for (const id of ['a', 'b', 'c']) files.set(id, { bytes: Buffer.alloc(40) });
    expect([files.has('a'), files.has('b'), files.has('c'), files.totalBytes]).toEqual([false, true, true, 80]);
    files.set('big', { bytes: Buffer.alloc(150) });
    expect([files.size, files.has('big'), files.totalBytes]).toEqual([1, true, 150]);
  });
});

/** The customer page in Chromium, as the e2e suite runs it (browser.ts). */
describe('R-CH-03 the simulator\'s customer page in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  const openPage = (): Promise<{ tab: Page; problems: string[] }> => openTab(browser, `${simulator.url}/`);
  const thread = async (phone: string) => (await page<{ messages: Array<{ text: string }> }>('GET', `/phone/api/thread?phone=${phone}`)).body.messages;

  it('R-CH-03 a number with letters is refused with a message under the field, and nothing is sent (not the digits without the letters)', async () => {
    const { tab, problems } = await openPage();
    const number = tab.getByLabel('Número do cliente');
    await number.fill('55319888abc77');
    await expect.poll(() => number.getAttribute('aria-invalid')).toBe('true');
    const error = tab.locator('#phone-error');
    expect(await error.isVisible()).toBe(true);
    expect(await error.textContent()).toContain('só dígitos');
    expect(await number.evaluate((el) => el.getAttribute('aria-describedby')?.split(' '))).toContain('phone-error');
    expect(await axeViolations(tab)).toEqual([]);

    await tab.getByLabel('Mensagem').fill('Oi, tudo bem?');
    await tab.getByRole('button', { name: 'Enviar', exact: true }).click();
    await expect.poll(() => tab.getByRole('status').textContent()).toContain('Corrija o número');
    expect(await tab.getByLabel('Mensagem').inputValue()).toBe('Oi, tudo bem?');
    expect([await thread('5531988877'), await thread('55319888')]).toEqual([[], []]);
    // The server refuses it as well, whichever of the page's routes is called.
    for (const [method, route, body] of [
      ['POST', '/phone/api/messages', { phone: '55319888abc77', name: 'Paula', text: 'Oi' }],
      ['GET', '/phone/api/thread?phone=55319888abc77', undefined],
      ['POST', '/phone/api/read', { phone: '55319888abc77', ids: [] }],
    ] as const) {
      const refused = await page<{ error: string }>(method, route, body);
      expect([refused.status, refused.body.error]).toEqual([400, expect.stringContaining('digits only')]);
    }
    expect(problems).toEqual([]);
    await tab.context().close();
  });

  it('R-CH-03 the page follows a dark system theme and passes axe there, a sent message with its ticks included', async () => {
    const { tab, problems } = await openPage();
    await tab.emulateMedia({ colorScheme: 'dark' });
    await tab.getByLabel('Número do cliente').fill('5511955550009');
    await tab.getByLabel('Nome do cliente').fill('Duda Reis');
    await tab.getByLabel('Mensagem').fill('Oi, no escuro');
    await tab.getByRole('button', { name: 'Enviar', exact: true }).click();
    await expect.poll(() => tab.getByRole('status').textContent()).toBe('Mensagem entregue ao Atende.');
    await expect.poll(() => tab.locator('li.customer .status').count()).toBe(1);
    expect(await tab.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(17, 27, 33)');
    expect(await axeViolations(tab)).toEqual([]);
    expect(problems).toEqual([]);
    await tab.context().close();
  });

  it('R-CH-03 the customer\'s name belongs to the number: the last one used with it comes back, a new number starts empty and needs one', async () => {
    const { tab, problems } = await openPage();
    const number = tab.getByLabel('Número do cliente');
    const name = tab.getByLabel('Nome do cliente');
    await number.fill('5511955550001');
    await name.fill('Bruno Lima');
    await tab.getByLabel('Mensagem').fill('Oi, sou o Bruno');
    await tab.getByRole('button', { name: 'Enviar', exact: true }).click();
    await expect.poll(() => tab.getByRole('status').textContent()).toBe('Mensagem entregue ao Atende.');

    await number.fill('5521955550002');
    expect(await name.inputValue()).toBe('');
    await tab.getByLabel('Mensagem').fill('Oi');
    await tab.getByRole('button', { name: 'Enviar', exact: true }).click();
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await tab.locator('#name-error').isVisible()).toBe(true);
    expect(await thread('5521955550002')).toEqual([]);
    await name.fill('Carla Dias');

    await number.fill('5511955550001');
    expect(await name.inputValue()).toBe('Bruno Lima');
    await number.fill('5521955550002');
    expect(await name.inputValue()).toBe('Carla Dias');
    // Kept on this browser: a reload shows the last number with its name.
    await tab.reload();
    expect([await number.inputValue(), await name.inputValue()]).toEqual(['5521955550002', 'Carla Dias']);
    expect(problems).toEqual([]);
    await tab.context().close();
  });
});

/** `npm run server` (what `npm start` runs): its output once ready, then SIGTERM; resolves with the output and exit code. */
async function runEntryPoint(env: Record<string, string>, whileRunning: (output: string) => Promise<void>): Promise<{ output: string; code: number | null }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-wa-main-'));
  try {
    const server = await startEntryPoint({ dataDir, env });
    let code: number | null = null;
    try {
      await whileRunning(server.output);
    } finally {
      code = await server.stop();
    }
    return { output: server.output, code };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('R-CH-03 ATENDE_WHATSAPP_SIMULATOR', () => {
  it('R-CH-03 the entry point starts the simulator with the demo, prints its page, and stops cleanly; =0 starts none', async () => {
    const on = await runEntryPoint({}, async (output) => {
      const url = /^WhatsApp simulator: (\S+)/m.exec(output)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(String(url))).status).toBe(200);
    });
    expect(on.code).toBe(0);
    const off = await runEntryPoint({ ATENDE_WHATSAPP_SIMULATOR: '0' }, () => Promise.resolve());
    expect(off.output).not.toContain('WhatsApp simulator');
    expect(off.code).toBe(0);
  }, 60_000);


  it('R-CH-03 is on with the demo organisation, off with 0, and refused without the demo', () => {
    expect(loadConfig({}).whatsappSimulator).toBe(true);
    expect(loadConfig({ ATENDE_WHATSAPP_SIMULATOR: '0' }).whatsappSimulator).toBe(false);
    expect(loadConfig({ ATENDE_DEMO: '0' }).whatsappSimulator).toBe(false);
    expect(() => loadConfig({ ATENDE_DEMO: '0', ATENDE_WHATSAPP_SIMULATOR: '1' })).toThrow(ConfigError);
  });
});
