import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minutesOfDay, PAUSED_MESSAGE, type ConversationDoc, type PauseType, type UserDoc } from '@atende/protocol';
import { Capacity } from '../src/conversations/capacity.js';
import { jobId, type JobDoc } from '../src/jobs/types.js';
import { PAUSE_EXCEEDED_JOB, PauseService, PauseTypes } from '../src/pauses/index.js';
import { updateDoc } from '../src/store/index.js';
import { getWire } from '../src/store/wire.js';
import { addUser, call, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * R-WS-09 (issue 13): admin-defined pause types; an agent's pause on their user document, inside
 * the type's window; a paused agent receives no conversation (claims, transfers, starts); the
 * supervisors are told once when a pause passes its maximum; signing out of the last session ends it.
 */
let server: TestServer;
let admin: string;
let ana: string;
let bruno: string;
let carla: string;
const sockets: FrameClient[] = [];

type Answer = { error?: string; message?: string; conversation?: ConversationDoc; user?: UserDoc; pauseTypes?: PauseType[] };

beforeAll(async () => {
  server = await startTestServer();
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  admin = await token('admin');
  ana = await token('ana');
  bruno = await token('bruno');
  carla = await token('carla');
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server.close();
});

const startPause = (token: string, typeId: string) => call<Answer>(server, 'POST', '/api/me/pause', { token, body: { typeId } });
const endPause = (token: string) => call<Answer>(server, 'DELETE', '/api/me/pause', { token });
const pauseOf = async (userId: string) => (await getWire<UserDoc>(server.store, userId))?.pause ?? null;
const claim = (token: string, id: string) => call<Answer>(server, 'POST', `/api/conversations/${id}/claim`, { token, body: {} });
const waiting = async (text: string) => (await visitorSays(server, await newVisitor(server), text)).conversationId;
const socket = async (token: string) => {
  const client = await FrameClient.agent(server, token);
  sockets.push(client);
  return client;
};

/** A time of day `hours` from now on the organisation's clock (the test server's default zone). */
function hoursFromNow(hours: number): string {
  const minutes = (minutesOfDay(Date.now(), server.config.timeZone) + hours * 60) % (24 * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Makes a pending "pause exceeded" job due now: the test's clock, instead of waiting its minutes. */
async function dueNow(id: string): Promise<void> {
  const { written } = await updateDoc<JobDoc>(server.store, id, (job) => job && job.state === 'pending' ? { ...job, runAt: Date.now() } : undefined);
  expect(written).toBe(true);
  await until(async () => (await server.store.get(id, { fresh: true }))?.state, (state) => state === 'done');
  await server.jobs.idle();
}

describe('R-WS-09 pause types (admin)', () => {
  it('R-WS-09 admins create, list, change and remove types; others get 403; bad input is a 4xx that writes nothing', async () => {
    const path = '/api/admin/pause-types';
    expect((await call(server, 'GET', path, { token: ana })).status).toBe(403);
    expect((await call(server, 'POST', path, { token: carla, body: { name: 'Reunião' } })).status).toBe(403);

    const listed = await call<Answer>(server, 'GET', path, { token: admin });
    expect(listed.body.pauseTypes?.map((t) => t.name)).toEqual(['Almoço', 'Banheiro', 'Café', 'Treinamento']);

    const bad = await call<Answer>(server, 'POST', path, { token: admin, body: { name: 'Reunião', maxMinutes: 0, window: { from: '25:00', to: '10:00' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/maxMinutes/);
    const twin = await call<Answer>(server, 'POST', path, { token: admin, body: { name: ' cafe ' } });
    expect(twin.status).toBe(409);
    expect(twin.body.message).toBe('Já existe um tipo de pausa chamado "Café".');

    const made = await call<PauseType>(server, 'POST', path, { token: admin, body: { name: 'Reunião', maxMinutes: 30, window: { from: '08:00', to: '18:00' } } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Reunião', maxMinutes: 30, window: { from: '08:00', to: '18:00' }, active: true });
    const id = made.body.id;
    expect((await call<Answer>(server, 'GET', path, { token: admin })).body.pauseTypes).toHaveLength(5);

    const renamedToTwin = await call(server, 'PATCH', `${path}/${id}`, { token: admin, body: { name: 'Almoço' } });
    expect(renamedToTwin.status).toBe(409);
    const changed = await call<PauseType>(server, 'PATCH', `${path}/${id}`, { token: admin, body: { window: null, active: false } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Reunião', window: null, active: false });
    // Agents are offered active types only.
    const offered = await call<Answer>(server, 'GET', '/api/pause-types', { token: ana });
    expect(offered.body.pauseTypes?.map((t) => t.name)).toEqual(['Almoço', 'Banheiro', 'Café', 'Treinamento']);

    expect((await call(server, 'DELETE', `${path}/${id}`, { token: admin })).status).toBe(204);
    expect((await call(server, 'DELETE', `${path}/${id}`, { token: admin })).status).toBe(404);
    expect((await call(server, 'PATCH', `${path}/${id}`, { token: admin, body: { active: true } })).status).toBe(404);
    expect((await call<Answer>(server, 'GET', path, { token: admin })).body.pauseTypes).toHaveLength(4);
  });

  it('R-WS-09 one name, one type, under parallel creates and renames; a renamed or removed type frees its name', async () => {
    const path = '/api/admin/pause-types';
    const names = async () => (await call<Answer>(server, 'GET', path, { token: admin })).body.pauseTypes?.map((t) => t.name) ?? [];
    const create = (name: string) => call<PauseType>(server, 'POST', path, { token: admin, body: { name, maxMinutes: 30 } });
    const made = await Promise.all(['Reunião geral', 'reuniao geral', ' Reunião Geral '].map(create));
    expect(made.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await names()).filter((n) => n.toLowerCase().startsWith('reuni'))).toHaveLength(1);

    // Two types renamed to one new name at once: one of them gets it.
    const [a, b] = await Promise.all([create('Pausa A'), create('Pausa B')]);
    const renamed = await Promise.all([a, b].map((t) => call(server, 'PATCH', `${path}/${t.body.id}`, { token: admin, body: { name: 'Ginástica' } })));
    expect(renamed.map((r) => r.status).sort()).toEqual([200, 409]);
    // The loser keeps its name; the winner's old name is free again, and so is a removed type's.
    const winner = renamed[0]?.status === 200 ? a : b;
    expect((await create(winner.body.name)).status).toBe(201);
    const meeting = made.find((r) => r.status === 201);
    expect((await call(server, 'DELETE', `${path}/${meeting?.body.id}`, { token: admin })).status).toBe(204);
    expect((await create('Reunião geral')).status).toBe(201);
    expect((await names()).filter((n) => ['Ginástica', 'Pausa A', 'Pausa B', 'Reunião geral'].includes(n)).sort()).toEqual(['Ginástica', 'Pausa A', 'Pausa B', 'Reunião geral']);
  });
});

describe('R-WS-09 an agent’s pause', () => {
  it('R-WS-09 start and end: the user document carries a copy of the type, colleagues see the agent paused live', async () => {
    const watcher = await socket(bruno);
    const before = Date.now();
    const started = await startPause(ana, 'pausetype:cafe');
    expect(started.status).toBe(200);
    expect(started.body.user?.pause).toMatchObject({ typeId: 'pausetype:cafe', name: 'Café', maxMinutes: 15 });
    expect(started.body.user?.pause?.since).toBeGreaterThanOrEqual(before);
    await socket(ana);
    await watcher.next((f) => f.type === 'presence' && f.userId === 'user:ana' && f.status === 'paused');

    // The same start again answers the pause under way; another type is refused while paused.
    const again = await startPause(ana, 'pausetype:cafe');
    expect(again.body.user?.pause?.since).toBe(started.body.user?.pause?.since);
    const other = await startPause(ana, 'pausetype:banheiro');
    expect(other.status).toBe(409);
    expect(other.body.message).toBe('Você já está na pausa "Café". Encerre-a antes de iniciar outra.');

    const ended = await endPause(ana);
    expect(ended.status).toBe(200);
    expect(ended.body.user?.pause ?? null).toBeNull();
    await watcher.next((f) => f.type === 'presence' && f.userId === 'user:ana' && f.status === 'online');
    expect((await endPause(ana)).status).toBe(200); // nothing to end: answers the user as they are
  });

  it('R-WS-09 outside its time-of-day window a type cannot start: 422 with the window, nothing written', async () => {
    const later = await call<PauseType>(server, 'POST', '/api/admin/pause-types', {
      token: admin, body: { name: 'Janta', maxMinutes: 45, window: { from: hoursFromNow(2), to: hoursFromNow(3) } },
    });
    const offered = await call<{ pauseTypes: Array<{ id: string; allowedNow: boolean }> }>(server, 'GET', '/api/pause-types', { token: ana });
    expect(offered.body.pauseTypes.find((t) => t.id === later.body.id)?.allowedNow).toBe(false);
    expect(offered.body.pauseTypes.find((t) => t.id === 'pausetype:cafe')?.allowedNow).toBe(true);

    const refused = await startPause(ana, later.body.id);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'pause_outside_window', message: `A pausa "Janta" só pode ser iniciada entre ${hoursFromNow(2)} e ${hoursFromNow(3)}.` });
    expect(await pauseOf('user:ana')).toBeNull();
    expect((await startPause(ana, 'pausetype:nope')).status).toBe(422);
    expect((await call(server, 'POST', '/api/me/pause', { token: ana, body: {} })).status).toBe(400);
    expect((await call(server, 'DELETE', `/api/admin/pause-types/${later.body.id}`, { token: admin })).status).toBe(204);
  });

  it('R-WS-09 a paused agent cannot claim (the manual’s message) and claims once the pause ends', async () => {
    const id = await waiting('Quero falar com alguém');
    await startPause(ana, 'pausetype:cafe');
    const refused = await claim(ana, id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'paused', message: PAUSED_MESSAGE });
    expect((await getWire<ConversationDoc>(server.store, id))?.status).toBe('waiting');

    await endPause(ana);
    const taken = await claim(ana, id);
    expect(taken.status).toBe(200);
    expect(taken.body.conversation).toMatchObject({ status: 'active', agentId: 'user:ana' });
  });

  it('R-WS-09 a transfer to a paused agent is refused in their name; capacity refuses a seat to a paused agent anyway', async () => {
    const id = await waiting('Preciso de ajuda com um pedido');
    expect((await claim(ana, id)).status).toBe(200);
    await startPause(bruno, 'pausetype:banheiro');
    const refused = await call<Answer>(server, 'POST', `/api/conversations/${id}/transfer`, { token: ana, body: { toAgentId: 'user:bruno' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('paused');
    expect(refused.body.message).toMatch(/^Bruno Lima está em pausa/);
    expect((await getWire<ConversationDoc>(server.store, id))?.agentId).toBe('user:ana');

    // The store-side guard, for a pause that starts between the check and the seat (and for starts).
    const capacity = new Capacity(server.store);
    const brunoDoc = await getWire<UserDoc>(server.store, 'user:bruno');
    if (!brunoDoc) throw new Error('no bruno');
    await expect(capacity.take(brunoDoc, id)).rejects.toMatchObject({ code: 'paused', message: PAUSED_MESSAGE });
    await expect(capacity.check(brunoDoc)).rejects.toMatchObject({ code: 'paused' });
    // Handed over by someone else (a transfer whose check came before the pause): said in Bruno's name.
    await expect(capacity.take(brunoDoc, id, 'user:ana')).rejects.toMatchObject({ code: 'paused', message: expect.stringMatching(/^Bruno Lima está em pausa/) });
    await endPause(bruno);
    await expect(capacity.check(brunoDoc)).resolves.toBeUndefined();
  });

  it('R-WS-09 with a pause under way, parallel claims by a paused agent all fail and the maximum still holds after it ends', async () => {
    await addUser(server, { key: 'dora', name: 'Dora Pausa', email: 'dora@pauses.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 2 });
    const dora = (await login(server, 'dora@pauses.local')).accessToken;
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => waiting(`Fila ${i}`)));
    await startPause(dora, 'pausetype:treinamento');
    const whilePaused = await Promise.all(ids.map((id) => claim(dora, id)));
    expect(whilePaused.map((r) => r.body.error)).toEqual(Array(6).fill('paused'));
    await endPause(dora);
    const after = await Promise.all(ids.map((id) => claim(dora, id)));
    expect(after.filter((r) => r.status === 200)).toHaveLength(2);
    expect(after.filter((r) => r.body.error === 'max_concurrent')).toHaveLength(4);
  });
});

describe('R-WS-09 a pause past its maximum', () => {
  it('R-WS-09 the supervisors signed in are told once; an ended pause tells nobody', async () => {
    const supervisor = await socket(carla);
    const agentSocket = await socket(ana);
    const notices = () => supervisor.frames.filter((f) => f.type === 'notify');

    const started = await startPause(ana, 'pausetype:cafe');
    const since = started.body.user?.pause?.since;
    await dueNow(jobId(PAUSE_EXCEEDED_JOB, `ana.${since}`));
    const notice = await supervisor.next((f) => f.type === 'notify');
    expect(notice).toMatchObject({ title: 'Pausa excedida', body: 'Ana Souza passou do limite da pausa "Café" (15 min).' });
    expect(agentSocket.frames.filter((f) => f.type === 'notify')).toEqual([]);
    await endPause(ana);

    // Bruno's pause ends before its limit: its job finds no pause of its own and says nothing.
    const brunos = await startPause(bruno, 'pausetype:banheiro');
    await endPause(bruno);
    await dueNow(jobId(PAUSE_EXCEEDED_JOB, `bruno.${brunos.body.user?.pause?.since}`));
    // A ping answered after the job ran: any notice the server had sent would be here by now.
    supervisor.send({ type: 'ping' });
    await supervisor.next((f) => f.type === 'pong');
    expect(notices()).toHaveLength(1);
  });
});

describe('R-WS-09 a pause belongs to the work session', () => {
  it('R-WS-09 signing out of one of several sessions keeps the pause; out of the last one ends it', async () => {
    const first = await login(server, 'bruno@demo.local');
    const second = await login(server, 'bruno@demo.local');
    await startPause(first.accessToken, 'pausetype:cafe');
    const out = (token: string) => call(server, 'POST', '/api/auth/logout', { token, body: {} });
    expect((await out(first.accessToken)).status).toBe(204);
    expect((await out(second.accessToken)).status).toBe(204);
    // What the sign-out runs, awaited here: Bruno's first session of this file is still signed in.
    const pauses = new PauseService(server.store, new PauseTypes(server.store), { timeZone: server.config.timeZone });
    await pauses.signedOut('user:bruno', 'session:signedout');
    expect(await pauseOf('user:bruno')).toMatchObject({ name: 'Café' });

    expect((await out(bruno)).status).toBe(204);
    expect(await until(() => pauseOf('user:bruno'), (p) => p === null)).toBeNull();
  });
});
