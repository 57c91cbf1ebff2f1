import { Subject } from 'rxjs';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { API, isPushedCollection, type CollectionName, type PullResponse, type PushResponse, type PushRow, type ReplicaInfo, type ServerFrame, type SyncCheckpoint } from '@atende/protocol';
import { ApiError } from '../net/api';
import { call } from '../net/client';
import { REPLICATED, replicatedCollection, type AtendeDatabase } from './database';
import { fillEmpty, type FetchPage } from './fill';

export type SyncDocsFrame = Extract<ServerFrame, { type: 'sync.docs' }>;
type Doc = Record<string, unknown>;
type Page = { documents: Array<Doc & { _deleted: boolean }>; checkpoint: SyncCheckpoint };
type State = RxReplicationState<Doc, SyncCheckpoint>;

/** Collections the waiting list needs; messages wait until conversations have caught up once. */
const AFTER_CONVERSATIONS = new Set<CollectionName>(['messages']);
/**
 * RxDB's page size: it keeps pulling while a page has at least this many documents. The first
 * page of a pull is this small, so the waiting list shows quickly; the handler asks for
 * LARGE_PAGE when going on from a full page (issue 8 point 6: fewer round trips).
 */
export const FIRST_PAGE = 100;
export const LARGE_PAGE = 1_000;

/** The replication of one replica: identified by the store and the scope it was taken under. */
export interface ReplicaSync {
  readonly replica: ReplicaInfo;
  /** Live documents from the socket; frames of another store or scope are not ours and are dropped. */
  docs(frame: SyncDocsFrame): void;
  /** Pull from the checkpoints (after a reconnect, or on a `sync.changed` hint). */
  resync(collections?: readonly CollectionName[]): void;
  /** Where each collection stands, known once every collection has started its first pull. */
  startCheckpoints(): Promise<Partial<Record<CollectionName, SyncCheckpoint | null>>>;
  /** Documents pulled so far (not streamed), for the progress bar. */
  pulled(): number;
  /**
   * Every collection but the messages' history has caught up once: the waiting list, contacts and
   * every conversation are here; messages go on filling behind it (issue 8 point 6) and a
   * conversation opened meanwhile fetches its own at once.
   */
  awaitUsable(): Promise<void>;
  awaitInitial(): Promise<void>;
  stop(): Promise<void>;
  /** Stops and forgets the checkpoints: this identifier will not be used again. */
  remove(): Promise<void>;
}

export interface ReplicaSyncOptions {
  /** A pull answered 409 `replica_reset`: the store was reset or replaced (called once). */
  onReset: () => void;
  /** After each pulled page, with the number of documents pulled so far. */
  onPulled?: (count: number) => void;
  /** For tests; the app replicates with its own API client. */
  fetchPage?: FetchPage;
  pushRows?: PushRows;
}

export function replicationIdentifier(collection: CollectionName, replica: Pick<ReplicaInfo, 'store' | 'scope'>): string {
  return `atende-sync-${collection}-${replica.store}-${replica.scope}`;
}

/** Sends local changes; answers the server's state of every row that conflicted. */
export type PushRows = (collection: CollectionName, rows: PushRow[]) => Promise<PushResponse>;

const pushRowsOverHttp: PushRows = (collection, rows) => call(API.push, { params: { collection }, body: rows });

function fetchPageOverHttp(collection: CollectionName, checkpoint: SyncCheckpoint | undefined, limit: number): Promise<PullResponse> {
  const query = checkpoint ? { limit, checkpoint: JSON.stringify(checkpoint) } : { limit };
  return call(API.pull, { params: { collection }, query });
}

/**
 * One `replicateRxCollection` per collection (ARCHITECTURE §4, issue 8 design D). Live changes
 * come as documents on the socket (`pull.stream$`); the pull catches up after a reconnect or a
 * hint. Only the leader window creates this (the caller waits for leadership).
 */
