import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './redis.js';
import { addUser, call, clientId, FrameClient, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer } from './helpers.js';

let server: TestServer;
let ana: string;
let bruno: string;
let carla: string;

beforeAll(async () => {
  server = await startTestServer();
  [ana, bruno, carla] = await Promise.all([
    login(server, 'ana@demo.local').then((r) => r.accessToken),
    login(server, 'bruno@demo.local').then((r) => r.accessToken),
    login(server, 'carla@demo.local').then((r) => r.accessToken),
  ]);
});
afterAll(() => server.close());

async function waitingConversation(text = 'Olá, preciso de ajuda') {
  const visitor = await newVisitor(server);
  const { conversationId } = await visitorSays(server, visitor, text);
  return { visitor, conversationId };
}

describe('website chat core loop', () => {
  it('R-CH-02 visitor → waiting conversation → claim → agent reply → visitor receives it', async () => {
    const { visitor, conversationId } = await waitingConversation();
    const waiting = await server.store.get(conversationId);
    expect(waiting).toMatchObject({ status: 'waiting', teamId: 'team:suporte', agentId: null, lastPreview: 'Olá, preciso de ajuda' });
    expect(String(waiting?.protocol)).toMatch(/^\d{8}-\d{6}$/);

    const claim = await call<{ conversation: { status: string; agentId: string } }>(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    expect(claim.status).toBe(200);
    expect(claim.body.conversation).toMatchObject({ status: 'active', agentId: 'user:ana' });

    const socket = await FrameClient.visitor(server, visitor.token);
    const reply = await call<{ message: { id: string; status: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana,
      body: { id: clientId('a'), text: 'Olá! Como posso ajudar?' },
    });
    expect(reply.status).toBe(201);
    // R-OPS-02: the request returns once the message is stored; the send runs as a job.
    expect(reply.body.message.status).toBe('queued');
    // The agent's reply (lifecycle notices such as 'joined' come as 'system' messages).
    const frame = await socket.next((f) => f.type === 'message' && (f.message as { direction: string }).direction === 'out');
    expect(frame.message).toMatchObject({ direction: 'out', text: 'Olá! Como posso ajudar?', authorName: 'Ana Souza' });
    await server.jobs.idle();
    expect(await server.store.get(reply.body.message.id)).toMatchObject({ status: 'delivered' });
    socket.close();

    const transcript = await call<{ messages: Array<{ text: string; direction: string }> }>(server, 'GET', '/api/webchat/messages', { token: visitor.token });
    expect(transcript.body.messages.filter((m) => m.direction !== 'system').map((m) => [m.direction, m.text])).toEqual([
      ['in', 'Olá, preciso de ajuda'],
      ['out', 'Olá! Como posso ajudar?'],
    ]);
  });

  it('R-WS-02 under 20 concurrent claims exactly one agent wins; the others get already_taken', async () => {
    const { conversationId } = await waitingConversation();
    const extra = await Promise.all(
      Array.from({ length: 18 }, (_, i) =>
        addUser(server, { key: `claimer${i}`, name: `Claimer ${i}`, email: `claimer${i}@test.local`, role: 'agent', teamIds: ['team:suporte'] })
          .then((u) => login(server, u.email)).then((r) => r.accessToken),
      ),
    );
    const tokens = [ana, bruno, ...extra];
    const replies = await Promise.all(
      tokens.map((token) => call<{ error?: string; message?: string }>(server, 'POST', `/api/conversations/${conversationId}/claim`, { token, body: {} })),
    );
    const winners = replies.filter((r) => r.status === 200);
    const losers = replies.filter((r) => r.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const l of losers) {
      expect(l.body.error).toBe('already_taken');
      expect(l.body.message).toBe('Este atendimento já foi puxado por outro agente.');
    }
  });

  it('R-WS-02 a repeated claim by the winner is idempotent', async () => {
    const { conversationId } = await waitingConversation();
    const first = await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: { id: clientId() } });
    const again = await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    expect([first.status, again.status]).toEqual([200, 200]);
  });

  it('R-WS-04 only the conversation’s agent may write, and a retried message id stores one message', async () => {
    const { conversationId } = await waitingConversation();
    const id = clientId('m');
    const early = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id, text: 'cedo demais' } });
    // Nobody holds a waiting conversation yet: take it first (a state conflict, not a right).
    expect([early.status, early.body.error]).toEqual([409, 'not_active']);
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    const byOther = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: bruno, body: { id: clientId(), text: 'intruso' } });
    expect(byOther.status).toBe(403);
    const first = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id, text: 'uma vez' } });
    const retry = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id, text: 'uma vez' } });
    expect([first.status, retry.status]).toEqual([201, 200]);
    // The embedded store's Mango index can miss a document whose next revision is being written at
    // that instant (the send job marks the reply sent): read until the reply shows, then count.
    let messages: Awaited<ReturnType<typeof server.store.find>> = [];
    await until(async () => {
      messages = await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 });
      return messages.some((m) => m.text === 'uma vez');
    });
    expect(messages.filter((m) => m.text === 'uma vez')).toHaveLength(1);
    expect(messages.some((m) => m.text === 'intruso' || m.text === 'cedo demais')).toBe(false);
  });

  it('R-WS-05 R-WS-15 transfer to an agent of the team keeps the forwarding history', async () => {
    const { conversationId } = await waitingConversation();
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    const id = clientId('t');
    const moved = await call<{ conversation: { agentId: string; status: string; transfers: Array<Record<string, unknown>> } }>(
      server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: ana, body: { id, toAgentId: 'user:bruno' } },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ agentId: 'user:bruno', status: 'active' });
    expect(moved.body.conversation.transfers).toEqual([
      expect.objectContaining({ id, byUserId: 'user:ana', fromAgentId: 'user:ana', toAgentId: 'user:bruno', fromTeamId: 'team:suporte', toTeamId: 'team:suporte' }),
    ]);
    const retry = await call<{ conversation: { transfers: unknown[] } }>(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: ana, body: { id, toAgentId: 'user:bruno' } });
    expect(retry.status).toBe(200);
    expect(retry.body.conversation.transfers).toHaveLength(1);
    const notMine = await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: ana, body: { toTeamId: 'team:comercial' } });
    expect(notMine.status).toBe(403);
  });

  it('R-WS-05 transfer to another team moves the conversation and its messages out of the old team', async () => {
    const { conversationId } = await waitingConversation('mensagem antes da transferência');
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    const moved = await call<{ conversation: Record<string, unknown> }>(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: ana, body: { toTeamId: 'team:comercial' } });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ teamId: 'team:comercial', status: 'waiting', agentId: null, formerTeamIds: ['team:suporte'] });
    await server.jobs.idle(); // messages follow their conversation through an outbox job
    const messages = await server.store.find({ selector: { type: 'message', conversationId }, limit: 10 });
    expect(messages.every((m) => m.teamId === 'team:comercial')).toBe(true);
    const unknown = await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: carla, body: { toTeamId: 'team:nenhum' } });
    expect(unknown.status).toBe(422);
    const both = await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: carla, body: { toTeamId: 'team:suporte', toAgentId: 'user:ana' } });
    expect(both.status).toBe(400);
  });

  it('R-WS-06 finish keeps disposition and note; a disposition of another team is refused', async () => {
    const { conversationId } = await waitingConversation();
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    const wrong = await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: { disposition: 'disposition:venda' } });
    expect(wrong.status).toBe(422);
    const byOther = await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: bruno, body: {} });
    expect(byOther.status).toBe(403);
    const done = await call<{ conversation: Record<string, unknown> }>(server, 'POST', `/api/conversations/${conversationId}/finish`, {
      token: ana, body: { disposition: 'disposition:duvida', note: 'Cliente orientado' },
    });
    expect(done.status).toBe(200);
    expect(done.body.conversation).toMatchObject({ status: 'finished', disposition: 'disposition:duvida', finishNote: 'Cliente orientado', finishedBy: 'user:ana' });
    const pulled = await pullAll(server, ana, 'conversations');
    expect(pulled.documents.find((d) => d.id === conversationId)).toMatchObject({ status: 'finished', disposition: 'disposition:duvida' });
    const again = await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: { disposition: 'disposition:duvida' } });
    expect(again.status).toBe(200);
  });

  it('R-WS-06 a finished conversation is not reopened: the visitor’s next message opens a new one', async () => {
    const { visitor, conversationId } = await waitingConversation();
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: {} });
    const next = await visitorSays(server, visitor, 'voltei');
    expect(next.conversationId).not.toBe(conversationId);
    const fresh = await server.store.get(next.conversationId);
    expect(fresh).toMatchObject({ status: 'waiting' });
    expect(fresh?.protocol).not.toBe((await server.store.get(conversationId))?.protocol);
  });

  it('R-WS-04 an agent sends a file: uploaded, attached as metadata, readable by the team and not by another team', async () => {
    const { conversationId } = await waitingConversation('me manda a foto');
    await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    // The smallest valid PNG (1×1); the declared type is a lie the server must not trust.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'text/plain' }), 'foto.png');
    const uploaded = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${ana}` }, body: form });
    expect(uploaded.status).toBe(201);
    const media = (await uploaded.json()) as { id: string; mimeType: string };
    expect(media.mimeType).toBe('image/png');

    const sent = await call<{ message: { id: string; attachments: Array<Record<string, unknown>>; kind: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: clientId('f'), text: '', mediaIds: [media.id] },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message.kind).toBe('image');
    expect(sent.body.message.attachments).toEqual([expect.objectContaining({ mediaId: media.id, mimeType: 'image/png', size: png.length })]);

    const outsider = await addUser(server, { key: 'comercial-media', name: 'Comercial', email: 'comercial-media@test.local', role: 'agent', teamIds: ['team:comercial'] });
    const outsiderToken = (await login(server, outsider.email)).accessToken;
    const read = (token: string) => fetch(`${server.url}/api/media/${media.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await read(bruno)).status).toBe(200);
    expect((await read(outsiderToken)).status).toBe(404);
    const foreign = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: clientId('g'), text: 'x', mediaIds: ['media:01ZZZZZZZZZZZZZZZZZZZZZZZZ'] },
    });
    expect(foreign.status).toBe(404);
  });

  it('R-WS-19 an agent returns a conversation to the team queue with a note kept in the forwarding history', async () => {
    const { conversationId } = await waitingConversation('volto depois');
    // Its own agent: earlier tests leave Ana near her maximum of simultaneous conversations.
    const dora = await addUser(server, { key: 'dora', name: 'Dora', email: 'dora@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const doraToken = (await login(server, dora.email)).accessToken;
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: doraToken, body: {} })).status).toBe(200);
    const returned = await call<{ conversation: Record<string, unknown> }>(server, 'POST', `/api/conversations/${conversationId}/return`, {
      token: doraToken, body: { id: clientId('r'), note: 'cliente volta às 14h' },
    });
    expect(returned.status).toBe(200);
    expect(returned.body.conversation).toMatchObject({ status: 'waiting', agentId: null, teamId: 'team:suporte' });
    expect(returned.body.conversation.transfers).toEqual([expect.objectContaining({ fromAgentId: dora.id, toAgentId: null, note: 'cliente volta às 14h' })]);
    const byOther = await call(server, 'POST', `/api/conversations/${conversationId}/return`, { token: bruno, body: {} });
    expect([byOther.status]).toEqual([409]);
  });
});
