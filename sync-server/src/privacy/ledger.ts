import { ulid } from '@atende/protocol';
import {
  appendLedgerFile, erasedIdsOf, hashId, LEDGER_PREFIX, LEDGER_TYPE, ledgerPath, readLedgerFile, type RemovalReason,
} from '../backup/erasureLedger.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import type { PrivacyContext } from './context.js';
import { eachInRange, PAGE } from './pages.js';

/**
 * The erasure ledger's writes and its start-up sweep (R-PRIV-03; the hashing, the file and the
 * per-node copy are backup/erasureLedger.ts, which restore and push read too).
 */

/** Hashes per ledger document: 2,000 × 64 characters keeps one well under CouchDB's limits. */
const HASHES_PER_DOC = 2_000;

/**
 * Records that these ids are removed for good, before they are purged: first the file beside
 * the store (fsync'd), then `erasure:<ulid>` documents, then this node's copy — so a crash after
 * this and before the purge leaves ids listed whose documents the sweep removes at the next start.
 */
export async function appendLedger(ctx: Pick<PrivacyContext, 'store' | 'privacyDir' | 'now'>, ids: readonly string[], reason: RemovalReason): Promise<string[]> {
  const hashes = [...new Set(ids)].map(hashId);
  if (hashes.length === 0) return hashes;
  const at = ctx.now();
  await appendLedgerFile(ctx.privacyDir, hashes, at, reason);
  await writeLedgerDocs(ctx.store, hashes, at, reason);
  erasedIdsOf(ctx.store).add(hashes);
  return hashes;
}

async function writeLedgerDocs(store: DocStore, hashes: readonly string[], at: number, reason: RemovalReason): Promise<void> {
  const docs: StoredDoc[] = [];
  for (let i = 0; i < hashes.length; i += HASHES_PER_DOC) {
    docs.push({ _id: `${LEDGER_PREFIX}${ulid(at)}`, type: LEDGER_TYPE, at, reason, hashes: hashes.slice(i, i + HASHES_PER_DOC) });
  }
  const results = await store.bulkWrite(docs);
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) throw new Error(`erasure ledger not written: ${failed.reason}`);
}

/** Every hash the store's side of the ledger holds (`erasure:` documents, paged). */
async function storeLedgerHashes(store: DocStore): Promise<Set<string>> {
  const hashes = new Set<string>();
  await eachInRange(store, LEDGER_PREFIX, (page) => {
    for (const doc of page) if (Array.isArray(doc.hashes)) for (const h of doc.hashes) if (typeof h === 'string') hashes.add(h);
  });
  return hashes;
}

/**
 * The start-up sweep (model point 4c): when the file lists hashes the store's ledger lacks, the
 * store was put back by other means than our restore (a copied folder, a CouchDB replication) and
 * may hold erased documents again. Then every id of the store is hashed (paged, ids only) and the
 * listed ones are purged; the store's ledger gets the missing hashes. `force` sweeps regardless.
 * Answers how many documents it purged.
 */
export async function sweepErased(ctx: PrivacyContext, options: { force?: boolean } = {}): Promise<number> {
  const fromFile = await readLedgerFile(ledgerPath(ctx.privacyDir));
  const inStore = await storeLedgerHashes(ctx.store);
  const missing = [...fromFile].filter((h) => !inStore.has(h));
  if (missing.length === 0 && !options.force) return 0;
  const listed = new Set([...fromFile, ...inStore]);
  const found: string[] = [];
  let after = '';
  for (;;) {
    const page = await ctx.store.find({ selector: { _id: { $gt: after } }, limit: PAGE, fields: ['_id'] });
    for (const { _id } of page) if (listed.has(hashId(_id))) found.push(_id);
    const last = page.at(-1);
    if (page.length < PAGE || !last) break;
    after = last._id;
  }
  if (missing.length > 0) await writeLedgerDocs(ctx.store, missing, ctx.now(), 'erasure');
  erasedIdsOf(ctx.store).add(listed);
  if (found.length === 0) return 0;
  const store = ctx.store;
  const purged = await store.purge(found);
  await store.bumpEpoch();
  ctx.identityChanged();
  ctx.log(`privacy: the start-up sweep purged ${purged} erased document(s) found in the store again`);
  return purged;
}

/**
 * The sweep as setup.ts starts it: in the background at start (a failure is logged, retried at the
 * next start), waited for at stop so no purge runs into a closing store.
 */
export function erasureSweep(ctx: PrivacyContext): { start(): void; stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  return {
    start() {
      running = sweepErased(ctx).catch((error: unknown) =>
        ctx.log(`privacy: the erasure ledger's start-up sweep failed: ${error instanceof Error ? error.message : String(error)}`));
    },
    async stop() {
      await running;
    },
  };
}
