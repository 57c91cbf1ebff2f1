import { Router } from 'express';
import { Id, parse, SUPERVISION_API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement } from '../http/contract.js';
import type { AgentSupervision } from './service.js';

const MOUNT = '/api/supervision';

const userParam = (value: string) => parse(Id, value, 'user id');

/** `/api/supervision` (R-SV-04): supervisors and admins; an agent is told no (403) before anything is read. */
export function supervisionRoutes(supervision: AgentSupervision, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['supervisor', 'admin']));
  implement(router, MOUNT, SUPERVISION_API.endAgentPause, ({ params, req }) =>
    supervision.endPause(principalOf(req).user, userParam(params.userId)));
  implement(router, MOUNT, SUPERVISION_API.signOutAgent, async ({ params, req }) =>
    ({ revokedSessions: await supervision.signOut(principalOf(req).user, userParam(params.userId)) }));
  return router;
}
