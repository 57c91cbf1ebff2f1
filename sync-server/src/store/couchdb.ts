import type Nano from 'nano';
import { couchPurge } from './couchPurge.js';
import { CouchSyncIndex } from './couchSync.js';
import { couchViews } from './domainViews.js';
import {
  conflictsDesignDoc, CONFLICTS_DDOC, CONFLICTS_VIEW, hasConflictsView, onceUntilDone, pageAfter, readWithConflicts,
  replicatedResults,
  type ReplicatedWriteError,
} from './revisions.js';
import type {
  Attachment, ChangeRow, ChangesPage, ChangesQuery, ConflictedDoc, ConflictedIdsQuery, DocStore, Feed,
  FindQuery, FollowOptions, SyncRangeQuery, SyncRow, StoredDoc, ViewDesign, ViewRangeQuery, ViewRow, WriteOptions, WriteResult,
} from './types.js';
import { StoreError } from './types.js';

interface CouchChange {
  id: string;
  seq: string | number;
  deleted?: boolean;
  doc?: StoredDoc;
}
interface CouchChanges {
  results: CouchChange[];
  last_seq: string | number;
}
interface CouchBulkRow {
  id: string;
  rev?: string;
  ok?: boolean;
  error?: string;
  reason?: string;
}

const HEARTBEAT_MS = 10_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { statusCode?: unknown; status?: unknown };
  const value = e.statusCode ?? e.status;
  return typeof value === 'number' ? value : undefined;
}

/** CouchDB sequences are opaque: numbers from 1.x-style nodes and strings from clusters alike. */
const seqString = (seq: string | number): string => (typeof seq === 'string' ? seq : String(seq));

function toRow(change: CouchChange): ChangeRow {
  return {
    id: change.id,
    seq: seqString(change.seq),
    deleted: change.deleted === true,
    doc: change.doc ?? { _id: change.id, _deleted: true },
  };
}

/**
 * Apache CouchDB 3 through `nano`, following CouchDB's documented HTTP API only, so it works
 * against a single node or a cluster: `_bulk_docs` per-document results, `_find`, `_index`,
 * and `_changes` with `filter=_selector`.
 */
export class CouchStore implements DocStore {
  readonly kind = 'couchdb';
  private readonly feeds = new Set<AbortController>();

  private constructor(
    private readonly server: Nano.ServerScope,
    private readonly dbName: string,
  ) {}

  static async open(url: string, dbName: string): Promise<CouchStore> {
    // Loaded only for the CouchDB driver: the embedded store's start never pays for nano and its cookie jar.
    const { default: nano } = await import('nano');
    const store = new CouchStore(nano({ url }), dbName);
    await store.ensureDatabase();
    return store;
  }

  private async ensureDatabase(): Promise<void> {
    try {
      await this.server.db.get(this.dbName);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      try {
        await this.server.db.create(this.dbName);
      } catch (createError) {
        // 412: another node created it between our check and our create.
        if (statusOf(createError) !== 412) throw createError;
      }
    }
  }

  /** `relax` also takes `signal`, `contentType`, `accept` and `dontStringify`, which nano's types omit. */
  private request<T>(
    options: Nano.RequestOptions & { signal?: AbortSignal; contentType?: string; accept?: string; dontStringify?: boolean },
  ): Promise<T> {
    return this.server.relax({ db: this.dbName, ...options }) as Promise<T>;
  }

  /** No cache here, so every read is fresh. */
  async get(id: string): Promise<StoredDoc | undefined> {
    return this.read(id);
  }

