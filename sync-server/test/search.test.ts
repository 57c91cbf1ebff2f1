import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchWords } from '@atende/protocol';
import { SEARCH_DESIGN } from '../src/search/views.js';
import { toStored } from '../src/store/wire.js';
import { addUser, call, clientId, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer } from './helpers.js';

type Doc = Record<string, unknown>;
/** Any document shape, as the store keeps it. */
const asStored = (doc: Doc & { id: string }) => toStored(doc);
interface Hit {
  message: Doc & { id: string; text: string };
  conversation: Doc & { id: string };
}

let server: TestServer;
const tokens: Record<string, string> = {};
let suporteConversation: string;
let finishedComercial: string;

/** A Comercial conversation with one customer message, written straight into the store. */
async function comercialSays(text: string, status: 'finished' | 'active'): Promise<string> {
  const now = Date.now();
  const id = `conversation:${clientId('s')}`;
  await server.store.bulkWrite([
    asStored({
      id, type: 'conversation', createdAt: now, updatedAt: now, contactId: 'contact:joao', channel: 'whatsapp', channelAccountId: 'channel:wa',
      teamId: 'team:comercial', formerTeamIds: [], status, agentId: 'user:vera', invitedAgentIds: [], protocol: `20260101-${id.slice(-6)}`,
      startedBy: 'customer', waitingSince: null, takenAt: now, finishedAt: status === 'finished' ? now : null, finishedBy: null, lastInboundAt: now,
      lastMessageAt: now, lastPreview: '', disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
    }),
    asStored({
      id: `message:${clientId('t')}`, type: 'message', createdAt: now, updatedAt: now, conversationId: id, teamId: 'team:comercial',
      formerTeamIds: [], direction: 'in', authorId: 'contact:joao', authorName: 'João', kind: 'text', text, attachments: [],
      visibility: 'public', status: 'delivered', error: null, externalId: null, payload: {},
    }),
  ]);
  return id;
}

beforeAll(async () => {
  server = await startTestServer();
  await addUser(server, { key: 'vera', name: 'Vera', email: 'vera@test.local', role: 'agent', teamIds: ['team:comercial'] });
  for (const name of ['ana', 'bruno', 'carla']) tokens[name] = (await login(server, `${name}@demo.local`)).accessToken;
  tokens.vera = (await login(server, 'vera@test.local')).accessToken;
  const visitor = await newVisitor(server, 'demo-site', 'Rosa');
  suporteConversation = (await visitorSays(server, visitor, 'O boleto está VENCIDO desde ontem')).conversationId;
  finishedComercial = await comercialSays('Segue o boleto da proposta comercial', 'finished');
  await comercialSays('Outro boleto, conversa em andamento', 'active');
});
afterAll(() => server.close());

const searchMessages = (who: string, q: string) =>
  call<{ hits: Hit[] }>(server, 'GET', `/api/search/messages?q=${encodeURIComponent(q)}`, { token: tokens[who] });
const searchContacts = (who: string, q: string) =>
  call<{ contacts: Array<Doc & { id: string }> }>(server, 'GET', `/api/contacts/search?q=${encodeURIComponent(q)}`, { token: tokens[who] });

