import type { Router } from 'express';
import type { PrivacyContext } from './context.js';
import { auditRoutes } from './auditRoutes.js';
import { erasureRoutes } from './erasureRoutes.js';
import { registerExportJobs } from './exportJob.js';
import { exportRoutes } from './exportRoutes.js';
import { retentionRoutes } from './retentionRoutes.js';
import { retentionSchedule } from './retentionSchedule.js';

/**
 * Privacy under the LGPD (issue 19), wired for server.ts: erasure and legal holds, the export job,
 * the scheduled retention and the access audit. Jobs are registered before the runner starts.
 */
export interface Privacy {
  routes: Array<[string, Router]>;
  start(): void;
  stop(): Promise<void>;
}

export function setupPrivacy(ctx: PrivacyContext): Privacy {
  registerExportJobs(ctx);
  const retention = retentionSchedule(ctx);
  return {
    routes: [
      ['/api', erasureRoutes(ctx)],
      ['/api', exportRoutes(ctx)],
      ['/api', retentionRoutes(ctx)],
      ['/api', auditRoutes(ctx)],
    ],
    start() { retention.start(); },
    async stop() { retention.stop(); },
  };
}
