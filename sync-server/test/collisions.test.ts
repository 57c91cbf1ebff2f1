import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VIEWING_PER_CONNECTION, ServerFrame } from '@atende/protocol';
import { VIEWING_FRAMES } from '../src/realtime/collisions.js';
import {
  addUser, call, errorFor, FrameClient, login, newVisitor, nextNew, roundTrip, visitorSays, startTestServer, type TestServer,
} from './helpers.js';
import { hasRedis } from './redis.js';
import { startTwoNodes, type TwoNodes } from './twoNodes.js';

/**
 * R-WS-17 collisions over real WebSockets: who views or types in a conversation reaches the
 * others who may see it (team colleagues, supervisors), never the author's own sockets nor
 * another team; a closed socket says `left`. No timing asserts: waits are only bounds, and a
 * ping/pong round trip proves a frame that should have arrived did not.
 */

type Frame = Record<string, unknown>;

const collision = (conversationId: string, userId: string, state: string) => (f: Frame) =>
  f.type === 'collision' && f.conversationId === conversationId && f.userId === userId && f.state === state;
const collisionsIn = (client: FrameClient, conversationId: string) =>
  client.frames.filter((f) => f.type === 'collision' && f.conversationId === conversationId);

describe('R-WS-17 collisions on /ws', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  const open: FrameClient[] = [];

  const socket = async (who: string) => {
    const client = await FrameClient.agent(server, tokens[who] ?? '');
    open.push(client);
    return client;
  };

  /** A website conversation waiting in team Suporte (viewing needs no claim; Ana's capacity is 5). */
  async function suporteConversation(): Promise<string> {
    const visitor = await newVisitor(server);
    return (await visitorSays(server, visitor, 'Olá, preciso de ajuda')).conversationId;
  }

  beforeAll(async () => {
    server = await startTestServer();
    await addUser(server, { key: 'caio', name: 'Caio Comercial', email: 'caio@test.local', role: 'agent', teamIds: ['team:comercial'] });
    for (const who of ['ana@demo.local', 'bruno@demo.local', 'carla@demo.local', 'caio@test.local']) {
      tokens[who.split('@')[0] ?? ''] = (await login(server, who)).accessToken;
    }
  });
  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await server?.close();
  });

  it('R-WS-17 viewing reaches the team colleague and the supervisor, not the author’s own sockets nor another team’s agent', async () => {
    const conversationId = await suporteConversation();
    const [ana, bruno, brunoOther, carla, caio] = await Promise.all([socket('ana'), socket('bruno'), socket('bruno'), socket('carla'), socket('caio')]);

    bruno.send({ type: 'viewing', conversationId, viewing: true });
    const seen = await ana.next(collision(conversationId, 'user:bruno', 'viewing'));
    expect(ServerFrame.parse(seen)).toEqual({ type: 'collision', conversationId, userId: 'user:bruno', state: 'viewing' });
    await carla.next(collision(conversationId, 'user:bruno', 'viewing'));

    await Promise.all([bruno, brunoOther, caio].map(roundTrip));
    expect(collisionsIn(bruno, conversationId)).toEqual([]);
    expect(collisionsIn(brunoOther, conversationId)).toEqual([]);
    expect(JSON.stringify(caio.frames)).not.toContain(conversationId);

    // A renewal is relayed again (observers keep the entry alive with it).
    bruno.send({ type: 'viewing', conversationId, viewing: true });
    await ana.next(() => ana.frames.filter(collision(conversationId, 'user:bruno', 'viewing')).length === 2);
  });

  it('R-WS-17 someone who starts viewing learns at once who is already there (only they are told)', async () => {
    const conversationId = await suporteConversation();
    const [ana, bruno, carla] = await Promise.all([socket('ana'), socket('bruno'), socket('carla')]);
    ana.send({ type: 'viewing', conversationId, viewing: true });
    await bruno.next(collision(conversationId, 'user:ana', 'viewing'));

    carla.send({ type: 'viewing', conversationId, viewing: true });
    await carla.next(collision(conversationId, 'user:ana', 'viewing'));
    await ana.next(collision(conversationId, 'user:carla', 'viewing'));
    await bruno.next(collision(conversationId, 'user:carla', 'viewing'));
    // Ana's introduction went to Carla alone: Bruno heard Ana once, when she started.
    await roundTrip(bruno);
    expect(bruno.frames.filter(collision(conversationId, 'user:ana', 'viewing'))).toHaveLength(1);
  });

  it('R-WS-17 the owner typing shows as typing then idle to observers; the customer still gets the typing relay', async () => {
    const visitor = await newVisitor(server);
    const { conversationId } = await visitorSays(server, visitor, 'Alguém aí?');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: tokens.ana, body: {} })).status).toBe(200);
    const visitorWs = await FrameClient.visitor(server, visitor.token);
    open.push(visitorWs);
    const [ana, bruno, carla, caio] = await Promise.all([socket('ana'), socket('bruno'), socket('carla'), socket('caio')]);

    ana.send({ type: 'viewing', conversationId, viewing: true });
    ana.send({ type: 'typing', conversationId, typing: true });
    await bruno.next(collision(conversationId, 'user:ana', 'typing'));
    await carla.next(collision(conversationId, 'user:ana', 'typing'));
    await visitorWs.next((f) => f.type === 'typing' && f.typing === true);

    ana.send({ type: 'typing', conversationId, typing: false });
    await bruno.next(collision(conversationId, 'user:ana', 'idle'));
    await carla.next(collision(conversationId, 'user:ana', 'idle'));

    // Someone starting to view while Ana types hears 'typing', not 'viewing'.
    ana.send({ type: 'typing', conversationId, typing: true });
    await bruno.next(() => bruno.frames.filter(collision(conversationId, 'user:ana', 'typing')).length === 2);
    const late = await socket('bruno');
    late.send({ type: 'viewing', conversationId, viewing: true });
    await late.next(collision(conversationId, 'user:ana', 'typing'));

    // A supervisor who is no participant may not type: refused, nothing relayed.
    expect((await errorFor(carla, { type: 'typing', conversationId, typing: true })).code).toBe('forbidden');
    await Promise.all([ana, bruno, caio].map(roundTrip));
    expect(ana.frames.filter(collision(conversationId, 'user:carla', 'typing'))).toEqual([]);
    expect(collisionsIn(ana, conversationId).filter((f) => f.userId === 'user:ana')).toEqual([]);
    expect(JSON.stringify(caio.frames)).not.toContain(conversationId);
  });

  it('R-WS-17 an invited colleague typing shows as typing to the supervisor, and the owner still gets the typing relay', async () => {
    const conversationId = await suporteConversation();
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: tokens.ana, body: {} })).status).toBe(200);
    const invited = await call(server, 'POST', `/api/conversations/${conversationId}/invite`, { token: tokens.ana, body: { agentIds: ['user:bruno'] } });
    expect(invited.status).toBe(200);
    const [ana, bruno, carla, caio] = await Promise.all([socket('ana'), socket('bruno'), socket('carla'), socket('caio')]);

    bruno.send({ type: 'viewing', conversationId, viewing: true });
    bruno.send({ type: 'typing', conversationId, typing: true });
    await carla.next(collision(conversationId, 'user:bruno', 'typing'));
    await ana.next(collision(conversationId, 'user:bruno', 'typing'));
    await ana.next((f) => f.type === 'typing' && f.conversationId === conversationId && f.authorId === 'user:bruno' && f.typing === true);
    await roundTrip(caio);
    expect(JSON.stringify(caio.frames)).not.toContain(conversationId);
  });

  it('R-WS-17 viewing false and a closed socket say left; a second window of the same user keeps them there', async () => {
    const conversationId = await suporteConversation();
    const [ana, bruno, brunoOther] = await Promise.all([socket('ana'), socket('bruno'), socket('bruno')]);

    bruno.send({ type: 'viewing', conversationId, viewing: true });
    await ana.next(collision(conversationId, 'user:bruno', 'viewing'));
    bruno.send({ type: 'viewing', conversationId, viewing: false });
    await ana.next(collision(conversationId, 'user:bruno', 'left'));

    // Two windows: one closing leaves Bruno viewing through the other.
    bruno.send({ type: 'viewing', conversationId, viewing: true });
    brunoOther.send({ type: 'viewing', conversationId, viewing: true });
    await ana.next(() => ana.frames.filter(collision(conversationId, 'user:bruno', 'viewing')).length === 3);
    bruno.close();
    await ana.next(() => ana.frames.filter(collision(conversationId, 'user:bruno', 'viewing')).length === 4);
    expect(ana.frames.filter(collision(conversationId, 'user:bruno', 'left'))).toHaveLength(1);

    brunoOther.close();
    await ana.next(() => ana.frames.filter(collision(conversationId, 'user:bruno', 'left')).length === 2);
    // Viewing false for what the socket is not viewing says nothing.
    const again = await socket('bruno');
    again.send({ type: 'viewing', conversationId, viewing: false });
    await roundTrip(again);
    await roundTrip(ana);
    expect(ana.frames.filter(collision(conversationId, 'user:bruno', 'left'))).toHaveLength(2);
  });

  it('R-WS-17 a conversation moved to another team: the viewer’s next renewal is refused and its old team hears left', async () => {
    const conversationId = await suporteConversation();
    const [ana, bruno] = await Promise.all([socket('ana'), socket('bruno')]);
    bruno.send({ type: 'viewing', conversationId, viewing: true });
    await ana.next(collision(conversationId, 'user:bruno', 'viewing'));
    const moved = await call(server, 'POST', `/api/conversations/${conversationId}/transfer`, { token: tokens.carla, body: { toTeamId: 'team:comercial' } });
    expect(moved.status).toBe(200);

    expect((await errorFor(bruno, { type: 'viewing', conversationId, viewing: true })).code).toBe('not_found');
    await ana.next(collision(conversationId, 'user:bruno', 'left'));
  });

  it('R-WS-17 malformed and unauthorised viewing frames get an error frame; nobody hears them and the socket keeps working', async () => {
    const conversationId = await suporteConversation();
    const [ana, caio] = await Promise.all([socket('ana'), socket('caio')]);

    expect((await errorFor(caio, { type: 'viewing', conversationId, viewing: true })).code).toBe('not_found');
    expect((await errorFor(ana, { type: 'viewing', conversationId: 'conversation:doesnotexist', viewing: true })).code).toBe('not_found');
    expect((await errorFor(ana, { type: 'viewing', conversationId: 'user:bruno', viewing: true })).code).toBe('not_found');
    expect((await errorFor(ana, { type: 'viewing', conversationId: '../../etc', viewing: true })).code).toBe('invalid_frame');
    expect((await errorFor(ana, { type: 'viewing', conversationId, viewing: 'yes' })).code).toBe('invalid_frame');
    expect((await errorFor(ana, { type: 'viewing', conversationId })).code).toBe('invalid_frame');
    expect((await errorFor(ana, { type: 'viewing', conversationId, viewing: true, userId: 'user:bruno' })).code).toBe('invalid_frame');

    const bare = await FrameClient.open(server.url.replace(/^http/, 'ws') + '/ws');
    open.push(bare);
    expect((await errorFor(bare, { type: 'viewing', conversationId, viewing: true })).code).toBe('unauthenticated');
    expect((await bare.closedPromise()).code).toBe(4401);

    await Promise.all([ana, caio].map(roundTrip));
    expect(collisionsIn(ana, conversationId)).toEqual([]);
    expect(ana.closed).toBeUndefined();
    expect(caio.closed).toBeUndefined();
  });

  it('R-WS-17 viewing frames are rate limited per socket', async () => {
    const conversationId = await suporteConversation();
    const bruno = await socket('bruno');
    const refused = nextNew(bruno, (f) => f.type === 'error' && f.code === 'rate_limited');
    for (let i = 0; i <= VIEWING_FRAMES.burst + 5; i++) bruno.send({ type: 'viewing', conversationId, viewing: true });
    await refused;
    await roundTrip(bruno);
    expect(bruno.closed).toBeUndefined();
  });

  it('R-WS-17 one socket views at most MAX_VIEWING_PER_CONNECTION conversations: the oldest is left', async () => {
    const ids: string[] = [];
    for (let i = 0; i <= MAX_VIEWING_PER_CONNECTION; i++) ids.push(await suporteConversation());
    const [ana, bruno] = await Promise.all([socket('ana'), socket('bruno')]);
    for (const id of ids.slice(0, MAX_VIEWING_PER_CONNECTION)) bruno.send({ type: 'viewing', conversationId: id, viewing: true });
    const last = ids[MAX_VIEWING_PER_CONNECTION] ?? '';
    await ana.next(collision(ids[MAX_VIEWING_PER_CONNECTION - 1] ?? '', 'user:bruno', 'viewing'));
    // The burst is spent: wait for the bucket to give one frame back (a bound, not a measure).
    await new Promise((resolve) => setTimeout(resolve, 1000 / VIEWING_FRAMES.perSecond + 100));
    bruno.send({ type: 'viewing', conversationId: last, viewing: true });
    await ana.next(collision(last, 'user:bruno', 'viewing'));
    await ana.next(collision(ids[0] ?? '', 'user:bruno', 'left'));
    await roundTrip(ana);
    expect(ids.slice(1).filter((id) => ana.frames.some(collision(id, 'user:bruno', 'left')))).toEqual([]);
  }, 30_000);
});

