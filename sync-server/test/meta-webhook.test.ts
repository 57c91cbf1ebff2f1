import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, type MessageStatus } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import type { ChannelAdapter, InboundEvent, WebhookRequest } from '../src/channels/adapter.js';
import { metaHandshake, verifyMetaSignature } from '../src/channels/meta/webhook.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';

/**
 * Meta's webhook contract (CHANNELS.md) through the real handshake and signature helpers, on a
 * Messenger-shaped test adapter (Meta's servers are the system edge we cannot reach); inbound
 * media is fetched by the `media-download` job from this fake upstream.
 */
const APP_SECRET = 'app-secret-0123456789';
const VERIFY_TOKEN = 'verify-me-please';
// The smallest valid PNG (1×1).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const downloads: string[] = [];
let sent = 0;

interface PageMessaging {
  sender: { id: string };
  timestamp: number;
  message?: { mid: string; text?: string; is_echo?: boolean; attachments?: Array<{ type: string; payload: { url: string } }> };
}

function messengerAdapter(account: ChannelAccountDoc): ChannelAdapter {
  const settings = account.settings ?? {};
  return {
    kind: 'messenger',
    idempotentSends: false,
    handshake: (request) => metaHandshake(request, String(settings.verifyToken)),
    verify: (request) => verifyMetaSignature(request, String(settings.appSecret)),
    parse(request: WebhookRequest): InboundEvent[] {
      // Delivery reports in a WhatsApp-like `statuses` list: this fake's own simplification.
      let body: { object?: string; entry?: Array<{ messaging?: PageMessaging[] }>; statuses?: Array<{ id: string; status: MessageStatus; timestamp: number; error?: string }> };
      try {
        body = JSON.parse(request.rawBody.toString('utf8')) as typeof body;
      } catch {
        throw new DomainError('invalid', 'malformed_json', 'not JSON');
      }
      const statuses = (body.statuses ?? []).map((st): InboundEvent => ({
        type: 'status', report: { externalId: st.id, status: st.status, at: st.timestamp * 1000, ...(st.error ? { error: st.error } : {}) },
      }));
      return [...statuses, ...(body.entry ?? []).flatMap((e) => e.messaging ?? []).flatMap((m): InboundEvent[] => {
        if (!m.message || m.message.is_echo) return [];
        const media = (m.message.attachments ?? []).map((a) => ({ ref: a.payload.url }));
        return [{
          type: 'message',
          message: {
            externalId: m.message.mid, address: m.sender.id, authorName: `PSID ${m.sender.id}`,
            kind: media.length ? 'image' : 'text', text: m.message.text ?? '', media, payload: {}, at: m.timestamp,
          },
        }];
      })];
    },
    async send() {
      return { externalId: `mid.out.${++sent}`, status: 'sent' };
    },
    async downloadMedia(ref: string) {
      downloads.push(ref);
      return { bytes: PNG, mimeType: 'image/png', filename: 'foto.png' };
    },
  };
}

let server: TestServer;
let path: string;

beforeAll(async () => {
  server = await startTestServer();
  server.registry.register('messenger', messengerAdapter);
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: { kind: 'messenger', name: 'Página', teamId: 'team:suporte', config: { pageId: '4242', pageAccessToken: 'page-token', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN } },
  });
  expect(created.status).toBe(201);
  path = `/channels/messenger/${created.body.id.slice('channel:'.length)}/webhook`;
});
afterAll(() => server.close());

