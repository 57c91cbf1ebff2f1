/**
 * The slice of PouchDB's API the embedded driver uses. DefinitelyTyped's pouchdb typings
 * redeclare the global `Buffer` and break Node's types under TypeScript 5.9, so we declare
 * only what we call.
 */
declare module 'pouchdb-node' {
  type Doc = { _id: string; _rev?: string; [field: string]: unknown };
  interface PouchError { status?: number; name?: string; message?: string; error?: boolean }
  interface BulkOk { ok: true; id: string; rev: string }
  interface Change { id: string; seq: number; deleted?: boolean; doc?: Doc }
  interface ChangesOptions {
    since?: number | 'now';
    limit?: number;
    include_docs?: boolean;
    live?: boolean;
    selector?: Record<string, unknown>;
    conflicts?: boolean;
  }
  interface LiveChanges extends PromiseLike<unknown> {
    on(event: 'change', listener: (change: Change) => void): LiveChanges;
    on(event: 'error', listener: (error: unknown) => void): LiveChanges;
    cancel(): void;
  }
  export interface ViewQuery {
    limit?: number;
    skip?: number;
    startkey?: unknown;
    endkey?: unknown;
    key?: unknown;
    reduce?: boolean;
    include_docs?: boolean;
    descending?: boolean;
    /** 'ok': answer from the index as built, without updating it first. */
    stale?: 'ok' | 'update_after';
  }
  /** A map row, or (reduce) one row whose value is the reduction. */
  export interface ViewRow { id: string; key: unknown; value: unknown; doc?: Doc }
  interface AllDocsQuery { keys?: string[]; startkey?: string; endkey?: string; include_docs?: boolean; conflicts?: boolean }
  class PouchDB {
    constructor(name: string, options?: { auto_compaction?: boolean; revs_limit?: number; view_update_changes_batch_size?: number; db?: unknown });
    static plugin(plugin: unknown): typeof PouchDB;
    /** Every leaf revision, deleted ones included (`missing` for a revision asked that is not there). */
    get(id: string, options: { open_revs: 'all' }): Promise<Array<{ ok?: Doc; missing?: string }>>;
    get(id: string, options?: { attachments?: boolean; conflicts?: boolean; rev?: string }): Promise<Doc>;
    bulkDocs(docs: Doc[], options?: { new_edits?: boolean }): Promise<Array<BulkOk | PouchError>>;
    /** A persistent view: `ddoc/view` of a design document in this database. */
    query(view: string, options: ViewQuery): Promise<{ rows: ViewRow[] }>;
    allDocs(options: AllDocsQuery): Promise<{ rows: Array<{ id: string; key: string; value?: { rev: string; deleted?: boolean }; doc?: Doc | null; error?: string }> }>;
    getIndexes(): Promise<{ indexes: Array<{ ddoc: string | null; name: string; type: string; def: { fields: Array<Record<string, 'asc' | 'desc'>> } }> }>;
    find(request: {
      selector: Record<string, unknown>;
      limit?: number;
      skip?: number;
      sort?: Array<Record<string, 'asc' | 'desc'>>;
      use_index?: string;
      fields?: string[];
    }): Promise<{ docs: Doc[] }>;
    createIndex(request: {
      index: { fields: Array<string | Record<string, 'asc' | 'desc'>>; name?: string; ddoc?: string };
    }): Promise<unknown>;
    put(doc: Doc): Promise<{ ok: true; id: string; rev: string }>;
    changes(options: ChangesOptions & { live: true }): LiveChanges;
    changes(options: ChangesOptions): Promise<{ results: Change[]; last_seq: number }>;
    putAttachment(id: string, name: string, rev: string, data: Buffer, type: string): Promise<{ rev: string }>;
    getAttachment(id: string, name: string): Promise<Buffer>;
    info(): Promise<{ update_seq: number | string; doc_count: number }>;
    close(): Promise<void>;
    destroy(): Promise<void>;
  }
  export default PouchDB;
}

declare module 'pouchdb-find' {
  const plugin: unknown;
  export default plugin;
}

/** PouchDB's Mango matcher, the one its change feeds filter with (used by the shared feed). */
declare module 'pouchdb-selector-core' {
  type Selector = Record<string, unknown>;
  /** Normalises a selector (implicit $eq, merged $and); throws on one it cannot use. */
  export function massageSelector(selector: Selector): Selector;
  /** Whether a document matches a massaged selector on the given (top-level) fields. */
  export function rowFilter(doc: object, selector: Selector, inMemoryFields: string[]): boolean;
}

/**
 * PouchDB's persistent-view engine, the one pouchdb-node and pouchdb-find are built on, given
 * our own map evaluation (store/views.ts).
 */
declare module 'pouchdb-abstract-mapreduce' {
  import type PouchDB from 'pouchdb-node';
  import type { ViewQuery, ViewRow } from 'pouchdb-node';
  type Emit = (key: unknown, value?: unknown) => void;
  type Reduce = (keys: unknown[], values: unknown[], rereduce?: boolean) => unknown;
  interface MapReduce {
    query(this: PouchDB, view: string, options: ViewQuery): Promise<{ rows: ViewRow[] }>;
  }
  export default function createAbstractMapReduce(
    localDocName: string,
    mapper: (mapFun: string, emit: Emit) => (doc: object) => void,
    reducer: (reduceFun: string) => Reduce,
    ddocValidator: (ddoc: { _id: string; views?: Record<string, { map?: unknown }> }, viewName: string) => void,
  ): MapReduce;
}
