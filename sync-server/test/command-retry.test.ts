import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentMessageId, type ConversationDoc, type MessageDoc, type UserDoc } from '@atende/protocol';
import { ConversationService } from '../src/conversations/service.js';
import { getWire } from '../src/store/wire.js';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer, type Visitor } from './helpers.js';

/**
 * Issue 8 point 8: the renderer's outbox repeats a command with the SAME id after a timeout, a
 * dropped connection or a reload, possibly while the first attempt is still being written. The
 * server answers every repeat with the first outcome: never a second message, transfer or
 * finish, and never a refusal of a command it applied.
 */
let server: TestServer;
let ana: string;
let bruno: string;

beforeAll(async () => {
  server = await startTestServer();
  [ana, bruno] = await Promise.all([
    login(server, 'ana@demo.local').then((r) => r.accessToken),
    login(server, 'bruno@demo.local').then((r) => r.accessToken),
  ]);
});
afterAll(() => server.close());

type ConversationReply = { conversation: ConversationDoc; error?: string };
type MessageReply = { message: MessageDoc; error?: string };

let lastVisitor: Visitor | undefined;
async function activeConversation(token = ana): Promise<string> {
  const visitor = await newVisitor(server);
  lastVisitor = visitor;
  const { conversationId } = await visitorSays(server, visitor, 'Preciso de ajuda');
  const claim = await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token, body: {} });
  expect(claim.status).toBe(200);
  return conversationId;
}

const send = (conversationId: string, body: { id: string; text: string }, token = ana) =>
  call<MessageReply>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token, body });
const transfer = (conversationId: string, body: Record<string, unknown>, token = ana) =>
  call<ConversationReply>(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token, body });
const finish = (conversationId: string, body: Record<string, unknown>, token = ana) =>
  call<ConversationReply>(server, 'POST', `/api/conversations/${conversationId}/finish`, { token, body });

async function outgoing(conversationId: string, text: string) {
  await server.jobs.idle();
  const messages = await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 });
  return messages.filter((m) => m.text === text);
}