const sign = (raw: string) => `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
const post = (raw: string, signature: string | undefined) =>
  fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    body: raw,
  });
// Customers' and agents' messages: the queue notice (a system message) lands by a job, at its own time.
const countMessages = async () => (await server.store.find({ selector: { type: 'message' }, limit: 100_000 })).filter((m) => m.direction !== 'system').length;

describe('R-CH-05 Meta webhooks: handshake and signature over the raw bytes', () => {
  it('R-CH-05 the verification handshake answers the challenge only for our verify token', async () => {
    const ok = await fetch(`${server.url}${path}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`);
    expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
    const wrong = await fetch(`${server.url}${path}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=nope`);
    expect(wrong.status).toBe(403);
  });

  it('R-CH-05 R-CH-11 a body signed as sent is accepted even where re-serialised JSON would differ; a tampered one is 401 and stores nothing', async () => {
    // Escapes and spacing that JSON.stringify(JSON.parse(raw)) would not reproduce.
    const raw = '{ "object":"page", "entry":[{"id":"4242","time":1,"messaging":[{"sender":{"id":"77"},"recipient":{"id":"4242"},"timestamp":1,"message":{"mid":"m.1","text":"Ol\\u00e1,  tudo bem?"}}]}] }';
    expect(JSON.stringify(JSON.parse(raw))).not.toBe(raw);
    const before = await countMessages();
    expect((await post(raw, sign(JSON.stringify(JSON.parse(raw))))).status).toBe(401);
    expect((await post(raw.replace('77', '78'), sign(raw))).status).toBe(401);
    expect((await post(raw, undefined)).status).toBe(401);
    expect(await countMessages()).toBe(before);

    expect((await post(raw, sign(raw))).status).toBe(200);
    expect((await post(raw, sign(raw))).status).toBe(200); // Meta retries: still one message
    const stored = await server.store.find({ selector: { type: 'message', externalId: 'm.1' }, limit: 10 });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: 'Olá,  tudo bem?', direction: 'in', teamId: 'team:suporte' });
  });

  it('R-CH-05 R-WS-04 inbound media is downloaded by a job and attached with the sniffed type and a thumbnail', async () => {
    const raw = JSON.stringify({
      object: 'page',
      entry: [{ id: '4242', time: 2, messaging: [{ sender: { id: '77' }, recipient: { id: '4242' }, timestamp: 2, message: { mid: 'm.2', attachments: [{ type: 'image', payload: { url: 'https://cdn.example/foto' } }] } }] }],
    });
    expect((await post(raw, sign(raw))).status).toBe(200);
    await server.jobs.idle();
    const [message] = await server.store.find({ selector: { type: 'message', externalId: 'm.2' }, limit: 1 });
    expect(downloads).toContain('https://cdn.example/foto');
    expect(message?.attachments).toEqual([expect.objectContaining({ mimeType: 'image/png', kind: 'image', size: PNG.length, thumbnail: true })]);
    const job = await server.store.find({ selector: { type: 'job', kind: 'media-download' }, limit: 10 });
    expect(job.map((j) => j.state)).toEqual(['done']);
  });

  it('R-CH-03 delivery statuses: applied furthest-first to this account\'s message; an early one is redelivered (503), an old unknown one ignored', async () => {
    const [first] = await server.store.find({ selector: { type: 'message', externalId: 'm.1' }, limit: 1 });
    const conversationId = String(first?.conversationId);
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    const reply = await call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: 'meta-reply-1', text: 'Oi!' } });
    expect(reply.status).toBe(201);
    await server.jobs.idle();
    const sentMessage = await server.store.get(reply.body.message.id);
    expect(sentMessage).toMatchObject({ status: 'sent' });
    const externalId = String(sentMessage?.externalId);
    const statuses = (list: Array<{ id: string; status: string; timestamp: number }>) => JSON.stringify({ object: 'page', statuses: list });
    const nowS = Math.floor(Date.now() / 1000);

    const read = statuses([{ id: externalId, status: 'read', timestamp: nowS }, { id: externalId, status: 'delivered', timestamp: nowS }]);
    expect((await post(read, sign(read))).status).toBe(200);
    expect(await server.store.get(reply.body.message.id)).toMatchObject({ status: 'read' });

    const early = statuses([{ id: 'mid.not-yet-recorded', status: 'delivered', timestamp: nowS }]);
    expect((await post(early, sign(early))).status).toBe(503);
    const old = statuses([{ id: 'mid.sent-elsewhere', status: 'delivered', timestamp: nowS - 3600 }]);
    expect((await post(old, sign(old))).status).toBe(200);
  });
});
