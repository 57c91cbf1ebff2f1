import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_TEXT_MAX, STORY, type ContactDoc, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { FakeMetaGraph } from '../src/channels/meta/simulator/fakeMetaGraph.js';
import type { MetaSimulator } from '../src/channels/meta/simulator/simulator.js';
import { startDemoSimulators, type DemoSimulators } from '../src/channels/simulators/demo.js';
import { axeViolations, launchChromium, openTab } from './browser.js';
import { foreignAttempts, REFUSED, statusOf } from './foreignRequests.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * The Messenger | Instagram simulator `npm start` runs (issue 11): the demo page and its
 * Instagram account point at the fake Graph; what a customer does on either tab reaches our
 * server as a signed webhook on that account's URL, with a profile our server fetches; the
 * agent's replies, typing and "seen" show on the page, and the page reports deliveries and reads.
 */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
/** A tiny PDF (the upload sniffs its type). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PSID = '7012345678901234';
const IGSID = '5512345678901234';

let server: TestServer;
let simulators: DemoSimulators;
let simulator: MetaSimulator;
const logged: string[] = [];

type Shown = { id: string; from: string; text: string; status: string; label?: string; media?: { kind: string; url: string } };
type Thread = { name: string; typing: boolean; messages: Shown[] };

async function page<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(simulator.url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as T };
}
const thread = async (platform: string, id: string) => (await page<Thread>('GET', `/customer/api/thread?platform=${platform}&id=${id}`)).body;
const storedByExternalId = async (externalId: string) =>
  (await server.store.find({ selector: { type: 'message', externalId }, limit: 10 })) as unknown as Array<MessageDoc & { _id: string }>;
const account = async (key: string) => (await server.store.get(`channel:${key}`)) as ChannelAccountDoc;

/** Ana claims the conversation of that inbound message and answers it. */
async function agentReplies(inbound: MessageDoc | undefined, id: string, body: Record<string, unknown>) {
  const ana = (await login(server, 'ana@demo.local')).accessToken;
  await call(server, 'POST', `/api/conversations/${inbound?.conversationId}/claim`, { token: ana, body: {} });
  const replied = await call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${inbound?.conversationId}/messages`, { token: ana, body: { id, ...body } });
  expect(replied.status).toBe(201);
  return replied.body.message.id;
}

beforeAll(async () => {
  server = await startTestServer();
  simulators = await startDemoSimulators({
    store: server.store, registry: server.registry, serverUrl: server.url, log: (m) => logged.push(m), whatsapp: false, others: true, backoffMs: [50, 100, 200],
  });
  if (!simulators.meta) throw new Error(`Meta simulator not started: ${logged.join('; ')}`);
  simulator = simulators.meta;
});
afterAll(async () => {
  await simulators.stop();
  await server.close();
});

describe('R-CH-05 the Messenger and Instagram simulator of the demo', () => {
  it('R-CH-05 the demo accounts in Suporte point at the fake Graph: Messenger with the human agent tag on, Instagram off, one page token and app secret', async () => {
    const messenger = await account('demo-messenger');
    const instagram = await account('demo-instagram');
    expect(messenger).toMatchObject({ kind: 'messenger', name: 'Messenger (simulador)', entryTeamId: 'team:suporte', settings: { apiBaseUrl: simulator.baseUrl, humanAgentTag: 'on' } });
    expect(instagram).toMatchObject({ kind: 'instagram', name: 'Instagram (simulador)', entryTeamId: 'team:suporte', settings: { apiBaseUrl: simulator.baseUrl, humanAgentTag: 'off', pageId: messenger.settings?.pageId } });
    expect(instagram.settings?.appSecret).toBe(messenger.settings?.appSecret);
    const admin = (await login(server, 'admin@demo.local')).accessToken;
    for (const id of ['channel:demo-messenger', 'channel:demo-instagram']) {
      const tested = await call<{ ok: boolean }>(server, 'POST', `/api/admin/channels/${id}/test`, { token: admin, body: {} });
      expect(tested.body.ok).toBe(true);
    }
    const html = await fetch(`${simulator.url}/`);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const text = await html.text();
    expect(text).toMatch(/role="tab"[^>]*>Messenger</);
    expect(text).toMatch(/role="tab"[^>]*>Instagram</);
    expect(text).toContain('<nav id="simulators" data-current="meta"');
    expect(logged).toEqual([]);
  });

  it('R-CH-05 a Messenger customer\'s text becomes a waiting conversation whose contact gets the profile\'s name and picture; the agent\'s reply shows on the page, delivered then read', async () => {
    const wrote = await page<{ message: { id: string; status: string } }>('POST', '/customer/api/messages', { platform: 'messenger', id: PSID, name: 'Juliana Rocha', text: 'Oi, vocês entregam em Curitiba?' });
    expect([wrote.status, wrote.body.message.status]).toEqual([200, 'received']);
    const [inbound] = await storedByExternalId(wrote.body.message.id);
    expect(inbound).toMatchObject({ direction: 'in', kind: 'text', text: 'Oi, vocês entregam em Curitiba?', teamId: 'team:suporte' });
    expect(((await server.store.get(String(inbound?.conversationId))) as unknown as ConversationDoc).status).toBe('waiting');
    await server.jobs.idle();
    const contacts = (await server.store.find({ selector: { type: 'contact' }, limit: 100 })) as unknown as ContactDoc[];
    const contact = contacts.find((c) => c.addresses?.messenger === PSID);
    expect(contact).toMatchObject({ name: 'Juliana Rocha', pictureMediaId: expect.any(String) });

    const messageId = await agentReplies(inbound, 'meta-sim-reply-1', { text: 'Entregamos sim!' });
    const shown = await until(() => thread('messenger', PSID), (t) => t.messages.some((m) => m.from === 'business'));
    const reply = shown.messages.find((m) => m.from === 'business');
    expect(reply?.text).toBe('Entregamos sim!');
    const delivered = await until(async () => (await server.store.get(messageId)) as unknown as MessageDoc, (m) => m.status === 'delivered');
    expect([delivered.status, delivered.externalId]).toEqual(['delivered', reply?.id]);

    expect((await page('POST', '/customer/api/read', { platform: 'messenger', id: PSID, ids: [reply?.id] })).status).toBe(200);
    const read = await until(async () => (await server.store.get(messageId)) as unknown as MessageDoc, (m) => m.status === 'read');
    expect(read.status).toBe('read');
  });

  it('R-CH-05 the business\'s typing_on and mark_seen show on the page until its next message', async () => {
    await page('POST', '/customer/api/messages', { platform: 'messenger', id: '7012345678900001', name: 'Caio Nunes', text: 'Alguém aí?' });
    const { pageAccessToken, pageId } = (await account('demo-messenger')).settings ?? {};
    for (const sender_action of ['mark_seen', 'typing_on']) {
      const res = await fetch(`${simulator.baseUrl}/${pageId}/messages`, {
        method: 'POST', headers: { authorization: `Bearer ${pageAccessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ recipient: { id: '7012345678900001' }, sender_action }),
      });
      expect(res.status).toBe(200);
    }
    const after = await thread('messenger', '7012345678900001');
    expect([after.typing, after.messages[0]?.status]).toEqual([true, 'seen']);
  });

  it('R-CH-05 an Instagram customer\'s photo, story mention and story reply reach the Instagram account as such; the agent\'s photo shows on the page', async () => {
    const photo = await fetch(`${simulator.url}/customer/api/images?${new URLSearchParams({ platform: 'instagram', id: IGSID, name: 'Tiago Martins', caption: 'Olha isso' })}`, {
      method: 'POST', headers: { 'content-type': 'image/png' }, body: PNG,
    });
    const photoMessage = ((await photo.json()) as { message: { id: string; status: string } }).message;
    expect(photoMessage.status).toBe('received');
    const mention = await page<{ message: { id: string } }>('POST', '/customer/api/story', { id: IGSID, name: 'Tiago Martins', kind: 'mention' });
    const reply = await page<{ message: { id: string } }>('POST', '/customer/api/story', { id: IGSID, name: 'Tiago Martins', kind: 'reply', text: 'Que lindo!' });
    await server.jobs.idle();
    const [storedPhoto] = await storedByExternalId(photoMessage.id);
    const [storedMention] = await storedByExternalId(mention.body.message.id);
    const [storedReply] = await storedByExternalId(reply.body.message.id);
    expect(storedPhoto).toMatchObject({ kind: 'image', text: 'Olha isso' });
    expect(storedPhoto?.attachments).toHaveLength(1);
    expect(storedMention?.payload?.[STORY]).toBe('mention');
    expect(storedReply).toMatchObject({ text: 'Que lindo!', payload: { [STORY]: 'reply' } });
    const conversation = (await server.store.get(String(storedPhoto?.conversationId))) as unknown as ConversationDoc;
    expect(conversation.channelAccountId).toBe('channel:demo-instagram');

    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'cupom.png');
    const uploaded = (await (await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${ana}` }, body: form })).json()) as { id: string };
    await agentReplies(storedPhoto, 'meta-sim-photo-1', { text: '', mediaIds: [uploaded.id] });
    const shown = await until(() => thread('instagram', IGSID), (t) => t.messages.some((m) => m.from === 'business' && m.media));
    const image = await fetch(simulator.url + String(shown.messages.find((m) => m.from === 'business')?.media?.url));
    expect([image.status, Buffer.from(await image.arrayBuffer()).equals(PNG)]).toEqual([200, true]);
  });

  it('R-CH-05 the page refuses a bad id, one id on both tabs, and a story on Messenger', async () => {
    const bad = await page<{ error: string }>('POST', '/customer/api/messages', { platform: 'messenger', id: '70x1', name: 'X', text: 'Oi' });
    expect(bad.status).toBe(400);
    const clash = await page<{ error: string }>('POST', '/customer/api/messages', { platform: 'instagram', id: PSID, name: 'Juliana Rocha', text: 'Oi' });
    expect([clash.status, clash.body.error]).toEqual([409, expect.stringContaining('messenger')]);
    const story = await page<{ error: string }>('POST', '/customer/api/story', { id: PSID, name: 'Juliana Rocha', kind: 'mention' });
    expect(story.status).toBe(409);
  });
});

describe('R-CH-05 the Meta simulator answers only its own page (no cross-site writes, no DNS rebinding)', () => {
  it('R-CH-05 a text/plain body, a foreign Origin or a foreign Host is refused and nothing reaches our server', async () => {
    const write = { platform: 'messenger', id: '7099999999999999', name: 'Evil', text: 'Clique aqui http://phish.example' };
    const upload = { route: `/customer/api/images?${new URLSearchParams({ platform: 'messenger', id: write.id, name: 'Evil' })}`, type: 'image/png', bytes: PNG };
    expect(await foreignAttempts(simulator.url, { route: '/customer/api/messages', body: write }, upload, `/customer/api/thread?platform=messenger&id=${write.id}`)).toEqual(REFUSED);
    await server.jobs.idle();
    expect(await server.store.find({ selector: { type: 'message', text: write.text }, limit: 5 })).toEqual([]);
    expect((await thread('messenger', write.id)).messages).toEqual([]);
    // The page itself, at each loopback name, with its own Origin.
    const port = new URL(simulator.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const read = JSON.stringify({ platform: 'messenger', id: write.id, ids: [] });
      expect(await statusOf(`${simulator.url}/customer/api/read`, 'POST', { 'content-type': 'application/json; charset=utf-8', host, origin: `http://${host}` }, read)).toBe(200);
    }
  });

  it('R-CH-05 a file the agent sends on Messenger shows on the page under its own name (the link\'s Content-Disposition)', async () => {
    const wrote = await page<{ message: { id: string } }>('POST', '/customer/api/messages', { platform: 'messenger', id: '7012345678900002', name: 'Rui Prado', text: 'Manda o boleto?' });
    const [inbound] = await storedByExternalId(wrote.body.message.id);
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const form = new FormData();
    form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'boleto março.pdf');
    const uploaded = (await (await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${ana}` }, body: form })).json()) as { id: string };
    await agentReplies(inbound, 'meta-sim-file-1', { text: '', mediaIds: [uploaded.id] });
    const shown = await until(() => thread('messenger', '7012345678900002'), (t) => t.messages.some((m) => m.from === 'business' && m.media));
    expect(shown.messages.find((m) => m.from === 'business')?.media).toMatchObject({ kind: 'document', filename: 'boleto março.pdf' });
  });
});

describe('R-CH-05 the fake Graph of a demo that runs for days', () => {
  it('R-CH-05 refuses a body over its bound with 413 instead of holding it', async () => {
    const graph = await new FakeMetaGraph({ appSecret: 's', pageAccessToken: 't', pageId: '1' }).start();
    try {
      const big = await fetch(`${graph.baseUrl}/1/messages`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: Buffer.alloc(30 * 1024 * 1024, 32) });
      expect(big.status).toBe(413);
      const streamed = await fetch(`${graph.baseUrl}/1/messages`, {
        method: 'POST', headers: { authorization: 'Bearer t' }, duplex: 'half',
        // No content-length: the fake counts what arrives.
        body: new ReadableStream({ start: (c) => {
          for (let n = 0; n < 30; n += 1) c.enqueue(new Uint8Array(1024 * 1024));
          c.close();
        } }),
      } as RequestInit);
      expect(streamed.status).toBe(413);
    } finally {
      await graph.stop();
    }
  });


  it('R-CH-05 keeps the latest customer files and calls: the oldest file\'s CDN URL then answers 404 as an expired one', async () => {
    const graph = await new FakeMetaGraph({ appSecret: 's', pageAccessToken: 't', pageId: '1' }).start();
    try {
      const urls = Array.from({ length: 501 }, (_, n) => graph.addAttachment(Buffer.from(`file ${n}`), 'text/plain'));
      expect((await fetch(urls[0] ?? '')).status).toBe(404);
      expect(await (await fetch(urls[1] ?? '')).text()).toBe('file 1');
      expect(await (await fetch(urls[500] ?? '')).text()).toBe('file 500');
      for (let n = 0; n < 505; n += 1) await fetch(`${graph.baseUrl}/1?fields=name`, { headers: { authorization: 'Bearer t' } });
      expect(graph.calls.length).toBe(500);
    } finally {
      await graph.stop();
    }
  });
});

/** The customer page in Chromium, as the e2e suite runs it (browser.ts). */
describe('R-CH-05 the Meta simulator\'s page in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('R-CH-05 on the Instagram tab a person answers the business\'s story and sees the agent\'s reply; tabs follow the address; axe passes with no console error', async () => {
    const { tab, problems } = await openTab(browser);
    await tab.goto(`${simulator.url}/#instagram`);
    await expect.poll(() => tab.getByRole('tab', { name: 'Instagram' }).getAttribute('aria-selected')).toBe('true');
    const panel = tab.getByRole('tabpanel');
    await panel.getByLabel('ID do cliente no Instagram (IGSID)').fill('5512345670000009');
    await panel.getByLabel('Nome do cliente').fill('Bia Lopes');
    await panel.getByLabel('Resposta ao story da empresa').fill('Amei a promoção');
    await panel.getByRole('button', { name: 'Responder ao story' }).click();
    await expect.poll(() => panel.getByRole('status').textContent()).toBe('Resposta ao story entregue ao Atende.');
    const [stored] = await until(async () => storedByExternalId((await thread('instagram', '5512345670000009')).messages[0]?.id ?? ''), (m) => m.length === 1);
    expect(stored?.payload?.[STORY]).toBe('reply');
    await agentReplies(stored, 'meta-sim-browser-1', { text: 'Que bom, Bia!' });
    await expect.poll(() => panel.getByRole('log').textContent()).toContain('Que bom, Bia!');
    expect(await tab.locator('#simulators a[aria-current="page"]').textContent()).toBe('Instagram');
    // Shown while visible: reported read.
    const reply = await until(() => thread('instagram', '5512345670000009'), (t) => t.messages.some((m) => m.from === 'business' && m.status === 'read'));
    expect(reply.messages.find((m) => m.from === 'business')?.status).toBe('read');
    await tab.getByRole('tab', { name: 'Messenger' }).click();
    expect(new URL(tab.url()).hash).toBe('#messenger');
    expect(await tab.getByRole('tabpanel').getByLabel('ID do cliente na página (PSID)').isVisible()).toBe(true);
    // One template, two panels: each platform's text limit from the server (CHANNEL_TEXT_MAX); the story form on Instagram only.
    expect(await tab.locator('#messenger-text').getAttribute('maxlength')).toBe(String(CHANNEL_TEXT_MAX.messenger));
    expect(await tab.locator('#instagram-text').getAttribute('maxlength')).toBe(String(CHANNEL_TEXT_MAX.instagram));
    expect([await tab.locator('#messenger-story').count(), await tab.locator('#instagram-story').count()]).toEqual([0, 1]);
    expect(await axeViolations(tab)).toEqual([]);
    expect(problems).toEqual([]);
    await tab.context().close();
  });
});
