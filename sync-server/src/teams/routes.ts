import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { TeamService } from './service.js';

const MOUNT = '/api/admin/teams';

/**
 * `/api/admin/teams` (R-RT-01/02): admins create, edit and archive teams; supervisors list and edit
 * their own teams' settings and members (403 for other roles, 404 for a team they do not hold).
 */
export function teamAdminRoutes(teams: TeamService, auth: AuthService): Router {
  const router = Router();
  const overseers = [requireUser(auth, ['admin', 'supervisor'])];
  const admins = [requireUser(auth, ['admin'])];
  implement(router, MOUNT, API.adminListTeams, async ({ req }) => ({ teams: await teams.list(principalOf(req).user) }), overseers);
  implement(router, MOUNT, API.adminCreateTeam, async ({ body }) => created({ id: (await teams.create(body)).id }), admins);
  implement(router, MOUNT, API.adminUpdateTeam, async ({ req, params, body }) => teams.update(principalOf(req).user, params.id, body), overseers);
  implement(router, MOUNT, API.adminArchiveTeam, ({ params }) => teams.archive(params.id), admins);
  return router;
}
