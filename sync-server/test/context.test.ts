import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { favouriteIdOf, type ContactDoc } from '@atende/protocol';
import { linkContactToTeam } from '../src/contacts/teams.js';
import { toWire } from '../src/store/wire.js';
import {
  addUser, call, clientId, FrameClient, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer, type Visitor,
} from './helpers.js';

/**
 * The conversation's context (issue 9 point 3): shared notes on the contact (R-WS-03), internal
 * tags (R-WS-05), favourites and the pending/resolved mark (R-WS-13), end to end over a real
 * server: push, pull, the live stream and the commands.
 */
let server: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  await addUser(server, { key: 'dora', name: 'Dora', email: 'dora@demo.local', role: 'agent', teamIds: ['team:comercial'] });
  for (const who of ['ana', 'bruno', 'carla', 'admin', 'dora']) tokens[who] = (await login(server, `${who}@demo.local`)).accessToken;
});
afterAll(async () => {
  await server?.close();
});

const push = (who: string, collection: string, rows: unknown[]) =>
  call<Array<Record<string, unknown>>>(server, 'POST', `/api/sync/${collection}/push`, { token: tokens[who], body: rows });
const pulled = async (who: string, collection: string) => (await pullAll(server, tokens[who] ?? '', collection)).documents;
const ids = (docs: Array<Record<string, unknown>>) => docs.filter((d) => d._deleted !== true).map((d) => d.id);

function note(id: string, contactId: string, text: string, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return { id, type: 'note', contactId, authorId: 'user:bruno', authorName: 'Outro', text, teamIds: [], createdAt: now, updatedAt: now, ...extra };
}

/** A website conversation in Suporte that `who` holds, and its customer. */
async function activeConversation(who = 'ana'): Promise<{ id: string; visitor: Visitor }> {
  const visitor = await newVisitor(server);
  const { conversationId } = await visitorSays(server, visitor, 'Olá, preciso de ajuda');
  const claimed = await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: tokens[who], body: { id: clientId() } });
  expect(claimed.status).toBe(200);
  return { id: conversationId, visitor };
}

describe('R-WS-03 shared notes replicate like their contact', () => {
  it('R-WS-03 a note reaches every agent of the contact’s team, live and by pull, and no other team’s agent; the server owns author and teams', async () => {
    const bruno = await FrameClient.agent(server, tokens.bruno ?? '');
    const dora = await FrameClient.agent(server, tokens.dora ?? '');
    const answer = await push('ana', 'notes', [{ newDocumentState: note('note:n1', 'contact:maria', 'Prefere contato à tarde'), assumedMasterState: null }]);
    expect(answer).toMatchObject({ status: 200, body: [] });

    const frame = await bruno.next((f) => f.type === 'sync.docs' && f.collection === 'notes');
    expect(frame.documents).toEqual([expect.objectContaining({
      id: 'note:n1', authorId: 'user:ana', authorName: 'Ana Souza', teamIds: ['team:suporte'], text: 'Prefere contato à tarde',
    })]);
    expect(ids(await pulled('bruno', 'notes'))).toContain('note:n1');
    expect(ids(await pulled('carla', 'notes'))).toContain('note:n1'); // a supervisor sees every team's
    expect(ids(await pulled('dora', 'notes'))).not.toContain('note:n1');
    expect(dora.frames.some((f) => f.type === 'sync.docs' && f.collection === 'notes')).toBe(false);
    bruno.close();
    dora.close();
  });

  it('R-WS-03 a note on a contact the agent cannot see is refused', async () => {
    const answer = await push('ana', 'notes', [{ newDocumentState: note('note:n2', 'contact:joao', 'x'), assumedMasterState: null }]);
    expect(answer.status).toBe(422);
    expect(await server.store.get('note:n2')).toBeUndefined();
  });

  it('R-WS-03 only the author edits a note: a colleague’s edit or removal gets the author’s version back; a supervisor may remove it', async () => {
    await push('ana', 'notes', [{ newDocumentState: note('note:n3', 'contact:maria', 'Cliente VIP'), assumedMasterState: null }]);
    const master = (await pulled('bruno', 'notes')).find((d) => d.id === 'note:n3');
    expect(master).toBeDefined();
    const edit = await push('bruno', 'notes', [{ newDocumentState: { ...master, _deleted: false, text: 'Apagado' }, assumedMasterState: master }]);
    expect(edit.status).toBe(200);
    expect(edit.body).toEqual([expect.objectContaining({ id: 'note:n3', text: 'Cliente VIP' })]);
    const removal = await push('bruno', 'notes', [{ newDocumentState: { ...master, _deleted: true }, assumedMasterState: master }]);
    expect(removal.body).toEqual([expect.objectContaining({ id: 'note:n3', text: 'Cliente VIP' })]);
    expect(await server.store.get('note:n3')).toMatchObject({ text: 'Cliente VIP' });

    const own = await push('ana', 'notes', [{ newDocumentState: { ...master, _deleted: false, text: 'Cliente VIP desde 2020' }, assumedMasterState: master }]);
    expect(own.body).toEqual([]);
    expect(await server.store.get('note:n3')).toMatchObject({ text: 'Cliente VIP desde 2020', authorId: 'user:ana' });

    const latest = (await pulled('carla', 'notes')).find((d) => d.id === 'note:n3');
    const moderated = await push('carla', 'notes', [{ newDocumentState: { ...latest, _deleted: true }, assumedMasterState: latest }]);
    expect(moderated.body).toEqual([]);
    expect(await server.store.get('note:n3')).toMatchObject({ removed: true });
    const tombstone = (await pulled('bruno', 'notes')).find((d) => d.id === 'note:n3');
    expect(tombstone).toMatchObject({ _deleted: true, contactId: 'contact:maria' });
    expect(tombstone?.text).toBeUndefined();
  });

  it('R-WS-03 when a contact starts being served by another team, its notes go to that team’s agents too', async () => {
    await push('ana', 'notes', [{ newDocumentState: note('note:n4', 'contact:lucia', 'Ligar antes das 18h'), assumedMasterState: null }]);
    expect(ids(await pulled('dora', 'notes'))).not.toContain('note:n4');
    const lucia = toWire<ContactDoc>((await server.store.get('contact:lucia'))!);
    await linkContactToTeam(server.store, lucia, 'team:comercial');
    expect(ids(await pulled('dora', 'notes'))).toContain('note:n4');
  });
});

