import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment, ContactDoc, ConversationDoc, MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import type { OutboundRequest } from '../src/channels/adapter.js';
import { MetaMessagingAdapter } from '../src/channels/meta/messaging.js';
import { instagramText, messengerText } from '../src/channels/meta/simulator/events.js';
import { FakeMetaGraph, IG_NO_USER, IG_OUTSIDE_WINDOW, USER_UNAVAILABLE } from '../src/channels/meta/simulator/fakeMetaGraph.js';
import { PermanentFailure } from '../src/jobs/types.js';
import { call } from './helpers.js';
import {
  APP_SECRET, claimed, countMessages, IG_USER_ID, newCustomerId, PAGE_ID, PAGE_TOKEN, PNG, receive, sentOf, startMetaFixture, VERIFY_TOKEN,
  type MetaFixture,
} from './meta-messaging-fixture.js';

/**
 * The Meta adapter on its own against the fake Send API, with an injected clock (the fake's and
 * the adapter's agree): which messaging type each moment of the reply window gives, sender
 * actions, "Testar conexão", refusals; then the window through the real server.
 */
const HOUR = 3_600_000;
const WROTE_AT = Date.UTC(2026, 10, 2, 12, 0, 0);
let clock = WROTE_AT;
let graph: FakeMetaGraph;
beforeAll(async () => {
  graph = await new FakeMetaGraph({ appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN, pageId: PAGE_ID, pageName: 'Loja Atende', igUserId: IG_USER_ID, igUsername: 'loja.atende', now: () => clock }).start();
});
afterAll(async () => graph.stop());

const adapterFor = (kind: 'messenger' | 'instagram', settings: Record<string, string> = {}, now = () => clock) => new MetaMessagingAdapter({
  _id: `channel:test-${kind}`, kind, name: kind, teamId: 'team:suporte', enabled: true,
  settings: { pageId: PAGE_ID, igUserId: IG_USER_ID, apiBaseUrl: graph.baseUrl, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, humanAgentTag: 'off', ...settings },
} as unknown as ChannelAccountDoc, { now });

/** A customer who wrote at WROTE_AT, known to the fake, and a send request to them. */
function customer(kind: 'messenger' | 'instagram', message: Partial<MessageDoc> = {}, publicUrl: string | null = null) {
  const id = newCustomerId();
  graph.observeWebhook((kind === 'messenger' ? messengerText(PAGE_ID, id, 'oi', { timestamp: WROTE_AT }) : instagramText(IG_USER_ID, id, 'oi', { timestamp: WROTE_AT })).body);
  const conversation = { id: `conversation:${id}`, channel: kind, channelMeta: { customerWroteAt: String(WROTE_AT) }, lastInboundAt: WROTE_AT } as unknown as ConversationDoc;
  const contact = { id: `contact:${id}`, addresses: { [kind]: id } } as unknown as ContactDoc;
  const request: OutboundRequest = {
    conversation, contact, idempotencyKey: `k-${id}`,
    message: { id: `message:${id}`, kind: 'text', text: 'Olá!', attachments: [], payload: {}, ...message } as unknown as MessageDoc,
    readMedia: () => Promise.resolve(PNG), publicMediaUrl: () => publicUrl,
  };
  return { id, conversation, contact, request };
}
const lastSent = () => graph.sent[graph.sent.length - 1];

