import {
  ContactDoc, DomainError, FavouriteDoc, favouriteIdOf, forbidden, isPushedCollection, mayEditContact, mayEditNote, mayRemoveContact, mayRemoveNote, mayWritePredefined, NoteDoc, parse, PredefinedDoc, TagDoc, tombstoneOf,
  type CollectionName, type PushedCollection, type PushRow,
} from '@atende/protocol';
import { isDeepStrictEqual } from 'node:util';
import type { ZodType } from 'zod';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { type Viewer, visibilityOf } from '../access/scope.js';
import { inUseByCustomer, isGone } from '../contacts/live.js';
import { erasedIdsOf, type ErasedIds } from '../backup/erasureLedger.js';

type Pushed = { id: string; updatedAt: number; createdAt: number; type: string };
type Store = DocStore;

/**
 * Plain data users edit replicates by push (ARCHITECTURE §1); everything that needs arbitration
 * goes through commands, so the other collections are read-only here.
 */
interface Pushable {
  schema: ZodType<Pushed>;
  mayWrite: (viewer: Viewer) => boolean;
  /** Fields the server owns: never taken from the client. */
  ownedFields: readonly string[];
  /** Their values: kept from the stored document (or set on creation). */
  owned: (viewer: Viewer, current: StoredDoc | undefined, doc: Pushed & Record<string, unknown>, store: Store) =>
    Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Whether the viewer may edit (or remove) a stored document they see; if not, they get its master state back. */
  mayChange?: (viewer: Viewer, current: StoredDoc, removing: boolean, store: Store) => boolean | Promise<boolean>;
  /** Checks of the incoming document beyond its schema. */
  check?: (viewer: Viewer, doc: Pushed & Record<string, unknown>) => void;
  /** A removed document pushed again comes back (a favourite set, unset and set again) instead of staying removed. */
  revivable?: boolean;
  /** After a new document was written (server-owned fields that may have moved meanwhile). */
  created?: (store: Store, doc: StoredDoc) => Promise<void>;
}

const invalid = (message: string) => new DomainError('invalid', 'invalid_input', message);
const actorOfViewer = (viewer: Viewer) => ({ role: viewer.role, teamIds: [...viewer.teamIds] });

/** A note is written about a contact the author may see; its teams are the contact's (R-WS-03). */
async function noteOwned(viewer: Viewer, current: StoredDoc | undefined, doc: Record<string, unknown>, store: Store): Promise<Record<string, unknown>> {
  if (current) return { authorId: current.authorId, authorName: current.authorName, contactId: current.contactId, teamIds: current.teamIds };
  const contact = await store.get(String(doc.contactId));
  if (!contact || isGone(contact) || contact.type !== 'contact' || visibilityOf(viewer, contact) !== 'visible') {
    throw new DomainError('unprocessable', 'unknown_contact', 'No such contact');
  }
  const author = await store.get(viewer.userId);
  return {
    authorId: viewer.userId,
    authorName: typeof author?.name === 'string' ? author.name : '',
    contactId: contact._id,
    teamIds: Array.isArray(contact.teamIds) ? contact.teamIds : [],
  };
}

/**
 * A team the contact gained while the note was being written (its notes were linked before this
 * one existed) is added now, so that team's agents receive it too (contacts/teams.ts).
 */
async function noteCaughtUp(store: Store, note: StoredDoc): Promise<void> {
  const contact = await store.get(String(note.contactId), { fresh: true });
  const noteTeams = Array.isArray(note.teamIds) ? (note.teamIds as unknown[]) : [];
  const missing = (Array.isArray(contact?.teamIds) ? contact.teamIds : []).filter((t) => !noteTeams.includes(t));
  if (missing.length === 0) return;
  await updateDoc(store, note._id, (current) => {
    if (!current || isGone(current)) return undefined;
    const teams = Array.isArray(current.teamIds) ? (current.teamIds as unknown[]) : [];
    const added = missing.filter((t) => !teams.includes(t));
    return added.length > 0 ? { ...current, teamIds: [...teams, ...added] } : undefined;
  });
}

