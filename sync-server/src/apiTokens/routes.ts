import { Router } from 'express';
import { API, Id } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import { parse } from '../http/errors.js';
import { viewOf, type ApiTokens } from './tokens.js';

const MOUNT = '/api/admin/tokens';

/** `/api/admin/tokens` (R-RT-05): admins list, create (the secret answered once) and revoke API tokens. */
export function apiTokenAdminRoutes(tokens: ApiTokens, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  implement(router, MOUNT, API.adminListTokens, async () => ({ tokens: (await tokens.list()).map(viewOf) }));
  implement(router, MOUNT, API.adminCreateToken, async ({ body, req }) => created(await tokens.create(principalOf(req).user, body)));
  implement(router, MOUNT, API.adminRevokeToken, ({ params }) => tokens.revoke(parse(Id, params.id, 'token id')));
  return router;
}
