import { Router } from 'express';
import { API, isCollectionName, REPLICA_DAYS_DEFAULT, type CollectionName } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement } from '../http/contract.js';
import { DomainError } from '../http/errors.js';
import type { DocStore } from '../store/index.js';
import { parseCheckpoint, pullCollection, type PullCost } from './pull.js';
import { pushCollection } from './push.js';
import { parseCheckpoints, syncStatus } from './status.js';
import { StoreIdentity, viewerOf } from '../access/scope.js';

const MOUNT = '/api/sync';

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
  implement(router, MOUNT, API.syncStatus, async ({ query, req }) => {
    const viewer = viewerOf(principalOf(req).user);
    return syncStatus(store, viewer, parseCheckpoints(query.checkpoints), { identity: await identity.get(), replicaDays });
  });
  implement(router, MOUNT, API.pull, async ({ params, query, req }) => {
    const collection = collectionParam(params.collection);
    const viewer = viewerOf(principalOf(req).user);
    const onCost = options.onPullCost && ((cost: PullCost) => options.onPullCost?.(collection, cost));
    return pullCollection(store, viewer, collection, parseCheckpoint(query.checkpoint), query.limit, {
      identity: await identity.get(), replicaDays, ...(onCost ? { onCost } : {}),
    });
  });
  implement(router, MOUNT, API.push, async ({ params, body, req }) => {
    const collection = collectionParam(params.collection);
    return pushCollection(store, viewerOf(principalOf(req).user), collection, body);
  });
  return router;
}
