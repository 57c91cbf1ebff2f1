import type PouchDB from 'pouchdb-node';
import {
  closeOwn, compactAll, getManyRaw, levelDbFolders, openInstance, openOwn, reopen, scrub, sublevelKey, writeRaw,
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
 * 2. `planErasure`, `applyErasure`, `compactErasure`, `sealErasure`: removes what PouchDB keeps
 *    of a deleted document — its metadata (id, revision tree), every stored revision body, its
 *    attachments, and in each view's LevelDB its rows and its `_local/doc_<id>` entry (which lists
 *    the keys it ever emitted) — then compacts and reopens every LevelDB of the store
 *    (store/leveldb.ts). Reading what to erase and compacting run while the store serves (nobody
 *    writes purged ids); only the deletions themselves and the reopens need the LevelDBs alone.
 */

const DOC_STORE = 'document-store';
const BY_SEQ_STORE = 'by-sequence';
const ATTACH_STORE = 'attach-store';
const BINARY_STORE = 'attach-binary-store';
const LOCAL_STORE = 'local-store';
/** How many times a tombstone write is retried when a concurrent write made a new leaf. */
const TOMBSTONE_ROUNDS = 5;
/** Documents read and deleted per PouchDB call. */
const CHUNK = 500;

/** PouchDB's by-sequence key (LevelPouch formatSeq). */
const seqKey = (seq: number): string => sublevelKey(BY_SEQ_STORE, String(seq).padStart(16, '0'));

interface Metadata {
  rev_map?: Record<string, number>;
}

/** The live leaf revisions of these documents: each winner and its `_conflicts` (a deleted winner has none). */
async function liveLeaves(db: PouchDB, ids: string[]): Promise<StoredDoc[]> {
  const { rows } = await db.allDocs({ keys: ids, include_docs: true, conflicts: true });
  return rows.flatMap((row) => {
    if (!row.doc || !row.value || row.value.deleted) return [];
    const conflicts = Array.isArray(row.doc._conflicts) ? (row.doc._conflicts as string[]) : [];
    return [row.value.rev, ...conflicts].map((rev) => ({ _id: row.id, _rev: rev }));
  });
}

/**
 * Deletes every live leaf of these documents with a tombstone holding nothing but id and revision
 * (a deletion that kept the fields would keep them in the change feed). Unknown ids are skipped.
 */
export async function deleteEveryLeaf(db: PouchDB, ids: readonly string[]): Promise<void> {
  let pending = [...new Set(ids)];
  for (let round = 0; round < TOMBSTONE_ROUNDS && pending.length > 0; round++) {
    const conflicted = new Set<string>();
    for (let i = 0; i < pending.length; i += CHUNK) {
      const leaves = await liveLeaves(db, pending.slice(i, i + CHUNK));
      const tombstones = leaves.map((leaf) => ({ _id: leaf._id, _rev: leaf._rev, _deleted: true }));
      if (tombstones.length === 0) continue;
      // In chunks: PouchDB holds its write lock (reads wait) for the whole of one bulk write.
      const results = await db.bulkDocs(tombstones);
      // A conflict: someone wrote the document meanwhile; its new leaf is deleted next round.
      results.forEach((result, j) => {
        if (!('ok' in result && result.ok)) conflicted.add(tombstones[j]?._id ?? '');
      });
    }
    pending = [...conflicted];
  }
  if (pending.length > 0) throw new Error(`purge: documents kept changing while being deleted: ${pending.length}`);
}

function parse<T>(raw: string | undefined): T | undefined {
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}

/** What to erase from one LevelDB. */
interface LevelPlan {
  level: LevelDown;
  /** Our own handle on a LevelDB nobody else has open (a stale view). */
  own: boolean;
  keys: string[];
}

export interface ErasurePlan {
  /** How many of the ids the main LevelDB held. */
  purged: number;
  levels: LevelPlan[];
  /** Attachment digests the purged revisions used, and those revisions' `<id>@<rev>` references. */
  digests: Set<string>;
  refs: Set<string>;
}

/** The metadata keys, revision-body keys and revisions of these documents (in one LevelDB). */
async function documentsIn(level: LevelDown, ids: string[]) {
  const metas = await getManyRaw(level, ids.map((id) => sublevelKey(DOC_STORE, id)));
  const found: Array<{ id: string; revs: string[]; seqKeys: string[] }> = [];
  metas.forEach((raw, i) => {
    const metadata = parse<Metadata>(raw);
    const id = ids[i];
    if (!metadata || id === undefined) return;
    const revMap = metadata.rev_map ?? {};
    found.push({ id, revs: Object.keys(revMap), seqKeys: Object.values(revMap).map(seqKey) });
  });
  const keys = found.flatMap((doc) => [sublevelKey(DOC_STORE, doc.id), ...doc.seqKeys]);
  return { found, keys };
}

