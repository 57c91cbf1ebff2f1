/**
 * The one document-store interface (ARCHITECTURE §5). Drivers speak CouchDB's document model:
 * `_id`, `_rev`, per-document conflicts, Mango selectors and a change feed whose sequences are
 * opaque strings (clustered CouchDB sequences cannot be parsed or compared).
 */
export interface StoredDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  [field: string]: unknown;
}

export type WriteResult =
  | { id: string; ok: true; rev: string }
  | { id: string; ok: false; error: 'conflict' | 'forbidden' | 'unknown'; reason: string };

export type Selector = Record<string, unknown>;

export interface FindQuery {
  selector: Selector;
  sort?: Array<Record<string, 'asc' | 'desc'>>;
  /** Required: CouchDB's default of 25 silently truncates. */
  limit: number;
  skip?: number;
  useIndex?: string;
  /** Only these fields of each document come back (e.g. `['_id']` to count): the rest is not sent. */
  fields?: string[];
}

export interface ChangeRow {
  id: string;
  seq: string;
  deleted: boolean;
  doc: StoredDoc;
}

export interface ChangesPage {
  results: ChangeRow[];
  /** Where to continue from. Opaque: pass it back as `since`, never compare it. */
  lastSeq: string;
}

export interface ChangesQuery {
  since: string;
  limit: number;
  selector?: Selector;
}

export interface FollowOptions {
  /** A sequence from this store, or 'now' for changes from this moment on. */
  since: string;
  selector?: Selector;
  /** Each row's doc carries `_conflicts` (the losing leaf revisions) when it has any. */
  conflicts?: boolean;
  onChange: (row: ChangeRow) => void;
  onError?: (error: Error) => void;
}

export interface Feed {
  stop(): void;
}

export interface Attachment {
  data: Buffer;
  contentType: string;
}

export interface GetOptions {
  /**
   * Read the store itself, past any cache: a read–modify–write retrying after a conflict
   * must see the revision that beat it.
   */
  fresh?: boolean;
}

export interface WriteOptions {
  /**
   * false = replication-style write (CouchDB `new_edits: false`): each `_rev` (with its
   * `_revisions` history) is stored as given, so writes never conflict but can create
   * conflicting leaf revisions. Every successful result reports the `_rev` it was given.
   */
  newEdits?: boolean;
}

/** A document's winning revision and its conflicting (non-deleted, losing) leaf revisions. */
export interface ConflictedDoc {
  doc: StoredDoc;
  conflicts: StoredDoc[];
}

export interface ConflictedIdsQuery {
  limit: number;
  /** Continue after this id (the last one of the previous page). */
  after?: string;
}

/**
 * One range of the sync index (`_design/atende-sync`, view `by_scope`, store/syncView.ts): the
 * documents of `type` under one scope `key`, ordered by the server's `changedAt` then id.
 */
export interface SyncRangeQuery {
  /** Document type, e.g. 'message'. */
  type: string;
  /** A scope key of `syncKeysOf`: `team:<id>`, `user:<id>`, `all` or `*`. */
  key: string;
  /** Exclusive start: only rows strictly after this (changedAt, id). `{t: 0, id: ''}` = from the start. */
  after: { t: number; id: string };
  limit: number;
}

export interface SyncRow {
  id: string;
  /** The document's `changedAt` (server ms) as indexed. */
  t: number;
  doc: StoredDoc;
}

/** A domain module's view (store/domainViews.ts): its design document's name, view name → map source. */
export interface ViewDesign {
  name: string;
  views: Readonly<Record<string, string>>;
}

/** One key range of a domain view, with the documents (`descending`: from `startkey` down to `endkey`). */
export interface ViewRangeQuery {
  view: string;
  startkey: unknown;
  endkey: unknown;
  limit: number;
  descending?: boolean;
}

export interface ViewRow {
  id: string;
  key: unknown;
  doc: StoredDoc;
}

export interface DocStore {
  readonly kind: 'embedded' | 'couchdb';
  get(id: string, options?: GetOptions): Promise<StoredDoc | undefined>;
  /** Writes each document independently; a stale `_rev` fails only that document. */
  bulkWrite(docs: StoredDoc[], options?: WriteOptions): Promise<WriteResult[]>;
  /** undefined when the document does not exist or is deleted. */
  getWithConflicts(id: string): Promise<ConflictedDoc | undefined>;
  /** Ids of documents that have conflicting revisions, in id order. */
  conflictedIds(query: ConflictedIdsQuery): Promise<string[]>;
  find(query: FindQuery): Promise<StoredDoc[]>;
  ensureIndex(name: string, fields: string[]): Promise<void>;
  changes(query: ChangesQuery): Promise<ChangesPage>;
  follow(options: FollowOptions): Feed;
  putAttachment(id: string, rev: string, name: string, attachment: Attachment): Promise<string>;
  getAttachment(id: string, name: string): Promise<Attachment | undefined>;
  /** At most `limit` rows strictly after `after`, ordered by (t, id). Never cached. */
  syncRange(query: SyncRangeQuery): Promise<SyncRow[]>;
  /** How many rows `syncRange` would still return after `after` (progress figures). */
  countRange(query: Omit<SyncRangeQuery, 'limit'>): Promise<number>;
  /**
   * `<uuid>.<epoch>`: this database's identity, kept in a `_local/` document (never replicated),
   * so a checkpoint from another or a recreated store is recognised. The epoch starts at "1".
   */
  identity(): Promise<string>;
  /**
   * Raises the identity's epoch by one and answers the new identity (issue 19: a purge is
   * followed by a bump, so every replica's checkpoint of the old identity resets it). This node's
   * `identity()` answers the new one at once; other nodes' within a few seconds (IDENTITY_TTL_MS).
   */
  bumpEpoch(): Promise<string>;
  /**
   * Removes these documents for good (issue 19, R-PRIV-03): every revision, conflict and
   * tombstone, their attachments, their rows in the change feed, Mango indexes, domain views and
   * the sync index; the embedded store leaves no byte of them in its files. Answers how many of
   * the ids the store held; unknown ids are ignored. Live followers of the embedded store see a
   * deletion row first; on CouchDB the documents just leave the feed. The caller keeps other
   * writers off these ids meanwhile, and bumps the epoch afterwards.
   */
  purge(ids: readonly string[]): Promise<number>;
  /** Builds every view and Mango index now, so no user query waits for an index build. */
  warmIndexes(): Promise<void>;
  /** Writes a domain view's design document when missing or changed (then the warmer builds it). */
  ensureView(design: ViewDesign): Promise<void>;
  /** A key range of a domain view, never cached; rows of documents deleted meanwhile are left out. */
  queryView(design: ViewDesign, query: ViewRangeQuery): Promise<ViewRow[]>;
  close(): Promise<void>;
}

/** The sequence that means "from the beginning" for every driver. */
export const START_SEQ = '0';

export class StoreError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
