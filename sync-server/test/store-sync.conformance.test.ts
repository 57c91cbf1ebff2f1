import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withChangeStamps } from '../src/store/changeStamps.js';
import { compareSyncPositions, syncKeysOf, type SyncPosition } from '../src/store/syncView.js';
import type { DocStore, StoredDoc, SyncRangeQuery } from '../src/store/types.js';
import { toWire } from '../src/store/wire.js';
import { couchDriver, embeddedDriver, hasCouch, type Driver, type Opened } from './storeDrivers.js';

/**
 * The sync index, store identity and change stamps of every driver (issue 8 design A, ARCHITECTURE
 * §4 "the cost of a pull must follow the user's data", §5 store drivers). Documents carry explicit
 * `changedAt` values here (the raw drivers do not stamp), so positions and ties are chosen by the
 * test: several documents share one `changedAt`, as a bulk write stamps them.
 */

const START: SyncPosition = { t: 0, id: '' };
// Team ids here are plain ('a'); a scope key is 'team:' + the id.

async function writeAll(store: DocStore, docs: StoredDoc[]): Promise<void> {
  const results = await store.bulkWrite(docs);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`writes failed: ${JSON.stringify(failed)}`);
}

/** Every row of a range, read page by page from each returned row's position. */
async function readAll(store: DocStore, query: Omit<SyncRangeQuery, 'limit'>, limit: number) {
  const rows: Array<SyncPosition & { doc: StoredDoc }> = [];
  let after = query.after;
  for (let page = 0; page < 200; page++) {
    const got = await store.syncRange({ ...query, after, limit });
    expect(got.length).toBeLessThanOrEqual(limit);
    rows.push(...got);
    const last = got.at(-1);
    if (got.length < limit || !last) return rows;
    after = { t: last.t, id: last.id };
  }
  throw new Error('paging never produced a short page');
}

const msg = (id: string, changedAt: number, teamId: string, extra: Record<string, unknown> = {}): StoredDoc => ({
  _id: id, type: 'message', teamId, formerTeamIds: [], changedAt, text: `text of ${id}`, ...extra,
});

/** Team A's messages out of id order within equal stamps, team B's interleaved. */
function corpus(): StoredDoc[] {
  return [
    msg('message:m5', 1000, 'a'),
    msg('message:m2', 1000, 'a'),
    msg('message:m9', 1000, 'b'),
    msg('message:m7', 1000, 'a'),
    msg('message:m1', 2000, 'a'),
    msg('message:m3', 1500, 'b'),
    msg('message:m8', 1500, 'a'),
    msg('message:m4', 3000, 'a'),
    msg('message:m6', 2500, 'b', { formerTeamIds: ['a'] }),
  ];
}

const orderOf = (docs: StoredDoc[], key: string) =>
  docs
    .filter((d) => syncKeysOf(d).includes(key))
    .map((d) => ({ t: d.changedAt as number, id: d._id }))
    .sort(compareSyncPositions);

