import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toStored } from '../src/store/wire.js';
import { addUser, call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

type Doc = Record<string, unknown>;

let server: TestServer;
const tokens: Record<string, string> = {};
let contactId: string;
let suporteId: string;
let comercialId: string;
let comercialOpenId: string;

/** A conversation of another team written straight into the store, with one message carrying a file. */
async function storedConversation(teamId: string, status: 'finished' | 'active', at: number, file: string): Promise<string> {
  const id = `conversation:${clientId('h')}`;
  const conversation = {
    id, type: 'conversation', createdAt: at - 1000, updatedAt: at, contactId, channel: 'whatsapp', channelAccountId: 'channel:wa', teamId,
    formerTeamIds: [], status, agentId: 'user:vera', invitedAgentIds: [], protocol: `20260101-${id.slice(-6)}`, startedBy: 'customer',
    waitingSince: null, takenAt: at - 900, finishedAt: status === 'finished' ? at : null, finishedBy: status === 'finished' ? 'user:vera' : null,
    lastInboundAt: at, lastMessageAt: at, lastPreview: '', disposition: status === 'finished' ? 'disposition:venda' : null,
    finishNote: status === 'finished' ? 'vendido' : '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
  };
  const message = {
    id: `message:${clientId('f')}`, type: 'message', createdAt: at - 500, updatedAt: at - 500, conversationId: id, teamId, formerTeamIds: [],
    direction: 'in', authorId: contactId, authorName: 'Cliente', kind: 'image', text: 'segue a foto',
    attachments: [{ mediaId: `media:${file}`, name: `${file}.jpg`, mimeType: 'image/jpeg', size: 10, kind: 'image', thumbnail: false }],
    visibility: 'public', status: 'delivered', error: null, externalId: null, payload: {},
  };
  const results = await server.store.bulkWrite([toStored(conversation), toStored(message)]);
  expect(results.every((r) => r.ok)).toBe(true);
  return id;
}

beforeAll(async () => {
  server = await startTestServer();
  await addUser(server, { key: 'vera', name: 'Vera Dias', email: 'vera@test.local', role: 'agent', teamIds: ['team:comercial'] });
  for (const name of ['ana', 'bruno', 'carla']) tokens[name] = (await login(server, `${name}@demo.local`)).accessToken;
  tokens.vera = (await login(server, 'vera@test.local')).accessToken;

  // Suporte: a real conversation, taken and finished by Ana with a disposition and a note.
  const visitor = await newVisitor(server, 'demo-site', 'Cliente Histórico');
  const said = await visitorSays(server, visitor, 'preciso de ajuda');
  suporteId = said.conversationId;
  contactId = String((await server.store.get(suporteId))?.contactId);
  expect((await call(server, 'POST', `/api/conversations/${suporteId}/claim`, { token: tokens.ana, body: {} })).status).toBe(200);
  const finished = await call(server, 'POST', `/api/conversations/${suporteId}/finish`, {
    token: tokens.ana, body: { disposition: 'disposition:duvida', note: 'resolvido por telefone' },
  });
  expect(finished.status).toBe(200);
  const finishedAt = Number((await server.store.get(suporteId))?.finishedAt);
  // Comercial: one finished after it, one still open.
  comercialId = await storedConversation('team:comercial', 'finished', finishedAt + 60_000, 'contrato');
  comercialOpenId = await storedConversation('team:comercial', 'active', finishedAt + 120_000, 'aberta');
});
afterAll(() => server.close());

const history = (who: string) =>
  call<{ conversations: Doc[] }>(server, 'GET', `/api/contacts/${contactId}/history`, { token: tokens[who] });
const transcript = (who: string, id: string) =>
  call<{ messages?: Doc[] }>(server, 'GET', `/api/conversations/${id}/messages`, { token: tokens[who] });

describe('R-CT-04 R-WS-05 contact history', () => {
  it('R-CT-04 lists the finished conversations of the own team with protocol, channel, team, agent, disposition, note and dates', async () => {
    const reply = await history('ana');
    expect(reply.status).toBe(200);
    expect(reply.body.conversations).toHaveLength(1);
    expect(reply.body.conversations[0]).toMatchObject({
      id: suporteId, channel: 'webchat', teamId: 'team:suporte', teamName: 'Suporte', agentId: 'user:ana', agentName: 'Ana Souza',
      disposition: 'Dúvida resolvida', finishNote: 'resolvido por telefone',
    });
    expect(reply.body.conversations[0]?.protocol).toMatch(/^\d{8}-\d+$/);
    expect(typeof reply.body.conversations[0]?.finishedAt).toBe('number');
  });

  it('R-WS-05 other teams’ finished conversations appear only with the permission, newest first; open ones never', async () => {
    const bruno = await history('bruno'); // demo seed: Bruno may see other teams' history
    expect(bruno.body.conversations.map((c) => c.id)).toEqual([comercialId, suporteId]);
    expect(bruno.body.conversations[0]).toMatchObject({ teamName: 'Comercial', agentName: 'Vera Dias', disposition: 'Venda realizada', finishNote: 'vendido' });
    const carla = await history('carla');
    expect(carla.body.conversations.map((c) => c.id)).toEqual([comercialId, suporteId]);
    // Vera sees her own team's, not Suporte's: she has no permission.
    expect((await history('vera')).body.conversations.map((c) => c.id)).toEqual([comercialId]);
  });

  it('R-WS-05 the transcript of another team’s finished conversation opens only for a permitted user', async () => {
    const permitted = await transcript('bruno', comercialId);
    expect(permitted.status).toBe(200);
    expect(permitted.body.messages?.map((m) => m.text)).toEqual(['segue a foto']);
    const denied = await transcript('ana', comercialId);
    expect(denied.status).toBe(404);
    expect(denied.body.messages).toBeUndefined();
    // An open conversation of another team stays closed even to the permitted (history is finished ones).
    expect((await transcript('bruno', comercialOpenId)).status).toBe(404);
    expect((await transcript('carla', comercialOpenId)).status).toBe(200);
  });

  it('R-CT-04 an unknown contact is 404', async () => {
    expect((await call(server, 'GET', '/api/contacts/contact:nobody/history', { token: tokens.ana })).status).toBe(404);
  });
});

describe('R-WS-03 the contact’s media gallery', () => {
  const media = (who: string, query = '') =>
    call<{ items: Array<Doc & { attachment: Doc }>; next: string | null }>(server, 'GET', `/api/contacts/${contactId}/media${query}`, { token: tokens[who] });

  it('R-WS-03 holds the files of every conversation the user may read, newest first', async () => {
    expect((await media('ana')).body.items).toEqual([]); // Suporte's conversation had no files
    const bruno = await media('bruno');
    expect(bruno.body.items.map((i) => i.attachment.name)).toEqual(['contrato.jpg']);
    const carla = await media('carla');
    expect(carla.body.items.map((i) => i.attachment.name)).toEqual(['aberta.jpg', 'contrato.jpg']);
    expect(carla.body.items[0]).toMatchObject({ conversationId: comercialOpenId, direction: 'in' });
  });

  it('R-WS-03 pages with limit and cursor without repeating or skipping', async () => {
    const first = await media('carla', '?limit=1');
    expect(first.body.items.map((i) => i.attachment.name)).toEqual(['aberta.jpg']);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await media('carla', `?limit=1&cursor=${encodeURIComponent(first.body.next!)}`);
    expect(second.body.items.map((i) => i.attachment.name)).toEqual(['contrato.jpg']);
    expect(second.body.next).toBeNull();
    expect((await media('carla', '?cursor=nonsense')).status).toBe(400);
    expect((await media('carla', '?limit=0')).status).toBe(400);
  });

  it('R-WS-03 a file of another team’s finished conversation opens for whoever may read that history, and only for them', async () => {
    const body = new FormData();
    body.append('file', new Blob(['contrato assinado'], { type: 'text/plain' }), 'contrato.txt');
    const uploaded = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${tokens.vera}` }, body });
    expect(uploaded.status).toBe(201);
    const { id } = (await uploaded.json()) as { id: string };
    // As every writer records it (media/service.ts recordUse): the file is carried by Comercial's finished conversation.
    const stored = await server.store.get(id);
    expect((await server.store.bulkWrite([{ ...stored!, conversationIds: [comercialId] }]))[0]?.ok).toBe(true);
    const read = (who: string) => fetch(`${server.url}/api/media/${id}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
    expect((await read('bruno')).status).toBe(200);
    expect((await read('ana')).status).toBe(404);
  });
});
