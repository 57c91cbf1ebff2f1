import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContactDoc, MessageDoc } from '@atende/protocol';
import { previousTextsOf } from '@atende/protocol';
import { INVALID_TOKEN, RATE_LIMITED, RATE_LIMITED_400 } from '../src/channels/meta/simulator/fakeMetaGraph.js';
import {
  asStandby, messengerAttachment, messengerDelivery, messengerEcho, messengerEdit, messengerRead, messengerText, messengerUnsupported,
} from '../src/channels/meta/simulator/events.js';
import { unsupportedText } from '../src/channels/meta/messagingInbound.js';
import {
  claimed, countMessages, newCustomerId, PAGE_ID, PNG, receive, sentOf, startMetaFixture, upload,
  withMedia, type MetaFixture,
} from './meta-messaging-fixture.js';
import { messagesWith } from './helpers.js';
import { until } from './until.js';

/**
 * The Messenger channel (issue 11) through the real server against a fake Graph Send API on
 * loopback (FakeMetaGraph) that enforces the upstream contract: bearer page token, body shapes,
 * Graph's error bodies, link attachments fetched at send time.
 */
let f: MetaFixture;
beforeAll(async () => {
  f = await startMetaFixture('messenger');
});
afterAll(async () => f.close());
beforeEach(() => f.graph.reset());

describe('R-CH-05 Messenger webhooks', () => {
  it('R-CH-11 the same webhook delivered 3 times gives 1 message', async () => {
    const event = messengerText(PAGE_ID, newCustomerId(), 'Olá, três vezes');
    for (let i = 0; i < 3; i++) expect((await f.graph.deliver(f.webhook, event.body)).status).toBe(200);
    const stored = await messagesWith(f.server, event.mid);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: 'Olá, três vezes', direction: 'in', kind: 'text', teamId: 'team:suporte' });
  });

  it('R-CH-05 entries of another page and echoes of our own sends are acknowledged and store nothing', async () => {
    const before = await countMessages(f.server);
    expect((await f.graph.deliver(f.webhook, messengerText('999000111', newCustomerId(), 'outra página').body)).status).toBe(200);
    expect((await f.graph.deliver(f.webhook, messengerEcho(PAGE_ID, newCustomerId(), 'eco do que enviamos').body)).status).toBe(200);
    expect(await countMessages(f.server)).toBe(before);
  });
});

