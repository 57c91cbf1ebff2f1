import { Subject } from 'rxjs';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { CollectionName, SyncCheckpoint } from '@atende/protocol';
import { api } from '../net/api';
import { REPLICATED, type AtendeDatabase } from './database';

const PUSHABLE = new Set<CollectionName>(['contacts', 'predefined']);
const BATCH = 200;

interface PullPage {
  documents: Array<Record<string, unknown> & { _deleted: boolean }>;
  checkpoint: SyncCheckpoint;
}

export interface Replication {
  /** Pull again from the checkpoints of these collections (a `sync.changed` frame). */
  resync(collections: readonly CollectionName[]): void;
  resyncAll(): void;
  /** Resolves when every collection has caught up with the server once. */
  awaitInitial(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One `replicateRxCollection` per collection against the sync server (ARCHITECTURE §4). Only the
 * leader window replicates (`waitForLeadership`); every window reads the shared IndexedDB.
 * The pull stream is woken by socket frames and RESYNCed after every reconnect.
 */
export function startReplication(db: AtendeDatabase): Replication {
  const streams = new Map<CollectionName, Subject<'RESYNC'>>();
  const states: Array<RxReplicationState<unknown, SyncCheckpoint>> = [];
  for (const name of REPLICATED) {
    const stream$ = new Subject<'RESYNC'>();
    streams.set(name, stream$);
    const state = replicateRxCollection<Record<string, unknown>, SyncCheckpoint>({
      collection: db.collections[name] as never,
      replicationIdentifier: `atende-sync-${name}-v1`,
      live: true,
      retryTime: 5_000,
      waitForLeadership: true,
      autoStart: true,
      pull: {
        batchSize: BATCH,
        stream$: stream$.asObservable(),
        handler: async (checkpoint, batchSize) => {
          const query = new URLSearchParams({ limit: String(batchSize) });
          if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
          const page = await api<PullPage>('GET', `/api/sync/${name}/pull?${query}`);
          return { documents: page.documents, checkpoint: page.checkpoint };
        },
      },
      ...(PUSHABLE.has(name)
        ? {
            push: {
              batchSize: 50,
              handler: (rows) => api<Array<Record<string, unknown>>>('POST', `/api/sync/${name}/push`, rows) as never,
            },
          }
        : {}),
    });
    // Failed pulls are retried by RxDB after `retryTime`; offline is shown by the connection state.
    state.error$.subscribe(() => undefined);
    states.push(state as RxReplicationState<unknown, SyncCheckpoint>);
  }
  const resync = (names: readonly CollectionName[]) => {
    for (const name of names) streams.get(name)?.next('RESYNC');
  };
  return {
    resync,
    resyncAll: () => resync(REPLICATED),
    awaitInitial: async () => {
      await Promise.all(states.map((s) => s.awaitInitialReplication()));
    },
    stop: async () => {
      await Promise.all(states.map((s) => s.cancel()));
      for (const stream of streams.values()) stream.complete();
    },
  };
}
