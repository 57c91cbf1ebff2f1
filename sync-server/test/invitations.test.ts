import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDoc, MessageDoc, VisitorMessage } from '@atende/protocol';
import { eventMessageId } from '../src/conversations/events.js';
import { addUser, call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/** Invited collaborators (R-WS-05) on the website chat, where the customer sees each author's name. */
let server: TestServer;
let owner: string;
let helper: string;
let other: string;
let outsider: string;
let carla: string;

beforeAll(async () => {
  server = await startTestServer();
  // Own agents with room to spare, so claims across the tests never meet a maximum.
  await addUser(server, { key: 'inv-owner', name: 'Olga Dono', email: 'inv-owner@test.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  await addUser(server, { key: 'inv-helper', name: 'Hugo Ajuda', email: 'inv-helper@test.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 1 });
  await addUser(server, { key: 'inv-other', name: 'Otto Outro', email: 'inv-other@test.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  await addUser(server, { key: 'inv-out', name: 'Fora Time', email: 'inv-out@test.local', role: 'agent', teamIds: ['team:comercial'] });
  const token = (email: string) => login(server, email).then((r) => r.accessToken);
  [owner, helper, other, outsider, carla] = await Promise.all([
    token('inv-owner@test.local'), token('inv-helper@test.local'), token('inv-other@test.local'), token('inv-out@test.local'), token('carla@demo.local'),
  ]);
});
afterAll(() => server.close());

type Answer = { conversation: ConversationDoc; error?: string; message?: string };
const post = (token: string, conversationId: string, action: string, body: Record<string, unknown>) =>
  call<Answer>(server, 'POST', `/api/conversations/${conversationId}/${action}`, { token, body });

/** A visitor writes, the owner takes it. */
async function activeConversation() {
  const visitor = await newVisitor(server);
  const { conversationId } = await visitorSays(server, visitor, 'Olá');
  expect((await post(owner, conversationId, 'claim', {})).status).toBe(200);
  return { visitor, conversationId };
}

async function events(conversationId: string): Promise<Array<Record<string, unknown>>> {
  const found = await server.store.find({ selector: { type: 'message', conversationId, direction: 'system' }, limit: 100 });
  return found.map((m) => m.payload as Record<string, unknown>).filter((p) => p.event === 'invited' || p.event === 'left');
}

const widgetTranscript = async (token: string) =>
  (await call<{ messages: VisitorMessage[] }>(server, 'GET', '/api/webchat/messages', { token })).body.messages;

describe('R-WS-05 inviting collaborators', () => {
  it('R-WS-05 the owner invites a colleague, who writes in the conversation; the customer sees who wrote and who came in', async () => {
    const { visitor, conversationId } = await activeConversation();
    const invited = await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds: ['user:inv-helper'] });
    expect(invited.status).toBe(200);
    expect(invited.body.conversation).toMatchObject({ agentId: 'user:inv-owner', invitedAgentIds: ['user:inv-helper'] });
    // Invitees help, they do not hold: Hugo (maximum 1) is invited and still takes a conversation of his own.
    const seat = await activeConversationFor(helper);
    expect(seat).toBe(200);

    const reply = await post(helper, conversationId, 'messages', { id: clientId('m'), text: 'Posso ajudar também.' });
    expect(reply.status).toBe(201);
    await server.jobs.idle();
    const widget = await widgetTranscript(visitor.token);
    expect(widget.find((m) => m.text === 'Posso ajudar também.')).toMatchObject({ direction: 'out', authorName: 'Hugo Ajuda' });
    expect(widget.find((m) => m.event?.event === 'invited')).toMatchObject({ direction: 'system', event: { agentName: 'Hugo Ajuda' } });
    // The stored text is the agent's, unprefixed (the webchat names the author by itself).
    const stored = (await server.store.get((reply.body as unknown as { message: MessageDoc }).message.id)) as unknown as MessageDoc;
    expect(stored.text).toBe('Posso ajudar também.');
  });

  it('R-WS-05 a repeated invite (same command id) answers the first outcome; one trace line; an invitee who left is not brought back', async () => {
    const { conversationId } = await activeConversation();
    const id = clientId('i');
    const first = await post(owner, conversationId, 'invite', { id, agentIds: ['user:inv-helper', 'user:inv-other'] });
    const again = await post(owner, conversationId, 'invite', { id, agentIds: ['user:inv-helper', 'user:inv-other'] });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body.conversation.invitedAgentIds).toEqual(['user:inv-helper', 'user:inv-other']);
    expect((await events(conversationId)).map((e) => e.agentId).sort()).toEqual(['user:inv-helper', 'user:inv-other']);

    const leaveId = clientId('l');
    const left = await post(helper, conversationId, 'leave', { id: leaveId });
    expect(left.status).toBe(200);
    expect(left.body.conversation.invitedAgentIds).toEqual(['user:inv-other']);
    // The outbox repeating the leave after a lost answer: the same outcome, not "not invited".
    const leftAgain = await post(helper, conversationId, 'leave', { id: leaveId });
    expect(leftAgain.status).toBe(200);
    expect(leftAgain.body.conversation.invitedAgentIds).toEqual(['user:inv-other']);
    // And the first invite repeated late does not bring Hugo back.
    const late = await post(owner, conversationId, 'invite', { id, agentIds: ['user:inv-helper', 'user:inv-other'] });
    expect(late.body.conversation.invitedAgentIds).toEqual(['user:inv-other']);
    const trace = await events(conversationId);
    expect(trace.filter((e) => e.event === 'left')).toEqual([{ event: 'left', agentId: 'user:inv-helper', agentName: 'Hugo Ajuda' }]);
    // Once left, no longer one of the conversation's writers.
    expect((await post(helper, conversationId, 'messages', { id: clientId('m'), text: 'ainda aqui?' })).status).toBe(403);
  });

  it('R-WS-05 a leave repeated while its first attempt runs answers 200 twice, with one left line', async () => {
    const { conversationId } = await activeConversation();
    expect((await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds: ['user:inv-helper'] })).status).toBe(200);
    const id = clientId('l');
    const answers = await Promise.all([post(helper, conversationId, 'leave', { id }), post(helper, conversationId, 'leave', { id })]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.conversation.invitedAgentIds)).toEqual([[], []]);
    expect((await events(conversationId)).filter((e) => e.event === 'left')).toHaveLength(1);
  });

  it('R-WS-05 a leave and its left line are one store write: a failure before the line leaves nothing a repeat would refuse', async () => {
    const { conversationId } = await activeConversation();
    expect((await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds: ['user:inv-helper'] })).status).toBe(200);
    const id = clientId('l');
    const lineId = eventMessageId(conversationId, `left.${id}.inv-helper`);
    // A crash between the two: a write of the line on its own, without the conversation, never lands.
    const store = server.store;
    const original = store.bulkWrite.bind(store);
    store.bulkWrite = async (docs, options) => {
      if (docs.some((d) => d._id === lineId) && !docs.some((d) => d._id === conversationId)) throw new Error('crash before the line');
      return original(docs, options);
    };
    let first: Awaited<ReturnType<typeof post>>;
    try {
      first = await post(helper, conversationId, 'leave', { id });
    } finally {
      store.bulkWrite = original;
    }
    expect(first.status).toBe(200);
    const again = await post(helper, conversationId, 'leave', { id });
    expect(again.status).toBe(200);
    expect(again.body.conversation.invitedAgentIds).toEqual([]);
    expect((await events(conversationId)).filter((e) => e.event === 'left')).toHaveLength(1);
  });

  it('R-WS-05 a repeated invite whose first invitee was already in does not bring back one who left since', async () => {
    const { conversationId } = await activeConversation();
    expect((await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds: ['user:inv-other'] })).status).toBe(200);
    const id = clientId('i');
    const first = await post(owner, conversationId, 'invite', { id, agentIds: ['user:inv-other', 'user:inv-helper'] });
    expect(first.body.conversation.invitedAgentIds).toEqual(['user:inv-other', 'user:inv-helper']);
    expect((await post(helper, conversationId, 'leave', { id: clientId('l') })).status).toBe(200);
    // The outbox repeating the invite after a lost answer.
    const repeat = await post(owner, conversationId, 'invite', { id, agentIds: ['user:inv-other', 'user:inv-helper'] });
    expect(repeat.status).toBe(200);
    expect(repeat.body.conversation.invitedAgentIds).toEqual(['user:inv-other']);
  });

  it('R-WS-05 a repeated invite that found everyone already in does not bring back one who left since', async () => {
    const { conversationId } = await activeConversation();
    expect((await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds: ['user:inv-other'] })).status).toBe(200);
    const id = clientId('i');
    expect((await post(owner, conversationId, 'invite', { id, agentIds: ['user:inv-other'] })).status).toBe(200);
    expect((await post(other, conversationId, 'leave', { id: clientId('l') })).status).toBe(200);
    const repeat = await post(owner, conversationId, 'invite', { id, agentIds: ['user:inv-other'] });
    expect(repeat.status).toBe(200);
    expect(repeat.body.conversation.invitedAgentIds).toEqual([]);
  });

  it('R-WS-05 invitees must be of the team (or supervisors); unknown users, the owner, and other teams\' agents are 422', async () => {
    const { conversationId } = await activeConversation();
    const refused = async (agentIds: string[], code: string) => {
      const r = await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds });
      expect(r.status).toBe(422);
      expect(r.body.error).toBe(code);
    };
    await refused(['user:nobody'], 'unknown_agent');
    await refused(['user:inv-owner'], 'is_owner');
    await refused(['user:inv-out'], 'agent_not_in_team');
    // Nothing of a refused list is applied, even its valid names.
    await refused(['user:inv-other', 'user:inv-out'], 'agent_not_in_team');
    expect((await server.store.get(conversationId))?.invitedAgentIds).toEqual([]);
    // Bad input: empty list, duplicates, more than ten.
    for (const agentIds of [[], ['user:inv-other', 'user:inv-other'], Array.from({ length: 11 }, (_, i) => `user:x${i}`)]) {
      expect((await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds })).status).toBe(400);
    }
    // A supervisor may be invited; only the owner (or a supervisor) invites.
    expect((await post(owner, conversationId, 'invite', { agentIds: ['user:carla'] })).status).toBe(200);
    expect((await post(other, conversationId, 'invite', { agentIds: ['user:inv-helper'] })).status).toBe(403);
    // Someone not invited cannot leave; the owner cannot leave their own conversation.
    expect((await post(other, conversationId, 'leave', {})).status).toBe(403);
    expect((await post(owner, conversationId, 'leave', {})).status).toBe(403);
    // Another team's agent does not even see it.
    expect((await post(outsider, conversationId, 'leave', {})).status).toBe(404);
  });

  it('R-WS-05 the owner keeps finish and transfer; an invitee may do neither; finishing leaves no group', async () => {
    const { visitor, conversationId } = await activeConversation();
    await post(owner, conversationId, 'invite', { agentIds: ['user:inv-other', 'user:carla'] });
    expect((await post(other, conversationId, 'finish', {})).status).toBe(403);
    expect((await post(other, conversationId, 'transfer', { toTeamId: 'team:comercial' })).status).toBe(403);
    const finished = await post(owner, conversationId, 'finish', {});
    expect(finished.status).toBe(200);
    expect(finished.body.conversation).toMatchObject({ status: 'finished', invitedAgentIds: [] });
    expect((await post(other, conversationId, 'messages', { id: clientId('m'), text: 'depois do fim' })).status).toBe(409);
    const widget = await widgetTranscript(visitor.token);
    expect(widget.filter((m) => m.event?.event === 'invited').map((m) => m.event && 'agentName' in m.event && m.event.agentName).sort())
      .toEqual(['Carla Mendes', 'Otto Outro']);
  });

  it('R-WS-05 a transfer clears the invitees', async () => {
    const { conversationId } = await activeConversation();
    await post(owner, conversationId, 'invite', { agentIds: ['user:inv-other'] });
    const moved = await post(owner, conversationId, 'transfer', { id: clientId('t'), toTeamId: 'team:comercial' });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ status: 'waiting', teamId: 'team:comercial', invitedAgentIds: [] });
  });

  it('R-WS-05 R-WS-09 a paused colleague cannot be invited: 409 in their name, nothing applied; once back, they can', async () => {
    const { conversationId } = await activeConversation();
    await addUser(server, { key: 'inv-paused', name: 'Paula Pausa', email: 'inv-paused@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const paula = (await login(server, 'inv-paused@test.local')).accessToken;
    expect((await call(server, 'POST', '/api/me/pause', { token: paula, body: { typeId: 'pausetype:treinamento' } })).status).toBe(200);
    const refused = await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds: ['user:inv-other', 'user:inv-paused'] });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'paused', message: expect.stringContaining('Paula Pausa está em pausa') });
    expect((await server.store.get(conversationId, { fresh: true }))?.invitedAgentIds).toEqual([]);
    expect((await call(server, 'DELETE', '/api/me/pause', { token: paula })).status).toBe(200);
    const invited = await post(owner, conversationId, 'invite', { id: clientId('i'), agentIds: ['user:inv-paused'] });
    expect(invited.status).toBe(200);
    expect(invited.body.conversation.invitedAgentIds).toEqual(['user:inv-paused']);
  });

  it('R-WS-05 an invitation needs an active conversation', async () => {
    const visitor = await newVisitor(server);
    const { conversationId } = await visitorSays(server, visitor, 'Olá');
    const r = await post(carla, conversationId, 'invite', { agentIds: ['user:inv-other'] });
    expect(r.status).toBe(409);
  });
});

