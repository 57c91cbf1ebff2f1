import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentMessageId, keyOf, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { DISABLED_REASON, UNCERTAIN_REASON } from '../src/channels/outbound.js';
import { SEND_JOB } from '../src/conversations/messages.js';
import { jobId, type JobDoc } from '../src/jobs/types.js';
import { getWire } from '../src/store/wire.js';
import { createFakeAccount, deliver, installFakeChannel } from './fakeChannel.js';
import { addUser, call, clientId, login, startTestServer, type TestServer } from './helpers.js';
import { textDelivery, type ScriptedUpstream } from './scriptedAdapter.js';
import { until } from './redis.js';

let server: TestServer;
let upstream: ScriptedUpstream;
let admin: string;
let agent: string;
let account: Awaited<ReturnType<typeof createFakeAccount>>;
let nextChat = 7_000_000;

beforeAll(async () => {
  server = await startTestServer();
  upstream = installFakeChannel(server);
  admin = (await login(server, 'admin@demo.local')).accessToken;
  // Room for one active conversation per test without finishing any.
  const user = await addUser(server, { key: 'outbox', name: 'Olga Outbox', email: 'outbox@test.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  agent = (await login(server, user.email)).accessToken;
  account = await createFakeAccount(server, admin, 'Outbox');
});
afterEach(async () => {
  upstream.reset();
  await server.jobs.idle();
});
afterAll(() => server.close());

/** A customer writes and our agent claims the conversation. */
async function activeConversation(on = account): Promise<{ conversationId: string; chat: number }> {
  const chat = ++nextChat;
  expect((await deliver(server, on.path, textDelivery(chat, 1, 'Preciso de ajuda'))).status).toBe(200);
  const [found] = await server.store.find({ selector: { type: 'message', externalId: `${chat}:1` }, limit: 1 });
  const conversationId = String(found?.conversationId);
  const claim = await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: agent, body: {} });
  expect(claim.status).toBe(200);
  return { conversationId, chat };
}

async function reply(conversationId: string, text: string, key = clientId('o')) {
  const res = await call<{ message: MessageDoc }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: agent, body: { id: key, text } });
  expect(res.status).toBe(201);
  // The send job's key is the message's: the client id namespaced by its author (issue 14).
  return { key: keyOf(res.body.message.id), messageId: res.body.message.id, status: res.body.message.status };
}

const messageOf = async (id: string) => getWire<MessageDoc>(server.store, id);
const jobOf = async (key: string) => (await server.store.get(jobId(SEND_JOB, key))) as JobDoc | undefined;

async function untilStatus(messageId: string, status: MessageDoc['status']): Promise<MessageDoc> {
  await until(async () => (await messageOf(messageId))?.status === status, 10_000);
  const message = await messageOf(messageId);
  if (!message) throw new Error(`${messageId} vanished`);
  return message;
}

function resend(conversationId: string, messageId: string) {
  return call<{ message?: MessageDoc; error?: string }>(server, 'POST', `/api/conversations/${conversationId}/messages/${messageId}/resend`, { token: agent, body: {} });
}

