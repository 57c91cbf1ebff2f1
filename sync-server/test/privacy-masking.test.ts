import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminUser, AuditEntry, MessageDoc, SyncCheckpoint } from '@atende/protocol';
import { toStored } from '../src/store/wire.js';
import { call, clientId, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * Issue 19 point 4, R-PRIV-04: personal data in message text (a CPF, a card number, an e-mail, a
 * phone) never leaves the server unmasked for an agent without "ver dados pessoais" — not by
 * replication (fresh or incremental), the live stream, nor any REST answer — while supervisors and
 * agents granted the permission read it as written, and the store keeps the original. Raw response
 * bodies are searched, not parsed fields.
 */
let server: TestServer;
let ana: string;
let bruno: string;
let carla: string;
let admin: string;

const CPF = '529.982.247-25';
const CARD = '4111 1111 1111 1111';
const EMAIL = 'maria.silva@exemplo.com.br';
const PHONE = '(11) 98765-4321';
const ORIGINALS = [CPF, '52998224725', CARD, '4111111111111111', EMAIL, PHONE, '98765'];
const MASKED = ['***.***.***-25', '**** **** **** 1111', 'm***@exemplo.com.br', '(11) *****-4321'];
// Not personal data by their check digits: they stay as written for everyone.
const INVALID_CPF = '123.456.789-00';
const NOT_LUHN = '4111 1111 1111 1112';
const TEXT = `Meu CPF é ${CPF}, cartão ${CARD}, e-mail ${EMAIL}, fone ${PHONE}. Pedido ${INVALID_CPF} e ${NOT_LUHN}.`;

beforeAll(async () => {
  server = await startTestServer();
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [ana, bruno, carla, admin] = await Promise.all([token('ana'), token('bruno'), token('carla'), token('admin')]);
});
afterAll(() => server.close());

/** The raw body of a GET: what went over the wire, as text. */
async function raw(route: string, token: string): Promise<{ status: number; text: string }> {
  const res = await fetch(server.url + route, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

/** Every page of a collection's pull as raw text, and the last checkpoint. */
async function pullRaw(token: string, collection: string, from: SyncCheckpoint | null = null) {
  let checkpoint: SyncCheckpoint | null = from;
  let text = '';
  const documents: Array<Record<string, unknown>> = [];
  for (let page = 0; page < 100; page++) {
    const query = `?limit=100${checkpoint ? `&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}` : ''}`;
    const reply = await raw(`/api/sync/${collection}/pull${query}`, token);
    if (reply.status !== 200) return { status: reply.status, text: reply.text, documents, checkpoint };
    text += reply.text;
    const body = JSON.parse(reply.text) as { documents: Array<Record<string, unknown>>; checkpoint: SyncCheckpoint };
    documents.push(...body.documents);
    checkpoint = body.checkpoint;
    if (body.documents.length < 100) break;
  }
  return { status: 200, text, documents, checkpoint };
}

const expectMasked = (text: string) => {
  for (const original of ORIGINALS) expect(text).not.toContain(original);
  for (const masked of MASKED) expect(text).toContain(masked);
  expect(text).toContain(INVALID_CPF);
  expect(text).toContain(NOT_LUHN);
};
const expectOriginal = (text: string) => {
  for (const original of [CPF, CARD, EMAIL, PHONE]) expect(text).toContain(original);
};

/** A website visitor writes the text; answers the conversation and message ids. */
async function customerWrites(text = TEXT) {
  const visitor = await newVisitor(server, 'demo-site', 'Maria Silva');
  return visitorSays(server, visitor, text);
}

async function setPersonalData(userId: string, personalData: boolean): Promise<AdminUser> {
  const list = await call<{ users: AdminUser[] }>(server, 'GET', '/api/admin/users', { token: admin });
  const user = list.body.users.find((u) => u.id === userId);
  const reply = await call<AdminUser>(server, 'PATCH', `/api/admin/users/${userId}`, {
    token: admin, body: { permissions: { ...user?.permissions, personalData } },
  });
  expect(reply.status).toBe(200);
  return reply.body;
}

describe('R-PRIV-04 masking of personal data before anything leaves the server', () => {
  it('R-PRIV-04 a fresh pull gives an agent without "ver dados pessoais" the messages and previews masked; the store keeps the original', async () => {
    const { messageId, conversationId } = await customerWrites();
    const messages = await pullRaw(ana, 'messages');
    expect(messages.documents.map((d) => d.id)).toContain(messageId);
    expectMasked(messages.text);
    const conversations = await pullRaw(ana, 'conversations');
    const preview = conversations.documents.find((d) => d.id === conversationId)?.lastPreview;
    expect(preview).toContain('***.***.***-25');
    for (const original of ORIGINALS) expect(conversations.text).not.toContain(original);
    expect((await server.store.get(messageId))?.text).toBe(TEXT);
    expect((await server.store.get(conversationId))?.lastPreview).toContain(CPF);
  });

  it('R-PRIV-04 string values of a message payload are masked too (a shared contact card)', async () => {
    const { conversationId } = await customerWrites('um contato');
    const now = Date.now();
    const id = `message:${clientId('h5p')}`;
    const shared: MessageDoc = {
      id, type: 'message', conversationId, teamId: 'team:suporte', formerTeamIds: [], direction: 'in', authorId: null, authorName: 'Maria',
      kind: 'contacts', text: '', attachments: [], visibility: 'public', status: 'delivered', error: null, externalId: null,
      payload: { vcard: `TEL:${PHONE};EMAIL:${EMAIL}`, count: 1 }, createdAt: now, updatedAt: now,
    };
    expect((await server.store.bulkWrite([toStored(shared)]))[0]?.ok).toBe(true);
    const agent = await raw(`/api/conversations/${conversationId}/messages`, ana);
    expect(agent.status).toBe(200);
    const payload = (JSON.parse(agent.text) as { messages: MessageDoc[] }).messages.find((m) => m.id === id)?.payload;
    expect(payload).toEqual({ vcard: 'TEL:(11) *****-4321;EMAIL:m***@exemplo.com.br', count: 1 });
    expect((await raw(`/api/conversations/${conversationId}/messages`, carla)).text).toContain(EMAIL);
  });

  it('R-PRIV-04 an incremental pull after the checkpoint also carries the new message masked', async () => {
    const before = await pullRaw(ana, 'messages');
    const { messageId } = await customerWrites();
    const next = await pullRaw(ana, 'messages', before.checkpoint);
    expect(next.status).toBe(200);
    expect(next.documents.map((d) => d.id)).toContain(messageId);
    expectMasked(next.text);
  });

  it('R-PRIV-04 supervisors read the originals by pull and REST', async () => {
    const { conversationId } = await customerWrites();
    expectOriginal((await pullRaw(carla, 'messages')).text);
    expectOriginal((await pullRaw(carla, 'conversations')).text);
    expectOriginal((await raw(`/api/conversations/${conversationId}/messages`, carla)).text);
  });

  it('R-PRIV-04 the live stream: one change reaches the agent\'s socket masked and the supervisor\'s as written', async () => {
    const [agentSocket, supervisorSocket] = await Promise.all([FrameClient.agent(server, ana), FrameClient.agent(server, carla)]);
    try {
      const { messageId } = await customerWrites();
      const framed = (f: Record<string, unknown>) =>
        f.type === 'sync.docs' && (f.documents as Array<{ id: string }>).some((d) => d.id === messageId);
      const [agentFrame, supervisorFrame] = await Promise.all([agentSocket.next(framed), supervisorSocket.next(framed)]);
      expectMasked(JSON.stringify(agentFrame));
      expectOriginal(JSON.stringify(supervisorFrame));
      // Every frame the agent got, previews of the conversation included.
      for (const original of ORIGINALS) expect(JSON.stringify(agentSocket.frames)).not.toContain(original);
    } finally {
      agentSocket.close();
      supervisorSocket.close();
    }
  });

  it('R-PRIV-04 REST: the transcript, a command\'s conversation and a sent message\'s answer are masked for the agent', async () => {
    const { conversationId } = await customerWrites();
    const transcript = await raw(`/api/conversations/${conversationId}/messages`, ana);
    expect(transcript.status).toBe(200);
    expectMasked(transcript.text);
    const claim = await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana });
    expect(claim.status).toBe(200);
    for (const original of ORIGINALS) expect(JSON.stringify(claim.body)).not.toContain(original);
    expect(JSON.stringify(claim.body)).toContain('***.***.***-25');
    const sent = await call<{ message: MessageDoc }>(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: clientId('h5s'), text: `Confirmo o CPF ${CPF}` },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message.text).toBe('Confirmo o CPF ***.***.***-25');
    expect((await server.store.get(sent.body.message.id))?.text).toBe(`Confirmo o CPF ${CPF}`);
  });

  it('R-PRIV-04 search: hits come masked, and a search for the CPF itself finds nothing for the agent', async () => {
    const { messageId } = await customerWrites(`Segue meu CPF ${CPF} para o cadastro zebrafinch`);
    const byWord = await raw('/api/search/messages?q=zebrafinch', ana);
    expect(byWord.status).toBe(200);
    expect(byWord.text).toContain(messageId);
    expect(byWord.text).not.toContain(CPF);
    expect(byWord.text).toContain('***.***.***-25');
    // The same query finds it for a supervisor: for the agent it is the masking that hides it.
    const byCpf = `/api/search/messages?q=${encodeURIComponent(`${CPF} zebrafinch`)}`;
    const supervisor = await raw(byCpf, carla);
    expect(supervisor.text).toContain(messageId);
    expect(supervisor.text).toContain(CPF);
    const agent = await raw(byCpf, ana);
    expect(agent.status).toBe(200);
    expect(agent.text).not.toContain(messageId);
  });

  it('R-PRIV-04 contact history and gallery carry no message text to the agent', async () => {
    const { conversationId } = await customerWrites();
    const contactId = String((await server.store.get(conversationId))?.contactId);
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana });
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: {} })).status).toBe(200);
    const history = await raw(`/api/contacts/${encodeURIComponent(contactId)}/history`, ana);
    expect(history.status).toBe(200);
    expect(history.text).toContain(conversationId);
    for (const original of ORIGINALS) expect(history.text).not.toContain(original);
    const media = await raw(`/api/contacts/${encodeURIComponent(contactId)}/media?limit=50`, ana);
    expect(media.status).toBe(200);
    for (const original of ORIGINALS) expect(media.text).not.toContain(original);
  });

  it('R-PRIV-04 a push can never write masked text over the original: messages and conversations are read-only to replication', async () => {
    const { messageId } = await customerWrites();
    const pulled = (await pullRaw(ana, 'messages')).documents.find((d) => d.id === messageId);
    expect(pulled?.text).toContain('***.***.***-25');
    const pushed = await call(server, 'POST', '/api/sync/messages/push', {
      token: ana, body: [{ newDocumentState: { ...pulled, updatedAt: Date.now() }, assumedMasterState: pulled }],
    });
    expect(pushed.status).toBe(403);
    expect(pushed.body).toMatchObject({ error: 'read_only_collection' });
    expect((await server.store.get(messageId))?.text).toBe(TEXT);
  });
});

