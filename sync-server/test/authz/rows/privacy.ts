import { adminsOnly, everyone, SIGNED_OUT, signedIn, type RouteRow } from '../cells.js';
import type { MatrixContext } from '../context.js';
import { call } from '../../helpers.js';

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
  // Export (H3, R-PRIV-02): supervisors of any team and admins start one (the customer asked); agents 403.
  // Its status is its starter's (supervisorOwn here) and admins'; anyone else finds nothing. The
  // download takes no sign-in: the link's token is the capability, and a wrong one is not found, whoever calls.
  { route: 'POST /api/privacy/contacts/:id/export', ids: 'R-PRIV-02',
    expect: { agentOwn: 403, supervisorOwn: 202, adminOwn: 202, agentOther: 403, supervisorOther: 202, adminOther: 202, ...SIGNED_OUT },
    request: (ctx) => ({ path: `/api/privacy/contacts/${ctx.finishedContactId}/export` }) },
  { route: 'GET /api/privacy/exports/:jobId', ids: 'R-PRIV-02',
    expect: { agentOwn: 404, supervisorOwn: 200, adminOwn: 200, agentOther: 404, supervisorOther: 404, adminOther: 200, ...SIGNED_OUT },
    request: async (ctx) => ({ path: `/api/privacy/exports/${await exportJob(ctx)}` }) },
  { route: 'GET /api/privacy/exports/:jobId/download', ids: 'R-PRIV-02', expect: everyone(404),
    request: async (ctx) => ({ path: `/api/privacy/exports/${await exportJob(ctx)}/download?token=${'A'.repeat(43)}` }) },
];

/** One export of the finished customer's data, started by supervisorOwn: the status and download rows read it. */
function exportJob(ctx: MatrixContext): Promise<string> {
  return ctx.once('privacy-export-job', async () => {
    const reply = await call<{ jobId: string }>(ctx.server, 'POST', `/api/privacy/contacts/${ctx.finishedContactId}/export`, { token: ctx.token('supervisorOwn') });
    if (reply.status !== 202) throw new Error(`export: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.jobId;
  });
}