describe('R-WS-13 favourites are their owner’s alone', () => {
  it('R-WS-13 a favourite replicates to its owner only, supervisors included; set, unset and set again', async () => {
    const id = favouriteIdOf('user:ana', 'conversation:c1');
    const now = Date.now();
    const [anaSocket, carlaSocket] = await Promise.all([FrameClient.agent(server, tokens.ana ?? ''), FrameClient.agent(server, tokens.carla ?? '')]);
    const favourite = { id, type: 'favourite', userId: 'user:bruno', conversationId: 'conversation:c1', createdAt: now, updatedAt: now };
    expect((await push('ana', 'favourites', [{ newDocumentState: favourite, assumedMasterState: null }])).body).toEqual([]);
    const frame = await anaSocket.next((f) => f.type === 'sync.docs' && f.collection === 'favourites');
    expect(frame.documents).toEqual([expect.objectContaining({ id, userId: 'user:ana' })]);
    // A note written after the favourite reaches Carla; the favourite, streamed no later, never does.
    await push('ana', 'notes', [{ newDocumentState: note('note:after-fav', 'contact:maria', 'depois'), assumedMasterState: null }]);
    await carlaSocket.next((f) => f.type === 'sync.docs' && f.collection === 'notes');
    expect(carlaSocket.frames.some((f) => f.collection === 'favourites')).toBe(false);
    anaSocket.close();
    carlaSocket.close();
    expect(await server.store.get(id)).toMatchObject({ userId: 'user:ana' });
    expect(ids(await pulled('ana', 'favourites'))).toEqual([id]);
    expect(ids(await pulled('bruno', 'favourites'))).toEqual([]);
    expect(ids(await pulled('carla', 'favourites'))).toEqual([]);

    const master = (await pulled('ana', 'favourites'))[0];
    expect((await push('ana', 'favourites', [{ newDocumentState: { ...master, _deleted: true }, assumedMasterState: master }])).body).toEqual([]);
    const tombstone = (await pulled('ana', 'favourites'))[0];
    expect(tombstone).toMatchObject({ id, _deleted: true });
    expect((await push('ana', 'favourites', [{ newDocumentState: { ...favourite, updatedAt: Date.now() }, assumedMasterState: tombstone }])).body).toEqual([]);
    expect(ids(await pulled('ana', 'favourites'))).toEqual([id]);
  });

  it('R-WS-13 a favourite under someone else’s id is refused', async () => {
    const now = Date.now();
    const theirs = { id: favouriteIdOf('user:bruno', 'conversation:c2'), type: 'favourite', userId: 'user:ana', conversationId: 'conversation:c2', createdAt: now, updatedAt: now };
    expect((await push('ana', 'favourites', [{ newDocumentState: theirs, assumedMasterState: null }])).status).toBe(400);
  });
});

