import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationDoc, type ConversationRating, type HistoryEntry, type UserDoc } from '@atende/protocol';
import { conversationFor } from '../src/access/ratings.js';
import { getWire, updateWire } from '../src/store/wire.js';
import { call, clientId, FrameClient, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-RT-06 / issue 18 "Agents never see another agent's individual ratings unless they are
 * supervisors": a conversation's rating reaches its own agent (`agentId`), supervisors and
 * admins; any other agent's replica (pull and live stream) and REST history get the
 * conversation without it, still a valid document.
 */
let server: TestServer;
let ana: string;
let bruno: string;
let carla: string;
let conversationId: string;
let contactId: string;
const rating: ConversationRating = { score: 2, comment: 'Demorou', at: Date.now(), channel: 'webchat' };

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
  bruno = (await login(server, 'bruno@demo.local')).accessToken;
  carla = (await login(server, 'carla@demo.local')).accessToken;
  const visitor = await newVisitor(server, 'demo-site', 'Paulo');
  ({ conversationId } = await visitorSays(server, visitor, 'Quero reclamar do prazo'));
  contactId = String((await server.store.get(conversationId))?.contactId);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
  // Bruno worked in it too, invited by Ana: still not his rating to see.
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/invite`, { token: ana, body: { id: clientId('i'), agentIds: ['user:bruno'] } })).status).toBe(200);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: { id: clientId('f'), requestRating: false } })).status).toBe(200);
  await server.jobs.idle();
});
afterAll(() => server.close());

/** The customer's answer, as the ratings service records it (a revision-checked write on the conversation). */
const rate = () => updateWire<ConversationDoc>(server.store, conversationId, (c) => (c ? { ...c, rating, updatedAt: Date.now() } : undefined));

const pulled = async (token: string) => {
  const { documents } = await pullAll(server, token, 'conversations');
  const doc = documents.find((d) => d.id === conversationId);
  if (!doc) throw new Error('the conversation was not pulled');
  return doc;
};

const history = async (token: string) => {
  const reply = await call<{ conversations: HistoryEntry[] }>(server, 'GET', `/api/contacts/${contactId}/history`, { token });
  expect(reply.status).toBe(200);
  const entry = reply.body.conversations.find((c) => c.id === conversationId);
  if (!entry) throw new Error('the conversation is not in the history');
  return entry;
};

const streamed = (client: FrameClient) =>
  client.next((f) => f.type === 'sync.docs' && f.collection === 'conversations'
    && (f.documents as Array<Record<string, unknown>>).some((d) => d.id === conversationId && typeof d.updatedAt === 'number' && d.updatedAt >= rating.at))
    .then((f) => (f.documents as Array<Record<string, unknown>>).find((d) => d.id === conversationId));

describe('R-RT-06 who sees a conversation’s rating', () => {
  it('R-RT-06 live stream: the rating reaches its agent and the supervisor, not a colleague of the same team (same stream group)', async () => {
    const sockets = await Promise.all([ana, bruno, carla].map((token) => FrameClient.agent(server, token)));
    const [toAna, toBruno, toCarla] = sockets.map((s) => streamed(s));
    await rate();
    const [anaDoc, brunoDoc, carlaDoc] = await Promise.all([toAna, toBruno, toCarla]);
    expect(anaDoc?.rating).toEqual(rating);
    expect(carlaDoc?.rating).toEqual(rating);
    expect(brunoDoc).toBeDefined();
    expect(brunoDoc).not.toHaveProperty('rating');
    // The colleague still gets the rest of the change, as a document the replica accepts.
    expect(brunoDoc).toMatchObject({ id: conversationId, status: 'finished', agentId: 'user:ana' });
    expect(ConversationDoc.safeParse(brunoDoc).success).toBe(true);
    for (const socket of sockets) socket.close();
  });

  it('R-RT-06 pull: the agent who finished it and the supervisor replicate the rating; the colleague replicates the conversation without it', async () => {
    expect((await pulled(ana)).rating).toEqual(rating);
    expect((await pulled(carla)).rating).toEqual(rating);
    const brunoCopy = await pulled(bruno);
    expect(brunoCopy).not.toHaveProperty('rating');
    expect(ConversationDoc.safeParse(brunoCopy).success).toBe(true);
    expect(brunoCopy).toMatchObject({ id: conversationId, status: 'finished' });
  });

  it('R-RT-06 contact history (REST): the rating for its agent and the supervisor, not for the colleague', async () => {
    expect((await history(ana)).rating).toEqual(rating);
    expect((await history(carla)).rating).toEqual(rating);
    const brunoEntry = await history(bruno);
    expect(brunoEntry.agentName).toBe('Ana Souza');
    expect(brunoEntry).not.toHaveProperty('rating');
  });

  it('R-RT-06 a colleague cannot write the rating away: conversations are not pushed, the stored rating stays', async () => {
    const copy = await pulled(bruno);
    const push = await call(server, 'POST', '/api/sync/conversations/push', {
      token: bruno, body: [{ newDocumentState: { ...copy, updatedAt: Date.now() }, assumedMasterState: copy }],
    });
    expect(push.status).toBeGreaterThanOrEqual(400);
    expect(push.status).toBeLessThan(500);
    expect((await server.store.get(conversationId))?.rating).toEqual(rating);
  });

  it('R-RT-06 a REST answer (conversationFor) gives the rating to its agent and a supervisor, not to a colleague', async () => {
    const stored = await getWire<ConversationDoc>(server.store, conversationId);
    const [anaUser, brunoUser, carlaUser] = await Promise.all(['user:ana', 'user:bruno', 'user:carla'].map((id) => getWire<UserDoc>(server.store, id)));
    if (!stored || !anaUser || !brunoUser || !carlaUser) throw new Error('seed missing');
    expect(conversationFor(anaUser, stored).rating).toEqual(rating);
    expect(conversationFor(carlaUser, stored).rating).toEqual(rating);
    expect(conversationFor(brunoUser, stored)).not.toHaveProperty('rating');
    // The stored document itself is left as it was.
    expect(stored.rating).toEqual(rating);
  });
});
