import { START_SEQ, type ChangeRow, type DocStore, type Feed, type StoredDoc } from '../store/index.js';
import { applyMoves, generationOf, nextFact, readFacts, versionOf, type FactDoc, type Version } from './facts.js';
import { markDaysStale } from './daySummaries.js';

export interface ReportRollupsOptions {
  log?: (message: string) => void;
  pageSize?: number;
  /** Safety net when no change wakes the job (a failed page is retried by it too). */
  pollMs?: number;
  /**
   * How long changes gather before a reading: a burst (a queue draining, a channel's backlog) is
   * then read as one page, not one reading per change — each reading also writes rollup buckets,
   * day marks and the checkpoint, which would compete with the burst's own writes.
   */
  batchMs?: number;
}

/** Where the rollups have read the conversations' changes up to: one document every node moves forward. */
export const ROLLUP_CURSOR_ID = 'reportcursor:conversations';
/**
 * The conversations' changes, selected by id rather than by `type`: a conversation deleted as a
 * bare tombstone (a CouchDB DELETE, a purge's replica) keeps only its id, and must still leave the rollups.
 */
const SELECTOR = { _id: { $gt: 'conversation:', $lt: 'conversation:\uffff' } };
const MAX_ROUNDS = 50;

/**
 * Keeps the report rollups (R-RT-06) from the conversations' change feed. Pages of changes are
 * read from a persisted checkpoint, which moves only after the page's moves are in the rollups,
 * so a crash or restart reads the page again; the facts' revision-checked writes (facts.ts) make a
 * second reading — or a second node reading the same page — apply nothing twice. Changes arrive
 * unordered and sequences are opaque (ARCHITECTURE §5): a version older than the one counted
 * is recognised by its revision's generation, never by its sequence.
 */
export class ReportRollups {
  private readonly pageSize: number;
  private readonly pollMs: number;
  private readonly batchMs: number;
  private readonly log: (message: string) => void;
  private wakeFeed: Feed | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** A reading is due once the batch has gathered (`timer` holds it). */
  private gathering = false;
  private stopped = false;
  /** Pages are read one at a time per node (start's drain and catchUp alike). */
  private turn: Promise<unknown> = Promise.resolve();
  /** Where this node has read the feed up to (the checkpoint may trail it). */
  private position: string | undefined;

  constructor(
    private readonly store: DocStore,
    options: ReportRollupsOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.pollMs = options.pollMs ?? 30_000;
    this.batchMs = options.batchMs ?? 2_000;
    this.log = options.log ?? (() => undefined);
  }

  start(): void {
    this.stopped = false;
    this.wakeFeed = this.store.follow({
      since: 'now',
      selector: SELECTOR,
      onChange: () => this.wake(),
      onError: (error) => this.log(`reports: change feed failed: ${error.message}`),
    });
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeFeed?.stop();
    clearTimeout(this.timer);
    this.gathering = false;
    await this.running;
  }

  /** Reads the feed until no change is left (tests, the bench, a rebuild); the checkpoint is written at the end. */
  catchUp(): Promise<void> {
    return this.readAll(() => false, true);
  }

  /**
   * Whether every conversation change stored so far has been read: none past this node's reading
   * position (or, before it read anything, past the checkpoint).
   */
  async upToDate(): Promise<boolean> {
    if (this.running) return false;
    if (this.position === undefined) return rollupsUpToDate(this.store);
    return (await this.store.changes({ since: this.position, limit: 1, selector: SELECTOR })).results.length === 0;
  }

  /**
   * Pages until one comes back empty. The checkpoint is written only after pages that moved a
   * contribution (and at the end of such a reading, past the node's own writes): a change that
   * alters no figure (most messages) writes nothing, so the rollups never write in the background
   * for changes that do not concern them. A restart re-reads from the checkpoint; the facts make that harmless.
   */
  private async readAll(stopped: () => boolean, writeAtEnd: boolean): Promise<void> {
    let moved = false;
    while (!stopped()) {
      const read = await this.readPage();
      moved ||= read.claims > 0;
      if (read.claims > 0) await this.advance(read.lastSeq);
      if (read.changes === 0) {
        if (moved || writeAtEnd) await this.advance(read.lastSeq);
        return;
      }
    }
  }

