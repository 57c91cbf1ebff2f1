import { Router } from 'express';
import { isCollectionName, PullQuery, PushBody, type CollectionName } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { DomainError, parse } from '../http/errors.js';
import type { DocStore } from '../store/index.js';
import { parseCheckpoint, pullCollection } from './pull.js';
import { pushCollection } from './push.js';
import { viewerOf } from '../access/scope.js';

function collectionParam(value: string | undefined): CollectionName {
  if (!value || !isCollectionName(value)) throw new DomainError('not_found', 'unknown_collection', `No collection ${value}`);
  return value;
}

/** Replication endpoints for RxDB's `replicateRxCollection` (ARCHITECTURE §4). */
export function syncRoutes(store: DocStore, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth));
  router.get('/:collection/pull', async (req, res) => {
    const collection = collectionParam(req.params.collection);
    const query = parse(PullQuery, req.query, 'query');
    const viewer = viewerOf(principalOf(req).user);
    res.json(await pullCollection(store, viewer, collection, parseCheckpoint(query.checkpoint), query.limit));
  });
  router.post('/:collection/push', async (req, res) => {
    const collection = collectionParam(req.params.collection);
    const rows = parse(PushBody, req.body);
    const viewer = viewerOf(principalOf(req).user);
    res.json(await pushCollection(store, viewer, collection, rows));
  });
  return router;
}
