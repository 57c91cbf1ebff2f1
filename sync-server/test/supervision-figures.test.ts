import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDoc, FlowResponse, MessageDoc, UserDoc } from '@atende/protocol';
import { isAgentAnswer } from '../src/conversations/summary.js';
import { getWire, updateWire } from '../src/store/wire.js';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * R-SV-06 / R-RT-06 (issue 16, design decision 2): the service figures' first times are set by
 * the server in the write that causes them — `queuedAt` when a conversation first waits in a
 * queue, `firstTakenAt` when an agent first holds it, `firstResponseAt` with the first message an
 * agent writes to the customer — and never moved afterwards.
 */
let server: TestServer;
let ana: string;
let bruno: string;
let carla: string;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  for (const id of ['user:ana', 'user:bruno']) await updateWire<UserDoc>(server.store, id, (u) => u && { ...u, maxConcurrent: 100 });
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [ana, bruno, carla, admin] = await Promise.all([token('ana'), token('bruno'), token('carla'), token('admin')]);
});
afterAll(() => server.close());

const conversation = async (id: string) => (await getWire<ConversationDoc>(server.store, id))!;
const post = (token: string, id: string, tail: string, body: unknown = {}) =>
  call<{ conversation?: ConversationDoc; message?: MessageDoc }>(server, 'POST', `/api/conversations/${id}${tail}`, { token, body });

async function customerWrites(text = 'Preciso de ajuda'): Promise<string> {
  return (await visitorSays(server, await newVisitor(server), text)).conversationId;
}

async function takenByAna(): Promise<string> {
  const id = await customerWrites();
  expect((await post(ana, id, '/claim')).status).toBe(200);
  return id;
}

describe('R-SV-06 R-RT-06 the figures fields', () => {
  it('R-RT-06 a customer’s first message queues the conversation: queuedAt, nothing taken or answered yet', async () => {
    const c = await conversation(await customerWrites());
    expect(c.status).toBe('waiting');
    expect(c.queuedAt).toBe(c.createdAt);
    expect([c.firstTakenAt, c.firstResponseAt]).toEqual([null, null]);
  });

  it('R-RT-06 taking it sets firstTakenAt to the take, in the same write', async () => {
    const id = await customerWrites();
    const taken = await post(ana, id, '/claim');
    expect(taken.status).toBe(200);
    const c = await conversation(id);
    expect(c.firstTakenAt).toBe(c.takenAt);
    expect(c.firstTakenAt).toBeGreaterThanOrEqual(c.queuedAt!);
  });

  it('R-RT-06 the agent’s first public reply sets firstResponseAt once; a second reply leaves it', async () => {
    const id = await takenByAna();
    const first = await post(ana, id, '/messages', { id: clientId('m'), text: 'Olá, como posso ajudar?' });
    expect(first.status).toBe(201);
    const answered = await conversation(id);
    expect(answered.firstResponseAt).toBe(first.body.message?.createdAt);
    const second = await post(ana, id, '/messages', { id: clientId('m'), text: 'Pode me dizer o número do pedido?' });
    expect(second.status).toBe(201);
    expect((await conversation(id)).firstResponseAt).toBe(answered.firstResponseAt);
  });

  it('R-SV-06 a transfer to another agent keeps firstTakenAt; the new holder’s takenAt moves', async () => {
    const id = await takenByAna();
    const before = await conversation(id);
    const moved = await post(ana, id, '/transfer', { id: clientId('t'), toAgentId: 'user:bruno' });
    expect(moved.status).toBe(200);
    const after = await conversation(id);
    expect(after.agentId).toBe('user:bruno');
    expect(after.takenAt).toBeGreaterThan(before.firstTakenAt!);
    expect(after.firstTakenAt).toBe(before.firstTakenAt);
  });

  it('R-SV-06 returned to the queue keeps queuedAt (waitingSince restarts); taken again keeps firstTakenAt', async () => {
    const id = await takenByAna();
    const before = await conversation(id);
    expect((await post(ana, id, '/return', { id: clientId('r') })).status).toBe(200);
    const returned = await conversation(id);
    expect(returned.status).toBe('waiting');
    expect(returned.waitingSince).toBeGreaterThan(before.queuedAt!);
    expect(returned.queuedAt).toBe(before.queuedAt);
    expect((await post(bruno, id, '/claim')).status).toBe(200);
    expect((await conversation(id)).firstTakenAt).toBe(before.firstTakenAt);
  });

  it('R-RT-06 what only the organisation or nobody wrote is no first response (unit of the rule)', () => {
    const agent = { direction: 'out', authorId: 'user:ana', visibility: 'public' } as const;
    expect(isAgentAnswer(agent)).toBe(true);
    expect(isAgentAnswer({ ...agent, authorId: null })).toBe(false); // bot, automatic lines, integrations, echoes
    expect(isAgentAnswer({ ...agent, visibility: 'private' })).toBe(false); // a private Reclame Aqui message
    expect(isAgentAnswer({ ...agent, direction: 'system' })).toBe(false);
    expect(isAgentAnswer({ ...agent, direction: 'in' })).toBe(false);
  });

  it('R-RT-06 the bot’s messages set no firstResponseAt and no queuedAt; the release queues it; the agent’s reply answers it', async () => {
    const flow = {
      active: true,
      triggers: [{
        id: 'menu', name: 'Menu', active: true, conditions: { hours: { op: '>', hours: 1 }, keywords: '', firstOfTeam: false },
        message: { text: 'Olá! Já vamos atender.', options: [] }, moveToTeamId: null,
      }],
    };
    expect((await call<FlowResponse>(server, 'PUT', '/api/admin/flows/team:suporte', { token: admin, body: flow })).status).toBe(200);
    try {
      const id = await customerWrites('oi');
      const botSaid = async () => (await server.store.find({ selector: { type: 'message', conversationId: id }, limit: 50 }))
        .filter((m) => m.direction === 'out' && m.authorId === null);
      await until(botSaid, (ms) => ms.length === 1);
      const withBot = await conversation(id);
      expect(withBot.status).toBe('bot');
      expect([withBot.queuedAt, withBot.firstTakenAt, withBot.firstResponseAt]).toEqual([null, null, null]);
      const released = await post(carla, id, '/release');
      expect(released.status).toBe(200);
      const queued = await conversation(id);
      expect(queued.queuedAt).toBe(queued.waitingSince);
      expect((await post(ana, id, '/claim')).status).toBe(200);
      const reply = await post(ana, id, '/messages', { id: clientId('m'), text: 'Oi, sou a Ana.' });
      expect((await conversation(id)).firstResponseAt).toBe(reply.body.message?.createdAt);
    } finally {
      await call(server, 'PUT', '/api/admin/flows/team:suporte', { token: admin, body: { ...flow, active: false } });
    }
  });
});
