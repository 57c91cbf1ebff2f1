import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerFrame } from '@atende/protocol';
import { socketCounts } from '../src/realtime/socket.js';
import { updateDoc } from '../src/store/index.js';
import { addUser, call, FrameClient, login, newVisitor, roundTrip, visitorSays, startTestServer, type TestServer } from './helpers.js';

/**
 * Changes streamed over `/ws` (issue 8 C, R-NET-03, ARCHITECTURE §4 and §6): documents, not
 * hints, to every socket whose scope may hold them, content-free tombstones for a former team,
 * bounded per socket, and the session user refreshed live. No timing asserts: bounded waits only.
 */

type Frame = Record<string, unknown>;
type Doc = Record<string, unknown>;

const isDocs = (f: Frame, collection?: string): boolean => f.type === 'sync.docs' && (!collection || f.collection === collection);
const docsIn = (f: Frame): Doc[] => (Array.isArray(f.documents) ? (f.documents as Doc[]) : []);

/** Every streamed version of a document this socket has received so far. */
const versionsOf = (client: FrameClient, id: string): Doc[] =>
  client.frames.filter((f) => isDocs(f)).flatMap(docsIn).filter((d) => d.id === id);

/** Waits for a `sync.docs` frame carrying a version of `id` that matches. */
function streamed(client: FrameClient, id: string, match: (d: Doc) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
  return client.next((f) => isDocs(f) && docsIn(f).some((d) => d.id === id && match(d)), timeoutMs);
}

const welcomeOf = (client: FrameClient): Frame => client.frames.find((f) => f.type === 'welcome') ?? {};
const replicaOf = (client: FrameClient): Doc => (welcomeOf(client).replica ?? {}) as Doc;

/** Words of the customer's text that must never reach a socket that lost the conversation. */
const SECRET = 'pedido 4471 cartão final 9921';
const CONTENT_FIELDS = ['text', 'lastPreview', 'finishNote', 'channelMeta', 'authorName', 'payload', 'transfers', 'tags'];

