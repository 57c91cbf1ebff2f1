import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATING_QUESTION, RATING_REQUEST_PAYLOAD, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { ratingKeyOf, ratingRequestMessageId } from '../src/ratings/keys.js';
import { getWire, updateWire } from '../src/store/wire.js';
import { call, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer, type Visitor } from './helpers.js';

/**
 * Issue 18, R-RT-06, seed 001 "avaliar os atendentes": after an agent's finish the website
 * visitor is asked to rate, answers with `POST /api/webchat/rating`, and the store keeps one
 * rating per conversation — on a real server over the embedded store.
 */
let server: TestServer;
let ana: string;
let carla: string;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [ana, carla, admin] = await Promise.all([token('ana'), token('carla'), token('admin')]);
});
afterAll(() => server.close());

const stored = (id: string) => getWire<ConversationDoc>(server.store, id);
const rate = (visitor: Visitor, body: unknown) => call<Record<string, unknown>>(server, 'POST', '/api/webchat/rating', { token: visitor.token, body });

/** A visitor writes, Ana takes it; answers the visitor and the conversation id. */
async function openConversation(text = 'Preciso de ajuda com meu pedido'): Promise<{ visitor: Visitor; conversationId: string }> {
  const visitor = await newVisitor(server);
  const { conversationId } = await visitorSays(server, visitor, text);
  const claim = await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana });
  expect(claim.status).toBe(200);
  return { visitor, conversationId };
}

async function finish(conversationId: string, body: Record<string, unknown> = {}, token = ana) {
  const reply = await call<{ conversation: ConversationDoc }>(server, 'POST', `/api/conversations/${conversationId}/finish`, { token, body });
  expect(reply.status).toBe(200);
  return reply.body.conversation;
}

/** The question, read by the one id the server gives it (queries by conversation may lag the write). */
const questionIn = (conversationId: string) => getWire<MessageDoc>(server.store, ratingRequestMessageId(conversationId));

async function setTeamRatings(ratings: { enabled: boolean; windowHours: number }) {
  const reply = await call<{ ratings: unknown }>(server, 'PATCH', '/api/admin/teams/team:suporte', { token: admin, body: { ratings } });
  expect(reply.status).toBe(200);
  expect(reply.body.ratings).toEqual(ratings);
}

