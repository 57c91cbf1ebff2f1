import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationEventOf, OTHER_TEAM_MESSAGE, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { getWire, updateWire } from '../src/store/wire.js';
import { addUser, call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-SV-04 (issue 16): a supervisor watches every team but acts only on the teams they belong to.
 * Sol supervises Comercial only: on a Suporte conversation she sees, transferring, finishing,
 * returning it to the queue, inviting and releasing it from the bot are refused (403, the pt-BR
 * sentence) and nothing is written; Carla, a supervisor of Suporte, and the admin may.
 */
let server: TestServer;
let ari: string;
let carla: string;
let sol: string;
let admin: string;

const SUPORTE = 'team:suporte';
const COMERCIAL = 'team:comercial';

beforeAll(async () => {
  server = await startTestServer();
  await addUser(server, { key: 'sol', name: 'Sol Comercial', email: 'sol@demo.local', role: 'supervisor', teamIds: [COMERCIAL] });
  // Holds every conversation of the suite: room for all of them at once.
  await addUser(server, { key: 'ari', name: 'Ari Suporte', email: 'ari@demo.local', role: 'agent', teamIds: [SUPORTE], maxConcurrent: 100 });
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [ari, carla, sol, admin] = await Promise.all([token('ari'), token('carla'), token('sol'), token('admin')]);
});
afterAll(() => server.close());

const conversation = (id: string) => getWire<ConversationDoc>(server.store, id);
const messagesOf = async (id: string) => (await server.store.find({ selector: { type: 'message', conversationId: id }, limit: 200 }))
  .map((m) => ({ ...m, id: m._id }) as unknown as MessageDoc);
/** What a refusal must leave as it was: the conversation and its messages. */
const snapshot = async (id: string) => JSON.stringify([await server.store.get(id, { fresh: true }), (await messagesOf(id)).map((m) => m.id).sort()]);

/** A Suporte conversation Ari holds. */
async function heldByAri(): Promise<string> {
  const { conversationId } = await visitorSays(server, await newVisitor(server), 'Preciso de ajuda');
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ari, body: {} })).status).toBe(200);
  return conversationId;
}

/** A Suporte conversation with the bot, as the bot leaves it (no flow needed). */
async function withBot(): Promise<string> {
  const { conversationId } = await visitorSays(server, await newVisitor(server), 'oi');
  await updateWire<ConversationDoc>(server.store, conversationId, (c) => c && { ...c, status: 'bot', waitingSince: null, queuedAt: null });
  return conversationId;
}

const ACTIONS: ReadonlyArray<[string, () => Record<string, unknown>]> = [
  ['transfer', () => ({ id: clientId('t'), toTeamId: COMERCIAL })],
  ['finish', () => ({ id: clientId('f'), disposition: null, note: '' })],
  ['return', () => ({ id: clientId('r') })],
  ['invite', () => ({ agentIds: ['user:bruno'] })],
  // Tagging classifies the team's work (reports count by tag): the team's overseers', like the actions above.
  ['tags', () => ({ id: clientId('g'), tags: [] })],
];

describe('R-SV-04 a supervisor acts only on the conversations of their teams', () => {
  it.each(ACTIONS)('R-SV-04 %s of another team’s conversation is refused with 403 and the sentence; nothing is written', async (action, body) => {
    const id = await heldByAri();
    // Sol sees it (reading stays wide)…
    expect((await call(server, 'GET', `/api/conversations/${id}/messages`, { token: sol })).status).toBe(200);
    const before = await snapshot(id);
    // …but may not act on it.
    const refused = await call<{ message: string }>(server, 'POST', `/api/conversations/${id}/${action}`, { token: sol, body: body() });
    expect([refused.status, refused.body.message]).toEqual([403, OTHER_TEAM_MESSAGE]);
    expect(await snapshot(id)).toBe(before);
  });

  it.each(ACTIONS)('R-SV-04 %s by the team’s supervisor succeeds, recorded with who did it', async (action, body) => {
    const id = await heldByAri();
    const done = await call(server, 'POST', `/api/conversations/${id}/${action}`, { token: carla, body: body() });
    expect(done.status).toBe(200);
    const c = await conversation(id);
    if (action === 'transfer' || action === 'return') expect(c?.transfers.at(-1)?.byUserId).toBe('user:carla');
    if (action === 'finish') expect(c?.finishedBy).toBe('user:carla');
    if (action === 'invite') expect(c?.invitedAgentIds).toEqual(['user:bruno']);
  });

  it('R-SV-04 the admin acts on every team’s conversations', async () => {
    const id = await heldByAri();
    expect((await call(server, 'POST', `/api/conversations/${id}/finish`, { token: admin, body: { id: clientId('f'), disposition: null, note: '' } })).status).toBe(200);
  });

  it('R-SV-04 releasing another team’s conversation from the bot is refused, nothing written; the team’s supervisor releases it, recorded as theirs', async () => {
    const id = await withBot();
    const before = await snapshot(id);
    const refused = await call<{ message: string }>(server, 'POST', `/api/conversations/${id}/release`, { token: sol, body: {} });
    expect([refused.status, refused.body.message]).toEqual([403, OTHER_TEAM_MESSAGE]);
    expect(await snapshot(id)).toBe(before);

    const released = await call<ConversationDoc>(server, 'POST', `/api/conversations/${id}/release`, { token: carla, body: {} });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'waiting', teamId: SUPORTE });
    const events = (await messagesOf(id)).map((m) => conversationEventOf(m)).filter((e) => e !== undefined);
    expect(events).toContainEqual({ event: 'returned', fromAgentId: null, byUserId: 'user:carla' });
  });

  it('R-SV-04 a release to another team is recorded as a transfer by the releasing supervisor', async () => {
    const id = await withBot();
    const released = await call<ConversationDoc>(server, 'POST', `/api/conversations/${id}/release`, { token: carla, body: { toTeamId: COMERCIAL } });
    expect(released.status).toBe(200);
    const events = (await messagesOf(id)).map((m) => conversationEventOf(m)).filter((e) => e !== undefined);
    expect(events).toContainEqual(expect.objectContaining({ event: 'transferred', fromTeamId: SUPORTE, toTeamId: COMERCIAL, byUserId: 'user:carla' }));
  });
});
