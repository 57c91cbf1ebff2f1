import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminUser, Article, FlowResponse, TeamView } from '@atende/protocol';
import { call, login, startTestServer, type TestServer } from './helpers.js';

/**
 * Issue 15 ("the demo seed uses the same services as the admin screens"): what the demo holds
 * reads in the admin screens as if an admin had made it there — with the claims those services
 * write (names, e-mails, extensions), so the demo's data refuses a duplicate as an admin's does.
 */

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await login(server, 'admin@demo.local')).accessToken;
});
afterAll(() => server.close());

const api = <T>(method: string, route: string, token: string, body?: unknown) => call<T & { error?: string }>(server, method, route, { token, body });

describe('R-RT-05 the demo organisation, made through the admin services', () => {
  it('R-RT-01 R-AUTH-01 its teams list their members and website chat; its users have their password, no invitation pending', async () => {
    const { teams } = (await api<{ teams: TeamView[] }>('GET', '/api/admin/teams', admin)).body;
    const suporte = teams.find((t) => t.id === 'team:suporte');
    expect(teams.map((t) => t.id).sort()).toEqual(['team:comercial', 'team:suporte']);
    expect(suporte?.members.map((m) => m.id).sort()).toEqual(['user:admin', 'user:ana', 'user:bruno', 'user:carla']);
    expect(suporte?.channels.map((c) => c.id)).toContain('channel:demo-site');
    expect(suporte).toMatchObject({ autoDistribute: false, sessionTimeout: null, internalChat: true });

    const { users } = (await api<{ users: AdminUser[] }>('GET', '/api/admin/users', admin)).body;
    expect(users.map((u) => [u.id, u.role, u.invitationPending])).toEqual([
      ['user:admin', 'admin', false], ['user:ana', 'agent', false], ['user:bruno', 'agent', false], ['user:carla', 'supervisor', false],
    ]);
    expect(users.find((u) => u.id === 'user:bruno')?.permissions).toEqual({ historyOtherTeams: true });
  });

  it('R-AUTH-01 R-WS-11 R-RT-05 the demo’s e-mails, extensions and tag names are claimed: duplicates are refused', async () => {
    const twin = await api('POST', '/api/admin/users', admin, { name: 'Outra Ana', email: 'ana@demo.local', role: 'agent', teamIds: [] });
    expect(twin.status).toBe(409);
    const carla = (await login(server, 'carla@demo.local')).accessToken;
    const taken = await api('PATCH', '/api/me', carla, { extension: '2001' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toBe('extension_taken');
    expect((await api('POST', '/api/admin/tags', admin, { name: 'urgente', color: '#000000' })).status).toBe(409);
    expect((await api('POST', '/api/admin/dispositions', admin, { teamId: 'team:suporte', name: 'dúvida resolvida' })).status).toBe(409);
  });

  it('R-RT-05 R-RT-04 the articles are the demo site’s, and the sample flow waits inactive on a team no channel enters', async () => {
    const { articles } = (await api<{ articles: Article[] }>('GET', '/api/admin/articles', admin)).body;
    expect(articles.map((a) => [a.id, a.accountIds])).toEqual([
      ['article:pedido', ['channel:demo-site']], ['article:trocas', ['channel:demo-site']], ['article:pagamento', ['channel:demo-site']],
    ]);
    const comercial = (await api<FlowResponse>('GET', '/api/admin/flows/team:comercial', admin)).body;
    expect(comercial).toMatchObject({ entry: false, flow: { active: false } });
    expect(comercial.flow.triggers.map((t) => t.id)).toEqual(['boas-vindas', 'suporte']);
    expect((await api<FlowResponse>('GET', '/api/admin/flows/team:suporte', admin)).body.flow.triggers).toEqual([]);
  });
});