async function planMain(plan: ErasurePlan, level: LevelDown, ids: string[]): Promise<string[]> {
  const { found, keys } = await documentsIn(level, ids);
  plan.purged = found.length;
  for (const doc of found) for (const rev of doc.revs) plan.refs.add(`${doc.id}@${rev}`);
  // Attachments are stored once per digest, with the `<id>@<rev>` references that use them.
  // Auto-compaction has usually dropped the purged revisions' references already (the tombstones
  // made them non-leaf); this covers any revision body still stored.
  for (const raw of await getManyRaw(level, found.flatMap((doc) => doc.seqKeys))) {
    const attachments = parse<StoredDoc>(raw)?._attachments as Record<string, { digest?: string }> | undefined;
    for (const att of Object.values(attachments ?? {})) if (att.digest) plan.digests.add(att.digest);
  }
  return keys;
}

/**
 * A view's LevelDB (pouchdb-abstract-mapreduce): each row is a document whose id encodes
 * [key, source id]; `_local/doc_<source id>` lists every row id the source document ever had.
 * Rows go even when the view is stale (one no design document uses any more).
 */
async function planView(level: LevelDown, ids: string[]): Promise<string[]> {
  const localKeys = ids.map((id) => sublevelKey(LOCAL_STORE, `_local/doc_${id}`));
  const locals = await getManyRaw(level, localKeys);
  const rowIds = locals.flatMap((raw) => parse<{ keys?: string[] }>(raw)?.keys ?? []);
  const rows = await documentsIn(level, rowIds);
  return [...localKeys.filter((_, i) => locals[i] !== undefined), ...rows.keys];
}

/**
 * Reads what to erase from every LevelDB under `mainFolder` (the main one and each `-mrview-`
 * one), while the store serves: the purged documents are deleted and nobody writes them.
 */
export async function planErasure(mainFolder: string, ids: readonly string[]): Promise<ErasurePlan> {
  const unique = [...new Set(ids)];
  const plan: ErasurePlan = { purged: 0, levels: [], digests: new Set(), refs: new Set() };
  try {
    for (const folder of await levelDbFolders(mainFolder)) {
      const shared = openInstance(folder);
      const entry: LevelPlan = { level: shared ?? (await openOwn(folder)), own: !shared, keys: [] };
      plan.levels.push(entry);
      entry.keys = folder === mainFolder ? await planMain(plan, entry.level, unique) : await planView(entry.level, unique);
    }
    return plan;
  } catch (error) {
    await releaseErasure(plan);
    throw error;
  }
}

/** With the LevelDBs alone: the deletions, the attachments' references, and a first reopen. */
export async function applyErasure(plan: ErasurePlan): Promise<void> {
  const [main] = plan.levels;
  if (main && plan.digests.size > 0) {
    const digests = [...plan.digests];
    const stored = await getManyRaw(main.level, digests.map((digest) => sublevelKey(ATTACH_STORE, digest)));
    const writes: Array<{ type: 'put' | 'del'; key: string; value?: string }> = [];
    digests.forEach((digest, i) => {
      const refs = Object.keys(parse<{ refs?: Record<string, boolean> }>(stored[i])?.refs ?? {}).filter((ref) => !plan.refs.has(ref));
      if (refs.length > 0) {
        writes.push({ type: 'put', key: sublevelKey(ATTACH_STORE, digest), value: JSON.stringify({ refs: Object.fromEntries(refs.map((ref) => [ref, true])) }) });
      } else {
        writes.push({ type: 'del', key: sublevelKey(ATTACH_STORE, digest) }, { type: 'del', key: sublevelKey(BINARY_STORE, digest) });
      }
    });
    await writeRaw(main.level, writes);
  }
  for (const entry of plan.levels) {
    await writeRaw(entry.level, entry.keys.map((key) => ({ type: 'del' as const, key })));
    // Ends every iterator from before the deletions, which would keep the values alive.
    if (!entry.own) await reopen(entry.level);
  }
}

/** While the store serves: compacts the LevelDBs in use; scrubs and closes our own handles. */
export async function compactErasure(plan: ErasurePlan): Promise<void> {
  for (const entry of plan.levels) {
    if (entry.own) await scrub(entry.level);
    else await compactAll(entry.level);
  }
  await releaseErasure(plan);
}

/** With the LevelDBs alone: the reopen that rewrites each MANIFEST and forgets the info log. */
export async function sealErasure(plan: ErasurePlan): Promise<void> {
  for (const entry of plan.levels) if (!entry.own) await reopen(entry.level);
}

/** Closes our own handles (idempotent): after the compaction, or when a step failed. */
export async function releaseErasure(plan: ErasurePlan): Promise<void> {
  for (const entry of plan.levels) if (entry.own && entry.level.status === 'open') await closeOwn(entry.level);
}
