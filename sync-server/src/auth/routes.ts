import { Router } from 'express';
import { Id, LoginBody, LogoutBody, RefreshBody } from '@atende/protocol';
import { DomainError, parse } from '../http/errors.js';
import type { RateLimiter } from '../http/rateLimit.js';
import { principalOf, requireUser } from './middleware.js';
import type { AuthService } from './service.js';

export function authRoutes(auth: AuthService, limiter: RateLimiter): Router {
  const router = Router();
  router.post('/login', limiter.middleware('login'), async (req, res) => {
    res.json(await auth.login(parse(LoginBody, req.body)));
  });
  router.post('/refresh', limiter.middleware('refresh'), async (req, res) => {
    res.json(await auth.refresh(parse(RefreshBody, req.body).refreshToken));
  });
  router.post('/logout', requireUser(auth), async (req, res) => {
    parse(LogoutBody, req.body ?? {});
    await auth.logout(principalOf(req));
    res.status(204).end();
  });
  router.get('/me', requireUser(auth), (req, res) => {
    res.json({ user: principalOf(req).user });
  });
  router.post('/unlock/:userId', requireUser(auth, ['admin']), async (req, res) => {
    const userId = parse(Id, req.params.userId, 'user id');
    if (!(await auth.unlock(userId))) throw new DomainError('not_found', 'not_found', 'user not found');
    res.status(204).end();
  });
  return router;
}
