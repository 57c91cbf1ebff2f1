import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf, type ConversationDoc, type ReportResponse } from '@atende/protocol';
import { addUser, call, clientId, login, newVisitor, visitorSays, type TestServer, startTestServer } from './helpers.js';
import { DAY, legacyMessages, seedConversations, writeAll, writeNames } from './reportsSeed.js';

/**
 * The report routes over a real server (R-RT-06): the demo organisation, the known data set of
 * reportsSeed.ts written into its store (in 2025, before the demo's history), the rollups kept by
 * the server's own job.
 */
let server: TestServer;
let admin: string;
let carla: string;
let supportOnly: string;
let ana: string;

const get = <T = ReportResponse>(path: string, token: string) => call<T>(server, 'GET', path, { token });
const day = `from=${DAY}&to=${DAY}`;

/** Waits for the server's job to have read every change (upToDate), as a screen would refresh. */
async function caughtUp(token: string): Promise<void> {
  for (let tries = 0; tries < 150; tries++) {
    if ((await get(`/api/reports/conversations?${day}&groupBy=team`, token)).body.upToDate) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the report rollups did not catch up');
}

beforeAll(async () => {
  server = await startTestServer();
  await writeNames(server.store, { teamsAndUsers: false });
  await writeAll(server.store, legacyMessages());
  await writeAll(server.store, seedConversations());
  admin = (await login(server, 'admin@demo.local')).accessToken;
  carla = (await login(server, 'carla@demo.local')).accessToken;
  ana = (await login(server, 'ana@demo.local')).accessToken;
  await addUser(server, { key: 'rt-sup', name: 'Sueli Suporte', email: 'sueli@rt.local', role: 'supervisor', teamIds: ['team:suporte'] });
  supportOnly = (await login(server, 'sueli@rt.local')).accessToken;
  await caughtUp(admin);
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('report routes', () => {
  it('R-RT-06: an admin reads every team of the known day, named as the organisation names them', async () => {
    const reply = await get(`/api/reports/conversations?${day}&groupBy=team`, admin);
    expect(reply.status).toBe(200);
    expect(reply.body.total).toMatchObject({ conversations: 7, received: 6, started: 1, answered: 4, abandoned: 1, finished: 4, transferred: 1,
      firstResponseAvgMs: 140_000, waitAvgMs: 108_750, handleAvgMs: 855_000, ratingAvg: 4, ratingCount: 2 });
    expect(reply.body.rows.map((r) => [r.key, r.label, r.conversations])).toEqual([['team:suporte', 'Suporte', 4], ['team:comercial', 'Comercial', 3]]);
    expect(reply.body).toMatchObject({ timeZone: 'America/Sao_Paulo', upToDate: true, from: DAY, to: DAY });
  });

  it('R-RT-06: a supervisor counts only their own teams; another team named is not found (404); agents are refused (403)', async () => {
    const own = await get(`/api/reports/conversations?${day}&groupBy=agent`, supportOnly);
    expect(own.status).toBe(200);
    expect(own.body.total.conversations).toBe(4);
    expect(Object.fromEntries(own.body.rows.map((r) => [r.label, r.conversations]))).toEqual({ 'Ana Souza': 3, 'Sem agente': 1 });
    expect((await get(`/api/reports/conversations?${day}&groupBy=team&teamId=team:comercial`, supportOnly)).status).toBe(404);
    expect((await get(`/api/reports/conversations.csv?${day}&groupBy=team&teamId=team:comercial`, supportOnly)).status).toBe(404);
    expect((await get(`/api/reports/conversations?${day}&groupBy=team&teamId=team:suporte`, supportOnly)).body.total.conversations).toBe(4);
    // Carla supervises both teams; one of them chosen, only it.
    const chosen = await get(`/api/reports/conversations?${day}&groupBy=team&teamId=team:comercial`, carla);
    expect(chosen.body.rows.map((r) => r.key)).toEqual(['team:comercial']);
    expect(chosen.body.total.conversations).toBe(3);
    for (const path of [`/api/reports/conversations?${day}&groupBy=team`, `/api/reports/conversations.csv?${day}&groupBy=team`, '/api/reports/context']) {
      expect((await get(path, ana)).status).toBe(403);
    }
  });

  it('R-RT-06: a bad period or grouping is refused (400) with a message, and nothing is read', async () => {
    const cases: Array<[string, RegExp]> = [
      ['from=2025-02-30&to=2025-03-01&groupBy=team', /datas reais/],
      ['from=2025-3-1&to=2025-03-01&groupBy=team', /AAAA-MM-DD/],
      ['from=2025-03-02&to=2025-03-01&groupBy=team', /não pode ser depois/],
      ['from=2024-01-01&to=2025-01-01&groupBy=team', /no máximo 366 dias/],
      [`${day}&groupBy=contact`, /groupBy/],
      [`to=${DAY}&groupBy=team`, /from/],
    ];
    for (const [query, message] of cases) {
      const reply = await get<{ message: string }>(`/api/reports/conversations?${query}`, admin);
      expect(reply.status, query).toBe(400);
      expect(reply.body.message, query).toMatch(message);
    }
    expect((await get(`/api/reports/conversations.csv?${day}&groupBy=team&separator=tab`, admin)).status).toBe(400);
  });

  it('R-RT-06: the CSV — UTF-8 with BOM, header in the chosen language, semicolons with decimal commas, seconds, file name', async () => {
    const res = await fetch(`${server.url}/api/reports/conversations.csv?${day}&groupBy=team&separator=semicolon`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="atende-conversas-team-${DAY}-${DAY}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines).toEqual([
      'Equipe;Conversas;Recebidas;Iniciadas pelo agente;Atendidas;Abandonadas;Finalizadas;Transferidas;Primeira resposta média (s);'
        + 'Primeira resposta p90 (s);Espera média (s);Atendimento médio (s);Avaliação média;Avaliações;'
        + 'Avaliações nota 1;Avaliações nota 2;Avaliações nota 3;Avaliações nota 4;Avaliações nota 5;Avaliações pedidas;Taxa de resposta (%)',
      'Suporte;4;4;0;3;1;3;0;157;300;135;540;5,00;1;0;0;0;0;1;1;100,0',
      'Comercial;3;2;1;1;0;1;1;90;120;30;1170;3,00;1;0;0;1;0;0;1;100,0',
      'Total;7;6;1;4;1;4;1;140;300;109;855;4,00;2;0;0;1;0;1;2;100,0',
    ]);
    const english = await fetch(`${server.url}/api/reports/conversations.csv?${day}&groupBy=tag&lang=en`, { headers: { authorization: `Bearer ${admin}` } });
    const text = (await english.text()).replace(/^\uFEFF/, '');
    expect(text.split('\r\n').slice(0, 2)).toEqual([
      'Tag,Conversations,Received,Started by agent,Answered,Abandoned,Finished,Transferred,Average first response (s),First response p90 (s),Average wait (s),Average handling (s),Average rating,Ratings,'
        + 'Ratings of 1,Ratings of 2,Ratings of 3,Ratings of 4,Ratings of 5,Ratings requested,Response rate (%)',
      'No tag,5,5,0,3,1,3,1,147,300,125,1170,3.00,1,0,0,1,0,0,1,100.0',
    ]);
  });

  it("R-RT-06 R-SV-06: the context gives the organisation's time zone and today's date in it", async () => {
    const reply = await get<{ timeZone: string; today: string }>('/api/reports/context', carla);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ timeZone: 'America/Sao_Paulo', today: localDateOf('America/Sao_Paulo', Date.now()) });
  });

  it('R-RT-06: a conversation served through the real commands (visitor writes, claim, reply, finish) counts with its figures', async () => {
    const today = localDateOf('America/Sao_Paulo', Date.now());
    const path = `/api/reports/conversations?from=${today}&to=${today}&groupBy=agent&teamId=team:suporte`;
    await caughtUp(admin);
    const before = (await get(path, admin)).body;
    const visitor = await newVisitor(server, 'demo-site', 'Rita Relatório');
    const { conversationId } = await visitorSays(server, visitor, 'Preciso de ajuda');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: clientId('m'), text: 'Olá!' } })).status).toBe(201);
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body: {} })).status).toBe(200);
    const stored = (await server.store.get(conversationId, { fresh: true })) as unknown as ConversationDoc;
    expect(stored.firstResponseAt).toBeGreaterThanOrEqual(stored.createdAt);
    await expect.poll(async () => (await get(path, admin)).body.total.finished, { timeout: 15_000 }).toBe(before.total.finished + 1);
    const after = (await get(path, admin)).body;
    for (const figure of ['conversations', 'received', 'answered', 'finished'] as const) expect(after.total[figure], figure).toBe(before.total[figure] + 1);
    expect(after.total.abandoned).toBe(before.total.abandoned);
    const fact = await server.store.get(`reportfact:${conversationId}`);
    expect(fact?.current).toMatchObject({
      teamId: 'team:suporte', agentId: 'user:ana', channel: 'webchat',
      figures: { received: true, answered: true, finished: true, abandoned: false, firstResponseMs: (stored.firstResponseAt ?? 0) - stored.createdAt },
    });
  });
});

