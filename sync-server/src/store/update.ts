import type { DocStore, StoredDoc } from './types.js';

const MAX_ATTEMPTS = 50;

/**
 * Read–modify–write with optimistic concurrency: on a revision conflict the document is read
 * again and `mutate` re-applied, so concurrent writers never overwrite each other. `mutate`
 * returns undefined to leave the document as it is. The first read may come from a cache; a
 * retry reads past it (`fresh`), since a conflict proves the cached revision stale.
 */
export async function updateDoc<T extends StoredDoc>(
  store: DocStore,
  id: string,
  mutate: (current: T | undefined) => T | undefined,
): Promise<{ doc: T | undefined; written: boolean }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = (await (attempt === 0 ? store.get(id) : store.get(id, { fresh: true }))) as T | undefined;
    const next = mutate(current);
    if (!next) return { doc: current, written: false };
    const write: StoredDoc = { ...next, _id: id };
    if (current?._rev) write._rev = current._rev;
    else delete write._rev;
    const [result] = await store.bulkWrite([write]);
    if (result?.ok) return { doc: { ...next, _id: id, _rev: result.rev }, written: true };
    if (result?.error !== 'conflict') throw new Error(`write ${id}: ${result?.reason ?? 'no result'}`);
  }
  throw new Error(`write ${id}: too much contention`);
}
