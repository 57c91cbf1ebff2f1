import { afterEach, describe, expect, it } from 'vitest';
import type { ViewDesign } from '../src/store/types.js';
import { couchDriver, embeddedDriver, type Opened } from './storeDrivers.js';

/** The domain-view contract (store/domainViews.ts) the search indexes rely on, for every driver. */
const drivers = [embeddedDriver, ...(process.env.COUCHDB_URL ? [couchDriver] : [])];

const design = (map: string): ViewDesign => ({ name: 'test-views', views: { by_word: map } });
const WORDS = "function (doc) { if (doc.type === 'w') emit([doc.scope, doc.word, doc.at], null); }";
const UPPER = "function (doc) { if (doc.type === 'w') emit([doc.scope, doc.word.toUpperCase(), doc.at], null); }";

describe.each(drivers)('domain views on the $name store', (driver) => {
  let opened: Opened | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('R-WS-13 a prefix range of one scope, ascending or descending, with the documents; other scopes and deleted documents are not in it', async () => {
    opened = await driver.open();
    const { store } = opened;
    await store.bulkWrite([
      { _id: 'w:1', type: 'w', scope: 'a', word: 'boleto', at: 1 },
      { _id: 'w:2', type: 'w', scope: 'a', word: 'bolo', at: 2 },
      { _id: 'w:3', type: 'w', scope: 'a', word: 'casa', at: 3 },
      { _id: 'w:4', type: 'w', scope: 'b', word: 'boleto', at: 4 },
      { _id: 'w:5', type: 'w', scope: 'a', word: 'bola', at: 5 },
    ]);
    const view = design(WORDS);
    const up = await store.queryView(view, { view: 'by_word', startkey: ['a', 'bol'], endkey: ['a', 'bol\ufff0'], limit: 10 });
    expect(up.map((r) => r.id)).toEqual(['w:5', 'w:1', 'w:2']);
    expect(up[0]?.doc).toMatchObject({ word: 'bola' });
    const down = await store.queryView(view, { view: 'by_word', startkey: ['a', 'bol\ufff0'], endkey: ['a', 'bol'], limit: 2, descending: true });
    expect(down.map((r) => r.id)).toEqual(['w:2', 'w:1']);
    const five = await store.get('w:5');
    await store.bulkWrite([{ _id: 'w:5', _rev: five!._rev!, _deleted: true }]);
    expect((await store.queryView(view, { view: 'by_word', startkey: ['a', 'bol'], endkey: ['a', 'bol\ufff0'], limit: 10 })).map((r) => r.id)).toEqual(['w:1', 'w:2']);
  });

  it('ARCHITECTURE §5 ensureView is idempotent, a changed definition replaces the old one, and warmIndexes builds it', async () => {
    opened = await driver.open();
    const { store } = opened;
    await store.bulkWrite([{ _id: 'w:1', type: 'w', scope: 'a', word: 'boleto', at: 1 }]);
    await store.ensureView(design(WORDS));
    await store.ensureView(design(WORDS));
    await store.warmIndexes();
    const first = await store.get('_design/test-views');
    await store.close(); // a restarted process with a newer definition
    const reopened = await opened.reopen!();
    await reopened.ensureView(design(WORDS));
    expect((await reopened.get('_design/test-views'))?._rev).toBe(first?._rev);
    await reopened.ensureView(design(UPPER));
    expect((await reopened.get('_design/test-views'))?._rev).not.toBe(first?._rev);
    const rows = await reopened.queryView(design(UPPER), { view: 'by_word', startkey: ['a', 'BOL'], endkey: ['a', 'BOL\ufff0'], limit: 10 });
    expect(rows.map((r) => r.id)).toEqual(['w:1']);
  });
});
