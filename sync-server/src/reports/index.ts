import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { JobRunner } from '../jobs/index.js';
import type { DocStore } from '../store/index.js';

/**
 * Reports (issue 16, R-RT-06): rollup documents kept from the conversations' change feed by a
 * job, read by the report routes. Being built: the routes and the rollups arrive with the reports slice.
 */
export interface ReportsDeps {
  store: DocStore;
  auth: AuthService;
  jobs: JobRunner;
  /** The organisation's time zone: report dates are its calendar days. */
  timeZone: string;
  log: (message: string) => void;
}

export interface ReportsSetup {
  /** Mount pairs for the app. */
  routes: Array<[string, Router]>;
  /** Starts keeping the rollups (reads the change feed from its checkpoint). */
  start(): void;
  stop(): Promise<void>;
}

export async function setupReports(_deps: ReportsDeps): Promise<ReportsSetup> {
  return { routes: [], start: () => undefined, stop: async () => undefined };
}
