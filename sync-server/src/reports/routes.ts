import { Router, type Request, type Response } from 'express';
import { API, localDateOf, notFound, oversees, parse, type ReportQuery, type UserDoc } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement, relativePath } from '../http/contract.js';
import { csvFileName, reportCsv } from './csv.js';
import type { Language } from './labels.js';
import type { ReportQueries, ReportScope } from './queries.js';

const MOUNT = '/api/reports';

/** What a caller may count: admins every team; a supervisor their own teams, and another team's id is not found (404). */
function scopeOf(user: UserDoc, query: ReportQuery): ReportScope {
  if (query.teamId !== undefined && !oversees(user, query.teamId)) throw notFound('team');
  return { teamIds: user.role === 'admin' ? 'all' : user.teamIds };
}

/** `/api/reports` (R-RT-06): supervisors and admins; agents are refused (403). */
export function reportRoutes(queries: ReportQueries, auth: AuthService, timeZone: string): Router {
  const router = Router();
  router.use(requireUser(auth, ['supervisor', 'admin']));
  const user = (req: Request) => principalOf(req).user;
  implement(router, MOUNT, API.reportsContext, () => ({ timeZone, today: localDateOf(timeZone, Date.now()) }));
  implement(router, MOUNT, API.reportConversations, ({ query, req }) => queries.conversations(query, scopeOf(user(req), query)));
  router.get(relativePath(API.reportConversationsCsv.path, MOUNT), (req, res) =>
    sendCsv(req, res, queries, (query) => scopeOf(user(req), query)));
  return router;
}

/**
 * The CSV answer (R-RT-06), sent as text rather than JSON: its query parsed like every contract
 * route's (a 400 with the field's message), the report scoped by the caller, a download file name.
 */
export async function sendCsv(req: Request, res: Response, queries: ReportQueries, scope: (query: ReportQuery) => ReportScope): Promise<void> {
  const { separator, lang, ...query } = parse(API.reportConversationsCsv.query, req.query, 'query');
  const language: Language = lang ?? 'pt-BR';
  const report = await queries.conversations(query, scope(query), language);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${csvFileName(report)}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(reportCsv(report, { language, semicolon: separator === 'semicolon' }));
}
