import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONCURRENT_MESSAGE, type ConversationDoc, type UserDoc } from '@atende/protocol';
import { FakeGraph } from '../src/channels/whatsapp/simulator/graph.js';
import { syncKeysOf } from '../src/store/index.js';
import { updateWire } from '../src/store/wire.js';
import { addUser, call, clientId, login, newVisitor, startTestServer, visitorSays, type Reply, type TestServer } from './helpers.js';

/**
 * R-WS-07 (issue 13): an agent's maximum of simultaneous conversations holds under concurrency —
 * claims, transfers to the agent and agent-started conversations — arbitrated by the store.
 */
const PHONE_NUMBER_ID = '106540352249999';
const ACCESS_TOKEN = 'EAAG-capacity-access-token';
const APP_SECRET = 'wa-app-secret-capacity-01';

let server: TestServer;
let graph: FakeGraph;
let ana: string;
let whatsapp: string;

type Answer = Reply<{ conversation?: ConversationDoc; error?: string; message?: string }>;

beforeAll(async () => {
  graph = await new FakeGraph({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }).start();
  server = await startTestServer();
  // Ana hands conversations over in the transfer test: she holds many.
  await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, maxConcurrent: 100 });
  ana = (await login(server, 'ana@demo.local')).accessToken;
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: {
      kind: 'whatsapp', name: 'WhatsApp Capacidade', teamId: 'team:suporte',
      config: { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '5511912340001', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: 'wa-verify-token', baseUrl: graph.baseUrl },
    },
  });
  expect(created.status).toBe(201);
  whatsapp = created.body.id;
});
afterAll(async () => {
  await server.close();
  await graph.stop();
});

async function agent(key: string, maxConcurrent: number): Promise<string> {
  await addUser(server, { key, name: key, email: `${key}@capacity.local`, role: 'agent', teamIds: ['team:suporte'], maxConcurrent });
  return (await login(server, `${key}@capacity.local`)).accessToken;
}

async function waitingConversations(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => (await visitorSays(server, await newVisitor(server), `Preciso de ajuda ${i}`)).conversationId));
}

const claim = (token: string, id: string): Promise<Answer> =>
  call(server, 'POST', `/api/conversations/${id}/claim`, { token, body: {} });

const activeOf = async (agentId: string) =>
  (await server.store.find({ selector: { type: 'conversation', agentId, status: 'active' }, limit: 100 })).length;

function expectRefused(replies: Answer[], count: number): void {
  const refused = replies.filter((r) => r.status === 409);
  expect(refused).toHaveLength(count);
  for (const r of refused) expect(r.body).toMatchObject({ error: 'max_concurrent', message: MAX_CONCURRENT_MESSAGE });
}

