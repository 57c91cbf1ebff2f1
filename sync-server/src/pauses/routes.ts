import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { PauseService } from './service.js';
import { viewOf, type PauseTypes } from './types.js';

const ADMIN_MOUNT = '/api/admin/pause-types';

/** `/api/admin/pause-types` (R-WS-09): admins define the pause types; every refusal is a 4xx with a sentence. */
export function pauseTypeAdminRoutes(types: PauseTypes, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  implement(router, ADMIN_MOUNT, API.adminPauseTypes, async () => ({ pauseTypes: (await types.list()).map(viewOf) }));
  implement(router, ADMIN_MOUNT, API.createPauseType, async ({ body }) => created(viewOf(await types.create(body))));
  implement(router, ADMIN_MOUNT, API.updatePauseType, async ({ params, body }) => viewOf(await types.update(params.id, body)));
  implement(router, ADMIN_MOUNT, API.removePauseType, ({ params }) => types.remove(params.id));
  return router;
}

/** The agent's side, mounted at `/api`: the types offered now, and starting or ending their own pause. */
export function pauseRoutes(pauses: PauseService, auth: AuthService): Router {
  const router = Router();
  const user = [requireUser(auth)];
  implement(router, '/api', API.pauseTypes, async () => ({ pauseTypes: await pauses.offered() }), user);
  implement(router, '/api', API.startPause, async ({ req, body }) => ({ user: await pauses.start(principalOf(req).user, body) }), user);
  implement(router, '/api', API.endPause, async ({ req }) => ({ user: await pauses.end(principalOf(req).user.id) }), user);
  return router;
}
