import type PouchDB from 'pouchdb-node';
import type { ViewQuery, ViewRow } from 'pouchdb-node';
import { IDENTITY_DOC_ID, identityKeeper, type IdentityAccess } from './identity.js';
import { onceUntilDone } from './revisions.js';
import { compareSyncPositions, hasSyncView, SYNC_DDOC, SYNC_VIEW, syncDesignDoc, type SyncPosition } from './syncView.js';
import type { StoredDoc, SyncRangeQuery, SyncRow } from './types.js';
import { StoreError } from './types.js';
import { compiledViews } from './views.js';

const VIEW = `${SYNC_DDOC}/${SYNC_VIEW}`;
/** Bounds the reads of one call when deletions keep leaving pages short. */
const MAX_ROUNDS = 10;

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error
    ? Number((error as { status: unknown }).status)
    : undefined;
}

interface DesignDoc extends StoredDoc {
  language?: string;
  views?: Record<string, { options?: { def?: { fields?: Array<string | Record<string, 'asc' | 'desc'>> } } }>;
}

/**
 * The embedded driver's sync index, identity and index warming (issue 8 design A.3). PouchDB's
 * persistent views have no `startkey_docid`, so an exclusive start (t, id) reads the ids of the
 * rows that share `t` from the index (no documents), then continues from the key just after
 * `t`: `[type, key, t, {}]` collates after every `[type, key, t]` and before any later `t`.
 */
export class PouchSyncIndex {
  constructor(private readonly db: PouchDB) {}

  /**
   * Our views go through the compiled-once engine (store/views.ts), never `db.query`: one engine
   * per view, or two would update the same index at once.
   */
  private query(options: ViewQuery): Promise<{ rows: ViewRow[] }> {
    return compiledViews.query.call(this.db, VIEW, options);
  }

  readonly ready = onceUntilDone(async () => {
    const current = await this.read(`_design/${SYNC_DDOC}`);
    if (hasSyncView(current)) return;
    try {
      await this.db.put(syncDesignDoc(current?._rev));
    } catch (error) {
      // Written by a concurrent call at the same moment: the same definition.
      if (statusOf(error) !== 409) throw error;
    }
  });

  private async read(id: string): Promise<StoredDoc | undefined> {
    try {
      return (await this.db.get(id)) as StoredDoc;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Reads on while documents deleted between the index read and the document read leave a page
   * short, so a short answer always means the range is exhausted (RxDB stops at a short page).
   */
  async syncRange(query: SyncRangeQuery): Promise<SyncRow[]> {
    await this.ready();
    const rows: SyncRow[] = [];
    let position = query.after;
    for (let round = 0; round < MAX_ROUNDS && rows.length < query.limit; round++) {
      const page = await this.page({ ...query, after: position, limit: query.limit - rows.length });
      rows.push(...page.rows);
      if (!page.next) break;
      position = page.next;
    }
    return rows;
  }

  /** Up to `limit` rows after `after`, and where to read on when the index had more. */
  private async page(query: SyncRangeQuery): Promise<{ rows: SyncRow[]; next?: SyncPosition }> {
    const { type, key, after, limit } = query;
    const rows: SyncRow[] = [];
    if (after.id !== '') {
      const group = await this.idsAt(query);
      const ids = group.slice(0, limit);
      if (ids.length > 0) {
        const found = await this.db.allDocs({ keys: ids, include_docs: true });
        for (const row of found.rows) if (row.doc) rows.push({ id: row.id, t: after.t, doc: row.doc as StoredDoc });
      }
      const last = ids.at(-1);
      if (last !== undefined && group.length > ids.length) return { rows, next: { t: after.t, id: last } };
      if (ids.length === limit) return { rows, next: { t: after.t, id: last ?? after.id } };
    }
    const want = limit - rows.length;
    const rest = await this.query({
      startkey: after.id === '' ? [type, key, after.t] : [type, key, after.t, {}],
      endkey: [type, key, {}],
      limit: want,
      include_docs: true,
      reduce: false,
    });
    for (const row of rest.rows) {
      const t = (row.key as unknown[])[2];
      // A row whose document was deleted after the index read has none: it is gone, not a row.
      if (typeof t === 'number' && row.doc && compareSyncPositions({ t, id: row.id }, after) > 0) {
        rows.push({ id: row.id, t, doc: row.doc as StoredDoc });
      }
    }
    const lastRow = rest.rows.at(-1);
    const lastT = (lastRow?.key as unknown[] | undefined)?.[2];
    return rest.rows.length === want && lastRow && typeof lastT === 'number' ? { rows, next: { t: lastT, id: lastRow.id } } : { rows };
  }

  async countRange(query: Omit<SyncRangeQuery, 'limit'>): Promise<number> {
    await this.ready();
    const { type, key, after } = query;
    const sameTime = after.id === '' ? 0 : (await this.idsAt(query)).length;
    const later = await this.query({
      startkey: after.id === '' ? [type, key, after.t] : [type, key, after.t, {}],
      endkey: [type, key, {}],
      reduce: true,
    });
    return sameTime + Number(later.rows[0]?.value ?? 0);
  }

  /** Ids after `after.id` among the rows at exactly `after.t`: index entries only, in view order. */
  private async idsAt(query: Omit<SyncRangeQuery, 'limit'>): Promise<string[]> {
    const { type, key, after } = query;
    const group = await this.query({ key: [type, key, after.t], reduce: false });
    return group.rows.map((row) => row.id).filter((id) => id > after.id);
  }

  private readonly identityAccess: IdentityAccess = {
    read: () => this.read(IDENTITY_DOC_ID),
    write: async (doc) => {
      try {
        await this.db.put(doc);
        return true;
      } catch (error) {
        if (statusOf(error) === 409) return false;
        throw new StoreError(`${IDENTITY_DOC_ID}: ${String(error)}`, statusOf(error) ?? 500);
      }
    },
  };

  /** Memoised for a few seconds (store/identity.ts IDENTITY_TTL_MS), forgotten by a bump here. */
  private readonly keeper = identityKeeper(this.identityAccess);

  identity(): Promise<string> {
    return this.keeper.get();
  }

  bumpEpoch(): Promise<string> {
    return this.keeper.bump();
  }

  /**
   * PouchDB builds a view when it is queried; a query with limit 0 brings it up to date. Mango
   * indexes are views of `language: 'query'` design documents that only pouchdb-find can query:
   * its createIndex of an existing index writes nothing and updates the index (its own build step).
   */
  async warmIndexes(): Promise<void> {
    await this.ready();
    const ddocs = await this.db.allDocs({ startkey: '_design/', endkey: '_design/\uffff', include_docs: true });
    for (const row of ddocs.rows) {
      const doc = row.doc as DesignDoc | null | undefined;
      if (!doc) continue;
      const ddoc = doc._id.slice('_design/'.length);
      for (const [name, view] of Object.entries(doc.views ?? {})) {
        if (doc.language === 'query') {
          const fields = view.options?.def?.fields;
          if (fields) await this.db.createIndex({ index: { fields, name, ddoc } });
        } else {
          await compiledViews.query.call(this.db, `${ddoc}/${name}`, { limit: 0, reduce: false });
        }
      }
    }
  }
}