  private async read(id: string, qs?: Record<string, string>): Promise<StoredDoc | undefined> {
    try {
      return await this.request<StoredDoc>(qs ? { doc: id, qs } : { doc: id });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async bulkWrite(docs: StoredDoc[], options: WriteOptions = {}): Promise<WriteResult[]> {
    if (options.newEdits === false) {
      // CouchDB answers only the documents that failed; in this mode nothing conflicts.
      const errors = await this.request<ReplicatedWriteError[]>({
        method: 'POST',
        path: '_bulk_docs',
        body: { docs, new_edits: false },
      });
      return replicatedResults(docs, errors.filter((row) => row.error));
    }
    const rows = await this.request<CouchBulkRow[]>({
      method: 'POST',
      path: '_bulk_docs',
      body: { docs },
    });
    return rows.map((row, i): WriteResult => {
      const id = row.id ?? docs[i]?._id ?? '';
      if (row.rev && !row.error) return { id, ok: true, rev: row.rev };
      const error = row.error === 'conflict' ? 'conflict' : row.error === 'forbidden' ? 'forbidden' : 'unknown';
      return { id, ok: false, error, reason: row.reason ?? row.error ?? 'unknown' };
    });
  }

  /** `GET /db/id?conflicts=true`, then each losing leaf with `?rev=`. */
  async getWithConflicts(id: string): Promise<ConflictedDoc | undefined> {
    return readWithConflicts((query) => this.read(id, 'rev' in query ? { rev: query.rev } : { conflicts: 'true' }));
  }

  private readonly conflictsView = onceUntilDone(() => this.ensureConflictsView());

  async conflictedIds(query: ConflictedIdsQuery): Promise<string[]> {
    await this.conflictsView();
    const qs: Record<string, unknown> = { limit: String(query.limit + (query.after === undefined ? 0 : 1)) };
    if (query.after !== undefined) qs.startkey = query.after; // nano JSON-encodes startkey
    const result = await this.request<{ rows: Array<{ id: string }> }>({
      path: `_design/${CONFLICTS_DDOC}/_view/${CONFLICTS_VIEW}`,
      qs,
    });
    return pageAfter(result.rows.map((row) => row.id), query.after, query.limit);
  }

  private async ensureConflictsView(): Promise<void> {
    const current = await this.read(`_design/${CONFLICTS_DDOC}`);
    if (hasConflictsView(current)) return;
    try {
      await this.request({ method: 'PUT', path: `_design/${CONFLICTS_DDOC}`, body: conflictsDesignDoc(current?._rev) });
    } catch (error) {
      // 409: another node wrote the design document at the same moment.
      if (statusOf(error) !== 409) throw error;
    }
  }

  async find(query: FindQuery): Promise<StoredDoc[]> {
    const body: Record<string, unknown> = { selector: query.selector, limit: query.limit };
    if (query.sort) body.sort = query.sort;
    if (query.skip) body.skip = query.skip;
    if (query.useIndex) body.use_index = query.useIndex;
    if (query.fields) body.fields = query.fields;
    const result = await this.request<{ docs: StoredDoc[] }>({ method: 'POST', path: '_find', body });
    return result.docs;
  }

  async ensureIndex(name: string, fields: string[]): Promise<void> {
    await this.request({
      method: 'POST',
      path: '_index',
      body: { index: { fields }, name, ddoc: name, type: 'json' },
    });
  }

  async changes(query: ChangesQuery): Promise<ChangesPage> {
    const result = await this.request<CouchChanges>({
      method: 'POST',
      path: '_changes',
      qs: this.changesQs(query.since, query.selector, { limit: String(query.limit) }),
      body: query.selector ? { selector: query.selector } : {},
    });
    return { results: result.results.map(toRow), lastSeq: seqString(result.last_seq) };
  }

  private changesQs(since: string, selector: unknown, extra: Record<string, string>) {
    const qs: Record<string, string> = { since, include_docs: 'true', ...extra };
    if (selector) qs.filter = '_selector';
    return qs;
  }

  /**
   * Long-polls `_changes` with a heartbeat so idle connections stay open through proxies, and
   * reconnects by itself with backoff after any failure, resuming from the last sequence seen.
   */
  follow(options: FollowOptions): Feed {
    const controller = new AbortController();
    this.feeds.add(controller);
    let since = options.since;
    let delay = RECONNECT_MIN_MS;
    const loop = async (): Promise<void> => {
      while (!controller.signal.aborted) {
        try {
          // Pin 'now' to a real sequence first, so a failed first poll cannot skip writes.
          if (since === 'now') since = seqString((await this.request<{ update_seq: string | number }>({ signal: controller.signal })).update_seq);
          const result = await this.request<CouchChanges>({
            method: 'POST',
            path: '_changes',
            qs: this.changesQs(since, options.selector, {
              feed: 'longpoll',
              heartbeat: String(HEARTBEAT_MS),
              // Documented for _changes with include_docs: the doc carries `_conflicts`.
              ...(options.conflicts ? { conflicts: 'true' } : {}),
            }),
            body: options.selector ? { selector: options.selector } : {},
            signal: controller.signal,
          });
          for (const change of result.results) options.onChange(toRow(change));
          since = seqString(result.last_seq);
          delay = RECONNECT_MIN_MS;
        } catch (error) {
          if (controller.signal.aborted) return;
          options.onError?.(error instanceof Error ? error : new Error(String(error)));
          await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
          delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        }
      }
    };
    void loop();
    return {
      stop: () => {
        controller.abort();
        this.feeds.delete(controller);
      },
    };
  }

  private readonly sync = new CouchSyncIndex(<T>(options: Nano.RequestOptions) => this.request<T>(options));
  private readonly views = couchViews(<T>(options: Nano.RequestOptions) => this.request<T>(options));

  ensureView(design: ViewDesign): Promise<void> {
    return this.views.ensureView(design);
  }

  queryView(design: ViewDesign, query: ViewRangeQuery): Promise<ViewRow[]> {
    return this.views.queryView(design, query);
  }

  syncRange(query: SyncRangeQuery): Promise<SyncRow[]> {
    return this.sync.syncRange(query);
  }

  countRange(query: Omit<SyncRangeQuery, 'limit'>): Promise<number> {
    return this.sync.countRange(query);
  }

  identity(): Promise<string> {
    return this.sync.identity();
  }

  bumpEpoch(): Promise<string> {
    return this.sync.bumpEpoch();
  }

  /** `_purge` of every leaf, then compaction of the database and its indexes (store/couchPurge.ts). */
  purge(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return couchPurge(<T>(options: Nano.RequestOptions) => this.request<T>(options), ids, () => this.warmIndexes());
  }

  warmIndexes(): Promise<void> {
    return this.sync.warmIndexes();
  }

  async putAttachment(id: string, rev: string, name: string, attachment: Attachment): Promise<string> {
    try {
      // nano puts attachment names into the URL unescaped ('#', '?' would cut it) and drops the
      // Accept header, so a server may answer text/plain; ask for JSON explicitly.
      const r = await this.request<{ rev: string }>({
        method: 'PUT',
        doc: id,
        att: encodeURIComponent(name),
        qs: { rev },
        body: attachment.data,
        dontStringify: true,
        contentType: attachment.contentType,
        accept: 'application/json',
      });
      return r.rev;
    } catch (error) {
      throw new StoreError(`attachment ${name} of ${id}: ${String(error)}`, statusOf(error) ?? 500);
    }
  }

  async getAttachment(id: string, name: string): Promise<Attachment | undefined> {
    const doc = await this.get(id);
    const meta = (doc?._attachments as Record<string, { content_type?: string }> | undefined)?.[name];
    if (!meta) return undefined;
    try {
      // Streamed: nano's attachment.get decodes text/* bodies into a string, which loses the bytes.
      const stream = this.server.use(this.dbName).attachment.getAsStream(id, encodeURIComponent(name));
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
      return { data: Buffer.concat(chunks), contentType: meta.content_type ?? 'application/octet-stream' };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    for (const controller of this.feeds) controller.abort();
    this.feeds.clear();
  }
}
