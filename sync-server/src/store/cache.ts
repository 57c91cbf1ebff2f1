import { LRUCache } from 'lru-cache';
import rfdc from 'rfdc';
import { DelegatingStore } from './delegate.js';
import { compareRevs } from './revisions.js';
import type { Attachment, ChangeRow, DocStore, Feed, GetOptions, StoredDoc, WriteOptions, WriteResult } from './types.js';

export interface ReadCacheOptions {
  /** Ids starting with one of these are cached, e.g. `session:`, `conversation:`, `thread:`. */
  prefixes: string[];
  /** Most documents held. */
  max: number;
}

/**
 * Copies of stored documents (plain JSON) for callers to own. On the hot path (several hits per
 * inbound message), and Node 20's structuredClone costs about five times as much.
 */
const copy = rfdc({ proto: false, circles: false });

/** A read in flight; a write or feed row for its id meanwhile makes its answer unsafe to keep. */
interface PendingRead {
  overtaken: boolean;
}

/**
 * Serves `get` of hot documents (session, user, conversation, thread) from a bounded LRU.
 * Coherence: the wrapper's own writes store the written revision, and the store's change feed
 * replaces or drops entries — the feed is what carries other nodes' writes. Only live
 * documents are cached: a missing or deleted id always reads the store. Between another node's
 * write and its feed row the cache may be behind; a read–modify–write then conflicts and
 * `updateDoc` retries with `fresh`, which reads past the cache.
 */
class ReadCacheStore extends DelegatingStore {
  private readonly cache: LRUCache<string, StoredDoc>;
  private readonly pending = new Map<string, Set<PendingRead>>();
  private readonly feed: Feed;

  constructor(
    inner: DocStore,
    private readonly options: ReadCacheOptions,
  ) {
    super(inner);
    if (!Number.isInteger(options.max) || options.max < 1) {
      throw new RangeError(`read cache: max must be a positive integer, got ${options.max}`);
    }
    if (options.prefixes.length === 0 || options.prefixes.some((p) => p.length === 0)) {
      throw new RangeError('read cache: give at least one non-empty id prefix');
    }
    this.cache = new LRUCache({ max: options.max });
    this.feed = inner.follow({
      since: 'now',
      onChange: (row) => this.fromFeed(row),
      // Rows may have been missed or will be replayed: start over rather than trust old entries.
      onError: () => this.cache.clear(),
    });
  }

  private cacheable(id: string): boolean {
    return this.options.prefixes.some((prefix) => id.startsWith(prefix));
  }

  override async get(id: string, options?: GetOptions): Promise<StoredDoc | undefined> {
    if (!this.cacheable(id)) return this.inner.get(id, options);
    if (!options?.fresh) {
      const hit = this.cache.get(id);
      if (hit) return copy(hit);
    }
    const read: PendingRead = { overtaken: false };
    let reads = this.pending.get(id);
    if (!reads) this.pending.set(id, (reads = new Set()));
    reads.add(read);
    try {
      const doc = await this.inner.get(id, options);
      if (doc && !read.overtaken) this.remember(doc);
      return doc;
    } finally {
      reads.delete(read);
      if (reads.size === 0 && this.pending.get(id) === reads) this.pending.delete(id);
    }
  }

  override async bulkWrite(docs: StoredDoc[], options?: WriteOptions): Promise<WriteResult[]> {
    let results: WriteResult[];
    try {
      results = await this.inner.bulkWrite(docs, options);
    } catch (error) {
      // Some of them may have been written.
      for (const doc of docs) this.forget(doc._id);
      throw error;
    }
    results.forEach((result, i) => {
      const doc = docs[i];
      if (!doc || !this.cacheable(doc._id)) return;
      // A replicated revision need not be the winner, and a conflict proves the entry stale.
      if (!result.ok || options?.newEdits === false || doc._deleted) this.forget(doc._id);
      else {
        this.overtakeReads(doc._id);
        this.remember({ ...doc, _rev: result.rev });
      }
    });
    return results;
  }

  override async putAttachment(id: string, rev: string, name: string, attachment: Attachment): Promise<string> {
    try {
      return await this.inner.putAttachment(id, rev, name, attachment);
    } finally {
      this.forget(id);
    }
  }

  /** Purged documents leave the cache before and after: a read meanwhile must not keep one. */
  override async purge(ids: readonly string[]): Promise<number> {
    for (const id of ids) this.forget(id);
    try {
      return await this.inner.purge(ids);
    } finally {
      for (const id of ids) this.forget(id);
    }
  }

  /**
   * The feed's document is the winner when the row was read, so it replaces the entry — unless
   * the entry is newer (a late row after our own write), when it is unclear which is current.
   */
  private fromFeed(row: ChangeRow): void {
    if (!this.cacheable(row.id)) return;
    this.overtakeReads(row.id);
    const cached = this.cache.peek(row.id);
    if (!cached) return;
    const rev = row.doc._rev;
    if (row.deleted || !rev || (cached._rev && compareRevs(cached._rev, rev) > 0)) this.cache.delete(row.id);
    // Kept as is: feed rows are read-only to their followers (store/sharedFeed.ts), and hits are copied.
    else this.cache.set(row.id, row.doc);
  }

  /** Keeps a live revision unless the cache already holds a later one. */
  private remember(doc: StoredDoc): void {
    const cached = this.cache.peek(doc._id);
    if (cached?._rev && doc._rev && compareRevs(cached._rev, doc._rev) > 0) return;
    this.cache.set(doc._id, copy(doc));
  }

  private forget(id: string): void {
    this.overtakeReads(id);
    this.cache.delete(id);
  }

  private overtakeReads(id: string): void {
    for (const read of this.pending.get(id) ?? []) read.overtaken = true;
  }

  override async close(): Promise<void> {
    this.feed.stop();
    this.cache.clear();
    await this.inner.close();
  }
}

export function withReadCache(inner: DocStore, options: ReadCacheOptions): DocStore {
  return new ReadCacheStore(inner, options);
}
