import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOf, type TeamDoc, type TeamView, type UserDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { getWire } from '../src/store/wire.js';
import { call, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-RT-01 (issue 15 point 3): teams administered from `/api/admin/teams` — created with members and
 * channels, edited (settings, members reaching the users' `teamIds`, channels moved in), archived
 * only when nothing depends on them; one team per name under a race; supervisors limited to the
 * settings and members of their own teams.
 */
let server: TestServer;
let admin: string;
let carla: string;
let ana: string;

type Answer = { id?: string; error?: string; message?: string; teams?: TeamView[] } & Partial<TeamView>;

beforeAll(async () => {
  server = await startTestServer();
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [admin, carla, ana] = await Promise.all(['admin', 'carla', 'ana'].map(token)) as [string, string, string];
});
afterAll(async () => {
  await server.close();
});

const create = (token: string, body: unknown) => call<Answer>(server, 'POST', '/api/admin/teams', { token, body });
const patch = (token: string, id: string, body: unknown) => call<Answer>(server, 'PATCH', `/api/admin/teams/${id}`, { token, body });
const archive = (token: string, id: string) => call<Answer>(server, 'DELETE', `/api/admin/teams/${id}`, { token });
const list = async (token: string) => {
  const reply = await call<Answer>(server, 'GET', '/api/admin/teams', { token });
  expect(reply.status).toBe(200);
  return reply.body.teams ?? [];
};
const teamDoc = (id: string) => getWire<TeamDoc>(server.store, id);
const teamsOf = async (userId: string) => (await getWire<UserDoc>(server.store, userId))?.teamIds ?? [];
const entryTeamOf = async (accountId: string) => ((await server.store.get(accountId, { fresh: true })) as ChannelAccountDoc | undefined)?.entryTeamId;

async function webchatAccount(name: string, teamId = 'team:suporte'): Promise<string> {
  const reply = await call<{ id: string }>(server, 'POST', '/api/admin/channels', { token: admin, body: { kind: 'webchat', name, teamId } });
  expect(reply.status).toBe(201);
  return reply.body.id;
}

describe('R-RT-01 teams administration', () => {
  it('R-RT-01 an admin creates a team with members and a channel: 201 {id}, listed with both, the users and the account follow', async () => {
    const site = await webchatAccount('Site Financeiro');
    const made = await create(admin, {
      name: 'Financeiro', memberIds: ['user:bruno'], channelAccountIds: [site], sessionTimeout: { minutes: 30, message: 'Encerramos por inatividade.' },
    });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ id: 'team:financeiro' });
    expect(await teamsOf('user:bruno')).toContain('team:financeiro');
    expect(await entryTeamOf(site)).toBe('team:financeiro');
    const listed = (await list(admin)).find((t) => t.id === 'team:financeiro');
    expect(listed).toMatchObject({
      name: 'Financeiro', members: [{ id: 'user:bruno', name: 'Bruno Lima', role: 'agent' }], channels: [{ id: site, name: 'Site Financeiro', kind: 'webchat' }],
      sessionTimeout: { minutes: 30, message: 'Encerramos por inatividade.' }, dispositionRequired: false, tagsAllowed: true,
      queueAgentIds: null, autoDistribute: false, internalChat: true,
    });
  });

  it('R-RT-01 an edit changes the settings and makes exactly the members given; a refused edit writes nothing', async () => {
    const { body } = await create(admin, { name: 'Cobrança', memberIds: ['user:ana', 'user:bruno'] });
    const id = String(body.id);
    expect(id).toBe('team:cobranca');
    const edited = await patch(admin, id, {
      memberIds: ['user:bruno', 'user:carla'], sessionTimeout: { minutes: 90, message: '' }, dispositionRequired: true, tagsAllowed: false,
      queueAgentIds: ['user:bruno'], autoDistribute: true, internalChat: false,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.members?.map((m) => m.id)).toEqual(['user:bruno', 'user:carla']);
    expect(await teamsOf('user:ana')).not.toContain(id);
    expect(await teamsOf('user:carla')).toContain(id);
    expect(await teamDoc(id)).toMatchObject({
      sessionTimeout: { minutes: 90, message: '' }, dispositionRequired: true, tagsAllowed: false, queueAgentIds: ['user:bruno'], autoDistribute: true, internalChat: false,
    });

    const before = await teamDoc(id);
    const outsider = await patch(admin, id, { queueAgentIds: ['user:ana'], name: 'Cobranças' });
    expect(outsider.status).toBe(400);
    expect(outsider.body.error).toBe('queue_not_members');
    const unknownUser = await patch(admin, id, { memberIds: ['user:ninguem'], autoDistribute: false });
    expect(unknownUser.status).toBe(400);
    // Dropping a member the queue targets, without changing the queue, is refused too.
    const dropsTarget = await patch(admin, id, { memberIds: ['user:carla'] });
    expect(dropsTarget.status).toBe(400);
    expect(await teamDoc(id)).toEqual(before);
    expect(await teamsOf('user:bruno')).toContain(id);
    expect((await patch(admin, id, { queueAgentIds: [] })).status).toBe(400);
    expect((await patch(admin, id, {})).status).toBe(400);
    expect((await patch(admin, id, { sessionTimeout: { minutes: 0, message: '' } })).status).toBe(400);
  });

  it('R-RT-01 one team per name: parallel creates of one name (any case or accents) make one team, the others get 409', async () => {
    const names = ['Pós-venda', 'pos-venda', 'PÓS-VENDA', ' Pós-venda ', 'Pós-Venda'];
    const replies = await Promise.all(names.map((name) => create(admin, { name })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.error === 'duplicate_team')).toBe(true);
    expect((await list(admin)).filter((t) => t.name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '') === 'pos-venda')).toHaveLength(1);
    // A later create and a rename onto a taken name are refused as well; another name with the same slug gets its own id.
    expect((await create(admin, { name: 'Suporte' })).status).toBe(409);
    expect((await patch(admin, 'team:comercial', { name: 'suporte' })).status).toBe(409);
    const sameSlug = await create(admin, { name: 'Pós venda' });
    expect(sameSlug.status).toBe(201);
    expect(sameSlug.body.id).toBe('team:pos-venda-2');
  });

  it('R-RT-01 one team per name under a race of renames: two teams renamed to one name at once give one 200 and one 409', async () => {
    const ids: string[] = [];
    for (const name of ['Retenção A', 'Retenção B']) {
      const made = await create(admin, { name });
      expect(made.status).toBe(201);
      ids.push(made.body.id as string);
    }
    const replies = await Promise.all([patch(admin, ids[0]!, { name: 'Retenção' }), patch(admin, ids[1]!, { name: 'retencao' })]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.status === 409)?.body.error).toBe('duplicate_team');
    expect((await list(admin)).filter((t) => t.name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '') === 'retencao')).toHaveLength(1);
    // The name a rename left is free again at once: the other team takes it.
    const winner = replies[0]!.status === 200 ? ids[0]! : ids[1]!;
    const loser = winner === ids[0] ? ids[1]! : ids[0]!;
    expect((await patch(admin, winner, { name: 'Retenção PJ' })).status).toBe(200);
    expect((await patch(admin, loser, { name: 'Retenção' })).status).toBe(200);
  });

  it('R-RT-01 a supervisor lists and edits only their own teams, and never their name or channels; agents are refused', async () => {
    await create(admin, { name: 'Jurídico', memberIds: ['user:ana'] });
    const mine = await list(carla);
    expect(mine.map((t) => t.id)).toEqual(expect.arrayContaining(['team:comercial', 'team:suporte']));
    expect(mine.map((t) => t.id)).not.toContain('team:juridico');
    expect((await patch(carla, 'team:juridico', { dispositionRequired: true })).status).toBe(404);
    expect((await teamDoc('team:juridico'))?.dispositionRequired).toBe(false);
    const settings = await patch(carla, 'team:comercial', { sessionTimeout: { minutes: 15, message: 'Até logo' } });
    expect(settings.status).toBe(200);
    expect(settings.body.sessionTimeout).toEqual({ minutes: 15, message: 'Até logo' });
    const renamed = await patch(carla, 'team:comercial', { name: 'Vendas' });
    expect(renamed.status).toBe(403);
    expect((await teamDoc('team:comercial'))?.name).toBe('Comercial');
    expect((await create(carla, { name: 'Da Carla' })).status).toBe(403);
    expect((await archive(carla, 'team:comercial')).status).toBe(403);
    expect((await call(server, 'GET', '/api/admin/teams', { token: ana })).status).toBe(403);
    expect((await patch(ana, 'team:suporte', { tagsAllowed: false })).status).toBe(403);
  });

  it('R-RT-01 a channel moves into a team by naming it; it cannot be dropped without a new team', async () => {
    const site = await webchatAccount('Site Ouvidoria');
    const { body } = await create(admin, { name: 'Ouvidoria' });
    const id = String(body.id);
    const moved = await patch(admin, id, { channelAccountIds: [site] });
    expect(moved.status).toBe(200);
    expect(moved.body.channels?.map((c) => c.id)).toEqual([site]);
    expect(await entryTeamOf(site)).toBe(id);
    const dropped = await patch(admin, id, { channelAccountIds: [] });
    expect(dropped.status).toBe(400);
    expect(dropped.body.error).toBe('channel_needs_team');
    expect(await entryTeamOf(site)).toBe(id);
    expect((await patch(admin, id, { channelAccountIds: ['channel:nao-existe'] })).status).toBe(400);
  });

  it('R-RT-01 archiving is refused while a channel enters through the team or a conversation of it is open; then it leaves the list', async () => {
    const site = await webchatAccount('Site Eventos');
    const { body } = await create(admin, { name: 'Eventos', memberIds: ['user:admin'], channelAccountIds: [site] });
    const id = String(body.id);
    const { conversationId } = await visitorSays(server, await newVisitor(server, keyOf(site)), 'Quero um orçamento');
    expect((await server.store.get(conversationId))?.teamId).toBe(id);

    const entry = await archive(admin, id);
    expect(entry.status).toBe(409);
    expect(entry.body.error).toBe('team_is_entry');
    const suporte = (await list(admin)).find((t) => t.id === 'team:suporte');
    expect((await patch(admin, 'team:suporte', { channelAccountIds: [...(suporte?.channels ?? []).map((c) => c.id), site] })).status).toBe(200);
    const open = await archive(admin, id);
    expect(open.status).toBe(409);
    expect(open.body.error).toBe('team_has_open_conversations');
    expect((await teamDoc(id))?.archived).toBeUndefined();

    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: admin, body: {} })).status).toBe(200);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: admin, body: {} })).status).toBe(200);
    expect((await archive(admin, id)).status).toBe(204);
    expect((await teamDoc(id))?.archived).toBe(true);
    expect((await list(admin)).map((t) => t.id)).not.toContain(id);
    expect((await patch(admin, id, { tagsAllowed: false })).status).toBe(404);
    expect((await archive(admin, id)).status).toBe(404);
    // An archived team takes no transfers.
    const other = await visitorSays(server, await newVisitor(server), 'Outro assunto');
    expect((await call(server, 'POST', `/api/conversations/${other.conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    const toArchived = await call<Answer>(server, 'POST', `/api/conversations/${other.conversationId}/transfer`, { token: ana, body: { toTeamId: id } });
    expect(toArchived.status).toBe(422);
    expect(toArchived.body).toMatchObject({ error: 'unknown_team', message: 'Equipe inexistente ou arquivada.' });
    // Nor does any channel enter through it.
    const channel = await call<Answer>(server, 'POST', '/api/admin/channels', { token: admin, body: { kind: 'webchat', name: 'Tarde demais', teamId: id } });
    expect(channel).toMatchObject({ status: 422, body: { error: 'unknown_team', message: 'Equipe inexistente ou arquivada.' } });
  });
});
