import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Nano from 'nano';
import { CouchStore } from '../src/store/couchdb.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { DocStore } from '../src/store/types.js';

/**
 * The store drivers every conformance suite runs against (ARCHITECTURE §5): the embedded store
 * always, CouchDB whenever `COUCHDB_URL` is set. Each `open` gives a fresh, empty database.
 */
export interface Opened {
  store: DocStore;
  /** A new store on the same data, as a restarted process would open it. */
  reopen?: () => Promise<DocStore>;
  cleanup: () => Promise<void>;
}

export interface Driver {
  name: 'embedded' | 'couchdb';
  open: () => Promise<Opened>;
}

export const embeddedDriver: Driver = {
  name: 'embedded',
  open: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-conformance-'));
    const stores: DocStore[] = [];
    const track = (store: DocStore): DocStore => {
      stores.push(store);
      return store;
    };
    return {
      store: track(new EmbeddedStore(dir)),
      reopen: async () => track(new EmbeddedStore(dir)),
      cleanup: async () => {
        try {
          for (const store of stores) await store.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  },
};

/** Requires a CouchDB server: set COUCHDB_URL. */
export const couchDriver: Driver = {
  name: 'couchdb',
  open: async () => {
    const url = process.env.COUCHDB_URL;
    if (!url) throw new Error('COUCHDB_URL is not set');
    const dbName = `atende-conformance-${randomUUID()}`;
    const stores: DocStore[] = [];
    const track = (store: DocStore): DocStore => {
      stores.push(store);
      return store;
    };
    return {
      store: track(await CouchStore.open(url, dbName)),
      reopen: async () => track(await CouchStore.open(url, dbName)),
      cleanup: async () => {
        try {
          for (const store of stores) await store.close();
        } finally {
          await Nano(url).db.destroy(dbName);
        }
      },
    };
  },
};

export const hasCouch = Boolean(process.env.COUCHDB_URL);
