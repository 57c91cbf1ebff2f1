import { Router, type RequestHandler } from 'express';
import { API, type Endpoint } from '@atende/protocol';
import { integrationOf, requireApiToken } from '../apiTokens/middleware.js';
import type { ApiTokens } from '../apiTokens/tokens.js';
import { implement, relativePath } from '../http/contract.js';
import type { RateLimiter } from '../http/rateLimit.js';
import type { ReportQueries } from './queries.js';
import { sendCsv } from './routes.js';

const MOUNT = '/api/v1/reports';

/** What the public API needs of the server: its API tokens and its rate limiter (each token counted on its own). */
export interface PublicReportsDeps {
  tokens: ApiTokens;
  limiter: RateLimiter;
}

/**
 * `/api/v1/reports` (R-RT-06 for integrations, R-RT-05): the same reports for an API token holding
 * `reports:read`, over every team (an integration is the organisation's, not a team's).
 */
export function publicReportRoutes(queries: ReportQueries, deps: PublicReportsDeps): Router {
  const router = Router();
  const perToken = deps.limiter.perUser('api-token', (req) => integrationOf(req).id);
  const gate = (e: Endpoint): RequestHandler[] => [requireApiToken(deps.tokens, e.scopes ?? []), perToken];
  implement(router, MOUNT, API.publicReportConversations, ({ query }) => queries.conversations(query, { teamIds: 'all' }),
    gate(API.publicReportConversations));
  router.get(relativePath(API.publicReportConversationsCsv.path, MOUNT), ...gate(API.publicReportConversationsCsv),
    (req, res) => sendCsv(req, res, queries, () => ({ teamIds: 'all' })));
  return router;
}
