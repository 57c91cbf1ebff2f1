import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentMessageId, Id, type MessageDoc } from '@atende/protocol';
import { addUser, call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * Issue 14: an agent's message id is namespaced by its author, so no one can take an id another
 * author will use (the later message would be answered and never stored), and a clash never
 * tells that someone else's message exists (the id_conflict oracle).
 */
let server: TestServer;
let ana: string;
let dora: string;

beforeAll(async () => {
  server = await startTestServer();
  await addUser(server, { key: 'dora', name: 'Dora Comercial', email: 'dora@demo.local', role: 'agent', teamIds: ['team:comercial'] });
  ana = (await login(server, 'ana@demo.local')).accessToken;
  dora = (await login(server, 'dora@demo.local')).accessToken;
});
afterAll(() => server.close());

type MessageReply = { message: MessageDoc; error?: string };

async function activeConversation(token: string, account = 'demo-site'): Promise<string> {
  const { conversationId } = await visitorSays(server, await newVisitor(server, account), 'Preciso de ajuda');
  const conversation = await server.store.get(conversationId);
  if (token === dora && conversation?.teamId !== 'team:comercial') {
    const moved = await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: (await login(server, 'carla@demo.local')).accessToken, body: { toTeamId: 'team:comercial' } });
    expect(moved.status).toBe(200);
  }
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token, body: {} })).status).toBe(200);
  return conversationId;
}

const send = (conversationId: string, body: { id: string; text: string }, token: string) =>
  call<MessageReply>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token, body });

describe('R-CH-02 R-CH-11 agent message ids are namespaced by their author', () => {
  it('R-CH-11 another team’s message id answers like any new id: a message of the caller’s own, no id_conflict oracle', async () => {
    const theirs = await activeConversation(dora);
    const mine = await activeConversation(ana);
    const id = clientId('m');
    const first = await send(theirs, { id, text: 'do comercial' }, dora);
    expect(first.status).toBe(201);
    const clash = await send(mine, { id, text: 'do suporte' }, ana);
    expect([clash.status, clash.body.error]).toEqual([201, undefined]);
    expect(clash.body.message).toMatchObject({ id: agentMessageId('user:ana', id), conversationId: mine, authorId: 'user:ana', text: 'do suporte' });
    expect(await server.store.get(first.body.message.id)).toMatchObject({ conversationId: theirs, authorId: 'user:dora', text: 'do comercial' });
    // The author's own repeat still answers the first outcome.
    const repeat = await send(mine, { id, text: 'do suporte' }, ana);
    expect([repeat.status, repeat.body.message.id]).toEqual([200, clash.body.message.id]);
  });

  it('R-CH-02 no author can take the id of another’s later message: both are stored; server prefixes stay refused', async () => {
    const conversationId = await activeConversation(ana);
    const id = clientId('s');
    const squatter = await send(conversationId, { id, text: 'primeiro' }, ana);
    expect(squatter.status).toBe(201);
    const bruno = (await login(server, 'bruno@demo.local')).accessToken;
    const invited = await call(server, 'POST', `/api/conversations/${conversationId}/invite`, { token: ana, body: { agentIds: ['user:bruno'] } });
    expect(invited.status).toBe(200);
    const later = await send(conversationId, { id, text: 'segundo' }, bruno);
    expect([later.status, later.body.message.authorId, later.body.message.text]).toEqual([201, 'user:bruno', 'segundo']);
    expect(later.body.message.id).not.toBe(squatter.body.message.id);
    expect(await server.store.get(squatter.body.message.id)).toMatchObject({ authorId: 'user:ana', text: 'primeiro' });
    expect(await server.store.get(later.body.message.id)).toMatchObject({ authorId: 'user:bruno', text: 'segundo' });
    // A visitor's key (and the other server-made keys) never comes from an agent.
    const visitorKey = await send(conversationId, { id: `wc-${clientId('x')}`, text: 'invasão' }, ana);
    expect(visitorKey.status).toBe(400);
  });

  it('R-CH-11 a namespaced id stays a valid id for the longest client id and user key, and distinct per author', () => {
    const longest = 'x'.repeat(64);
    const ids = ['user:ana', 'user:bruno', `user:${'k'.repeat(95)}`, `user:${'k'.repeat(94)}j`].map((u) => agentMessageId(u, longest));
    for (const id of ids) expect(Id.safeParse(id).success).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
