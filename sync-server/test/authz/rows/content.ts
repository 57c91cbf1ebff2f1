import { call, clientId } from '../../helpers.js';
import { adminsOnly, SIGNED_OUT, type Cells, type RouteRow, type Status } from '../cells.js';
import { TEAM_OWN, type MatrixContext } from '../context.js';
import { fixture } from './fixture.js';

/**
 * Content (issue 15 point 6, R-RT-05): tags and articles are the admins'; predefined messages and
 * dispositions also the supervisors' of the team they belong to — another team's supervisor finds
 * nothing there (404, as for any team they do not hold), agents are refused (403).
 */
const teamContent = (s: Status): Cells => ({
  agentOwn: 403, supervisorOwn: s, adminOwn: s, agentOther: 403, supervisorOther: 404, adminOther: s, ...SIGNED_OUT,
});
const supervisorsAndAdmins = (s: Status): Cells => ({
  agentOwn: 403, supervisorOwn: s, adminOwn: s, agentOther: 403, supervisorOther: s, adminOther: s, ...SIGNED_OUT,
});

async function made(ctx: MatrixContext, route: string, body: unknown): Promise<string> {
  const reply = await call<{ id: string }>(ctx.server, 'POST', route, { token: ctx.token('adminOwn'), body });
  if (reply.status !== 201) throw new Error(`${route}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id;
}
const tag = (ctx: MatrixContext) => made(ctx, '/api/admin/tags', { name: `Etiqueta ${clientId('t')}`, color: '#123456' });
const article = (ctx: MatrixContext) => made(ctx, '/api/admin/articles', { title: 'Artigo', body: 'Texto' });
const predefined = (ctx: MatrixContext) => made(ctx, '/api/admin/predefined', { teamId: TEAM_OWN, title: 'Mensagem', text: 'Olá {cliente}' });
const disposition = (ctx: MatrixContext) => made(ctx, '/api/admin/dispositions', { teamId: TEAM_OWN, name: `Tabulação ${clientId('d')}` });

/** The seeded Suporte message (demo seed): another team's supervisor must never read it. */
const SUPORTE_TEXT = 'Obrigado pelo contato! Tenha um ótimo dia.';

export const ROWS: readonly RouteRow[] = [
  { route: 'GET /api/admin/tags', ids: 'R-RT-05', expect: adminsOnly(200) },
  { route: 'POST /api/admin/tags', ids: 'R-RT-05', expect: adminsOnly(201),
    request: () => ({ path: '/api/admin/tags', body: { name: `Etiqueta ${clientId('t')}`, color: '#654321' } }) },
  { route: 'PATCH /api/admin/tags/:id', ids: 'R-RT-05', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/tags/${await fixture(ctx, cell, () => tag(ctx))}`, body: { color: '#abcdef' } }) },
  { route: 'DELETE /api/admin/tags/:id', ids: 'R-RT-05', expect: adminsOnly(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/tags/${await fixture(ctx, cell, () => tag(ctx))}` }) },

  { route: 'GET /api/admin/articles', ids: 'R-RT-05', expect: adminsOnly(200) },
  { route: 'POST /api/admin/articles', ids: 'R-RT-05', expect: adminsOnly(201),
    request: () => ({ path: '/api/admin/articles', body: { title: 'Artigo', body: 'Texto', order: 1 } }) },
  { route: 'PATCH /api/admin/articles/:id', ids: 'R-RT-05', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/articles/${await fixture(ctx, cell, () => article(ctx))}`, body: { order: 2 } }) },
  { route: 'DELETE /api/admin/articles/:id', ids: 'R-RT-05', expect: adminsOnly(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/articles/${await fixture(ctx, cell, () => article(ctx))}` }) },

  { route: 'GET /api/admin/predefined', ids: 'R-RT-05', expect: supervisorsAndAdmins(200),
    hidden: [{ from: ['supervisorOther'], text: () => SUPORTE_TEXT }] },
  { route: 'POST /api/admin/predefined', ids: 'R-RT-05 R-WS-04', expect: teamContent(201),
    request: () => ({ path: '/api/admin/predefined', body: { teamId: TEAM_OWN, title: 'Nova', text: 'Olá {cliente}' } }) },
  { route: 'PATCH /api/admin/predefined/:id', ids: 'R-RT-05 R-WS-04', expect: teamContent(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/predefined/${await fixture(ctx, cell, () => predefined(ctx))}`, body: { title: 'Outra' } }) },
  { route: 'DELETE /api/admin/predefined/:id', ids: 'R-RT-05 R-WS-04', expect: teamContent(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/predefined/${await fixture(ctx, cell, () => predefined(ctx))}` }) },

  { route: 'GET /api/admin/dispositions', ids: 'R-RT-05 R-WS-06', expect: supervisorsAndAdmins(200) },
  { route: 'POST /api/admin/dispositions', ids: 'R-RT-05 R-WS-06', expect: teamContent(201),
    request: () => ({ path: '/api/admin/dispositions', body: { teamId: TEAM_OWN, name: `Tabulação ${clientId('d')}` } }) },
  { route: 'PATCH /api/admin/dispositions/:id', ids: 'R-RT-05 R-WS-06', expect: teamContent(200),
    request: async (ctx, _caller, cell) => ({
      path: `/api/admin/dispositions/${await fixture(ctx, cell, () => disposition(ctx))}`, body: { name: `Tabulação ${clientId('d')}` },
    }) },
  { route: 'DELETE /api/admin/dispositions/:id', ids: 'R-RT-05 R-WS-06', expect: teamContent(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/dispositions/${await fixture(ctx, cell, () => disposition(ctx))}` }) },
];