function suite(driver: Driver): void {
  describe(`ARCHITECTURE §4/§5 sync index: ${driver.name}`, () => {
    let opened: Opened;
    let store: DocStore;
    beforeEach(async () => {
      opened = await driver.open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('R-NET-03 syncRange: one scope in (changedAt, id) order, paged from any returned row with nothing missed or repeated', async () => {
      const docs = corpus();
      await writeAll(store, docs);
      const expected = orderOf(docs, 'team:a');
      expect(expected.map((p) => p.id)).toEqual([
        'message:m2', 'message:m5', 'message:m7', 'message:m8', 'message:m1', 'message:m6', 'message:m4',
      ]);
      for (const limit of [1, 2, 3, 100]) {
        const rows = await readAll(store, { type: 'message', key: 'team:a', after: START }, limit);
        expect(rows.map((r) => ({ t: r.t, id: r.id }))).toEqual(expected);
      }
      // Starting inside a group of equal stamps: strictly after that row.
      const fromM5 = await store.syncRange({ type: 'message', key: 'team:a', after: { t: 1000, id: 'message:m5' }, limit: 2 });
      expect(fromM5.map((r) => r.id)).toEqual(['message:m7', 'message:m8']);
      // A position that is no row (a tail restart at t, id '') includes every row at t.
      const fromT = await store.syncRange({ type: 'message', key: 'team:a', after: { t: 1000, id: '' }, limit: 10 });
      expect(fromT.map((r) => r.id)).toEqual(expected.map((p) => p.id));
      const full = await store.syncRange({ type: 'message', key: 'team:a', after: START, limit: 1 });
      expect(full[0]?.doc).toMatchObject({ _id: 'message:m2', text: 'text of message:m2', teamId: 'a' });
      expect(typeof full[0]?.doc._rev).toBe('string');
      expect(await store.syncRange({ type: 'message', key: 'team:a', after: { t: 3000, id: 'message:m4' }, limit: 5 })).toEqual([]);
      expect(await store.syncRange({ type: 'conversation', key: 'team:a', after: START, limit: 5 })).toEqual([]);
    });

    it('ARCHITECTURE §4 syncRange reads only the scope asked: other teams, deleted and unstamped documents are not in it', async () => {
      const docs = corpus();
      await writeAll(store, [
        ...docs,
        { _id: 'message:unstamped', type: 'message', teamId: 'a', formerTeamIds: [] },
        { _id: 'note:1', type: 'note', teamId: 'a', changedAt: 1000 },
        msg('message:gone', 1200, 'a'),
      ]);
      const gone = await store.get('message:gone');
      await writeAll(store, [{ ...gone, _id: 'message:gone', _deleted: true }]);

      const teamB = await readAll(store, { type: 'message', key: 'team:b', after: START }, 100);
      expect(teamB.map((r) => r.id)).toEqual(['message:m9', 'message:m3', 'message:m6']);
      const everything = await readAll(store, { type: 'message', key: '*', after: START }, 4);
      expect(everything.map((r) => ({ t: r.t, id: r.id }))).toEqual(orderOf(docs, '*'));
      expect(everything.every((r) => r.doc.type === 'message')).toBe(true);
    });

    it('R-NET-03 syncRange: an edited document leaves its old position and appears once at its new changedAt', async () => {
      await writeAll(store, corpus());
      const m2 = await store.get('message:m2');
      await writeAll(store, [{ ...m2, _id: 'message:m2', changedAt: 4000, text: 'edited' }]);
      const rows = await readAll(store, { type: 'message', key: 'team:a', after: START }, 2);
      expect(rows.filter((r) => r.id === 'message:m2')).toEqual([
        expect.objectContaining({ t: 4000, id: 'message:m2', doc: expect.objectContaining({ text: 'edited' }) }),
      ]);
      expect(rows.at(-1)?.id).toBe('message:m2');
    });

    it('ARCHITECTURE §4 sync keys: teams, former teams, "all", contacts by team and creator, "*" for everything', async () => {
      await writeAll(store, [
        { _id: 'conversation:c1', type: 'conversation', teamId: 'b', formerTeamIds: ['a'], changedAt: 10 },
        { _id: 'predefined:p-all', type: 'predefined', teamId: null, changedAt: 11 },
        { _id: 'predefined:p-a', type: 'predefined', teamId: 'a', changedAt: 12 },
        { _id: 'disposition:d-a', type: 'disposition', teamId: 'a', changedAt: 13 },
        { _id: 'team:a', type: 'team', changedAt: 14 },
        { _id: 'user:u1', type: 'user', teamIds: ['a'], changedAt: 15 },
        { _id: 'contact:k1', type: 'contact', teamIds: ['a', 'b'], createdBy: 'u1', changedAt: 16 },
        { _id: 'contact:k2', type: 'contact', changedAt: 17 },
      ]);
      const ids = async (type: string, key: string) =>
        (await store.syncRange({ type, key, after: START, limit: 10 })).map((r) => r.id);
      expect(await ids('conversation', 'team:a')).toEqual(['conversation:c1']);
      expect(await ids('conversation', 'team:b')).toEqual(['conversation:c1']);
      expect(await ids('predefined', 'all')).toEqual(['predefined:p-all']);
      expect(await ids('predefined', 'team:a')).toEqual(['predefined:p-a']);
      expect(await ids('disposition', 'team:a')).toEqual(['disposition:d-a']);
      expect(await ids('team', 'all')).toEqual(['team:a']);
      expect(await ids('user', 'all')).toEqual(['user:u1']);
      expect(await ids('contact', 'team:b')).toEqual(['contact:k1']);
      expect(await ids('contact', 'user:u1')).toEqual(['contact:k1']);
      expect(await ids('contact', '*')).toEqual(['contact:k1', 'contact:k2']);
      expect(await ids('contact', 'all')).toEqual([]);
    });

    it('R-NET-03 countRange: the number of rows syncRange would still return, from any position', async () => {
      const docs = corpus();
      await writeAll(store, docs);
      const expected = orderOf(docs, 'team:a');
      const positions = [START, { t: 1000, id: '' }, ...expected];
      for (const [index, after] of positions.entries()) {
        const remaining = (await readAll(store, { type: 'message', key: 'team:a', after }, 100)).length;
        expect(await store.countRange({ type: 'message', key: 'team:a', after })).toBe(remaining);
        if (index >= 2) expect(remaining).toBe(expected.length - (index - 1));
      }
      expect(await store.countRange({ type: 'message', key: 'team:z', after: START })).toBe(0);
    });

    it('ARCHITECTURE §4 identity: "<uuid>.<epoch>" kept by the database across a restart, another database has another', async () => {
      const first = await store.identity();
      expect(first).toMatch(/^[0-9a-f-]{36}\.1$/);
      expect(await store.identity()).toBe(first);
      const [a, b] = await Promise.all([store.identity(), store.identity()]);
      expect([a, b]).toEqual([first, first]);
      // A local document: never in the change feed, so never replicated.
      const feed = await store.changes({ since: '0', limit: 100 });
      expect(feed.results.map((r) => r.id)).not.toContain('_local/atende-store');

      if (!opened.reopen) throw new Error(`${driver.name} gives no way to reopen its data`);
      await store.close();
      const again = await opened.reopen();
      expect(await again.identity()).toBe(first);

      const other = await driver.open();
      try {
        expect(await other.store.identity()).not.toBe(first);
      } finally {
        await other.cleanup();
      }
    });

    it('ARCHITECTURE §5 warmIndexes builds the sync index and every Mango index; queries answer the same after it', async () => {
      await store.warmIndexes(); // an empty store
      await store.ensureIndex('idx-kind-rank', ['kind', 'rank']);
      await writeAll(store, [...corpus(), ...[3, 1, 2].map((rank) => ({ _id: `t-${rank}`, kind: 'ticket', rank }))]);
      await store.warmIndexes();
      await store.warmIndexes(); // idempotent, as the warmer calls it again after writes
      const sorted = await store.find({ selector: { kind: 'ticket', rank: { $gt: 0 } }, sort: [{ kind: 'asc' }, { rank: 'asc' }], limit: 5 });
      expect(sorted.map((d) => d._id)).toEqual(['t-1', 't-2', 't-3']);
      expect(await store.countRange({ type: 'message', key: 'team:a', after: START })).toBe(7);
    });

    it('ARCHITECTURE §4 changedAt: every write is stamped with the server clock on a copy; replicated writes and design documents keep theirs', async () => {
      let clock = 5_000;
      const stamped = withChangeStamps(store, () => clock);
      const mine: StoredDoc = msg('message:s1', 1, 'a');
      const snapshot = structuredClone(mine);
      await writeAll(stamped, [mine, { _id: 'message:s2', type: 'message', teamId: 'a', formerTeamIds: [] }]);
      expect(mine).toEqual(snapshot);
      expect(await store.get('message:s1')).toMatchObject({ changedAt: 5_000 });
      expect(await store.get('message:s2')).toMatchObject({ changedAt: 5_000 });

      clock = 4_000; // the wall clock set back: stamps never go backwards
      const s1 = await store.get('message:s1');
      await writeAll(stamped, [{ ...s1, _id: 'message:s1', text: 'edited' }]);
      expect(await store.get('message:s1')).toMatchObject({ changedAt: 5_000, text: 'edited' });
      clock = 6_000;
      const again = await store.get('message:s1');
      await writeAll(stamped, [{ ...again, _id: 'message:s1', text: 'edited twice' }]);
      expect(await store.get('message:s1')).toMatchObject({ changedAt: 6_000 });

      const rev = '1-0123456789abcdef0123456789abcdef';
      await stamped.bulkWrite([{ _id: 'message:r1', _rev: rev, type: 'message', teamId: 'a', changedAt: 42 }], { newEdits: false });
      expect(await store.get('message:r1')).toMatchObject({ changedAt: 42 });
      await writeAll(stamped, [{ _id: '_design/plain', language: 'javascript', views: {} }]);
      expect((await store.get('_design/plain'))?.changedAt).toBeUndefined();

      const rows = await stamped.syncRange({ type: 'message', key: 'team:a', after: START, limit: 10 });
      expect(rows.map((r) => [r.id, r.t])).toEqual([['message:r1', 42], ['message:s2', 5_000], ['message:s1', 6_000]]);
      // Clients never see the server's stamp.
      expect(toWire<Record<string, unknown>>(rows[2]?.doc ?? { _id: 'x' })).not.toHaveProperty('changedAt');
    });
  });
}

suite(embeddedDriver);

describe.skipIf(!hasCouch)('CouchDB driver', () => { // requires a CouchDB server: set COUCHDB_URL
  suite(couchDriver);
});
