import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse, UserDoc } from '@atende/protocol';
import { getWire, updateWire } from '../src/store/wire.js';
import { addUser, call, FrameClient, login, nextNew, startTestServer, type TestServer } from './helpers.js';
import { hasRedis } from './redis.js';
import { startTwoNodes, type TwoNodes } from './twoNodes.js';
import { until } from './until.js';

/**
 * R-SV-04 (issue 16): a supervisor ends an agent's pause and signs an agent out of every session.
 * A supervisor acts on the agents of their own teams; an admin on anyone else; an agent on no one.
 * The agent's app is told who did it, over its socket, before its sessions close.
 */
let server: TestServer;
let carla: string;
let sol: string;
let admin: string;
let ana: string;
const sockets: FrameClient[] = [];

const COMERCIAL = 'team:comercial';
const SUPORTE = 'team:suporte';
let counter = 0;

beforeAll(async () => {
  server = await startTestServer();
  await addUser(server, { key: 'sol', name: 'Sol Comercial', email: 'sol@demo.local', role: 'supervisor', teamIds: [COMERCIAL] });
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [carla, sol, admin, ana] = await Promise.all([token('carla'), token('sol'), token('admin'), token('ana')]);
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server.close();
});

/** A fresh agent of `teamId`, signed in: each test signs its own agents out. */
async function agent(teamId = SUPORTE): Promise<{ user: UserDoc; session: LoginResponse }> {
  const key = `agente${++counter}`;
  const user = await addUser(server, { key, name: `Agente ${counter}`, email: `${key}@demo.local`, role: 'agent', teamIds: [teamId] });
  return { user, session: await login(server, user.email) };
}
const socket = async (token: string, on: { url: string } = server) => {
  const client = await FrameClient.agent(on, token);
  sockets.push(client);
  return client;
};
const pause = (token: string) => call(server, 'POST', '/api/me/pause', { token, body: { typeId: 'pausetype:treinamento' } });
const endPause = (token: string | undefined, userId: string, on: { url: string } = server) =>
  call<{ message?: string; error?: string }>(on, 'DELETE', `/api/supervision/agents/${userId}/pause`, { token });
const signOut = (token: string | undefined, userId: string, on: { url: string } = server) =>
  call<{ revokedSessions?: number; message?: string; error?: string }>(on, 'POST', `/api/supervision/agents/${userId}/sign-out`, { token });
const pauseOf = async (userId: string) => (await getWire<UserDoc>(server.store, userId))?.pause ?? null;

describe('R-SV-04 a supervisor ends an agent’s pause', () => {
  it('R-SV-04 the pause ends (204), the agent’s app is told who ended it, supervisors see the agent online', async () => {
    const { user, session } = await agent();
    expect((await pause(session.accessToken)).status).toBe(200);
    const agentSocket = await socket(session.accessToken);
    const watcher = await socket(carla);
    const online = nextNew(watcher, (f) => f.type === 'presence' && f.userId === user.id && f.status === 'online');
    const told = nextNew(agentSocket, (f) => f.type === 'notice');
    expect((await endPause(carla, user.id)).status).toBe(204);
    expect(await told).toEqual({ type: 'notice', notice: 'pauseEnded', byName: 'Carla Mendes' });
    expect(await pauseOf(user.id)).toBeNull();
    expect(await online).toMatchObject({ status: 'online', since: expect.any(Number) });
  });

  it('R-SV-04 an agent who is not paused: 409 with a sentence, nothing written', async () => {
    const { user } = await agent();
    const before = await server.store.get(user.id, { fresh: true });
    const refused = await endPause(carla, user.id);
    expect([refused.status, refused.body.message]).toEqual([409, 'Este agente não está em pausa.']);
    expect(await server.store.get(user.id, { fresh: true })).toEqual(before);
  });

  it('R-SV-04 an admin ends any agent’s pause; a disabled agent’s pause ends too', async () => {
    const { user, session } = await agent(COMERCIAL);
    expect((await pause(session.accessToken)).status).toBe(200);
    await updateWire<UserDoc>(server.store, user.id, (u) => u && { ...u, disabled: true });
    expect((await endPause(admin, user.id)).status).toBe(204);
    expect(await pauseOf(user.id)).toBeNull();
  });
});