describe('R-WS-07 the maximum of simultaneous conversations under concurrency', () => {
  it('R-WS-07 20 parallel claims by one agent with maximum 5: exactly 5 succeed, 15 get the manual’s message', async () => {
    const token = await agent('cap-claims', 5);
    const ids = await waitingConversations(20);
    const replies = await Promise.all(ids.map((id) => claim(token, id)));
    const won = replies.filter((r) => r.status === 200);
    expect(won).toHaveLength(5);
    expectRefused(replies, 15);
    expect(await activeOf('user:cap-claims')).toBe(5);
    // A repeat of a claim already won needs no second seat.
    const again = await claim(token, String(won[0]?.body.conversation?.id));
    expect(again.status).toBe(200);
    // The seats are server-only: no replica receives them.
    const seats = await server.store.get('capacity:cap-claims');
    expect(seats).toMatchObject({ type: 'capacity' });
    expect(syncKeysOf({ ...seats, changedAt: 1 })).toEqual([]);
  });

  it('R-WS-07 after finishing one conversation a new claim succeeds (the seat is given back), and the next is refused', async () => {
    const token = await agent('cap-finish', 2);
    const [first, second, third, fourth] = await waitingConversations(4);
    expect((await Promise.all([claim(token, String(first)), claim(token, String(second))])).map((r) => r.status)).toEqual([200, 200]);
    expectRefused([await claim(token, String(third))], 1);
    const done = await call(server, 'POST', `/api/conversations/${first}/finish`, { token, body: {} });
    expect(done.status).toBe(200);
    expect((await claim(token, String(third))).status).toBe(200);
    expectRefused([await claim(token, String(fourth))], 1);
  });

  it('R-WS-07 parallel transfers of 10 conversations to an agent with maximum 3: exactly 3 succeed', async () => {
    await agent('cap-transfers', 3);
    const ids = await waitingConversations(10);
    for (const id of ids) expect((await claim(ana, id)).status).toBe(200);
    const replies = await Promise.all(ids.map((id) => call<Answer['body']>(server, 'POST', `/api/conversations/${id}/transfer`, {
      token: ana, body: { id: clientId('t'), toAgentId: 'user:cap-transfers' },
    })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(3);
    expectRefused(replies, 7);
    expect(await activeOf('user:cap-transfers')).toBe(3);
  });

  it('R-WS-07 parallel agent-started conversations respect the maximum: exactly 3 of 8 open', async () => {
    const token = await agent('cap-starts', 3);
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => call<Answer['body']>(server, 'POST', '/api/conversations', {
      token, body: { id: clientId('start'), teamId: 'team:suporte', channelAccountId: whatsapp, to: `11955${String(100_000 + i)}` },
    })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(3);
    expectRefused(replies, 5);
    expect(await activeOf('user:cap-starts')).toBe(3);
  });

  it('R-WS-07 R-WS-09 a pause racing claims: no agent keeps a conversation whose seat was written after the pause', async () => {
    // Every store write is numbered when it is sent and when it has landed, so "written after the
    // pause" is an order of events, not a clock: the seat's write sent once the pause had landed.
    let clock = 0;
    const pauseLanded = new Map<string, number>();
    const seatSent = new Map<string, number>();
    const store = server.store;
    const original = store.bulkWrite.bind(store);
    store.bulkWrite = async (docs, options) => {
      const sent = ++clock;
      const results = await original(docs, options);
      const landed = ++clock;
      docs.forEach((doc, i) => {
        if (!results[i]?.ok) return;
        if (doc.type === 'user' && doc.pause && !pauseLanded.has(doc._id)) pauseLanded.set(doc._id, landed);
        if (doc.type === 'capacity') {
          for (const seat of doc.seats as Array<{ conversationId: string }>) if (!seatSent.has(seat.conversationId)) seatSent.set(seat.conversationId, sent);
        }
      });
      return results;
    };
    const pairs = 25;
    try {
      const agents = await Promise.all(Array.from({ length: pairs }, (_, i) => agent(`cap-pause-${i}`, 5)));
      const ids = await waitingConversations(pairs);
      const replies = await Promise.all(agents.flatMap((token, i) => [
        call(server, 'POST', '/api/me/pause', { token, body: { typeId: 'pausetype:treinamento' } }),
        claim(token, String(ids[i])),
      ]));
      for (let i = 0; i < pairs; i++) {
        const [paused, claimed] = [replies[2 * i], replies[2 * i + 1]];
        expect(paused?.status).toBe(200);
        expect([200, 409]).toContain(claimed?.status);
        if (claimed?.status === 409) expect(claimed.body).toMatchObject({ error: 'paused' });
        const c = await server.store.get(String(ids[i]), { fresh: true });
        const userId = `user:cap-pause-${i}`;
        if (c?.status === 'active' && c.agentId === userId) {
          // Kept only when the seat was written before the pause landed.
          expect(seatSent.get(String(ids[i]))).toBeLessThan(pauseLanded.get(userId) ?? 0);
        }
      }
    } finally {
      store.bulkWrite = original;
    }
  });
});
