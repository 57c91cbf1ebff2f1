import {
  API, viewerOf, type CollectionName, type ReplicaInfo, type SyncCheckpoint, type SyncStatus, type UserDoc,
} from '@atende/protocol';
import { call } from '../net/client';
import { REPLICATED, type AtendeDatabase } from './database';
import { forgetUnmaskedText } from './maskedReplica';
import { purgeExpired, purgeInvisible, wipeReplicated } from './purge';
import {
  forgetReplications, legacyIdentifier, replicationIdentifier, startReplicaSync, type PushRows, type ReplicaSync,
  type SyncDocsFrame,
} from './replication';
import type { FetchPage } from './fill';

/** "Sincronizando 12.340 de 55.500…": documents pulled in this sync out of those the server counted. */
export interface SyncProgress {
  done: number;
  total: number;
}

export interface ReplicaController {
  /** Every welcome: who the user is now and which replica they may hold; an unchanged replica RESYNCs. */
  welcome(user: UserDoc, replica: ReplicaInfo | undefined): void;
  /** The user's teams or role changed while connected (`session.user`). */
  sessionUser(user: UserDoc, replica: ReplicaInfo): void;
  docs(frame: SyncDocsFrame): void;
  /** A `sync.changed` hint: pull these collections from their checkpoints. */
  changed(collections: readonly CollectionName[]): void;
  onProgress(listener: (progress: SyncProgress | undefined) => void): () => void;
  /** Resolves when a replica has caught up with the server once, messages' history included. */
  awaitInitial(): Promise<void>;
  /** Resolves when everything but the messages' history has (the app is usable; R-NET-05). */
  awaitUsable(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReplicaControllerOptions {
  /** For tests; the app asks `GET /api/sync/status`. */
  fetchStatus?: (checkpoints?: Partial<Record<CollectionName, SyncCheckpoint | null>>) => Promise<SyncStatus>;
  fetchPage?: FetchPage;
  pushRows?: PushRows;
  /** How often finished conversations past the replica window are purged. */
  purgeEveryMs?: number;
}

/** The replica this database holds (store + scope it was filled under), kept beside the data. */
const APPLIED = 'replica';

function fetchStatusOverHttp(checkpoints?: Partial<Record<CollectionName, SyncCheckpoint | null>>): Promise<SyncStatus> {
  return call(API.syncStatus, { query: checkpoints ? { checkpoints: JSON.stringify(checkpoints) } : {} });
}

const sameReplica = (a: Pick<ReplicaInfo, 'store' | 'scope'>, b: Pick<ReplicaInfo, 'store' | 'scope'>) =>
  a.store === b.store && a.scope === b.scope;

/**
 * The lifetime of the local replica against the server's (issue 8 design D): replication starts
 * once the server said which replica the user may hold; another store wipes it, other rights
 * purge what is no longer visible, and either restarts replication under a new identifier.
 * Only the leader window writes; the others read the same IndexedDB.
 */
export function createReplicaController(db: AtendeDatabase, options: ReplicaControllerOptions = {}): ReplicaController {
  const fetchStatus = options.fetchStatus ?? fetchStatusOverHttp;
  let target: { user: UserDoc; replica: ReplicaInfo | undefined } | undefined;
  let resyncWanted = false;
  let current: ReplicaSync | undefined;
  let leader = false;
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();
  const progressListeners = new Set<(progress: SyncProgress | undefined) => void>();
  let caughtUp: () => void = () => undefined;
  const initial = new Promise<void>((resolve) => (caughtUp = resolve));
  let becameUsable: () => void = () => undefined;
  const usable = new Promise<void>((resolve) => (becameUsable = resolve));

  /** Transitions never overlap: each runs after the previous one finished. */
  function serially(task: () => Promise<void>): void {
    queue = queue.then(task).catch((error: unknown) => console.warn('replica:', error));
  }

  const emitProgress = (progress: SyncProgress | undefined) => {
    for (const listener of progressListeners) listener(progress);
  };

  async function readApplied(): Promise<Pick<ReplicaInfo, 'store' | 'scope'> | undefined> {
    const doc = await db.getLocal<{ store: string; scope: string }>(APPLIED);
    return doc ? { store: doc.get('store') as string, scope: doc.get('scope') as string } : undefined;
  }

  async function apply(): Promise<void> {
    if (!leader || stopped || !target) return;
    const { user } = target;
    // An older server says nothing in its welcome: ask it directly.
    const replica: ReplicaInfo = target.replica ?? (await fetchStatus().then(({ store, scope, replicaDays }) => ({ store, scope, replicaDays })));
    target.replica = replica;
    if (current && sameReplica(current.replica, replica)) {
      if (resyncWanted) current.resync();
      resyncWanted = false;
      return;
    }
    resyncWanted = false;
    const previous = current;
    current = undefined;
    await previous?.stop();
    const applied = await readApplied();
    if (applied && applied.store !== replica.store) await wipeReplicated(db);
    // Also on first start: a replica filled before issue 8 was not scoped.
    else if (!applied || applied.scope !== replica.scope) await purgeInvisible(db, viewerOf(user));
    // Issue 19 (R-PRIV-04): a replica turning masked forgets text it received as written, older ones included.
    if (!applied || !sameReplica(applied, replica)) await forgetUnmaskedText(db, user);
    // A profile the app filled before issue 8 (a fresh one has no users yet: nothing to forget).
    if (!applied) {
      if ((await db.users.count().exec()) > 0) await forgetReplications(db, legacyIdentifier);
    } else if (!sameReplica(applied, replica)) {
      await forgetReplications(db, (name) => replicationIdentifier(name, applied));
    }
    await db.upsertLocal(APPLIED, { store: replica.store, scope: replica.scope });
    if (stopped) return;
    start(replica);
  }

  function start(replica: ReplicaInfo): void {
    if (stopped) return;
    let sync: ReplicaSync | undefined = undefined;
    /** What the server counted from where each collection started; 0 until it answered. */
    let total = 0;
    let syncing = true;
    const onPulled = (count: number) => {
      if (total === 0 || !syncing || current !== sync) return;
      // Documents the catch-up re-reads count twice; the bar stops at its end.
      emitProgress({ done: Math.min(count, total), total });
    };
    sync = startReplicaSync(db, replica, {
      fetchPage: options.fetchPage,
      pushRows: options.pushRows,
      onPulled,
      onReset: () => serially(() => reset(sync as ReplicaSync)),
    });
    current = sync;
    const started = sync;
    // The progress bar: what the server has for us from where each collection started (so the
    // pages pulled since then count as done).
    void started.startCheckpoints().then(async (checkpoints) => {
      const status = await fetchStatus(checkpoints);
      if (current !== started || !syncing) return;
      total = Object.values(status.remaining).reduce((sum, n) => sum + (n ?? 0), 0);
      if (total > 0) emitProgress({ done: Math.min(started.pulled(), total), total });
    }).catch(() => undefined);
    // Usable once everything but the messages' history is here; the bar stays until they are too.
    void started.awaitUsable().then(() => {
      if (current === started) becameUsable();
    }, () => undefined);
    void started.awaitInitial().then(() => {
      if (current !== started) return;
      syncing = false;
      emitProgress(undefined);
      becameUsable();
      caughtUp();
      serially(async () => {
        if (current === started) await purgeExpired(db, replica.replicaDays);
      });
    }, () => undefined);
  }

  /** 409 replica_reset: the checkpoints point into another store; start clean from that store. */
  async function reset(sync: ReplicaSync): Promise<void> {
    if (current !== sync) return;
    current = undefined;
    await sync.remove();
    await wipeReplicated(db);
    await (await db.getLocal(APPLIED))?.remove();
    if (target) target.replica = undefined;
    await apply();
  }

  void db.waitForLeadership().then(() => {
    leader = true;
    serially(apply);
  });
  const timer = setInterval(() => {
    serially(async () => {
      if (current) await purgeExpired(db, current.replica.replicaDays);
    });
  }, options.purgeEveryMs ?? 10 * 60_000);

  return {
    welcome: (user, replica) => {
      target = { user, replica };
      resyncWanted = true;
      serially(apply);
    },
    sessionUser: (user, replica) => {
      target = { user, replica };
      serially(apply);
    },
    docs: (frame) => current?.docs(frame),
    changed: (collections) => current?.resync(collections.filter((c) => REPLICATED.includes(c))),
    onProgress: (listener) => {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    awaitInitial: () => initial,
    awaitUsable: () => usable,
    stop: async () => {
      // Not waiting for a transition in flight (it may wait on the network): it checks `stopped`.
      stopped = true;
      clearInterval(timer);
      const running = current;
      current = undefined;
      await running?.stop();
    },
  };
}