describe('R-WS-13 message search by words', () => {
  it('R-WS-13 finds a message by a word, ignoring case and accents, with its conversation', async () => {
    for (const q of ['vencido', 'VENCIDO', 'esta vencido', 'ESTÁ', 'venc']) {
      const reply = await searchMessages('ana', q);
      expect(reply.status).toBe(200);
      expect(reply.body.hits.map((h) => h.message.text), q).toEqual(['O boleto está VENCIDO desde ontem']);
    }
    const [hit] = (await searchMessages('ana', 'vencido')).body.hits;
    expect(hit?.conversation).toMatchObject({ id: suporteConversation, teamId: 'team:suporte', contactName: 'Rosa', status: 'waiting' });
    expect((await searchMessages('ana', 'vencido pago')).body.hits).toEqual([]);
  });

  it('R-WS-13 a word from a team the user cannot see is not found', async () => {
    const ana = (await searchMessages('ana', 'boleto')).body.hits.map((h) => h.conversation.id);
    expect(ana).toEqual([suporteConversation]);
    expect((await searchMessages('ana', 'proposta')).body.hits).toEqual([]);
    const vera = (await searchMessages('vera', 'boleto')).body.hits.map((h) => h.message.text).sort();
    expect(vera).toEqual(['Outro boleto, conversa em andamento', 'Segue o boleto da proposta comercial']);
  });

  it('R-WS-05 with the other-teams history permission, other teams’ finished conversations are found, open ones not', async () => {
    const bruno = (await searchMessages('bruno', 'boleto')).body.hits.map((h) => h.conversation.id).sort();
    expect(bruno).toEqual([suporteConversation, finishedComercial].sort());
    expect((await searchMessages('carla', 'boleto')).body.hits).toHaveLength(3);
  });

  it('R-WS-13 a query without words is refused', async () => {
    expect((await searchMessages('ana', 'a')).status).toBe(400);
    expect((await searchMessages('ana', '?!')).body.hits).toEqual([]);
  });

  it('R-WS-13 the index folds words exactly as protocol/search.ts does (one rule for renderer and server)', async () => {
    const texts = ['Olá, JOÃO! Ação nº 5 — ÿ ñ ç ø ß', 'e-mail: maria@example.com 😀 ok', 'İstanbul Œuvre ǅemal'];
    const now = Date.now();
    for (const [i, text] of texts.entries()) {
      await server.store.bulkWrite([asStored({
        id: `message:fold${i}xxxxxxxx`, type: 'message', createdAt: now, updatedAt: now, conversationId: 'conversation:none', teamId: 'team:fold',
        formerTeamIds: [], direction: 'in', authorId: null, authorName: '', kind: 'text', text, attachments: [], visibility: 'public',
        status: 'sent', error: null, externalId: null, payload: {},
      })]);
    }
    const rows = await server.store.queryView(SEARCH_DESIGN, {
      view: 'message_words', startkey: ['team:fold'], endkey: ['team:fold', {}], limit: 500,
    });
    for (const [i, text] of texts.entries()) {
      const indexed = rows.filter((r) => r.id === `message:fold${i}xxxxxxxx`).map((r) => (r.key as string[])[1]);
      expect(indexed.sort(), text).toEqual(searchWords(text).sort());
    }
  });
});

describe('R-WS-13 R-CT contact search beyond the replica', () => {
  it('R-WS-13 a number finds the contact, also one outside the caller’s replica', async () => {
    // Maria is linked to Suporte only: Vera (Comercial) does not hold her.
    expect((await pullAll(server, tokens.vera!, 'contacts')).documents.map((d) => d.id)).not.toContain('contact:maria');
    for (const q of ['11 98765-4321', '(11)987654321', '5511987654321', '119876']) {
      const reply = await searchContacts('vera', q);
      expect(reply.status).toBe(200);
      expect(reply.body.contacts.map((c) => c.id), q).toEqual(['contact:maria']);
    }
    expect((await searchContacts('vera', '11 91111-0000')).body.contacts).toEqual([]);
  });

  it('R-WS-13 a name finds contacts ignoring case and accents, by word prefixes', async () => {
    expect((await searchContacts('ana', 'joao')).body.contacts.map((c) => c.id)).toEqual(['contact:joao']);
    expect((await searchContacts('ana', 'LÚCIA')).body.contacts.map((c) => c.id)).toEqual(['contact:lucia']);
    expect((await searchContacts('ana', 'pereira jo')).body.contacts.map((c) => c.id)).toEqual(['contact:joao']);
    expect((await searchContacts('ana', 'oliveira x')).body.contacts).toEqual([]);
  });

  it('R-CT-01 a contact just added is found at once; a merged-away one no longer', async () => {
    const id = `contact:${clientId('q')}`;
    const created = await call(server, 'POST', '/api/contacts', { token: tokens.ana, body: { id, name: 'Zélia Quintana', email: 'z@example.com', whatsapp: '11 97777-1212' } });
    expect(created.status).toBe(201);
    expect((await searchContacts('ana', 'zelia')).body.contacts.map((c) => c.id)).toEqual([id]);
    expect((await searchContacts('ana', '11977771212')).body.contacts.map((c) => c.id)).toEqual([id]);
    const other = `contact:${clientId('q')}`;
    await call(server, 'POST', '/api/contacts', { token: tokens.ana, body: { id: other, name: 'Zélia Q.', email: 'zq@example.com', whatsapp: '11 97777-3434' } });
    expect((await call(server, 'POST', `/api/contacts/${id}/merge`, { token: tokens.carla, body: { sourceId: other } })).status).toBe(200);
    expect((await searchContacts('ana', 'zelia')).body.contacts.map((c) => c.id)).toEqual([id]);
  });
});
