import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVALID_NUMBER_MESSAGE } from '@atende/protocol';
import { addressId } from '../src/contacts/directory.js';
import { toStored } from '../src/store/wire.js';
import { addUser, call, clientId, login, startTestServer, type TestServer } from './helpers.js';

type Doc = Record<string, unknown>;
/** Any document shape, as the store keeps it. */
const asStored = (doc: Doc & { id: string }) => toStored(doc);
interface ContactReply {
  contact: Doc & { id: string; addresses: Record<string, string> };
}

let server: TestServer;
let ana: string;
let carla: string;
let vera: string;

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
  carla = (await login(server, 'carla@demo.local')).accessToken;
  await addUser(server, { key: 'vera', name: 'Vera', email: 'vera@test.local', role: 'agent', teamIds: ['team:comercial'] });
  vera = (await login(server, 'vera@test.local')).accessToken;
});
afterAll(() => server.close());

const newId = () => `contact:${clientId('k')}`;
let numberSeq = 0;
/** A fresh valid mobile number per call, as an agent types it (area code + number). */
const mobile = () => `11 9${String(70_000_000 + numberSeq++ * 7919).padStart(8, '0')}`;

function create(token: string, body: Doc) {
  return call<ContactReply & { error?: string; message?: string; fields?: Doc; contactName?: string }>(
    server, 'POST', '/api/contacts', { token, body },
  );
}

describe('R-CT-01 R-CT-02 "Adicionar contato" as a command', () => {
  it('R-CT-02 stores the WhatsApp number as E.164 digits with 55 added; the creator and their teams replicate it', async () => {
    const id = newId();
    const reply = await create(ana, { id, name: 'Paula Reis', email: 'paula@example.com', whatsapp: '(21) 99876-1111' });
    expect(reply.status).toBe(201);
    expect(reply.body.contact).toMatchObject({ id, name: 'Paula Reis', addresses: { whatsapp: '5521998761111' }, createdBy: 'user:ana', teamIds: ['team:suporte'] });
    expect(await server.store.get(addressId('whatsapp', '5521998761111'))).toMatchObject({ contactId: id });
  });

  it('R-CT-01 a repeat of the same command answers the same contact and stores nothing twice', async () => {
    const body = { id: newId(), name: 'Repetida', email: 'rep@example.com', whatsapp: mobile() };
    const first = await create(ana, body);
    const again = await create(ana, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.contact).toEqual(first.body.contact);
    // Someone else reusing the id is not a repeat.
    expect((await create(carla, body)).status).toBe(409);
  });

  it('R-CT-01 name, e-mail and WhatsApp are required; every wrong field is named, nothing is stored', async () => {
    const id = newId();
    const reply = await create(ana, { id, name: '', email: 'x@', whatsapp: '1198765432' });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('invalid_contact');
    expect(reply.body.fields).toEqual({ name: 'required', email: 'invalid_email', whatsapp: 'invalid_number' });
    expect(reply.body.message).toContain(INVALID_NUMBER_MESSAGE);
    expect(await server.store.get(id)).toBeUndefined();
  });

  it('R-CT-01 emoji in a name is only a warning: the contact is saved', async () => {
    const reply = await create(ana, { id: newId(), name: 'Loja 😀', email: 'loja@example.com', whatsapp: mobile() });
    expect(reply.status).toBe(201);
  });

  it('R-CT-02 a number that belongs to another contact is refused with 409 naming that contact', async () => {
    // Maria (demo seed) holds 5511987654321 without an address document: the store learns it now.
    const reply = await create(ana, { id: newId(), name: 'Outra', email: 'o@example.com', whatsapp: '11987654321' });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toBe('address_taken');
    expect(reply.body.message).toContain('Maria Oliveira');
    expect(reply.body.contactName).toBe('Maria Oliveira');
    expect(await server.store.get(addressId('whatsapp', '5511987654321'))).toMatchObject({ contactId: 'contact:maria' });
  });

  it('R-CT-02 two agents saving the same number at once: exactly one contact gets it', async () => {
    const whatsapp = mobile();
    const bodies = [0, 1, 2].map((i) => ({ id: newId(), name: `Corrida ${i}`, email: `c${i}@example.com`, whatsapp }));
    const replies = await Promise.all(bodies.map((body, i) => create(i === 1 ? carla : ana, body)));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const winner = replies.find((r) => r.status === 201)!.body.contact;
    for (const lost of replies.filter((r) => r.status === 409)) expect(lost.body.message).toContain(String(winner.name));
    const holders = await server.store.find({ selector: { type: 'contact', 'addresses.whatsapp': winner.addresses.whatsapp }, limit: 10 });
    expect(holders.map((h) => h._id)).toEqual([winner.id]);
  });

  it('R-CT-02 two creates at once sharing one number: the loser leaves none of its own addresses claimed (issue 14)', async () => {
    for (let round = 0; round < 3; round++) {
      const whatsapp = mobile();
      const bodies = [0, 1].map((i) => ({
        id: newId(), name: `Disputa ${round}-${i}`, email: `d${i}@example.com`, whatsapp, addresses: { telegram: `disputa-${round}-${i}-${numberSeq}` },
      }));
      const replies = await Promise.all(bodies.map((body) => create(ana, body)));
      expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
      const lost = bodies[replies.findIndex((r) => r.status === 409)]!;
      expect(await server.store.get(addressId('telegram', lost.addresses.telegram))).toBeUndefined();
      // Its Telegram address is free at once, not "being registered" for half a minute.
      const reuse = await create(carla, { id: newId(), name: 'Herdeira', email: 'h@example.com', whatsapp: mobile(), addresses: lost.addresses });
      expect(reuse.status).toBe(201);
    }
  });

  it('R-CT-02 replication push cannot go around the commands: a pushed contact or edit never sets an address', async () => {
    const now = Date.now();
    const pushed = {
      id: newId(), type: 'contact', name: 'Por push', email: '', addresses: { whatsapp: '5511987654321' }, customFields: {},
      createdAt: now, updatedAt: now, _deleted: false,
    };
    const reply = await call(server, 'POST', '/api/sync/contacts/push', { token: ana, body: [{ newDocumentState: pushed, assumedMasterState: null }] });
    expect(reply.status).toBe(200);
    expect((await server.store.get(pushed.id))?.addresses).toEqual({});
    // An edit of a contact made by command keeps the number the command claimed.
    const made = (await create(ana, { id: newId(), name: 'Por comando', email: 'cmd@example.com', whatsapp: mobile() })).body.contact;
    const edited = { ...made, addresses: { whatsapp: '5511987654321' }, _deleted: false };
    expect((await call(server, 'POST', '/api/sync/contacts/push', { token: ana, body: [{ newDocumentState: edited, assumedMasterState: made }] })).status).toBe(200);
    expect((await server.store.get(made.id))?.addresses).toEqual(made.addresses);
    const holders = await server.store.find({ selector: { type: 'contact', 'addresses.whatsapp': '5511987654321' }, limit: 10 });
    expect(holders.map((h) => h._id)).toEqual(['contact:maria']);
  });
});

