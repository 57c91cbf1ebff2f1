import type { ConversationDoc } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import {
  applyContribution, bucketOf, contributionOf, emptyRollup, factId, FACT_TYPE, rollupId, sameContribution,
  type Contribution, type RollupDoc,
} from './contribution.js';
import { markDaysStale } from './daySummaries.js';
import { firstAgentMessageAt, isLegacy } from './legacy.js';

/** A move of one conversation's contribution: number `n` of its fact, from `old` to `new`. */
export interface Delta {
  n: number;
  old: Contribution | null;
  new: Contribution | null;
  /** The bucket `old` counted in, when not the fact's bucket (the conversation's createdAt moved to another bucket). */
  oldBucket?: number;
}

/**
 * What a conversation counts for now, and the last move that got it there (R-RT-06). Writing the
 * fact against the revision read is what claims a move: of two nodes, or of a page read twice,
 * one write wins and only its move is applied. The move stays in the fact until the next one, so
 * whoever reads the fact next makes sure it reached the rollup (a crash between the two writes).
 */
export interface FactDoc extends StoredDoc {
  type: typeof FACT_TYPE;
  conversationId: string;
  bucket: number;
  /** Revision generation of the conversation counted: an older version never replaces a newer. */
  gen: number;
  current: Contribution | null;
  delta: Delta | null;
  /** legacy.ts: the first agent message's time of a conversation stored before issue 16, once found. */
  legacyFirstResponseAt?: number | null;
  /**
   * The conversation was purged (issue 19: erasure, retention): this fact is its anonymised record —
   * its contribution (team, agent, channel, figures; no text, no contact) stays in the rollups, and
   * no later version or absence of the conversation moves it again.
   */
  anonymised?: true;
}

/** The latest version of a conversation a page holds; doc null: deleted. */
export interface Version {
  id: string;
  gen: number;
  doc: ConversationDoc | null;
}

export const generationOf = (rev: unknown): number => (typeof rev === 'string' ? Number.parseInt(rev, 10) || 0 : 0);

export function versionOf(stored: StoredDoc | undefined, id: string, deletedGen: number): Version {
  if (!stored || stored._deleted) return { id, gen: stored ? generationOf(stored._rev) : deletedGen, doc: null };
  return { id, gen: generationOf(stored._rev), doc: toWire<ConversationDoc>(stored) };
}

/** The fact a version calls for, or undefined when the fact already says so. */
export async function nextFact(store: DocStore, v: Version, fact: FactDoc | undefined): Promise<FactDoc | undefined> {
  if (fact?.anonymised || (fact && fact.gen > v.gen)) return undefined;
  const bucket = v.doc ? bucketOf(v.doc.createdAt) : fact?.bucket;
  if (bucket === undefined) return undefined;
  let legacy = fact?.legacyFirstResponseAt;
  if (v.doc && isLegacy(v.doc) && typeof legacy !== 'number') {
    const found = await firstAgentMessageAt(store, v.id);
    // A finished conversation gets no more messages: "none" is final too.
    legacy = found ?? (v.doc.status === 'finished' ? null : undefined);
  }
  const next = v.doc ? contributionOf(v.doc, v.doc && isLegacy(v.doc) ? (legacy ?? null) : undefined) : null;
  const current = fact?.current ?? null;
  const sameBucket = fact === undefined || fact.bucket === bucket;
  const unmoved = sameContribution(current, next) && sameBucket;
  if (unmoved && fact?.legacyFirstResponseAt === legacy) return undefined;
  const n = (fact?.delta?.n ?? 0) + 1;
  const written: FactDoc = {
    _id: factId(v.id), type: FACT_TYPE, conversationId: v.id, bucket, gen: v.gen, current: next,
    // Only a real move is applied: a fact rewritten for its legacy lookup alone keeps the last move.
    delta: unmoved ? (fact?.delta ?? null) : { n, old: current, new: next, ...(sameBucket || !fact ? {} : { oldBucket: fact.bucket }) },
    ...(legacy !== undefined ? { legacyFirstResponseAt: legacy } : {}),
  };
  if (fact?._rev) written._rev = fact._rev;
  return written;
}

const MAX_ROUNDS = 100;

/**
 * Brings the rollups up to the facts' moves: each bucket read, every move numbered past the one
 * it last applied for that conversation applied in order, written against the revision read, and
 * read again and redone on a conflict (another node's moves landed first) until all land.
 */
