import type { ContactDoc } from '@atende/protocol';
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
