import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement } from '../http/contract.js';
import type { DocStore } from '../store/index.js';
import { searchMessages } from './messages.js';

const MOUNT = '/api/search';

/** Server-side search beyond the replica (R-WS-13). */
export function searchRoutes(store: DocStore, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth));
  implement(router, MOUNT, API.searchMessages, async ({ query, req }) => ({
    hits: await searchMessages(store, principalOf(req).user, query.q),
  }));
  return router;
}
