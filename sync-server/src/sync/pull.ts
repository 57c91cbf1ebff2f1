import { DomainError, SyncCheckpoint, type CollectionName } from '@atende/protocol';
import { type DocStore, START_SEQ } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { feedSelector, redactForFormerTeam, scopeKey, type Viewer, visibilityOf } from '../access/scope.js';

export interface PullResult {
  documents: Array<Record<string, unknown>>;
  checkpoint: SyncCheckpoint;
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

/**
 * One page of a collection for one user. RxDB stops at the first page shorter than `limit`, so
 * when filtering drops documents the feed is read on until the page is full or exhausted.
 */
export async function pullCollection(
  store: DocStore,
  viewer: Viewer,
  collection: CollectionName,
  checkpoint: SyncCheckpoint | undefined,
  limit: number,
): Promise<PullResult> {
  const scope = scopeKey(viewer);
  let seq = checkpoint && checkpoint.scope === scope ? checkpoint.seq : START_SEQ;
  const selector = feedSelector(viewer, collection);
  const documents: Array<Record<string, unknown>> = [];
  for (;;) {
    const page = await store.changes({ since: seq, limit, selector });
    let consumedAll = true;
    for (const row of page.results) {
      if (documents.length === limit) {
        consumedAll = false;
        break;
      }
      seq = row.seq;
      const visibility = visibilityOf(viewer, row.doc);
      if (visibility === 'hidden') continue;
      const wire = toWire<Record<string, unknown>>(row.doc);
      documents.push(
        visibility === 'tombstone'
          ? { ...redactForFormerTeam(wire), _deleted: true }
          : { ...wire, _deleted: row.deleted },
      );
    }
    if (consumedAll) seq = page.lastSeq;
    if (documents.length === limit || page.results.length < limit) break;
  }
  return { documents, checkpoint: { seq, scope } };
}
