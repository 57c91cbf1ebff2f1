import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { JobRunner } from '../jobs/index.js';
import type { DocStore } from '../store/index.js';
import { myRatingRoutes } from './myRatingRoutes.js';
import { publicReportRoutes, type PublicReportsDeps } from './publicRoutes.js';
import { ReportQueries } from './queries.js';
import { ReportRollups } from './rollups.js';
import { reportRoutes } from './routes.js';

export { ReportQueries, type ReportScope } from './queries.js';
export { ReportRollups, ROLLUP_CURSOR_ID, rollupsUpToDate, type ReportRollupsOptions } from './rollups.js';
export { reportCsv, csvFileName } from './csv.js';

/**
 * Reports (issue 16, R-RT-06): rollup documents kept from the conversations' change feed
 * (rollups.ts), read by the report routes (queries.ts), never by reading every conversation.
 */
export interface ReportsDeps {
  store: DocStore;
  auth: AuthService;
  /** Unused: the rollups follow the change feed themselves (as outgoing webhooks do), not as queued jobs. */
  jobs: JobRunner;
  /** The organisation's time zone: report dates are its calendar days. */
  timeZone: string;
  log: (message: string) => void;
  /** The public API's tokens and rate limiter: `/api/v1/reports` for integrations (scope `reports:read`); absent: not served. */
  publicApi?: PublicReportsDeps;
}

export interface ReportsSetup {
  /** Mount pairs for the app. */
  routes: Array<[string, Router]>;
  /** Starts keeping the rollups (reads the change feed from its checkpoint). */
  start(): void;
  stop(): Promise<void>;
  rollups: ReportRollups;
  queries: ReportQueries;
}

export async function setupReports(deps: ReportsDeps): Promise<ReportsSetup> {
  const rollups = new ReportRollups(deps.store, { log: deps.log });
  const queries = new ReportQueries(deps.store, deps.timeZone, () => rollups.upToDate());
  return {
    routes: [
      ['/api/reports', reportRoutes(queries, deps.auth, deps.timeZone)],
      // The signed-in agent's own average (issue 18, seed 002), from the same rollups.
      ['/api/me', myRatingRoutes(deps.store, deps.auth)],
      ...(deps.publicApi ? [['/api/v1/reports', publicReportRoutes(queries, deps.publicApi)] as [string, Router]] : []),
    ],
    start: () => rollups.start(),
    stop: () => rollups.stop(),
    rollups,
    queries,
  };
}