describe('R-PRIV-04 R-PRIV-05 granting and revoking "ver dados pessoais"', () => {
  it('R-PRIV-04 granting restarts the agent\'s replica (new scope, full resend with the originals), revoking masks again; both are audited', async () => {
    const { messageId } = await customerWrites();
    const masked = await pullRaw(bruno, 'messages');
    expectMasked(masked.text);
    const oldScope = masked.checkpoint?.scope;

    const granted = await setPersonalData('user:bruno', true);
    expect(granted.permissions).toMatchObject({ personalData: true });
    const resent = await pullRaw(bruno, 'messages', masked.checkpoint);
    expect(resent.status).toBe(200);
    expect(resent.checkpoint?.scope).not.toBe(oldScope);
    // From scratch: the message already held comes again, as written.
    expect(resent.documents.map((d) => d.id)).toContain(messageId);
    expectOriginal(resent.text);

    await setPersonalData('user:bruno', false);
    const again = await pullRaw(bruno, 'messages', resent.checkpoint);
    expect(again.checkpoint?.scope).toBe(oldScope);
    expect(again.documents.map((d) => d.id)).toContain(messageId);
    expectMasked(again.text);

    const audit = await server.store.find({ selector: { type: 'audit', action: 'unmask', subjectId: 'user:bruno' }, limit: 10 });
    const entries = audit.map((d) => d as unknown as AuditEntry & { actorId: string; detail: string }).sort((a, b) => a.at - b.at);
    expect(entries.map((e) => [e.detail, e.actorId])).toEqual([['granted', 'user:admin'], ['revoked', 'user:admin']]);
    // Ids only: the audit holds nothing of the person.
    for (const original of ORIGINALS) expect(JSON.stringify(audit)).not.toContain(original);
  });

  it('R-PRIV-04 an open socket moves with the grant: its next frames carry the originals, a teammate\'s socket still gets them masked', async () => {
    const [socket, teammate] = await Promise.all([FrameClient.agent(server, bruno), FrameClient.agent(server, ana)]);
    try {
      const welcome = await socket.next((f) => f.type === 'welcome');
      const teammateWelcome = await teammate.next((f) => f.type === 'welcome');
      // Same role and teams: one scope, one shared frame, until the grant.
      expect((welcome.replica as { scope: string }).scope).toBe((teammateWelcome.replica as { scope: string }).scope);
      const moved = socket.next((f) => f.type === 'session.user' && (f.user as AdminUser).permissions?.personalData === true);
      await setPersonalData('user:bruno', true);
      const session = await moved;
      expect((session.replica as { scope: string }).scope).not.toBe((welcome.replica as { scope: string }).scope);
      const { messageId } = await customerWrites();
      const carries = (f: Record<string, unknown>) => f.type === 'sync.docs' && (f.documents as Array<{ id: string }>).some((d) => d.id === messageId);
      const [frame, teammateFrame] = await Promise.all([socket.next(carries), teammate.next(carries)]);
      expectOriginal(JSON.stringify(frame));
      expectMasked(JSON.stringify(teammateFrame));
    } finally {
      socket.close();
      teammate.close();
      await setPersonalData('user:bruno', false);
    }
  });

  it('R-PRIV-05 an agent created with the permission is audited as granted, with the admin\'s address and browser', async () => {
    const reply = await call<AdminUser>(server, 'POST', '/api/admin/users', {
      token: admin, headers: { 'user-agent': 'masking-test/1.0' },
      body: { name: 'Dora Dias', email: 'dora.masking@demo.local', role: 'agent', teamIds: ['team:suporte'], permissions: { personalData: true } },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.permissions).toMatchObject({ personalData: true });
    const [entry] = await server.store.find({ selector: { type: 'audit', action: 'unmask', subjectId: reply.body.id }, limit: 10 });
    expect(entry).toMatchObject({ actorId: 'user:admin', detail: 'granted', userAgent: 'masking-test/1.0', ip: expect.stringMatching(/\S/) });
  });

  it('R-PRIV-05 a change that leaves the permission as it was writes no audit entry', async () => {
    const before = await server.store.find({ selector: { type: 'audit', action: 'unmask', subjectId: 'user:ana' }, limit: 10 });
    await setPersonalData('user:ana', false);
    const reply = await call(server, 'PATCH', '/api/admin/users/user:ana', { token: admin, body: { maxConcurrent: 4 } });
    expect(reply.status).toBe(200);
    const after = await server.store.find({ selector: { type: 'audit', action: 'unmask', subjectId: 'user:ana' }, limit: 10 });
    expect(after).toHaveLength(before.length);
  });
});
