import {
  COLLECTIONS, DomainError, SYNC_OVERLAP_MS, SyncCheckpoint, tombstoneOf, type CollectionName,
} from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { maskedFor } from '../access/masking.js';
import { withRatingFor } from '../access/ratings.js';
import { inReplica, scopeKey, syncKeys, type Viewer, visibilityOf, windowStart } from '../access/scope.js';
import { openConversationsBefore } from './openPhase.js';
import { compare, MergedRanges, type Position } from './ranges.js';

export interface PullResult {
  documents: Array<Record<string, unknown>>;
  checkpoint: SyncCheckpoint;
}

/** What a pull cost: index rows (and phase documents) read against documents returned (ARCHITECTURE §4). */
export interface PullCost {
  read: number;
  returned: number;
}

export interface PullOptions {
  /** The store's identity as checkpoints carry it (`StoreIdentity`). */
  identity: string;
  replicaDays: number;
  now?: number;
  /** Told what the pull cost, for tests and measurements. */
  onCost?: (cost: PullCost) => void;
}

export function parseCheckpoint(raw: string | undefined): SyncCheckpoint | undefined {
  if (raw === undefined || raw === '' || raw === 'null') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new DomainError('invalid', 'invalid_checkpoint', 'checkpoint must be JSON from a previous pull');
  }
  if (value === null) return undefined;
  const parsed = SyncCheckpoint.safeParse(value);
  if (!parsed.success) throw new DomainError('invalid', 'invalid_checkpoint', 'checkpoint is not one this server issued');
  return parsed.data;
}

/** The checkpoint of a fresh conversations pull still serving open conversations older than its window. */
export const inOpenPhase = (checkpoint: SyncCheckpoint): boolean => typeof checkpoint.phase === 'string' && checkpoint.phase !== '';

export const replicaReset = () =>
  new DomainError('conflict', 'replica_reset', 'This replica was taken from another or a reset store: start it again from scratch');

/**
 * A visible document as the viewer receives it: a colleague's rating stays with them and the
 * supervisors (issue 18); personal data in message text is masked for those without "ver dados
 * pessoais" (issue 19, R-PRIV-04).
 */
const shownTo = (viewer: Viewer, wire: Record<string, unknown>): Record<string, unknown> =>
  ({ ...maskedFor(viewer, withRatingFor(viewer, wire)), _deleted: false });

/** The wire form a viewer receives of a stored document, or undefined when it is not theirs. */
export function wireFor(viewer: Viewer, doc: StoredDoc, replicaDays: number, now: number): Record<string, unknown> | undefined {
  const visibility = visibilityOf(viewer, doc);
  if (visibility === 'hidden') return undefined;
  const wire = toWire<Record<string, unknown>>(doc);
  if (visibility === 'tombstone') return tombstoneOf(wire);
  if (!inReplica(doc, replicaDays, now)) return undefined;
  return shownTo(viewer, wire);
}


/**
 * One page of a collection for one viewer, read from the viewer's ranges of the sync index
 * (ARCHITECTURE §4): the cost follows what the viewer may see, not the organisation. RxDB stops
 * at the first page shorter than `limit`, so a page is short only when the ranges are exhausted.
 */
export async function pullCollection(
  store: Pick<DocStore, 'syncRange' | 'find'>,
  viewer: Viewer,
  collection: CollectionName,
  checkpoint: SyncCheckpoint | undefined,
  limit: number,
  options: PullOptions,
): Promise<PullResult> {
  const { identity, replicaDays } = options;
  const now = options.now ?? Date.now();
  const type = COLLECTIONS[collection];
  if (checkpoint && checkpoint.store !== identity) throw replicaReset();
  const scope = scopeKey(viewer, replicaDays);
  // Taken under other rights or another window: start again (the renderer purges what it lost).
  const usable = checkpoint?.scope === scope ? checkpoint : undefined;
  // `phase` always present: RxDB merges a pull's checkpoint into the previous one (Object.assign),
  // so a phase ends only by being overwritten with ''.
  const stamp = (position: Position, tail: boolean, phase = ''): SyncCheckpoint =>
    ({ store: identity, scope, t: position.t, id: position.id, tail, phase });
  const inPhase = usable !== undefined && inOpenPhase(usable);

  const documents: Array<Record<string, unknown>> = [];
  let read = 0;
  let from: Position;
  if (type === 'conversation' && (!usable || inPhase)) {
    // A fresh replica first gets the open conversations that last changed before the window.
    const since = usable ? usable.t : windowStart(type, replicaDays, now);
    const phase = await openConversationsBefore(store, viewer, since, usable?.phase ?? '', limit);
    read += phase.read;
    documents.push(...phase.documents.map((doc) => shownTo(viewer, toWire<Record<string, unknown>>(doc))));
    if (phase.next !== undefined) {
      options.onCost?.({ read, returned: documents.length });
      return { documents, checkpoint: stamp({ t: since, id: '' }, false, phase.next) };
    }
    from = { t: since, id: '' };
  } else if (usable) {
    from = usable.tail ? { t: Math.max(0, usable.t - SYNC_OVERLAP_MS), id: '' } : { t: usable.t, id: usable.id };
  } else {
    from = { t: windowStart(type, replicaDays, now), id: '' };
  }

  const ranges = new MergedRanges(store, type, syncKeys(viewer, type), from);
  // Where each document of the page is, and the `t` it was read at: a document under two of the
  // viewer's keys (its team and a former one) goes once, in its latest form.
  const served = new Map<string, { t: number; at: number }>(documents.map((d, at) => [String(d.id), { t: -1, at }]));
  let position = from;
  while (documents.length < limit) {
    const row = await ranges.next(limit - documents.length);
    if (!row) break;
    position = { t: row.t, id: row.id };
    const seen = served.get(row.id);
    if (seen && seen.t >= row.t) continue;
    const wire = wireFor(viewer, row.doc, replicaDays, now);
    if (seen) {
      // Written again between two range reads: the newer revision replaces the older one.
      seen.t = row.t;
      if (wire && seen.at >= 0) documents[seen.at] = wire;
      else if (wire) seen.at = documents.push(wire) - 1;
      continue;
    }
    served.set(row.id, { t: row.t, at: wire ? documents.length : -1 });
    if (wire) documents.push(wire);
  }
  read += ranges.read;
  options.onCost?.({ read, returned: documents.length });
  if (documents.length === limit) return { documents, checkpoint: stamp(position, false) };
  // At the live end: never step back behind the checkpoint the client already holds.
  const held = usable && !inPhase ? { t: usable.t, id: usable.id } : undefined;
  const end = held && compare(held, position) > 0 ? held : position;
  // Only a position within the overlap of now can have writes stamped before it still to commit;
  // an older one goes on strictly after itself (re-reading 5 s of a bulk load on every wake cost
  // the first sync ~18 s).
  return { documents, checkpoint: stamp(end, end.t > now - SYNC_OVERLAP_MS) };
}
