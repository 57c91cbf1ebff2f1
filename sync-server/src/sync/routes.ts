import { Router } from 'express';
import {
  isCollectionName, PullQuery, PushBody, REPLICA_DAYS_DEFAULT, SyncStatusQuery, type CollectionName,
} from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { DomainError, parse } from '../http/errors.js';
import type { DocStore } from '../store/index.js';
import { parseCheckpoint, pullCollection, type PullCost } from './pull.js';
import { pushCollection } from './push.js';
import { parseCheckpoints, syncStatus } from './status.js';
import { StoreIdentity, viewerOf } from '../access/scope.js';

function collectionParam(value: string | undefined): CollectionName {
  if (!value || !isCollectionName(value)) throw new DomainError('not_found', 'unknown_collection', `No collection ${value}`);
  return value;
}

export interface SyncRoutesOptions {
  /** Finished conversations older than this stay out of replicas (config `ATENDE_REPLICA_DAYS`). */
  replicaDays?: number;
  /** Shared with the hub so pulls and streamed frames carry the same store identity. */
  identity?: StoreIdentity;
  /** Told what each pull cost (tests, measurements). */
  onPullCost?: (collection: CollectionName, cost: PullCost) => void;
}

/** Replication endpoints for RxDB's `replicateRxCollection` (ARCHITECTURE §4). */
export function syncRoutes(store: DocStore, auth: AuthService, options: SyncRoutesOptions = {}): Router {
  const replicaDays = options.replicaDays ?? REPLICA_DAYS_DEFAULT;
  const identity = options.identity ?? new StoreIdentity(store);
  const router = Router();
  router.use(requireUser(auth));
  router.get('/status', async (req, res) => {
    const query = parse(SyncStatusQuery, req.query, 'query');
    const viewer = viewerOf(principalOf(req).user);
    res.json(await syncStatus(store, viewer, parseCheckpoints(query.checkpoints), { identity: await identity.get(), replicaDays }));
  });
  router.get('/:collection/pull', async (req, res) => {
    const collection = collectionParam(req.params.collection);
    const query = parse(PullQuery, req.query, 'query');
    const viewer = viewerOf(principalOf(req).user);
    const onCost = options.onPullCost && ((cost: PullCost) => options.onPullCost?.(collection, cost));
    res.json(await pullCollection(store, viewer, collection, parseCheckpoint(query.checkpoint), query.limit, {
      identity: await identity.get(), replicaDays, ...(onCost ? { onCost } : {}),
    }));
  });
  router.post('/:collection/push', async (req, res) => {
    const collection = collectionParam(req.params.collection);
    const rows = parse(PushBody, req.body);
    const viewer = viewerOf(principalOf(req).user);
    res.json(await pushCollection(store, viewer, collection, rows));
  });
  return router;
}
