import type { DocStore, StoredDoc } from './types.js';
import { updateDoc } from './update.js';

/** Store form (`_id`, `_rev`) ↔ wire form (`id`): RxDB forbids primary keys with underscores. */
export function toWire<T>(stored: StoredDoc): T {
  // Store internals are dropped on purpose (rest siblings); `changedAt` is the sync index's
  // server clock, which clients never see (they order by their own fields).
  const { _id, _rev, _deleted, _attachments, _conflicts, changedAt, ...fields } = stored;
  return { id: _id, ...fields } as T;
}

export function toStored(doc: { id: string } & object, rev?: string): StoredDoc {
  const { id, ...fields } = doc as { id: string } & Record<string, unknown>;
  const stored: StoredDoc = { _id: id, ...fields };
  delete stored._deleted;
  if (rev) stored._rev = rev;
  return stored;
}

/** `updateDoc` on wire-shaped documents: the mutation sees `id`, never `_id`/`_rev`. */
export async function updateWire<T extends { id: string }>(
  store: DocStore,
  id: string,
  mutate: (current: T | undefined) => T | undefined,
): Promise<{ doc: T | undefined; written: boolean }> {
  const result = await updateDoc(store, id, (current) => {
    const next = mutate(current && !current._deleted ? toWire<T>(current) : undefined);
    return next ? toStored(next) : undefined;
  });
  return { doc: result.doc ? toWire<T>(result.doc) : undefined, written: result.written };
}

export async function getWire<T>(store: DocStore, id: string): Promise<T | undefined> {
  const stored = await store.get(id);
  return stored && !stored._deleted ? toWire<T>(stored) : undefined;
}
