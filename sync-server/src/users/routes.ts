import { Router } from 'express';
import { API } from '@atende/protocol';
import { requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { UsersAdmin } from './service.js';

const MOUNT = '/api/admin/users';

/** `/api/admin/users` (R-AUTH-01, R-AUTH-03): admins only; every refusal is a 4xx with a sentence. */
export function usersAdminRoutes(users: UsersAdmin, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  implement(router, MOUNT, API.adminListUsers, async () => ({ users: await users.list() }));
  implement(router, MOUNT, API.adminCreateUser, async ({ body }) => {
    const { user, invitationSent } = await users.create(body);
    return created({ ...(await users.view(user)), invitationSent });
  });
  implement(router, MOUNT, API.adminUpdateUser, async ({ params, body }) => users.view(await users.update(params.id, body)));
  implement(router, MOUNT, API.adminUnlockUser, ({ params }) => users.unlock(params.id));
  implement(router, MOUNT, API.adminResetUserPassword, ({ params }) => users.sendReset(params.id));
  return router;
}
