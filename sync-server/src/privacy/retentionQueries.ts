import type { DocStore, StoredDoc, ViewDesign } from '../store/index.js';

/**
 * What a retention run (issue 19 point 1, R-PRIV-01) reads, as key ranges of its own view rather
 * than scans: finished conversations of one team by when they finished, and notes by when they
 * were last written. The document id ends each key, so a page continues exactly after the last
 * row of the one before, however many rows share one instant. Self-contained ES5 map functions:
 * CouchDB's JavaScript engine and PouchDB both evaluate them.
 */
const FINISHED_MAP = `function (doc) {
  if (doc.type !== 'conversation' || doc.status !== 'finished') return;
  if (typeof doc.teamId !== 'string' || typeof doc.finishedAt !== 'number') return;
  emit([doc.teamId, doc.finishedAt, doc._id], null);
}`;

const NOTES_MAP = `function (doc) {
  if (doc.type !== 'note' || typeof doc.contactId !== 'string') return;
  var at = typeof doc.updatedAt === 'number' ? doc.updatedAt : doc.createdAt;
  if (typeof at === 'number') emit([at, doc._id], null);
}`;

export const RETENTION_DESIGN: ViewDesign = {
  name: 'atende-retention',
  views: { finished_by_team: FINISHED_MAP, notes_by_age: NOTES_MAP },
};

/** Rows read per query: a run's memory and each read stay bounded however much is old. */
export const RETENTION_PAGE = 200;

/**
 * Every document of `view` with a key from `start` up to (excluding) `end`, a page at a time.
 * `next` gives the key to continue from after a row (inclusive: that row is then skipped by id).
 */
async function* pages(
  store: DocStore,
  view: string,
  start: unknown[],
  end: unknown[],
  next: (key: unknown[]) => unknown[],
): AsyncGenerator<StoredDoc[]> {
  let startkey: unknown[] = start;
  let lastId: string | undefined;
  for (;;) {
    const rows = await store.queryView(RETENTION_DESIGN, { view, startkey, endkey: end, limit: RETENTION_PAGE + 1 });
    const fresh = rows.filter((row) => row.id !== lastId);
    if (fresh.length > 0) yield fresh.map((row) => row.doc);
    const last = rows.at(-1);
    if (!last || rows.length < RETENTION_PAGE + 1 || last.id === lastId) return;
    startkey = next(last.key as unknown[]);
    lastId = last.id;
  }
}

/** Finished conversations of `teamId` whose `finishedAt` is before `cutoff`, oldest first. */
export function finishedBefore(store: DocStore, teamId: string, cutoff: number): AsyncGenerator<StoredDoc[]> {
  // [teamId, cutoff] sorts before every [teamId, cutoff, id]: a conversation finished at the cutoff stays.
  return pages(store, 'finished_by_team', [teamId, 0], [teamId, cutoff], (key) => key);
}

/** Notes last written before `cutoff`, oldest first. */
export function notesBefore(store: DocStore, cutoff: number): AsyncGenerator<StoredDoc[]> {
  return pages(store, 'notes_by_age', [0], [cutoff], (key) => key);
}

/** Whether any conversation of the contact is left, in any team (one bounded indexed read). */
export async function hasConversation(store: DocStore, contactId: string): Promise<boolean> {
  const found = await store.find({
    selector: { type: 'conversation', contactId }, fields: ['_id'], limit: 1, useIndex: 'idx-conversation-contact',
  });
  return found.length > 0;
}
