import { DelegatingStore } from '../src/store/delegate.js';
import type { SyncRangeQuery, SyncRow } from '../src/store/index.js';

/** Counts the index rows every pull reads: what "touched" means in ARCHITECTURE §4 (tests and bench/scope). */
export class CountingStore extends DelegatingStore {
  rowsRead = 0;

  override async syncRange(query: SyncRangeQuery): Promise<SyncRow[]> {
    const rows = await super.syncRange(query);
    this.rowsRead += rows.length;
    return rows;
  }
}
