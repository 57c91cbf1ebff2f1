import type { ConflictedDoc, StoredDoc, WriteResult } from './types.js';

/**
 * What both drivers share about revisions: CouchDB's ordering of revisions, the results of a
 * replication-style write, and the design document that lists conflicted documents.
 */

/** `N-hash` → [N, hash]. */
function parseRev(rev: string): [number, string] {
  const dash = rev.indexOf('-');
  return [Number.parseInt(rev.slice(0, dash), 10) || 0, rev.slice(dash + 1)];
}

/**
 * Orders revisions as CouchDB picks a winner among live leaves: the longer edit history first,
 * then the greater hash. Negative when `a` comes before (loses to) `b`.
 */
export function compareRevs(a: string, b: string): number {
  const [na, ha] = parseRev(a);
  const [nb, hb] = parseRev(b);
  if (na !== nb) return na - nb;
  return ha < hb ? -1 : ha > hb ? 1 : 0;
}

export interface ReplicatedWriteError {
  id: string;
  status?: number;
  error?: string;
  reason?: string;
}

/**
 * `new_edits: false` answers only the documents that failed (CouchDB 2+ and PouchDB alike), so
 * every other document reports the revision it was written with.
 */
export function replicatedResults(docs: StoredDoc[], errors: ReplicatedWriteError[]): WriteResult[] {
  const failed = new Map(errors.map((e) => [e.id, e]));
  return docs.map((doc): WriteResult => {
    const error = failed.get(doc._id);
    if (!error && doc._rev) return { id: doc._id, ok: true, rev: doc._rev };
    const kind = error?.status === 403 || error?.error === 'forbidden' ? 'forbidden' : 'unknown';
    return { id: doc._id, ok: false, error: kind, reason: error?.reason ?? error?.error ?? 'a replicated write needs a _rev' };
  });
}

/**
 * CouchDB's documented way to find conflicted documents: a view whose map function sees
 * `_conflicts` on the winning revision. The index is incremental, so a sweep costs the changes
 * since the last sweep, not a scan of the database; PouchDB builds the same persistent view.
 */
export const CONFLICTS_DDOC = 'atende-conflicts';
export const CONFLICTS_VIEW = 'conflicted';
export const CONFLICTS_MAP = 'function (doc) { if (doc._conflicts && doc._conflicts.length > 0) { emit(doc._id, null); } }';

export const conflictsDesignDoc = (rev?: string): StoredDoc => ({
  _id: `_design/${CONFLICTS_DDOC}`,
  ...(rev ? { _rev: rev } : {}),
  language: 'javascript',
  views: { [CONFLICTS_VIEW]: { map: CONFLICTS_MAP } },
});

export function hasConflictsView(ddoc: StoredDoc | undefined): boolean {
  const views = ddoc?.views as Record<string, { map?: string }> | undefined;
  return views?.[CONFLICTS_VIEW]?.map === CONFLICTS_MAP;
}

/** A page of view rows keyed by id: drops the row equal to `after` and keeps `limit`. */
export function pageAfter(ids: string[], after: string | undefined, limit: number): string[] {
  return (after === undefined ? ids : ids.filter((id) => id !== after)).slice(0, limit);
}

/**
 * A document with its conflicting revisions, as CouchDB documents it for both drivers: read it
 * with its `_conflicts`, then each losing leaf by revision.
 */
export async function readWithConflicts(
  read: (query: { conflicts: true } | { rev: string }) => Promise<StoredDoc | undefined>,
): Promise<ConflictedDoc | undefined> {
  const winner = await read({ conflicts: true });
  if (!winner) return undefined;
  const { _conflicts: revs, ...doc } = winner;
  const losers = await Promise.all(((revs as string[] | undefined) ?? []).map((rev) => read({ rev })));
  // A losing leaf deleted since the first read (another sweeper) is no conflict any more.
  return { doc, conflicts: losers.filter((l): l is StoredDoc => l !== undefined && !l._deleted) };
}

/** Runs `setup` once; a failed attempt is forgotten so the next call tries again. */
export function onceUntilDone(setup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= setup().catch((error: unknown) => {
      done = undefined;
      throw error;
    });
    return done;
  };
}
