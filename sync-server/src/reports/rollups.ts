import { START_SEQ, type ChangeRow, type DocStore, type Feed, type StoredDoc } from '../store/index.js';
import { applyMoves, generationOf, nextFact, readFacts, versionOf, type FactDoc, type Version } from './facts.js';

export interface ReportRollupsOptions {
  log?: (message: string) => void;
  pageSize?: number;
  /** Safety net when no change wakes the job (a failed page is retried by it too). */
  pollMs?: number;
}

/** Where the rollups have read the conversations' changes up to: one document every node moves forward. */
export const ROLLUP_CURSOR_ID = 'reportcursor:conversations';
const SELECTOR = { type: 'conversation' };
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
  private readonly log: (message: string) => void;
  private wakeFeed: Feed | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Pages are read one at a time per node (start's drain and catchUp alike). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: DocStore,
    options: ReportRollupsOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.pollMs = options.pollMs ?? 30_000;
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
    await this.running;
  }

  /** Reads the feed until no change is left (tests, the bench, a rebuild). */
  catchUp(): Promise<void> {
    return this.readAll(() => false);
  }

  /**
   * Pages until one comes back empty. That last one moves the checkpoint past this node's own
   * fact and rollup writes when it wrote any (otherwise the checkpoint stays: no write per idle
   * poll), so `upToDate` reads only changes that came after.
   */
  private async readAll(stopped: () => boolean): Promise<void> {
    let wrote = false;
    while (!stopped()) {
      const read = await this.readPage(wrote);
      if (read === 0) return;
      wrote = true;
    }
  }

  private readonly wake = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(this.wake, this.pollMs);
      this.timer.unref();
    });
  };

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.readAll(() => this.stopped);
      } catch (error) {
        this.log(`reports: keeping the rollups failed (retried): ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    } while (this.again && !this.stopped);
  }

  /** One page of changes → their moves → the checkpoint. Answers how many changes the page held. */
  private readPage(advanceWhenEmpty: boolean): Promise<number> {
    const next = this.turn.then(async () => {
      const cursor = await this.store.get(ROLLUP_CURSOR_ID, { fresh: true });
      const since = typeof cursor?.seq === 'string' ? cursor.seq : START_SEQ;
      const page = await this.store.changes({ since, limit: this.pageSize, selector: SELECTOR });
      await this.count(latestOf(page.results));
      if (page.results.length > 0 || advanceWhenEmpty) await this.advance(cursor, page.lastSeq);
      return page.results.length;
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
  private async count(versions: Map<string, Version>): Promise<void> {
    let work = versions;
    for (let round = 0; work.size > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error('report rollups: too much contention');
      const facts = await readFacts(this.store, [...work.keys()]);
      await applyMoves(this.store, facts.values());
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
      const reread = await Promise.all(claimed.map((f) => this.store.get(f.conversationId, { fresh: true })));
      claimed.forEach((fact, i) => {
        const now = versionOf(reread[i], fact.conversationId, fact.gen + 1);
        if (now.gen > fact.gen) again.set(fact.conversationId, now);
      });
      work = again;
    }
  }

  /** Written against the revision read before the page: another node's move of it stands (it read at least as far). */
  private async advance(cursor: StoredDoc | undefined, seq: string): Promise<void> {
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