describe('issue 18 R-RT-06 website chat rating ("avaliar os atendentes")', () => {
  it('R-RT-06 issue 18: finish asks the visitor (ratingRequest), the rating is kept with channel webchat and the comment', async () => {
    const { visitor, conversationId } = await openConversation();
    const socket = await FrameClient.visitor(server, visitor.token);
    const finished = await finish(conversationId);
    expect(finished.ratingRequestedAt).toEqual(expect.any(Number));

    const frame = await socket.next((f) => f.type === 'message' && (f.message as { ratingRequest?: boolean }).ratingRequest === true);
    expect(frame.message).toMatchObject({ direction: 'out', text: RATING_QUESTION, ratingRequest: true });
    socket.close();
    expect(await questionIn(conversationId)).toMatchObject({ direction: 'out', authorId: null, kind: 'text', payload: { [RATING_REQUEST_PAYLOAD]: ratingKeyOf(conversationId) } });

    const reply = await rate(visitor, { score: 4, comment: '  Muito atenciosa  ' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ conversationId, rating: { score: 4, comment: 'Muito atenciosa', channel: 'webchat' } });
    expect((await stored(conversationId))?.rating).toMatchObject({ score: 4, comment: 'Muito atenciosa', channel: 'webchat', at: expect.any(Number) });
  });

  it('R-RT-06 issue 18: a second rating is refused (409 already_rated) and the first stays', async () => {
    const { visitor, conversationId } = await openConversation();
    await finish(conversationId);
    expect((await rate(visitor, { score: 5 })).status).toBe(200);
    const again = await rate(visitor, { score: 1, comment: 'mudei de ideia' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'already_rated', message: expect.stringMatching(/rated already/) });
    expect((await stored(conversationId))?.rating).toMatchObject({ score: 5, comment: '' });
  });

  it('R-RT-06 issue 18 bad input: scores 0, 6 and 2.5 are 400 and nothing is written', async () => {
    const { visitor, conversationId } = await openConversation();
    await finish(conversationId);
    const before = await server.store.get(conversationId, { fresh: true });
    for (const score of [0, 6, 2.5, '5']) {
      const reply = await rate(visitor, { score });
      expect(reply.status, `score ${String(score)}`).toBe(400);
    }
    expect((await rate(visitor, { score: 3, extra: true })).status).toBe(400);
    const after = await server.store.get(conversationId, { fresh: true });
    expect(after?._rev).toBe(before?._rev);
    expect(after?.rating ?? null).toBeNull();
  });

  it('R-RT-06 issue 18: a conversation still open has nothing to rate (409 nothing_to_rate)', async () => {
    const { visitor, conversationId } = await openConversation();
    const reply = await rate(visitor, { score: 5 });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ error: 'nothing_to_rate' });
    expect((await stored(conversationId))?.rating ?? null).toBeNull();
    await finish(conversationId);
  });

  it('R-RT-06 issue 18: after the team\'s window the rating is refused (409 rating_window_closed)', async () => {
    const { visitor, conversationId } = await openConversation();
    await finish(conversationId);
    // The finish 25 hours ago (the demo team's window is 24 h).
    await updateWire<ConversationDoc>(server.store, conversationId, (c) => c && { ...c, finishedAt: Date.now() - 25 * 3_600_000, updatedAt: c.updatedAt + 1 });
    const reply = await rate(visitor, { score: 5 });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ error: 'rating_window_closed' });
    expect((await stored(conversationId))?.rating ?? null).toBeNull();
  });

  it('R-RT-06 issue 18: a visitor cannot rate another visitor\'s conversation', async () => {
    const { conversationId } = await openConversation();
    await finish(conversationId);
    const stranger = await newVisitor(server);
    const reply = await rate(stranger, { score: 1, comment: 'péssimo' });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ error: 'nothing_to_rate' });
    expect((await stored(conversationId))?.rating ?? null).toBeNull();
    expect((await call(server, 'POST', '/api/webchat/rating', { body: { score: 1 } })).status).toBe(401);
  });

  it('R-RT-06 issue 18: requestRating false asks nothing and the rating is refused', async () => {
    const { visitor, conversationId } = await openConversation();
    const finished = await finish(conversationId, { requestRating: false });
    expect(finished.ratingRequestedAt ?? null).toBeNull();
    expect(await questionIn(conversationId)).toBeUndefined();
    const reply = await rate(visitor, { score: 5 });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ error: 'nothing_to_rate' });
  });

  it('R-RT-06 issue 18: a repeat of the finish command asks nothing more', async () => {
    const { conversationId } = await openConversation();
    const body = { id: 'finish-repeat-0001' };
    const first = await finish(conversationId, body);
    const again = await finish(conversationId, body);
    expect(again.ratingRequestedAt).toBe(first.ratingRequestedAt);
    expect(await questionIn(conversationId)).toMatchObject({ createdAt: first.ratingRequestedAt });
  });

  it('R-RT-06 issue 18: a supervisor\'s finish asks too', async () => {
    const { visitor, conversationId } = await openConversation();
    const finished = await finish(conversationId, {}, carla);
    expect(finished.ratingRequestedAt).toEqual(expect.any(Number));
    expect(await questionIn(conversationId)).toMatchObject({ text: RATING_QUESTION, authorId: null });
    expect((await rate(visitor, { score: 2 })).status).toBe(200);
  });

  it('R-RT-06 issue 18: two concurrent answers record exactly one rating', async () => {
    const { visitor, conversationId } = await openConversation();
    await finish(conversationId);
    const replies = await Promise.all([1, 2, 3, 4, 5].map((score) => rate(visitor, { score, comment: `nota ${score}` })));
    const won = replies.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409).every((r) => (r.body as { error?: string }).error === 'already_rated')).toBe(true);
    const rating = (await stored(conversationId))?.rating;
    expect(rating).toMatchObject((won[0]?.body as { rating: object }).rating);
  });

  it('R-RT-06 issue 18: a team with ratings off asks nothing; the team setting reads back', async () => {
    await setTeamRatings({ enabled: false, windowHours: 24 });
    try {
      const { visitor, conversationId } = await openConversation();
      const finished = await finish(conversationId);
      expect(finished.ratingRequestedAt ?? null).toBeNull();
      expect(await questionIn(conversationId)).toBeUndefined();
      expect((await rate(visitor, { score: 5 })).status).toBe(409);
    } finally {
      await setTeamRatings({ enabled: true, windowHours: 24 });
    }
    const teams = await call<{ teams: Array<{ id: string; ratings: unknown }> }>(server, 'GET', '/api/admin/teams', { token: admin });
    expect(teams.body.teams.find((t) => t.id === 'team:suporte')?.ratings).toEqual({ enabled: true, windowHours: 24 });
  });

  it('R-RT-06 issue 18: the demo teams ask (24 h); a new team keeps the setting it is created with, or none', async () => {
    const read = async () => (await call<{ teams: Array<{ id: string; name: string; ratings: unknown }> }>(server, 'GET', '/api/admin/teams', { token: admin })).body.teams;
    expect((await read()).find((t) => t.id === 'team:comercial')?.ratings).toEqual({ enabled: true, windowHours: 24 });
    const made = await call<{ id: string }>(server, 'POST', '/api/admin/teams', { token: admin, body: { name: 'Pós-venda', ratings: { enabled: true, windowHours: 48 } } });
    expect(made.status).toBe(201);
    const plain = await call<{ id: string }>(server, 'POST', '/api/admin/teams', { token: admin, body: { name: 'Cobrança' } });
    expect(plain.status).toBe(201);
    const teams = await read();
    expect(teams.find((t) => t.id === made.body.id)?.ratings).toEqual({ enabled: true, windowHours: 48 });
    expect(teams.find((t) => t.id === plain.body.id)?.ratings).toEqual({ enabled: false, windowHours: 24 });
    expect((await getWire<{ ratings?: unknown }>(server.store, made.body.id))?.ratings).toEqual({ enabled: true, windowHours: 48 });
    const refused = await call(server, 'PATCH', `/api/admin/teams/${made.body.id}`, { token: admin, body: { ratings: { enabled: true, windowHours: 0 } } });
    expect(refused.status).toBe(400);
  });
});