describe('bad input to the contact endpoints', () => {
  it('unknown keys, foreign ids, missing queries and no token are refused before anything is stored', async () => {
    const id = newId();
    const extra = await create(ana, { id, name: 'Extra', email: 'e@example.com', whatsapp: mobile(), teamIds: ['team:comercial'] });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain('teamIds');
    expect((await create(ana, { id: 'message:abcdefgh', name: 'X', email: 'x@example.com', whatsapp: mobile() })).status).toBe(400);
    expect((await call(server, 'PATCH', `/api/contacts/${id}`, { token: ana, body: { createdBy: 'user:carla' } })).status).toBe(400);
    expect((await call(server, 'POST', '/api/contacts/contact:maria/merge', { token: carla, body: {} })).status).toBe(400);
    expect((await call(server, 'GET', '/api/contacts/search', { token: ana })).status).toBe(400);
    expect((await call(server, 'GET', '/api/contacts/search?q=maria')).status).toBe(401);
    expect((await call(server, 'POST', '/api/contacts', { body: { id, name: 'X', email: 'x@example.com', whatsapp: mobile() } })).status).toBe(401);
    expect(await server.store.get(id)).toBeUndefined();
  });
});

describe('R-CT-01 editing a contact', () => {
  it('R-CT-02 a new number is claimed and the old one freed for others', async () => {
    const old = mobile();
    const { body } = await create(ana, { id: newId(), name: 'Troca', email: 't@example.com', whatsapp: old });
    const changed = await call<ContactReply>(server, 'PATCH', `/api/contacts/${body.contact.id}`, { token: ana, body: { name: 'Troca Nova', whatsapp: mobile() } });
    expect(changed.status).toBe(200);
    expect(changed.body.contact.name).toBe('Troca Nova');
    expect(changed.body.contact.addresses.whatsapp).not.toBe(body.contact.addresses.whatsapp);
    expect(changed.body.contact.email).toBe('t@example.com');
    const reuse = await create(ana, { id: newId(), name: 'Herdeira', email: 'h@example.com', whatsapp: old });
    expect(reuse.status).toBe(201);
  });

  it('R-CT-02 an edit to a number someone else holds is 409 and changes nothing', async () => {
    const { body } = await create(ana, { id: newId(), name: 'Fica', email: 'f@example.com', whatsapp: mobile() });
    const taken = await call<{ message: string }>(server, 'PATCH', `/api/contacts/${body.contact.id}`, { token: ana, body: { name: 'Mudou', whatsapp: '11987654321' } });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toContain('Maria Oliveira');
    expect((await server.store.get(body.contact.id))?.name).toBe('Fica');
  });

  it('R-CT-01 an edit may not empty a required field; another team’s contact is 403; an unknown one 404', async () => {
    const { body } = await create(ana, { id: newId(), name: 'Regra', email: 'r@example.com', whatsapp: mobile() });
    expect((await call(server, 'PATCH', `/api/contacts/${body.contact.id}`, { token: ana, body: { email: '' } })).status).toBe(400);
    // Maria is linked to Suporte only.
    expect((await call(server, 'PATCH', '/api/contacts/contact:maria', { token: vera, body: { name: 'X' } })).status).toBe(403);
    expect((await call(server, 'PATCH', '/api/contacts/contact:nobody', { token: ana, body: { name: 'X' } })).status).toBe(404);
    expect((await call(server, 'PATCH', '/api/contacts/contact:maria', { token: carla, body: { customFields: { empresa: 'ACME' } } })).status).toBe(200);
  });
});

