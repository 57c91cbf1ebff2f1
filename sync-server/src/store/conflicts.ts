import { isDeepStrictEqual } from 'node:util';
import { compareRevs } from './revisions.js';
import type { DocStore, Feed, StoredDoc } from './types.js';
import { toStored, toWire } from './wire.js';

/**
 * Picks the content to keep from two revisions of one document (it may merge them). Revisions
 * are folded in revision order, so every node gets the same answer.
 */
export type ConflictResolver = (a: StoredDoc, b: StoredDoc) => StoredDoc;

/** Per document `type`; a type without one keeps CouchDB's own winner. */
export type ConflictResolvers = Record<string, ConflictResolver>;

/**
 * A resolver over wire-form documents (`id`, no `_rev`), such as the protocol's
 * `preferConversation` and `preferMessage`: they judge content only, so two revisions with the
 * same content are equal to them.
 */
export function wireResolver<T extends { id: string }>(prefer: (a: T, b: T) => T): ConflictResolver {
  return (a, b) => {
    const wireA = toWire<T>(a);
    const wireB = toWire<T>(b);
    const chosen = prefer(wireA, wireB);
    return chosen === wireA ? a : chosen === wireB ? b : toStored(chosen);
  };
}

const PAGE = 100;
const MAX_PAGES = 10_000;

/** The fields that are content, not revision bookkeeping. */
function contentOf(doc: StoredDoc): Record<string, unknown> {
  const { _id, _rev, _deleted, _conflicts, _revisions, _attachments, ...content } = doc;
  return content;
}

/**
 * Resolves `_conflicts` (ARCHITECTURE §5: during a partition two CouchDB nodes can both accept
 * a write). Every revision of a conflicted document is folded pairwise with its type's
 * resolver, in revision order, so every node picks the same content; that content is written
 * onto the winning revision and the losing leaves are deleted, all in one bulk write. When two
 * nodes sweep the same document at once, the second one's writes conflict and change nothing.
 */
export class ConflictSweeper {
  private feed: Feed | undefined;
  private readonly queued = new Set<string>();
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DocStore,
    private readonly resolvers: ConflictResolvers,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Resolves every conflicted document now; returns how many were resolved. */
  async sweepAll(): Promise<number> {
    let resolved = 0;
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const ids = await this.store.conflictedIds(after === undefined ? { limit: PAGE } : { limit: PAGE, after });
      for (const id of ids) if (await this.resolve(id)) resolved += 1;
      if (ids.length < PAGE) return resolved;
      after = ids.at(-1);
    }
    this.log(`conflict sweep stopped after ${MAX_PAGES * PAGE} documents`);
    return resolved;
  }

  /** Sweeps once, then resolves conflicts as the change feed shows them. */
  start(): void {
    if (this.feed) return;
    this.feed = this.store.follow({
      since: 'now',
      conflicts: true,
      onChange: (row) => {
        const conflicts = row.doc._conflicts;
        if (!row.deleted && Array.isArray(conflicts) && conflicts.length > 0) this.enqueue(row.id);
      },
      onError: (error) => this.log(`conflict sweeper feed: ${error.message}`),
    });
    this.schedule(async () => {
      const resolved = await this.sweepAll();
      if (resolved > 0) this.log(`conflict sweep resolved ${resolved} documents`);
    });
  }

  /** Stops following the feed and waits for the resolution under way. */
  async stop(): Promise<void> {
    this.feed?.stop();
    this.feed = undefined;
    this.queued.clear();
    await this.work;
  }

  private enqueue(id: string): void {
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.schedule(async () => {
      this.queued.delete(id);
      if (this.feed) await this.resolve(id);
    });
  }

  /** One resolution at a time: a burst of conflicts must not become a burst of writes. */
  private schedule(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((error: unknown) => {
      this.log(`conflict sweeper: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** true when this call resolved the document's conflicts. */
  async resolve(id: string): Promise<boolean> {
    const found = await this.store.getWithConflicts(id);
    if (!found || found.conflicts.length === 0) return false;
    const { doc: winner, conflicts } = found;
    const chosen = this.choose(winner, conflicts);
    const writes: StoredDoc[] = [];
    if (!isDeepStrictEqual(contentOf(chosen), contentOf(winner))) {
      // The winner's attachments stay: a loser's attachment stubs would not exist on this branch.
      const attachments = winner._attachments === undefined ? {} : { _attachments: winner._attachments };
      writes.push({ ...contentOf(chosen), ...attachments, _id: id, _rev: winner._rev });
    }
    for (const loser of conflicts) writes.push({ _id: id, _rev: loser._rev, _deleted: true });
    const results = await this.store.bulkWrite(writes);
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) {
      // Usually another node resolved it first; if not, the feed shows the document again.
      this.log(`conflict ${id}: ${failed.length} of ${writes.length} writes refused (${failed.map((f) => (f.ok ? '' : f.error)).join(', ')})`);
      return false;
    }
    this.log(`conflict ${id}: resolved ${conflicts.length + 1} revisions`);
    return true;
  }

  private choose(winner: StoredDoc, conflicts: StoredDoc[]): StoredDoc {
    const resolver = typeof winner.type === 'string' ? this.resolvers[winner.type] : undefined;
    if (!resolver) return winner;
    const revisions = [winner, ...conflicts].sort((a, b) => compareRevs(a._rev ?? '', b._rev ?? ''));
    return revisions.reduce((a, b) => resolver(a, b));
  }
}
