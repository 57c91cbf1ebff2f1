import type { Router } from 'express';
import type { PrivacyContext } from './context.js';
import { auditRoutes } from './auditRoutes.js';
import { erasureRoutes } from './erasureRoutes.js';
import { registerExportJobs } from './exportJob.js';
import { erasureSweep } from './ledger.js';
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
  // The erasure ledger's start-up sweep (ledger.ts): erased ids found in a store put back by other means are purged again.
  const sweep = erasureSweep(ctx);
  return {
    routes: [
      ['/api', erasureRoutes(ctx)],
      ['/api', exportRoutes(ctx)],
      ['/api', retentionRoutes(ctx)],
      ['/api', auditRoutes(ctx)],
    ],
    start() { retention.start(); sweep.start(); },
    async stop() { retention.stop(); await sweep.stop(); },
  };
}
