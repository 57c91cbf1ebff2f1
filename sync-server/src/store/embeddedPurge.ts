import type PouchDB from 'pouchdb-node';
import {
  closeOwn, compactAll, deleteRaw, getRaw, levelDbFolders, openInstance, openOwn, putRaw, reopen, scrub, sublevelKey,
  type LevelDown,
} from './leveldb.js';
import type { StoredDoc } from './types.js';

/**
 * Purge for the embedded store (issue 19, R-PRIV-03), in two phases because pouchdb-node has no
 * `_purge`:
 * 1. `deleteEveryLeaf` (through PouchDB, while the store serves): a minimal tombstone on every
 *    live leaf revision, conflicts included, so the views, Mango indexes, the sync index and the
 *    live change feeds drop the documents the ordinary way; the caller then brings every view up
 *    to date.
 * 2. `eraseEntries`, `compactEntries`, `sealEntries`: removes what PouchDB keeps of a deleted
 *    document — its metadata (id, revision tree), every stored revision body, its attachments,
 *    and in each view's LevelDB its rows and its `_local/doc_<id>` entry (which lists the keys it
 *    ever emitted) — then compacts and reopens every LevelDB of the store (store/leveldb.ts). Only
 *    the erasure and the reopens need the LevelDBs alone; the long part, compaction, runs while
 *    the store serves.
 */

const DOC_STORE = 'document-store';
const BY_SEQ_STORE = 'by-sequence';
const ATTACH_STORE = 'attach-store';
const BINARY_STORE = 'attach-binary-store';
const LOCAL_STORE = 'local-store';
/** How many times a tombstone write is retried when a concurrent write made a new leaf. */
const TOMBSTONE_ROUNDS = 5;

/** PouchDB's by-sequence key (LevelPouch formatSeq). */
const seqKey = (seq: number): string => sublevelKey(BY_SEQ_STORE, String(seq).padStart(16, '0'));

interface Metadata {
  rev_map?: Record<string, number>;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
}

async function liveLeaves(db: PouchDB, id: string): Promise<StoredDoc[]> {
  try {
    const leaves = await db.get(id, { open_revs: 'all' });
    return leaves.flatMap((leaf) => (leaf.ok && !leaf.ok._deleted ? [leaf.ok as StoredDoc] : []));
  } catch (error) {
    if (statusOf(error) === 404) return [];
    throw error;
  }
}

/**
 * Deletes every live leaf of these documents with a tombstone holding nothing but id and revision
 * (a deletion that kept the fields would keep them in the change feed). Unknown ids are skipped.
 */
export async function deleteEveryLeaf(db: PouchDB, ids: readonly string[]): Promise<void> {
  let pending = [...new Set(ids)];
  for (let round = 0; round < TOMBSTONE_ROUNDS && pending.length > 0; round++) {
    const tombstones: StoredDoc[] = [];
    for (const id of pending) {
      for (const leaf of await liveLeaves(db, id)) tombstones.push({ _id: id, _rev: leaf._rev, _deleted: true });
    }
    if (tombstones.length === 0) return;
    const results = await db.bulkDocs(tombstones);
    // A conflict: someone wrote the document meanwhile; its new leaf is deleted next round.
    pending = [...new Set(results.flatMap((result, i) => ('ok' in result && result.ok ? [] : [tombstones[i]?._id ?? ''])))];
  }
  if (pending.length > 0) throw new Error(`purge: documents kept changing while being deleted: ${pending.length}`);
}

async function readJson<T>(level: LevelDown, key: string): Promise<T | undefined> {
  const raw = await getRaw(level, key);
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}

interface Erased {
  revs: string[];
  bodies: StoredDoc[];
}

/** Removes a document's metadata and every revision body it still has; answers what it removed. */
async function eraseDocument(level: LevelDown, id: string): Promise<Erased | undefined> {
  const metadata = await readJson<Metadata>(level, sublevelKey(DOC_STORE, id));
  if (!metadata) return undefined;
  const revMap = metadata.rev_map ?? {};
  const keys = Object.values(revMap).map(seqKey);
  const bodies: StoredDoc[] = [];
  for (const key of keys) {
    const body = await readJson<StoredDoc>(level, key);
    if (body) bodies.push(body);
  }
  await deleteRaw(level, [...keys, sublevelKey(DOC_STORE, id)]);
  return { revs: Object.keys(revMap), bodies };
}