  private readonly wake = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.gathering) return;
    clearTimeout(this.timer);
    this.gathering = true;
    this.timer = setTimeout(this.read, this.batchMs);
    this.timer.unref();
  };

  private readonly read = (): void => {
    this.gathering = false;
    this.again = false;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      // Changes that arrived during the reading gather for the next one.
      if (this.again) return this.wake();
      this.timer = setTimeout(this.wake, this.pollMs);
      this.timer.unref();
    });
  };

  private async drain(): Promise<void> {
    try {
      await this.readAll(() => this.stopped, false);
    } catch (error) {
      this.log(`reports: keeping the rollups failed (retried): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** One page of changes → their moves; this node's reading position moves past it. */
  private readPage(): Promise<{ changes: number; claims: number; lastSeq: string }> {
    const next = this.turn.then(async () => {
      let since = this.position;
      if (since === undefined) {
        const cursor = await this.store.get(ROLLUP_CURSOR_ID, { fresh: true });
        since = typeof cursor?.seq === 'string' ? cursor.seq : START_SEQ;
      }
      const page = await this.store.changes({ since, limit: this.pageSize, selector: SELECTOR });
      const claims = await this.count(latestOf(page.results));
      this.position = page.lastSeq;
      return { changes: page.results.length, claims, lastSeq: page.lastSeq };
    });
    this.turn = next.catch(() => undefined);
    return next;
  }

  /**
   * Claims each conversation's move by writing its fact, then applies the moves. Before a claim,
   * the move the fact already holds is made sure of (it may have been cut short by a crash); after
   * it, the conversation is read again, so a version written meanwhile — that another node may
   * have found nothing to do for — is counted too.
   */
  private async count(versions: Map<string, Version>): Promise<number> {
    let work = versions;
    let moved = 0;
    // Every bucket a move of the page may have written (also those made sure of after a crash, whose
    // write may have landed before it): their days are marked stale once the writes have landed.
    const buckets = new Set<number>();
    const touch = (facts: Iterable<FactDoc>) => {
      for (const { bucket, delta } of facts) {
        if (!delta) continue;
        buckets.add(bucket);
        if (delta.oldBucket !== undefined) buckets.add(delta.oldBucket);
      }
    };
    for (let round = 0; work.size > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error('report rollups: too much contention');
      const facts = await readFacts(this.store, [...work.keys()]);
      await applyMoves(this.store, facts.values());
      touch(facts.values());
      const claims: FactDoc[] = [];
      for (const v of work.values()) {
        const claim = await nextFact(this.store, v, facts.get(v.id));
        if (claim) claims.push(claim);
      }
      const results = claims.length > 0 ? await this.store.bulkWrite(claims) : [];
      const again = new Map<string, Version>();
      const claimed: FactDoc[] = [];
      results.forEach((result, i) => {
        const claim = claims[i];
        if (!claim) return;
        if (result.ok) claimed.push({ ...claim, _rev: result.rev });
        else if (result.error === 'conflict') again.set(claim.conversationId, work.get(claim.conversationId) as Version);
        else throw new Error(`write ${result.id}: ${result.reason}`);
      });
      await applyMoves(this.store, claimed);
      touch(claimed);
      moved += claimed.length;
      const reread = await Promise.all(claimed.map((f) => this.store.get(f.conversationId, { fresh: true })));
      claimed.forEach((fact, i) => {
        const now = versionOf(reread[i], fact.conversationId, fact.gen + 1);
        if (now.gen > fact.gen) again.set(fact.conversationId, now);
      });
      work = again;
    }
    await markDaysStale(this.store, buckets);
    return moved;
  }

  /**
   * The checkpoint, where a restart reads from: written against the revision just read; when
   * another node wrote it meanwhile, its position stands (every node reads every change).
   */
  private async advance(seq: string): Promise<void> {
    const cursor = await this.store.get(ROLLUP_CURSOR_ID, { fresh: true });
    if (cursor?.seq === seq) return;
    const doc: StoredDoc = { _id: ROLLUP_CURSOR_ID, type: 'reportCursor', seq, updatedAt: Date.now() };
    if (cursor?._rev) doc._rev = cursor._rev;
    const [result] = await this.store.bulkWrite([doc]);
    if (result && !result.ok && result.error !== 'conflict') throw new Error(`write ${ROLLUP_CURSOR_ID}: ${result.reason}`);
  }
}

/** The newest version of each conversation in a page (a page may name one twice). */
function latestOf(rows: readonly ChangeRow[]): Map<string, Version> {
  const versions = new Map<string, Version>();
  for (const row of rows) {
    if (!row.deleted && !row.doc._deleted && row.doc.type !== 'conversation') continue;
    const v = versionOf(row.deleted ? { ...row.doc, _deleted: true } : row.doc, row.id, generationOf(row.doc._rev));
    const known = versions.get(row.id);
    if (!known || known.gen <= v.gen) versions.set(row.id, v);
  }
  return versions;
}

/** Whether the rollups have read every conversation change stored so far (reports' `upToDate`). */
export async function rollupsUpToDate(store: DocStore): Promise<boolean> {
  const cursor = await store.get(ROLLUP_CURSOR_ID, { fresh: true });
  const since = typeof cursor?.seq === 'string' ? cursor.seq : START_SEQ;
  const page = await store.changes({ since, limit: 1, selector: SELECTOR });
  return page.results.length === 0;
}