describe('R-NET-03 commands repeated with the same id are applied once', () => {
  it('R-NET-03 five identical replies at once store one message; every answer carries it', async () => {
    const conversationId = await activeConversation();
    const body = { id: clientId('r'), text: 'uma resposta só' };
    const replies = await Promise.all(Array.from({ length: 5 }, () => send(conversationId, body)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(replies.map((r) => r.body.message.id))).toEqual(new Set([agentMessageId('user:ana', body.id)]));
    expect(await outgoing(conversationId, body.text)).toHaveLength(1);
  });

  it('R-NET-03 a reply retried after its conversation was finished or transferred away answers the stored message', async () => {
    const finished = await activeConversation();
    const first = { id: clientId('r'), text: 'antes de finalizar' };
    expect((await send(finished, first)).status).toBe(201);
    expect((await finish(finished, { id: clientId('f') })).status).toBe(200);
    const afterFinish = await send(finished, first);
    expect([afterFinish.status, afterFinish.body.message.id]).toEqual([200, agentMessageId('user:ana', first.id)]);

    const moved = await activeConversation();
    const second = { id: clientId('r'), text: 'antes de transferir' };
    expect((await send(moved, second)).status).toBe(201);
    expect((await transfer(moved, { id: clientId('t'), toTeamId: 'team:comercial' })).status).toBe(200);
    // Ana is not in Comercial any more: the conversation is gone for her, her own message is not.
    const afterMove = await send(moved, second);
    expect([afterMove.status, afterMove.body.message.id, afterMove.body.message.text]).toEqual([200, agentMessageId('user:ana', second.id), second.text]);
    expect(await outgoing(moved, second.text)).toHaveLength(1);
    // A new message there is still refused: only the repeat is answered.
    expect((await send(moved, { id: clientId('r'), text: 'depois' })).status).toBe(404);
  });

  it('R-NET-03 a message id already used elsewhere or by someone else stays a conflict, not a silent success', async () => {
    const conversationId = await activeConversation();
    const body = { id: clientId('r'), text: 'minha' };
    expect((await send(conversationId, body)).status).toBe(201);
    const other = await activeConversation();
    const elsewhere = await send(other, body);
    expect([elsewhere.status, elsewhere.body.error]).toEqual([409, 'id_conflict']);
    await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: ana, body: { toAgentId: 'user:bruno' } });
    // Ids are namespaced by author (issue 14): Bruno's same client id is a message of his own.
    const byBruno = await send(conversationId, body, bruno);
    expect([byBruno.status, byBruno.body.message.authorId]).toEqual([201, 'user:bruno']);
  });

  it('R-NET-03 three identical finish requests at once all succeed with one finish', async () => {
    const conversationId = await activeConversation();
    const body = { id: clientId('f'), disposition: null, note: 'resolvido' };
    const replies = await Promise.all([finish(conversationId, body), finish(conversationId, body), finish(conversationId, body)]);
    expect(replies.map((r) => [r.status, r.body.error])).toEqual([[200, undefined], [200, undefined], [200, undefined]]);
    const finishedAt = new Set(replies.map((r) => r.body.conversation.finishedAt));
    expect(finishedAt.size).toBe(1);
    const stored = await server.store.get(conversationId);
    expect(stored).toMatchObject({ status: 'finished', finishedBy: 'user:ana', finishNote: 'resolvido', finishedAt: [...finishedAt][0] });
    // A repeat later answers the same outcome; a different finish is a real conflict.
    const later = await finish(conversationId, body);
    expect([later.status, later.body.conversation.finishedAt]).toEqual([200, [...finishedAt][0]]);
    const different = await finish(conversationId, { id: clientId('f'), disposition: 'disposition:resolvido' });
    expect(different.status).toBe(409);
  });

  it('R-NET-03 three identical transfers at once all succeed with one forwarding entry', async () => {
    const conversationId = await activeConversation();
    const body = { id: clientId('t'), toAgentId: 'user:bruno', note: 'segue' };
    const replies = await Promise.all([transfer(conversationId, body), transfer(conversationId, body), transfer(conversationId, body)]);
    expect(replies.map((r) => [r.status, r.body.error])).toEqual([[200, undefined], [200, undefined], [200, undefined]]);
    const stored = await server.store.get(conversationId);
    expect(stored).toMatchObject({ agentId: 'user:bruno', status: 'active' });
    expect((stored?.transfers as unknown[]).length).toBe(1);
    // Bruno reusing Ana's command id is not Ana's repeat.
    const reused = await transfer(conversationId, { ...body, toTeamId: 'team:comercial', toAgentId: undefined }, bruno);
    expect([reused.status, reused.body.error]).toEqual([409, 'id_conflict']);
  });

  it('R-NET-03 a transfer to another team retried after it landed answers the transfer, without what happened there since', async () => {
    const conversationId = await activeConversation();
    const body = { id: clientId('t'), toTeamId: 'team:comercial' };
    const first = await transfer(conversationId, body);
    expect(first.status).toBe(200);
    // The customer keeps writing to Comercial; Ana may no longer read it.
    const visitor = lastVisitor;
    if (!visitor) throw new Error('no visitor');
    await visitorSays(server, visitor, 'assunto do comercial');
    expect(await server.store.get(conversationId)).toMatchObject({ teamId: 'team:comercial', lastPreview: 'assunto do comercial' });
    const concurrent = await Promise.all([transfer(conversationId, body), transfer(conversationId, body)]);
    for (const retry of concurrent) {
      expect(retry.status).toBe(200);
      expect(retry.body.conversation).toMatchObject({ id: conversationId, teamId: 'team:comercial', agentId: null, status: 'waiting' });
      expect(retry.body.conversation.transfers).toEqual([expect.objectContaining({ id: body.id, byUserId: 'user:ana' })]);
      expect(JSON.stringify(retry.body)).not.toContain('assunto do comercial');
    }
    expect(((await server.store.get(conversationId))?.transfers as unknown[]).length).toBe(1);
  });

  it('R-NET-03 a finish repeated while its first attempt is being written: the store arbitrates, both answer one finish', async () => {
    const conversationId = await activeConversation();
    const user = await getWire<UserDoc>(server.store, 'user:ana');
    if (!user) throw new Error('no Ana');
    const service = new ConversationService(server.store);
    const body = { id: clientId('f'), disposition: null, note: 'repetido' };
    const write = server.store.bulkWrite.bind(server.store);
    let repeat: Promise<ConversationDoc> | undefined;
    // The repeat runs between the first attempt's read and its write, and reaches the store first.
    server.store.bulkWrite = async (docs, options) => {
      if (!repeat && docs.some((d) => d._id === conversationId && d.status === 'finished')) {
        repeat = service.finish(user, conversationId, body);
        await repeat;
      }
      return write(docs, options);
    };
    let first: ConversationDoc;
    try {
      first = await service.finish(user, conversationId, body);
    } finally {
      server.store.bulkWrite = write;
    }
    expect(repeat).toBeDefined();
    const second = await repeat;
    expect(first).toMatchObject({ status: 'finished', finishedBy: 'user:ana', finishedAt: second?.finishedAt });
    expect(await getWire(server.store, conversationId)).toMatchObject({ finishedAt: second?.finishedAt });
  });
});
