import { Router } from 'express';
import { API } from '@atende/protocol';
import { clientAddress, principalOf, requireUser } from '../auth/middleware.js';
import { implement } from '../http/contract.js';
import type { PrivacyContext } from './context.js';
import { erasureRemoval, runRetention, type RemoveRecords } from './retention.js';
import { listRuns } from './retentionRuns.js';

/**
 * Retention for admins (R-PRIV-01): run it now (answers the run when it is done; 409 while another
 * run is in progress) and list the newest runs. Mounted at /api.
 */
export function retentionRoutes(ctx: PrivacyContext, remove: RemoveRecords = erasureRemoval): Router {
  const router = Router();
  const admins = [requireUser(ctx.auth, ['admin'])];
  implement(router, '/api', API.privacyRunRetention, ({ req }) => {
    const { user } = principalOf(req);
    return runRetention(ctx, remove, {
      trigger: 'admin', actor: { id: user.id, name: user.name }, origin: { ip: clientAddress(req), userAgent: req.get('user-agent') ?? '' },
    });
  }, admins);
  implement(router, '/api', API.privacyRetentionRuns, async () => ({ runs: await listRuns(ctx.store) }), admins);
  return router;
}
