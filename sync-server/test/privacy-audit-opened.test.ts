import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, ConversationDoc, UserDoc } from '@atende/protocol';
import { recordOtherTeamReads } from '../src/privacy/auditReads.js';
import { getWire, toStored } from '../src/store/wire.js';
import { addUser, call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * "Opened a conversation of another team" (issue 19 point 8, R-PRIV-05): the desk's beacon
 * (`POST /api/privacy/opened`) and the server's own reads (a conversation's messages, a contact's
 * history and gallery) record one entry per user and conversation per hour, and only for a
 * conversation the user may read whose team is not theirs. The website chat's conversations are
 * team Suporte's; Sofia supervises Comercial only, Caio is a Comercial agent, Carla supervises both.
 */
let server: TestServer;
let admin: string;
let carla: string;
let ana: string;
let sofia: string;
let caio: string;
const UA = 'AtendeDesk/19.0 (audit test)';

beforeAll(async () => {
  server = await startTestServer();
  const token = async (email: string) => (await login(server, email)).accessToken;
  await addUser(server, { key: 'sofia', name: 'Sofia Comercial', email: 'sofia@audit.local', role: 'supervisor', teamIds: ['team:comercial'] });
  await addUser(server, { key: 'caio', name: 'Caio Comercial', email: 'caio@audit.local', role: 'agent', teamIds: ['team:comercial'] });
  admin = await token('admin@demo.local');
  carla = await token('carla@demo.local');
  ana = await token('ana@demo.local');
  sofia = await token('sofia@audit.local');
  caio = await token('caio@audit.local');
}, 60_000);
afterAll(() => server.close());

/** A website chat conversation (team Suporte), claimed by Ana and, when asked, finished. */
async function supportConversation(finished = false): Promise<ConversationDoc> {
  const visitor = await newVisitor(server);
  const { conversationId } = await visitorSays(server, visitor, 'Meu pedido não chegou');
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana })).status).toBe(200);
  if (finished) expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: {} })).status).toBe(200);
  const stored = await getWire<ConversationDoc>(server.store, conversationId);
  if (!stored) throw new Error('conversation not stored');
  return stored;
}

/** The entries naming this conversation. */
async function openedOf(conversationId: string): Promise<AuditEntry[]> {
  const reply = await call<{ entries: AuditEntry[] }>(server, 'GET', '/api/admin/audit?action=other_team_conversation&limit=1000', { token: admin });
  expect(reply.status).toBe(200);
  return reply.body.entries.filter((e) => e.subjectId === conversationId);
}

const opened = (token: string, conversationId: unknown) =>
  call(server, 'POST', '/api/privacy/opened', { token, body: { conversationId }, headers: { 'user-agent': UA } });

