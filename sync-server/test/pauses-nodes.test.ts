import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishTopic } from '../src/bus/index.js';
import { call, FrameClient, login, type TestServer } from './helpers.js';
import { hasRedis } from './redis.js';
import { startTwoNodes, type TwoNodes } from './twoNodes.js';

/**
 * R-WS-09 across nodes (issue 13): a pause started through one node shows on the sockets of the
 * other through the shared presence, and the "pause exceeded" notice reaches supervisors on any node.
 */
// requires the redis-server Debian package (installed by .ci/run)
describe.skipIf(!hasRedis)('R-WS-09 pauses on several nodes', () => {
  let nodes: TwoNodes;
  let a: TestServer;
  let b: TestServer;
  const sockets: FrameClient[] = [];

  beforeAll(async () => {
    nodes = await startTwoNodes('atende-pause-nodes-');
    ({ a, b } = nodes);
  }, 15_000);

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await nodes?.close();
  }, 15_000);

  const socket = async (server: TestServer, email: string) => {
    const client = await FrameClient.agent(server, (await login(server, email)).accessToken);
    sockets.push(client);
    return client;
  };
  const presenceOf = (status: string) => (f: Record<string, unknown>) => f.type === 'presence' && f.userId === 'user:ana' && f.status === status;

  it('R-WS-09 ana on node A pauses through node B: bruno on node B sees her paused, then available once she ends it', async () => {
    await socket(a, 'ana@demo.local');
    const watcher = await socket(b, 'bruno@demo.local');
    const ana = (await login(b, 'ana@demo.local')).accessToken;
    expect((await call(b, 'POST', '/api/me/pause', { token: ana, body: { typeId: 'pausetype:cafe' } })).status).toBe(200);
    await watcher.next(presenceOf('paused'));
    watcher.clear();
    expect((await call(a, 'DELETE', '/api/me/pause', { token: ana })).status).toBe(200);
    await watcher.next(presenceOf('online'));
  });

  it('R-WS-09 a pause notice published by one node reaches the supervisors signed in on the other, and no agent', async () => {
    const carla = await socket(b, 'carla@demo.local');
    const bruno = await socket(b, 'bruno@demo.local');
    await publishTopic(a.bus, 'notify.roles', { roles: ['supervisor', 'admin'], title: 'Pausa excedida', body: 'Ana Souza passou do limite da pausa "Café" (15 min).' });
    expect(await carla.next((f) => f.type === 'notify')).toMatchObject({ title: 'Pausa excedida' });
    // A ping answered after the notice reached carla's node: bruno, on the same node, got none.
    bruno.send({ type: 'ping' });
    await bruno.next((f) => f.type === 'pong');
    expect(bruno.frames.filter((f) => f.type === 'notify')).toEqual([]);
  });
});
