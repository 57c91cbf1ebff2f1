import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { START_WITHHELD_MESSAGE, type AdminUser, type UserDoc } from '@atende/protocol';
import { getWire } from '../src/store/wire.js';
import { UsersAdmin } from '../src/users/service.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';

/**
 * R-AUTH-01 (issue 15): admins create users (an invitation link is requested, the e-mail is unique
 * whatever its case, teams must exist), edit and disable them (sessions revoked, login refused),
 * never leave the organisation without an enabled admin, send reset links, and unlock a locked
 * login (R-AUTH-03). `startConversations: false` refuses "Nova conversa". The link itself (mail,
 * expiry, single use) is tested in password-links*.test.ts: here its sender is only recorded.
 */
let server: TestServer;
let admin: string;
let ana: string;
let carla: string;
const sent: Array<{ userId: string; purpose: string }> = [];

type Answer = { message?: string; error?: string; users?: AdminUser[] } & Partial<AdminUser> & { invitationSent?: boolean };

const PATH = '/api/admin/users';
const PASSWORD = 'senha-do-teste-1';

beforeAll(async () => {
  server = await startTestServer({ ATENDE_TRUST_PROXY: '127.0.0.1', ATENDE_LOCKOUT_ATTEMPTS: '3' });
  // Recorded, not mailed: the users' service holds this same PasswordLinks object.
  vi.spyOn(server.passwordLinks, 'send').mockImplementation(async (user, purpose) => {
    sent.push({ userId: user.id, purpose });
  });
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  admin = await token('admin');
  ana = await token('ana');
  carla = await token('carla');
});
afterAll(async () => {
  await server?.close();
});

const create = (body: Record<string, unknown>, token = admin) => call<Answer>(server, 'POST', PATH, { token, body });
const patch = (id: string, body: Record<string, unknown>, token = admin) => call<Answer>(server, 'PATCH', `${PATH}/${id}`, { token, body });
const listed = async () => (await call<Answer>(server, 'GET', PATH, { token: admin })).body.users ?? [];
const usersWithEmail = async (email: string) => server.store.find({ selector: { type: 'user', email }, limit: 10 });
const signIn = (email: string, password = PASSWORD, from = '198.51.100.7') =>
  call<{ accessToken?: string; refreshToken?: string; message?: string; error?: string }>(server, 'POST', '/api/auth/login', {
    body: { email, password }, headers: { 'X-Forwarded-For': from },
  });

/** A user made through the API who has already set their password (as the invitation's link would). */
async function member(key: string, extra: Record<string, unknown> = {}): Promise<UserDoc> {
  const made = await create({ name: `Pessoa ${key}`, email: `${key}@test.local`, role: 'agent', teamIds: ['team:suporte'], ...extra });
  expect(made.status).toBe(201);
  const user = await getWire<UserDoc>(server.store, made.body.id as string);
  if (!user) throw new Error('not written');
  await server.auth.setPassword(user, PASSWORD);
  return user;
}

