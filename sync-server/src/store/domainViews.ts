import type PouchDB from 'pouchdb-node';
import type { CouchRequest } from './couchSync.js';
import { onceUntilDone } from './revisions.js';
import type { StoredDoc, ViewDesign, ViewRangeQuery, ViewRow } from './types.js';
import { compiledViews } from './views.js';

/**
 * Views that domain modules declare (search indexes, issue 9): each its own design document, so
 * CouchDB builds it apart from the sync index, written when first needed or changed, kept built
 * by the index warmer like every other design document (store/warmer.ts).
 */
export function designDocOf(design: ViewDesign, rev?: string): StoredDoc {
  const views = Object.fromEntries(Object.entries(design.views).map(([name, map]) => [name, { map }]));
  return { _id: `_design/${design.name}`, ...(rev ? { _rev: rev } : {}), language: 'javascript', views };
}

function isCurrent(doc: StoredDoc | undefined, design: ViewDesign): boolean {
  const views = doc?.views as Record<string, { map?: string }> | undefined;
  if (!views) return false;
  const names = Object.keys(design.views);
  return names.length === Object.keys(views).length && names.every((name) => views[name]?.map === design.views[name]);
}

interface ViewDriver {
  read(id: string): Promise<StoredDoc | undefined>;
  /** false when another writer got there first (the same definition, written at the same moment). */
  write(doc: StoredDoc): Promise<boolean>;
  query(design: string, query: ViewRangeQuery): Promise<Array<{ id: string; key: unknown; doc?: StoredDoc | null }>>;
}

export class DomainViews {
  private readonly ensured = new Map<string, () => Promise<void>>();

  constructor(private readonly driver: ViewDriver) {}

  ensureView(design: ViewDesign): Promise<void> {
    // Keyed by the definition, not the name: a changed definition is written again.
    const key = JSON.stringify([design.name, design.views]);
    let once = this.ensured.get(key);
    if (!once) {
      once = onceUntilDone(async () => {
        const current = await this.driver.read(`_design/${design.name}`);
        if (isCurrent(current, design)) return;
        await this.driver.write(designDocOf(design, current?._rev));
      });
      this.ensured.set(key, once);
    }
    return once();
  }

  /** Rows whose document was deleted since the index read have none: they are gone, not rows. */
  async queryView(design: ViewDesign, query: ViewRangeQuery): Promise<ViewRow[]> {
    await this.ensureView(design);
    const rows = await this.driver.query(design.name, query);
    return rows.flatMap((row) => (row.doc ? [{ id: row.id, key: row.key, doc: row.doc }] : []));
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { statusCode?: unknown; status?: unknown };
  const value = e.statusCode ?? e.status;
  return typeof value === 'number' ? value : undefined;
}

/** Through the compiled-once engine, as every view of ours (store/views.ts). */
export function pouchViews(db: PouchDB): DomainViews {
  return new DomainViews({
    async read(id) {
      try {
        return (await db.get(id)) as StoredDoc;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async write(doc) {
      try {
        await db.put(doc);
        return true;
      } catch (error) {
        if (statusOf(error) === 409) return false;
        throw error;
      }
    },
    async query(design, query) {
      const result = await compiledViews.query.call(db, `${design}/${query.view}`, {
        startkey: query.startkey,
        endkey: query.endkey,
        limit: query.limit,
        descending: query.descending === true,
        include_docs: true,
      });
      return result.rows as Array<{ id: string; key: unknown; doc?: StoredDoc | null }>;
    },
  });
}

/** CouchDB's view API; nano JSON-encodes `startkey`/`endkey`. */
export function couchViews(request: CouchRequest): DomainViews {
  return new DomainViews({
    async read(id) {
      try {
        return await request<StoredDoc>({ path: id });
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async write(doc) {
      try {
        await request({ method: 'PUT', path: doc._id, body: doc });
        return true;
      } catch (error) {
        if (statusOf(error) === 409) return false;
        throw error;
      }
    },
    async query(design, query) {
      const result = await request<{ rows: Array<{ id: string; key: unknown; doc?: StoredDoc | null }> }>({
        path: `_design/${design}/_view/${query.view}`,
        qs: {
          startkey: query.startkey,
          endkey: query.endkey,
          limit: String(query.limit),
          descending: String(query.descending === true),
          include_docs: 'true',
        },
      });
      return result.rows;
    },
  });
}
