import { mkdirSync } from 'node:fs';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import PouchFind from 'pouchdb-find';
import { LiveFollows, toRow } from './embeddedFeed.js';
import {
  applyErasure, compactErasure, deleteEveryLeaf, planErasure, releaseErasure, sealErasure,
} from './embeddedPurge.js';
import { PouchSyncIndex } from './embeddedSync.js';
import { Gate } from './gate.js';
import { trackedLeveldown } from './leveldb.js';
import { compiledViews } from './views.js';
import {
  conflictsDesignDoc, CONFLICTS_DDOC, CONFLICTS_VIEW, hasConflictsView, onceUntilDone, pageAfter, readWithConflicts,
  replicatedResults,
  type ReplicatedWriteError,
} from './revisions.js';
import type {
  Attachment, ChangesPage, ChangesQuery, ConflictedDoc, ConflictedIdsQuery, DocStore, Feed,
  FindQuery, FollowOptions, SyncRangeQuery, SyncRow, Selector, StoredDoc, ViewDesign, ViewRangeQuery, ViewRow, WriteOptions, WriteResult,
} from './types.js';
import { pouchViews, type DomainViews } from './domainViews.js';
import { StoreError } from './types.js';

PouchDB.plugin(PouchFind);

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error
    ? Number((error as { status: unknown }).status)
    : undefined;
}

/** PouchDB on LevelDB in a folder: the zero-setup store. Its sequences are integers in strings. */
export class EmbeddedStore implements DocStore {
  readonly kind = 'embedded';
  private readonly db: PouchDB;
  private readonly folder: string;
  private readonly follows: LiveFollows;
  /** Every call shares the LevelDBs; a purge's last phase has them alone (store/gate.ts). */
  private readonly gate = new Gate();

  constructor(dataDir: string, name = 'atende') {
    mkdirSync(dataDir, { recursive: true });
    this.folder = path.join(dataDir, name);
    // Hot documents (counters, busy conversations) collect revisions; we never replicate
    // store-to-store, so a short revision history keeps their writes fast (bench/README.md).
    // Indexes read the changes in larger batches than PouchDB's 50: about 20% faster builds.
    // Our own leveldown handles (store/leveldb.ts): a purge compacts and reopens every LevelDB.
    this.db = new PouchDB(this.folder, {
      auto_compaction: true, revs_limit: 50, view_update_changes_batch_size: 500, db: trackedLeveldown,
    });
    this.sync = new PouchSyncIndex(this.db);
    this.views = pouchViews(this.db);
    this.follows = new LiveFollows(this.db);
  }

  private readonly views: DomainViews;

  ensureView(design: ViewDesign): Promise<void> {
    return this.gate.shared(() => this.views.ensureView(design));
  }

  queryView(design: ViewDesign, query: ViewRangeQuery): Promise<ViewRow[]> {
    return this.gate.shared(() => this.views.queryView(design, query));
  }

  /** No cache here, so every read is fresh. */
  get(id: string): Promise<StoredDoc | undefined> {
    return this.gate.shared(() => this.read(id));
  }

