import {
  COLLECTION_NAMES, COLLECTIONS, DomainError, SyncStatusCheckpoints, type SyncCheckpoint, type SyncStatus,
} from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { replicaOf, syncKeys, type Viewer, windowStart } from '../access/scope.js';
import { inOpenPhase } from './pull.js';

export function parseCheckpoints(raw: string | undefined): SyncStatusCheckpoints {
  if (raw === undefined || raw === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new DomainError('invalid', 'invalid_checkpoint', 'checkpoints must be JSON: {collection: checkpoint}');
  }
  const parsed = SyncStatusCheckpoints.safeParse(value);
  if (!parsed.success) throw new DomainError('invalid', 'invalid_checkpoint', 'checkpoints are not ones this server issued');
  return parsed.data;
}

/**
 * How much each collection still has to pull from the replica's checkpoints, for the progress
 * bar of a first sync ("Sincronizando 12.340 de 55.500…"). Counts index rows of the viewer's
 * ranges, so it is an estimate (a document under two keys counts twice; tombstones count) that
 * costs a count per range, never a read of the documents.
 */
export async function syncStatus(
  store: Pick<DocStore, 'countRange'>,
  viewer: Viewer,
  checkpoints: SyncStatusCheckpoints,
  options: { identity: string; replicaDays: number; now?: number },
): Promise<SyncStatus> {
  const replica = replicaOf(viewer, options.identity, options.replicaDays);
  const now = options.now ?? Date.now();
  const usable = (cp: SyncCheckpoint | null | undefined) =>
    cp && cp.store === replica.store && cp.scope === replica.scope && !inOpenPhase(cp) ? cp : undefined;
  const counts = await Promise.all(
    COLLECTION_NAMES.map(async (collection) => {
      const type = COLLECTIONS[collection];
      const from = usable(checkpoints[collection]);
      const after = from ? { t: from.t, id: from.id } : { t: windowStart(type, replica.replicaDays, now), id: '' };
      const perKey = await Promise.all(syncKeys(viewer, type).map((key) => store.countRange({ type, key, after })));
      return [collection, perKey.reduce((a, b) => a + b, 0)] as const;
    }),
  );
  return { ...replica, remaining: Object.fromEntries(counts) };
}