describe('reports for integrations (API tokens)', () => {
  const token = async (scopes: string[]) => {
    const reply = await call<{ token: string }>(server, 'POST', '/api/admin/tokens', { token: admin, body: { name: `Relatórios ${clientId('t')}`, scopes } });
    expect(reply.status).toBe(201);
    return reply.body.token;
  };

  it('R-RT-06 R-RT-05: an API token with reports:read reads every team; without the scope 403; a user access token 401', async () => {
    const reader = await token(['reports:read']);
    const reply = await get(`/api/v1/reports/conversations?${day}&groupBy=team`, reader);
    expect(reply.status).toBe(200);
    expect(reply.body.total.conversations).toBe(7);
    expect(reply.body.rows.map((r) => [r.label, r.conversations])).toEqual([['Suporte', 4], ['Comercial', 3]]);
    const res = await fetch(`${server.url}/api/v1/reports/conversations.csv?${day}&groupBy=channel&lang=es`, { headers: { authorization: `Bearer ${reader}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="atende-conversas-channel-${DAY}-${DAY}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('Canal,Conversaciones,')).toBe(true);
    expect(text).toContain('\r\nChat del sitio,4,');
    const other = await get<{ error: string }>(`/api/v1/reports/conversations?${day}&groupBy=team`, await token(['contacts:read']));
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('missing_scope');
    expect((await get(`/api/v1/reports/conversations?${day}&groupBy=team`, admin)).status).toBe(401);
    expect((await get(`/api/v1/reports/conversations?from=${DAY}&to=2025-03-01&groupBy=team`, reader)).status).toBe(400);
  });
});
