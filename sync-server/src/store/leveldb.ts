import { readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The LevelDB underneath the embedded store, for what PouchDB's API cannot do: purge documents
 * for good (issue 19, R-PRIV-03). pouchdb-node (LevelDB adapter) has no `_purge`, and LevelDB
 * keeps deleted values in its write-ahead log and tables until a compaction drops them.
 */

type Callback<T = void> = (error: Error | null | undefined, value?: T) => void;

/** The slice of leveldown 6 we call (it ships no types). Keys and values are Buffers or strings. */
export interface LevelDown {
  readonly location: string;
  readonly status: string;
  open(options: { createIfMissing?: boolean }, callback: Callback): void;
  close(callback: Callback): void;
  get(key: string | Buffer, options: { asBuffer: boolean }, callback: Callback<string>): void;
  getMany(keys: string[], options: { asBuffer: boolean }, callback: Callback<Array<string | undefined>>): void;
  batch(operations: Array<{ type: 'put' | 'del'; key: string | Buffer; value?: string | Buffer }>, callback: Callback): void;
  compactRange(start: Buffer, end: Buffer, callback: Callback): void;
}
type LevelDownConstructor = (location: string) => LevelDown;

// The very leveldown pouchdb-node loads itself, not a copy of our own.
const leveldown = createRequire(createRequire(import.meta.url).resolve('pouchdb-node'))('leveldown') as LevelDownConstructor;

/** The open LevelDBs this process made through `trackedLeveldown`, by folder. */
const instances = new Map<string, LevelDown>();

/**
 * Given to PouchDB as its `db` option, so we keep a handle on every LevelDB it opens — the main
 * one and each view's (`<name>-mrview-<hash>`: PouchDB opens them with the main database's options).
 * Named like leveldown's own constructor: PouchDB caches open databases by that name.
 */
export const trackedLeveldown = function LevelDOWN(location: string): LevelDown {
  const instance = leveldown(location);
  instances.set(location, instance);
  return instance;
};

function call(run: (done: Callback) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
}

/** Many values at once (undefined where a key is missing). */
export function getManyRaw(db: LevelDown, keys: string[]): Promise<Array<string | undefined>> {
  if (keys.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) =>
    db.getMany(keys, { asBuffer: false }, (error, values) => (error ? reject(error) : resolve(values ?? []))),
  );
}

/** One atomic batch of deletions and writes (nothing when empty). */
export function writeRaw(db: LevelDown, operations: Array<{ type: 'put' | 'del'; key: string; value?: string }>): Promise<void> {
  if (operations.length === 0) return Promise.resolve();
  return call((done) => db.batch(operations, done));
}

/** PouchDB's sublevel keys: `ÿ<store>ÿ<key>` (sublevel-pouchdb's precodec), as UTF-8. */
export const sublevelKey = (store: string, key: string): string => `\xff${store}\xff${key}`;

/** Every LevelDB folder of one embedded store: the main one and its views'. */
export async function levelDbFolders(mainFolder: string): Promise<string[]> {
  const parent = path.dirname(mainFolder);
  const viewPrefix = `${path.basename(mainFolder)}-mrview-`;
  const entries = await readdir(parent, { withFileTypes: true });
  const views = entries.filter((e) => e.isDirectory() && e.name.startsWith(viewPrefix)).map((e) => path.join(parent, e.name));
  return [mainFolder, ...views.sort()];
}

/** The open handle PouchDB uses for this folder, or undefined when nobody in this process has it open. */
export function openInstance(folder: string): LevelDown | undefined {
  const instance = instances.get(folder);
  return instance?.status === 'open' ? instance : undefined;
}

/** A handle of our own on a LevelDB nobody has open (a view no design document uses any more). */
export async function openOwn(folder: string): Promise<LevelDown> {
  const db = leveldown(folder);
  await call((done) => db.open({ createIfMissing: false }, done));
  return db;
}

export function closeOwn(db: LevelDown): Promise<void> {
  return call((done) => db.close(done));
}

/**
 * Keys outside PouchDB's sublevels (which start with the UTF-8 bytes of 'ÿ', C3 BF) at both ends
 * of the key space. Written fresh before each compaction, they make every level's compaction
 * span the whole key space, so the "compaction pointers" LevelDB records in its MANIFEST (the
 * largest key of each level's last compaction) are these, never a purged id.
 */
const LOW = Buffer.from([0x00, 0x00, 0x00, 0x01]);
const HIGH = Buffer.from([0xff, 0xff, 0xff, 0xfe]);
const RANGE_START = Buffer.from([0x00]);
const RANGE_END = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]);

/**
 * Compacts the whole key space so every level merges into the bottom one, dropping deleted
 * values and their deletion markers from the write-ahead log (`*.log`) and tables (`*.ldb`).
 * After a `reopen`: LevelDB writes the log it recovers into a level-0 table, and a manual
 * compaction always merges level 0 down, so the deletions meet the values they delete (a
 * memory table flushed by the compaction itself could land on the bottom level, which a
 * manual compaction never rewrites). Reads and writes may go on meanwhile: a snapshot taken
 * after the deletions does not keep the deleted values; the reopen ended every older one.
 */
export async function compactAll(db: LevelDown): Promise<void> {
  await call((done) => db.batch([{ type: 'put', key: LOW, value: '' }, { type: 'put', key: HIGH, value: '' }], done));
  await call((done) => db.compactRange(RANGE_START, RANGE_END, done));
}

/**
 * Closes and reopens the same handle (PouchDB keeps using it; nothing may use it meanwhile).
 * Ends every iterator and snapshot, rewrites the MANIFEST — a log of every table's smallest and
 * largest key, rewritten with the live tables only when the database opens — and forgets the
 * info log `LOG`/`LOG.old`, diagnostic text into which a manual compaction writes key ranges.
 */
export async function reopen(db: LevelDown): Promise<void> {
  await call((done) => db.close(done));
  await rm(path.join(db.location, 'LOG'), { force: true });
  await rm(path.join(db.location, 'LOG.old'), { force: true });
  await call((done) => db.open({ createIfMissing: false }, done));
}

/** All three steps on a LevelDB nobody else uses: no byte of deleted entries left in its files. */
export async function scrub(db: LevelDown): Promise<void> {
  await reopen(db);
  await compactAll(db);
  await reopen(db);
}
