import type { StoredDoc } from './types.js';

/**
 * The sync index (issue 8 design A.2): one view that lists every replicated document under each
 * scope key that may read it, ordered by the server's `changedAt` and then id. A pull reads the
 * ranges of its viewer's keys only, so it touches the documents it returns, not the whole
 * organisation's feed (ARCHITECTURE §4). The map function is one self-contained ES5 string,
 * because both CouchDB's JavaScript engine and PouchDB evaluate it; `syncKeysOf` is its
 * TypeScript twin (a test proves they agree), for code that must know a document's keys.
 */
export const SYNC_DDOC = 'atende-sync';
export const SYNC_VIEW = 'by_scope';

/**
 * Key scopes: a team's members, every viewer of the type, one user (a contact's creator, a
 * note's author, a favourite's owner, either user of a one-to-one chat message), and the
 * see-everything key (every document but one-to-one chat messages, which no one else may see).
 */
export const ALL_KEY = 'all';
export const EVERYTHING_KEY = '*';

export const SYNC_MAP = `function (doc) {
  if (doc._deleted || typeof doc.changedAt !== 'number') return;
  var type = doc.type;
  var keys = [];
  var add = function (key) { if (keys.indexOf(key) < 0) keys.push(key); };
  var addTeams = function (teams) {
    if (!Array.isArray(teams)) return;
    for (var i = 0; i < teams.length; i++) if (typeof teams[i] === 'string') add('team:' + teams[i]);
  };
  var i;
  var everyone = true;
  if (type === 'message' && doc.direction === 'internal' && typeof doc.recipientId === 'string') {
    if (typeof doc.authorId === 'string') add('user:' + doc.authorId);
    add('user:' + doc.recipientId);
    everyone = false;
  } else if (type === 'conversation' || type === 'message') {
    if (typeof doc.teamId === 'string') add('team:' + doc.teamId);
    addTeams(doc.formerTeamIds);
  } else if (type === 'predefined' || type === 'disposition') {
    if (doc.teamId === null) add('all');
    else if (typeof doc.teamId === 'string') add('team:' + doc.teamId);
  } else if (type === 'team' || type === 'user' || type === 'tag') {
    add('all');
  } else if (type === 'contact') {
    addTeams(doc.teamIds);
    if (typeof doc.createdBy === 'string') add('user:' + doc.createdBy);
  } else if (type === 'note') {
    addTeams(doc.teamIds);
    if (typeof doc.authorId === 'string') add('user:' + doc.authorId);
  } else if (type === 'favourite') {
    if (typeof doc.userId === 'string') add('user:' + doc.userId);
  } else {
    return;
  }
  if (everyone) add('*');
  for (i = 0; i < keys.length; i++) emit([type, keys[i], doc.changedAt], null);
}`;

export const REPLICATED_TYPES: ReadonlySet<string> = new Set([
  'conversation', 'message', 'contact', 'predefined', 'team', 'user', 'disposition', 'note', 'tag', 'favourite',
]);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The scope keys the view emits for a document (none when it is not in the index). */
export function syncKeysOf(doc: Readonly<Record<string, unknown>>): string[] {
  const type = doc.type;
  if (doc._deleted === true || typeof doc.changedAt !== 'number' || typeof type !== 'string') return [];
  if (!REPLICATED_TYPES.has(type)) return [];
  const keys: string[] = [];
  const add = (key: string) => {
    if (!keys.includes(key)) keys.push(key);
  };
  if (type === 'message' && doc.direction === 'internal' && typeof doc.recipientId === 'string') {
    // A one-to-one internal chat message (R-WS-12): its two users' only, not its team's, nor the
    // see-everything key — no supervisor may read it, so supervisors' pulls must not wade through
    // agents' talk (ARCHITECTURE §4: a pull costs what it returns). A party reads it by their key.
    if (typeof doc.authorId === 'string') add(`user:${doc.authorId}`);
    add(`user:${doc.recipientId}`);
    return keys;
  } else if (type === 'conversation' || type === 'message') {
    if (typeof doc.teamId === 'string') add(`team:${doc.teamId}`);
    for (const team of strings(doc.formerTeamIds)) add(`team:${team}`);
  } else if (type === 'predefined' || type === 'disposition') {
    if (doc.teamId === null) add(ALL_KEY);
    else if (typeof doc.teamId === 'string') add(`team:${doc.teamId}`);
  } else if (type === 'team' || type === 'user' || type === 'tag') {
    add(ALL_KEY);
  } else if (type === 'contact' || type === 'note') {
    for (const team of strings(doc.teamIds)) add(`team:${team}`);
    const personal = type === 'contact' ? doc.createdBy : doc.authorId;
    if (typeof personal === 'string') add(`user:${personal}`);
  } else if (type === 'favourite' && typeof doc.userId === 'string') {
    add(`user:${doc.userId}`);
  }
  add(EVERYTHING_KEY);
  return keys;
}

export const syncDesignDoc = (rev?: string): StoredDoc => ({
  _id: `_design/${SYNC_DDOC}`,
  ...(rev ? { _rev: rev } : {}),
  language: 'javascript',
  // `_count` lets CouchDB count a range from its B-tree reductions (progress figures).
  views: { [SYNC_VIEW]: { map: SYNC_MAP, reduce: '_count' } },
});

export function hasSyncView(ddoc: StoredDoc | undefined): boolean {
  const views = ddoc?.views as Record<string, { map?: string; reduce?: string }> | undefined;
  return views?.[SYNC_VIEW]?.map === SYNC_MAP && views[SYNC_VIEW]?.reduce === '_count';
}

export interface SyncPosition {
  t: number;
  id: string;
}

/**
 * The view's order of rows under one key: `changedAt`, then document id. View rows with equal
 * keys sort by raw document id (CouchDB compares ids as binaries, PouchDB as strings), which for
 * the ASCII ids of this application is JavaScript's string order.
 */
export function compareSyncPositions(a: SyncPosition, b: SyncPosition): number {
  if (a.t !== b.t) return a.t - b.t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
