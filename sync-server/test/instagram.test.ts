import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { previousTextsOf, storyOf, type ContactDoc } from '@atende/protocol';
import { MEDIA_DOWNLOAD_JOB } from '../src/channels/inbound.js';
import {
  asStandby, instagramAttachment, instagramEcho, instagramRead, instagramText, instagramUnsend, messengerText, storyMention, storyReply,
} from '../src/channels/meta/simulator/events.js';
import {
  claimed, countMessages, IG_USER_ID, newCustomerId, PAGE_ID, PNG, receive, sentOf, startMetaFixture, upload,
  withMedia, type MetaFixture,
} from './meta-messaging-fixture.js';
import { messagesWith } from './helpers.js';
import { until } from './until.js';

/**
 * The Instagram channel (issue 11) through the real server against the fake Graph Send API on
 * loopback: the same adapter as Messenger with Instagram's table (`object: "instagram"`, entries
 * of the Instagram account, stories, `read {mid}`, 1,000-character texts, no generic files).
 */
let f: MetaFixture;
beforeAll(async () => {
  f = await startMetaFixture('instagram');
});
afterAll(async () => f.close());
beforeEach(() => f.graph.reset());

describe('R-CH-05 Instagram webhooks', () => {
  it('R-CH-11 the same webhook delivered 3 times gives 1 message', async () => {
    const event = instagramText(IG_USER_ID, newCustomerId(), 'três vezes no Instagram');
    for (let i = 0; i < 3; i++) expect((await f.graph.deliver(f.webhook, event.body)).status).toBe(200);
    expect(await messagesWith(f.server, event.mid)).toHaveLength(1);
  });

  it('R-CH-05 echoes, entries of another account and Messenger-shaped bodies store nothing', async () => {
    const before = await countMessages(f.server);
    expect((await f.graph.deliver(f.webhook, instagramEcho(IG_USER_ID, newCustomerId(), 'eco').body)).status).toBe(200);
    expect((await f.graph.deliver(f.webhook, instagramText('17840000000000000', newCustomerId(), 'outra conta').body)).status).toBe(200);
    // The page id is not the Instagram account's entry id.
    expect((await f.graph.deliver(f.webhook, instagramText(PAGE_ID, newCustomerId(), 'id da página').body)).status).toBe(200);
    expect((await f.graph.deliver(f.webhook, messengerText(IG_USER_ID, newCustomerId(), 'objeto page').body)).status).toBe(400);
    expect(await countMessages(f.server)).toBe(before);
  });
});

