import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationEventOf, FLOW_ENTRY_RULE_MESSAGE, keyOf, type ConversationDoc, type FlowResponse, type FlowTestResponse, type MessageDoc,
} from '@atende/protocol';
import { BOT_AUTHOR_NAME, flowInboundHooks } from '../src/flows/index.js';
import { Bot, flowJob } from '../src/flows/bot.js';
import { Flows } from '../src/flows/flows.js';
import { RetryLater } from '../src/jobs/types.js';
import { getWire } from '../src/store/wire.js';
import { addUser, call, login, newVisitor, pullAll, visitorSays, type TestServer, type Visitor } from './helpers.js';
import { startTestServer } from './helpers.js';
import { until } from './until.js';

/**
 * R-RT-04 (issue 15 point 5): a website visitor writes to the entry team (Suporte), whose flow is
 * active: the conversation opens with the bot, which sends its menu through the normal outbound
 * path; "2" or a keyword moves it to Comercial's queue, where Comercial's agents see it waiting.
 * Supervisors release a contact stuck in the bot; agents may not.
 */
let server: TestServer;
let admin: string;
let ana: string;
let carla: string;
let dora: string;

const SUPORTE = 'team:suporte';
const COMERCIAL = 'team:comercial';
const MENU = 'Olá! Como podemos ajudar?\n\n1 - Suporte\n2 - Comercial';
const entryFlow = {
  active: true,
  triggers: [
    {
      id: 'boas-vindas', name: 'Boas-vindas', active: true, conditions: { hours: { op: '>', hours: 1 }, keywords: '', firstOfTeam: false },
      message: { text: 'Olá! Como podemos ajudar?', options: [{ label: 'Suporte', teamId: SUPORTE }, { label: 'Comercial', teamId: COMERCIAL }] },
      moveToTeamId: null,
    },
    {
      id: 'orcamento', name: 'Orçamento', active: true, conditions: { hours: { op: '<', hours: 23 }, keywords: 'orçamento, preço', firstOfTeam: false },
      message: { text: 'Vou chamar o time Comercial.', options: [] }, moveToTeamId: COMERCIAL,
    },
  ],
};

