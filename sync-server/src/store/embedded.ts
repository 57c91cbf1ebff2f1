import { mkdirSync } from 'node:fs';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import PouchFind from 'pouchdb-find';
import { PouchSyncIndex } from './embeddedSync.js';
import { compiledViews } from './views.js';
import {
  conflictsDesignDoc, CONFLICTS_DDOC, CONFLICTS_VIEW, hasConflictsView, onceUntilDone, pageAfter, readWithConflicts,
  replicatedResults,
  type ReplicatedWriteError,
} from './revisions.js';
import type {
  Attachment, ChangeRow, ChangesPage, ChangesQuery, ConflictedDoc, ConflictedIdsQuery, DocStore, Feed,
  FindQuery, FollowOptions, SyncRangeQuery, SyncRow, Selector, StoredDoc, ViewDesign, ViewRangeQuery, ViewRow, WriteOptions, WriteResult,
} from './types.js';
import { pouchViews, type DomainViews } from './domainViews.js';
import { StoreError } from './types.js';

PouchDB.plugin(PouchFind);

interface PouchChange {
  id: string;
  seq: number | string;
  deleted?: boolean;
  doc?: StoredDoc;
}
type LiveFeed = { cancel(): void };

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error
    ? Number((error as { status: unknown }).status)
    : undefined;
}

function toRow(change: PouchChange): ChangeRow {
  return {
    id: change.id,
    seq: String(change.seq),
    deleted: change.deleted === true,
    doc: (change.doc ?? { _id: change.id, _deleted: true }) as StoredDoc,
  };
}

/** PouchDB on LevelDB in a folder: the zero-setup store. Its sequences are integers in strings. */
export class EmbeddedStore implements DocStore {
  readonly kind = 'embedded';
  private readonly db: PouchDB;
  private readonly feeds = new Set<LiveFeed>();

  constructor(dataDir: string, name = 'atende') {
    mkdirSync(dataDir, { recursive: true });
    // Hot documents (counters, busy conversations) collect revisions; we never replicate
    // store-to-store, so a short revision history keeps their writes fast (bench/README.md).
    // Indexes read the changes in larger batches than PouchDB's 50: about 20% faster builds.
    this.db = new PouchDB(path.join(dataDir, name), { auto_compaction: true, revs_limit: 50, view_update_changes_batch_size: 500 });
    this.sync = new PouchSyncIndex(this.db);
    this.views = pouchViews(this.db);
  }

  private readonly views: DomainViews;

  ensureView(design: ViewDesign): Promise<void> {
    return this.views.ensureView(design);
  }

  queryView(design: ViewDesign, query: ViewRangeQuery): Promise<ViewRow[]> {
    return this.views.queryView(design, query);
  }

  /** No cache here, so every read is fresh. */
  async get(id: string): Promise<StoredDoc | undefined> {
    return this.read(id);
  }

