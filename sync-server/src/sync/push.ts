import { ContactDoc, DomainError, forbidden, parse, PredefinedDoc, type CollectionName, type PushRow } from '@atende/protocol';
import type { ZodType } from 'zod';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { type Viewer, visibilityOf } from '../access/scope.js';

/**
 * Plain data users edit replicates by push (ARCHITECTURE §1); everything that needs arbitration
 * goes through commands, so the other collections are read-only here.
 */
interface Pushable {
  schema: ZodType<{ id: string; updatedAt: number; createdAt: number; type: string }>;
  mayWrite: (viewer: Viewer) => boolean;
}

const PUSHABLE: Partial<Record<CollectionName, Pushable>> = {
  contacts: { schema: ContactDoc, mayWrite: () => true },
  predefined: { schema: PredefinedDoc, mayWrite: (v) => v.role !== 'agent' },
};

/** Returns the master state of every row that conflicted, as RxDB's push handler expects. */
export async function pushCollection(
  store: DocStore,
  viewer: Viewer,
  collection: CollectionName,
  rows: PushRow[],
): Promise<Array<Record<string, unknown>>> {
  const pushable = PUSHABLE[collection];
  if (!pushable) {
    throw new DomainError('forbidden', 'read_only_collection', `${collection} changes go through commands, not push`);
  }
  if (!pushable.mayWrite(viewer)) throw forbidden(`Your role may not edit ${collection}`);
  // Validate everything first so a bad row leaves nothing half-written.
  const incoming = rows.map((row, i) => {
    const { _deleted, ...fields } = row.newDocumentState;
    const doc = parse(pushable.schema, fields, `document ${i}`);
    if (!doc.id.startsWith(`${doc.type}:`)) throw new DomainError('invalid', 'invalid_input', `document ${i}: id must start with ${doc.type}:`);
    return { doc, deleted: _deleted === true, assumed: row.assumedMasterState ?? null };
  });
  const conflicts: Array<Record<string, unknown>> = [];
  for (const { doc, deleted, assumed } of incoming) {
    const current = await store.get(doc.id);
    if (current && visibilityOf(viewer, current) !== 'visible') throw forbidden();
    const master = current ? toWire<Record<string, unknown>>(current) : undefined;
    const assumedUpdatedAt = assumed?.updatedAt;
    const stale = master ? assumedUpdatedAt !== master.updatedAt : assumed !== null;
    if (stale) {
      if (master) conflicts.push({ ...master, _deleted: current?._deleted === true });
      continue;
    }
    const now = Date.now();
    const previousUpdatedAt = typeof master?.updatedAt === 'number' ? master.updatedAt : 0;
    const stamped = {
      ...doc,
      createdAt: typeof master?.createdAt === 'number' ? master.createdAt : now,
      // The server clock owns updatedAt; client clocks are not trusted (ARCHITECTURE §4).
      updatedAt: Math.max(now, previousUpdatedAt + 1),
    };
    const next: StoredDoc = toStored(stamped, current?._rev);
    if (deleted) next._deleted = true;
    if (visibilityOf(viewer, next) !== 'visible') throw forbidden('That document would be outside your teams');
    const [result] = await store.bulkWrite([next]);
    if (!result?.ok) {
      const latest = await store.get(doc.id);
      if (latest) conflicts.push({ ...toWire<Record<string, unknown>>(latest), _deleted: latest._deleted === true });
    }
  }
  return conflicts;
}