describe('R-CH-05 Instagram inbound messages and stories', () => {
  it('R-CH-05 text and an image downloaded from its CDN link', async () => {
    expect(await receive(f, instagramText(IG_USER_ID, newCustomerId(), 'Oi!'))).toMatchObject({ kind: 'text', text: 'Oi!' });
    const url = f.graph.addAttachment(PNG, 'image/png');
    const image = await receive(f, instagramAttachment(IG_USER_ID, newCustomerId(), [{ type: 'image', url }]));
    expect(image.kind).toBe('image');
    expect((await withMedia(f, image.id)).attachments).toHaveLength(1);
  });

  it('R-CH-05 a story mention keeps only the story\'s link: Meta forbids storing its media, so nothing is downloaded', async () => {
    const url = f.graph.addAttachment(PNG, 'image/jpeg');
    const stored = await receive(f, storyMention(IG_USER_ID, newCustomerId(), url));
    expect(stored).toMatchObject({ kind: 'text', attachments: [] });
    expect(storyOf(stored.payload)).toEqual({ kind: 'mention', url });
    const jobs = await f.server.store.find({ selector: { type: 'job', kind: MEDIA_DOWNLOAD_JOB }, limit: 10_000 });
    expect(jobs.filter((j) => (j.payload as { messageId?: string } | undefined)?.messageId === stored.id)).toEqual([]);
  });

  it('R-CH-05 an unsend (is_deleted) empties the message it names, its text kept in the history; it never creates a message', async () => {
    const igsid = newCustomerId();
    const original = await receive(f, instagramText(IG_USER_ID, igsid, 'Mensagem que vou apagar', { timestamp: Date.now() - 60_000 }));
    for (let i = 0; i < 2; i++) expect((await f.graph.deliver(f.webhook, instagramUnsend(IG_USER_ID, igsid, String(original.externalId)))).status).toBe(200);
    const [unsent] = await messagesWith(f.server, String(original.externalId));
    expect(unsent).toMatchObject({ id: original.id, text: '', payload: { deleted: true } });
    expect(previousTextsOf(unsent?.payload ?? {}).map((p) => p.text)).toEqual(['Mensagem que vou apagar']);

    const before = await countMessages(f.server);
    const unknown = 'm_ig.never-stored';
    expect((await f.graph.deliver(f.webhook, instagramUnsend(IG_USER_ID, igsid, unknown))).status).toBe(200);
    expect(await messagesWith(f.server, unknown)).toEqual([]);
    expect(await countMessages(f.server)).toBe(before);
  });

  it('R-CH-05 a message under standby[] (another app holds the conversation) is stored', async () => {
    const event = instagramText(IG_USER_ID, newCustomerId(), 'Pelo standby');
    expect((await f.graph.deliver(f.webhook, asStandby(event.body))).status).toBe(200);
    expect(await messagesWith(f.server, event.mid)).toMatchObject([{ text: 'Pelo standby' }]);
  });

  it('R-CH-05 a reply to our story is shown as a story reply with the customer\'s text', async () => {
    const story = { url: f.graph.addAttachment(PNG, 'image/jpeg'), id: '18012345678901234' };
    const stored = await receive(f, storyReply(IG_USER_ID, newCustomerId(), 'Quanto custa?', story));
    expect(stored).toMatchObject({ kind: 'text', text: 'Quanto custa?' });
    expect(storyOf(stored.payload)).toEqual({ kind: 'reply', url: story.url });
  });

  it('R-CH-05 the contact\'s name and picture come from the Instagram profile, fetched once', async () => {
    const igsid = newCustomerId();
    f.graph.addProfile(igsid, { name: 'Bia Costa', username: 'bia.costa', profile_pic: f.graph.addAttachment(PNG, 'image/png') });
    const first = await receive(f, instagramText(IG_USER_ID, igsid, 'um'));
    await receive(f, instagramText(IG_USER_ID, igsid, 'dois'));
    const contact = await until(async () => (await f.server.store.get(String(first.authorId))) as unknown as ContactDoc, (c) => !!c.pictureMediaId);
    expect(contact).toMatchObject({ name: 'Bia Costa', addresses: { instagram: igsid } });
    expect(f.graph.calls.filter((c) => c.method === 'GET' && c.path.endsWith(`/${igsid}`))).toHaveLength(1);
  });
});

describe('R-CH-05 Instagram outbound', () => {
  let igsid: string;
  let reply: Awaited<ReturnType<typeof claimed>>;

  beforeAll(async () => {
    igsid = newCustomerId();
    reply = await claimed(f, (await receive(f, instagramText(IG_USER_ID, igsid, 'Olá'))).conversationId);
  });

  it('R-CH-05 a reply goes through the page as RESPONSE; the customer seeing it marks it read', async () => {
    const answer = await reply('Oi! Em que posso ajudar?');
    expect(answer.status).toBe(201);
    const message = await sentOf(f, answer.body.message.id);
    expect(message).toMatchObject({ status: 'sent', externalId: f.graph.sent[0]?.mid });
    expect(f.graph.sent[0]).toMatchObject({ recipientId: igsid, platform: 'instagram', messagingType: 'RESPONSE', text: 'Oi! Em que posso ajudar?' });
    expect((await f.graph.deliver(f.webhook, instagramRead(IG_USER_ID, igsid, String(message.externalId), Date.now() + 1_000))).status).toBe(200);
    expect(await f.server.store.get(answer.body.message.id)).toMatchObject({ status: 'read' });
  });

  it('R-CH-05 an image goes by a public link; a PDF is refused before queueing (Instagram takes no documents)', async () => {
    const image = await reply('', [await upload(f, PNG, 'image/png', 'foto.png')]);
    expect(image.status).toBe(201);
    expect((await sentOf(f, image.body.message.id)).status).toBe('sent');
    expect(f.graph.sent[0]?.attachment).toMatchObject({ type: 'image', mimeType: 'image/png' });
    const pdf = await reply('', [await upload(f, Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf', 'boleto.pdf')]);
    // The core refuses by the channel's media limits (media.ts) before anything is queued.
    expect(pdf.status).toBe(415);
    expect(pdf.body).toMatchObject({ error: 'unsupported_type', channel: 'instagram' });
    expect(f.graph.sent).toHaveLength(1);
  });

  it('R-CH-05 a text over 1,000 characters is refused before queueing, with the limit named', async () => {
    const answer = await reply('a'.repeat(1_001));
    expect([400, 422]).toContain(answer.status);
    expect(JSON.stringify(answer.body)).toContain('1.000');
    expect(f.graph.sent).toHaveLength(0);
  });
});