/** Attachments are stored once per digest, with the `<id>@<rev>` references that use them. */
async function dropAttachmentRefs(level: LevelDown, id: string, { revs, bodies }: Erased): Promise<void> {
  const ours = new Set(revs.map((rev) => `${id}@${rev}`));
  const digests = new Set<string>();
  for (const body of bodies) {
    for (const att of Object.values((body._attachments ?? {}) as Record<string, { digest?: string }>)) {
      if (att.digest) digests.add(att.digest);
    }
  }
  for (const digest of digests) {
    const stored = await readJson<{ refs?: Record<string, boolean> }>(level, sublevelKey(ATTACH_STORE, digest));
    const refs = Object.keys(stored?.refs ?? {}).filter((ref) => !ours.has(ref));
    if (refs.length > 0) {
      await putRaw(level, sublevelKey(ATTACH_STORE, digest), JSON.stringify({ refs: Object.fromEntries(refs.map((ref) => [ref, true])) }));
    } else {
      await deleteRaw(level, [sublevelKey(ATTACH_STORE, digest), sublevelKey(BINARY_STORE, digest)]);
    }
  }
}

/** The main LevelDB: answers how many of the ids it held. */
async function eraseDocuments(level: LevelDown, ids: readonly string[]): Promise<number> {
  let purged = 0;
  for (const id of new Set(ids)) {
    const erased = await eraseDocument(level, id);
    if (!erased) continue;
    purged++;
    await dropAttachmentRefs(level, id, erased);
  }
  return purged;
}

/**
 * A view's LevelDB (pouchdb-abstract-mapreduce): each row is a document whose id encodes
 * [key, source id]; `_local/doc_<source id>` lists every row id the source document ever had.
 * Rows go even when the view is stale (one no design document uses any more).
 */
async function eraseViewRows(level: LevelDown, ids: readonly string[]): Promise<void> {
  for (const id of new Set(ids)) {
    const localKey = sublevelKey(LOCAL_STORE, `_local/doc_${id}`);
    const meta = await readJson<{ keys?: string[] }>(level, localKey);
    if (!meta) continue;
    for (const rowId of meta.keys ?? []) await eraseDocument(level, rowId);
    await deleteRaw(level, [localKey]);
  }
}

/** What phase 2 left to do: compact the LevelDBs in use, then reopen them (store/leveldb.ts). */
export interface ErasedEntries {
  purged: number;
  /** The LevelDBs PouchDB has open, their entries erased and reopened once. */
  inUse: LevelDown[];
}

/**
 * Phase 2a, with nothing else touching the LevelDBs under `mainFolder` (the main one and every
 * `-mrview-` one): erases the entries and reopens each LevelDB in use (no iterator from before
 * the erasure survives to keep the values alive through the compaction). LevelDBs nobody has
 * open (stale views) are scrubbed to the end here. Fast: no compaction of a LevelDB in use.
 */
export async function eraseEntries(mainFolder: string, ids: readonly string[]): Promise<ErasedEntries> {
  let purged = 0;
  const inUse: LevelDown[] = [];
  for (const folder of await levelDbFolders(mainFolder)) {
    const shared = openInstance(folder);
    const level = shared ?? (await openOwn(folder));
    try {
      if (folder === mainFolder) purged = await eraseDocuments(level, ids);
      else await eraseViewRows(level, ids);
      if (shared) {
        await reopen(level);
        inUse.push(level);
      } else {
        await scrub(level);
      }
    } finally {
      if (!shared) await closeOwn(level);
    }
  }
  return { purged, inUse };
}

/** Phase 2b, while the store serves: the compactions that drop the erased values from the files. */
export async function compactEntries(erased: ErasedEntries): Promise<void> {
  for (const level of erased.inUse) await compactAll(level);
}

/** Phase 2c, with nothing else touching them: the reopen that rewrites each MANIFEST and info log. */
export async function sealEntries(erased: ErasedEntries): Promise<void> {
  for (const level of erased.inUse) await reopen(level);
}
