import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPLICATED_TYPES, SYNC_MAP, syncKeysOf } from '../src/store/syncView.js';
import type { DocStore, StoredDoc } from '../src/store/types.js';
import { embeddedDriver, type Opened } from './storeDrivers.js';

/**
 * The sync view's map function (a JavaScript string both CouchDB and PouchDB evaluate) and its
 * TypeScript twin `syncKeysOf` must give every document the same scope keys (issue 8 design A.2),
 * or a pull would read a range that misses documents its visibility rules allow (ARCHITECTURE §4).
 */

const docs: StoredDoc[] = [
  { _id: 'conversation:1', type: 'conversation', teamId: 'a', formerTeamIds: [], changedAt: 1 },
  { _id: 'conversation:2', type: 'conversation', teamId: 'b', formerTeamIds: ['a', 'c', 'a', 'b'], changedAt: 2 },
  { _id: 'conversation:3', type: 'conversation', teamId: 7, formerTeamIds: [null, 'c'], changedAt: 3 },
  { _id: 'conversation:4', type: 'conversation', changedAt: 4 },
  { _id: 'message:1', type: 'message', teamId: 'a', formerTeamIds: ['b'], changedAt: 5 },
  { _id: 'message:2', type: 'message', teamId: 'a', formerTeamIds: [], changedAt: '6' },
  { _id: 'message:3', type: 'message', teamId: 'a', formerTeamIds: [] },
  { _id: 'predefined:1', type: 'predefined', teamId: null, changedAt: 7 },
  { _id: 'predefined:2', type: 'predefined', teamId: 'a', changedAt: 8 },
  { _id: 'predefined:3', type: 'predefined', changedAt: 9 },
  { _id: 'disposition:1', type: 'disposition', teamId: 'b', changedAt: 10 },
  { _id: 'team:a', type: 'team', name: 'A', changedAt: 11 },
  { _id: 'user:1', type: 'user', teamIds: ['a'], changedAt: 12 },
  { _id: 'contact:1', type: 'contact', teamIds: ['a', 'b', 'a'], createdBy: 'u1', changedAt: 13 },
  { _id: 'contact:2', type: 'contact', changedAt: 14 },
  { _id: 'contact:3', type: 'contact', teamIds: 'a', createdBy: 5, changedAt: 15 },
  { _id: 'contact:4', type: 'contact', removed: true, teamIds: ['c'], changedAt: 16 },
  { _id: 'note:1', type: 'note', contactId: 'contact:1', teamIds: ['a', 'b'], authorId: 'u1', changedAt: 19 },
  { _id: 'note:2', type: 'note', teamIds: [], authorId: 7, changedAt: 20 },
  { _id: 'tag:x', type: 'tag', name: 'X', changedAt: 21 },
  { _id: 'favourite:u1.c1', type: 'favourite', userId: 'u1', conversationId: 'conversation:c1', changedAt: 22 },
  { _id: 'favourite:u2.c1', type: 'favourite', changedAt: 23 },
  { _id: 'session:1', type: 'session', teamId: 'a', changedAt: 17 },
  { _id: 'counter:1', changedAt: 18 },
];

/** The view's keys for a document, by running its map function as a view server would. */
function viewKeysOf(doc: StoredDoc): unknown[][] {
  const emitted: unknown[][] = [];
  const map = runInNewContext(`(${SYNC_MAP})`, { emit: (key: unknown[]) => emitted.push(key) }) as (doc: unknown) => void;
  map(JSON.parse(JSON.stringify(doc)));
  return emitted;
}

describe('issue 8 design A.2 sync view keys', () => {
  it('ARCHITECTURE §4 the map function and syncKeysOf agree on every document shape', () => {
    for (const doc of [...docs, { ...docs[0], _id: 'conversation:gone', _deleted: true } as StoredDoc]) {
      const keys = syncKeysOf(doc);
      expect(viewKeysOf(doc), doc._id).toEqual(keys.map((key) => [doc.type, key, doc.changedAt]));
    }
  });

  it('ARCHITECTURE §4 the keys follow the visibility rules: teams and former teams, "all", contacts by team and creator, "*"', () => {
    const keysOf = (id: string) => syncKeysOf(docs.find((d) => d._id === id) ?? { _id: id });
    expect(keysOf('conversation:2')).toEqual(['team:b', 'team:a', 'team:c', '*']);
    expect(keysOf('message:1')).toEqual(['team:a', 'team:b', '*']);
    expect(keysOf('message:2')).toEqual([]); // no numeric changedAt: not in the index yet
    expect(keysOf('predefined:1')).toEqual(['all', '*']);
    expect(keysOf('predefined:2')).toEqual(['team:a', '*']);
    expect(keysOf('disposition:1')).toEqual(['team:b', '*']);
    expect(keysOf('team:a')).toEqual(['all', '*']);
    expect(keysOf('user:1')).toEqual(['all', '*']);
    // R-WS-03 notes like their contact plus their author; R-WS-05 tags for everyone; R-WS-13 favourites their owner's.
    expect(keysOf('note:1')).toEqual(['team:a', 'team:b', 'user:u1', '*']);
    expect(keysOf('tag:x')).toEqual(['all', '*']);
    expect(keysOf('favourite:u1.c1')).toEqual(['user:u1', '*']);
    expect(keysOf('contact:1')).toEqual(['team:a', 'team:b', 'user:u1', '*']);
    expect(keysOf('contact:2')).toEqual(['*']);
    expect(keysOf('contact:4')).toEqual(['team:c', '*']); // soft-deleted stays, as a tombstone source
    expect(keysOf('session:1')).toEqual([]);
    expect(REPLICATED_TYPES.has('session')).toBe(false);
  });

  describe('the embedded store evaluates the same function', () => {
    let opened: Opened;
    let store: DocStore;
    beforeEach(async () => {
      opened = await embeddedDriver.open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('ARCHITECTURE §5 every document is found under exactly the keys syncKeysOf gives it', async () => {
      const results = await store.bulkWrite(docs);
      expect(results.every((r) => r.ok)).toBe(true);
      const types = new Set(docs.map((d) => String(d.type)));
      const keys = new Set(['all', '*', 'team:undefined', 'user:undefined', ...docs.flatMap((d) => syncKeysOf(d))]);
      const found = new Map<string, string[]>();
      for (const type of types) {
        for (const key of keys) {
          const rows = await store.syncRange({ type, key, after: { t: 0, id: '' }, limit: 100 });
          for (const row of rows) found.set(row.id, [...(found.get(row.id) ?? []), key]);
        }
      }
      for (const doc of docs) expect((found.get(doc._id) ?? []).sort(), doc._id).toEqual([...syncKeysOf(doc)].sort());
    });
  });
});