const PUSHABLE: Record<PushedCollection, Pushable> = {
  contacts: {
    schema: ContactDoc,
    mayWrite: () => true,
    ownedFields: ['teamIds', 'createdBy', 'addresses', 'pictureMediaId', 'legalHold'],
    // Who may see a contact follows its conversations' teams and its creator (design B.5). An
    // address belongs to one contact, which only the commands arbitrate (contacts/addresses.ts):
    // a push keeps the stored ones. The picture is the upstream profile's (channels/jobs.ts): a
    // client naming another file there would show it to everyone who sees the contact. A legal hold
    // (issue 19) is set through its route, by admins and supervisors, audited (privacy/holds.ts).
    owned: (viewer, current) => {
      const createdBy = current ? current.createdBy : viewer.userId;
      return {
        teamIds: Array.isArray(current?.teamIds) ? current.teamIds : [],
        addresses: current && typeof current.addresses === 'object' && current.addresses !== null ? current.addresses : {},
        ...(typeof createdBy === 'string' ? { createdBy } : {}),
        ...(typeof current?.pictureMediaId === 'string' ? { pictureMediaId: current.pictureMediaId } : {}),
        ...(typeof current?.legalHold === 'boolean' ? { legalHold: current.legalHold } : {}),
      };
    },
    // Anyone edits a contact they see; removal is a supervisor's, and never of a contact a
    // customer still reaches us through (protocol/permissions.ts, contacts/live.ts).
    mayChange: async (viewer, current, removing, store) => {
      if (!removing) return mayEditContact(viewer, current);
      return mayRemoveContact(viewer) && !(await inUseByCustomer(store, current._id));
    },
  },
  // The admin API's rule (content/predefined.ts, protocol mayWritePredefined): a supervisor writes
  // their own teams' messages, every team's are the admins'. Files join a message only through
  // that API, which puts them in the library every agent reads; a push keeps the stored ones.
  predefined: {
    schema: PredefinedDoc,
    mayWrite: (v) => v.role !== 'agent',
    ownedFields: ['attachments'],
    owned: (_viewer, current) => (Array.isArray(current?.attachments) ? { attachments: current.attachments } : {}),
    mayChange: (viewer, current) => mayWritePredefined(actorOfViewer(viewer), typeof current.teamId === 'string' ? current.teamId : null),
    check: (viewer, doc) => {
      if (!mayWritePredefined(actorOfViewer(viewer), typeof doc.teamId === 'string' ? doc.teamId : null)) {
        throw forbidden('Supervisors write the predefined messages of their own teams; those for every team are the admins\'');
      }
    },
  },
  notes: {
    schema: NoteDoc,
    mayWrite: () => true,
    ownedFields: ['authorId', 'authorName', 'contactId', 'teamIds'],
    owned: noteOwned,
    // The same rule the renderer applies before writing (protocol/permissions.ts).
    mayChange: (viewer, current, removing) => (removing ? mayRemoveNote : mayEditNote)({ id: viewer.userId, role: viewer.role }, { authorId: current.authorId }),
    created: noteCaughtUp,
  },
  // The organisation's list of tags is the admins' (R-WS-05).
  tags: { schema: TagDoc, mayWrite: (v) => v.role === 'admin', ownedFields: [], owned: () => ({}) },
  favourites: {
    schema: FavouriteDoc,
    mayWrite: () => true,
    ownedFields: ['userId'],
    owned: (viewer) => ({ userId: viewer.userId }),
    check: (viewer, doc) => {
      if (doc.id !== favouriteIdOf(viewer.userId, String(doc.conversationId))) {
        throw invalid(`favourite id must be ${favouriteIdOf(viewer.userId, String(doc.conversationId))}`);
      }
    },
    revivable: true,
  },
};

/**
 * What a removed document keeps: no content, only what the sync index files it under (so every
 * replica that held it receives the tombstone) and `removed: true`. Not a store deletion, which
 * would drop it from the index before the replicas learned of it.
 */
const SCOPE_FIELDS = ['teamId', 'formerTeamIds', 'teamIds', 'createdBy', 'authorId', 'userId'] as const;

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

/** Stamped by the server on every write (ARCHITECTURE §4), so not what a client edits. */
const STAMPED_FIELDS = ['createdAt', 'updatedAt'] as const;

/** The part of a document its users edit: its schema's fields but the server-owned and stamped ones. */
function editedPartOf(pushable: Pushable, doc: Record<string, unknown>): Record<string, unknown> | undefined {
  const parsed = pushable.schema.safeParse(doc);
  if (!parsed.success) return undefined;
  const edited: Record<string, unknown> = { ...parsed.data };
  for (const field of [...pushable.ownedFields, ...STAMPED_FIELDS]) delete edited[field];
  return edited;
}

/**
 * Whether a change was made on the master's content. After a push RxDB takes the document it sent
 * as the server's state until a pull brings the server's copy, whose stamps and server-owned
 * fields differ; a change made in between comes on that sent copy and must be kept (comparing
 * updatedAt alone answered a conflict, and RxDB then dropped the change). A change made on
 * content someone changed since is still stale.
 */