describe('R-OPS-02 outbox: agent replies to an upstream channel', () => {
  it('R-WS-04 the reply is 201 queued while the upstream hangs, then queued → sent with the upstream id stored', async () => {
    const { conversationId, chat } = await activeConversation();
    upstream.next({ type: 'hang' });
    const sent = await reply(conversationId, 'Já verifico para você');
    expect(sent.status).toBe('queued');
    await until(() => upstream.callsFor(sent.messageId).length === 1);
    expect(upstream.calls[0]).toMatchObject({ text: 'Já verifico para você', address: String(chat), idempotencyKey: sent.key });
    expect(await messageOf(sent.messageId)).toMatchObject({ status: 'queued', externalId: null });
    const conversation = await getWire<ConversationDoc>(server.store, conversationId);
    expect(conversation?.lastPreview).toBe('Já verifico para você');

    upstream.release();
    const done = await untilStatus(sent.messageId, 'sent');
    expect(done.externalId).toMatch(/^out\.\d+$/);
    expect(done.error).toBeNull();
    expect(upstream.callsFor(sent.messageId)).toHaveLength(1);
    expect(await jobOf(sent.key)).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('R-OPS-02 RetryLater(retry_after): the next attempt waits at least that long, then the message is sent', async () => {
    const { conversationId } = await activeConversation();
    // Above the policy's first backoff (1 s base, 0.5–1 s with jitter), so only an honoured
    // retry_after can explain the gap.
    const retryAfterMs = 1_200;
    upstream.next({ type: 'retry', message: 'Too Many Requests: retry after 1.2', retryAfterMs });
    const sent = await reply(conversationId, 'Um momento');
    const done = await untilStatus(sent.messageId, 'sent');
    const calls = upstream.callsFor(sent.messageId);
    expect(calls).toHaveLength(2);
    const [first, second] = calls;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(retryAfterMs);
    // The same idempotency key on every attempt of one send.
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(done.externalId).toMatch(/^out\./);
    expect(await jobOf(sent.key)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('R-OPS-02 PermanentFailure → failed with the reason; "Reenviar" queues a new send that goes out', async () => {
    const { conversationId } = await activeConversation();
    upstream.next({ type: 'permanent', reason: 'Bad Request: chat not found' });
    const sent = await reply(conversationId, 'Olá?');
    const failed = await untilStatus(sent.messageId, 'failed');
    expect(failed.error).toBe('Bad Request: chat not found');
    expect(await jobOf(sent.key)).toMatchObject({ state: 'dead' });

    const again = await resend(conversationId, sent.messageId);
    expect(again.status).toBe(200);
    expect(again.body.message).toMatchObject({ id: sent.messageId, status: 'queued', error: null });
    const done = await untilStatus(sent.messageId, 'sent');
    expect(done.externalId).toMatch(/^out\./);
    expect(upstream.callsFor(sent.messageId)).toHaveLength(2);

    const notFailed = await resend(conversationId, sent.messageId);
    expect(notFailed.status).toBe(409);
    expect(notFailed.body.error).toBe('not_failed');
  });

  it('R-OPS-02 two concurrent "Reenviar" of one failure make exactly one extra send', async () => {
    const { conversationId } = await activeConversation();
    upstream.next({ type: 'permanent', reason: 'Forbidden: bot was blocked by the user' });
    const sent = await reply(conversationId, 'Tudo certo?');
    await untilStatus(sent.messageId, 'failed');
    const replies = await Promise.all([resend(conversationId, sent.messageId), resend(conversationId, sent.messageId)]);
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    await untilStatus(sent.messageId, 'sent');
    await server.jobs.idle();
    expect(upstream.callsFor(sent.messageId)).toHaveLength(2);
  });

  it('R-OPS-02 an interrupted send (UncertainSend) is never repeated: failed with the uncertain reason, one call, job dead', async () => {
    const { conversationId } = await activeConversation();
    upstream.next({ type: 'uncertain' });
    const sent = await reply(conversationId, 'Chegou?');
    const failed = await untilStatus(sent.messageId, 'failed');
    expect(failed.error).toBe(UNCERTAIN_REASON);
    await server.jobs.idle();
    expect(upstream.callsFor(sent.messageId)).toHaveLength(1);
    expect(await jobOf(sent.key)).toMatchObject({ state: 'dead' });
  });

  it('R-OPS-02 a send log left in_flight by a node that died mid-send is never sent again blindly', async () => {
    const { conversationId } = await activeConversation();
    const key = clientId('o');
    const sendKey = keyOf(agentMessageId('user:outbox', key));
    // What a node leaves behind when it crashed after the request left and before the answer.
    const [written] = await server.store.bulkWrite([
      { _id: `sendlog:${sendKey}`, type: 'sendlog', state: 'in_flight', externalId: null, status: null, updatedAt: Date.now() },
    ]);
    expect(written?.ok).toBe(true);
    const sent = await reply(conversationId, 'Depois da queda', key);
    const failed = await untilStatus(sent.messageId, 'failed');
    expect(failed.error).toBe(UNCERTAIN_REASON);
    await server.jobs.idle();
    expect(upstream.callsFor(sent.messageId)).toHaveLength(0);
    expect(await jobOf(sendKey)).toMatchObject({ state: 'dead' });
  });

  it('R-OPS-02 a reply on a disabled channel ends failed with the disabled reason and is not sent', async () => {
    const other = await createFakeAccount(server, admin, 'Vai desligar');
    const { conversationId } = await activeConversation(other);
    const off = await call(server, 'PATCH', `/api/admin/channels/${other.id}`, { token: admin, body: { enabled: false } });
    expect(off.status).toBe(200);
    const sent = await reply(conversationId, 'Alguém aí?');
    const failed = await untilStatus(sent.messageId, 'failed');
    expect(failed.error).toBe(DISABLED_REASON);
    expect(upstream.callsFor(sent.messageId)).toHaveLength(0);
  });

  it('R-OPS-02 a job that dies after the upstream took the message records it as sent, not failed', async () => {
    const { conversationId } = await activeConversation();
    const conversation = await getWire<ConversationDoc>(server.store, conversationId);
    const key = clientId('o');
    const now = Date.now();
    // A node took the message to the upstream on the job's last attempt and died before updating
    // the message: its job is left running with an expired lease and no attempt to spare.
    const message: MessageDoc = {
      id: `message:${key}`, type: 'message', createdAt: now, updatedAt: now, conversationId, teamId: String(conversation?.teamId),
      formerTeamIds: [], direction: 'out', authorId: 'user:outbox', authorName: 'Olga Outbox', kind: 'text', text: 'Chegou antes da queda',
      attachments: [], visibility: 'public', status: 'queued', error: null, externalId: null, payload: {},
    };
    const { id, ...fields } = message;
    const results = await server.store.bulkWrite([
      { _id: id, ...fields },
      { _id: `sendlog:${key}`, type: 'sendlog', state: 'sent', externalId: 'tg-before-crash', status: 'sent', updatedAt: now },
      {
        _id: jobId(SEND_JOB, key), type: 'job', kind: SEND_JOB, key, payload: { messageId: id }, state: 'running', attempts: 8,
        runAt: now - 60_000, leaseUntil: now - 1_000, owner: 'dead-node', lastError: null, createdAt: now - 60_000, updatedAt: now - 1_000,
      },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const done = await untilStatus(id, 'sent');
    expect(done.externalId).toBe('tg-before-crash');
    expect(await jobOf(key)).toMatchObject({ state: 'dead' });
    expect(upstream.callsFor(id)).toHaveLength(0);
  });

  it('R-OPS-02 a message still queued after its send job ended is sent by a follow-up job that honours the first attempt', async () => {
    const { conversationId } = await activeConversation();
    const key = clientId('o');
    const sent = await reply(conversationId, 'Vai ficar presa', key);
    await untilStatus(sent.messageId, 'sent');
    expect(upstream.callsFor(sent.messageId)).toHaveLength(1);
    // A dead-letter write that failed (or a partial write on a cluster) left the message queued
    // after its job ended; the first attempt's log says it never left.
    const stored = await server.store.get(sent.messageId);
    await server.store.bulkWrite([{ ...stored!, status: 'queued', externalId: null }]);
    const log = await server.store.get(`sendlog:${sent.key}`);
    await server.store.bulkWrite([{ ...log!, state: 'idle', externalId: null, status: null }]);
    const retried = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: agent, body: { id: key, text: 'Vai ficar presa' } });
    expect(retried.status).toBe(200);
    await untilStatus(sent.messageId, 'sent');
    expect(upstream.callsFor(sent.messageId)).toHaveLength(2);
    // Asked again while the first attempt's log says "sent": recorded, not sent a third time.
    const again = await server.store.get(sent.messageId);
    await server.store.bulkWrite([{ ...again!, status: 'queued' }]);
    await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: agent, body: { id: key, text: 'Vai ficar presa' } });
    await untilStatus(sent.messageId, 'sent');
    await server.jobs.idle();
    expect(upstream.callsFor(sent.messageId)).toHaveLength(2);
  });
});
