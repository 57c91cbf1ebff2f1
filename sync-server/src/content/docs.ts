import type { DocStore, StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';

/** Helpers shared by the content services: live documents of one type, new writes, removals. */

const LIST_LIMIT = 2000;

export const isLive = (doc: StoredDoc | undefined, type: string): doc is StoredDoc =>
  doc !== undefined && doc.type === type && doc._deleted !== true && doc.removed !== true;

/** Every live document of `type` (matching `selector` too), as the wire shape. */
export async function liveOf<T>(store: DocStore, type: string, selector: Record<string, unknown> = {}): Promise<T[]> {
  const found = await store.find({ selector: { ...selector, type }, limit: LIST_LIMIT });
  return found.filter((doc) => isLive(doc, type)).map((doc) => toWire<T>(doc));
}

/** One live document of `type`, fresh from the store; undefined when unknown or removed. */
export async function liveById(store: DocStore, id: string, type: string): Promise<StoredDoc | undefined> {
  if (!id.startsWith(`${type}:`)) return undefined;
  const doc = await store.get(id, { fresh: true });
  return isLive(doc, type) ? doc : undefined;
}

/** Writes a new document; an id taken already is a bug of ours, not the caller's. */
export async function writeNew<T extends { id: string }>(store: DocStore, doc: T): Promise<T> {
  const [result] = await store.bulkWrite([toStored(doc)]);
  if (!result?.ok) throw new Error(`write ${doc.id}: ${result?.reason ?? 'no result'}`);
  return doc;
}

/**
 * What a removed replicated document keeps (as sync/push.ts `removedForm`): its identity, the
 * team the sync index files it under (so every replica that held it receives the tombstone) and
 * `removed: true`; no content.
 */
export function removedForm(current: StoredDoc, now: number): StoredDoc {
  const kept: StoredDoc = { _id: current._id, type: current.type, createdAt: current.createdAt, updatedAt: now, removed: true };
  if (current._rev) kept._rev = current._rev;
  if (current.teamId !== undefined) kept.teamId = current.teamId;
  return kept;
}
