import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDoc } from '@atende/protocol';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * Issue 14: a finish is recognised by its command id. The same command, however often and
 * however concurrently it arrives, answers the one finish; another finish command afterwards
 * (even the same agent's, with the same disposition) is a second finish and is refused.
 */
let server: TestServer;
let ana: string;

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
});
afterAll(() => server.close());

type ConversationReply = { conversation: ConversationDoc; error?: string };

async function activeConversation(): Promise<string> {
  const { conversationId } = await visitorSays(server, await newVisitor(server), 'Preciso de ajuda');
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
  return conversationId;
}

const finish = (conversationId: string, body: Record<string, unknown>) =>
  call<ConversationReply>(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body });

describe('R-WS-06 a finish is idempotent by its command id', () => {
  it('R-WS-06 the same finish command three times at once answers one finish; a different command after it is refused as finished', async () => {
    const conversationId = await activeConversation();
    const body = { id: clientId('f'), disposition: 'disposition:duvida', note: 'resolvido' };
    const replies = await Promise.all([finish(conversationId, body), finish(conversationId, body), finish(conversationId, body)]);
    expect(replies.map((r) => [r.status, r.body.error])).toEqual([[200, undefined], [200, undefined], [200, undefined]]);
    expect(new Set(replies.map((r) => r.body.conversation.finishedAt)).size).toBe(1);
    expect(replies.map((r) => r.body.conversation.id)).toEqual([conversationId, conversationId, conversationId]);
    // The same agent, the same disposition, but another command: a second finish, not a repeat.
    const another = await finish(conversationId, { ...body, id: clientId('f') });
    expect([another.status, another.body.error]).toEqual([409, 'finished']);
    const repeat = await finish(conversationId, body);
    expect([repeat.status, repeat.body.conversation.finishedAt]).toEqual([200, replies[0]?.body.conversation.finishedAt]);
  });

  it('R-WS-06 two different finish commands at once: exactly one finishes, the other is refused as finished', async () => {
    const conversationId = await activeConversation();
    const body = { disposition: null, note: '' };
    const replies = await Promise.all([finish(conversationId, { ...body, id: clientId('f') }), finish(conversationId, { ...body, id: clientId('f') })]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.status === 409)?.body.error).toBe('finished');
  });
});
