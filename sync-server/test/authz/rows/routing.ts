import { adminsOnly, type RouteRow } from '../cells.js';
import { TEAM_OWN } from '../context.js';

/** Business hours (R-RT-03): admins any team, supervisors their own (another team's reads as missing), agents refused. */
const teamAdministration = (s: number) => ({ ...adminsOnly(s), supervisorOwn: s, supervisorOther: 404 });

/** Authorisation rows of the issue 15 routes of this feature (spread into ROUTES in matrix.ts). */
export const ROWS: readonly RouteRow[] = [
  { route: 'GET /api/admin/hours', ids: 'R-RT-03', expect: { ...adminsOnly(200), supervisorOwn: 200, supervisorOther: 200 } },
  { route: 'GET /api/admin/teams/:id/hours', ids: 'R-RT-03', expect: teamAdministration(200), request: () => ({ path: `/api/admin/teams/${TEAM_OWN}/hours` }) },
  // null: always open, so the matrix's other rows (the website chat's) keep their team open.
  { route: 'PUT /api/admin/teams/:id/hours', ids: 'R-RT-03', expect: teamAdministration(200),
    request: () => ({ path: `/api/admin/teams/${TEAM_OWN}/hours`, body: { businessHours: null } }) },
];