beforeAll(async () => {
  server = await startTestServer();
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [admin, ana, carla] = await Promise.all([token('admin'), token('ana'), token('carla')]);
  await addUser(server, { key: 'dora', name: 'Dora Comercial', email: 'dora@demo.local', role: 'agent', teamIds: [COMERCIAL] });
  dora = await token('dora');
  const saved = await call<FlowResponse>(server, 'PUT', `/api/admin/flows/${SUPORTE}`, { token: admin, body: entryFlow });
  expect(saved.status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

const conversation = (id: string) => getWire<ConversationDoc>(server.store, id);
const messagesOf = async (id: string) =>
  (await server.store.find({ selector: { type: 'message', conversationId: id }, limit: 200 })).map((m) => ({ ...m, id: m._id }) as unknown as MessageDoc);
const botMessages = async (id: string) => (await messagesOf(id)).filter((m) => m.direction === 'out' && m.authorId === null).sort((a, b) => a.createdAt - b.createdAt);
const visitorReads = async (visitor: Visitor) =>
  (await call<{ messages: Array<{ text: string; direction: string }> }>(server, 'GET', '/api/webchat/messages', { token: visitor.token })).body.messages ?? [];

/** A visitor who wrote "oi" and got the menu. */
async function greeted(): Promise<{ visitor: Visitor; conversationId: string }> {
  const visitor = await newVisitor(server);
  const { conversationId } = await visitorSays(server, visitor, 'oi');
  const menu = await until(() => botMessages(conversationId), (ms) => ms.length === 1);
  expect(menu.map((m) => m.text)).toEqual([MENU]);
  return { visitor, conversationId };
}

describe('R-RT-04 flows at runtime', () => {
  it('R-RT-04 the entry team\'s flow is refused without "> 1 h" on its first trigger, with the sentence', async () => {
    const wrong = { ...entryFlow, triggers: [{ ...entryFlow.triggers[1]! }] };
    const reply = await call<{ message: string }>(server, 'PUT', `/api/admin/flows/${SUPORTE}`, { token: admin, body: wrong });
    expect(reply.status).toBe(422);
    expect(reply.body.message).toBe(FLOW_ENTRY_RULE_MESSAGE);
    expect((await call<FlowResponse>(server, 'GET', `/api/admin/flows/${SUPORTE}`, { token: carla })).body).toMatchObject({ entry: true, flow: { triggers: [{ id: 'boas-vindas' }, { id: 'orcamento' }] } });
    const unknown = { active: true, triggers: [{ ...entryFlow.triggers[0]!, moveToTeamId: 'team:nenhuma' }] };
    expect((await call(server, 'PUT', `/api/admin/flows/${SUPORTE}`, { token: admin, body: unknown })).status).toBe(422);
  });

  it('R-RT-04 "Testar" tells the answer and the destination and sends nothing', async () => {
    const before = await server.store.find({ selector: { type: 'message', authorName: BOT_AUTHOR_NAME }, limit: 500 });
    const first = await call<FlowTestResponse>(server, 'POST', `/api/admin/flows/${SUPORTE}/test`, { token: carla, body: { text: 'oi' } });
    expect(first.body).toMatchObject({ matched: true, outcome: { kind: 'bot', teamId: SUPORTE }, steps: [{ triggerName: 'Boas-vindas', message: MENU }] });
    const two = await call<FlowTestResponse>(server, 'POST', `/api/admin/flows/${SUPORTE}/test`, { token: carla, body: { text: '2', hoursWithoutAgent: 0, afterTriggerId: 'boas-vindas' } });
    expect(two.body.outcome).toEqual({ kind: 'queue', teamId: COMERCIAL });
    const word = await call<FlowTestResponse>(server, 'POST', `/api/admin/flows/${SUPORTE}/test`, { token: carla, body: { text: 'qual o PRECO?', hoursWithoutAgent: 0.5 } });
    expect(word.body).toMatchObject({ outcome: { kind: 'queue', teamId: COMERCIAL }, steps: [{ triggerId: 'orcamento', message: 'Vou chamar o time Comercial.' }] });
    const after = await server.store.find({ selector: { type: 'message', authorName: BOT_AUTHOR_NAME }, limit: 500 });
    expect(after.length).toBe(before.length);
  });

  it('R-RT-04 a visitor gets the menu from the bot; "2" puts the conversation in Comercial\'s queue, seen by Comercial', async () => {
    const { visitor, conversationId } = await greeted();
    expect(await conversation(conversationId)).toMatchObject({ status: 'bot', teamId: SUPORTE, waitingSince: null });
    const [menu] = await botMessages(conversationId);
    expect(menu).toMatchObject({ authorName: BOT_AUTHOR_NAME, direction: 'out' });
    // Delivered through the channel's outbound path: the widget shows it.
    expect((await until(() => visitorReads(visitor), (ms) => ms.some((m) => m.text === MENU))).map((m) => m.text)).toContain(MENU);

    await visitorSays(server, visitor, '2');
    const moved = await until(() => conversation(conversationId), (c) => c?.status === 'waiting');
    expect(moved).toMatchObject({ status: 'waiting', teamId: COMERCIAL, agentId: null });
    const seen = await until(async () => (await pullAll(server, dora, 'conversations')).documents, (ds) => ds.some((d) => d.id === conversationId));
    expect(seen.find((d) => d.id === conversationId)).toMatchObject({ status: 'waiting', teamId: COMERCIAL });
    const line = await until(async () => (await messagesOf(conversationId)).map((m) => conversationEventOf(m)).find((e) => e?.event === 'transferred'), (e) => e !== undefined);
    expect(line).toMatchObject({ fromTeamId: SUPORTE, toTeamId: COMERCIAL, byUserId: null });
    // Taken by Comercial like any waiting conversation.
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: dora, body: {} })).status).toBe(200);
  });

  it('R-RT-04 a keyword (accents and case ignored) answers and moves to the team', async () => {
    const { visitor, conversationId } = await greeted();
    await visitorSays(server, visitor, 'Quero um ORCAMENTO');
    const moved = await until(() => conversation(conversationId), (c) => c?.status === 'waiting');
    expect(moved).toMatchObject({ teamId: COMERCIAL });
    expect((await botMessages(conversationId)).map((m) => m.text)).toEqual([MENU, 'Vou chamar o time Comercial.']);
  });

  it('R-RT-04 two replies not understood: the menu again, then the entry team\'s queue', async () => {
    const { visitor, conversationId } = await greeted();
    await visitorSays(server, visitor, 'hein?');
    await until(() => botMessages(conversationId), (ms) => ms.length === 2);
    expect((await conversation(conversationId))?.status).toBe('bot');
    await visitorSays(server, visitor, 'sei lá');
    expect(await until(() => conversation(conversationId), (c) => c?.status === 'waiting')).toMatchObject({ status: 'waiting', teamId: SUPORTE });
  });

  it('R-RT-04 supervisors release a contact stuck in the bot to a queue, recorded in the history; an agent gets 403', async () => {
    const { conversationId } = await greeted();
    const refused = await call<{ message: string }>(server, 'POST', `/api/conversations/${conversationId}/release`, { token: ana, body: {} });
    expect(refused.status).toBe(403);
    expect((await conversation(conversationId))?.status).toBe('bot');
    const released = await call<ConversationDoc>(server, 'POST', `/api/conversations/${conversationId}/release`, { token: carla, body: {} });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'waiting', teamId: SUPORTE });
    const events = (await messagesOf(conversationId)).map((m) => conversationEventOf(m)).filter((e) => e !== undefined);
    expect(events).toContainEqual({ event: 'returned', fromAgentId: null, byUserId: 'user:carla' });
    const again = await call(server, 'POST', `/api/conversations/${conversationId}/release`, { token: carla, body: {} });
    expect(again.status).toBe(409);
  });

  it('R-RT-04 two replies answered at once (two nodes) keep both: the late job runs again from the state the other wrote, where its older message is answered', async () => {
    const { conversationId } = await greeted();
    const stateId = `botstate:${keyOf(conversationId)}`;
    await until(() => server.store.get(stateId, { fresh: true }), (s) => typeof s?.answeredAt === 'number');
    const at = Date.now();
    const customer = (key: string, text: string, createdAt: number) => ({
      _id: `message:race-${key}-${keyOf(conversationId)}`, type: 'message', conversationId, direction: 'in', authorId: null, text, createdAt,
    });
    const older = customer('a', 'hein?', at);
    const newer = customer('b', 'sei lá', at + 1);
    // The older reply's job is held as it writes the bot state; the newer one's runs meanwhile from the same state.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let reached!: () => void;
    const holding = new Promise<void>((resolve) => { reached = resolve; });
    let armed = true;
    const store = server.store;
    const node = new Proxy(store, {
      get(target, property) {
        if (property === 'get') {
          return async (id: string, options?: { fresh?: boolean }) => [older, newer].find((m) => m._id === id) ?? target.get(id, options);
        }
        if (property === 'bulkWrite') {
          return async (docs: Array<{ _id: string }>, ...rest: unknown[]) => {
            if (armed && docs.some((d) => d._id === stateId)) { armed = false; reached(); await gate; }
            return (target.bulkWrite as (...a: unknown[]) => unknown).call(target, docs, ...rest);
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const run = (m: { _id: string }) => new Bot(node, new Flows(node)).handler()(
      flowJob({ id: m._id, conversationId }), { attempt: 1, signal: new AbortController().signal },
    );
    const late = run(older).then(() => 'written', (error: unknown) => error);
    await holding;
    await run(newer);
    release();
    expect(await late).toBeInstanceOf(RetryLater);
    await run(older); // the retry
    expect(await store.get(stateId, { fresh: true })).toMatchObject({ answered: newer._id, answeredAt: newer.createdAt, misses: 1 });
  });

  it('R-RT-04 R-RT-01 a team a flow hands conversations to is not archived (409); one archived all the same (a race) is replaced by the conversation\'s team', async () => {
    const made = await call<{ id: string }>(server, 'POST', '/api/admin/teams', { token: admin, body: { name: 'Financeiro' } });
    expect(made.status).toBe(201);
    const financeiro = made.body.id;
    const options = [...entryFlow.triggers[0]!.message.options, { label: 'Financeiro', teamId: financeiro }];
    const withFinanceiro = { ...entryFlow, triggers: [{ ...entryFlow.triggers[0]!, message: { ...entryFlow.triggers[0]!.message, options } }, entryFlow.triggers[1]!] };
    expect((await call(server, 'PUT', `/api/admin/flows/${SUPORTE}`, { token: admin, body: withFinanceiro })).status).toBe(200);
    try {
      const refused = await call<{ message: string }>(server, 'DELETE', `/api/admin/teams/${financeiro}`, { token: admin });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/chatbot leva conversas a esta equipe \(fluxos de Suporte\)/);
      const visitor = await newVisitor(server);
      const { conversationId } = await visitorSays(server, visitor, 'oi');
      await until(() => botMessages(conversationId), (ms) => ms.length === 1);
      // Archived between the flow's save and the customer's choice.
      const team = await server.store.get(financeiro, { fresh: true });
      expect((await server.store.bulkWrite([{ ...team!, archived: true }]))[0]?.ok).toBe(true);
      await visitorSays(server, visitor, '3');
      expect(await until(() => conversation(conversationId), (c) => c?.status === 'waiting')).toMatchObject({ status: 'waiting', teamId: SUPORTE });
    } finally {
      expect((await call(server, 'PUT', `/api/admin/flows/${SUPORTE}`, { token: admin, body: entryFlow })).status).toBe(200);
    }
  });

  it('R-RT-04 chats open with the bot; a Reclame Aqui complaint (a public case) never does', async () => {
    const hooks = flowInboundHooks(server.store);
    expect(await hooks.opensWithBot?.(SUPORTE, 'whatsapp')).toBe(true);
    expect(await hooks.opensWithBot?.(SUPORTE, 'reclameaqui')).toBe(false);
    expect(await hooks.opensWithBot?.(COMERCIAL, 'whatsapp')).toBe(false);
  });

  it('R-RT-04 without an active flow conversations open waiting, as before', async () => {
    expect((await call(server, 'PUT', `/api/admin/flows/${SUPORTE}`, { token: admin, body: { ...entryFlow, active: false } })).status).toBe(200);
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'oi');
    expect(await conversation(conversationId)).toMatchObject({ status: 'waiting', teamId: SUPORTE });
  });
});