describe('R-AUTH-01 users administered by admins', () => {
  it('R-AUTH-01 an admin creates a user: 201, the invitation is requested, the list shows it pending; the user document replicates', async () => {
    const made = await create({
      name: ' Diego Alves ', email: 'Diego.Alves@Test.Local', role: 'agent', teamIds: ['team:suporte', 'team:comercial'], maxConcurrent: 3,
      permissions: { historyOtherTeams: true, startConversations: false },
      workingHours: { timeZone: 'America/Sao_Paulo', days: [[], [{ from: '08:00', to: '17:00' }], [], [], [], [], []] },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Diego Alves', email: 'diego.alves@test.local', invitationPending: true, locked: false, disabled: false, invitationSent: true });
    expect(sent).toContainEqual({ userId: made.body.id, purpose: 'invite' });
    const stored = await getWire<UserDoc>(server.store, made.body.id as string);
    expect(stored).toMatchObject({ type: 'user', role: 'agent', teamIds: ['team:suporte', 'team:comercial'], maxConcurrent: 3 });
    expect(stored?.workingHours?.days[1]).toEqual([{ from: '08:00', to: '17:00' }]);
    const line = (await listed()).find((u) => u.id === made.body.id);
    expect(line).toMatchObject({ invitationPending: true, permissions: { historyOtherTeams: true, startConversations: false } });
    expect((await listed()).find((u) => u.id === 'user:ana')?.invitationPending).toBe(false);
  });

  it('R-AUTH-01 an e-mail already used (in any case) is 409; of two creates of one address at once exactly one is made', async () => {
    const twin = await create({ name: 'Outra Ana', email: 'ANA@demo.local', role: 'agent', teamIds: [] });
    expect(twin.status).toBe(409);
    expect(twin.body.message).toBe('Já existe um usuário com o e-mail ana@demo.local.');

    const body = { name: 'Elisa', email: 'elisa@test.local', role: 'agent', teamIds: ['team:suporte'] };
    const answers = await Promise.all([create(body), create({ ...body, email: 'Elisa@Test.local' }), create(body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    expect(await usersWithEmail('elisa@test.local')).toHaveLength(1);
  });

  it('R-AUTH-01 unknown or archived teams (422) and bad fields (400) write nothing', async () => {
    const now = Date.now();
    await server.store.bulkWrite([{ _id: 'team:antiga', type: 'team', name: 'Antiga', dispositionRequired: false, archived: true, createdAt: now, updatedAt: now }]);
    for (const teamIds of [['team:inexistente'], ['team:suporte', 'team:antiga']]) {
      const bad = await create({ name: 'Fábio', email: 'fabio@test.local', role: 'agent', teamIds });
      expect(bad.status).toBe(422);
      expect(bad.body.message).toBe('Equipe inexistente ou arquivada.');
    }
    const malformed = await create({ name: '', email: 'fabio', role: 'chefe', teamIds: [] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/email/);
    expect(await usersWithEmail('fabio@test.local')).toHaveLength(0);
    expect(await server.store.get('useremail:fabio@test.local', { fresh: true })).toBeUndefined();
    // The address was never taken: the create with a right team goes through.
    expect((await create({ name: 'Fábio', email: 'fabio@test.local', role: 'agent', teamIds: ['team:suporte'] })).status).toBe(201);
  });

  it('R-AUTH-01 an edit changes the replicated user document; a new team must exist', async () => {
    const user = await member('gabi');
    const changed = await patch(user.id, {
      name: 'Gabriela', role: 'supervisor', teamIds: ['team:comercial'], maxConcurrent: 8, permissions: { internalChat: false, tags: true },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Gabriela', role: 'supervisor', teamIds: ['team:comercial'], invitationPending: false });
    expect(await getWire<UserDoc>(server.store, user.id)).toMatchObject({ name: 'Gabriela', maxConcurrent: 8, permissions: { internalChat: false, tags: true } });
    expect((await patch(user.id, { teamIds: ['team:inexistente'] })).status).toBe(422);
    expect((await patch('user:ninguem', { name: 'X' })).status).toBe(404);
    expect((await patch(user.id, {})).status).toBe(400);
  });

  it('R-AUTH-01 disabling revokes every session at once and the login refuses the user; enabling lets them in again', async () => {
    const user = await member('hugo');
    const first = await signIn(user.email);
    const second = await signIn(user.email);
    expect(first.status).toBe(200);
    const me = (token?: string) => call(server, 'GET', '/api/auth/me', { token });
    expect((await me(first.body.accessToken)).status).toBe(200);

    expect((await patch(user.id, { disabled: true })).body.disabled).toBe(true);
    expect((await me(first.body.accessToken)).status).toBe(401);
    expect((await me(second.body.accessToken)).status).toBe(401);
    const refreshed = await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(refreshed.status).toBe(401);
    const refused = await signIn(user.email);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('user_disabled');
    // A disabled user gets no link either: enabling comes first.
    expect((await call<Answer>(server, 'POST', `${PATH}/${user.id}/password-reset`, { token: admin })).status).toBe(409);

    expect((await patch(user.id, { disabled: false })).status).toBe(200);
    expect((await signIn(user.email)).status).toBe(200);
  });

  it('R-AUTH-01 "Redefinir senha" sends a reset link (an invitation again to who never set a password)', async () => {
    const user = await member('iris');
    const reset = await call(server, 'POST', `${PATH}/${user.id}/password-reset`, { token: admin });
    expect(reset.status).toBe(204);
    expect(sent.at(-1)).toEqual({ userId: user.id, purpose: 'reset' });
    const pending = await create({ name: 'João', email: 'joao@test.local', role: 'agent', teamIds: [] });
    await call(server, 'POST', `${PATH}/${pending.body.id}/password-reset`, { token: admin });
    expect(sent.at(-1)).toEqual({ userId: pending.body.id, purpose: 'invite' });
    expect((await call(server, 'POST', `${PATH}/user:ninguem/password-reset`, { token: admin })).status).toBe(404);
  });

  it('R-AUTH-03 an admin sees a locked login and unlocks it; the right password works again from that place', async () => {
    const user = await member('karla');
    for (let i = 0; i < 3; i++) await signIn(user.email, `errada-${i}`, '203.0.113.40');
    expect((await signIn(user.email, PASSWORD, '203.0.113.40')).status).toBe(423);
    expect((await listed()).find((u) => u.id === user.id)?.locked).toBe(true);

    expect((await call(server, 'POST', `${PATH}/${user.id}/unlock`, { token: admin })).status).toBe(204);
    expect((await listed()).find((u) => u.id === user.id)?.locked).toBe(false);
    expect((await signIn(user.email, PASSWORD, '203.0.113.40')).status).toBe(200);
    // The route of before keeps working.
    expect((await call(server, 'POST', `/api/auth/unlock/${user.id}`, { token: admin })).status).toBe(204);
  });

  it('R-AUTH-01 an agent whose permission to start conversations is withheld is refused "Nova conversa" (403)', async () => {
    expect((await patch('user:ana', { permissions: { startConversations: false } })).status).toBe(200);
    const start = () => call<Answer>(server, 'POST', '/api/conversations', {
      token: ana, body: { id: `start-${Date.now()}`, teamId: 'team:suporte', channelAccountId: 'channel:demo-whatsapp', to: '11987654321' },
    });
    const refused = await start();
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(START_WITHHELD_MESSAGE);
    expect((await patch('user:ana', { permissions: { startConversations: true } })).status).toBe(200);
    expect((await start()).body.message).not.toBe(START_WITHHELD_MESSAGE);
  });

  it('R-AUTH-01 agents and supervisors are refused every route (403)', async () => {
    for (const token of [ana, carla]) {
      expect((await call(server, 'GET', PATH, { token })).status).toBe(403);
      expect((await create({ name: 'X', email: 'x@test.local', role: 'admin', teamIds: [] }, token)).status).toBe(403);
      expect((await patch('user:ana', { role: 'admin' }, token)).status).toBe(403);
      expect((await call(server, 'POST', `${PATH}/user:ana/unlock`, { token })).status).toBe(403);
      expect((await call(server, 'POST', `${PATH}/user:ana/password-reset`, { token })).status).toBe(403);
    }
    expect(await usersWithEmail('x@test.local')).toHaveLength(0);
  });

  // Last: it may demote the demo admin whose token the other tests use.
  it('R-AUTH-01 a promotion racing a disable of the same user leaves that user out of the admins who count: the last real admin still cannot be demoted', async () => {
    // The promotion is held at its roster step ('get': before it reads the roster, 'bulkWrite': as it writes it) while another admin disables the user.
    for (const held of ['get', 'bulkWrite'] as const) {
      const promoted = await member(`race-${held}`);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let reached!: () => void;
      const holding = new Promise<void>((resolve) => { reached = resolve; });
      let armed = true;
      const store = server.store;
      const slow = new Proxy(store, {
        get(target, property) {
          if (property === held) {
            return async (...args: unknown[]) => {
              const first = args[0];
              const roster = first === 'adminroster:enabled' || (Array.isArray(first) && first.some((d: { _id?: string }) => d._id === 'adminroster:enabled'));
              if (armed && roster) { armed = false; reached(); await gate; }
              return (target[held] as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const links = { send: async () => {} };
      const promoting = new UsersAdmin(slow, server.auth, links).update(promoted.id, { role: 'admin' });
      await holding;
      await new UsersAdmin(store, server.auth, links).update(promoted.id, { disabled: true });
      release();
      await promoting;
      const roster = await store.get('adminroster:enabled', { fresh: true });
      if (held === 'get') expect(roster?.admins).not.toContain(promoted.id);
      const refused = await patch('user:admin', { role: 'agent' });
      expect(refused.status).toBe(409);
      const admins = await server.store.find({ selector: { type: 'user', role: 'admin' }, limit: 20 });
      expect(admins.filter((u) => u.disabled !== true).map((u) => u._id)).toEqual(['user:admin']);
    }
  });

  it('R-AUTH-01 the last enabled admin cannot be disabled or demoted (409); two admins demoting each other at once leave one', async () => {
    for (const body of [{ role: 'agent' }, { disabled: true }]) {
      const refused = await patch('user:admin', body);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/último administrador ativo/);
    }
    const second = await member('luiz', { role: 'admin' });
    const luiz = (await signIn(second.email)).body.accessToken as string;
    const answers = await Promise.all([patch('user:admin', { role: 'agent' }, luiz), patch(second.id, { disabled: true }, admin)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const admins = await server.store.find({ selector: { type: 'user', role: 'admin' }, limit: 10 });
    expect(admins.filter((u) => u.disabled !== true)).toHaveLength(1);
  });
});
