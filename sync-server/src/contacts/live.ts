import { tombstoneOf, type ContactDoc } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';

/**
 * A contact removed by a user stays in the store as a content-free document with `removed: true`
 * (so every replica that held it receives the tombstone): for the domain it is gone.
 */
export const isGone = (doc: StoredDoc): boolean => doc._deleted === true || doc.removed === true;

export async function liveContact(store: Pick<DocStore, 'get'>, id: string): Promise<ContactDoc | undefined> {
  const stored = await store.get(id);
  return stored && !isGone(stored) ? toWire<ContactDoc>(stored) : undefined;
}

/** Fields a removed contact keeps so the sync index still files it for every replica that held it. */
const SCOPE_FIELDS = ['teamIds', 'createdBy'] as const;

/**
 * A removed contact (merged away, issue 9): content-free like every tombstone, `removed: true`,
 * plus `mergedInto` so a late command learns where the contact went. The same shape as a
 * removal by push (sync/push.ts `removedForm`).
 */
export function mergedAwayForm(current: StoredDoc, updatedAt: number, mergedInto: string): StoredDoc {
  const { _deleted, ...kept } = tombstoneOf(toWire<Record<string, unknown>>(current));
  for (const field of SCOPE_FIELDS) if (current[field] !== undefined) kept[field] = current[field];
  return { ...kept, _id: current._id, ...(current._rev ? { _rev: current._rev } : {}), updatedAt, removed: true, mergedInto };
}

/**
 * Whether removing the contact would cut off a customer who is still reachable (issue 14): an open
 * conversation continues on it, and a website visitor authenticates through it. A visitor's token
 * cannot be revoked and may come back any time before it expires, so any visitor counts as live;
 * merging (which moves the visitor to the target) is the way to retire such a contact.
 */
export async function inUseByCustomer(store: Pick<DocStore, 'find'>, contactId: string): Promise<boolean> {
  const [open, visitors] = await Promise.all([
    store.find({ selector: { type: 'conversation', contactId, status: { $ne: 'finished' } }, limit: 1 }),
    store.find({ selector: { type: 'visitor', contactId }, limit: 1 }),
  ]);
  return open.length > 0 || visitors.length > 0;
}
