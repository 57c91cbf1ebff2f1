import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATING_LABELS, RATING_QUESTION, RATING_THANKS } from '@atende/protocol';
import { messengerText, quickReplyTap } from '../src/channels/meta/simulator/events.js';
import type { MetaSent } from '../src/channels/meta/simulator/fakeMetaGraph.js';
import { messagesWith } from './helpers.js';
import { newCustomerId, PAGE_ID, receive, startMetaFixture, type MetaFixture } from './meta-messaging-fixture.js';
import { claimAndFinish, conversationOf, conversationsOfContact, finishedHoursAgo, ratedOf, teamAsks } from './rating-channel-flow.js';
import { until } from './until.js';

/**
 * R-RT-06 / issue 18 on Messenger through the real server and the fake Send API: finishing a
 * conversation sends the question with quick replies, a tap rates that conversation once, and a
 * late tap is an ordinary message that starts a new conversation.
 */
let f: MetaFixture;

beforeAll(async () => {
  f = await startMetaFixture('messenger');
  await teamAsks(f.server);
});
afterAll(async () => {
  await f.close();
});

async function questionTo(psid: string): Promise<MetaSent> {
  const sent = await until(() => f.graph.sent.filter((s) => s.recipientId === psid && s.quickReplies), (s) => s.length > 0);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

/** The customer taps the quick reply for `score`; answers the webhook's mid. */
async function taps(psid: string, question: MetaSent, score: number, mid?: string): Promise<string> {
  const reply = question.quickReplies?.find((q) => q.title === RATING_LABELS[score]);
  if (!reply) throw new Error(`no quick reply for ${score}`);
  const event = quickReplyTap('page', PAGE_ID, psid, reply, mid ? { mid } : {});
  expect((await f.graph.deliver(f.webhook, event.body)).status).toBe(200);
  return event.mid;
}

describe('R-RT-06 issue 18 Messenger rating, whole flow (server ↔ fake Send API)', () => {
  it('R-RT-06 finish → quick replies reach the customer → the tap rates the conversation {score, channel}; the same tap redelivered stays one rating; thanked', async () => {
    const psid = newCustomerId();
    const first = await receive(f, messengerText(PAGE_ID, psid, 'Preciso de ajuda com a troca'));
    await claimAndFinish(f.server, f.ana, first.conversationId);
    const question = await questionTo(psid);
    expect(question.text).toBe(RATING_QUESTION);
    expect(question.quickReplies?.map((q) => q.title)).toEqual([1, 2, 3, 4, 5].map((n) => RATING_LABELS[n]));

    const mid = await taps(psid, question, 3);
    const rated = await ratedOf(f.server, first.conversationId);
    expect(rated.rating).toMatchObject({ score: 3, channel: 'messenger', comment: '' });
    await taps(psid, question, 3, mid);
    expect((await conversationOf(f.server, first.conversationId)).rating).toEqual(rated.rating);
    expect(await messagesWith(f.server, mid)).toHaveLength(0);
    expect(await conversationsOfContact(f.server, rated.contactId)).toHaveLength(1);
    const thanks = await until(() => f.graph.sent.filter((s) => s.recipientId === psid && !s.quickReplies), (s) => s.length > 0);
    expect(thanks.map((s) => s.text)).toEqual([RATING_THANKS]);
  });

  it('R-RT-06 a tap after the window is an ordinary message (the title) in a new conversation', async () => {
    const psid = newCustomerId();
    const first = await receive(f, messengerText(PAGE_ID, psid, 'Horário da loja?'));
    await claimAndFinish(f.server, f.ana, first.conversationId);
    const question = await questionTo(psid);
    await finishedHoursAgo(f.server, first.conversationId, 25);
    const mid = await taps(psid, question, 2);
    const [stored] = await until(() => messagesWith(f.server, mid), (m) => m.length > 0);
    expect(stored).toMatchObject({ direction: 'in', text: RATING_LABELS[2] });
    expect(stored?.conversationId).not.toBe(first.conversationId);
    expect((await conversationOf(f.server, first.conversationId)).rating ?? null).toBeNull();
  });
});
