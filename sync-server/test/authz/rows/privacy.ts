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
  // download takes no sign-in: the link's token is the capability, whoever calls (each cell its own
  // export: a link works once; privacy-export.test.ts proves the 410s and the wrong token's 404).
  { route: 'POST /api/privacy/contacts/:id/export', ids: 'R-PRIV-02',
    expect: { agentOwn: 403, supervisorOwn: 202, adminOwn: 202, agentOther: 403, supervisorOther: 202, adminOther: 202, ...SIGNED_OUT },
    request: (ctx) => ({ path: `/api/privacy/contacts/${ctx.finishedContactId}/export` }) },
  { route: 'GET /api/privacy/exports/:jobId', ids: 'R-PRIV-02',
    expect: { agentOwn: 404, supervisorOwn: 200, adminOwn: 200, agentOther: 404, supervisorOther: 404, adminOther: 200, ...SIGNED_OUT },
    request: async (ctx) => ({ path: `/api/privacy/exports/${await exportJob(ctx)}` }) },
  { route: 'GET /api/privacy/exports/:jobId/download', ids: 'R-PRIV-02', expect: everyone(200),
    request: async (ctx) => ({ path: await readyLink(ctx, await startExport(ctx)) }) },
  // Erasure and legal holds (H2, R-PRIV-03): erasure is an admin's (each admin cell erases a contact of
  // its own: an erased one is gone, 404 after); a legal hold is set by any supervisor or admin (the
  // order comes from outside, like an export's), lifted here so it holds nothing up for other rows.
  { route: 'POST /api/privacy/contacts/:id/erase', ids: 'R-PRIV-03', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/privacy/contacts/${cell.refused ? ctx.finishedContactId : await erasableContact(ctx)}/erase` }) },
  { route: 'PUT /api/privacy/contacts/:id/legal-hold', ids: 'R-PRIV-03', expect: overseers(200),
    request: (ctx) => ({ path: `/api/privacy/contacts/${ctx.finishedContactId}/legal-hold`, body: { legalHold: false } }) },
  { route: 'PUT /api/privacy/conversations/:id/legal-hold', ids: 'R-PRIV-03', expect: overseers(200),
    request: (ctx) => ({ path: `/api/privacy/conversations/${ctx.heldShared.conversationId}/legal-hold`, body: { legalHold: false } }) },
];

/** Supervisors (of any team) and admins; agents 403. */
function overseers(s: number) {
  return { agentOwn: 403, supervisorOwn: s, adminOwn: s, agentOther: 403, supervisorOther: s, adminOther: s, ...SIGNED_OUT } as const;
}

let erasable = 0;
/** A contact of its own for one erasure cell (nothing else uses it). */
async function erasableContact(ctx: MatrixContext): Promise<string> {
  const now = Date.now();
  const id = `contact:mxerase${now.toString(36)}${(erasable++).toString(36)}`;
  const [written] = await ctx.server.store.bulkWrite([{
    _id: id, type: 'contact', name: 'Apagável', email: '', addresses: {}, customFields: {}, teamIds: [], createdAt: now, updatedAt: now,
  }]);
  if (!written?.ok) throw new Error(`could not add ${id}`);
  return id;
}

/** An export of the finished customer's data, started by supervisorOwn. */
async function startExport(ctx: MatrixContext): Promise<string> {
  const reply = await call<{ jobId: string }>(ctx.server, 'POST', `/api/privacy/contacts/${ctx.finishedContactId}/export`, { token: ctx.token('supervisorOwn') });
  if (reply.status !== 202) throw new Error(`export: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.jobId;
}

/** The one the status row reads. */
const exportJob = (ctx: MatrixContext) => ctx.once('privacy-export-job', () => startExport(ctx));

/** The export's one-time link, once its job has built the ZIP. */
async function readyLink(ctx: MatrixContext, jobId: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const reply = await call<{ status: string; downloadUrl?: string }>(ctx.server, 'GET', `/api/privacy/exports/${jobId}`, { token: ctx.token('supervisorOwn') });
    if (reply.body.downloadUrl) return reply.body.downloadUrl;
    if (reply.status !== 200 || !['queued', 'running'].includes(reply.body.status)) throw new Error(`export ${jobId}: ${reply.status} ${JSON.stringify(reply.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`export ${jobId} not ready`);
}
