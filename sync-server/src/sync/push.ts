import {
  ContactDoc, DomainError, forbidden, parse, PredefinedDoc, tombstoneOf, type CollectionName, type PushRow,
} from '@atende/protocol';
import type { ZodType } from 'zod';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { type Viewer, visibilityOf } from '../access/scope.js';

type Pushed = { id: string; updatedAt: number; createdAt: number; type: string };

/**
 * Plain data users edit replicates by push (ARCHITECTURE §1); everything that needs arbitration
 * goes through commands, so the other collections are read-only here.
 */
interface Pushable {
  schema: ZodType<Pushed>;
  mayWrite: (viewer: Viewer) => boolean;
  /** Fields the server owns: kept from the stored document (or set on creation), never the client's. */
  owned: (viewer: Viewer, current: StoredDoc | undefined) => Record<string, unknown>;
}

const PUSHABLE: Partial<Record<CollectionName, Pushable>> = {
  contacts: {
    schema: ContactDoc,
    mayWrite: () => true,
    // Who may see a contact follows its conversations' teams and its creator (design B.5).
    owned: (viewer, current) => {
      const createdBy = current ? current.createdBy : viewer.userId;
      return { teamIds: Array.isArray(current?.teamIds) ? current.teamIds : [], ...(typeof createdBy === 'string' ? { createdBy } : {}) };
    },
  },
  predefined: { schema: PredefinedDoc, mayWrite: (v) => v.role !== 'agent', owned: () => ({}) },
};

/**
 * What a removed document keeps: no content, only what the sync index files it under (so every
 * replica that held it receives the tombstone) and `removed: true`. Not a store deletion, which
 * would drop it from the index before the replicas learned of it.
 */
const SCOPE_FIELDS = ['teamId', 'formerTeamIds', 'teamIds', 'createdBy'] as const;

export function removedForm(current: StoredDoc, updatedAt: number): StoredDoc {
  const { _deleted, ...kept } = tombstoneOf(toWire<Record<string, unknown>>(current));
  for (const field of SCOPE_FIELDS) if (current[field] !== undefined) kept[field] = current[field];
  const removed: { id: string } & Record<string, unknown> = { ...kept, id: current._id, updatedAt, removed: true };
  return toStored(removed, current._rev);
}

export const isRemoved = (doc: StoredDoc | undefined): boolean => doc?.removed === true;

/** The master state RxDB's push handler expects for a conflicting row. */
function masterOf(stored: StoredDoc): Record<string, unknown> {
  const wire = toWire<Record<string, unknown>>(stored);
  return isRemoved(stored) || stored._deleted ? tombstoneOf(wire) : { ...wire, _deleted: false };
}

/** Returns the master state of every row that conflicted, as RxDB's push handler expects. */
export async function pushCollection(
  store: Pick<DocStore, 'get' | 'bulkWrite'>,
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
    const gone = current !== undefined && (current._deleted === true || isRemoved(current));
    if (current && !gone && visibilityOf(viewer, current) !== 'visible') throw forbidden();
    if (gone) {
      // Removed stays removed: a late edit learns so from the master state; a late removal is done.
      if (!deleted) conflicts.push(masterOf(current));
      continue;
    }
    const master = current ? toWire<Record<string, unknown>>(current) : undefined;
    const stale = master ? assumed?.updatedAt !== master.updatedAt : assumed !== null;
    if (stale) {
      if (current) conflicts.push(masterOf(current));
      continue;
    }
    const now = Date.now();
    const previousUpdatedAt = typeof master?.updatedAt === 'number' ? master.updatedAt : 0;
    // The server clock owns updatedAt; client clocks are not trusted (ARCHITECTURE §4).
    const updatedAt = Math.max(now, previousUpdatedAt + 1);
    let next: StoredDoc;
    if (deleted && current) {
      next = removedForm(current, updatedAt);
    } else if (deleted) {
      continue; // created and removed offline: nothing to keep
    } else {
      const createdAt = typeof master?.createdAt === 'number' ? master.createdAt : now;
      const { teamIds: _t, createdBy: _c, ...edited } = doc as Pushed & Record<string, unknown>;
      const stamped = { ...edited, ...pushable.owned(viewer, current), createdAt, updatedAt };
      next = toStored(stamped, current?._rev);
      if (visibilityOf(viewer, next) !== 'visible') throw forbidden('That document would be outside your teams');
    }
    const [result] = await store.bulkWrite([next]);
    if (!result?.ok) {
      const latest = await store.get(doc.id);
      if (latest) conflicts.push(masterOf(latest));
    }
  }
  return conflicts;
}
