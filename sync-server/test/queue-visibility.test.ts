import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seesQueue, type ConversationDoc, type UserDoc } from '@atende/protocol';
import { addUser, call, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-RT-02 (issue 15 point 3): a team's waiting queue visible to the whole team or only to targeted
 * agents. The rule lives once in protocol (`seesQueue`): the renderer lists the waiting queue with
 * it and the server refuses a take from it by anyone else (403), supervisors and admins unaffected;
 * transfers to the team still land in its queue.
 */
let server: TestServer;
let admin: string;
let ana: string;
let bruno: string;
let carla: string;
let dora: string;

type Answer = { error?: string; message?: string; conversation?: ConversationDoc };

beforeAll(async () => {
  server = await startTestServer();
  await addUser(server, { key: 'dora', name: 'Dora Comercial', email: 'dora@demo.local', role: 'agent', teamIds: ['team:comercial'] });
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [admin, ana, bruno, carla, dora] = await Promise.all(['admin', 'ana', 'bruno', 'carla', 'dora'].map(token)) as [string, string, string, string, string];
});
afterEach(async () => {
  // Every test starts with the demo's queues open to their whole teams.
  for (const team of ['team:suporte', 'team:comercial']) {
    expect((await call(server, 'PATCH', `/api/admin/teams/${team}`, { token: admin, body: { queueAgentIds: null } })).status).toBe(200);
  }
});
afterAll(async () => {
  await server.close();
});

const target = (teamId: string, agentIds: string[] | null) =>
  call<Answer>(server, 'PATCH', `/api/admin/teams/${teamId}`, { token: admin, body: { queueAgentIds: agentIds } });
const claim = (token: string, id: string) => call<Answer>(server, 'POST', `/api/conversations/${id}/claim`, { token, body: {} });
const waiting = async (text: string) => (await visitorSays(server, await newVisitor(server), text)).conversationId;

describe('R-RT-02 queue visibility', () => {
  it('R-RT-02 seesQueue: the whole team by default, only the targeted agents when set; supervisors and admins always; never another team', () => {
    const suporte = { id: 'team:suporte', queueAgentIds: null };
    const targeted = { id: 'team:suporte', queueAgentIds: ['user:bruno'] };
    const agent = (id: string, teamIds = ['team:suporte']): Pick<UserDoc, 'id' | 'role' | 'teamIds'> => ({ id, role: 'agent', teamIds });
    expect(seesQueue(agent('user:ana'), suporte)).toBe(true);
    expect(seesQueue(agent('user:ana'), targeted)).toBe(false);
    expect(seesQueue(agent('user:bruno'), targeted)).toBe(true);
    expect(seesQueue(agent('user:bruno', ['team:comercial']), targeted)).toBe(false);
    expect(seesQueue({ id: 'user:carla', role: 'supervisor', teamIds: ['team:suporte'] }, targeted)).toBe(true);
    expect(seesQueue({ id: 'user:admin', role: 'admin', teamIds: [] }, targeted)).toBe(true);
    // A team not replicated yet reads as the whole team's.
    expect(seesQueue(agent('user:ana'), { id: 'team:suporte' })).toBe(true);
  });

  it('R-RT-02 with the queue targeted at Bruno, Ana cannot take from it (403 with a sentence) and Bruno can', async () => {
    expect((await target('team:suporte', ['user:bruno'])).status).toBe(200);
    const id = await waiting('Minha internet caiu');
    const refused = await claim(ana, id);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/visível só para agentes selecionados/);
    const taken = await claim(bruno, id);
    expect(taken.status).toBe(200);
    expect(taken.body.conversation).toMatchObject({ status: 'active', agentId: 'user:bruno' });
  });

  it('R-RT-02 supervisors are unaffected by a targeted queue; once it is the whole team\'s again, every member takes', async () => {
    expect((await target('team:suporte', ['user:bruno'])).status).toBe(200);
    const forCarla = await waiting('Preciso falar com alguém');
    expect((await claim(carla, forCarla)).status).toBe(200);
    const forAna = await waiting('Boleto não chegou');
    expect((await claim(ana, forAna)).status).toBe(403);
    expect((await target('team:suporte', null)).status).toBe(200);
    expect((await claim(ana, forAna)).status).toBe(200);
  });

  it('R-RT-02 an agent outside a targeted queue cannot take its conversation by transferring it (to herself, a colleague or a team); the targeted agent and supervisors can', async () => {
    expect((await target('team:suporte', ['user:bruno'])).status).toBe(200);
    const id = await waiting('Não consigo acessar minha conta');
    const transfer = (token: string, body: object) => call<Answer>(server, 'POST', `/api/conversations/${id}/transfer`, { token, body });
    for (const body of [{ toAgentId: 'user:ana' }, { toAgentId: 'user:bruno' }, { toTeamId: 'team:comercial' }]) {
      const refused = await transfer(ana, body);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/visível só para agentes selecionados/);
    }
    expect((await transfer(bruno, { toTeamId: 'team:comercial' })).status).toBe(200);
    const other = await waiting('Outra dúvida');
    const bySupervisor = await call<Answer>(server, 'POST', `/api/conversations/${other}/transfer`, { token: carla, body: { toAgentId: 'user:ana' } });
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body.conversation).toMatchObject({ status: 'active', agentId: 'user:ana' });
  });

  it('R-RT-02 a transfer to a targeted team lands in its queue: the targeted agent takes it, another member does not', async () => {
    expect((await target('team:comercial', ['user:carla'])).status).toBe(200);
    const id = await waiting('Quero comprar o plano anual');
    expect((await claim(ana, id)).status).toBe(200);
    const moved = await call<Answer>(server, 'POST', `/api/conversations/${id}/transfer`, { token: ana, body: { toTeamId: 'team:comercial' } });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ status: 'waiting', teamId: 'team:comercial', agentId: null });
    const refused = await claim(dora, id);
    expect(refused.status).toBe(403);
    // Carla is the targeted one (a supervisor here, so she would take it anyway); Dora takes once the queue is the team's.
    expect((await target('team:comercial', null)).status).toBe(200);
    expect((await claim(dora, id)).status).toBe(200);
  });
});
