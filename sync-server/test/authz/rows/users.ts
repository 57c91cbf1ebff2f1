import { clientId } from '../../helpers.js';
import { adminsOnly, type RouteRow } from '../cells.js';
import { TEAM_OWN, type MatrixContext } from '../context.js';
import { fixture } from './fixture.js';

/** Authorisation rows of the issue 15 routes of this feature (spread into ROUTES in matrix.ts). */
const someone = async (ctx: MatrixContext) => (await ctx.newUser('agent', TEAM_OWN, true)).id;

export const ROWS: readonly RouteRow[] = [
  // Users' administration (R-AUTH-01, R-AUTH-03): admins only; each cell that may change a user gets a fresh one.
  { route: 'GET /api/admin/users', ids: 'R-AUTH-01', expect: adminsOnly(200) },
  { route: 'POST /api/admin/users', ids: 'R-AUTH-01', expect: adminsOnly(201),
    request: () => ({ path: '/api/admin/users', body: { name: 'Pessoa Matriz', email: `${clientId('u').toLowerCase()}@matriz.local`, role: 'agent', teamIds: [TEAM_OWN] } }) },
  { route: 'PATCH /api/admin/users/:id', ids: 'R-AUTH-01', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/users/${await fixture(ctx, cell, () => someone(ctx))}`, body: { maxConcurrent: 4 } }) },
  { route: 'POST /api/admin/users/:id/unlock', ids: 'R-AUTH-03', expect: adminsOnly(204),
    request: (ctx) => ({ path: `/api/admin/users/${ctx.loginUser.id}/unlock` }) },
  { route: 'POST /api/admin/users/:id/password-reset', ids: 'R-AUTH-01', expect: adminsOnly(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/users/${await fixture(ctx, cell, () => someone(ctx))}/password-reset` }) },
];