describe('R-CH-05 Messenger inbound messages', () => {
  it('R-CH-05 text, and a type Meta does not hand over shown as such', async () => {
    expect(await receive(f, messengerText(PAGE_ID, newCustomerId(), 'Oi, tudo bem?'))).toMatchObject({ kind: 'text', text: 'Oi, tudo bem?' });
    expect(await receive(f, messengerUnsupported(PAGE_ID, newCustomerId())))
      .toMatchObject({ kind: 'text', text: unsupportedText('messenger'), payload: { unsupported: true } });
  });

  it.each([
    ['image', 'image/png', 'image'],
    ['video', 'video/mp4', 'video'],
    ['audio', 'audio/mpeg', 'audio'],
    ['file', 'application/pdf', 'document'],
  ] as const)('R-CH-05 an attachment of type %s (%s) is downloaded from its URL and shown as %s', async (type, mimeType, kind) => {
    const bytes = type === 'image' ? PNG : Buffer.from(`conteúdo ${type}`);
    const url = f.graph.addAttachment(bytes, mimeType);
    const stored = await receive(f, messengerAttachment(PAGE_ID, newCustomerId(), [{ type, url }], { text: type === 'image' ? 'veja' : '' }));
    expect(stored.kind).toBe(kind);
    const done = await withMedia(f, stored.id);
    expect(done.attachments).toHaveLength(1);
    expect(done.attachments[0]).toMatchObject({ size: bytes.length });
    if (type === 'image') expect(done.text).toBe('veja');
    // The CDN link is fetched without the page token.
    expect(f.graph.calls.filter((c) => c.path.startsWith('/cdn/')).every((c) => c.authorization === undefined)).toBe(true);
  });

  it('R-CH-05 a message_edits webhook changes the stored message, its old text kept; a redelivery changes nothing', async () => {
    const psid = newCustomerId();
    const original = await receive(f, messengerText(PAGE_ID, psid, 'Quero 2 unidades', { timestamp: Date.now() - 60_000 }));
    const edit = messengerEdit(PAGE_ID, psid, String(original.externalId), 'Quero 3 unidades', { timestamp: Date.now() });
    for (let i = 0; i < 2; i++) expect((await f.graph.deliver(f.webhook, edit)).status).toBe(200);
    const [edited] = await messagesWith(f.server, String(original.externalId));
    expect(edited?.text).toBe('Quero 3 unidades');
    expect(previousTextsOf(edited?.payload ?? {}).map((p) => p.text)).toEqual(['Quero 2 unidades']);
  });

  it('R-CH-05 a message under standby[] (another app holds the conversation) is stored like one under messaging[]', async () => {
    const event = messengerText(PAGE_ID, newCustomerId(), 'Chegou pelo standby');
    expect((await f.graph.deliver(f.webhook, asStandby(event.body))).status).toBe(200);
    expect(await messagesWith(f.server, event.mid)).toMatchObject([{ text: 'Chegou pelo standby', direction: 'in' }]);
  });

  it('R-CH-05 an expired attachment link shows as unavailable instead of waiting forever', async () => {
    const url = f.graph.addAttachment(PNG, 'image/png');
    f.graph.expireAttachment(url);
    const stored = await receive(f, messengerAttachment(PAGE_ID, newCustomerId(), [{ type: 'image', url }]));
    expect((await withMedia(f, stored.id)).payload).toMatchObject({ mediaError: 'unavailable' });
  });

  it('R-CH-05 the contact\'s name and picture come from the profile endpoint, fetched once', async () => {
    const psid = newCustomerId();
    const picture = f.graph.addAttachment(PNG, 'image/png');
    f.graph.addProfile(psid, { first_name: 'Maria', last_name: 'Souza', profile_pic: picture });
    const first = await receive(f, messengerText(PAGE_ID, psid, 'primeira'));
    await receive(f, messengerText(PAGE_ID, psid, 'segunda'));
    const contact = await until(async () => (await f.server.store.get(String(first.authorId))) as unknown as ContactDoc, (c) => !!c.pictureMediaId);
    expect(contact).toMatchObject({ name: 'Maria Souza', addresses: { messenger: psid } });
    expect(contact.pictureMediaId).toBeTruthy();
    const profileCalls = f.graph.calls.filter((c) => c.method === 'GET' && c.path.endsWith(`/${psid}`));
    expect(profileCalls).toHaveLength(1);
    expect(profileCalls[0]?.authorization).toBe(`Bearer ${'EAAB-test-page-access-token'}`);
  });
});

