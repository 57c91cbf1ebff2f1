import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement } from '../http/contract.js';
import type { DocStore } from '../store/index.js';
import { myRating } from './myRating.js';

/** `GET /api/me/rating` — any signed-in user, about themselves. Mount: `['/api/me', myRatingRoutes(store, auth)]`. */
export function myRatingRoutes(store: DocStore, auth: AuthService): Router {
  const router = Router();
  implement(router, '/api/me', API.myRating, ({ req }) => myRating(store, principalOf(req).user.id), [requireUser(auth)]);
  return router;
}
