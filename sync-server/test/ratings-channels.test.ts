import { describe, expect, it } from 'vitest';
import {
  RATING_LABELS, RATING_QUESTION, RATING_REQUEST_PAYLOAD, RATING_THANKS, SENT_AT,
  type ConversationDoc, type MessageDoc, type UserDoc,
} from '@atende/protocol';
import { ratingKeyOf, ratingRequestMessageId, ratingThanksMessageId } from '../src/ratings/keys.js';
import { RatingRequests } from '../src/ratings/requests.js';
import { getWire, updateWire } from '../src/store/wire.js';
import { accounts, conversationWith, deliver, eva, HOUR, inbound, newAddress, server, storedMessage, upstream, useCoreRig } from './channelCoreRig.js';
import { call } from './helpers.js';
import { until } from './until.js';

/**
 * Issue 18, R-RT-06, seed 001 "avaliar os atendentes", on a channel with buttons: the answer an
 * adapter parses (`InboundMessage.ratingAnswer`) reaches the ratings first. Through the scripted
 * Messenger adapter of the channel-core rig (its webhook body is the parsed events), so these
 * tests prove what the core decides; the adapters' own parsing is H2's (whatsapp/telegram/meta).
 */
useCoreRig();

const stored = (id: string) => getWire<ConversationDoc>(server.store, id);

async function finish(conversationId: string, body: Record<string, unknown> = {}) {
  const reply = await call<{ conversation: ConversationDoc }>(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: eva, body });
  expect(reply.status).toBe(200);
  return reply.body.conversation;
}

/** A customer on Messenger writes, Eva takes and finishes: answers the address and the conversation. */
async function finishedConversation(): Promise<{ address: string; conversationId: string }> {
  const address = newAddress();
  const conversationId = await conversationWith('messenger', address);
  await finish(conversationId);
  return { address, conversationId };
}

/** The customer presses a rating button (as the adapter parsed it). */
function answer(address: string, key: string, score: number, externalId = `ans.${address}.${key}.${score}`) {
  return deliver('messenger', [inbound(address, externalId, RATING_LABELS[score] ?? '', { ratingAnswer: { key, score } })]);
}

/** The conversations of the contact of `conversationId`, on the Messenger account. */
async function conversationsOfContactOf(conversationId: string): Promise<string[]> {
  const contactId = (await stored(conversationId))?.contactId;
  const found = await server.store.find({ selector: { type: 'conversation', contactId }, limit: 100, fields: ['_id', 'channelAccountId'] });
  return found.filter((d) => d.channelAccountId === accounts.messenger).map((d) => d._id);
}

