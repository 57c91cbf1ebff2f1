import type Nano from 'nano';
import { IDENTITY_DOC_ID, identityKeeper, type IdentityAccess } from './identity.js';
import { onceUntilDone } from './revisions.js';
import { compareSyncPositions, hasSyncView, SYNC_DDOC, SYNC_VIEW, syncDesignDoc, type SyncPosition } from './syncView.js';
import type { StoredDoc, SyncRangeQuery, SyncRow } from './types.js';

/** The CouchDB driver's request helper: nano's `relax` on this database. */
export type CouchRequest = <T>(options: Nano.RequestOptions) => Promise<T>;

interface ViewRows {
  rows: Array<{ id: string; key: unknown; value: unknown; doc?: StoredDoc | null }>;
}

const VIEW_PATH = `_design/${SYNC_DDOC}/_view/${SYNC_VIEW}`;
/** Bounds the reads of one call when deletions keep leaving pages short. */
const MAX_ROUNDS = 10;

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { statusCode?: unknown; status?: unknown };
  const value = e.statusCode ?? e.status;
  return typeof value === 'number' ? value : undefined;
}

/**
 * The CouchDB driver's sync index, identity and index warming (issue 8 design A.3), from
 * CouchDB's documented view API: view rows are ordered by key and, for equal keys, by document
 * id, also when a sharded database merges its shards' rows, so `startkey` + `startkey_docid`
 * resume exactly at a (t, id) position. nano JSON-encodes `startkey`/`endkey`/`key`.
 */
export class CouchSyncIndex {
  constructor(private readonly request: CouchRequest) {}

  readonly ready = onceUntilDone(async () => {
    const current = await this.read(`_design/${SYNC_DDOC}`);
    if (hasSyncView(current)) return;
    try {
      await this.request({ method: 'PUT', path: `_design/${SYNC_DDOC}`, body: syncDesignDoc(current?._rev) });
    } catch (error) {
      // 409: another node wrote the design document at the same moment.
      if (statusOf(error) !== 409) throw error;
    }
  });

  private async read(path: string): Promise<StoredDoc | undefined> {
    try {
      return await this.request<StoredDoc>({ path });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * A view range starts at (t, id) itself (inclusive), so each read asks one row more and drops
   * the start row. Reads on while documents deleted since the index read leave a page short,
   * so a short answer always means the range is exhausted (RxDB stops at a short page).
   */
  async syncRange(query: SyncRangeQuery): Promise<SyncRow[]> {
    await this.ready();
    const { type, key } = query;
    const rows: SyncRow[] = [];
    let position: SyncPosition = query.after;
    for (let round = 0; round < MAX_ROUNDS && rows.length < query.limit; round++) {
      const want = query.limit - rows.length;
      const qs: Record<string, unknown> = {
        startkey: [type, key, position.t],
        endkey: [type, key, {}],
        reduce: 'false',
        include_docs: 'true',
        limit: String(want + 1),
      };
      if (position.id !== '') qs.startkey_docid = position.id;
      const result = await this.request<ViewRows>({ path: VIEW_PATH, qs });
      let last: SyncPosition | undefined;
      for (const row of result.rows) {
        const t = (row.key as unknown[])[2];
        if (typeof t !== 'number' || compareSyncPositions({ t, id: row.id }, position) <= 0) continue;
        last = { t, id: row.id };
        // A row whose document was deleted since the index read has no doc: it is gone.
        if (row.doc && rows.length < query.limit) rows.push({ id: row.id, t, doc: row.doc });
      }
      if (result.rows.length < want + 1 || !last) break;
      position = last;
    }
    return rows;
  }

  /**
   * The `_count` reduction of the rows after `t` (CouchDB answers it from its B-tree, without
   * reading rows), plus the rows at exactly `t` after the id, read from the index.
   */
  async countRange(query: Omit<SyncRangeQuery, 'limit'>): Promise<number> {
    await this.ready();
    const { type, key, after } = query;
    let sameTime = 0;
    if (after.id !== '') {
      const group = await this.request<ViewRows>({
        path: VIEW_PATH,
        qs: { startkey: [type, key, after.t], endkey: [type, key, after.t], startkey_docid: after.id, reduce: 'false' },
      });
      sameTime = group.rows.filter((row) => row.id > after.id).length;
    }
    // `[type, key, t, {}]` collates after every key `[type, key, t]` and before any later t.
    const later = await this.request<ViewRows>({
      path: VIEW_PATH,
      qs: { startkey: after.id === '' ? [type, key, after.t] : [type, key, after.t, {}], endkey: [type, key, {}], reduce: 'true' },
    });
    return sameTime + Number(later.rows[0]?.value ?? 0);
  }

  /** Local documents: never replicated; between a cluster's shard copies, last write wins. */
  private readonly identityAccess: IdentityAccess = {
    read: () => this.read(IDENTITY_DOC_ID),
    write: async (doc) => {
      try {
        await this.request({ method: 'PUT', path: IDENTITY_DOC_ID, body: doc });
        return true;
      } catch (error) {
        if (statusOf(error) === 409) return false;
        throw error;
      }
    },
  };

  /**
   * Memoised for a few seconds (store/identity.ts IDENTITY_TTL_MS): another node's bump (its
   * purge) reaches this node's answers within that time; a bump through this node, at once.
   */
  private readonly keeper = identityKeeper(this.identityAccess);

  identity(): Promise<string> {
    return this.keeper.get();
  }

  bumpEpoch(): Promise<string> {
    return this.keeper.bump();
  }

  /**
   * A view query brings the design document's index up to date before it answers (CouchDB's
   * default `update=true`), and CouchDB builds all views of one design document together, so
   * one query with `limit=0` per design document warms it. Mango indexes are design documents
   * too (`language: "query"`), queryable through `_view` like any other.
   */
  async warmIndexes(): Promise<void> {
    await this.ready();
    const ddocs = await this.request<{ rows: Array<{ id: string; doc?: { views?: Record<string, { reduce?: unknown }> } }> }>({
      path: '_design_docs',
      qs: { include_docs: 'true' },
    });
    for (const row of ddocs.rows) {
      const [view, definition] = Object.entries(row.doc?.views ?? {})[0] ?? [];
      if (!view) continue;
      const ddoc = row.id.slice('_design/'.length);
      await this.request({
        path: `_design/${encodeURIComponent(ddoc)}/_view/${encodeURIComponent(view)}`,
        // `reduce` is a parameter of reduce views only.
        qs: definition?.reduce === undefined ? { limit: '0' } : { limit: '0', reduce: 'false' },
      });
    }
  }
}