  private async read(id: string, options: { conflicts?: boolean; rev?: string } = {}): Promise<StoredDoc | undefined> {
    try {
      return (await this.db.get(id, options)) as StoredDoc;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  bulkWrite(docs: StoredDoc[], options: WriteOptions = {}): Promise<WriteResult[]> {
    return this.gate.shared(() => this.write(docs, options));
  }

  private async write(docs: StoredDoc[], options: WriteOptions): Promise<WriteResult[]> {
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

  getWithConflicts(id: string): Promise<ConflictedDoc | undefined> {
    return this.gate.shared(() => readWithConflicts((query) => this.read(id, query)));
  }

  private readonly conflictsView = onceUntilDone(() => this.ensureConflictsView());

  conflictedIds(query: ConflictedIdsQuery): Promise<string[]> {
    return this.gate.shared(() => this.readConflictedIds(query));
  }

  private async readConflictedIds(query: ConflictedIdsQuery): Promise<string[]> {
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
    const [written] = await this.write([conflictsDesignDoc(current?._rev)], {});
    // A conflict means someone else wrote it at the same moment: the same definition.
    if (written && !written.ok && written.error !== 'conflict') throw new StoreError(written.reason, 500);
  }

  find(query: FindQuery): Promise<StoredDoc[]> {
    return this.gate.shared(() => this.findNow(query));
  }

  private async findNow(query: FindQuery): Promise<StoredDoc[]> {
    const request: Parameters<PouchDB['find']>[0] = { selector: query.selector, limit: query.limit };
    if (query.sort) request.sort = query.sort;
    if (query.skip) request.skip = query.skip;
    if (query.useIndex) request.use_index = query.useIndex;
    if (query.fields) request.fields = query.fields;
    const result = await this.db.find(request);
    return result.docs as StoredDoc[];
  }

  ensureIndex(name: string, fields: string[]): Promise<void> {
    return this.gate.shared(async () => {
      await this.db.createIndex({ index: { fields, name, ddoc: name } });
    });
  }

  changes(query: ChangesQuery): Promise<ChangesPage> {
    return this.gate.shared(() => this.readChanges(query));
  }

  private async readChanges(query: ChangesQuery): Promise<ChangesPage> {
    const options: { since: number; limit: number; include_docs: true; selector?: Selector } = {
      since: Number(query.since) || 0,
      limit: query.limit,
      include_docs: true,
    };
    if (query.selector) options.selector = query.selector;
    const result = await this.db.changes(options);
    return {
      results: result.results.map(toRow),
      lastSeq: String(result.last_seq),
    };
  }

  follow(options: FollowOptions): Feed {
    return this.follows.follow(options);
  }

  private readonly sync: PouchSyncIndex;

  syncRange(query: SyncRangeQuery): Promise<SyncRow[]> {
    return this.gate.shared(() => this.sync.syncRange(query));
  }

  countRange(query: Omit<SyncRangeQuery, 'limit'>): Promise<number> {
    return this.gate.shared(() => this.sync.countRange(query));
  }

  identity(): Promise<string> {
    return this.gate.shared(() => this.sync.identity());
  }

  bumpEpoch(): Promise<string> {
    return this.gate.shared(() => this.sync.bumpEpoch());
  }

  warmIndexes(): Promise<void> {
    return this.gate.shared(() => this.sync.warmIndexes());
  }

  /**
   * Deletes every live revision through PouchDB and brings every index up to date (the feeds,
   * views and the sync index drop the documents), then erases what is left of them on disk
   * (store/embeddedPurge.ts): the deletions and the reopens with the LevelDBs to themselves
   * (calls wait, live follows pause and resume where they were; one batch write and a reopen per
   * LevelDB), reading what to erase and the compactions while the store serves. One at a time.
   */
  purge(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    const run = this.purging.then(async () => {
      const plan = await this.gate.shared(async () => {
        await deleteEveryLeaf(this.db, ids);
        await this.sync.warmIndexes();
        return planErasure(this.folder, ids);
      });
      try {
        await this.alone(() => applyErasure(plan));
        await this.gate.shared(() => compactErasure(plan));
        await this.alone(() => sealErasure(plan));
      } finally {
        await releaseErasure(plan);
      }
      return plan.purged;
    });
    this.purging = run.catch(() => undefined);
    return run;
  }

  private purging: Promise<unknown> = Promise.resolve();

  private alone<T>(run: () => Promise<T>): Promise<T> {
    return this.gate.exclusive(async () => {
      this.follows.pause();
      try {
        return await run();
      } finally {
        this.follows.resume();
      }
    });
  }

  putAttachment(id: string, rev: string, name: string, attachment: Attachment): Promise<string> {
    return this.gate.shared(() => this.attach(id, rev, name, attachment));
  }

  private async attach(id: string, rev: string, name: string, attachment: Attachment): Promise<string> {
    try {
      const r = await this.db.putAttachment(id, name, rev, attachment.data, attachment.contentType);
      return r.rev;
    } catch (error) {
      throw new StoreError(`attachment ${name} of ${id}: ${String(error)}`, statusOf(error) ?? 500);
    }
  }

  getAttachment(id: string, name: string): Promise<Attachment | undefined> {
    return this.gate.shared(() => this.readAttachment(id, name));
  }

  private async readAttachment(id: string, name: string): Promise<Attachment | undefined> {
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
    // A purge under way finishes first: its compactions run on PouchDB's LevelDB handles.
    this.closing ??= this.purging.then(() =>
      this.gate.shared(async () => {
        this.follows.stopAll();
        await this.db.close();
      }),
    );
    return this.closing;
  }
}
