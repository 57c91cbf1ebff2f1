import { Router, type Request } from 'express';
import { API } from '@atende/protocol';
import { clientAddress, principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { AdminAct, UsersAdmin } from './service.js';

const MOUNT = '/api/admin/users';

/** `/api/admin/users` (R-AUTH-01, R-AUTH-03): admins only; every refusal is a 4xx with a sentence. */
export function usersAdminRoutes(users: UsersAdmin, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  // Who changed a user and from where, for the access audit (issue 19: "ver dados pessoais").
  const actOf = (req: Request): AdminAct => {
    const { user } = principalOf(req);
    return { actor: { id: user.id, name: user.name }, origin: { ip: clientAddress(req), userAgent: req.get('user-agent') ?? '' } };
  };
  implement(router, MOUNT, API.adminListUsers, async () => ({ users: await users.list() }));
  implement(router, MOUNT, API.adminCreateUser, async ({ body, req }) => {
    const { user, invitationSent } = await users.create(body, undefined, actOf(req));
    return created({ ...(await users.view(user)), invitationSent });
  });
  implement(router, MOUNT, API.adminUpdateUser, async ({ params, body, req }) => users.view(await users.update(params.id, body, actOf(req))));
  implement(router, MOUNT, API.adminUnlockUser, ({ params }) => users.unlock(params.id));
  implement(router, MOUNT, API.adminResetUserPassword, ({ params }) => users.sendReset(params.id));
  return router;
}