describe('R-CH-05 Messenger outbound', () => {
  let psid: string;
  let reply: Awaited<ReturnType<typeof claimed>>;

  beforeAll(async () => {
    psid = newCustomerId();
    const first = await receive(f, messengerText(PAGE_ID, psid, 'Preciso de ajuda'));
    reply = await claimed(f, first.conversationId);
  });

  const sendText = async (text: string) => {
    const answer = await reply(text);
    expect(answer.status).toBe(201);
    return answer.body.message.id;
  };

  it('R-CH-05 a reply inside 24 h goes as RESPONSE with the page token and keeps the upstream mid', async () => {
    const message = await sentOf(f, await sendText('Olá! Como posso ajudar?'));
    expect(f.graph.sent).toHaveLength(1);
    expect(f.graph.sent[0]).toMatchObject({ recipientId: psid, messagingType: 'RESPONSE', text: 'Olá! Como posso ajudar?' });
    expect(f.graph.sent[0]?.tag).toBeUndefined();
    expect(message).toMatchObject({ status: 'sent', externalId: f.graph.sent[0]?.mid });
    expect(f.graph.calls.find((c) => c.method === 'POST')?.authorization).toBe('Bearer EAAB-test-page-access-token');
  });

  it('R-CH-05 a file goes by a public link Meta downloads, then the text as a second message', async () => {
    const mediaId = await upload(f, PNG, 'image/png', 'foto.png');
    const answer = await reply('Segue a foto', [mediaId]);
    expect(answer.status).toBe(201);
    const message = await sentOf(f, answer.body.message.id);
    expect(message.status).toBe('sent');
    expect(f.graph.sent.map((s) => [s.attachment?.type, s.text])).toEqual([['image', undefined], [undefined, 'Segue a foto']]);
    expect(f.graph.sent[0]?.attachment?.bytes.equals(PNG)).toBe(true);
    expect(f.graph.sent[0]?.attachment?.url).toMatch(/\/channels\/media\//);
  });

  it('R-CH-05 delivery and read watermarks move every message sent up to them', async () => {
    const ids = [await sendText('Um'), await sendText('Dois')];
    for (const id of ids) expect((await sentOf(f, id)).status).toBe('sent');
    const watermark = Date.now() + 1_000;
    expect((await f.graph.deliver(f.webhook, messengerDelivery(PAGE_ID, psid, watermark, [String(f.graph.sent[1]?.mid)]))).status).toBe(200);
    for (const id of ids) expect(await f.server.store.get(id)).toMatchObject({ status: 'delivered' });
    expect((await f.graph.deliver(f.webhook, messengerRead(PAGE_ID, psid, watermark))).status).toBe(200);
    for (const id of ids) expect(await f.server.store.get(id)).toMatchObject({ status: 'read' });
    // A late delivery watermark never takes a message back from read.
    expect((await f.graph.deliver(f.webhook, messengerDelivery(PAGE_ID, psid, watermark))).status).toBe(200);
    expect(await f.server.store.get(ids[0] ?? '')).toMatchObject({ status: 'read' });
  });

  it('R-OPS-02 a rate limit (HTTP 429, code 613) is retried later and the message goes once', async () => {
    f.graph.failNext(RATE_LIMITED);
    const message = await sentOf(f, await sendText('Depois do limite'), 20_000);
    expect(message.status).toBe('sent');
    expect(f.graph.sent).toHaveLength(1);
    expect(f.graph.calls.filter((c) => c.method === 'POST').map((c) => c.status)).toEqual([429, 200]);
  }, 30_000);

  it('R-OPS-02 throttling as Meta usually answers it (HTTP 400, code 613, no Retry-After) is retried later too', async () => {
    f.graph.failNext(RATE_LIMITED_400);
    const message = await sentOf(f, await sendText('Depois do limite sem Retry-After'), 20_000);
    expect(message.status).toBe('sent');
    expect(f.graph.sent).toHaveLength(1);
    expect(f.graph.calls.filter((c) => c.method === 'POST').map((c) => c.status)).toEqual([400, 200]);
  }, 30_000);

  it('R-OPS-02 when the text after a file is throttled, the retry sends the text only (the file is not shown twice)', async () => {
    f.graph.failNext(null, RATE_LIMITED);
    const answer = await reply('Legenda depois do limite', [await upload(f, PNG, 'image/png', 'foto.png')]);
    expect(answer.status).toBe(201);
    expect((await sentOf(f, answer.body.message.id, 20_000)).status).toBe('sent');
    expect(f.graph.sent.map((s) => s.attachment?.type ?? s.text)).toEqual(['image', 'Legenda depois do limite']);
  }, 30_000);

  it('R-CH-05 a refused page token (code 190) fails the message with a sentence for the agent', async () => {
    f.graph.failNext(INVALID_TOKEN);
    const message: MessageDoc = await sentOf(f, await sendText('Com token inválido'));
    expect(message.status).toBe('failed');
    expect(message.error).toContain('credenciais');
    expect(message.error).not.toContain('EAAB');
  });
});
