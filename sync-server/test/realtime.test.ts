import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ServerFrame } from '@atende/protocol';
import {
  addUser, call, clientId, errorFor, FrameClient, login, newVisitor, nextNew, pullAll, roundTrip, startTestServer, visitorSays, type TestServer,
} from './helpers.js';

/**
 * The agents' realtime hub `/ws` (issue 2 point 8, ARCHITECTURE §4): hello/welcome, bad frames,
 * sync.docs scoped per user (more in stream.test.ts), presence with the drop grace (R-NET-06) and logout (R-AUTH-05),
 * typing scoped to participants, pings. No timing asserts: durations are only bounded waits.
 */

type Frame = Record<string, unknown>;

const wsUrl = (server: { url: string }) => server.url.replace(/^http/, 'ws') + '/ws';
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const syncNames = (f: Frame): string[] => (f.type === 'sync.docs' ? [String(f.collection)] : []);
const teamFrames = (client: FrameClient) =>
  client.frames.filter((f) => f.type === 'sync.changed' || (f.type === 'sync.docs' && (f.collection === 'conversations' || f.collection === 'messages')));

/** Waits until the sync.docs frames recorded since the last clear() cover every collection given. */
function syncedAll(client: FrameClient, collections: string[], timeoutMs = 5000): Promise<Frame> {
  const named = () => new Set(client.frames.flatMap(syncNames));
  return client.next(() => collections.every((c) => named().has(c)), timeoutMs);
}

const presenceOf = (userId: string, status: string) => (f: Frame) => f.type === 'presence' && f.userId === userId && f.status === status;

async function tokenOf(server: TestServer, email: string): Promise<string> {
  return (await login(server, email)).accessToken;
}

/** A plain ws client used where FrameClient's defaults do not fit (e.g. not answering protocol pings). */
async function rawSocket(url: string, options: { autoPong?: boolean } = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  await once(ws, 'open');
  return ws;
}

