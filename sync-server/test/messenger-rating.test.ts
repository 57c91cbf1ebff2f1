import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatRatingAnswer, RATING_LABELS, RATING_QUESTION, type ContactDoc, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import type { InboundEvent, OutboundRequest } from '../src/channels/adapter.js';
import { MetaMessagingAdapter } from '../src/channels/meta/messaging.js';
import { parseMetaMessaging } from '../src/channels/meta/messagingInbound.js';
import { messengerText, quickReplyTap } from '../src/channels/meta/simulator/events.js';
import { FakeMetaGraph } from '../src/channels/meta/simulator/fakeMetaGraph.js';
import { APP_SECRET, IG_USER_ID, PAGE_ID, PAGE_TOKEN } from './meta-messaging-fixture.js';

/**
 * R-RT-06 / issue 18 on Messenger and Instagram, adapter against the fake Send API: the rating
 * question goes with quick replies (the fake holds them to Meta's limits), and a tap comes back as
 * `message.quick_reply.payload`, parsed into `ratingAnswer`.
 */
const KEY = 'MetaKey-01234567';
const PSID = '27000000000001';
const IGSID = '17000000000002';

let graph: FakeMetaGraph;
const adapters = {} as Record<'messenger' | 'instagram', MetaMessagingAdapter>;

beforeAll(async () => {
  graph = await new FakeMetaGraph({ appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN, pageId: PAGE_ID, igUserId: IG_USER_ID }).start();
  for (const kind of ['messenger', 'instagram'] as const) {
    const settings = { pageId: PAGE_ID, igUserId: IG_USER_ID, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, apiBaseUrl: graph.baseUrl, humanAgentTag: 'off' };
    adapters[kind] = new MetaMessagingAdapter({ _id: `channel:${kind}-rating`, kind, settings } as unknown as ChannelAccountDoc);
  }
  graph.addProfile(PSID, { first_name: 'Rui' }, 'messenger');
  graph.addProfile(IGSID, { name: 'Lia', username: 'lia' }, 'instagram');
});
afterAll(async () => {
  await graph.stop();
});
beforeEach(() => {
  graph.sent.length = 0;
});

function request(kind: 'messenger' | 'instagram', text: string, payload: MessageDoc['payload']): OutboundRequest {
  return {
    conversation: { id: 'conversation:m1', channelMeta: {}, lastInboundAt: Date.now() - 60_000 } as unknown as ConversationDoc,
    contact: { id: 'contact:m1', addresses: { [kind]: kind === 'messenger' ? PSID : IGSID } } as unknown as ContactDoc,
    message: { id: `message:m1-${Math.random()}`, kind: 'text', text, attachments: [], payload } as unknown as MessageDoc,
    idempotencyKey: 'k', readMedia: () => Promise.reject(new Error('no media')), publicMediaUrl: () => null,
  };
}
const rawSend = (message: unknown) => fetch(`${graph.baseUrl}/${PAGE_ID}/messages`, {
  method: 'POST', headers: { authorization: `Bearer ${PAGE_TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message }),
});
const replies = (n: number, title = (i: number) => `R${i}`, payload = (i: number): unknown => `p${i}`) =>
  Array.from({ length: n }, (_, i) => ({ content_type: 'text', title: title(i), payload: payload(i) }));
const messageOf = (events: InboundEvent[]) => (events[0]?.type === 'message' ? events[0].message : undefined);

describe('R-RT-06 issue 18 Messenger/Instagram rating question (adapter ↔ fake Send API)', () => {
  for (const kind of ['messenger', 'instagram'] as const) {
    it(`R-RT-06 ${kind}: a message asking for the rating carries 5 text quick replies (title = label, payload rate:<n>:<key>)`, async () => {
      await adapters[kind].send(request(kind, RATING_QUESTION, { ratingRequest: KEY }));
      expect(graph.sent).toHaveLength(1);
      expect(graph.sent[0]).toMatchObject({ platform: kind, text: RATING_QUESTION, messagingType: 'RESPONSE' });
      expect(graph.sent[0]?.quickReplies).toEqual([1, 2, 3, 4, 5].map((n) => ({ title: RATING_LABELS[n], payload: formatRatingAnswer(KEY, n) })));
      const body = graph.calls.at(-1)?.body as { message: { quick_replies: unknown[] } };
      expect(body.message.quick_replies[0]).toEqual({ content_type: 'text', title: RATING_LABELS[1], payload: formatRatingAnswer(KEY, 1) });
    });
  }

  it('R-RT-06 a plain message carries no quick replies', async () => {
    await adapters.messenger.send(request('messenger', 'Olá', {}));
    expect(graph.sent[0]?.quickReplies).toBeUndefined();
    expect((graph.calls.at(-1)?.body as { message: object }).message).toEqual({ text: 'Olá' });
  });

  it('issue 18 the fake refuses quick replies Meta refuses: 14 of them, a title over 20, a payload over 1,000 or missing, an unknown content_type', async () => {
    const refused = [
      replies(14),
      replies(1, () => 'x'.repeat(21)),
      replies(1, undefined, () => 'p'.repeat(1001)),
      replies(1, undefined, () => undefined),
      [{ content_type: 'button', title: 'A', payload: 'a' }],
      [],
    ];
    for (const quick_replies of refused) {
      const res = await rawSend({ text: 'Escolha', quick_replies });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
    }
    expect((await rawSend({ text: 'Escolha', quick_replies: replies(13, (i) => `${i}`.padEnd(20, 'x'), (i) => `${i}`.padEnd(1000, 'y')) })).status).toBe(200);
    expect(graph.sent).toHaveLength(1);
  });
});

describe('R-RT-06 issue 18 Messenger/Instagram rating answers (quick_reply → InboundMessage)', () => {
  it('R-RT-06 a tap with a rating payload parses into ratingAnswer, the text is the title, on both platforms', () => {
    const tap = quickReplyTap('page', PAGE_ID, PSID, { title: RATING_LABELS[3]!, payload: formatRatingAnswer(KEY, 3) });
    expect(messageOf(parseMetaMessaging(Buffer.from(JSON.stringify(tap.body)), 'messenger', PAGE_ID)))
      .toMatchObject({ externalId: tap.mid, address: PSID, kind: 'text', text: '3 - Regular', ratingAnswer: { key: KEY, score: 3 } });
    const ig = quickReplyTap('instagram', IG_USER_ID, IGSID, { title: RATING_LABELS[5]!, payload: formatRatingAnswer(KEY, 5) });
    expect(messageOf(parseMetaMessaging(Buffer.from(JSON.stringify(ig.body)), 'instagram', IG_USER_ID))?.ratingAnswer).toEqual({ key: KEY, score: 5 });
  });

  it('issue 18 another quick reply and plain text carry no ratingAnswer', () => {
    const other = quickReplyTap('page', PAGE_ID, PSID, { title: 'Vendas', payload: 'MENU_VENDAS' });
    const text = messengerText(PAGE_ID, PSID, formatRatingAnswer(KEY, 5));
    for (const event of [other, text]) {
      const message = messageOf(parseMetaMessaging(Buffer.from(JSON.stringify(event.body)), 'messenger', PAGE_ID));
      expect(message?.kind).toBe('text');
      expect(message && 'ratingAnswer' in message).toBe(false);
    }
  });
});
