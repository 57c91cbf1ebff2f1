import { Router } from 'express';
import { API, Id } from '@atende/protocol';
import { DomainError, parse } from '../http/errors.js';
import { implement } from '../http/contract.js';
import type { RateLimiter } from '../http/rateLimit.js';
import { clientAddress, principalOf, requireUser } from './middleware.js';
import type { AuthService } from './service.js';

const MOUNT = '/api/auth';

export function authRoutes(auth: AuthService, limiter: RateLimiter): Router {
  const router = Router();
  implement(router, MOUNT, API.login, ({ req, body }) => auth.login(body, clientAddress(req)), [limiter.middleware('login')]);
  implement(router, MOUNT, API.refresh, ({ req, body }) => auth.refresh(body.refreshToken, clientAddress(req)), [limiter.middleware('refresh')]);
  implement(router, MOUNT, API.logout, async ({ req }) => auth.logout(principalOf(req)), [requireUser(auth)]);
  implement(router, MOUNT, API.me, ({ req }) => ({ user: principalOf(req).user }), [requireUser(auth)]);
  implement(router, MOUNT, API.unlockUser, async ({ params }) => {
    const userId = parse(Id, params.userId, 'user id');
    if (!(await auth.unlock(userId))) throw new DomainError('not_found', 'not_found', 'user not found');
  }, [requireUser(auth, ['admin'])]);
  return router;
}
