import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement } from '../http/contract.js';
import type { TeamHours } from './teamHours.js';

const MOUNT = '/api/admin';

/**
 * The "Horários" screen's routes (R-RT-03): admins any team, supervisors their own teams (another
 * team answers 404); agents are refused. Mounted at `/api/admin`, next to the teams' routes.
 */
export function teamHoursRoutes(hours: TeamHours, auth: AuthService): Router {
  const router = Router();
  const managers = [requireUser(auth, ['admin', 'supervisor'])];
  implement(router, MOUNT, API.adminListTeamHours, async ({ req }) => ({ teams: await hours.list(principalOf(req).user) }), managers);
  implement(router, MOUNT, API.adminTeamHours, ({ req, params }) => hours.get(principalOf(req).user, params.id), managers);
  implement(router, MOUNT, API.adminSetTeamHours, ({ req, params, body }) => hours.set(principalOf(req).user, params.id, body), managers);
  return router;
}
