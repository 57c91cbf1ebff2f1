import { adminsOnly, signedIn, type RouteRow } from '../cells.js';

/**
 * Authorisation rows of the issue 19 privacy routes (LGPD; spread into ROUTES in matrix.ts): export
 * and legal holds for supervisors and admins, erasure, retention runs and the audit for admins only.
 * Each slice appends its routes' rows here.
 */
export const ROWS: readonly RouteRow[] = [
  // Retention (H4, R-PRIV-01): the two admins' runs may meet (one 409 while the other holds the run lock).
  { route: 'POST /api/privacy/retention/run', ids: 'R-PRIV-01', expect: { ...adminsOnly(200), adminOwn: [200, 409], adminOther: [200, 409] } },
  { route: 'GET /api/privacy/retention/runs', ids: 'R-PRIV-01', expect: adminsOnly(200) },
  // Access audit (H6, R-PRIV-05): admins read it; every signed-in user may tell it a conversation was
  // opened — 204 whatever the conversation is (whether it exists or is another team's is not told).
  { route: 'GET /api/admin/audit', ids: 'R-PRIV-05', expect: adminsOnly(200) },
  { route: 'GET /api/admin/audit.csv', ids: 'R-PRIV-05', expect: adminsOnly(200) },
  { route: 'POST /api/privacy/opened', ids: 'R-PRIV-05', expect: signedIn(204),
    request: (ctx) => ({ path: '/api/privacy/opened', body: { conversationId: ctx.visitorConversationId } }) },
];