describe('R-CH-05 the reply window decides the messaging type (injected clock)', () => {
  it('R-CH-05 inside 24 h: RESPONSE, no tag', async () => {
    clock = WROTE_AT + 23 * HOUR;
    const { id, request } = customer('messenger');
    expect(await adapterFor('messenger').send(request)).toMatchObject({ status: 'sent', externalId: expect.stringMatching(/^m_/) as string });
    expect(lastSent()).toMatchObject({ recipientId: id, messagingType: 'RESPONSE' });
    expect(lastSent()?.tag).toBeUndefined();
  });

  it('R-CH-05 between 24 h and 7 days with the setting on: MESSAGE_TAG + HUMAN_AGENT (Messenger and Instagram)', async () => {
    clock = WROTE_AT + 6 * 24 * HOUR;
    for (const kind of ['messenger', 'instagram'] as const) {
      const { id, request } = customer(kind);
      await adapterFor(kind, { humanAgentTag: 'on' }).send(request);
      expect(lastSent()).toMatchObject({ recipientId: id, platform: kind, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    }
  });

  it('R-CH-05 past 24 h without the setting, and past 7 days with it, the send is refused with the reason and nothing goes', async () => {
    const before = graph.sent.length;
    clock = WROTE_AT + 25 * HOUR;
    await expect(adapterFor('messenger').send(customer('messenger').request)).rejects.toThrow(/mais de 24 horas/);
    clock = WROTE_AT + 7 * 24 * HOUR + 1;
    const refused = adapterFor('instagram', { humanAgentTag: 'on' }).send(customer('instagram').request);
    await expect(refused).rejects.toBeInstanceOf(PermanentFailure);
    await expect(refused).rejects.toThrow(/mais de 7 dias/);
    expect(graph.sent.length).toBe(before);
  });

  it('R-CH-05 Meta\'s own window refusal (code 10/2018278) and an unavailable person (551) are final, with sentences', async () => {
    clock = WROTE_AT + 30 * HOUR;
    // An adapter whose clock lags behind Meta's sends RESPONSE; the fake refuses it.
    const late = adapterFor('messenger', {}, () => WROTE_AT + HOUR);
    await expect(late.send(customer('messenger').request)).rejects.toThrow(/fora da janela de resposta/);
    clock = WROTE_AT + HOUR;
    graph.failNext(USER_UNAVAILABLE);
    await expect(adapterFor('messenger').send(customer('messenger').request)).rejects.toThrow(/não está disponível no Messenger/);
  });

  it('R-CH-05 Instagram\'s own subcodes: outside the window (10/2534022) and no such user (100/2534014) are final, with sentences', async () => {
    clock = WROTE_AT + HOUR;
    graph.failNext(IG_OUTSIDE_WINDOW, IG_NO_USER);
    await expect(adapterFor('instagram').send(customer('instagram').request)).rejects.toThrow(/Instagram recusou a mensagem: ela está fora da janela/);
    await expect(adapterFor('instagram').send(customer('instagram').request)).rejects.toThrow(/Instagram não encontrou este cliente/);
  });
});

describe('R-CH-05 Meta adapter: files, sender actions, connection', () => {
  const image: Attachment = { mediaId: 'media:x', name: 'foto.png', mimeType: 'image/png', size: PNG.length, kind: 'image', thumbnail: false };
  const pdf: Attachment = { mediaId: 'media:y', name: 'boleto.pdf', mimeType: 'application/pdf', size: 10, kind: 'document', thumbnail: false };

  it('R-CH-05 a file needs a public link; Instagram takes no documents', async () => {
    clock = WROTE_AT + HOUR;
    await expect(adapterFor('messenger').send(customer('messenger', { attachments: [image] }, null).request)).rejects.toThrow(/ATENDE_PUBLIC_URL/);
    const url = graph.addAttachment(PNG, 'image/png');
    await expect(adapterFor('instagram').send(customer('instagram', { attachments: [pdf] }, url).request)).rejects.toThrow(/não aceita este tipo de arquivo/);
    const { id, request } = customer('messenger', { attachments: [pdf], text: '' }, url);
    await adapterFor('messenger').send(request);
    expect(lastSent()).toMatchObject({ recipientId: id, attachment: { type: 'file', url } });
  });

  it('R-CH-05 a sticker (WebP) is refused with a sentence; an image over 8 MB is refused by Meta as too large', async () => {
    clock = WROTE_AT + HOUR;
    const before = graph.sent.length;
    const sticker: Attachment = { ...image, name: 'figurinha.webp', mimeType: 'image/webp', kind: 'sticker' };
    await expect(adapterFor('messenger').send(customer('messenger', { attachments: [sticker] }, graph.addAttachment(PNG, 'image/webp')).request))
      .rejects.toThrow(/não aceita figurinhas/);
    const big = graph.addAttachment(Buffer.alloc(8 * 1024 * 1024 + 1), 'image/png');
    await expect(adapterFor('instagram').send(customer('instagram', { attachments: [image], text: '' }, big).request)).rejects.toThrow(/grande demais/);
    expect(graph.sent.length).toBe(before);
  });

  it('R-CH-05 typing marks the customer\'s messages seen and shows typing_on (at most every 20 s); stopping sends typing_off', async () => {
    clock = WROTE_AT + HOUR;
    const adapter = adapterFor('messenger');
    const { id, conversation, contact } = customer('messenger');
    const actions = () => graph.senderActions.filter((a) => a.recipientId === id).map((a) => a.action);
    await adapter.typing(conversation, contact, true);
    await adapter.typing(conversation, contact, true);
    expect(actions()).toEqual(['mark_seen', 'typing_on']);
    await adapter.typing(conversation, contact, false);
    expect(actions()).toEqual(['mark_seen', 'typing_on', 'typing_off']);
    clock += 21_000;
    await adapter.typing(conversation, contact, true);
    expect(actions()).toEqual(['mark_seen', 'typing_on', 'typing_off', 'mark_seen', 'typing_on']);
  });

  it('R-CH-05 "Testar conexão" names the page or the Instagram account; a bad token is explained', async () => {
    expect(await adapterFor('messenger').testConnection()).toEqual({ ok: true, message: 'Conectado: página Loja Atende.' });
    expect(await adapterFor('instagram').testConnection()).toEqual({ ok: true, message: 'Conectado: @loja.atende (Loja Atende).' });
    const refused = await adapterFor('messenger', { pageAccessToken: 'EAAB-revogado' }).testConnection();
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('código 190');
    expect(refused.message).not.toContain('EAAB');
  });
});

describe('R-CH-05 the reply window through the server', () => {
  let f: MetaFixture;
  beforeAll(async () => {
    f = await startMetaFixture('messenger', { humanAgentTag: 'on' });
  });
  afterAll(async () => f.close());

  it('R-CH-05 a customer who wrote 30 h ago is answered with HUMAN_AGENT when allowed, refused with the reason when not', async () => {
    const psid = newCustomerId();
    const first = await receive(f, messengerText(PAGE_ID, psid, 'escrevi ontem', { timestamp: Date.now() - 30 * HOUR }));
    const reply = await claimed(f, first.conversationId);
    const tagged = await reply('Desculpe a demora!');
    expect(tagged.status).toBe(201);
    expect(await sentOf(f, tagged.body.message.id)).toMatchObject({ status: 'sent' });
    expect(f.graph.sent.at(-1)).toMatchObject({ recipientId: psid, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });

    expect((await call(f.server, 'PATCH', `/api/admin/channels/${f.accountId}`, { token: f.admin, body: { config: { humanAgentTag: 'off' } } })).status).toBe(200);
    const refused = await reply('Ainda posso responder?');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'reply_window_closed' });
    expect(JSON.stringify(refused.body)).toContain('24 horas');
  });
});

