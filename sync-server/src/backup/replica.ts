import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import type { StoreConfig } from '../config/config.js';
import { BackupError, type LeafRevision, type StoreDriver } from './format.js';

/**
 * The replication slice of the PouchDB/CouchDB API a backup needs, the same for LevelDB on disk
 * and for CouchDB over HTTP (pouchdb-node carries both adapters): changes with every open
 * revision, `_bulk_get` with history and attachments, and `_bulk_docs` with `new_edits: false`,
 * which writes revisions as they are instead of making new ones. The store drivers' `DocStore`
 * hides revision trees on purpose, so backups talk to the database underneath.
 */
export interface ReplicaDb {
  info(): Promise<{ doc_count: number; update_seq: number | string }>;
  changes(options: { since: number | string; limit: number; style: 'all_docs' }): Promise<{
    results: Array<{ id: string; seq: number | string; changes: Array<{ rev: string }>; deleted?: boolean }>;
    last_seq: number | string;
  }>;
  bulkGet(options: { docs: Array<{ id: string; rev: string }>; revs: true; attachments: true }): Promise<{
    results: Array<{ id: string; docs: Array<{ ok: LeafRevision } | { error: { error?: string; reason?: string } }> }>;
  }>;
  get(id: string, options: { open_revs: 'all'; revs: true; attachments: true }): Promise<Array<{ ok: LeafRevision } | { missing: string }>>;
  bulkDocs(docs: LeafRevision[], options: { new_edits: false }): Promise<Array<{ error?: unknown; status?: number; id?: string; reason?: string; message?: string }>>;
  close(): Promise<void>;
}

/** The embedded driver's database inside ATENDE_DATA_DIR (EmbeddedStore's default name). */
export const EMBEDDED_DB_NAME = 'atende';

export const embeddedDbPath = (dataDir: string): string => path.join(dataDir, EMBEDDED_DB_NAME);

/** The data folder is open in a running server: LevelDB lets one process hold it. */
export class StoreInUseError extends BackupError {
  override name = 'StoreInUseError';
}

const isLockError = (error: unknown): boolean => error instanceof Error && /\block\b/i.test(error.message);

// pouchdb-node's declared slice (store/pouchdb.d.ts) lacks the replication methods it has.
const asReplica = (db: PouchDB): ReplicaDb => db as unknown as ReplicaDb;

export interface OpenedReplica {
  db: ReplicaDb;
  driver: StoreDriver;
  /** Where it is, for messages (the CouchDB URL without its credentials). */
  where: string;
}

/**
 * Opens the configured store's database directly. `create`: a restore target may not exist yet;
 * a backup source must (a typo in ATENDE_DATA_DIR must not back up a fresh empty store).
 * Throws StoreInUseError when a running server holds the embedded data folder.
 */
export async function openReplica(store: StoreConfig, options: { create: boolean }): Promise<OpenedReplica> {
  if (store.driver === 'couchdb') {
    const url = new URL(store.couchUrl);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(store.couchDb)}`;
    const shown = new URL(url);
    shown.username = '';
    shown.password = '';
    const db = new (PouchDB as unknown as new (name: string, options: { skip_setup: boolean }) => PouchDB)(url.toString(), { skip_setup: !options.create });
    await checkOpen(asReplica(db), shown.toString());
    return { db: asReplica(db), driver: 'couchdb', where: shown.toString() };
  }
  const dbPath = embeddedDbPath(store.dataDir);
  if (!options.create && !existsSync(dbPath)) throw new BackupError(`no Atende store in ${store.dataDir} (${dbPath} does not exist)`);
  mkdirSync(store.dataDir, { recursive: true });
  const db = asReplica(new PouchDB(dbPath));
  try {
    await db.info();
  } catch (error) {
    if (isLockError(error)) {
      throw new StoreInUseError(`the data folder ${store.dataDir} is in use by a running server`);
    }
    throw error;
  }
  return { db, driver: 'embedded', where: store.dataDir };
}

async function checkOpen(db: ReplicaDb, where: string): Promise<void> {
  try {
    await db.info();
  } catch (error) {
    const status = (error as { status?: number }).status;
    const reason = status === 404 ? 'the database does not exist' : status === 401 || status === 403 ? 'access denied' : String(error);
    throw new BackupError(`CouchDB ${where}: ${reason}`);
  }
}

/**
 * The database a running embedded server has open, for its backup route. LevelDB lets one process
 * hold a folder, and pouchdb-node shares one handle per path inside a process, so this reuses
 * the server's handle: it must never be closed (that would close the server's store).
 */
export function sharedEmbeddedReplica(dataDir: string): ReplicaDb {
  return asReplica(new PouchDB(embeddedDbPath(dataDir)));
}

export interface HeldReplica {
  db: ReplicaDb;
  /** Done with it: closes a CouchDB handle; leaves the embedded one, which is the server's own. */
  release: () => Promise<void>;
}

/** The database of the store a running server opened from `store`, for its backup route. */
export function serverReplica(store: StoreConfig): () => Promise<HeldReplica> {
  if (store.driver === 'embedded') {
    let shared: ReplicaDb | undefined;
    return async () => ({ db: (shared ??= sharedEmbeddedReplica(store.dataDir)), release: async () => {} });
  }
  return async () => {
    const { db } = await openReplica(store, { create: false });
    return { db, release: () => db.close() };
  };
}

/** Nothing written in it ever: no document and no tombstone. */
export async function isEmpty(db: ReplicaDb): Promise<boolean> {
  const page = await db.changes({ since: 0, limit: 1, style: 'all_docs' });
  return page.results.length === 0;
}
