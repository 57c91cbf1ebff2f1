import { Router } from 'express';
import { API, parse } from '@atende/protocol';
import { implement, jsonBody, relativePath } from '../http/contract.js';
import type { RateLimiter } from '../http/rateLimit.js';
import type { PasswordLinks } from './passwordLinks.js';

const MOUNT = '/api/auth';

/**
 * The public side of password links (R-AUTH-02): "Esqueceu a senha?", a link's state for its
 * page, and setting the password. Limited per client address like the login (one bucket: both are
 * ways to guess at accounts).
 */
export function passwordLinkRoutes(links: PasswordLinks, limiter: RateLimiter, log: (message: string) => void): Router {
  const router = Router();
  const limit = limiter.middleware('login');
  // 202 whatever the address: the work goes on after the answer, so neither the answer nor its
  // timing tells whether the e-mail is registered.
  router.post(relativePath(API.forgotPassword.path, MOUNT), limit, (req, res) => {
    const { email } = parse(API.forgotPassword.body, jsonBody(req));
    void links.forgot(email).catch((e: unknown) => log(`password reset link failed: ${String(e)}`));
    res.status(202).end();
  });
  implement(router, MOUNT, API.passwordLinkStatus, ({ query }) => links.status(query.token), [limit]);
  implement(router, MOUNT, API.setPasswordWithLink, ({ body }) => links.use(body), [limit]);
  return router;
}