function closeOf(ws: WebSocket, timeoutMs: number): Promise<number> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    ws.once('close', (code: number) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('realtime hub /ws', () => {
  let server: TestServer;
  let ana: string;
  let bruno: string;
  let carla: string;
  let caio: string; // an agent of team Comercial only
  const open: FrameClient[] = [];

  const agent = async (token: string) => {
    const client = await FrameClient.agent(server, token);
    open.push(client);
    return client;
  };
  const visitorSocket = async (token: string) => {
    const client = await FrameClient.visitor(server, token);
    open.push(client);
    return client;
  };
  const bare = async () => {
    const client = await FrameClient.open(wsUrl(server));
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer();
    await addUser(server, { key: 'caio', name: 'Caio Comercial', email: 'caio@test.local', role: 'agent', teamIds: ['team:comercial'] });
    [ana, bruno, carla, caio] = await Promise.all([
      tokenOf(server, 'ana@demo.local'),
      tokenOf(server, 'bruno@demo.local'),
      tokenOf(server, 'carla@demo.local'),
      tokenOf(server, 'caio@test.local'),
    ]);
  });
  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await server?.close();
  });

  describe('hello', () => {
    it('hello with a valid token → welcome with the user id and the presence map', async () => {
      const client = await bare();
      client.send({ type: 'hello', token: ana });
      const welcome = await client.next((f) => f.type === 'welcome');
      expect(ServerFrame.parse(welcome)).toMatchObject({ type: 'welcome', userId: 'user:ana' });
      expect(welcome.presence).toMatchObject({ 'user:ana': 'online' });

      const again = await errorFor(client, { type: 'hello', token: ana });
      expect(again.code).toBe('already_authenticated');
      await roundTrip(client);
      expect(client.closed).toBeUndefined();
      client.close();
    });

    it('hello with a bad token → error frame and close 4401', async () => {
      for (const token of ['not-a-token', ana.slice(0, -4) + 'AAAA']) {
        const client = await bare();
        client.send({ type: 'hello', token });
        const error = await client.next((f) => f.type === 'error');
        expect(error.code).toBe('unauthenticated');
        expect((await client.closedPromise()).code).toBe(4401);
      }
    });

    it('a first frame other than hello → error frame and close 4401', async () => {
      const client = await bare();
      client.send({ type: 'ping' });
      const error = await client.next((f) => f.type === 'error');
      expect(error.code).toBe('unauthenticated');
      expect((await client.closedPromise()).code).toBe(4401);
      expect(client.frames.some((f) => f.type === 'pong')).toBe(false);
    });

    it('frames sent right behind hello (without waiting for welcome) are handled after it', async () => {
      const client = await bare();
      client.send({ type: 'hello', token: bruno });
      client.send({ type: 'ping' });
      client.send({ type: 'presence.set', status: 'online' });
      await client.next((f) => f.type === 'pong');
      expect(client.frames.map((f) => f.type).filter((t) => t === 'welcome' || t === 'pong' || t === 'error')).toEqual(['welcome', 'pong']);
      expect(client.closed).toBeUndefined();
      client.close();
    });
  });

  describe('bad frames', () => {
    it('malformed JSON, unknown types, wrong field types and binary frames get an error frame; nothing else breaks', async () => {
      const a = await agent(ana);
      const b = await agent(bruno);

      expect((await errorFor(a, '{"type": "ping"')).code).toBe('malformed_frame');
      expect((await errorFor(a, 'not json at all')).code).toBe('malformed_frame');
      expect((await errorFor(a, { type: 'teleport' })).code).toBe('unknown_frame');
      expect((await errorFor(a, { type: 'sync.changed', collections: ['conversations'] })).code).toBe('unknown_frame');
      expect((await errorFor(a, { noType: true })).code).toBe('unknown_frame');
      expect((await errorFor(a, { type: 'typing', conversationId: 42, typing: 'yes' })).code).toBe('invalid_frame');
      expect((await errorFor(a, { type: 'typing', conversationId: '../../etc', typing: true })).code).toBe('invalid_frame');
      expect((await errorFor(a, { type: 'presence.set', status: 'offline' })).code).toBe('invalid_frame');
      expect((await errorFor(a, { type: 'hello', token: 123 })).code).toBe('invalid_frame');
      expect((await errorFor(a, { type: 'ping', extra: 'field' })).code).toBe('invalid_frame');
      for (const value of ['null', '42', '"ping"', '[]']) {
        expect(['invalid_frame', 'unknown_frame']).toContain((await errorFor(a, value)).code);
      }
      const binary = nextNew(a, (f) => f.type === 'error');
      a.ws.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
      expect((await binary).code).toBe('invalid_frame');

      for (const f of a.frames) expect(ServerFrame.safeParse(f).success).toBe(true);
      // The sender's socket stays open and working, another user's socket too, and HTTP answers.
      await roundTrip(a);
      await roundTrip(b);
      expect(a.closed).toBeUndefined();
      expect(b.closed).toBeUndefined();
      const health = await call(server, 'GET', '/api/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ ok: true });
      a.close();
      b.close();
    });

    it('a frame over the size limit closes only the sender; other users keep working', async () => {
      const a = await agent(ana);
      const b = await agent(bruno);
      a.ws.send(JSON.stringify({ type: 'typing', conversationId: 'conversation:x', typing: true, pad: 'x'.repeat(128 * 1024) }));
      expect((await a.closedPromise()).code).toBe(1009);
      await roundTrip(b);
      expect(b.closed).toBeUndefined();
      expect((await call(server, 'GET', '/api/health')).status).toBe(200);
      b.close();
    });
  });

  describe('sync.docs', () => {
    it('a visitor’s first message streams to agents of the entry team and the supervisor, never another team', async () => {
      const [anaWs, carlaWs, caioWs] = await Promise.all([agent(ana), agent(carla), agent(caio)]);
      const visitor = await newVisitor(server);
      for (const c of [anaWs, carlaWs, caioWs]) await roundTrip(c);
      for (const c of [anaWs, carlaWs, caioWs]) c.clear();

      await visitorSays(server, visitor, 'Olá, quero ajuda com meu pedido');
      await syncedAll(anaWs, ['conversations', 'messages']);
      await syncedAll(carlaWs, ['conversations', 'messages']);
      // Ana's frame is flushed together with Caio's would-be frame; the pong proves it would be here.
      await roundTrip(caioWs);
      expect(teamFrames(caioWs)).toEqual([]);
      for (const c of [anaWs, carlaWs, caioWs]) c.close();
    });

    it('an agent of another team never receives a frame mentioning the conversation during a whole flow', async () => {
      const [anaWs, carlaWs, caioWs] = await Promise.all([agent(ana), agent(carla), agent(caio)]);
      const visitor = await newVisitor(server);
      const { conversationId, messageId } = await visitorSays(server, visitor, 'Preciso falar com o suporte');
      const visitorWs = await visitorSocket(visitor.token);

      expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
      const replyId = clientId('r');
      expect((await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: replyId, text: 'Oi! Sou a Ana.' } })).status).toBe(201);
      anaWs.send({ type: 'typing', conversationId, typing: true });
      await visitorWs.next((f) => f.type === 'typing' && f.typing === true);
      visitorWs.send({ type: 'typing', typing: true });
      // Positive control: the participant does get frames naming the conversation.
      await anaWs.next((f) => f.type === 'typing' && f.conversationId === conversationId);
      anaWs.send({ type: 'typing', conversationId, typing: false });
      await visitorWs.next((f) => f.type === 'typing' && f.typing === false);
      await syncedAll(anaWs, ['conversations', 'messages']);
      await syncedAll(carlaWs, ['conversations', 'messages']);

      await roundTrip(caioWs);
      const seen = JSON.stringify(caioWs.frames);
      for (const id of [conversationId, messageId, replyId]) expect(seen).not.toContain(id);
      expect(caioWs.frames.filter((f) => f.type === 'typing')).toEqual([]);
      expect(caioWs.frames.flatMap(syncNames).filter((c) => c === 'conversations' || c === 'messages')).toEqual([]);
      const pulled = await pullAll(server, caio, 'conversations');
      expect(pulled.documents.some((d) => d.id === conversationId)).toBe(false);
      for (const c of [anaWs, carlaWs, caioWs, visitorWs]) c.close();
    });
  });

  describe('typing', () => {
    it('typing reaches only the conversation’s participants and the visitor; others get forbidden / not_found', async () => {
      const visitor = await newVisitor(server);
      const { conversationId } = await visitorSays(server, visitor, 'Alguém aí?');
      const contactId = String((await server.store.get(conversationId))?.contactId);
      expect(contactId).toMatch(/^contact:/);
      expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
      const [anaWs, brunoWs, carlaWs, caioWs] = await Promise.all([agent(ana), agent(bruno), agent(carla), agent(caio)]);
      const visitorWs = await visitorSocket(visitor.token);

      anaWs.send({ type: 'typing', conversationId, typing: true });
      expect(await visitorWs.next((f) => f.type === 'typing')).toEqual({ type: 'typing', typing: true });

      visitorWs.send({ type: 'typing', typing: true });
      const relayed = await anaWs.next((f) => f.type === 'typing');
      expect(relayed).toEqual({ type: 'typing', conversationId, authorId: contactId, typing: true });
      await Promise.all([roundTrip(brunoWs), roundTrip(carlaWs), roundTrip(caioWs)]);
      for (const other of [brunoWs, carlaWs, caioWs]) expect(other.frames.filter((f) => f.type === 'typing')).toEqual([]);

      expect((await errorFor(brunoWs, { type: 'typing', conversationId, typing: true })).code).toBe('forbidden');
      expect((await errorFor(caioWs, { type: 'typing', conversationId, typing: true })).code).toBe('not_found');
      expect((await errorFor(anaWs, { type: 'typing', conversationId: 'conversation:doesnotexist', typing: true })).code).toBe('not_found');
      expect((await errorFor(anaWs, { type: 'typing', conversationId: 'user:bruno', typing: true })).code).toBe('not_found');
      // Refused typing reached nobody.
      await roundTrip(visitorWs);
      expect(visitorWs.frames.filter((f) => f.type === 'typing')).toHaveLength(1);
      await roundTrip(anaWs);
      expect(anaWs.frames.filter((f) => f.type === 'typing')).toHaveLength(1);
      for (const c of [anaWs, brunoWs, carlaWs, caioWs, visitorWs]) c.close();
    });
  });

  describe('presence and ping', () => {
    it('R-WS-09 a pause started by its command → the others see paused, then online once it ends; presence.set makes no untyped pause', async () => {
      const watcher = await agent(bruno);
      const a = await agent(ana);
      expect((await errorFor(a, { type: 'presence.set', status: 'paused' })).code).toBe('pause_needs_type');
      expect(server.hub.statusOf('user:ana')).toBe('online');
      expect((await call(server, 'POST', '/api/me/pause', { token: ana, body: { typeId: 'pausetype:cafe' } })).status).toBe(200);
      await watcher.next(presenceOf('user:ana', 'paused'));
      // 'online' does not end a typed pause behind the pause's back.
      expect((await errorFor(a, { type: 'presence.set', status: 'online' })).code).toBe('paused');
      expect((await call(server, 'DELETE', '/api/me/pause', { token: ana })).status).toBe(200);
      await nextNew(watcher, presenceOf('user:ana', 'online'));
      expect(server.hub.statusOf('user:ana')).toBe('online');
      a.close();
      watcher.close();
    });

    it('a client ping frame is answered with pong', async () => {
      const a = await agent(carla);
      a.send({ type: 'ping' });
      expect(await a.next((f) => f.type === 'pong')).toEqual({ type: 'pong' });
      a.close();
    });
  });
});

