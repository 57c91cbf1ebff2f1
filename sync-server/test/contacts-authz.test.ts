import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, call, clientId, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

type Doc = Record<string, unknown> & { id: string };

let server: TestServer;
let ana: string;
let carla: string;
let vera: string;

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
  carla = (await login(server, 'carla@demo.local')).accessToken;
  await addUser(server, { key: 'vera2', name: 'Vera', email: 'vera2@test.local', role: 'agent', teamIds: ['team:comercial'] });
  vera = (await login(server, 'vera2@test.local')).accessToken;
});
afterAll(() => server.close());

let seq = 0;
/** A contact made by command: its creator and the creator's teams see it. */
async function contactBy(token: string, name: string): Promise<Doc> {
  const whatsapp = `11 9${String(60_000_000 + seq++ * 7919).padStart(8, '0')}`;
  const reply = await call<{ contact: Doc }>(server, 'POST', '/api/contacts', {
    token, body: { id: `contact:${clientId('z')}`, name, email: `${name.toLowerCase()}@example.com`, whatsapp },
  });
  expect(reply.status).toBe(201);
  return reply.body.contact;
}

const push = (token: string, doc: Doc, assumed: Doc, deleted = false) =>
  call<Array<Record<string, unknown>>>(server, 'POST', '/api/sync/contacts/push', {
    token, body: [{ newDocumentState: { ...doc, _deleted: deleted }, assumedMasterState: { ...assumed, _deleted: false } }],
  });

const wire = async (id: string): Promise<Doc> => {
  const stored = await server.store.get(id);
  if (!stored) throw new Error(`no ${id}`);
  const { _id, _rev, ...rest } = stored;
  return { ...rest, id: _id };
};

describe('R-CT-01 who may edit, remove and merge a contact', () => {
  it('R-CT-01 an agent edits a contact they see; another team’s contact is refused by PATCH and by push', async () => {
    const mine = await contactBy(ana, 'Mine');
    expect((await push(ana, { ...mine, name: 'Mine edited' }, mine)).status).toBe(200);
    expect((await server.store.get(mine.id))?.name).toBe('Mine edited');

    const current = await wire(mine.id);
    expect((await call(server, 'PATCH', `/api/contacts/${mine.id}`, { token: vera, body: { name: 'Hijack' } })).status).toBe(403);
    expect((await push(vera, { ...current, name: 'Hijack' }, current)).status).toBe(403);
    expect((await push(vera, current, current, true)).status).toBe(403);
    expect(await server.store.get(mine.id)).toMatchObject({ name: 'Mine edited' });
    expect((await server.store.get(mine.id))?.removed).toBeUndefined();
  });

  it('R-CT-01 an agent cannot remove even a contact they see (the master state comes back); a supervisor can', async () => {
    const contact = await contactBy(ana, 'Keep');
    const refused = await push(ana, contact, contact, true);
    expect(refused.status).toBe(200);
    expect(refused.body.map((d) => d.id)).toEqual([contact.id]);
    expect((await server.store.get(contact.id))?.removed).toBeUndefined();

    const current = await wire(contact.id);
    const removed = await push(carla, current, current, true);
    expect(removed.body).toEqual([]);
    expect((await server.store.get(contact.id))?.removed).toBe(true);
  });

  it('R-CT-01 merging needs a supervisor or admin, even for an agent who sees both contacts', async () => {
    const target = await contactBy(ana, 'Target');
    const source = await contactBy(ana, 'Source');
    const denied = await call(server, 'POST', `/api/contacts/${target.id}/merge`, { token: ana, body: { sourceId: source.id } });
    expect(denied.status).toBe(403);
    expect((await server.store.get(source.id))?.removed).toBeUndefined();
    expect((await call(server, 'POST', `/api/contacts/${target.id}/merge`, { token: carla, body: { sourceId: source.id } })).status).toBe(200);
    expect(await server.store.get(source.id)).toMatchObject({ removed: true, mergedInto: target.id });
  });
});

describe('R-CH-02 removing or merging a contact never locks a website visitor out', () => {
  const visitorContact = async (visitorId: string) => wire(String((await server.store.get(`visitor:${visitorId}`))?.contactId));

  it('R-CH-02 a supervisor’s removal of a visitor’s contact is refused; the visitor still chats', async () => {
    const visitor = await newVisitor(server);
    const { conversationId } = await visitorSays(server, visitor, 'Olá');
    const contact = await visitorContact(visitor.visitorId);
    const refused = await push(carla, contact, contact, true);
    expect(refused.body.map((d) => d.id)).toEqual([contact.id]);
    expect((await server.store.get(contact.id))?.removed).toBeUndefined();

    // Also once the conversation is finished: the visitor's token stays valid and may come back.
    await server.store.bulkWrite([{ ...(await server.store.get(conversationId))!, status: 'finished', finishedAt: Date.now() }]);
    expect((await push(carla, await wire(contact.id), await wire(contact.id), true)).body.map((d) => d.id)).toEqual([contact.id]);
    expect((await call(server, 'GET', '/api/webchat/messages', { token: visitor.token })).status).toBe(200);
    const socket = await FrameClient.visitor(server, visitor.token);
    expect(await socket.next((f) => f.type === 'welcome')).toMatchObject({ visitorId: visitor.visitorId });
    socket.close();
  });

  it('R-CH-02 after a visitor’s contact is merged into another, the visitor still chats as the target', async () => {
    const visitor = await newVisitor(server);
    const source = await visitorContact(visitor.visitorId);
    const target = await contactBy(ana, 'Merged');
    expect((await call(server, 'POST', `/api/contacts/${target.id}/merge`, { token: carla, body: { sourceId: source.id } })).status).toBe(200);
    const { conversationId } = await visitorSays(server, visitor, 'Ainda aqui');
    expect((await server.store.get(conversationId))?.contactId).toBe(target.id);
  });
});