describe('R-WS-19 return to queue and transfer notes', () => {
  it('R-WS-19 the owner returns the conversation to the queue with a note, kept in the forwarding history and hidden from the customer', async () => {
    const { visitor, conversationId } = await activeConversation();
    const id = clientId('r');
    const back = await post(owner, conversationId, 'return', { id, note: 'Cliente pediu retorno à tarde' });
    expect(back.status).toBe(200);
    expect(back.body.conversation).toMatchObject({ status: 'waiting', agentId: null, teamId: 'team:suporte' });
    expect(back.body.conversation.transfers.at(-1)).toMatchObject({ id, toAgentId: null, fromAgentId: 'user:inv-owner', note: 'Cliente pediu retorno à tarde' });
    const trace = await server.store.find({ selector: { type: 'message', conversationId, direction: 'system' }, limit: 50 });
    expect(trace.map((m) => m.payload)).toContainEqual(expect.objectContaining({ event: 'returned', note: 'Cliente pediu retorno à tarde' }));
    const widget = await widgetTranscript(visitor.token);
    const returned = widget.find((m) => m.event?.event === 'returned');
    expect(returned).toBeDefined();
    expect(JSON.stringify(widget)).not.toContain('retorno à tarde');
    // A colleague takes it from the queue and reads the note on the conversation.
    const taken = await post(other, conversationId, 'claim', {});
    expect(taken.body.conversation.transfers.at(-1)?.note).toBe('Cliente pediu retorno à tarde');
  });

  it('R-WS-19 a transfer to an agent keeps its note for the receiver; the customer never gets it', async () => {
    const { visitor, conversationId } = await activeConversation();
    const moved = await post(owner, conversationId, 'transfer', { id: clientId('t'), toAgentId: 'user:inv-other', note: 'Já enviei a segunda via' });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ agentId: 'user:inv-other', status: 'active' });
    expect(moved.body.conversation.transfers.at(-1)?.note).toBe('Já enviei a segunda via');
    const trace = await server.store.find({ selector: { type: 'message', conversationId, direction: 'system' }, limit: 50 });
    expect(trace.map((m) => m.payload)).toContainEqual(expect.objectContaining({ event: 'transferred', note: 'Já enviei a segunda via' }));
    expect(JSON.stringify(await widgetTranscript(visitor.token))).not.toContain('segunda via');
  });

  it('R-WS-19 only the owner or a supervisor returns a conversation; an invitee may not', async () => {
    const { conversationId } = await activeConversation();
    await post(owner, conversationId, 'invite', { agentIds: ['user:inv-other'] });
    expect((await post(other, conversationId, 'return', {})).status).toBe(403);
    const back = await post(carla, conversationId, 'return', { note: 'Redistribuindo' });
    expect(back.status).toBe(200);
    expect(back.body.conversation).toMatchObject({ status: 'waiting', invitedAgentIds: [] });
  });
});

/** The helper takes a conversation of his own: answers the claim's status. */
async function activeConversationFor(token: string): Promise<number> {
  const visitor = await newVisitor(server);
  const { conversationId } = await visitorSays(server, visitor, 'Oi');
  return (await post(token, conversationId, 'claim', {})).status;
}
