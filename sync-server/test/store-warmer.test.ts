import type PouchDB from 'pouchdb-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DelegatingStore } from '../src/store/delegate.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { startIndexWarmer, type IndexWarmer } from '../src/store/warmer.js';
import type { DocStore } from '../src/store/types.js';
import { compiledViews } from '../src/store/views.js';
import { embeddedDriver, type Opened } from './storeDrivers.js';

/**
 * The index warmer (issue 8 design A.4): indexes are built at start-up and after bulk loads,
 * never by a user's first query (the issue measured 16.7 s for the first conversation opened
 * after a bulk load on the embedded store).
 */

class CountingStore extends DelegatingStore {
  /** Warms started and finished; the warmer runs one at a time. */
  warms = 0;
  finished = 0;
  failWith: Error | undefined;
  override async warmIndexes(): Promise<void> {
    this.warms++;
    try {
      if (this.failWith) throw this.failWith;
      await this.inner.warmIndexes();
    } finally {
      this.finished++;
    }
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

/** The embedded store's own view, read without updating it: what the index holds right now. */
async function indexedNow(store: DocStore, type: string, key: string): Promise<string[]> {
  if (!(store instanceof EmbeddedStore)) throw new Error('an embedded store is needed');
  // White-box on purpose: only a stale read shows whether the warmer, not this query, built it.
  const db = (store as unknown as { db: PouchDB }).db;
  const result = await compiledViews.query.call(db, 'atende-sync/by_scope', {
    startkey: [type, key, 0], endkey: [type, key, {}], reduce: false, stale: 'ok',
  });
  return result.rows.map((row) => row.id);
}

describe('issue 8 design A.4 index warmer', () => {
  let opened: Opened;
  let counting: CountingStore;
  let warmer: IndexWarmer | undefined;
  const logged: string[] = [];

  beforeEach(async () => {
    opened = await embeddedDriver.open();
    counting = new CountingStore(opened.store);
    logged.length = 0;
  });
  afterEach(async () => {
    await warmer?.stop();
    warmer = undefined;
    await opened.cleanup();
  });

  it('ARCHITECTURE §5 warms at start-up, then again after a burst of writes without any query, and not after stop()', async () => {
    warmer = startIndexWarmer(counting, { debounceMs: 50, maxWaitMs: 200, log: (m) => logged.push(m) });
    await warmer.ready;
    // At least once: the warm-up writes the sync design document, which may schedule one more.
    expect(counting.finished).toBeGreaterThanOrEqual(1);
    const afterStart = counting.warms;

    const docs = Array.from({ length: 200 }, (_, i) => ({
      _id: `message:${String(i).padStart(4, '0')}`, type: 'message', teamId: 'a', formerTeamIds: [], changedAt: 1_000 + i,
    }));
    for (let i = 0; i < docs.length; i += 50) await counting.bulkWrite(docs.slice(i, i + 50));
    // Unless a warm already ran meanwhile, the index does not hold the writes yet.
    const before = await indexedNow(opened.store, 'message', 'team:a');
    if (counting.warms === afterStart) expect(before).toEqual([]);
    // Warms run one at a time, so once more have finished than had started by now, one that
    // started after the last write has finished.
    const startedDuringWrites = counting.warms;
    await until(() => counting.finished > startedDuringWrites, 'a warm after the writes');
    await warmer.stop();
    expect(await indexedNow(opened.store, 'message', 'team:a')).toHaveLength(200);
    expect(logged).toEqual([]);

    const after = counting.warms;
    await counting.bulkWrite([{ _id: 'message:late', type: 'message', teamId: 'a', changedAt: 5_000 }]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(counting.warms).toBe(after);
  });

  it('ARCHITECTURE §5 a failed warm is logged, never thrown, and the next writes warm again', async () => {
    counting.failWith = new Error('disk on fire');
    warmer = startIndexWarmer(counting, { debounceMs: 20, log: (m) => logged.push(m) });
    await expect(warmer.ready).resolves.toBeUndefined();
    expect(logged).toEqual([expect.stringContaining('disk on fire')]);

    counting.failWith = undefined;
    await counting.bulkWrite([{ _id: 'message:1', type: 'message', teamId: 'a', changedAt: 1 }]);
    await until(() => counting.warms >= 2, 'a warm after the write');
    await warmer.stop();
    expect(await indexedNow(opened.store, 'message', 'team:a')).toEqual(['message:1']);
  });
});
