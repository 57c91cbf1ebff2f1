import type {
  Attachment, ChangesPage, ChangesQuery, ConflictedDoc, ConflictedIdsQuery, DocStore, Feed, FindQuery,
  FollowOptions, GetOptions, StoredDoc, SyncRangeQuery, SyncRow, ViewDesign, ViewRangeQuery, ViewRow, WriteOptions, WriteResult,
} from './types.js';

/**
 * A `DocStore` that hands every call to another one: the base of the store wrappers (group
 * commit, read cache), which override only what they change.
 */
export class DelegatingStore implements DocStore {
  constructor(protected readonly inner: DocStore) {}

  get kind(): DocStore['kind'] {
    return this.inner.kind;
  }

  get(id: string, options?: GetOptions): Promise<StoredDoc | undefined> {
    return this.inner.get(id, options);
  }

  bulkWrite(docs: StoredDoc[], options?: WriteOptions): Promise<WriteResult[]> {
    return this.inner.bulkWrite(docs, options);
  }

  getWithConflicts(id: string): Promise<ConflictedDoc | undefined> {
    return this.inner.getWithConflicts(id);
  }

  conflictedIds(query: ConflictedIdsQuery): Promise<string[]> {
    return this.inner.conflictedIds(query);
  }

  find(query: FindQuery): Promise<StoredDoc[]> {
    return this.inner.find(query);
  }

  ensureIndex(name: string, fields: string[]): Promise<void> {
    return this.inner.ensureIndex(name, fields);
  }

  changes(query: ChangesQuery): Promise<ChangesPage> {
    return this.inner.changes(query);
  }

  follow(options: FollowOptions): Feed {
    return this.inner.follow(options);
  }

  putAttachment(id: string, rev: string, name: string, attachment: Attachment): Promise<string> {
    return this.inner.putAttachment(id, rev, name, attachment);
  }

  getAttachment(id: string, name: string): Promise<Attachment | undefined> {
    return this.inner.getAttachment(id, name);
  }

  syncRange(query: SyncRangeQuery): Promise<SyncRow[]> {
    return this.inner.syncRange(query);
  }

  countRange(query: Omit<SyncRangeQuery, 'limit'>): Promise<number> {
    return this.inner.countRange(query);
  }

  identity(): Promise<string> {
    return this.inner.identity();
  }

  bumpEpoch(): Promise<string> {
    return this.inner.bumpEpoch();
  }

  purge(ids: readonly string[]): Promise<number> {
    return this.inner.purge(ids);
  }

  warmIndexes(): Promise<void> {
    return this.inner.warmIndexes();
  }

  ensureView(design: ViewDesign): Promise<void> {
    return this.inner.ensureView(design);
  }

  queryView(design: ViewDesign, query: ViewRangeQuery): Promise<ViewRow[]> {
    return this.inner.queryView(design, query);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