describe('R-NET-06 presence grace on drops', () => {
  it('R-NET-06 a dropped socket shows offline only after the grace period', async () => {
    const server = await startTestServer({ ATENDE_PRESENCE_GRACE_MS: '300' });
    const clients: FrameClient[] = [];
    try {
      const [ana, bruno] = await Promise.all([tokenOf(server, 'ana@demo.local'), tokenOf(server, 'bruno@demo.local')]);
      const watcher = await FrameClient.agent(server, bruno);
      clients.push(watcher);
      const anaWs = await FrameClient.agent(server, ana);
      clients.push(anaWs);
      await watcher.next(presenceOf('user:ana', 'online'));

      anaWs.ws.terminate();
      await roundTrip(watcher);
      expect(watcher.frames.filter(presenceOf('user:ana', 'offline'))).toEqual([]);
      await watcher.next(presenceOf('user:ana', 'offline'), 5000);
      expect(server.hub.statusOf('user:ana')).toBe('offline');
    } finally {
      for (const c of clients) c.ws.terminate();
      await server.close();
    }
  });

  it('R-NET-06 reconnecting within the grace period produces no offline frame', async () => {
    const graceMs = 2000;
    const server = await startTestServer({ ATENDE_PRESENCE_GRACE_MS: String(graceMs) });
    const clients: FrameClient[] = [];
    try {
      const [ana, bruno] = await Promise.all([tokenOf(server, 'ana@demo.local'), tokenOf(server, 'bruno@demo.local')]);
      const watcher = await FrameClient.agent(server, bruno);
      clients.push(watcher);
      const first = await FrameClient.agent(server, ana);
      clients.push(first);
      await watcher.next(presenceOf('user:ana', 'online'));

      first.ws.terminate();
      await roundTrip(watcher);
      await pause(200); // bounded wait, well inside the grace, for the server to see the drop
      const second = await FrameClient.agent(server, ana);
      clients.push(second);
      expect(second.frames[0]?.presence).toMatchObject({ 'user:ana': 'online' });

      await pause(graceMs + 500); // past the end of the first drop's grace period
      await roundTrip(watcher);
      expect(watcher.frames.filter((f) => f.type === 'presence' && f.userId === 'user:ana' && f.status !== 'online')).toEqual([]);
      expect(server.hub.statusOf('user:ana')).toBe('online');

      // The reconnection is counted once: dropping it shows offline after its own grace.
      second.ws.terminate();
      await watcher.next(presenceOf('user:ana', 'offline'), graceMs + 5000);
    } finally {
      for (const c of clients) c.ws.terminate();
      await server.close();
    }
  });

  it('R-NET-06 a socket dropped while its hello is being checked does not leave the user online', async () => {
    const server = await startTestServer({ ATENDE_PRESENCE_GRACE_MS: '100' });
    const clients: FrameClient[] = [];
    try {
      const bruno = await tokenOf(server, 'bruno@demo.local');
      const watcher = await FrameClient.agent(server, bruno);
      clients.push(watcher);
      for (let i = 0; i < 5; i++) {
        const ana = await tokenOf(server, 'ana@demo.local'); // a fresh session: hello must read the store
        const client = await FrameClient.open(wsUrl(server));
        clients.push(client);
        client.send({ type: 'hello', token: ana });
        client.ws.terminate();
      }
      await roundTrip(watcher);
      await pause(500); // bounded: every hello has been checked and every grace has ended
      await roundTrip(watcher);
      expect(server.hub.statusOf('user:ana')).toBe('offline');
    } finally {
      for (const c of clients) c.ws.terminate();
      await server.close();
    }
  });
});

