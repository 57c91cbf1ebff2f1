import { REPLICATED_TYPES, START_SEQ, type DocStore, type StoredDoc } from '../store/index.js';

const MARKER_ID = 'meta:change-stamps';
const PAGE = 1_000;

export interface StampBackfillResult {
  /** false: a previous start-up did it already (the marker document exists). */
  ran: boolean;
  stamped: number;
}

/**
 * Documents written before `changedAt` existed (a store from an earlier version, or data loaded
 * straight into the store folder) are not in the sync index and would never replicate. Once per
 * store, at start-up before the server listens, every replicated document without a stamp is
 * rewritten with its own last change time as stamp — on the store under the stamping wrapper,
 * which would stamp "now" — and a marker document records that it was done. A
 * document someone else wrote meanwhile (a conflict) got its stamp from that write.
 */
export async function backfillChangeStamps(store: DocStore, log: (message: string) => void = () => {}): Promise<StampBackfillResult> {
  if (await store.get(MARKER_ID)) return { ran: false, stamped: 0 };
  let since = START_SEQ;
  let stamped = 0;
  for (;;) {
    const page = await store.changes({ since, limit: PAGE });
    const unstamped = page.results
      .map((row) => row.doc)
      .filter((doc): doc is StoredDoc => isUnstamped(doc))
      .map((doc) => ({ ...doc, changedAt: pastStamp(doc) }));
    if (unstamped.length > 0) {
      const results = await store.bulkWrite(unstamped);
      stamped += results.filter((r) => r.ok).length;
    }
    since = page.lastSeq;
    if (page.results.length < PAGE) break;
  }
  await store.bulkWrite([{ _id: MARKER_ID, type: 'meta', at: Date.now(), stamped }]);
  if (stamped > 0) log(`sync index: stamped ${stamped} documents written before change stamps existed`);
  return { ran: true, stamped };
}

/**
 * The document's own last change, not now: an upgraded store's old finished conversations and
 * messages must stay outside the replica window instead of all looking recent.
 */
function pastStamp(doc: StoredDoc): number {
  const when = typeof doc.updatedAt === 'number' ? doc.updatedAt : typeof doc.createdAt === 'number' ? doc.createdAt : 0;
  return Math.max(0, Math.floor(when));
}

function isUnstamped(doc: StoredDoc): boolean {
  return doc._deleted !== true && REPLICATED_TYPES.has(String(doc.type)) && typeof doc.changedAt !== 'number';
}
