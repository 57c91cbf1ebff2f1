import { clientId, call } from '../../helpers.js';
import { adminsOnly, SIGNED_OUT, type RouteRow } from '../cells.js';
import { TEAM_OWN, type MatrixContext } from '../context.js';
import { fixture } from './fixture.js';

/** A fresh team with no channel and no conversation, which an admin may archive. */
async function team(ctx: MatrixContext): Promise<string> {
  const reply = await call<{ id: string }>(ctx.server, 'POST', '/api/admin/teams', { token: ctx.token('adminOwn'), body: { name: `Equipe ${clientId('t')}` } });
  if (reply.status !== 201) throw new Error(`team: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id;
}

/**
 * Teams' administration (R-RT-01/02): admins create and archive; supervisors list and edit the
 * teams they hold (another team reads as missing, 404); agents are told no.
 */
export const ROWS: readonly RouteRow[] = [
  { route: 'GET /api/admin/teams', ids: 'R-RT-01', expect: { ...adminsOnly(200), supervisorOwn: 200, supervisorOther: 200 } },
  { route: 'POST /api/admin/teams', ids: 'R-RT-01', expect: adminsOnly(201),
    request: () => ({ path: '/api/admin/teams', body: { name: `Equipe ${clientId('t')}` } }) },
  // The own team's disposition rule set to what it already is: every cell may run it, nothing changes for other rows.
  { route: 'PATCH /api/admin/teams/:id', ids: 'R-RT-01 R-RT-02',
    expect: { agentOwn: 403, supervisorOwn: 200, adminOwn: 200, agentOther: 403, supervisorOther: 404, adminOther: 200, ...SIGNED_OUT },
    request: () => ({ path: `/api/admin/teams/${TEAM_OWN}`, body: { dispositionRequired: false } }) },
  { route: 'DELETE /api/admin/teams/:id', ids: 'R-RT-01', expect: adminsOnly(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/teams/${await fixture(ctx, cell, () => team(ctx))}` }) },
];