describe('R-SV-04 who may act on whom', () => {
  it('R-SV-04 an agent is refused (403); another team’s agent, a supervisor or admin, an unknown user read as missing (404); oneself is 422', async () => {
    const { user, session } = await agent();
    expect((await pause(session.accessToken)).status).toBe(200);
    const before = await server.store.get(user.id, { fresh: true });
    expect((await endPause(ana, user.id)).status).toBe(403);
    expect((await signOut(ana, user.id)).status).toBe(403);
    expect((await endPause(sol, user.id)).status).toBe(404);
    expect((await signOut(sol, user.id)).status).toBe(404);
    for (const other of ['user:admin', 'user:sol', 'user:ninguem']) {
      expect((await endPause(carla, other)).status).toBe(404);
      expect((await signOut(carla, other)).status).toBe(404);
    }
    const self = await signOut(carla, 'user:carla');
    expect([self.status, self.body.error]).toEqual([422, 'self_supervision']);
    expect(self.body.message).toMatch(/seus próprios controles/);
    expect((await endPause(undefined, user.id)).status).toBe(401);
    // Nothing of the agent changed, and their session still works.
    expect(await server.store.get(user.id, { fresh: true })).toEqual(before);
    expect((await call(server, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(200);
  });
});

describe('R-SV-04 a supervisor signs an agent out', () => {
  it('R-SV-04 every session ends: the app is told, its sockets close, presence is offline at once, the pause ends, the tokens are dead', async () => {
    const { user, session } = await agent();
    const second = await login(server, user.email);
    expect((await pause(session.accessToken)).status).toBe(200);
    const agentSocket = await socket(session.accessToken);
    const watcher = await socket(carla);
    await until(() => watcher.frames.some((f) => f.type === 'presence' && f.userId === user.id && f.status === 'paused'), Boolean);
    const offline = nextNew(watcher, (f) => f.type === 'presence' && f.userId === user.id && f.status === 'offline');
    const told = nextNew(agentSocket, (f) => f.type === 'notice');

    const reply = await signOut(carla, user.id);
    expect([reply.status, reply.body]).toEqual([200, { revokedSessions: 2 }]);
    expect(await told).toEqual({ type: 'notice', notice: 'signedOut', byName: 'Carla Mendes' });
    expect((await agentSocket.closedPromise()).code).toBe(4001);
    // No grace period: a sign-out is not a dropped connection.
    expect(await offline).toMatchObject({ status: 'offline', since: expect.any(Number) });
    expect(await pauseOf(user.id)).toBeNull();
    for (const s of [session, second]) {
      expect((await call(server, 'GET', '/api/auth/me', { token: s.accessToken })).status).toBe(401);
      expect((await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401);
    }
    // Signed out already: nothing left to end, the answer says so.
    expect((await signOut(carla, user.id)).body).toEqual({ revokedSessions: 0 });
    // The agent may sign in again (a sign-out is no suspension).
    expect((await login(server, user.email)).accessToken).toBeTruthy();
  });

  it('R-SV-04 an admin signs out a supervisor', async () => {
    const key = `supervisora${++counter}`;
    const user = await addUser(server, { key, name: 'Supervisora', email: `${key}@demo.local`, role: 'supervisor', teamIds: [SUPORTE] });
    const session = await login(server, user.email);
    expect((await signOut(admin, user.id)).body).toEqual({ revokedSessions: 1 });
    expect((await call(server, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(401);
  });
});

describe.skipIf(!hasRedis)('R-SV-04 across nodes', () => {
  let nodes: TwoNodes;
  beforeAll(async () => {
    nodes = await startTwoNodes('atende-supervision-');
  }, 30_000);
  afterAll(async () => {
    await nodes?.close();
  });

  it('R-SV-04 a sign-out asked of one node closes the agent’s socket on the other, after the notice', async () => {
    const { a, b } = nodes;
    const key = `noagente${++counter}`;
    const user = await addUser(a, { key, name: 'Agente Nós', email: `${key}@demo.local`, role: 'agent', teamIds: [SUPORTE] });
    const session = await login(b, user.email);
    const agentSocket = await socket(session.accessToken, b);
    const told = nextNew(agentSocket, (f) => f.type === 'notice');
    const supervisor = (await login(a, 'carla@demo.local')).accessToken;
    expect((await signOut(supervisor, user.id, a)).body).toEqual({ revokedSessions: 1 });
    expect(await told).toMatchObject({ notice: 'signedOut', byName: 'Carla Mendes' });
    expect((await agentSocket.closedPromise()).code).toBe(4001);
  });
});