export async function applyMoves(store: DocStore, facts: Iterable<FactDoc>): Promise<void> {
  let byBucket = new Map<number, Map<string, Delta>>();
  const plan = (bucket: number, conversationId: string, delta: Delta) => {
    const moves = byBucket.get(bucket) ?? new Map<string, Delta>();
    const known = moves.get(conversationId);
    if (!known || known.n < delta.n) moves.set(conversationId, delta);
    byBucket.set(bucket, moves);
  };
  for (const fact of facts) {
    const delta = fact.delta;
    if (!delta) continue;
    if (delta.oldBucket === undefined || delta.oldBucket === fact.bucket) {
      plan(fact.bucket, fact.conversationId, delta);
      continue;
    }
    // A conversation whose creation moved to another bucket: taken out of the old one, put in the new one,
    // each bucket keeping its own record of the moves applied.
    plan(delta.oldBucket, fact.conversationId, { n: delta.n, old: delta.old, new: null });
    plan(fact.bucket, fact.conversationId, { n: delta.n, old: null, new: delta.new });
  }
  for (let round = 0; byBucket.size > 0; round++) {
    if (round >= MAX_ROUNDS) throw new Error('report rollups: too much contention');
    const buckets = [...byBucket.keys()];
    const read = await Promise.all(buckets.map((b) => store.get(rollupId(b), { fresh: true })));
    const writes: RollupDoc[] = [];
    buckets.forEach((bucket, i) => {
      const rollup = (read[i] && !read[i]._deleted ? read[i] : emptyRollup(bucket)) as RollupDoc;
      let changed = false;
      for (const [conversationId, delta] of byBucket.get(bucket) ?? []) {
        if ((rollup.applied[conversationId] ?? 0) >= delta.n) continue;
        if (delta.old) applyContribution(rollup, delta.old, -1);
        if (delta.new) applyContribution(rollup, delta.new, 1);
        rollup.applied[conversationId] = delta.n;
        changed = true;
      }
      if (changed) writes.push(rollup);
    });
    const results = writes.length > 0 ? await store.bulkWrite(writes) : [];
    const again = new Map<number, Map<string, Delta>>();
    results.forEach((result, i) => {
      const rollup = writes[i];
      if (result.ok || !rollup) return;
      if (result.error !== 'conflict') throw new Error(`write ${result.id}: ${result.reason}`);
      const moves = byBucket.get(rollup.start);
      if (moves) again.set(rollup.start, moves);
    });
    byBucket = again;
  }
}

export async function readFacts(store: DocStore, ids: readonly string[]): Promise<Map<string, FactDoc>> {
  const read = await Promise.all(ids.map((id) => store.get(factId(id), { fresh: true })));
  const facts = new Map<string, FactDoc>();
  read.forEach((doc, i) => {
    const id = ids[i];
    if (doc && !doc._deleted && id) facts.set(id, doc as FactDoc);
  });
  return facts;
}

/**
 * Freezes the facts of conversations about to be purged (issue 19 model point 3a): each is first
 * brought up to the conversation's latest version (its move applied to the rollups), then marked
 * `anonymised`, so the purge — which a reading of the change feed may see as a deletion — leaves
 * the reports as they were. Written against the revision read; a conflict is read again.
 */
export async function freezeFacts(store: DocStore, conversationIds: readonly string[]): Promise<FactDoc[]> {
  let work = [...new Set(conversationIds)];
  const frozen: FactDoc[] = [];
  for (let round = 0; work.length > 0; round++) {
    if (round >= MAX_ROUNDS) throw new Error('report facts: too much contention while freezing');
    const facts = await readFacts(store, work);
    await applyMoves(store, facts.values());
    const claims: FactDoc[] = [];
    for (const id of work) {
      const fact = facts.get(id);
      if (fact?.anonymised) continue;
      const v = versionOf(await store.get(id, { fresh: true }), id, fact ? fact.gen : 0);
      const next = (await nextFact(store, v, fact)) ?? fact;
      if (next) claims.push({ ...next, anonymised: true });
    }
    const results = claims.length > 0 ? await store.bulkWrite(claims) : [];
    const again: string[] = [];
    const claimed: FactDoc[] = [];
    results.forEach((result, i) => {
      const claim = claims[i];
      if (!claim) return;
      if (result.ok) claimed.push({ ...claim, _rev: result.rev });
      else if (result.error === 'conflict') again.push(claim.conversationId);
      else throw new Error(`write ${result.id}: ${result.reason}`);
    });
    await applyMoves(store, claimed);
    // A move applied here changes its days' figures, as a reading of the feed would (rollups.ts).
    await markDaysStale(store, claimed.flatMap((f) => (f.delta ? [f.bucket, ...(f.delta.oldBucket === undefined ? [] : [f.delta.oldBucket])] : [])));
    frozen.push(...claimed);
    work = again;
  }
  return frozen;
}