describe('R-CH-05 appsecret_proof on every Graph call', () => {
  let strict: FakeMetaGraph;
  beforeAll(async () => {
    strict = await new FakeMetaGraph({ appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN, pageId: PAGE_ID, pageName: 'Loja Atende', requireAppSecretProof: true }).start();
  });
  afterAll(async () => strict.stop());
  const info = (query: string) => fetch(`${strict.baseUrl}/${PAGE_ID}?fields=name${query}`, { headers: { authorization: `Bearer ${PAGE_TOKEN}` } });

  it('R-CH-05 a fake app that requires it refuses calls without it or with a wrong one, and accepts the adapter\'s', async () => {
    expect((await info('')).status).toBe(400);
    expect((await info('&appsecret_proof=00ff')).status).toBe(400);
    const proof = createHmac('sha256', APP_SECRET).update(PAGE_TOKEN).digest('hex');
    expect((await info(`&appsecret_proof=${proof}`)).status).toBe(200);
    const settings = { apiBaseUrl: strict.baseUrl };
    expect(await adapterFor('messenger', settings).testConnection()).toEqual({ ok: true, message: 'Conectado: página Loja Atende.' });
    // A proof made with another app's secret is refused, so the adapter really sends its own.
    expect((await adapterFor('messenger', { ...settings, appSecret: 'outro-segredo' }).testConnection()).ok).toBe(false);
  });
});

describe.each(['messenger', 'instagram'] as const)('R-CH-05 %s webhooks: handshake and signature', (kind) => {
  let f: MetaFixture;
  beforeAll(async () => {
    f = await startMetaFixture(kind);
  });
  afterAll(async () => f.close());
  const text = (words: string) => (kind === 'messenger' ? messengerText(PAGE_ID, newCustomerId(), words) : instagramText(IG_USER_ID, newCustomerId(), words));

  it('R-CH-05 the GET handshake echoes hub.challenge only for our verify token, else 403', async () => {
    const ok = await fetch(`${f.webhook}?hub.mode=subscribe&hub.challenge=8812001&hub.verify_token=${VERIFY_TOKEN}`);
    expect([ok.status, await ok.text()]).toEqual([200, '8812001']);
    expect((await fetch(`${f.webhook}?hub.mode=subscribe&hub.challenge=8812001&hub.verify_token=outro`)).status).toBe(403);
    expect((await fetch(`${f.webhook}?hub.mode=subscribe&hub.challenge=8812001&hub.verify_token=${APP_SECRET}`)).status).toBe(403);
  });

  it('R-CH-05 a bad, missing or stale X-Hub-Signature-256 is 401 and stores nothing', async () => {
    const before = await countMessages(f.server);
    const raw = JSON.stringify(text('falsa').body);
    expect((await f.graph.deliver(f.webhook, raw, f.graph.sign(raw, 'outro-segredo'))).status).toBe(401);
    expect((await f.graph.deliver(f.webhook, raw, null)).status).toBe(401);
    expect((await f.graph.deliver(f.webhook, raw.replace('falsa', 'falso'), f.graph.sign(raw, APP_SECRET))).status).toBe(401);
    expect(await countMessages(f.server)).toBe(before);
  });
});