describe('merging contacts', () => {
  async function finishedConversation(contactId: string, teamId: string): Promise<string> {
    const now = Date.now();
    const id = `conversation:${clientId('m')}`;
    await server.store.bulkWrite([asStored({
      id, type: 'conversation', createdAt: now, updatedAt: now, contactId, channel: 'whatsapp', channelAccountId: 'channel:wa', teamId,
      formerTeamIds: [], status: 'finished', agentId: 'user:ana', invitedAgentIds: [], protocol: `20260101-${id.slice(-6)}`, startedBy: 'customer',
      waitingSince: null, takenAt: now, finishedAt: now, finishedBy: 'user:ana', lastInboundAt: now, lastMessageAt: now, lastPreview: '',
      disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
    })]);
    return id;
  }

  function contactOf(name: string, extra: Doc = {}) {
    return create(ana, { id: newId(), name, email: `${name.toLowerCase()}@example.com`, whatsapp: mobile(), ...extra }).then((r) => r.body.contact);
  }

  it('R-CT merge moves addresses, conversations and notes to the target and removes the source (mergedInto); a repeat answers the same', async () => {
    const target = await contactOf('Alvo');
    const source = await contactOf('Origem', { customFields: { cpf: '123' } });
    const conversationId = await finishedConversation(source.id, 'team:suporte');
    const noteId = `note:${clientId('n')}`;
    const now = Date.now();
    await server.store.bulkWrite([asStored({
      id: noteId, type: 'note', createdAt: now, updatedAt: now, contactId: source.id, authorId: 'user:ana', authorName: 'Ana', text: 'liga à tarde', teamIds: ['team:suporte'],
    })]);

    const merged = await call<ContactReply>(server, 'POST', `/api/contacts/${target.id}/merge`, { token: carla, body: { sourceId: source.id } });
    expect(merged.status).toBe(200);
    expect(merged.body.contact).toMatchObject({ id: target.id, name: 'Alvo', addresses: { whatsapp: target.addresses.whatsapp }, customFields: { cpf: '123' } });
    // The source's number now reaches the target (the next WhatsApp message lands there).
    expect(await server.store.get(addressId('whatsapp', source.addresses.whatsapp!))).toMatchObject({ contactId: target.id });
    expect(await server.store.get(conversationId)).toMatchObject({ contactId: target.id });
    expect(await server.store.get(noteId)).toMatchObject({ contactId: target.id });
    expect(await server.store.get(source.id)).toMatchObject({ removed: true, mergedInto: target.id, name: '' });

    const again = await call<ContactReply>(server, 'POST', `/api/contacts/${target.id}/merge`, { token: carla, body: { sourceId: source.id } });
    expect(again.status).toBe(200);
    expect(again.body.contact.id).toBe(target.id);
    const history = await call<{ conversations: Doc[] }>(server, 'GET', `/api/contacts/${target.id}/history`, { token: ana });
    expect(history.body.conversations.map((c) => c.id)).toContain(conversationId);
  });

  it('R-CT merge needs a supervisor or admin; a contact in service cannot be merged away', async () => {
    const target = await contactOf('Alvo2');
    const source = await contactOf('Origem2');
    const denied = await call(server, 'POST', `/api/contacts/${target.id}/merge`, { token: vera, body: { sourceId: source.id } });
    expect(denied.status).toBe(403);
    expect((await server.store.get(source.id))?.removed).toBeUndefined();
    const open = await finishedConversation(source.id, 'team:suporte');
    await server.store.bulkWrite([{ ...(await server.store.get(open))!, status: 'active', finishedAt: null }]);
    const busy = await call<{ error: string }>(server, 'POST', `/api/contacts/${target.id}/merge`, { token: carla, body: { sourceId: source.id } });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toBe('contact_in_service');
    expect((await call(server, 'POST', `/api/contacts/${target.id}/merge`, { token: carla, body: { sourceId: target.id } })).status).toBe(400);
  });
});
