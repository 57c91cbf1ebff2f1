import { Router } from 'express';
import { API, parse } from '@atende/protocol';
import { allAudit, listAudit } from '../audit/list.js';
import { principalOf, requireUser } from '../auth/middleware.js';
import { implement, relativePath } from '../http/contract.js';
import { auditCsv, auditCsvFileName } from './auditCsv.js';
import { auditOriginOf, recordOtherTeamReads } from './auditReads.js';
import type { PrivacyContext } from './context.js';

const MOUNT = '/api';
/** Rows of one CSV download; past this the newest are given (filter by period for older ones). */
export const AUDIT_CSV_MAX = 50_000;

/**
 * The access audit (issue 19 point 8, R-PRIV-05): admins list it and download it as CSV; the
 * desk tells it when a conversation of another team is opened. Append-only: there is no route
 * that changes or removes an entry. Mounted at /api beside the other privacy routers, so each
 * route carries its own guard (a router-wide one would answer for theirs too).
 */
export function auditRoutes(ctx: PrivacyContext): Router {
  const router = Router();
  const admins = requireUser(ctx.auth, ['admin']);

  implement(router, MOUNT, API.privacyAudit, async ({ query }) => {
    const { limit, ...filter } = query;
    return listAudit(ctx.store, filter, limit);
  }, [admins]);

  router.get(relativePath(API.privacyAuditCsv.path, MOUNT), admins, async (req, res) => {
    const { limit: _limit, ...filter } = parse(API.privacyAuditCsv.query, req.query, 'query');
    const entries = await allAudit(ctx.store, filter, AUDIT_CSV_MAX);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${auditCsvFileName(ctx.now())}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(auditCsv(entries));
  });

  // 204 whatever was found: whether a conversation exists or is another team's is not the caller's to learn here.
  implement(router, MOUNT, API.privacyOpened, async ({ body, req }) => {
    await recordOtherTeamReads(ctx.store, principalOf(req).user, [body.conversationId], auditOriginOf(req), 'desk', ctx.now());
  }, [requireUser(ctx.auth)]);
  return router;
}
