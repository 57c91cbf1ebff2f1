import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, call, clientId, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer } from './helpers.js';

let server: TestServer;
let ana: string;
let carla: string;
let diego: string;

type Doc = Record<string, unknown>;

beforeAll(async () => {
  server = await startTestServer();
  // A second website chat whose conversations enter team Comercial.
  await server.store.bulkWrite([{ _id: 'channel:loja2', type: 'channel', kind: 'webchat', name: 'Loja 2', entryTeamId: 'team:comercial' }]);
  await addUser(server, { key: 'diego', name: 'Diego Comercial', email: 'diego@test.local', role: 'agent', teamIds: ['team:comercial'] });
  const token = (email: string) => login(server, email).then((r) => r.accessToken);
  [ana, carla, diego] = await Promise.all([token('ana@demo.local'), token('carla@demo.local'), token('diego@test.local')]);
});
afterAll(() => server.close());

async function conversationIn(account: 'demo-site' | 'loja2', text: string) {
  const visitor = await newVisitor(server, account);
  return visitorSays(server, visitor, text);
}

const ids = (docs: Doc[]) => docs.map((d) => d.id);

describe('replication endpoints (ARCHITECTURE §4)', () => {
  it('sync: an agent of team X never receives a document of team Y; a supervisor receives both', async () => {
    const suporte = await conversationIn('demo-site', 'segredo do suporte');
    const comercial = await conversationIn('loja2', 'segredo do comercial');
    const [anaConv, anaMsg, diegoConv, diegoMsg, carlaConv] = await Promise.all([
      pullAll(server, ana, 'conversations'), pullAll(server, ana, 'messages'),
      pullAll(server, diego, 'conversations'), pullAll(server, diego, 'messages'),
      pullAll(server, carla, 'conversations'),
    ]);
    expect(ids(anaConv.documents)).toContain(suporte.conversationId);
    expect(ids(anaConv.documents)).not.toContain(comercial.conversationId);
    expect(ids(anaMsg.documents)).toContain(suporte.messageId);
    expect(JSON.stringify([anaConv, anaMsg])).not.toContain('segredo do comercial');
    expect(JSON.stringify([diegoConv, diegoMsg])).not.toContain('segredo do suporte');
    expect(JSON.stringify([diegoConv, diegoMsg])).not.toContain(suporte.conversationId);
    expect(ids(carlaConv.documents)).toEqual(expect.arrayContaining([suporte.conversationId, comercial.conversationId]));
  });

  it('sync: documents travel as {id, …, _deleted} without store internals or secrets', async () => {
    const { documents } = await pullAll(server, ana, 'users');
    expect(documents.length).toBeGreaterThanOrEqual(4);
    for (const doc of documents) {
      expect(doc).toHaveProperty('id');
      expect(doc._deleted).toBe(false);
      expect(doc).not.toHaveProperty('_id');
      expect(doc).not.toHaveProperty('_rev');
      expect(JSON.stringify(doc)).not.toMatch(/passwordHash|scrypt/);
    }
    for (const collection of ['teams', 'contacts', 'predefined', 'dispositions']) {
      const pulled = await pullAll(server, ana, collection);
      expect(pulled.documents.length).toBeGreaterThan(0);
    }
    const predefined = await pullAll(server, ana, 'predefined');
    expect(predefined.documents.every((d) => d.teamId === null || d.teamId === 'team:suporte')).toBe(true);
  });

  it('sync: pages the filter thins out are refilled from the feed, so a short page means the end', async () => {
    for (let i = 0; i < 7; i++) await conversationIn('loja2', `ruído ${i}`);
    const mine = [await conversationIn('demo-site', 'a'), await conversationIn('demo-site', 'b')];
    for (let i = 0; i < 7; i++) await conversationIn('loja2', `ruído depois ${i}`);
    const all = await pullAll(server, ana, 'conversations', 1000);
    const paged = await pullAll(server, ana, 'conversations', 2);
    expect(ids(paged.documents).sort()).toEqual(ids(all.documents).sort());
    expect(ids(paged.documents)).toEqual(expect.arrayContaining(mine.map((m) => m.conversationId)));
    // Nothing new: pulling from the final checkpoint brings nothing the replica does not hold (it
    // re-reads SYNC_OVERLAP_MS behind the live end, so a late commit is never skipped).
    const again = await call<{ documents: Doc[] }>(server, 'GET', `/api/sync/conversations/pull?limit=1000&checkpoint=${encodeURIComponent(JSON.stringify(paged.checkpoint))}`, { token: ana });
    expect(ids(all.documents)).toEqual(expect.arrayContaining(ids(again.body.documents)));
  });

  it('sync: a conversation transferred to another team reaches the old team as a deletion, with its messages', async () => {
    const { conversationId, messageId } = await conversationIn('demo-site', 'vou ser transferida');
    const before = await pullAll(server, ana, 'conversations');
    const beforeMessages = await pullAll(server, ana, 'messages');
    expect(ids(before.documents)).toContain(conversationId);
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    const moved = await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: ana, body: { toTeamId: 'team:comercial' } });
    expect(moved.status).toBe(200);
    await server.jobs.idle(); // messages follow their conversation through an outbox job

    const pullFrom = (collection: string, checkpoint: unknown) =>
      call<{ documents: Doc[] }>(server, 'GET', `/api/sync/${collection}/pull?limit=100&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}`, { token: ana });
    const conversationsAfter = (await pullFrom('conversations', before.checkpoint)).body.documents;
    const gone = conversationsAfter.find((d) => d.id === conversationId);
    expect(gone).toMatchObject({ _deleted: true });
    expect(gone).not.toHaveProperty('lastPreview');
    expect(JSON.stringify(conversationsAfter)).not.toContain('vou ser transferida');
    const messagesAfter = (await pullFrom('messages', beforeMessages.checkpoint)).body.documents;
    expect(messagesAfter.find((d) => d.id === messageId)).toMatchObject({ _deleted: true });
    expect(JSON.stringify(messagesAfter)).not.toContain('vou ser transferida');

    const diegoSees = await pullAll(server, diego, 'messages');
    expect(diegoSees.documents.find((d) => d.id === messageId)).toMatchObject({ _deleted: false, teamId: 'team:comercial' });

    // Later messages in team Comercial never reach Suporte, not even as deletions.
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: diego, body: {} });
    const later = await call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: diego, body: { id: clientId(), text: 'só comercial' } });
    const anaLater = await pullAll(server, ana, 'messages');
    expect(ids(anaLater.documents)).not.toContain(later.body.message.id);
  });

  it('sync: a change of a user’s teams restarts their checkpoints from scratch', async () => {
    const tobias = await addUser(server, { key: 'tobias', name: 'Tobias', email: 'tobias@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const token = (await login(server, tobias.email)).accessToken;
    const first = await pullAll(server, token, 'conversations');
    await server.store.bulkWrite([{ ...(await server.store.get('user:tobias'))!, teamIds: ['team:suporte', 'team:comercial'] }]);
    const next = await call<{ documents: Doc[] }>(server, 'GET', `/api/sync/conversations/pull?limit=1000&checkpoint=${encodeURIComponent(JSON.stringify(first.checkpoint))}`, { token });
    expect(next.body.documents.some((d) => d.teamId === 'team:comercial')).toBe(true);
    expect(next.body.documents.length).toBeGreaterThan(first.documents.length);
  });

  it('sync: contacts replicate by push; the server owns updatedAt and answers stale writes with the master state', async () => {
    const now = Date.now();
    const contact = { id: `contact:${clientId()}`, type: 'contact', name: 'Nova Cliente', email: 'nova@example.com', addresses: { whatsapp: '5511912345678' }, customFields: {}, createdAt: 0, updatedAt: now + 10_000_000, _deleted: false };
    const created = await call<Doc[]>(server, 'POST', '/api/sync/contacts/push', { token: ana, body: [{ newDocumentState: contact, assumedMasterState: null }] });
    expect(created.status).toBe(200);
    expect(created.body).toEqual([]);
    const stored = await server.store.get(contact.id);
    expect(stored?.name).toBe('Nova Cliente');
    expect(Number(stored?.updatedAt)).toBeLessThan(now + 10_000_000);

    const master = { ...contact, createdAt: stored?.createdAt, updatedAt: stored?.updatedAt };
    const edit = await call<Doc[]>(server, 'POST', '/api/sync/contacts/push', { token: ana, body: [{ newDocumentState: { ...master, name: 'Editada' }, assumedMasterState: master }] });
    expect(edit.body).toEqual([]);
    const stale = await call<Doc[]>(server, 'POST', '/api/sync/contacts/push', { token: carla, body: [{ newDocumentState: { ...master, name: 'Atrasada' }, assumedMasterState: master }] });
    expect(stale.body).toHaveLength(1);
    expect(stale.body[0]).toMatchObject({ id: contact.id, name: 'Editada' });
    expect((await server.store.get(contact.id))?.name).toBe('Editada');
  });

  it('sync: a push with one invalid row writes nothing', async () => {
    const good = { id: `contact:${clientId()}`, type: 'contact', name: 'Boa', email: '', addresses: {}, customFields: {}, createdAt: 0, updatedAt: 0 };
    const bad = { ...good, id: `contact:${clientId()}`, addresses: { whatsapp: '(11) 9999' } };
    const reply = await call(server, 'POST', '/api/sync/contacts/push', { token: ana, body: [{ newDocumentState: good }, { newDocumentState: bad }] });
    expect(reply.status).toBe(400);
    expect(await server.store.get(good.id)).toBeUndefined();
  });

  it('sync: conversations, messages, teams and users are read-only to push; predefined needs a supervisor', async () => {
    for (const collection of ['conversations', 'messages', 'teams', 'users']) {
      const reply = await call<{ error: string }>(server, 'POST', `/api/sync/${collection}/push`, { token: carla, body: [] });
      expect(reply.status).toBe(403);
      expect(reply.body.error).toBe('read_only_collection');
    }
    const predefined = { id: `predefined:${clientId()}`, type: 'predefined', teamId: 'team:suporte', title: 'Novo', text: 'Texto', createdAt: 0, updatedAt: 0 };
    expect((await call(server, 'POST', '/api/sync/predefined/push', { token: ana, body: [{ newDocumentState: predefined }] })).status).toBe(403);
    expect((await call(server, 'POST', '/api/sync/predefined/push', { token: carla, body: [{ newDocumentState: predefined }] })).status).toBe(200);
    expect(await server.store.get(predefined.id)).toMatchObject({ title: 'Novo' });
  });

  it('sync: bad checkpoints, limits and collections are 4xx', async () => {
    expect((await call(server, 'GET', '/api/sync/conversations/pull?checkpoint=%7Bnope', { token: ana })).status).toBe(400);
    expect((await call(server, 'GET', `/api/sync/conversations/pull?checkpoint=${encodeURIComponent('{"seq":1}')}`, { token: ana })).status).toBe(400);
    expect((await call(server, 'GET', '/api/sync/conversations/pull?limit=100000', { token: ana })).status).toBe(400);
    expect((await call(server, 'GET', '/api/sync/conversations/pull?limit=-1', { token: ana })).status).toBe(400);
    expect((await call(server, 'GET', '/api/sync/credentials/pull', { token: ana })).status).toBe(404);
    expect((await call(server, 'GET', '/api/sync/conversations/pull')).status).toBe(401);
  });
});
