import type { JobDoc } from '../jobs/types.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';

const MAX_ATTEMPTS = 50;

/**
 * Read–modify–write of one document together with the outbox jobs its change causes, in one
 * store write (ARCHITECTURE §1). Jobs have deterministic ids and their handlers re-check the
 * state they act on, so a job left behind by an attempt whose document lost a conflict is
 * harmless. `mutate` throws to refuse and returns undefined to leave the document as it is.
 */
export async function writeWithOutbox<T extends { id: string }>(
  store: DocStore,
  id: string,
  mutate: (current: T | undefined) => { doc: T; jobs: JobDoc[] } | undefined,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await store.get(id, attempt > 0 ? { fresh: true } : undefined);
    const current = stored && !stored._deleted ? toWire<T>(stored) : undefined;
    const change = mutate(current);
    if (!change) {
      if (!current) throw new Error(`write ${id}: nothing to write`);
      return current;
    }
    const write: StoredDoc = toStored(change.doc, stored?._rev);
    const results = await store.bulkWrite([write, ...change.jobs]);
    const result = results[0];
    if (result?.ok) return change.doc;
    if (result?.error !== 'conflict') throw new Error(`write ${id}: ${result?.reason ?? 'no result'}`);
  }
  throw new Error(`write ${id}: too much contention`);
}