describe('R-AUTH-05 logout', () => {
  it('R-AUTH-05 logout closes the user’s socket (4001), shows offline at once and revokes the token', async () => {
    const server = await startTestServer({ ATENDE_PRESENCE_GRACE_MS: '60000' });
    const clients: FrameClient[] = [];
    try {
      const [ana, bruno] = await Promise.all([tokenOf(server, 'ana@demo.local'), tokenOf(server, 'bruno@demo.local')]);
      const watcher = await FrameClient.agent(server, bruno);
      clients.push(watcher);
      const anaWs = await FrameClient.agent(server, ana);
      clients.push(anaWs);
      await watcher.next(presenceOf('user:ana', 'online'));

      const closed = anaWs.closedPromise();
      expect((await call(server, 'POST', '/api/auth/logout', { token: ana, body: {} })).status).toBe(204);
      expect((await closed).code).toBe(4001);
      // Far inside the 60 s drop grace: logout is not a drop.
      await watcher.next(presenceOf('user:ana', 'offline'), 5000);
      expect(server.hub.statusOf('user:ana')).toBe('offline');
      expect(watcher.closed).toBeUndefined();

      const again = await FrameClient.open(wsUrl(server));
      clients.push(again);
      again.send({ type: 'hello', token: ana });
      expect((await again.next((f) => f.type === 'error')).code).toBe('unauthenticated');
      expect((await again.closedPromise()).code).toBe(4401);
      expect((await call(server, 'GET', '/api/sync/conversations/pull?limit=10', { token: ana })).status).toBe(401);
      expect((await call(server, 'GET', '/api/auth/me', { token: ana })).status).toBe(401);
    } finally {
      for (const c of clients) c.ws.terminate();
      await server.close();
    }
  });
});

