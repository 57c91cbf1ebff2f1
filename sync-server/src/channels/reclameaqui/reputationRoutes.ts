import { Router } from 'express';
import { API, DomainError, Id } from '@atende/protocol';
import { principalOf, requireUser } from '../../auth/middleware.js';
import type { AuthService } from '../../auth/service.js';
import { implement } from '../../http/contract.js';
import type { ReclameAquiReputation } from './reputation.js';

const MOUNT = '/api/reclameaqui';

/**
 * The reputation panel (R-CH-08): the cached figures of the accounts the caller's teams serve
 * (admins: all; none: an empty list), and "Atualizar" for supervisors and admins of the account's
 * team, at most once per `RA_REPUTATION_REFRESH.minMinutes` (429 otherwise).
 */
export function reputationRoutes(reputation: ReclameAquiReputation, auth: AuthService): Router {
  const router = Router();
  const user = [requireUser(auth)];
  implement(router, MOUNT, API.raReputation, async ({ req }) => ({ accounts: await reputation.forUser(principalOf(req).user) }), user);
  implement(router, MOUNT, API.raRefreshReputation, async ({ params, req }) => {
    const accountId = Id.safeParse(params.accountId);
    if (!accountId.success) throw new DomainError('invalid', 'invalid_account_id', 'accountId must be a channel account id (channel:<key>).');
    return { accounts: await reputation.refreshFor(principalOf(req).user, accountId.data) };
  }, user);
  return router;
}
