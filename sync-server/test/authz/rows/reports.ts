import { everyone, SIGNED_OUT, type Cells, type RouteRow } from '../cells.js';
import { TEAM_OWN } from '../context.js';

/**
 * Reports (R-RT-06): supervisors and admins; agents are refused (403). A report names a team of
 * the caller's: a supervisor of another team finds nothing (404), an admin every team.
 */
const overseers = (s: number): Cells => ({
  agentOwn: 403, supervisorOwn: s, adminOwn: s, agentOther: 403, supervisorOther: s, adminOther: s, ...SIGNED_OUT,
});
const ownTeam = (s: number): Cells => ({ ...overseers(s), supervisorOther: 404 });
const period = `from=2025-03-01&to=2025-03-31&teamId=${encodeURIComponent(TEAM_OWN)}`;

/** Authorisation rows of the issue 16 reports routes (spread into ROUTES in matrix.ts). */
export const ROWS: readonly RouteRow[] = [
  { route: 'GET /api/reports/context', ids: 'R-RT-06 R-SV-06', expect: overseers(200) },
  { route: 'GET /api/reports/conversations', ids: 'R-RT-06', expect: ownTeam(200),
    request: () => ({ path: `/api/reports/conversations?${period}&groupBy=agent` }) },
  { route: 'GET /api/reports/conversations.csv', ids: 'R-RT-06', expect: ownTeam(200),
    request: () => ({ path: `/api/reports/conversations.csv?${period}&groupBy=team&separator=semicolon&lang=en` }) },
  // The public API takes API tokens only (reports-api.test.ts proves the scope): every caller here is refused.
  { route: 'GET /api/v1/reports/conversations', ids: 'R-RT-06 R-RT-05', expect: everyone(401),
    request: () => ({ path: `/api/v1/reports/conversations?${period}&groupBy=team` }) },
  { route: 'GET /api/v1/reports/conversations.csv', ids: 'R-RT-06 R-RT-05', expect: everyone(401),
    request: () => ({ path: `/api/v1/reports/conversations.csv?${period}&groupBy=team` }) },
];