  private async read(id: string, options: { conflicts?: boolean; rev?: string } = {}): Promise<StoredDoc | undefined> {
    try {
      return (await this.db.get(id, options)) as StoredDoc;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async bulkWrite(docs: StoredDoc[], options: WriteOptions = {}): Promise<WriteResult[]> {
    if (options.newEdits === false) {
      // A copy: PouchDB sorts the array it is given.
      const errors = await this.db.bulkDocs([...docs], { new_edits: false });
      return replicatedResults(docs, errors as ReplicatedWriteError[]);
    }
    const results = await this.db.bulkDocs(docs);
    return results.map((r, i) => {
      const id = docs[i]?._id ?? '';
      if ('ok' in r && r.ok) return { id, ok: true, rev: r.rev };
      const err = r as { status?: number; message?: string; name?: string };
      const status = err.status ?? 500;
      return {
        id,
        ok: false,
        error: status === 409 ? 'conflict' : status === 403 ? 'forbidden' : 'unknown',
        reason: err.message ?? String(err.name),
      };
    });
  }

  async getWithConflicts(id: string): Promise<ConflictedDoc | undefined> {
    return readWithConflicts((query) => this.read(id, query));
  }

  private readonly conflictsView = onceUntilDone(() => this.ensureConflictsView());

  async conflictedIds(query: ConflictedIdsQuery): Promise<string[]> {
    await this.conflictsView();
    // Through the compiled-once engine, as every view of ours: one engine per view, or two
    // would update the same index at once.
    const result = await compiledViews.query.call(this.db, `${CONFLICTS_DDOC}/${CONFLICTS_VIEW}`, {
      limit: query.limit + (query.after === undefined ? 0 : 1),
      ...(query.after === undefined ? {} : { startkey: query.after }),
    });
    return pageAfter(result.rows.map((row) => row.id), query.after, query.limit);
  }

  private async ensureConflictsView(): Promise<void> {
    const current = await this.read(`_design/${CONFLICTS_DDOC}`);
    if (hasConflictsView(current)) return;
    const [written] = await this.bulkWrite([conflictsDesignDoc(current?._rev)]);
    // A conflict means someone else wrote it at the same moment: the same definition.
    if (written && !written.ok && written.error !== 'conflict') throw new StoreError(written.reason, 500);
  }

  async find(query: FindQuery): Promise<StoredDoc[]> {
    const request: Parameters<PouchDB['find']>[0] = { selector: query.selector, limit: query.limit };
    if (query.sort) request.sort = query.sort;
    if (query.skip) request.skip = query.skip;
    if (query.useIndex) request.use_index = query.useIndex;
    if (query.fields) request.fields = query.fields;
    const result = await this.db.find(request);
    return result.docs as StoredDoc[];
  }

  async ensureIndex(name: string, fields: string[]): Promise<void> {
    await this.db.createIndex({ index: { fields, name, ddoc: name } });
  }

  async changes(query: ChangesQuery): Promise<ChangesPage> {
    const options: { since: number; limit: number; include_docs: true; selector?: Selector } = {
      since: Number(query.since) || 0,
      limit: query.limit,
      include_docs: true,
    };
    if (query.selector) options.selector = query.selector;
    const result = await this.db.changes(options);
    return {
      results: (result.results as PouchChange[]).map(toRow),
      lastSeq: String(result.last_seq),
    };
  }

  follow(options: FollowOptions): Feed {
    const feedOptions: { live: true; include_docs: true; since: number | 'now'; selector?: Selector; conflicts?: boolean } = {
      live: true,
      include_docs: true,
      since: options.since === 'now' ? 'now' : Number(options.since) || 0,
    };
    if (options.selector) feedOptions.selector = options.selector;
    if (options.conflicts) feedOptions.conflicts = true;
    const feed = this.db.changes(feedOptions);
    feed.on('change', (change) => options.onChange(toRow(change)));
    feed.on('error', (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))));
    this.feeds.add(feed);
    return {
      stop: () => {
        feed.cancel();
        this.feeds.delete(feed);
      },
    };
  }

  private readonly sync: PouchSyncIndex;

  syncRange(query: SyncRangeQuery): Promise<SyncRow[]> {
    return this.sync.syncRange(query);
  }

  countRange(query: Omit<SyncRangeQuery, 'limit'>): Promise<number> {
    return this.sync.countRange(query);
  }

  identity(): Promise<string> {
    return this.sync.identity();
  }

  warmIndexes(): Promise<void> {
    return this.sync.warmIndexes();
  }

  async putAttachment(id: string, rev: string, name: string, attachment: Attachment): Promise<string> {
    try {
      const r = await this.db.putAttachment(id, name, rev, attachment.data, attachment.contentType);
      return r.rev;
    } catch (error) {
      throw new StoreError(`attachment ${name} of ${id}: ${String(error)}`, statusOf(error) ?? 500);
    }
  }

  async getAttachment(id: string, name: string): Promise<Attachment | undefined> {
    try {
      const doc = await this.db.get(id, { attachments: false });
      const meta = (doc as { _attachments?: Record<string, { content_type?: string }> })._attachments?.[name];
      if (!meta) return undefined;
      const data = (await this.db.getAttachment(id, name)) as Buffer;
      return { data, contentType: meta.content_type ?? 'application/octet-stream' };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private closing: Promise<void> | undefined;

  /** Idempotent, like the CouchDB driver's: PouchDB throws "database is closed" on a second close. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const feed of this.feeds) feed.cancel();
      this.feeds.clear();
      await this.db.close();
    })();
    return this.closing;
  }
}