describe('change stream /ws', () => {
  let server: TestServer;
  const open: FrameClient[] = [];
  const tokens: Record<string, string> = {};
  const agent = async (who: string) => {
    const client = await FrameClient.agent(server, tokens[who] ?? '');
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer();
    await addUser(server, { key: 'caio', name: 'Caio Comercial', email: 'caio@test.local', role: 'agent', teamIds: ['team:comercial'] });
    await addUser(server, { key: 'dora', name: 'Dora Suporte', email: 'dora@test.local', role: 'agent', teamIds: ['team:suporte'] });
    await addUser(server, { key: 'edu', name: 'Edu Suporte', email: 'edu@test.local', role: 'agent', teamIds: ['team:suporte'] });
    await addUser(server, { key: 'fabi', name: 'Fabi Suporte', email: 'fabi@test.local', role: 'agent', teamIds: ['team:suporte'] });
    for (const [who, email] of [['ana', 'ana@demo.local'], ['bruno', 'bruno@demo.local'], ['carla', 'carla@demo.local'],
      ['caio', 'caio@test.local'], ['dora', 'dora@test.local'], ['edu', 'edu@test.local'], ['fabi', 'fabi@test.local']] as const) {
      tokens[who] = (await login(server, email)).accessToken;
    }
  });
  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await server?.close();
  });

  it('ARCHITECTURE §4 welcome carries the user as the server knows them and the replica (store identity, scope, window)', async () => {
    const ana = await agent('ana');
    const welcome = ServerFrame.parse(welcomeOf(ana));
    if (welcome.type !== 'welcome') throw new Error('first frame is not welcome');
    expect(welcome.user).toMatchObject({ id: 'user:ana', teamIds: ['team:suporte'], role: 'agent' });
    expect(welcome.replica).toMatchObject({ replicaDays: 30 });
    expect(welcome.replica?.store).toMatch(/\S/);
    expect(welcome.replica?.scope).toMatch(/\S/);
    const bruno = await agent('bruno');
    const carla = await agent('carla');
    // Same rights, same scope; other rights, another scope.
    expect(replicaOf(bruno).scope).toBe(welcome.replica?.scope);
    expect(replicaOf(carla).scope).not.toBe(welcome.replica?.scope);
  });

  it('R-NET-03 ARCHITECTURE §4 a message reaches every eligible socket as a document, never a socket of another team', async () => {
    const [ana, bruno, carla, caio] = await Promise.all([agent('ana'), agent('bruno'), agent('carla'), agent('caio')]);
    const visitor = await newVisitor(server);
    const { messageId, conversationId } = await visitorSays(server, visitor, `Olá, ${SECRET}`);

    const frames = await Promise.all([ana, bruno, carla].map((c) => streamed(c, messageId)));
    for (const frame of frames) {
      expect(ServerFrame.safeParse(frame).success).toBe(true);
      expect(frame).toMatchObject({ collection: 'messages', checkpoint: { tail: true } });
      const doc = docsIn(frame).find((d) => d.id === messageId);
      expect(doc).toMatchObject({ id: messageId, type: 'message', conversationId, text: `Olá, ${SECRET}`, _deleted: false });
      expect(doc).not.toHaveProperty('_id');
      expect(doc).not.toHaveProperty('_rev');
      expect(doc).not.toHaveProperty('changedAt');
      const checkpoint = frame.checkpoint as Doc;
      expect(checkpoint.store).toBe(replicaOf(ana).store);
    }
    // Sockets of one scope get the very same frame (computed and serialised once for the group).
    expect(JSON.stringify(frames[1])).toBe(JSON.stringify(frames[0]));
    expect((frames[0]?.checkpoint as Doc).scope).toBe(replicaOf(ana).scope);
    expect((frames[2]?.checkpoint as Doc).scope).toBe(replicaOf(carla).scope);
    await Promise.all([ana, carla].map((c) => streamed(c, conversationId)));

    // Every group is flushed in the same turn: once the pong is back, Caio's frame would be here.
    await roundTrip(caio);
    const seen = JSON.stringify(caio.frames);
    for (const id of [messageId, conversationId]) expect(seen).not.toContain(id);
    expect(seen).not.toContain(SECRET);
    expect(caio.frames.filter((f) => f.type === 'sync.changed')).toEqual([]);
  });

  it('R-NET-03 ARCHITECTURE §4 a former team gets a tombstone without content, the new team the document', async () => {
    const [ana, bruno, carla, caio] = await Promise.all([agent('ana'), agent('bruno'), agent('carla'), agent('caio')]);
    const visitor = await newVisitor(server);
    const { conversationId, messageId } = await visitorSays(server, visitor, `Preciso de ajuda: ${SECRET}`);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: tokens.ana, body: {} })).status).toBe(200);
    await streamed(bruno, conversationId, (d) => d.status === 'active');

    const moved = await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, {
      token: tokens.ana, body: { toTeamId: 'team:comercial' },
    });
    expect(moved.status).toBe(200);
    // The new team gets the document itself, with its content.
    await streamed(caio, conversationId, (d) => d.teamId === 'team:comercial' && !d._deleted);
    // The former team (Bruno never took part) gets a tombstone carrying no content at all.
    const frame = await streamed(bruno, conversationId, (d) => d._deleted === true);
    const tombstone = docsIn(frame).find((d) => d.id === conversationId) ?? {};
    expect(tombstone).toMatchObject({ id: conversationId, _deleted: true });
    for (const field of CONTENT_FIELDS) expect(tombstone).not.toHaveProperty(field);
    expect(JSON.stringify(frame)).not.toContain(SECRET);
    expect(ServerFrame.safeParse(frame).success).toBe(true);

    // A soft-deleted document leaves every replica that held it, as a content-free tombstone.
    const { written } = await updateDoc(server.store, messageId, (m) =>
      m && { _id: m._id, _rev: m._rev, type: 'message', conversationId, teamId: m.teamId, createdAt: m.createdAt, updatedAt: Date.now(), removed: true });
    expect(written).toBe(true);
    const removed = await streamed(carla, messageId, (d) => d._deleted === true);
    expect(JSON.stringify(removed)).not.toContain(SECRET);
    for (const field of CONTENT_FIELDS) expect(docsIn(removed).find((d) => d.id === messageId)).not.toHaveProperty(field);
    await roundTrip(ana);
    expect(versionsOf(ana, messageId).filter((d) => d.removed !== undefined)).toEqual([]);
  });

  it('ARCHITECTURE §4 a contact an agent created reaches that agent’s sockets, not the teammates sharing their scope', async () => {
    const [ana, bruno, carla] = await Promise.all([agent('ana'), agent('bruno'), agent('carla')]);
    const now = Date.now();
    const contact = {
      id: 'contact:stream-own-1', type: 'contact', name: 'Cliente da Ana', email: '', addresses: {}, customFields: {},
      createdAt: now, updatedAt: now, _deleted: false,
    };
    const pushed = await call(server, 'POST', '/api/sync/contacts/push', { token: tokens.ana, body: [{ newDocumentState: contact }] });
    expect(pushed.status).toBe(200);
    const own = await streamed(ana, contact.id);
    expect(docsIn(own).find((d) => d.id === contact.id)).toMatchObject({ name: 'Cliente da Ana', createdBy: 'user:ana' });
    expect((own.checkpoint as Doc).scope).toBe(replicaOf(ana).scope);
    await streamed(carla, contact.id);
    await roundTrip(bruno);
    expect(JSON.stringify(bruno.frames)).not.toContain(contact.id);
  });

  it('ARCHITECTURE §4 team change → session.user and new scope; the old team stops streaming to the socket', async () => {
    const dora = await agent('dora');
    const edu = await agent('edu');
    const before = replicaOf(dora).scope;
    await updateDoc(server.store, 'user:dora', (u) => u && { ...u, teamIds: ['team:comercial'], updatedAt: Date.now() });

    const session = await dora.next((f) => f.type === 'session.user');
    const parsed = ServerFrame.parse(session);
    if (parsed.type !== 'session.user') throw new Error('not session.user');
    expect(parsed.user).toMatchObject({ id: 'user:dora', teamIds: ['team:comercial'] });
    expect(parsed.replica.scope).not.toBe(before);
    expect(parsed.replica.store).toBe(replicaOf(dora).store);
    // Edu's own document did not change: no session.user for him.
    await roundTrip(edu);
    expect(edu.frames.filter((f) => f.type === 'session.user')).toEqual([]);

    // A new Suporte message reaches Edu but no longer Dora; frames to Dora carry her new scope.
    const visitor = await newVisitor(server);
    const { messageId } = await visitorSays(server, visitor, 'Mensagem para o suporte');
    await streamed(edu, messageId);
    await roundTrip(dora);
    expect(JSON.stringify(dora.frames)).not.toContain(messageId);
    const after = dora.frames.filter((f) => isDocs(f) && dora.frames.indexOf(f) > dora.frames.indexOf(session));
    for (const f of after) expect((f.checkpoint as Doc).scope).toBe(parsed.replica.scope);

    // A removed user's sockets close with 4403.
    const closed = dora.closedPromise();
    await updateDoc(server.store, 'user:dora', (u) => u && { ...u, removed: true, updatedAt: Date.now() });
    expect((await closed).code).toBe(4403);
  });

  it('ARCHITECTURE §4 a team change that lands while the socket’s hello is checked still reaches it as session.user', async () => {
    const carla = await agent('carla');
    const auth = server.auth;
    const original = auth.authenticate.bind(auth);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let checking = () => {};
    const checked = new Promise<void>((resolve) => (checking = resolve));
    auth.authenticate = async (token) => {
      const principal = await original(token);
      checking();
      await gate;
      return principal;
    };
    try {
      const fabi = await FrameClient.open(server.url.replace(/^http/, 'ws') + '/ws');
      open.push(fabi);
      fabi.send({ type: 'hello', token: tokens.fabi });
      await checked; // the hello holds the user as it was
      await updateDoc(server.store, 'user:fabi', (u) => u && { ...u, teamIds: ['team:comercial'], updatedAt: Date.now() });
      await streamed(carla, 'user:fabi', (d) => Array.isArray(d.teamIds) && d.teamIds.includes('team:comercial'));
      release();
      const welcome = await fabi.next((f) => f.type === 'welcome');
      const session = await fabi.next((f) => f.type === 'session.user');
      expect((session.user as Doc).teamIds).toEqual(['team:comercial']);
      expect((session.replica as Doc).scope).not.toBe((welcome.replica as Doc).scope);
    } finally {
      auth.authenticate = original;
      release();
    }
  });

  it('R-NET-03 R-OPS-03 a slow socket is closed (4008), not buffered without bound; the others get every document', async () => {
    const healthy = await agent('bruno');
    const slow = await agent('ana');
    // ws keeps its net.Socket private; pausing it is the only way to stop reading from outside.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const closedBefore = socketCounts.closedSlow;
    const pad = 'x'.repeat(256 * 1024);
    const ids: string[] = [];
    // Bounded: 128 × 256 KiB at most, far past the cap plus what loopback kernel buffers hold.
    for (let i = 0; i < 128 && socketCounts.closedSlow === closedBefore; i++) {
      const id = `team:slow-${i}`;
      ids.push(id);
      const now = Date.now();
      await server.store.bulkWrite([{ _id: id, type: 'team', name: `Slow ${i}`, pad, createdAt: now, updatedAt: now }]);
      await streamed(healthy, id, () => true, 10_000);
    }
    expect(socketCounts.closedSlow).toBe(closedBefore + 1);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closedPromise(10_000)).code).toBe(4008);
    // The reader got a prefix of the stream, never more than the cap behind, then the close.
    for (const id of ids) expect(versionsOf(healthy, id)).toHaveLength(1);
    expect(healthy.closed).toBeUndefined();
  });
});
