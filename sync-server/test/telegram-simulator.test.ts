import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDITED_AT, START_PARAMETER, webhookPathOf, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { startDemoSimulators, type DemoSimulators } from '../src/channels/simulators/demo.js';
import { FakeBotApi } from '../src/channels/telegram/simulator/fakeBotApi.js';
import type { TelegramSimulator } from '../src/channels/telegram/simulator/simulator.js';
import { axeViolations, launchChromium, openTab } from './browser.js';
import { foreignAttempts, REFUSED } from './foreignRequests.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * The Telegram simulator `npm start` runs (issue 11): the demo bot's account points at the fake
 * Bot API and its connection test registered our webhook; what a customer does on the page
 * reaches our server as Telegram updates, and the agent's replies and typing show on the page.
 */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const USER = '100200300';
const ACCOUNT = 'channel:demo-telegram';

let server: TestServer;
let simulators: DemoSimulators;
let simulator: TelegramSimulator;
const logged: string[] = [];

const start = async () => {
  simulators = await startDemoSimulators({
    store: server.store, registry: server.registry, serverUrl: server.url, log: (m) => logged.push(m),
    whatsapp: false, others: true, backoffMs: [50, 100, 200],
  });
  if (!simulators.telegram) throw new Error(`Telegram simulator not started: ${logged.join('; ')}`);
  return simulators.telegram;
};
const account = async () => (await server.store.get(ACCOUNT)) as ChannelAccountDoc;

type Thread = { typing: boolean; messages: Array<{ id: string; from: string; text: string; status: string; label?: string; media?: { kind: string; url: string; filename?: string } }> };

/** The page's own API, as its script calls it. */
async function page<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(simulator.url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as T };
}
const thread = async (user = USER) => (await page<Thread>('GET', `/chat/api/thread?user=${user}`)).body;
const storedByExternalId = async (externalId: string) =>
  (await server.store.find({ selector: { type: 'message', externalId }, limit: 10 })) as unknown as Array<MessageDoc & { _id: string }>;

beforeAll(async () => {
  server = await startTestServer();
  simulator = await start();
});
afterAll(async () => {
  await simulators.stop();
  await server.close();
});

