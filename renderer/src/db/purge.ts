import type { RxCollection, RxDocument } from 'rxdb';
import { replicaWindowStart, tombstoneOf, visibilityOf, type CollectionName, type Viewer } from '@atende/protocol';
import { REPLICATED, replicatedCollection, type AtendeDatabase } from './database';

/**
 * Removing documents from the local replica for good (ARCHITECTURE §4, issue 8 point 4): the
 * user lost the right to them, their store was reset, or they left the replica window. A purged
 * document is first rewritten without content *as* its deletion (one write: the deleted revision
 * RxDB keeps until cleanup never holds text, names or previews), then physically cleaned up.
 */

/** Documents read per round, so a purge of 50,000 messages never holds them all in memory. */
const PAGE = 1_000;

/** The collections whose documents depend on the viewer's rights (teams, users and tags are for everyone; favourites are always the user's own). */
export const SCOPED: CollectionName[] = ['conversations', 'messages', 'contacts', 'predefined', 'dispositions', 'notes'];

type AnyCollection = RxCollection<Record<string, unknown>>;
type Doc = RxDocument<Record<string, unknown>>;

/** Writes each document as a content-free deletion, then deletes the deletions from disk. */
export async function purgeDocuments(collection: AnyCollection, docs: readonly Doc[]): Promise<number> {
  if (docs.length === 0) return 0;
  const rows = docs.map((doc) => {
    const previous = doc.toMutableJSON(true) as Record<string, unknown>;
    // tombstoneOf keeps identity and the indexed fields only; RxDB fills in _rev and _meta.
    const { _deleted: _ignored, ...emptied } = tombstoneOf(previous);
    const document = { ...emptied, _deleted: true, _rev: previous._rev, _meta: previous._meta, _attachments: {} };
    return { previous, document };
  });
  // A row another write changed meanwhile is refused (conflict); the next purge round retries it.
  const result = await collection.storageInstance.bulkWrite(rows as never, 'atende-purge');
  await cleanupDeleted(collection);
  return docs.length - result.error.length;
}

/** Physically removes every deleted document of the collection now (RxDB keeps them for replication). */
export async function cleanupDeleted(collection: AnyCollection): Promise<void> {
  // Until the storage says it is done (it may clean up in rounds).
  for (let round = 0; round < 100 && !collection.closed; round++) {
    if (await collection.storageInstance.cleanup(0)) return;
  }
}

/** Pages through a collection by primary key and purges the documents `doomed` picks. */
async function purgeWhere(collection: AnyCollection, doomed: (doc: Record<string, unknown>) => boolean): Promise<number> {
  let purged = 0;
  let after = '';
  for (;;) {
    const page = (await collection
      .find({ selector: { id: { $gt: after } }, sort: [{ id: 'asc' }], limit: PAGE })
      .exec()) as Doc[];
    if (page.length === 0) return purged;
    after = String(page[page.length - 1]?.primary);
    purged += await purgeDocuments(collection, page.filter((doc) => doomed(doc.toJSON() as Record<string, unknown>)));
    if (page.length < PAGE) return purged;
  }
}

/** After a change of rights: whatever the new viewer may not see leaves the replica. */
export async function purgeInvisible(db: AtendeDatabase, viewer: Viewer): Promise<number> {
  let purged = 0;
  for (const name of SCOPED) {
    purged += await purgeWhere(replicatedCollection(db, name), (doc) => visibilityOf(viewer, doc) !== 'visible');
  }
  return purged;
}

/** Another or a reset store: nothing local can be trusted to match it; start clean. */
export async function wipeReplicated(db: AtendeDatabase): Promise<number> {
  let purged = 0;
  for (const name of REPLICATED) purged += await purgeWhere(replicatedCollection(db, name), () => true);
  return purged;
}

/**
 * Finished conversations older than the replica window leave the replica with their messages
 * (issue 8 point 3); the history panel asks the server for them. So do internal chat messages
 * older than the window (R-WS-12): a room never finishes, so their own age decides.
 */
export async function purgeExpired(db: AtendeDatabase, replicaDays: number, now = Date.now()): Promise<number> {
  const cutoff = replicaWindowStart(replicaDays, now);
  return (await purgeFinishedBefore(db, cutoff)) + (await purgeChatBefore(db, cutoff));
}

/**
 * Chat messages created before `cutoff`, oldest first through the ['direction', 'createdAt']
 * index. The server's window goes by `changedAt`, which for chat messages (never edited) is their
 * creation: what leaves here would not come back in a fresh pull either.
 */
async function purgeChatBefore(db: AtendeDatabase, cutoff: number): Promise<number> {
  const messages = replicatedCollection(db, 'messages');
  let purged = 0;
  for (;;) {
    const page = (await messages
      .find({ selector: { direction: 'internal', createdAt: { $lt: cutoff } }, sort: [{ direction: 'asc' }, { createdAt: 'asc' }], limit: PAGE })
      .exec()) as Doc[];
    const done = await purgeDocuments(messages, page);
    purged += done;
    if (page.length < PAGE || done === 0) return purged;
  }
}

async function purgeFinishedBefore(db: AtendeDatabase, cutoff: number): Promise<number> {
  const conversations = replicatedCollection(db, 'conversations');
  const messages = replicatedCollection(db, 'messages');
  let purged = 0;
  for (;;) {
    const expired = (await conversations
      .find({ selector: { status: 'finished', finishedAt: { $lt: cutoff } }, limit: 100 })
      .exec()) as Doc[];
    if (expired.length === 0) return purged;
    const ids = expired.map((doc) => String(doc.primary));
    // Messages first: a crash in between leaves the conversation, so the next round finds them again.
    for (;;) {
      const page = (await messages.find({ selector: { conversationId: { $in: ids } }, limit: PAGE }).exec()) as Doc[];
      const done = await purgeDocuments(messages, page);
      purged += done;
      if (page.length < PAGE || done === 0) break;
    }
    const done = await purgeDocuments(conversations, expired);
    purged += done;
    if (done === 0) return purged;
  }
}
