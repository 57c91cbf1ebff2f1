import type { FindQuery, StoredDoc, SyncRangeQuery, SyncRow } from '../src/store/index.js';
import { syncKeysOf } from '../src/store/syncView.js';

/**
 * The sync index in memory (same keys as the store's view, `syncKeysOf`), for pull tests that
 * must control `changedAt` exactly: late commits, overlap, windows. Counts the rows it hands out.
 */
export class FakeSyncIndex {
  readonly docs = new Map<string, StoredDoc>();
  rowsRead = 0;

  put(...docs: StoredDoc[]): void {
    for (const doc of docs) this.docs.set(doc._id, doc);
  }

  private rows(type: string, key: string, after: { t: number; id: string }): SyncRow[] {
    return [...this.docs.values()]
      .filter((doc) => doc.type === type && syncKeysOf(doc).includes(key))
      .map((doc) => ({ id: doc._id, t: Number(doc.changedAt), doc }))
      .filter((row) => row.t > after.t || (row.t === after.t && row.id > after.id))
      .sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async syncRange(q: SyncRangeQuery): Promise<SyncRow[]> {
    const rows = this.rows(q.type, q.key, q.after).slice(0, q.limit);
    this.rowsRead += rows.length;
    return rows;
  }

  async countRange(q: Omit<SyncRangeQuery, 'limit'>): Promise<number> {
    return this.rows(q.type, q.key, q.after).length;
  }

  /** Only the shapes the pull asks: equality on fields, `$in` and `$lt`. */
  async find(query: FindQuery): Promise<StoredDoc[]> {
    const matches = (doc: StoredDoc) =>
      Object.entries(query.selector).every(([field, wanted]) => {
        if (wanted && typeof wanted === 'object' && '$in' in wanted) return (wanted.$in as unknown[]).includes(doc[field]);
        if (wanted && typeof wanted === 'object' && '$lt' in wanted) return typeof doc[field] === 'number' && doc[field] < Number(wanted.$lt);
        return doc[field] === wanted;
      });
    return [...this.docs.values()].filter(matches).slice(0, query.limit);
  }
}
