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
  /** Without `attachments` each attachment is a stub with its `length` instead of its `data`. */
  bulkGet(options: { docs: Array<{ id: string; rev: string }>; revs: true; attachments: boolean }): Promise<{
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
 * The PouchDB database an embedded store (store/embedded.ts) reads and writes, for the backup
 * route of the server that opened it. LevelDB lets one process hold a folder, so the copy must be
 * read through this very handle: a second PouchDB on the same path would share the LevelDB handle
 * but reload the shared document count while the server writes, and closing it would close the
 * server's store. The driver keeps the handle in its `db` field (TypeScript-private only); the
 * shape is checked, so a change there fails the backup, not the server.
 */
export function embeddedReplicaOf(store: unknown): ReplicaDb {
  const db = typeof store === 'object' && store !== null && (store as { kind?: unknown }).kind === 'embedded'
    ? (store as { db?: unknown }).db
    : undefined;
  const methods = ['info', 'changes', 'bulkGet', 'get'] as const;
  if (typeof db !== 'object' || db === null || !methods.every((m) => typeof (db as Record<string, unknown>)[m] === 'function')) {
    throw new BackupError('the embedded store does not expose its database for a backup');
  }
  return db as ReplicaDb;
}

export interface HeldReplica {
  db: ReplicaDb;
  /** Done with it: closes a CouchDB handle; leaves the embedded one, which is the server's own. */
  release: () => Promise<void>;
}

/** Nothing written in it ever: no document and no tombstone. */
export async function isEmpty(db: ReplicaDb): Promise<boolean> {
  const page = await db.changes({ since: 0, limit: 1, style: 'all_docs' });
  return page.results.length === 0;
}
