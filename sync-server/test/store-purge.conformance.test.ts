import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withReadCache } from '../src/store/cache.js';
import { withGroupCommit } from '../src/store/groupCommit.js';
import type { ChangeRow, DocStore, StoredDoc, ViewDesign } from '../src/store/types.js';
import { START_SEQ } from '../src/store/types.js';
import { couchDriver, embeddedDriver, hasCouch, type Driver, type Opened } from './storeDrivers.js';

/**
 * `DocStore.purge` and `bumpEpoch` on every driver (issue 19 point 1 "purge", point 2 "the
 * replicas' purge signal", R-PRIV-03). A purged document is gone from every read the store
 * offers — not deleted, absent — while the others stay as they were.
 */

const WAIT_MS = 5_000;

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function writeAll(store: DocStore, docs: StoredDoc[]): Promise<string[]> {
  const results = await store.bulkWrite(docs);
  return results.map((r) => {
    if (!r.ok) throw new Error(`write failed: ${JSON.stringify(r)}`);
    return r.rev;
  });
}

async function allChangeIds(store: DocStore): Promise<string[]> {
  const ids: string[] = [];
  let since = START_SEQ;
  for (let page = 0; page < 100; page++) {
    const { results, lastSeq } = await store.changes({ since, limit: 50 });
    ids.push(...results.map((row) => row.id));
    since = lastSeq;
    if (results.length < 50) return ids;
  }
  throw new Error('the changes feed never ended');
}

const NAMES: ViewDesign = {
  name: 'purge-test-names',
  views: { by_name: 'function (doc) { if (doc.type === "contact" && doc.name) emit(doc.name, null); }' },
};

const contact = (id: string, name: string): StoredDoc => ({ _id: id, type: 'contact', name, teamIds: ['a'], changedAt: 10 });