// requires the redis-server Debian package (installed by .ci/run)
describe.skipIf(!hasRedis)('R-WS-17 collisions across nodes over the Redis bus', () => {
  let nodes: TwoNodes;
  let a: TestServer;
  let b: TestServer;
  const open: FrameClient[] = [];

  beforeAll(async () => {
    nodes = await startTwoNodes('atende-collisions-');
    ({ a, b } = nodes);
  }, 15_000);
  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await nodes?.close();
  }, 15_000);

  it('R-WS-17 viewing on node B reaches node A, a newcomer on A learns of it, and closing on B says left', async () => {
    const visitor = await newVisitor(a);
    const { conversationId } = await visitorSays(a, visitor, 'Olá pelos dois nós');
    const ana = await FrameClient.agent(a, (await login(a, 'ana@demo.local')).accessToken);
    const bruno = await FrameClient.agent(b, (await login(b, 'bruno@demo.local')).accessToken);
    open.push(ana, bruno);

    bruno.send({ type: 'viewing', conversationId, viewing: true });
    await ana.next(collision(conversationId, 'user:bruno', 'viewing'));
    const carla = await FrameClient.agent(a, (await login(a, 'carla@demo.local')).accessToken);
    open.push(carla);
    carla.send({ type: 'viewing', conversationId, viewing: true });
    await carla.next(collision(conversationId, 'user:bruno', 'viewing'));
    await bruno.next(collision(conversationId, 'user:carla', 'viewing'));

    bruno.close();
    await ana.next(collision(conversationId, 'user:bruno', 'left'));
    await carla.next(collision(conversationId, 'user:bruno', 'left'));
  });
});