function basedOnMaster(pushable: Pushable, assumed: Record<string, unknown> | null, master: Record<string, unknown>): boolean {
  if (!assumed) return false;
  if (assumed.updatedAt === master.updatedAt) return true;
  const assumedPart = editedPartOf(pushable, assumed);
  return assumedPart !== undefined && isDeepStrictEqual(assumedPart, editedPartOf(pushable, master));
}

async function namesErased(erased: ErasedIds, doc: Record<string, unknown>): Promise<boolean> {
  for (const field of ['id', 'contactId', 'conversationId'] as const) {
    const value = doc[field];
    if (typeof value === 'string' && (await erased.has(value))) return true;
  }
  return false;
}

/** Returns the master state of every row that conflicted, as RxDB's push handler expects. */
export async function pushCollection(
  store: Store,
  viewer: Viewer,
  collection: CollectionName,
  rows: PushRow[],
): Promise<Array<Record<string, unknown>>> {
  const pushable = isPushedCollection(collection) ? PUSHABLE[collection] : undefined;
  if (!pushable) {
    throw new DomainError('forbidden', 'read_only_collection', `${collection} changes go through commands, not push`);
  }
  if (!pushable.mayWrite(viewer)) throw forbidden(`Your role may not edit ${collection}`);
  // Validate everything first so a bad row leaves nothing half-written.
  const incoming = rows.map((row, i) => {
    const { _deleted, ...fields } = row.newDocumentState;
    const doc = parse(pushable.schema, fields, `document ${i}`);
    if (!doc.id.startsWith(`${doc.type}:`)) throw invalid(`document ${i}: id must start with ${doc.type}:`);
    pushable.check?.(viewer, doc as Pushed & Record<string, unknown>);
    return { doc, deleted: _deleted === true, assumed: row.assumedMasterState ?? null };
  });
  const conflicts: Array<Record<string, unknown>> = [];
  const erased = erasedIdsOf(store);
  for (const { doc, deleted, assumed } of incoming) {
    // Erased or removed by retention (issue 19, the ledger): an old replica's copy — or a note or
    // favourite on an erased contact or conversation — is ignored; that replica is reset at its next pull.
    if (await namesErased(erased, doc)) continue;
    const current = await store.get(doc.id);
    const gone = current !== undefined && (current._deleted === true || isRemoved(current));
    if (current && !gone && visibilityOf(viewer, current) !== 'visible') throw forbidden();
    const revived = gone && !deleted && pushable.revivable === true;
    if (gone && !revived) {
      // Removed stays removed: a late edit learns so from the master state; a late removal is done.
      if (!deleted) conflicts.push(masterOf(current));
      continue;
    }
    const master = current && !revived ? toWire<Record<string, unknown>>(current) : undefined;
    const stale = revived ? false : master ? !basedOnMaster(pushable, assumed, master) : assumed !== null;
    // Another user's document the viewer sees but may not change (a colleague's note): the master state puts theirs back.
    if (stale || (current && !revived && pushable.mayChange && !(await pushable.mayChange(viewer, current, deleted, store)))) {
      if (current) conflicts.push(masterOf(current));
      continue;
    }
    const now = Date.now();
    const previousUpdatedAt = typeof current?.updatedAt === 'number' ? current.updatedAt : 0;
    // The server clock owns updatedAt; client clocks are not trusted (ARCHITECTURE §4).
    const updatedAt = Math.max(now, previousUpdatedAt + 1);
    let next: StoredDoc;
    if (deleted && current) {
      next = removedForm(current, updatedAt);
    } else if (deleted) {
      continue; // created and removed offline: nothing to keep
    } else {
      const createdAt = typeof master?.createdAt === 'number' ? master.createdAt : now;
      const edited: Record<string, unknown> = { ...doc };
      for (const field of pushable.ownedFields) delete edited[field];
      const owned = await pushable.owned(viewer, revived ? undefined : current, doc as Pushed & Record<string, unknown>, store);
      const stamped = { ...edited, ...owned, id: doc.id, createdAt, updatedAt };
      next = toStored(stamped, current?._rev);
      if (visibilityOf(viewer, next) !== 'visible') throw forbidden('That document would be outside your teams');
    }
    const [result] = await store.bulkWrite([next]);
    if (!result?.ok) {
      const latest = await store.get(doc.id);
      if (latest) conflicts.push(masterOf(latest));
    } else if (!master) {
      await pushable.created?.(store, next);
    }
  }
  return conflicts;
}