function purgeConformance(driver: Driver): void {
  describe(`issue 19 purge and epoch conformance: ${driver.name}`, () => {
    let opened: Opened;
    let store: DocStore;

    beforeEach(async () => {
      opened = await driver.open();
      store = opened.store;
      await store.ensureIndex('purge-test-by-name', ['name']);
      await store.ensureView(NAMES);
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('R-PRIV-03 issue 19: purged documents are gone from get, find, changes from the start, syncRange, countRange and domain views; others stay', async () => {
      const [goneRev] = await writeAll(store, [contact('contact:gone', 'Gone Person'), contact('contact:kept', 'Kept Person')]);
      await store.putAttachment('contact:gone', goneRev ?? '', 'photo.jpg', { data: Buffer.from('gone photo'), contentType: 'image/jpeg' });
      const kept = await store.get('contact:kept');
      await store.warmIndexes();

      expect(await store.purge(['contact:gone'])).toBe(1);

      expect(await store.get('contact:gone')).toBeUndefined();
      expect(await store.getWithConflicts('contact:gone')).toBeUndefined();
      expect(await store.getAttachment('contact:gone', 'photo.jpg')).toBeUndefined();
      expect((await store.find({ selector: { name: { $gt: null } }, limit: 10 })).map((d) => d._id)).toEqual(['contact:kept']);
      const changed = await allChangeIds(store);
      expect(changed).not.toContain('contact:gone');
      expect(changed).toContain('contact:kept');
      const range = { type: 'contact', key: 'team:a', after: { t: 0, id: '' } };
      expect((await store.syncRange({ ...range, limit: 10 })).map((r) => r.id)).toEqual(['contact:kept']);
      expect(await store.countRange(range)).toBe(1);
      const rows = await store.queryView(NAMES, { view: 'by_name', startkey: '', endkey: '\uffff', limit: 10 });
      expect(rows.map((r) => r.id)).toEqual(['contact:kept']);
      expect(await store.get('contact:kept')).toEqual(kept);
    });

    it('R-PRIV-03 issue 19: purge removes every leaf (conflicts and deleted documents too), counts only known ids, and the id can be written anew', async () => {
      const [rev1] = await writeAll(store, [contact('contact:conflicted', 'Conflicted'), contact('contact:deleted', 'Deleted')]);
      // Two branches off the first revision, as replicated writes make them.
      const branch = (hash: string, name: string): StoredDoc => ({
        ...contact('contact:conflicted', name), _rev: `2-${hash}`, _revisions: { start: 2, ids: [hash, (rev1 ?? '').split('-')[1]] },
      });
      await store.bulkWrite([branch('b0b0', 'One Branch'), branch('c0c0', 'Other Branch')], { newEdits: false });
      expect((await store.getWithConflicts('contact:conflicted'))?.conflicts).toHaveLength(1);
      const deleted = await store.get('contact:deleted');
      await writeAll(store, [{ _id: 'contact:deleted', _rev: deleted?._rev, _deleted: true }]);

      expect(await store.purge(['contact:conflicted', 'contact:deleted', 'contact:never-existed'])).toBe(2);

      expect(await store.getWithConflicts('contact:conflicted')).toBeUndefined();
      expect(await store.conflictedIds({ limit: 10 })).toEqual([]);
      expect(await allChangeIds(store)).not.toEqual(expect.arrayContaining(['contact:deleted']));
      // A new document under a purged id starts a new history, without conflicts.
      const [fresh] = await writeAll(store, [contact('contact:conflicted', 'New')]);
      expect(fresh?.startsWith('1-')).toBe(true);
      expect(await store.purge([])).toBe(0);
    });

    it('R-PRIV-03 issue 19: an attachment with the same bytes on a kept document stays readable after the other is purged', async () => {
      const [goneRev, keptRev] = await writeAll(store, [contact('contact:gone', 'Gone'), contact('contact:kept', 'Kept')]);
      const photo = { data: Buffer.from('the same photo bytes'), contentType: 'image/jpeg' };
      await store.putAttachment('contact:gone', goneRev ?? '', 'photo.jpg', photo);
      await store.putAttachment('contact:kept', keptRev ?? '', 'photo.jpg', photo);

      expect(await store.purge(['contact:gone'])).toBe(1);

      expect(await store.getAttachment('contact:gone', 'photo.jpg')).toBeUndefined();
      expect((await store.getAttachment('contact:kept', 'photo.jpg'))?.data.equals(photo.data)).toBe(true);
    });

    it('R-PRIV-03 issue 19: live follows keep delivering after a purge, and the read cache forgets purged documents', async () => {
      const cached = withReadCache(withGroupCommit(store), { prefixes: ['contact:'], max: 100 });
      await writeAll(cached, [contact('contact:gone', 'Gone'), contact('contact:kept', 'Kept')]);
      expect((await cached.get('contact:gone'))?.name).toBe('Gone');
      const rows: ChangeRow[] = [];
      const feed = store.follow({ since: 'now', onChange: (row) => rows.push(row) });
      try {
        await writeAll(store, [contact('contact:probe', 'Probe')]);
        await waitFor(() => rows.some((r) => r.id === 'contact:probe'), 'the probe row');
        expect(await cached.purge(['contact:gone'])).toBe(1);
        expect(await cached.get('contact:gone')).toBeUndefined();
        await writeAll(store, [contact('contact:after', 'After')]);
        await waitFor(() => rows.some((r) => r.id === 'contact:after'), 'a row written after the purge');
        expect(rows.filter((r) => r.id === 'contact:probe')).toHaveLength(1);
      } finally {
        feed.stop();
      }
    });

    it('issue 19 point 2: bumpEpoch raises the epoch by one, keeps the uuid, and identity() answers the new one at once and after a restart', async () => {
      const before = await store.identity();
      const [uuid, epoch] = before.split('.');
      const bumped = await store.bumpEpoch();
      expect(bumped).toBe(`${uuid}.${Number(epoch) + 1}`);
      expect(await store.identity()).toBe(bumped);
      expect(await store.bumpEpoch()).toBe(`${uuid}.${Number(epoch) + 2}`);
      await store.close();
      const restarted = await opened.reopen?.();
      expect(await restarted?.identity()).toBe(`${uuid}.${Number(epoch) + 2}`);
    });
  });
}

purgeConformance(embeddedDriver);

describe.skipIf(!hasCouch)('CouchDB driver', () => { // requires a CouchDB server: set COUCHDB_URL
  purgeConformance(couchDriver);
});