describe('issue 18 R-RT-06 rating answers from a channel ("avaliar os atendentes")', () => {
  it('R-RT-06 issue 18: the finish sends the question with the rating key to the channel', async () => {
    const { conversationId } = await finishedConversation();
    const question = await getWire<MessageDoc>(server.store, ratingRequestMessageId(conversationId));
    expect(question).toMatchObject({ direction: 'out', authorId: null, text: RATING_QUESTION, payload: { [RATING_REQUEST_PAYLOAD]: ratingKeyOf(conversationId) } });
    const sent = await until(() => upstream.callsFor(ratingRequestMessageId(conversationId)), (c) => c.length === 1);
    expect(sent).toHaveLength(1);
    expect((await stored(conversationId))?.ratingRequestedAt).toEqual(question?.createdAt);
  });

  it('R-RT-06 issue 18: the answer for the right contact is recorded, stores no message, opens no conversation, and is thanked once', async () => {
    const { address, conversationId } = await finishedConversation();
    const key = ratingKeyOf(conversationId);
    expect((await answer(address, key, 5)).status).toBe(200);
    expect((await stored(conversationId))?.rating).toMatchObject({ score: 5, comment: '', channel: 'messenger', at: expect.any(Number) });
    expect(await storedMessage('messenger', `ans.${address}.${key}.5`)).toBeUndefined();
    expect(await conversationsOfContactOf(conversationId)).toEqual([conversationId]);
    const thanks = await until(() => upstream.callsFor(ratingThanksMessageId(conversationId)), (c) => c.length === 1);
    expect(thanks.map((c) => c.text)).toEqual([RATING_THANKS]);

    // The upstream delivers the same answer again: nothing more happens.
    expect((await answer(address, key, 5)).status).toBe(200);
    expect(await storedMessage('messenger', `ans.${address}.${key}.5`)).toBeUndefined();
    expect(await conversationsOfContactOf(conversationId)).toEqual([conversationId]);
    expect((await stored(conversationId))?.rating?.score).toBe(5);
  });

  it('R-RT-06 issue 18: the same answer delivered twice at once records one rating and stores no message', async () => {
    const { address, conversationId } = await finishedConversation();
    const key = ratingKeyOf(conversationId);
    const replies = await Promise.all([answer(address, key, 3), answer(address, key, 3)]);
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    expect((await stored(conversationId))?.rating?.score).toBe(3);
    expect(await storedMessage('messenger', `ans.${address}.${key}.3`)).toBeUndefined();
  });

  it('R-RT-06 issue 18: a second, different answer does not change the rating and goes on as an ordinary message', async () => {
    const { address, conversationId } = await finishedConversation();
    const key = ratingKeyOf(conversationId);
    expect((await answer(address, key, 4)).status).toBe(200);
    expect((await answer(address, key, 1)).status).toBe(200);
    expect((await stored(conversationId))?.rating?.score).toBe(4);
    const ordinary = await storedMessage('messenger', `ans.${address}.${key}.1`);
    expect(ordinary).toMatchObject({ direction: 'in', text: RATING_LABELS[1] });
    expect(ordinary?.conversationId).not.toBe(conversationId);
  });

  it('R-RT-06 issue 18: another contact\'s answer with that key is an ordinary message and starts their own conversation', async () => {
    const { conversationId } = await finishedConversation();
    const stranger = newAddress();
    const externalId = `ans.stranger.${stranger}`;
    expect((await answer(stranger, ratingKeyOf(conversationId), 1, externalId)).status).toBe(200);
    expect((await stored(conversationId))?.rating ?? null).toBeNull();
    const message = await storedMessage('messenger', externalId);
    expect(message).toMatchObject({ direction: 'in', text: RATING_LABELS[1] });
    expect(await stored(String(message?.conversationId))).toMatchObject({ status: 'waiting' });
  });

  it('R-RT-06 issue 18: an answer after the window starts a new conversation normally', async () => {
    const { address, conversationId } = await finishedConversation();
    await updateWire<ConversationDoc>(server.store, conversationId, (c) => c && { ...c, finishedAt: Date.now() - 25 * HOUR, updatedAt: c.updatedAt + 1 });
    const externalId = `ans.late.${address}`;
    expect((await answer(address, ratingKeyOf(conversationId), 5, externalId)).status).toBe(200);
    expect((await stored(conversationId))?.rating ?? null).toBeNull();
    const message = await storedMessage('messenger', externalId);
    expect(message?.conversationId).not.toBe(conversationId);
    expect(await stored(String(message?.conversationId))).toMatchObject({ status: 'waiting', contactId: (await stored(conversationId))?.contactId });
  });

  it('R-RT-06 issue 18: an unknown key, or a conversation never asked, is an ordinary message', async () => {
    const { address, conversationId } = await finishedConversation();
    expect((await answer(address, 'AAAAAAAAAAAAAAAA', 5, `ans.unknown.${address}`)).status).toBe(200);
    expect(await storedMessage('messenger', `ans.unknown.${address}`)).toMatchObject({ direction: 'in' });
    expect((await stored(conversationId))?.rating ?? null).toBeNull();

    const other = newAddress();
    const unasked = await conversationWith('messenger', other);
    await finish(unasked, { requestRating: false });
    expect((await answer(other, ratingKeyOf(unasked), 5, `ans.unasked.${other}`)).status).toBe(200);
    expect((await stored(unasked))?.rating ?? null).toBeNull();
    expect(await storedMessage('messenger', `ans.unasked.${other}`)).toMatchObject({ direction: 'in' });
  });

  it('R-RT-06 issue 18: past Messenger\'s 24-hour window the finish asks nothing', async () => {
    const conversationId = await conversationWith('messenger', newAddress(), { payload: { [SENT_AT]: Date.now() - 25 * HOUR } });
    const finished = await finish(conversationId);
    expect(finished.ratingRequestedAt ?? null).toBeNull();
    expect(await getWire(server.store, ratingRequestMessageId(conversationId))).toBeUndefined();
  });

  it('R-RT-06 issue 18: never asked for Reclame Aqui nor for a finish by no one (the session timeout)', async () => {
    const requests = new RatingRequests(server.store);
    const eva_ = await getWire<UserDoc>(server.store, 'user:eva');
    if (!eva_) throw new Error('no eva');
    const base = (await stored(await conversationWith('messenger', newAddress())))!;
    const finishedBase: ConversationDoc = { ...base, status: 'finished', finishedAt: Date.now(), finishedBy: eva_.id };
    const complaint = { ...finishedBase, id: 'conversation:ra-rating-probe', channel: 'reclameaqui' as const };
    expect(await requests.afterFinish(eva_, complaint, undefined)).toBe(complaint);
    expect(await getWire(server.store, ratingRequestMessageId(complaint.id))).toBeUndefined();
    const timedOut = { ...finishedBase, finishedBy: null };
    expect(await requests.afterFinish(eva_, timedOut, undefined)).toBe(timedOut);
    expect(await getWire(server.store, ratingRequestMessageId(base.id))).toBeUndefined();
  });
});