describe('R-PRIV-05 audit of another team\'s conversation opened', () => {
  it('R-PRIV-05: the desk opening its own team\'s conversation records nothing; another team\'s records one entry — who, what, from where', async () => {
    const conversation = await supportConversation();
    expect((await opened(carla, conversation.id)).status).toBe(204);
    expect((await opened(ana, conversation.id)).status).toBe(204);
    expect(await openedOf(conversation.id)).toEqual([]);
    expect((await opened(sofia, conversation.id)).status).toBe(204);
    const [entry, ...more] = await openedOf(conversation.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      action: 'other_team_conversation', actorId: 'user:sofia', actorName: 'Sofia Comercial', subjectId: conversation.id, userAgent: UA, detail: 'desk',
    });
    expect(entry?.ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it('R-PRIV-05: a repeat within the hour is still one entry — also two at once; the next hour is a new one', async () => {
    const conversation = await supportConversation();
    await Promise.all([opened(sofia, conversation.id), opened(sofia, conversation.id), opened(sofia, conversation.id)]);
    expect((await opened(sofia, conversation.id)).status).toBe(204);
    expect(await openedOf(conversation.id)).toHaveLength(1);
    // Another user opening it is their own entry.
    await opened(admin, conversation.id);
    expect(await openedOf(conversation.id)).toHaveLength(1); // the demo admin is in both teams
    const user: UserDoc = {
      id: 'user:sofia', type: 'user', name: 'Sofia Comercial', email: 'sofia@audit.local', role: 'supervisor', teamIds: ['team:comercial'],
      maxConcurrent: 5, createdAt: 0, updatedAt: 0,
    };
    const nextHour = Date.now() + 3_600_000;
    const origin = { ip: '127.0.0.1', userAgent: UA };
    expect(await recordOtherTeamReads(server.store, user, [conversation.id], origin, 'desk', nextHour)).toBe(1);
    expect(await recordOtherTeamReads(server.store, user, [conversation.id], origin, 'desk', nextHour + 1000)).toBe(0);
    expect(await openedOf(conversation.id)).toHaveLength(2);
  });

  it('R-PRIV-05: a conversation the caller may not see, or that does not exist, records nothing (and the answer tells nothing: 204)', async () => {
    const conversation = await supportConversation();
    expect((await opened(caio, conversation.id)).status).toBe(204);
    expect((await opened(sofia, 'conversation:does-not-exist')).status).toBe(204);
    expect(await openedOf(conversation.id)).toEqual([]);
    expect(await openedOf('conversation:does-not-exist')).toEqual([]);
  });

  it('R-PRIV-05: a bad body is refused (400) with a message; no token 401', async () => {
    for (const body of [{}, { conversationId: 42 }, { conversationId: 'x'.repeat(300) }, { conversationId: 'conversation:a', extra: 1 }]) {
      const reply = await call<{ message: string }>(server, 'POST', '/api/privacy/opened', { token: sofia, body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.message).toEqual(expect.any(String));
    }
    expect((await call(server, 'POST', '/api/privacy/opened', { body: { conversationId: 'conversation:a' } })).status).toBe(401);
  });

  it('R-PRIV-05: the server records a read of another team\'s messages (GET …/messages) once per hour; its own team\'s or a refused read records nothing', async () => {
    const conversation = await supportConversation();
    const read = (token: string) => call(server, 'GET', `/api/conversations/${conversation.id}/messages`, { token, headers: { 'user-agent': UA } });
    expect((await read(carla)).status).toBe(200);
    expect((await read(ana)).status).toBe(200);
    expect((await read(caio)).status).toBe(404);
    expect(await openedOf(conversation.id)).toEqual([]);
    expect((await read(sofia)).status).toBe(200);
    expect((await read(sofia)).status).toBe(200);
    const entries = await openedOf(conversation.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: 'user:sofia', detail: 'messages', userAgent: UA });
    // The desk's beacon for the same conversation within the hour adds nothing.
    await opened(sofia, conversation.id);
    expect(await openedOf(conversation.id)).toHaveLength(1);
  });

  it('R-PRIV-05: a contact\'s history listing another team\'s finished conversations records each of them once', async () => {
    const conversation = await supportConversation(true);
    const history = (token: string) => call<{ conversations: Array<{ id: string }> }>(server, 'GET', `/api/contacts/${conversation.contactId}/history`, { token });
    const own = await history(carla);
    expect(own.body.conversations.map((c) => c.id)).toContain(conversation.id);
    expect(await openedOf(conversation.id)).toEqual([]);
    const other = await history(sofia);
    expect(other.status).toBe(200);
    expect(other.body.conversations.map((c) => c.id)).toEqual([conversation.id]);
    await history(sofia);
    const entries = await openedOf(conversation.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: 'user:sofia', detail: 'history' });
    // An agent of another team without the history permission reads none of it, and nothing is recorded for them.
    const caios = await history(caio);
    expect(caios.status === 404 || (caios.status === 200 && caios.body.conversations.length === 0)).toBe(true);
    expect((await openedOf(conversation.id)).filter((e) => e.actorId === 'user:caio')).toEqual([]);
  });
  it('R-PRIV-05: a contact\'s gallery showing files of another team\'s conversation records that conversation once', async () => {
    const conversation = await supportConversation(true);
    const at = Date.now();
    const message = {
      id: `message:${clientId('f')}`, type: 'message', createdAt: at, updatedAt: at, conversationId: conversation.id, teamId: conversation.teamId,
      formerTeamIds: [], direction: 'in', authorId: conversation.contactId, authorName: 'Cliente', kind: 'image', text: 'segue a foto',
      attachments: [{ mediaId: 'media:audit-photo', name: 'foto.jpg', mimeType: 'image/jpeg', size: 10, kind: 'image', thumbnail: false }],
      visibility: 'public', status: 'delivered', error: null, externalId: null, payload: {},
    };
    expect((await server.store.bulkWrite([toStored(message)]))[0]?.ok).toBe(true);
    const gallery = (token: string) => call<{ items: Array<{ conversationId: string }> }>(server, 'GET', `/api/contacts/${conversation.contactId}/media`, { token });
    expect((await gallery(carla)).body.items.map((i) => i.conversationId)).toEqual([conversation.id]);
    expect(await openedOf(conversation.id)).toEqual([]);
    expect((await gallery(sofia)).body.items.map((i) => i.conversationId)).toEqual([conversation.id]);
    await gallery(sofia);
    const entries = await openedOf(conversation.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: 'user:sofia', detail: 'media' });
  });
});

