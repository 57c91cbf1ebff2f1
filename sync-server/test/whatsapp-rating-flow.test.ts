import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATING_LABELS, RATING_QUESTION, RATING_THANKS, type MessageDoc } from '@atende/protocol';
import { FakeGraph, waInbound, waInteractiveReply, type SentMessage } from '../src/channels/whatsapp/simulator/graph.js';
import { call, login, messagesWith, startTestServer, type TestServer } from './helpers.js';
import { claimAndFinish, conversationOf, conversationsOfContact, finishedHoursAgo, ratedOf, teamAsks } from './rating-channel-flow.js';
import { until } from './until.js';

/**
 * R-RT-06 / issue 18 on WhatsApp through the real server and the fake Graph server: finishing a
 * conversation sends the interactive rating list, the customer's pick rates that conversation
 * once, and a late or free-text answer is an ordinary message that starts a new conversation.
 */
const PHONE_NUMBER_ID = '106540352240018';
const ACCESS_TOKEN = 'EAAG-rating-flow-token';
const APP_SECRET = 'wa-rating-flow-secret';

let server: TestServer;
let graph: FakeGraph;
let webhook: string;
let ana: string;
let phones = 20_000_000;
const newPhone = () => `55119${++phones}`;

beforeAll(async () => {
  graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }).start();
  server = await startTestServer();
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: {
      kind: 'whatsapp', name: 'WhatsApp Loja', teamId: 'team:suporte',
      config: { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '5511912340018', wabaId: '102290129340398', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: 'v', baseUrl: graph.baseUrl },
    },
  });
  expect(created.status).toBe(201);
  webhook = `${server.url}/channels/whatsapp/${created.body.id.slice('channel:'.length)}/webhook`;
  await teamAsks(server);
  ana = (await login(server, 'ana@demo.local')).accessToken;
});
afterAll(async () => {
  await server.close();
  await graph.stop();
});

/** A customer writes; answers their stored message. */
async function customerWrites(phone: string, text: string): Promise<MessageDoc> {
  const inbound = waInbound(PHONE_NUMBER_ID, phone, 'text', { text: { body: text } });
  expect((await graph.deliver(webhook, inbound.body)).status).toBe(200);
  const [stored] = await until(() => messagesWith(server, inbound.id), (m) => m.length > 0);
  if (!stored) throw new Error('not stored');
  return stored;
}

/** The rating list the fake received for this phone (after a finish). */
async function questionTo(phone: string): Promise<SentMessage> {
  const sent = await until(() => graph.sent.filter((s) => s.to === phone && s.type === 'interactive'), (s) => s.length > 0);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

const rowsOf = (question: SentMessage) =>
  ((question.body.interactive as { action: { sections: Array<{ rows: Array<{ id: string; title: string }> }> } }).action.sections[0]?.rows ?? []);

/** The customer picks the row for `score`; answers the webhook's message id. */
async function picks(phone: string, question: SentMessage, score: number, id?: string): Promise<string> {
  const row = rowsOf(question).find((r) => r.title === RATING_LABELS[score]);
  if (!row) throw new Error(`no row for ${score}`);
  const reply = waInteractiveReply(PHONE_NUMBER_ID, phone, question.id, row, id ? { id } : {});
  expect((await graph.deliver(webhook, reply.body)).status).toBe(200);
  return reply.id;
}

describe('R-RT-06 issue 18 WhatsApp rating, whole flow (server ↔ fake Graph)', () => {
  it('R-RT-06 finish → the interactive list reaches the phone → the pick rates the conversation {score, channel}; thanked; no message, no new conversation', async () => {
    const phone = newPhone();
    const first = await customerWrites(phone, 'Meu pedido chegou quebrado');
    await claimAndFinish(server, ana, first.conversationId);
    const question = await questionTo(phone);
    expect((question.body.interactive as { body: { text: string } }).body.text).toBe(RATING_QUESTION);
    expect(typeof (await conversationOf(server, first.conversationId)).ratingRequestedAt).toBe('number');
    expect(rowsOf(question).map((r) => r.id.replace(/:[^:]+$/, ''))).toEqual(['rate:1', 'rate:2', 'rate:3', 'rate:4', 'rate:5']);

    const answerId = await picks(phone, question, 5);
    const rated = await ratedOf(server, first.conversationId);
    expect(rated.rating).toMatchObject({ score: 5, channel: 'whatsapp', comment: '' });
    expect(await messagesWith(server, answerId)).toHaveLength(0);
    expect(await conversationsOfContact(server, rated.contactId)).toHaveLength(1);
    const thanks = await until(() => graph.sent.filter((s) => s.to === phone && s.type === 'text'), (s) => s.length > 0);
    expect(thanks.map((s) => (s.body.text as { body: string }).body)).toEqual([RATING_THANKS]);
  });

  it('R-RT-06 the same answer delivered twice (Meta retries) and a second pick give one rating, the first', async () => {
    const phone = newPhone();
    const first = await customerWrites(phone, 'Quero trocar o produto');
    await claimAndFinish(server, ana, first.conversationId);
    const question = await questionTo(phone);
    const answerId = await picks(phone, question, 2);
    const rated = await ratedOf(server, first.conversationId);
    expect(rated.rating?.score).toBe(2);
    // The very same delivery again: still the one rating, no message.
    await picks(phone, question, 2, answerId);
    expect((await conversationOf(server, first.conversationId)).rating).toEqual(rated.rating);
    expect(await messagesWith(server, answerId)).toHaveLength(0);
    // Another pick after rating is not a second rating: it goes on as a message of the customer.
    const again = await picks(phone, question, 5);
    const [stored] = await until(() => messagesWith(server, again), (m) => m.length > 0);
    expect(stored?.text).toBe(RATING_LABELS[5]);
    expect((await conversationOf(server, first.conversationId)).rating).toEqual(rated.rating);
  });

  it('R-RT-06 an answer after the window is an ordinary message in a new conversation; the finished one stays unrated', async () => {
    const phone = newPhone();
    const first = await customerWrites(phone, 'Dúvida sobre a fatura');
    await claimAndFinish(server, ana, first.conversationId);
    const question = await questionTo(phone);
    await finishedHoursAgo(server, first.conversationId, 25);
    const late = await picks(phone, question, 4);
    const [stored] = await until(() => messagesWith(server, late), (m) => m.length > 0);
    expect(stored).toMatchObject({ direction: 'in', text: RATING_LABELS[4] });
    expect(stored?.conversationId).not.toBe(first.conversationId);
    expect((await conversationOf(server, first.conversationId)).rating ?? null).toBeNull();
  });

  it('R-RT-06 free text after the question (even "5") is an ordinary message that starts a new conversation', async () => {
    const phone = newPhone();
    const first = await customerWrites(phone, 'Obrigado');
    await claimAndFinish(server, ana, first.conversationId);
    await questionTo(phone);
    const text = await customerWrites(phone, '5');
    expect(text.conversationId).not.toBe(first.conversationId);
    expect((await conversationOf(server, first.conversationId)).rating ?? null).toBeNull();
  });

  it('R-RT-06 finish with requestRating: false asks nothing', async () => {
    const phone = newPhone();
    const first = await customerWrites(phone, 'Só isso');
    await claimAndFinish(server, ana, first.conversationId, { requestRating: false });
    // The finish answered; a question would have been queued in the same write.
    expect((await conversationOf(server, first.conversationId)).ratingRequestedAt ?? null).toBeNull();
    expect(graph.sent.filter((s) => s.to === phone && s.type === 'interactive')).toHaveLength(0);
  });
});
