import type { CouchRequest } from './couchSync.js';

/**
 * Purge for the CouchDB driver (issue 19, R-PRIV-03), from CouchDB's documented API:
 * - `POST /{db}/_purge` `{id: [leaf revisions]}` removes the given leaves; a document is gone
 *   when every leaf is — deleted ones and conflicts included — so the leaves are read first with
 *   `_changes?style=all_docs&filter=_doc_ids` ("all leaf revisions, including conflicts and
 *   deleted former conflicts"). A request carries at most 100 ids and 1000 revisions
 *   (`max_document_id_number`, `max_revisions_number` defaults).
 * - purged documents leave the change feed and every index at once; their bytes leave the files
 *   when the database (`_compact`) and each design document's index (`_compact/{ddoc}`) are
 *   compacted, after the index has processed the purge (a view query updates it first), and
 *   `_view_cleanup` deletes index files no design document uses any more. Compaction runs in the
 *   background: we wait until `compact_running` is false everywhere.
 * Not removable through the API: CouchDB keeps the ids and revisions of the last
 * `purged_infos_limit` purge requests (default 1000) in each shard, for internal replication
 * and indexes; an operator who must not keep even those lowers that limit (PUT /{db}/_purged_infos_limit).
 */

const IDS_PER_REQUEST = 100;
const REVS_PER_REQUEST = 1000;
const POLL_MS = 500;
/** A compaction still running after this is reported as an error (the purge itself is done). */
const COMPACTION_WAIT_MS = 10 * 60_000;

interface LeafChanges {
  results: Array<{ id: string; changes: Array<{ rev: string }> }>;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every leaf revision of each of these documents (unknown ids are absent from the answer). */
async function leavesOf(request: CouchRequest, ids: string[]): Promise<Map<string, string[]>> {
  const leaves = new Map<string, string[]>();
  for (const batch of chunks(ids, IDS_PER_REQUEST)) {
    const found = await request<LeafChanges>({
      method: 'POST',
      path: '_changes',
      qs: { style: 'all_docs', filter: '_doc_ids' },
      body: { doc_ids: batch },
    });
    for (const row of found.results) {
      leaves.set(row.id, [...new Set([...(leaves.get(row.id) ?? []), ...row.changes.map((c) => c.rev)])]);
    }
  }
  return leaves;
}

/** Purge requests within CouchDB's per-request limits. */
function purgeRequests(leaves: Map<string, string[]>): Array<Record<string, string[]>> {
  const requests: Array<Record<string, string[]>> = [];
  let current: Record<string, string[]> = {};
  let ids = 0;
  let revs = 0;
  for (const [id, idRevs] of leaves) {
    if (ids > 0 && (ids + 1 > IDS_PER_REQUEST || revs + idRevs.length > REVS_PER_REQUEST)) {
      requests.push(current);
      current = {};
      ids = 0;
      revs = 0;
    }
    current[id] = idRevs;
    ids++;
    revs += idRevs.length;
  }
  if (ids > 0) requests.push(current);
  return requests;
}

async function designDocs(request: CouchRequest): Promise<string[]> {
  const { rows } = await request<{ rows: Array<{ id: string }> }>({ path: '_design_docs' });
  return rows.map((row) => row.id.slice('_design/'.length));
}

async function waitForCompaction(request: CouchRequest, ddocs: string[]): Promise<void> {
  const deadline = Date.now() + COMPACTION_WAIT_MS;
  for (;;) {
    const db = await request<{ compact_running?: boolean }>({});
    let running = db.compact_running === true;
    for (const ddoc of ddocs) {
      if (running) break;
      const info = await request<{ view_index?: { compact_running?: boolean } }>({ path: `_design/${encodeURIComponent(ddoc)}/_info` });
      running = info.view_index?.compact_running === true;
    }
    if (!running) return;
    if (Date.now() > deadline) throw new Error(`purge: compaction still running after ${COMPACTION_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Purges the documents, then compacts the database and every index. `updateIndexes` brings
 * every index up to date (the driver's warmIndexes), so each has processed the purge before its
 * compaction. Answers how many of the ids the database held.
 */
export async function couchPurge(request: CouchRequest, ids: readonly string[], updateIndexes: () => Promise<void>): Promise<number> {
  const leaves = await leavesOf(request, [...new Set(ids)]);
  let purged = 0;
  for (const body of purgeRequests(leaves)) {
    const answer = await request<{ purged: Record<string, string[] | { purged?: string[] }> }>({ method: 'POST', path: '_purge', body });
    for (const result of Object.values(answer.purged ?? {})) {
      const revs = Array.isArray(result) ? result : (result.purged ?? []);
      if (revs.length > 0) purged++;
    }
  }
  await updateIndexes();
  const ddocs = await designDocs(request);
  // Content-Type application/json is required by the compaction endpoints; an empty body carries it.
  await request({ method: 'POST', path: '_compact', body: {} });
  for (const ddoc of ddocs) await request({ method: 'POST', path: `_compact/${encodeURIComponent(ddoc)}`, body: {} });
  await request({ method: 'POST', path: '_view_cleanup', body: {} });
  await waitForCompaction(request, ddocs);
  return purged;
}
