import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { favouriteIdOf } from '@atende/protocol';
import { call, clientId, login, startTestServer, type TestServer } from './helpers.js';

/**
 * After a push RxDB takes the document it sent as the server's state until a pull brings the
 * server's own copy, whose updatedAt (and server-owned fields) the server set. A change made in
 * between is pushed with that sent copy as its assumed master state: the server must take it,
 * not answer a conflict that RxDB resolves by dropping the change (CI: an edited note never
 * reached the colleague).
 */
let server: TestServer;
const tokens: Record<string, string> = {};
type Doc = Record<string, unknown>;

beforeAll(async () => {
  server = await startTestServer();
  for (const who of ['ana', 'carla', 'admin']) tokens[who] = (await login(server, `${who}@demo.local`)).accessToken;
});
afterAll(() => server?.close());

const push = (who: string, collection: string, rows: unknown[]) =>
  call<Doc[]>(server, 'POST', `/api/sync/${collection}/push`, { token: tokens[who], body: rows });

/** What a client sends on creation: its own clock, and its guess of the server-owned fields. */
function sent(doc: Doc): Doc {
  const now = Date.now() - 60_000; // a client clock behind the server's, so the server's updatedAt differs
  return { createdAt: now, updatedAt: now, ...doc, _deleted: false };
}

/** Creates a document, then pushes `change` with the creation as it was sent as the assumed state. */
async function createThenChange(who: string, collection: string, created: Doc, change: Doc): Promise<Doc[]> {
  expect((await push(who, collection, [{ newDocumentState: created, assumedMasterState: null }])).body).toEqual([]);
  const changed = { ...created, ...change, updatedAt: Number(created.updatedAt) + 1 };
  const answer = await push(who, collection, [{ newDocumentState: changed, assumedMasterState: created }]);
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('R-NET-03 a change pushed before the server’s copy of the document was pulled is kept', () => {
  it('R-WS-03 the author’s edit of a note just written is kept, and so is a removal', async () => {
    const note = sent({ id: `note:${clientId()}`, type: 'note', contactId: 'contact:maria', authorId: 'user:ana', authorName: 'Ana', text: 'Cliente prefere contato à tarde.', teamIds: [] });
    expect(await createThenChange('ana', 'notes', note, { text: 'Cliente prefere contato pela manhã.' })).toEqual([]);
    expect(await server.store.get(String(note.id))).toMatchObject({ text: 'Cliente prefere contato pela manhã.', authorId: 'user:ana', teamIds: ['team:suporte'] });

    const other = sent({ ...note, id: `note:${clientId()}` });
    expect(await createThenChange('ana', 'notes', other, { _deleted: true })).toEqual([]);
    expect(await server.store.get(String(other.id))).toMatchObject({ removed: true });
  });

  it('R-NET-03 contacts, predefined messages, tags and favourites keep such a change too', async () => {
    const contact = sent({ id: `contact:${clientId()}`, type: 'contact', name: 'Nova', email: '', addresses: {}, customFields: {} });
    expect(await createThenChange('ana', 'contacts', contact, { name: 'Nova Cliente' })).toEqual([]);
    expect(await server.store.get(String(contact.id))).toMatchObject({ name: 'Nova Cliente', createdBy: 'user:ana' });

    // Carla supervises Suporte; messages for every team are the admins' (issue 15).
    const predefined = sent({ id: `predefined:${clientId()}`, type: 'predefined', teamId: 'team:suporte', title: 'Saudação', text: 'Olá!' });
    expect(await createThenChange('carla', 'predefined', predefined, { text: 'Olá! Como posso ajudar?' })).toEqual([]);
    expect(await server.store.get(String(predefined.id))).toMatchObject({ text: 'Olá! Como posso ajudar?' });

    const tag = sent({ id: `tag:${clientId()}`, type: 'tag', name: 'VIP', color: '#aa0000' });
    expect(await createThenChange('admin', 'tags', tag, { color: '#00aa00' })).toEqual([]);
    expect(await server.store.get(String(tag.id))).toMatchObject({ color: '#00aa00' });

    const conversationId = `conversation:${clientId()}`;
    const favourite = sent({ id: favouriteIdOf('user:ana', conversationId), type: 'favourite', userId: 'user:ana', conversationId });
    expect(await createThenChange('ana', 'favourites', favourite, { _deleted: true })).toEqual([]);
    expect(await server.store.get(String(favourite.id))).toMatchObject({ removed: true });
  });

  it('R-NET-03 a change based on content that was changed since still gets the master state back', async () => {
    const note = sent({ id: `note:${clientId()}`, type: 'note', contactId: 'contact:maria', authorId: 'user:ana', authorName: 'Ana', text: 'Primeira', teamIds: [] });
    expect(await createThenChange('ana', 'notes', note, { text: 'Segunda' })).toEqual([]);
    // Another window of Ana's still holds the first text and edits it.
    const late = await push('ana', 'notes', [{ newDocumentState: { ...note, text: 'Terceira' }, assumedMasterState: note }]);
    expect(late.body).toEqual([expect.objectContaining({ id: note.id, text: 'Segunda' })]);
    expect(await server.store.get(String(note.id))).toMatchObject({ text: 'Segunda' });
  });
});
