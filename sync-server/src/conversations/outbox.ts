import type { JobDoc } from '../jobs/types.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';

const MAX_ATTEMPTS = 50;

export interface OutboxChange<T> {
  doc: T;
  jobs: JobDoc[];
  /**
   * Documents that must exist exactly when this change does (a command's trace line, its record
   * that it ran): created in the same store write, removed again when the change is not written
   * in the end, so a repeat can recognise the command by them (see `createdWith`).
   */
  with?: StoredDoc[];
}

/**
 * Read–modify–write of one document together with the outbox jobs its change causes, in one
 * store write (ARCHITECTURE §1). Jobs have deterministic ids and their handlers re-check the
 * state they act on, so a job left behind by an attempt whose document lost a conflict is
 * harmless. `mutate` throws to refuse and returns undefined to leave the document as it is.
 */
export async function writeWithOutbox<T extends { id: string }>(
  store: DocStore,
  id: string,
  mutate: (current: T | undefined) => OutboxChange<T> | undefined,
): Promise<T> {
  const created = new Map<string, StoredDoc>();
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await store.get(id, attempt > 0 ? { fresh: true } : undefined);
      const current = stored && !stored._deleted ? toWire<T>(stored) : undefined;
      const change = mutate(current);
      if (!change) {
        if (!current) throw new Error(`write ${id}: nothing to write`);
        return current;
      }
      const write: StoredDoc = toStored(change.doc, stored?._rev);
      // What an earlier attempt created stays (a retry keeps it); the rest is created now.
      const extra = (change.with ?? []).filter((d) => !created.has(d._id));
      const results = await store.bulkWrite([write, ...change.jobs, ...extra]);
      const lost: StoredDoc[] = [];
      extra.forEach((doc, i) => {
        const r = results[1 + change.jobs.length + i];
        if (r?.ok) created.set(doc._id, { ...doc, _rev: r.rev });
        else lost.push(doc);
      });
      const result = results[0];
      if (result?.ok) {
        created.clear();
        await createdWith(store, lost);
        return change.doc;
      }
      if (result?.error !== 'conflict') throw new Error(`write ${id}: ${result?.reason ?? 'no result'}`);
    }
    throw new Error(`write ${id}: too much contention`);
  } finally {
    // The change was refused, found unneeded or never written: what came with it goes too.
    if (created.size > 0) await store.bulkWrite([...created.values()].map((d) => ({ ...d, _deleted: true })));
  }
}

/**
 * The change was written, but these companions were already there: another attempt of the same
 * command made them and may still remove them (its own change lost). Writing them again over
 * that attempt's revision makes its removal conflict; one it removed already is created again.
 */
async function createdWith(store: DocStore, docs: StoredDoc[]): Promise<void> {
  for (const doc of docs) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const there = await store.get(doc._id, { fresh: true });
      const next: StoredDoc = { ...doc };
      if (there?._rev) next._rev = there._rev;
      else delete next._rev;
      const [result] = await store.bulkWrite([next]);
      if (result?.ok) break;
      if (result?.error !== 'conflict') throw new Error(`write ${doc._id}: ${result?.reason ?? 'no result'}`);
    }
  }
}