describe('R-WS-05 internal tags', () => {
  it('R-WS-05 every user receives the admins’ tags; only an admin may change the list', async () => {
    expect(ids(await pulled('ana', 'tags'))).toEqual(expect.arrayContaining(['tag:reclamacao', 'tag:elogio', 'tag:urgente', 'tag:financeiro']));
    const now = Date.now();
    const tag = { id: 'tag:vip', type: 'tag', name: 'VIP', color: '#7c3aed', createdAt: now, updatedAt: now };
    expect((await push('ana', 'tags', [{ newDocumentState: tag, assumedMasterState: null }])).status).toBe(403);
    expect((await push('carla', 'tags', [{ newDocumentState: tag, assumedMasterState: null }])).status).toBe(403);
    expect((await push('admin', 'tags', [{ newDocumentState: tag, assumedMasterState: null }])).body).toEqual([]);
    expect(ids(await pulled('dora', 'tags'))).toContain('tag:vip');
  });

  it('R-WS-05 the conversation’s agent tags it with existing tags; unknown tags and agents without the right are refused', async () => {
    const { id } = await activeConversation('ana');
    const tagged = await call(server, 'POST', `/api/conversations/${id}/tags`, { token: tokens.ana, body: { id: clientId(), tags: ['tag:urgente', 'tag:financeiro'] } });
    expect(tagged).toMatchObject({ status: 200, body: { conversation: { tags: ['tag:urgente', 'tag:financeiro'] } } });
    const unknown = await call(server, 'POST', `/api/conversations/${id}/tags`, { token: tokens.ana, body: { id: clientId(), tags: ['tag:inexistente'] } });
    expect(unknown).toMatchObject({ status: 422, body: { error: 'unknown_tag' } });
    const bad = await call(server, 'POST', `/api/conversations/${id}/tags`, { token: tokens.ana, body: { id: clientId(), tags: ['urgente'] } });
    expect(bad.status).toBe(400);
    // Bruno is in the team but does not hold the conversation.
    const notHis = await call(server, 'POST', `/api/conversations/${id}/tags`, { token: tokens.bruno, body: { id: clientId(), tags: [] } });
    expect(notHis.status).toBe(403);
    // A supervisor may always tag.
    const supervised = await call(server, 'POST', `/api/conversations/${id}/tags`, { token: tokens.carla, body: { id: clientId(), tags: ['tag:elogio'] } });
    expect(supervised).toMatchObject({ status: 200, body: { conversation: { tags: ['tag:elogio'] } } });

    const ana = await server.store.get('user:ana');
    await server.store.bulkWrite([{ ...ana!, permissions: { tags: false } }]);
    const withheld = await call(server, 'POST', `/api/conversations/${id}/tags`, { token: tokens.ana, body: { id: clientId(), tags: [] } });
    expect(withheld.status).toBe(403);
    const back = await server.store.get('user:ana');
    await server.store.bulkWrite([{ ...back!, permissions: {} }]);
    expect(await server.store.get(id)).toMatchObject({ tags: ['tag:elogio'] });
  });
});

describe('R-WS-13 pending and resolved', () => {
  it('R-WS-13 the conversation’s agent marks it resolved; the customer’s next message clears it', async () => {
    const { id, visitor } = await activeConversation('ana');
    const marked = await call(server, 'POST', `/api/conversations/${id}/mark`, { token: tokens.ana, body: { id: clientId(), mark: 'resolved' } });
    expect(marked).toMatchObject({ status: 200, body: { conversation: { mark: 'resolved' } } });
    const stored = await server.store.get(id);
    await visitorSays(server, visitor, 'Mais uma dúvida');
    const after = await server.store.get(id);
    expect(after?.mark).toBeNull();
    expect(Number(after?.lastInboundAt)).toBeGreaterThan(Number(stored?.lastInboundAt));

    const pending = await call(server, 'POST', `/api/conversations/${id}/mark`, { token: tokens.ana, body: { id: clientId(), mark: 'pending' } });
    expect(pending.body).toMatchObject({ conversation: { mark: 'pending' } });
    await visitorSays(server, visitor, 'Obrigado');
    expect((await server.store.get(id))?.mark).toBe('pending'); // only 'resolved' is silenced, so only it is cleared
  });

  it('R-WS-13 someone who may not reply in the conversation may not mark it', async () => {
    const { id } = await activeConversation('ana');
    const bruno = await call(server, 'POST', `/api/conversations/${id}/mark`, { token: tokens.bruno, body: { id: clientId(), mark: 'pending' } });
    expect(bruno.status).toBe(403);
    const dora = await call(server, 'POST', `/api/conversations/${id}/mark`, { token: tokens.dora, body: { id: clientId(), mark: 'pending' } });
    expect(dora.status).toBe(404);
    const bad = await call(server, 'POST', `/api/conversations/${id}/mark`, { token: tokens.ana, body: { id: clientId(), mark: 'done' } });
    expect(bad.status).toBe(400);
  });

  it('R-NET-03 a mark or tags command repeated with its id is applied once and never undoes a later change', async () => {
    const { id } = await activeConversation('ana');
    const first = clientId();
    const mark = (commandId: string, value: string | null) =>
      call(server, 'POST', `/api/conversations/${id}/mark`, { token: tokens.ana, body: { id: commandId, mark: value } });
    const answers = await Promise.all([mark(first, 'resolved'), mark(first, 'resolved'), mark(first, 'resolved')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await mark(clientId(), 'pending')).status).toBe(200);
    // The first command's late repeat answers without resolving the conversation again.
    const repeat = await mark(first, 'resolved');
    expect(repeat).toMatchObject({ status: 200, body: { conversation: { mark: 'pending' } } });
    expect((await server.store.get(id))?.mark).toBe('pending');
    // The same id for another command is a conflict, not a silent success.
    const reused = await call(server, 'POST', `/api/conversations/${id}/tags`, { token: tokens.ana, body: { id: first, tags: [] } });
    expect(reused).toMatchObject({ status: 409, body: { error: 'id_conflict' } });
  });
});
