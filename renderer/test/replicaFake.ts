import {
  tombstoneOf, viewerOf, visibilityOf, type CollectionName, type PullResponse, type SyncCheckpoint, type SyncStatus,
  type UserDoc,
} from '@atende/protocol';
import { ApiError } from '../src/net/api';

/**
 * A sync server in memory for the renderer's replication tests, following the contract of
 * issue 8 (design B): rows ordered by (changedAt, id), pages after a checkpoint, tail pages
 * re-read `overlap` behind, 409 replica_reset for another store, a fresh start for another scope.
 */
export class FakeSyncServer {
  store = 'store-a.1';
  overlap = 5;
  replicaDays = 30;
  private clock = 1_000;
  private readonly rows = new Map<CollectionName, Map<string, { t: number; doc: Record<string, unknown> }>>();
  readonly requests: Array<{ collection: CollectionName; limit: number; checkpoint: SyncCheckpoint | undefined }> = [];
  /** Pulls of these collections wait until released (to observe ordering). */
  readonly held = new Map<CollectionName, Promise<void>>();

  constructor(public user: UserDoc) {}

  get scope(): string {
    return `${this.user.role}:${[...this.user.teamIds].sort().join(',')}:${this.replicaDays}`;
  }

  get replica() {
    return { store: this.store, scope: this.scope, replicaDays: this.replicaDays };
  }

  /** Stores a document as the server would: stamped with the next changedAt. */
  write(collection: CollectionName, doc: Record<string, unknown>): number {
    let rows = this.rows.get(collection);
    if (!rows) this.rows.set(collection, (rows = new Map()));
    const t = ++this.clock;
    rows.set(String(doc.id), { t, doc });
    return t;
  }

  /** The server's store was replaced: every document is stamped anew in another store. */
  resetStore(store: string): void {
    this.store = store;
  }

  /** The wire form a viewer gets, or undefined when hidden. */
  private served(doc: Record<string, unknown>): Record<string, unknown> | undefined {
    const visibility = visibilityOf(viewerOf(this.user), doc);
    if (visibility === 'hidden') return undefined;
    return visibility === 'tombstone' ? tombstoneOf(doc) : { ...doc, _deleted: false };
  }

  private ordered(collection: CollectionName): Array<{ t: number; id: string; doc: Record<string, unknown> }> {
    return [...(this.rows.get(collection)?.entries() ?? [])]
      .map(([id, row]) => ({ id, ...row }))
      .sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private start(checkpoint: SyncCheckpoint | null | undefined): { t: number; id: string } {
    if (!checkpoint || checkpoint.scope !== this.scope) return { t: 0, id: '' };
    return checkpoint.tail ? { t: checkpoint.t - this.overlap, id: '' } : { t: checkpoint.t, id: checkpoint.id };
  }

  fetchPage = async (collection: CollectionName, checkpoint: SyncCheckpoint | undefined, limit: number): Promise<PullResponse> => {
    this.requests.push({ collection, limit, checkpoint });
    await this.held.get(collection);
    if (checkpoint && checkpoint.store !== this.store) throw new ApiError(409, 'replica_reset', 'another store');
    const after = this.start(checkpoint);
    const documents: Array<Record<string, unknown>> = [];
    let last = after;
    for (const row of this.ordered(collection)) {
      if (row.t < after.t || (row.t === after.t && row.id <= after.id)) continue;
      if (documents.length === limit) break;
      last = row;
      const wire = this.served(row.doc);
      if (wire) documents.push(wire);
    }
    const full = documents.length === limit;
    return { documents, checkpoint: { store: this.store, scope: this.scope, t: last.t, id: last.id, tail: !full } };
  };

  fetchStatus = async (checkpoints?: Partial<Record<CollectionName, SyncCheckpoint | null>>): Promise<SyncStatus> => {
    const remaining: Partial<Record<CollectionName, number>> = {};
    for (const collection of this.rows.keys()) {
      const checkpoint = checkpoints?.[collection];
      const after = this.start(checkpoint && checkpoint.store === this.store ? checkpoint : undefined);
      remaining[collection] = this.ordered(collection).filter((r) => r.t > after.t || (r.t === after.t && r.id > after.id)).length;
    }
    return { ...this.replica, remaining };
  };

  /** A `sync.docs` frame for documents just written, as the hub streams them. */
  frame(collection: CollectionName, ids: string[]) {
    const rows = this.ordered(collection).filter((r) => ids.includes(r.id));
    const last = rows[rows.length - 1];
    return {
      type: 'sync.docs' as const,
      collection,
      documents: rows.flatMap((r): Array<Record<string, unknown>> => {
        const wire = this.served(r.doc);
        return wire ? [wire] : [];
      }),
      checkpoint: { store: this.store, scope: this.scope, t: last?.t ?? 0, id: last?.id ?? '', tail: true },
    };
  }
}

/** Waits for a condition the replication reaches asynchronously; bounded, never a timing assert. */
export async function until(condition: () => boolean | Promise<boolean>, rounds = 400): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}