describe('R-CH-04 the Telegram simulator of the demo', () => {
  it('R-CH-04 the demo account "Telegram (simulador)" in Suporte points at the simulator, whose webhook our server registered with its secret token', async () => {
    const demo = await account();
    expect(demo).toMatchObject({ kind: 'telegram', name: 'Telegram (simulador)', entryTeamId: 'team:suporte', enabled: true, settings: { apiBaseUrl: simulator.baseUrl } });
    expect(simulator.bot.webhook).toMatchObject({ url: server.url + webhookPathOf('telegram', ACCOUNT), secretToken: demo.settings?.secretToken });
    expect(demo.settings?.secretToken).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(logged).toEqual([]);
  });

  it('R-CH-04 the customer page is served with its own scripts under a strict CSP, with the simulators strip, and refuses a bad user id', async () => {
    const html = await fetch(`${simulator.url}/`);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const text = await html.text();
    expect(text).toContain('<script type="module" src="/chat/chat.js"');
    expect(text).toContain('<nav id="simulators" data-current="telegram"');
    expect(text).not.toMatch(/<script>|style=/);
    const links = await (await fetch(`${simulator.url}/simulators/links`)).json() as { links: Array<{ page: string; url: string }> };
    expect(links.links.map((l) => l.page)).toEqual(['telegram', 'messenger', 'instagram', 'reclameaqui']);
    const bad = await page<{ error: string }>('POST', '/chat/api/messages', { user: '10020x', name: 'Rafael', text: 'Oi' });
    expect([bad.status, bad.body.error]).toEqual([400, expect.stringContaining('digits only')]);
  });

  it('R-CH-04 the page API refuses a text/plain body, a foreign Origin and a foreign Host (no cross-site writes, no DNS rebinding)', async () => {
    const write = { user: '100200999', name: 'Evil', text: 'Clique aqui http://phish.example' };
    const upload = { route: `/chat/api/files?${new URLSearchParams({ user: write.user, name: 'Evil', kind: 'document', filename: 'x.txt' })}`, type: 'text/plain', bytes: Buffer.from('x') };
    expect(await foreignAttempts(simulator.url, { route: '/chat/api/messages', body: write }, upload, `/chat/api/thread?user=${write.user}`)).toEqual(REFUSED);
    expect((await thread(write.user)).messages).toEqual([]);
    expect(await server.store.find({ selector: { type: 'message', text: write.text }, limit: 5 })).toEqual([]);
  });

  it('R-CH-04 a customer\'s text reaches the server as one waiting conversation; the agent\'s typing and reply show on the page', async () => {
    const wrote = await page<{ message: { id: string; status: string }; webhookSet: boolean }>('POST', '/chat/api/messages', { user: USER, name: 'Rafael Gomes', text: 'Olá, quero rastrear meu pedido' });
    expect([wrote.status, wrote.body.message.status, wrote.body.webhookSet]).toEqual([200, 'received', true]);
    const [inbound] = await storedByExternalId(`${USER}:${wrote.body.message.id}`);
    expect(inbound).toMatchObject({ direction: 'in', kind: 'text', text: 'Olá, quero rastrear meu pedido', authorName: 'Rafael Gomes', teamId: 'team:suporte' });
    const conversationId = String(inbound?.conversationId);
    expect(((await server.store.get(conversationId)) as unknown as ConversationDoc).status).toBe('waiting');

    // The adapter's typing: sendChatAction, as the agent's typing sends it.
    const token = (await account()).settings?.botToken;
    await fetch(`${simulator.baseUrl}/bot${token}/sendChatAction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: Number(USER), action: 'typing' }) });
    expect((await thread()).typing).toBe(true);

    const ana = (await login(server, 'ana@demo.local')).accessToken;
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    const replied = await call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: 'tg-sim-reply-1', text: 'Claro! Qual o número do pedido?' } });
    expect(replied.status).toBe(201);
    const shown = await until(thread, (t) => t.messages.some((m) => m.from === 'business'));
    expect(shown.messages.filter((m) => m.from === 'business').map((m) => m.text)).toEqual(['Claro! Qual o número do pedido?']);
    expect(shown.typing).toBe(false);
    const sent = await until(async () => (await server.store.get(replied.body.message.id)) as unknown as MessageDoc, (m) => m.status === 'sent');
    expect(sent.externalId).toBe(`${USER}:${shown.messages.at(-1)?.id}`);
  });

  it('R-CH-04 a photo and a document from the customer are downloaded by the server through getFile', async () => {
    const send = (kind: string, type: string, filename: string, bytes: Buffer, caption = '') =>
      fetch(`${simulator.url}/chat/api/files?${new URLSearchParams({ user: USER, name: 'Rafael Gomes', kind, filename, caption })}`, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(bytes) });
    const photo = (await (await send('photo', 'image/png', 'caixa.png', PNG, 'A caixa chegou assim')).json()) as { message: { id: string; status: string } };
    const doc = (await (await send('document', 'text/plain', 'nota.txt', Buffer.from('nota fiscal 123'))).json()) as { message: { id: string; status: string } };
    expect([photo.message.status, doc.message.status]).toEqual(['received', 'received']);
    await server.jobs.idle();
    const [storedPhoto] = await storedByExternalId(`${USER}:${photo.message.id}`);
    const [storedDoc] = await storedByExternalId(`${USER}:${doc.message.id}`);
    expect(storedPhoto).toMatchObject({ kind: 'image', text: 'A caixa chegou assim' });
    expect(storedPhoto?.attachments).toHaveLength(1);
    expect(storedDoc).toMatchObject({ kind: 'document' });
    expect(storedDoc?.attachments).toHaveLength(1);
    // The page shows the customer's own photo from the simulator.
    const shown = (await thread()).messages.find((m) => m.id === photo.message.id);
    const image = await fetch(simulator.url + String(shown?.media?.url));
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
  });

  it('R-CH-04 an edit of the customer\'s last message changes the stored message (marked edited); /start carries its deep-link parameter', async () => {
    const wrote = await page<{ message: { id: string } }>('POST', '/chat/api/messages', { user: USER, name: 'Rafael Gomes', text: 'Pedido 12' });
    const edited = await page<{ message: { id: string; text: string; label: string; status: string } }>('POST', '/chat/api/edit', { user: USER, name: 'Rafael Gomes', text: 'Pedido 1234' });
    expect(edited.body.message).toMatchObject({ id: wrote.body.message.id, text: 'Pedido 1234', label: 'Editada', status: 'received' });
    const [stored] = await until(() => storedByExternalId(`${USER}:${wrote.body.message.id}`), (m) => m[0]?.text === 'Pedido 1234');
    expect(stored?.text).toBe('Pedido 1234');
    expect(stored?.payload?.[EDITED_AT]).toEqual(expect.any(Number));

    const started = await page<{ message: { id: string } }>('POST', '/chat/api/start', { user: '100200301', name: 'Lia Campos', parameter: 'pedido-1234' });
    const [start] = await storedByExternalId(`100200301:${started.body.message.id}`);
    expect(start).toMatchObject({ text: '/start pedido-1234', payload: { [START_PARAMETER]: 'pedido-1234' } });
    const none = await page<{ error: string }>('POST', '/chat/api/edit', { user: '100200399', name: 'Ninguém', text: 'x' });
    expect(none.status).toBe(409);
  });

  it('R-CH-04 the agent\'s photo reaches the page as a photo the page shows', async () => {
    const [inbound] = await storedByExternalId(`${USER}:500001`);
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'etiqueta.png');
    const uploaded = (await (await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${ana}` }, body: form })).json()) as { id: string };
    const sent = await call(server, 'POST', `/api/conversations/${inbound?.conversationId}/messages`, { token: ana, body: { id: 'tg-sim-photo-1', text: 'Sua etiqueta', mediaIds: [uploaded.id] } });
    expect(sent.status).toBe(201);
    const shown = await until(thread, (t) => t.messages.some((m) => m.from === 'business' && m.media));
    const photo = shown.messages.find((m) => m.from === 'business' && m.media);
    expect(photo).toMatchObject({ text: 'Sua etiqueta', media: { kind: 'image' } });
    const image = await fetch(simulator.url + String(photo?.media?.url));
    expect([image.status, Buffer.from(await image.arrayBuffer()).equals(PNG)]).toEqual([200, true]);
  });

  it('R-CH-04 restarting keeps the bot\'s token and secret, points the account at the new port and registers the webhook again', async () => {
    const before = await account();
    await simulators.stop();
    simulator = await start();
    const after = await account();
    expect([after.settings?.botToken, after.settings?.secretToken]).toEqual([before.settings?.botToken, before.settings?.secretToken]);
    expect(after.settings?.apiBaseUrl).toBe(simulator.baseUrl);
    expect(simulator.bot.webhook?.secretToken).toBe(before.settings?.secretToken);
    expect((await server.store.find({ selector: { type: 'channel', kind: 'telegram' }, limit: 10 })).length).toBe(1);
    const wrote = await page<{ message: { status: string } }>('POST', '/chat/api/messages', { user: USER, name: 'Rafael Gomes', text: 'Ainda aqui' });
    expect(wrote.body.message.status).toBe('received');
  });
});

