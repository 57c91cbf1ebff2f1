import { Router } from 'express';
import { API, Id } from '@atende/protocol';
import { conversationShownTo } from '../access/masking.js';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { parse } from '../http/errors.js';
import { implement } from '../http/contract.js';
import type { FlowService } from './service.js';

const ADMIN_MOUNT = '/api/admin/flows';
const CONVERSATIONS_MOUNT = '/api/conversations';

const teamParam = (value: string) => parse(Id, value, 'team id');

/** `/api/admin/flows` (R-RT-04): admins, and supervisors for their own teams; agents get 403. */
export function flowAdminRoutes(flows: FlowService, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin', 'supervisor']));
  implement(router, ADMIN_MOUNT, API.adminFlows, async ({ req }) => ({ flows: await flows.list(principalOf(req).user) }));
  implement(router, ADMIN_MOUNT, API.adminFlow, ({ params, req }) => flows.get(principalOf(req).user, teamParam(params.teamId)));
  implement(router, ADMIN_MOUNT, API.adminSaveFlow, ({ params, body, req }) => flows.save(principalOf(req).user, teamParam(params.teamId), body));
  implement(router, ADMIN_MOUNT, API.adminTestFlow, ({ params, body, req }) => flows.test(principalOf(req).user, teamParam(params.teamId), body));
  return router;
}

/** `POST /api/conversations/:id/release`: a supervisor or admin frees a contact stuck in a bot (R-RT-04). */
export function releaseRoutes(flows: FlowService, auth: AuthService): Router {
  const router = Router();
  implement(router, CONVERSATIONS_MOUNT, API.releaseFromBot, async ({ params, body, req }) => {
    const { user } = principalOf(req);
    // The preview as this user may read it (issue 19: masked without "ver dados pessoais").
    return conversationShownTo(user, await flows.release(user, parse(Id, params.id, 'conversation id'), body));
  }, [requireUser(auth)]);
  return router;
}