describe('pings', () => {
  it('the server pings every interval; a peer that answers stays, one that never answers is closed', async () => {
    const server = await startTestServer({}, { pingIntervalMs: 100 });
    const sockets: WebSocket[] = [];
    const clients: FrameClient[] = [];
    try {
      const [ana, bruno] = await Promise.all([tokenOf(server, 'ana@demo.local'), tokenOf(server, 'bruno@demo.local')]);
      const alive = await FrameClient.agent(server, bruno);
      clients.push(alive);

      // A dead peer: authenticated, then silent, and its ws client does not answer protocol pings.
      const dead = await rawSocket(wsUrl(server), { autoPong: false });
      sockets.push(dead);
      const serverPings: unknown[] = [];
      dead.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        if (frame.type === 'ping') serverPings.push(frame);
      });
      const welcome = new Promise<void>((resolve) => dead.on('message', (data) => {
        if ((JSON.parse(data.toString()) as Frame).type === 'welcome') resolve();
      }));
      dead.send(JSON.stringify({ type: 'hello', token: ana }));
      await welcome;
      await closeOf(dead, 5000);
      expect(serverPings.length).toBeGreaterThanOrEqual(2);

      // The answering peer has seen several pings meanwhile and is still open and working.
      await alive.next(() => alive.frames.filter((f) => f.type === 'ping').length >= 4, 5000);
      expect(alive.frames.find((f) => f.type === 'ping')).toEqual({ type: 'ping' });
      await roundTrip(alive);
      expect(alive.closed).toBeUndefined();
    } finally {
      for (const s of sockets) s.terminate();
      for (const c of clients) c.ws.terminate();
      await server.close();
    }
  });
});

describe('hello timeout', () => {
  it('a socket that never says hello is closed with 4401 and counts for nobody', async () => {
    const server = await startTestServer({}, { helloTimeoutMs: 200 });
    try {
      const silent = await FrameClient.open(wsUrl(server));
      const closed = await silent.closedPromise(5000);
      expect(closed.code).toBe(4401);
      expect(silent.frames.filter((f) => f.type === 'welcome')).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