export function startReplicaSync(db: AtendeDatabase, replica: ReplicaInfo, options: ReplicaSyncOptions): ReplicaSync {
  const streams = new Map<CollectionName, Subject<Page | 'RESYNC'>>();
  const states = new Map<CollectionName, State>();
  const wakes = new Map<CollectionName, number>();
  const firstCheckpoints = new Map<CollectionName, SyncCheckpoint | null>();
  let everyoneStarted: () => void = () => undefined;
  const allStarted = new Promise<void>((resolve) => (everyoneStarted = resolve));
  let pulledCount = 0;
  let reset = false;
  let stopped = false;

  const fetchPage: FetchPage = async (name, checkpoint, limit) => {
    try {
      return await (options.fetchPage ?? fetchPageOverHttp)(name, checkpoint, limit);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.code === 'replica_reset' && !reset) {
        reset = true;
        options.onReset();
      }
      throw error;
    }
  };
  const pulled = (count: number) => {
    pulledCount += count;
    options.onPulled?.(pulledCount);
  };
  /** Where each collection starts from, for the progress bar's count of what remains. */
  const started = (name: CollectionName, checkpoint: SyncCheckpoint | null) => {
    if (firstCheckpoints.has(name)) return;
    firstCheckpoints.set(name, checkpoint);
    if (firstCheckpoints.size === REPLICATED.length) everyoneStarted();
  };

  function replicate(name: CollectionName, initialCheckpoint: SyncCheckpoint | undefined, preexisting: Set<string>): State {
    const stream$ = streams.get(name) as Subject<Page | 'RESYNC'>;
    /** The previous page reached the live end, and the wake count it answered. */
    let afterTail = false;
    let answered = 0;
    const handler = async (checkpoint: SyncCheckpoint | undefined): Promise<Page> => {
      started(name, checkpoint ?? null);
      // A tail page re-reads SYNC_OVERLAP_MS behind its checkpoint, so under a steady write rate
      // it can stay as full as RxDB's batch forever; after one tail page, stop until woken again.
      const wake = wakes.get(name) ?? 0;
      if (checkpoint?.tail && afterTail && answered === wake) {
        afterTail = false;
        return { documents: [], checkpoint };
      }
      const page = await fetchPage(name, checkpoint, checkpoint && !checkpoint.tail ? LARGE_PAGE : FIRST_PAGE);
      answered = wake;
      afterTail = page.checkpoint.tail;
      pulled(page.documents.length);
      return { documents: page.documents.map((doc) => ({ ...doc, _deleted: doc._deleted === true })), checkpoint: page.checkpoint };
    };
    const state = replicateRxCollection<Doc, SyncCheckpoint>({
      collection: replicatedCollection(db, name),
      replicationIdentifier: replicationIdentifier(name, replica),
      live: true,
      retryTime: 5_000,
      // The caller is the leader already; and a hidden leader must go on replicating for the others.
      waitForLeadership: false,
      toggleOnDocumentVisible: false,
      autoStart: true,
      pull: {
        batchSize: FIRST_PAGE,
        stream$: stream$.asObservable(),
        handler: (checkpoint) => handler(checkpoint ?? undefined),
        initialCheckpoint,
      },
      ...(isPushedCollection(name)
        ? {
            push: {
              batchSize: 50,
              handler: async (rows) => {
                // A new identifier has no record of the server's state yet, so RxDB offers every
                // document already here: they came from the server under the previous identifier;
                // answering "no conflict" records them as in sync. Changes made from now on push.
                const toPush = rows.filter((row) => row.assumedMasterState || !preexisting.delete(String(row.newDocumentState.id)));
                if (toPush.length === 0) return [];
                const conflicts = await (options.pushRows ?? pushRowsOverHttp)(name, toPush);
                return conflicts as Array<Doc & { _deleted: boolean }>;
              },
            },
          }
        : {}),
    });
    // Failed pulls are retried by RxDB after `retryTime`; offline is shown by the connection state.
    state.error$.subscribe(() => undefined);
    states.set(name, state);
    return state;
  }

  /** An empty pull-only collection is filled first; pushed ones need RxDB's record of the server's state. */
  async function setup(name: CollectionName): Promise<State | undefined> {
    let initialCheckpoint: SyncCheckpoint | undefined;
    const collection = replicatedCollection(db, name);
    const preexisting = new Set<string>();
    if (isPushedCollection(name)) {
      for (const doc of await collection.find().exec()) preexisting.add(String(doc.primary));
    } else {
      initialCheckpoint = await fillEmpty(collection, name, fetchPage, {
        firstPage: FIRST_PAGE,
        largePage: LARGE_PAGE,
        onPage: (count) => {
          started(name, null);
          pulled(count);
        },
        cancelled: () => stopped || reset,
      }).catch(() => undefined); // the replication retries from its own checkpoint
    }
    return stopped || reset ? undefined : replicate(name, initialCheckpoint, preexisting);
  }

  for (const name of REPLICATED) {
    streams.set(name, new Subject<Page | 'RESYNC'>());
    wakes.set(name, 0);
  }
  // The waiting list first: small collections and conversations, then messages (issue 8 point 6).
  const conversations = setup('conversations');
  // Rejects when the replication is stopped first; the messages then have nothing to wait for.
  const conversationsCaughtUp = conversations.then((state) => state?.awaitInitialReplication()).catch(() => undefined);
  const ready = new Map(REPLICATED.map((name) => {
    if (name === 'conversations') return [name, conversations] as const;
    if (AFTER_CONVERSATIONS.has(name)) return [name, conversationsCaughtUp.then(() => setup(name))] as const;
    return [name, setup(name)] as const;
  }));
  /** Every given collection has caught up with the server once. */
  const caughtUp = async (names: readonly CollectionName[]) => {
    const all = await Promise.all(names.map((name) => ready.get(name)));
    await Promise.all(all.map((state) => state?.awaitInitialReplication()));
  };

  const resync = (names: readonly CollectionName[] = REPLICATED) => {
    for (const name of names) {
      wakes.set(name, (wakes.get(name) ?? 0) + 1);
      streams.get(name)?.next('RESYNC');
    }
  };
  const end = async (how: 'cancel' | 'remove') => {
    stopped = true;
    await Promise.all([...states.values()].map((s) => (how === 'cancel' ? s.cancel() : s.remove())));
    for (const stream of streams.values()) stream.complete();
  };
  return {
    replica,
    docs: (frame) => {
      if (frame.checkpoint.store !== replica.store || frame.checkpoint.scope !== replica.scope) return;
      // Wire documents say `_deleted` only on tombstones.
      const documents = frame.documents.map((doc) => ({ ...doc, _deleted: doc._deleted === true }));
      streams.get(frame.collection)?.next({ documents, checkpoint: frame.checkpoint });
    },
    resync,
    startCheckpoints: async () => {
      await allStarted;
      return Object.fromEntries(firstCheckpoints);
    },
    pulled: () => pulledCount,
    awaitUsable: () => caughtUp(REPLICATED.filter((name) => !AFTER_CONVERSATIONS.has(name))),
    awaitInitial: () => caughtUp(REPLICATED),
    stop: () => end('cancel'),
    remove: () => end('remove'),
  };
}

/** The identifiers of the app before issue 8 (one replication per collection, unscoped). */
export const legacyIdentifier = (collection: CollectionName): string => `atende-sync-${collection}-v1`;

/** Drops the checkpoints (and, for pushed collections, document copies) of identifiers no longer used. */
export async function forgetReplications(db: AtendeDatabase, identifierOf: (collection: CollectionName) => string): Promise<void> {
  await Promise.all(
    REPLICATED.map((name) =>
      replicateRxCollection<Doc, SyncCheckpoint>({
        collection: replicatedCollection(db, name),
        replicationIdentifier: identifierOf(name),
        live: false,
        autoStart: false,
        waitForLeadership: false,
        toggleOnDocumentVisible: false,
        pull: { handler: async () => ({ documents: [], checkpoint: null as unknown as SyncCheckpoint }) },
      }).remove(),
    ),
  );
}
