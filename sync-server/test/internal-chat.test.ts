import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmRoomId, teamRoomId, type MessageDoc, type TeamDoc } from '@atende/protocol';
import { SEARCH_DESIGN } from '../src/search/views.js';
import { toStored } from '../src/store/wire.js';
import { addUser, call, clientId, FrameClient, login, pullAll, startTestServer, type TestServer } from './helpers.js';

/**
 * R-WS-12 internal chat over real HTTP and WebSocket: a one-to-one message reaches its two users
 * only (by pull and by the live stream, a supervisor who is not one of them included); a team's
 * room reaches the team; a team that does not allow the chat refuses; a retry is applied once;
 * agents' talk is not found by the message search.
 */

type Doc = Record<string, unknown>;
const docsIn = (f: Doc): Doc[] => (Array.isArray(f.documents) ? (f.documents as Doc[]) : []);
const streamed = (client: FrameClient, id: string) =>
  client.next((f) => f.type === 'sync.docs' && docsIn(f).some((d) => d.id === id));
const everStreamed = (client: FrameClient, id: string) => client.frames.some((f) => f.type === 'sync.docs' && docsIn(f).some((d) => d.id === id));

describe('R-WS-12 internal chat', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  const sockets: FrameClient[] = [];
  const send = (who: string, room: string, text: string, id = clientId('chat')) =>
    call<{ message: MessageDoc; error?: string; message_?: string }>(server, 'POST', '/api/chat/messages', { token: tokens[who], body: { id, room, text } });
  const socket = async (who: string) => {
    const client = await FrameClient.agent(server, tokens[who] ?? '');
    sockets.push(client);
    return client;
  };
  const pulledIds = async (who: string) => (await pullAll(server, tokens[who] ?? '', 'messages')).documents.map((d) => d.id);

  beforeAll(async () => {
    server = await startTestServer();
    const now = Date.now();
    const closed: TeamDoc = { id: 'team:fechada', type: 'team', name: 'Fechada', dispositionRequired: false, internalChat: false, createdAt: now, updatedAt: now };
    await server.store.bulkWrite([toStored(closed)]);
    await addUser(server, { key: 'caio', name: 'Caio Comercial', email: 'caio@test.local', role: 'agent', teamIds: ['team:comercial'] });
    await addUser(server, { key: 'gil', name: 'Gil Fechada', email: 'gil@test.local', role: 'agent', teamIds: ['team:fechada'] });
    await addUser(server, { key: 'flavia', name: 'Flávia Pressa', email: 'flavia@test.local', role: 'agent', teamIds: ['team:suporte'] });
    for (const [who, email] of [['ana', 'ana@demo.local'], ['bruno', 'bruno@demo.local'], ['carla', 'carla@demo.local'],
      ['admin', 'admin@demo.local'], ['caio', 'caio@test.local'], ['gil', 'gil@test.local'], ['flavia', 'flavia@test.local']] as const) {
      tokens[who] = (await login(server, email)).accessToken;
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await server?.close();
  });

  it('R-WS-12 a one-to-one message reaches ana and bruno only, by stream and by pull (not carla, a supervisor not in it)', async () => {
    const [ana, bruno, carla, caio] = [await socket('ana'), await socket('bruno'), await socket('carla'), await socket('caio')];
    const dm = await send('ana', dmRoomId('user:ana', 'user:bruno'), 'Bruno, pode me ajudar no pedido?');
    expect(dm.status).toBe(201);
    expect(dm.body.message).toMatchObject({
      direction: 'internal', authorId: 'user:ana', authorName: 'Ana Souza', recipientId: 'user:bruno', status: 'sent', kind: 'text',
    });
    const id = dm.body.message.id;
    await Promise.all([streamed(ana, id), streamed(bruno, id)]);
    // Written after the DM: once carla and caio have it, the DM would have reached them by then.
    const after = await send('carla', teamRoomId('team:comercial'), 'Reunião às 15h');
    expect(after.status).toBe(201);
    await Promise.all([streamed(carla, after.body.message.id), streamed(caio, after.body.message.id)]);
    expect(everStreamed(carla, id)).toBe(false);
    expect(everStreamed(caio, id)).toBe(false);

    expect(await pulledIds('ana')).toContain(id);
    expect(await pulledIds('bruno')).toContain(id);
    expect(await pulledIds('carla')).not.toContain(id);
    expect(await pulledIds('admin')).not.toContain(id);
    expect(await pulledIds('caio')).not.toContain(id);
  });

  it('R-WS-12 a supervisor one of a one-to-one room gets its messages by stream and by pull (under her own key)', async () => {
    const [carla, caio] = [await socket('carla'), await socket('caio')];
    const dm = await send('caio', dmRoomId('user:carla', 'user:caio'), 'Carla, pode aprovar o desconto?');
    expect(dm.status).toBe(201);
    await Promise.all([streamed(carla, dm.body.message.id), streamed(caio, dm.body.message.id)]);
    expect(await pulledIds('carla')).toContain(dm.body.message.id);
    expect(await pulledIds('admin')).not.toContain(dm.body.message.id);
  });

  it('R-WS-12 a team room reaches the team and supervisors, not another team', async () => {
    const bruno = await socket('bruno');
    const sent = await send('ana', teamRoomId('team:suporte'), 'Equipe, o sistema voltou');
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ teamId: 'team:suporte', recipientId: null, direction: 'internal' });
    await streamed(bruno, sent.body.message.id);
    expect(await pulledIds('bruno')).toContain(sent.body.message.id);
    expect(await pulledIds('carla')).toContain(sent.body.message.id);
    expect(await pulledIds('caio')).not.toContain(sent.body.message.id);
  });

  it('R-WS-12 a team that does not allow the chat, or a room the user is not in, is refused with 403 and a clear message', async () => {
    const closedMember = await send('gil', teamRoomId('team:fechada'), 'Olá');
    expect(closedMember.status).toBe(403);
    expect(closedMember.body).toMatchObject({ error: 'chat_not_allowed' });
    const closedRoom = await send('carla', teamRoomId('team:fechada'), 'Olá');
    expect(closedRoom.status).toBe(403);
    expect(closedRoom.body).toMatchObject({ error: 'chat_team_disabled', message: 'Esta equipe não permite o chat interno.' });
    expect((await send('ana', teamRoomId('team:comercial'), 'Oi')).body).toMatchObject({ error: 'chat_not_member' });
    expect((await send('ana', dmRoomId('user:ana', 'user:caio'), 'Oi')).body).toMatchObject({ error: 'chat_no_shared_team' });
    expect((await send('ana', dmRoomId('user:ana', 'user:gil'), 'Oi')).status).toBe(403);
    // Someone else's room: ana may not write as if she were one of its users.
    expect((await send('ana', dmRoomId('user:bruno', 'user:carla'), 'Oi')).body).toMatchObject({ error: 'chat_not_member' });
    // A supervisor may talk to an agent of a team they share.
    expect((await send('carla', dmRoomId('user:carla', 'user:caio'), 'Oi, Caio')).status).toBe(201);
  });

  it('R-WS-12 bad input answers 400 with the reason; an unknown colleague 404', async () => {
    const badRoom = await send('ana', 'conversation:01J0000000000000000000000', 'Oi');
    expect(badRoom.status).toBe(400);
    expect(JSON.stringify(badRoom.body)).toContain('not a chat room');
    expect((await send('ana', teamRoomId('team:suporte'), '   ')).status).toBe(400);
    expect((await send('ana', teamRoomId('team:suporte'), 'x'.repeat(5000))).status).toBe(400);
    expect((await send('ana', dmRoomId('user:ana', 'user:ninguem'), 'Oi')).status).toBe(404);
    const extra = await call(server, 'POST', '/api/chat/messages', {
      token: tokens.ana, body: { id: clientId('extra'), room: teamRoomId('team:suporte'), text: 'Oi', authorId: 'user:bruno' },
    });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body)).toContain('authorId');
  });

  it('R-WS-12 a retried command is applied once; the same id in another room is refused; another author may reuse it', async () => {
    const id = clientId('retry');
    const room = dmRoomId('user:ana', 'user:bruno');
    const first = await send('ana', room, 'Uma vez só', id);
    const again = await send('ana', room, 'Uma vez só', id);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(first.body.message.id);
    const stored = await server.store.find({ selector: { type: 'message', conversationId: room, text: 'Uma vez só' }, limit: 10 });
    expect(stored).toHaveLength(1);
    expect((await send('ana', teamRoomId('team:suporte'), 'Uma vez só', id)).status).toBe(409);
    // Ids are per author: bruno's client may well make the same client id.
    const bruno = await send('bruno', room, 'Eu também', id);
    expect(bruno.status).toBe(201);
    expect(bruno.body.message.id).not.toBe(first.body.message.id);
  });

  it('R-WS-12 one user\'s flood of messages (each one to the whole team) is held back with 429 and a clear reason; others still write', async () => {
    const answers: number[] = [];
    for (let n = 0; n < 45; n++) answers.push((await send('flavia', teamRoomId('team:suporte'), `mensagem ${n}`)).status);
    // A burst of 20 always passes; 45 in a row cannot all pass (at most two 20-message windows in this test's time).
    expect(answers.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(answers.filter((s) => s === 201).length).toBeLessThanOrEqual(40);
    const refused = await send('flavia', teamRoomId('team:suporte'), 'mais uma');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/chat interno/) });
    // Per user: a colleague at the same address is not held back.
    expect((await send('bruno', teamRoomId('team:suporte'), 'Eu ainda posso')).status).toBe(201);
  });

  it('R-WS-12 internal messages are not found by the message search, not even by their author', async () => {
    const word = 'zebraquartzo';
    expect((await send('ana', dmRoomId('user:ana', 'user:bruno'), `palavra ${word}`)).status).toBe(201);
    expect((await send('ana', teamRoomId('team:suporte'), `também ${word}`)).status).toBe(201);
    const rows = await server.store.queryView(SEARCH_DESIGN, { view: 'message_words', startkey: ['*', word], endkey: ['*', `${word}\ufff0`], limit: 10 });
    expect(rows).toHaveLength(0);
    for (const who of ['ana', 'carla']) {
      const found = await call<{ hits: unknown[] }>(server, 'GET', `/api/search/messages?q=${word}`, { token: tokens[who] });
      expect(found.status).toBe(200);
      expect(found.body.hits).toEqual([]);
    }
  });
});
