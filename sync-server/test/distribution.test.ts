import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationEventOf, type ConversationDoc, type UserDoc } from '@atende/protocol';
import { ConversationService } from '../src/conversations/service.js';
import { Distributor } from '../src/routing/distribution.js';
import { updateDoc, type StoredDoc } from '../src/store/index.js';
import { getWire } from '../src/store/wire.js';
import { addUser, call, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * R-RT-02 (issue 15 point 3): with automatic distribution on, a conversation entering the queue
 * goes to the least-loaded available agent under their maximum — online, not paused, within their
 * working hours — through the same claim agents use, so manual takes racing it never give a
 * conversation two agents nor an agent more than their maximum.
 */
const sockets: FrameClient[] = [];

async function online(server: TestServer, email: string): Promise<void> {
  sockets.push(await FrameClient.agent(server, (await login(server, email)).accessToken));
}
const setTeam = (server: TestServer, patch: Record<string, unknown>) =>
  updateDoc<StoredDoc>(server.store, 'team:suporte', (t) => t && { ...t, ...patch });
const setUser = (server: TestServer, id: string, patch: Partial<UserDoc>) =>
  updateDoc<StoredDoc>(server.store, id, (u) => u && { ...u, ...patch, updatedAt: Date.now() });
const conversation = async (server: TestServer, id: string) => (await getWire<ConversationDoc>(server.store, id)) as ConversationDoc;
const activeOf = async (server: TestServer, agentId: string) =>
  (await server.store.find({ selector: { type: 'conversation', agentId, status: 'active' }, limit: 100 })).length;

afterAll(() => {
  for (const s of sockets) s.ws.terminate();
});

describe('R-RT-02 automatic distribution', () => {
  let server: TestServer;
  let distributor: Distributor;

  beforeAll(async () => {
    server = await startTestServer();
    distributor = new Distributor({
      store: server.store, conversations: new ConversationService(server.store), presenceOf: (id) => server.hub.statusOf(id), now: Date.now, log: () => {},
    });
    await online(server, 'ana@demo.local');
    await online(server, 'bruno@demo.local');
  });
  afterAll(async () => server.close());

  it('R-RT-02 off by default: a new conversation waits in the queue', async () => {
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Olá');
    await server.jobs.idle();
    expect((await conversation(server, conversationId)).status).toBe('waiting');
    // Taken by hand, so the next tests start from a known load.
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
  });

  it('R-RT-02 each new conversation goes to the least-loaded available agent, as it enters the queue', async () => {
    await setTeam(server, { autoDistribute: true });
    // Ana holds one; Bruno none: Bruno first, then (1 each) the tie goes by id to Ana, then Bruno.
    const owners: Array<string | null> = [];
    for (const text of ['Primeiro', 'Segundo', 'Terceiro']) {
      const { conversationId } = await visitorSays(server, await newVisitor(server), text);
      const c = await until(() => conversation(server, conversationId), (x) => x.status === 'active');
      owners.push(c.agentId);
    }
    expect(owners).toEqual(['user:bruno', 'user:ana', 'user:bruno']);
  });

  it('R-RT-02 paused, offline and out-of-hours agents are skipped; none left means the conversation waits', async () => {
    await setUser(server, 'user:bruno', { pause: { typeId: 'pauseType:cafe', name: 'Café', since: Date.now(), maxMinutes: 15 } });
    await setUser(server, 'user:ana', { workingHours: { timeZone: 'UTC', days: [[], [], [], [], [], [], []] } });
    // Dora is of the team, free, but not signed in.
    await addUser(server, { key: 'dora', name: 'Dora', email: 'dora@demo.local', role: 'agent', teamIds: ['team:suporte'] });
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Tem alguém?');
    await server.jobs.idle();
    expect((await conversation(server, conversationId)).status).toBe('waiting');
    // Ana's hours open (any time): the periodic round gives it to her.
    await setUser(server, 'user:ana', { workingHours: null });
    expect(await distributor.distributeAll()).toBeGreaterThanOrEqual(1);
    expect((await conversation(server, conversationId)).agentId).toBe('user:ana');
    await setUser(server, 'user:bruno', { pause: null });
  });

  it('R-RT-02 the queue’s targeted agents only: a conversation is never given to an agent outside them', async () => {
    await setTeam(server, { queueAgentIds: ['user:ana'] });
    const loads = { ana: await activeOf(server, 'user:ana'), bruno: await activeOf(server, 'user:bruno') };
    expect(loads.bruno).toBeLessThan(loads.ana);
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Oi de novo');
    const c = await until(() => conversation(server, conversationId), (x) => x.status === 'active');
    expect(c.agentId).toBe('user:ana');
    await setTeam(server, { queueAgentIds: null });
  });
});

describe('R-RT-02 under concurrency', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    for (const key of ['f1', 'f2']) await addUser(server, { key, name: key.toUpperCase(), email: `${key}@demo.local`, role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 3 });
    await setUser(server, 'user:ana', { maxConcurrent: 3 });
    await setUser(server, 'user:bruno', { maxConcurrent: 3 });
    for (const email of ['ana@demo.local', 'bruno@demo.local', 'f1@demo.local', 'f2@demo.local']) await online(server, email);
    await setTeam(server, { autoDistribute: true });
  });
  afterAll(async () => server.close());

  it('R-RT-02 30 conversations arriving while agents also take by hand: one agent per conversation, no agent over the maximum, every seat filled', async () => {
    const AGENTS = ['user:ana', 'user:bruno', 'user:f1', 'user:f2'];
    const tokens = await Promise.all(['ana', 'bruno', 'f1', 'f2'].map(async (k) => (await login(server, `${k}@demo.local`)).accessToken));
    const distributor = new Distributor({
      store: server.store, conversations: new ConversationService(server.store), presenceOf: (id) => server.hub.statusOf(id), now: Date.now, log: () => {},
    });
    const ids: string[] = [];
    const arrivals = Promise.all(Array.from({ length: 30 }, async (_, i) => {
      ids.push((await visitorSays(server, await newVisitor(server), `Cliente ${i}`)).conversationId);
    }));
    // Meanwhile each agent keeps taking whatever waits, and extra distribution rounds run.
    const manual = Promise.all(tokens.map(async (token) => {
      for (let round = 0; round < 8; round++) {
        const queue = await server.store.find({ selector: { type: 'conversation', status: 'waiting' }, limit: 50 });
        const pick = queue[Math.floor(Math.random() * queue.length)];
        if (pick) await call(server, 'POST', `/api/conversations/${pick._id}/claim`, { token, body: {} });
      }
    }));
    const rounds = Promise.all(Array.from({ length: 3 }, () => distributor.distributeAll()));
    await Promise.all([arrivals, manual, rounds]);
    await server.jobs.idle();
    await distributor.distributeAll();

    const all = await Promise.all(ids.map((id) => conversation(server, id)));
    for (const agentId of AGENTS) expect(await activeOf(server, agentId)).toBeLessThanOrEqual(3);
    // 12 seats for 30 customers: every seat is taken, the rest wait.
    expect(all.filter((c) => c.status === 'active')).toHaveLength(12);
    expect(all.filter((c) => c.status === 'waiting')).toHaveLength(18);
    for (const c of all) {
      const joined = (await server.store.find({ selector: { type: 'message', conversationId: c.id }, limit: 50 }))
        .map((m) => conversationEventOf(m as unknown as { direction: string; kind: string; payload: unknown }))
        .filter((e) => e?.event === 'joined');
      // Exactly one agent ever joined an active conversation; nobody joined a waiting one.
      expect(joined).toHaveLength(c.status === 'active' ? 1 : 0);
      expect(c.status === 'active' ? AGENTS.includes(c.agentId ?? '') : c.agentId === null).toBe(true);
    }
  }, 90_000);
});