describe('R-CH-04 the fake Bot API of a demo that runs for days', () => {
  it('R-CH-04 keeps the latest files and calls: the oldest file_id is then unknown to getFile', async () => {
    const bot = await new FakeBotApi({ token: '7000000001:secret' }).start();
    try {
      const files = Array.from({ length: 501 }, (_, n) => bot.addFile(Buffer.from(`file ${n}`), 'text/plain', `f${n}.txt`));
      expect(bot.fileBytes(files[0]?.file_id ?? '')).toBeUndefined();
      expect(bot.fileBytes(files[500]?.file_id ?? '')?.toString()).toBe('file 500');
      const getFile = async (fileId: string) => (await fetch(`${bot.baseUrl}/bot7000000001:secret/getFile?file_id=${fileId}`)).status;
      expect([await getFile(files[0]?.file_id ?? ''), await getFile(files[1]?.file_id ?? '')]).toEqual([400, 200]);
      for (let n = 0; n < 505; n += 1) await fetch(`${bot.baseUrl}/bot7000000001:secret/getMe`);
      expect(bot.calls.length).toBe(500);
    } finally {
      await bot.stop();
    }
  });
});

/** The customer page in Chromium, as the e2e suite runs it (browser.ts). */
describe('R-CH-04 the Telegram simulator\'s page in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('R-CH-04 a person writes to the bot and edits the message on the page, sees the agent\'s reply, and the page passes axe with no console error', async () => {
    const { tab, problems } = await openTab(browser);
    await tab.goto(`${simulator.url}/`);
    await tab.getByLabel('ID do usuário no Telegram').fill('100200555');
    await tab.getByLabel('Nome do cliente').fill('Nina Souza');
    await tab.getByLabel('Mensagem').fill('Oi bot');
    await tab.getByRole('button', { name: 'Enviar', exact: true }).click();
    await expect.poll(() => tab.getByRole('status').textContent()).toBe('Mensagem entregue ao Atende.');
    await tab.getByLabel('Mensagem').fill('Oi, bot!');
    await tab.getByRole('button', { name: 'Editar a última' }).click();
    await expect.poll(() => tab.getByRole('log').textContent()).toContain('Editada');
    const first = (await thread('100200555')).messages[0]?.id ?? '';
    const [stored] = await until(() => storedByExternalId(`100200555:${first}`), (m) => m[0]?.text === 'Oi, bot!');
    expect(stored?.text).toBe('Oi, bot!');

    const ana = (await login(server, 'ana@demo.local')).accessToken;
    await call(server, 'POST', `/api/conversations/${stored?.conversationId}/claim`, { token: ana, body: {} });
    await call(server, 'POST', `/api/conversations/${stored?.conversationId}/messages`, { token: ana, body: { id: 'tg-sim-browser-1', text: 'Olá, Nina!' } });
    await expect.poll(() => tab.getByRole('log').textContent()).toContain('Olá, Nina!');
    expect(await tab.locator('#simulators a[aria-current="page"]').textContent()).toBe('Telegram');
    expect(await axeViolations(tab)).toEqual([]);
    expect(problems).toEqual([]);
    await tab.context().close();
  });
});
