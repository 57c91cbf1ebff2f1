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

export interface DocStore {
  readonly kind: 'embedded' | 'couchdb';
  get(id: string): Promise<StoredDoc | undefined>;
  /** Writes each document independently; a stale `_rev` fails only that document. */
  bulkWrite(docs: StoredDoc[]): Promise<WriteResult[]>;
  find(query: FindQuery): Promise<StoredDoc[]>;
  ensureIndex(name: string, fields: string[]): Promise<void>;
  changes(query: ChangesQuery): Promise<ChangesPage>;
  follow(options: FollowOptions): Feed;
  putAttachment(id: string, rev: string, name: string, attachment: Attachment): Promise<string>;
  getAttachment(id: string, name: string): Promise<Attachment | undefined>;
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
