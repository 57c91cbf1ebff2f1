import type { ConversationDoc } from './documents.js';
import { localTimeOf } from './hours.js';

/**
 * The service figures of conversations (R-SV-06 today's counters, R-RT-06 reports): one
 * definition, used by the supervisor's live counters (from the local replica) and by the server's
 * report rollups (from the store), so both say the same thing about the same conversations.
 *
 * Definitions (docs in README, "Relatórios"):
 * - received: started by the customer (an agent-started conversation is `started`);
 * - answered: received, and an agent wrote to the customer (`firstResponseAt`);
 * - abandoned: received, finished, and no agent ever wrote to the customer;
 * - first response: from the customer's first message (the conversation's creation) to the first
 *   agent message to the customer — what the customer waited, bot included (as Chatwoot counts it);
 * - waiting: from first entering the queue (`queuedAt`) to the first agent taking it (`firstTakenAt`),
 *   or to its finish when nobody took it;
 * - handle: from the first agent taking it to its finish;
 * - rating: the customer's 1–5 score (`rating`, R-WS-20);
 * - rating requested: the server asked the customer to rate (`ratingRequestedAt`, issue 18) — or the
 *   conversation has a rating anyway (one answers a request, also one made before requests were
 *   recorded), so the response rate (rated / requested) never passes 100 %.
 * A conversation counts in the period, team, agent, channel, disposition and tags it has; reopening
 * is a new conversation (lifecycle.ts), so it counts again.
 */

/** Server-owned timestamps that reports read; absent on conversations stored before issue 16. */
export type Measured = Pick<
  ConversationDoc,
  'status' | 'startedBy' | 'createdAt' | 'finishedAt' | 'transfers' | 'teamId' | 'agentId' | 'channel' | 'disposition' | 'tags'
> & Partial<Pick<ConversationDoc, 'firstResponseAt' | 'queuedAt' | 'firstTakenAt' | 'rating' | 'ratingRequestedAt'>>;

export interface ConversationFigures {
  received: boolean;
  started: boolean;
  answered: boolean;
  abandoned: boolean;
  finished: boolean;
  transferred: boolean;
  firstResponseMs: number | null;
  waitMs: number | null;
  handleMs: number | null;
  rating: number | null;
  /** Absent in facts stored before issue 18 (read as false). */
  ratingRequested?: boolean;
}

const span = (from: number | null | undefined, to: number | null | undefined): number | null =>
  from == null || to == null ? null : Math.max(0, to - from);

export function figuresOf(c: Measured): ConversationFigures {
  const received = c.startedBy === 'customer';
  const finished = c.status === 'finished';
  const answered = c.firstResponseAt != null;
  const takenOrEnded = c.firstTakenAt ?? (finished ? c.finishedAt : null);
  return {
    received,
    started: !received,
    answered: received && answered,
    abandoned: received && finished && !answered,
    finished,
    transferred: c.transfers.length > 0,
    firstResponseMs: received ? span(c.createdAt, c.firstResponseAt) : null,
    waitMs: span(c.queuedAt, takenOrEnded),
    handleMs: finished ? span(c.firstTakenAt, c.finishedAt) : null,
    rating: c.rating?.score ?? null,
    ratingRequested: c.ratingRequestedAt != null || c.rating != null,
  };
}

/** Upper bounds (ms) of the first-response histogram; the last bucket is open-ended. */
export const FIRST_RESPONSE_BUCKETS_MS: readonly number[] = [
  30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 86_400_000,
];
export const FIRST_RESPONSE_BUCKET_COUNT = FIRST_RESPONSE_BUCKETS_MS.length + 1;

export function firstResponseBucket(ms: number): number {
  const i = FIRST_RESPONSE_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? FIRST_RESPONSE_BUCKETS_MS.length : i;
}

/**
 * Figures of many conversations as sums: adding and subtracting one conversation's figures is
 * exact, so a report rollup can move a conversation between periods or groups when it changes.
 */
export interface Totals {
  conversations: number;
  received: number;
  started: number;
  answered: number;
  abandoned: number;
  finished: number;
  transferred: number;
  firstResponse: { count: number; sumMs: number; histogram: number[] };
  wait: { count: number; sumMs: number };
  handle: { count: number; sumMs: number };
  /** distribution[i]: ratings of score i + 1; requested: conversations the customer was asked to rate. */
  rating: { count: number; sum: number; distribution: number[]; requested: number };
}

export function emptyTotals(): Totals {
  return {
    conversations: 0, received: 0, started: 0, answered: 0, abandoned: 0, finished: 0, transferred: 0,
    firstResponse: { count: 0, sumMs: 0, histogram: new Array<number>(FIRST_RESPONSE_BUCKET_COUNT).fill(0) },
    wait: { count: 0, sumMs: 0 },
    handle: { count: 0, sumMs: 0 },
    rating: { count: 0, sum: 0, distribution: [0, 0, 0, 0, 0], requested: 0 },
  };
}

const bool = (b: boolean) => (b ? 1 : 0);

/** Adds (sign 1) or removes (sign -1) one conversation's figures, in place. */
export function addFigures(t: Totals, f: ConversationFigures, sign: 1 | -1 = 1): Totals {
  t.conversations += sign;
  t.received += sign * bool(f.received);
  t.started += sign * bool(f.started);
  t.answered += sign * bool(f.answered);
  t.abandoned += sign * bool(f.abandoned);
  t.finished += sign * bool(f.finished);
  t.transferred += sign * bool(f.transferred);
  if (f.firstResponseMs !== null) {
    t.firstResponse.count += sign;
    t.firstResponse.sumMs += sign * f.firstResponseMs;
    const b = firstResponseBucket(f.firstResponseMs);
    t.firstResponse.histogram[b] = (t.firstResponse.histogram[b] ?? 0) + sign;
  }
  if (f.waitMs !== null) {
    t.wait.count += sign;
    t.wait.sumMs += sign * f.waitMs;
  }
  if (f.handleMs !== null) {
    t.handle.count += sign;
    t.handle.sumMs += sign * f.handleMs;
  }
  if (f.rating !== null && f.rating >= 1 && f.rating <= 5) {
    t.rating.count += sign;
    t.rating.sum += sign * f.rating;
    t.rating.distribution[f.rating - 1] = (t.rating.distribution[f.rating - 1] ?? 0) + sign;
  }
  // A fact stored before issue 18 has no ratingRequested: its rating was its request (see the definitions).
  if (f.ratingRequested ?? f.rating !== null) t.rating.requested += sign;
  return t;
}

/** `into` += `from`, in place. */
export function mergeTotals(into: Totals, from: Totals): Totals {
  for (const k of ['conversations', 'received', 'started', 'answered', 'abandoned', 'finished', 'transferred'] as const) into[k] += from[k];
  into.firstResponse.count += from.firstResponse.count;
  into.firstResponse.sumMs += from.firstResponse.sumMs;
  from.firstResponse.histogram.forEach((n, i) => { into.firstResponse.histogram[i] = (into.firstResponse.histogram[i] ?? 0) + n; });
  into.wait.count += from.wait.count;
  into.wait.sumMs += from.wait.sumMs;
  into.handle.count += from.handle.count;
  into.handle.sumMs += from.handle.sumMs;
  into.rating.count += from.rating.count;
  into.rating.sum += from.rating.sum;
  from.rating.distribution.forEach((n, i) => { into.rating.distribution[i] = (into.rating.distribution[i] ?? 0) + n; });
  into.rating.requested += from.rating.requested;
  return into;
}

const mean = (sum: number, count: number): number | null => (count > 0 ? sum / count : null);

/**
 * The 90th percentile from the histogram: the upper bound of the bucket holding it (null past the
 * last bound or with no data). Exact values are available only where the conversations are (p90Of).
 */
export function histogramP90(histogram: readonly number[]): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = Math.ceil(total * 0.9);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return FIRST_RESPONSE_BUCKETS_MS[i] ?? null;
  }
  return null;
}

/** The exact 90th percentile (nearest rank) of the values; null when there are none. */
export function p90Of(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.9) - 1] ?? null;
}

/** What a counter or a report row shows. Times in ms; averages null when nothing was measured. */
export interface Summary {
  conversations: number;
  received: number;
  started: number;
  answered: number;
  abandoned: number;
  finished: number;
  transferred: number;
  firstResponseAvgMs: number | null;
  firstResponseP90Ms: number | null;
  waitAvgMs: number | null;
  handleAvgMs: number | null;
  ratingAvg: number | null;
  ratingCount: number;
  /** Ratings of each score, 1 to 5. */
  ratingDistribution: number[];
  ratingRequested: number;
  /** Rated / requested, 0–1; null when nobody was asked. */
  ratingResponseRate: number | null;
}

export function summarise(t: Totals, exactP90Ms?: number | null): Summary {
  return {
    conversations: t.conversations,
    received: t.received,
    started: t.started,
    answered: t.answered,
    abandoned: t.abandoned,
    finished: t.finished,
    transferred: t.transferred,
    firstResponseAvgMs: mean(t.firstResponse.sumMs, t.firstResponse.count),
    firstResponseP90Ms: exactP90Ms !== undefined ? exactP90Ms : histogramP90(t.firstResponse.histogram),
    waitAvgMs: mean(t.wait.sumMs, t.wait.count),
    handleAvgMs: mean(t.handle.sumMs, t.handle.count),
    ratingAvg: mean(t.rating.sum, t.rating.count),
    ratingCount: t.rating.count,
    ratingDistribution: [...t.rating.distribution],
    ratingRequested: t.rating.requested,
    ratingResponseRate: t.rating.requested > 0 ? t.rating.count / t.rating.requested : null,
  };
}

/** The figures of conversations held in memory (the replica): totals with the exact p90. */
export function summariseConversations(conversations: readonly Measured[]): Summary {
  const totals = emptyTotals();
  const firstResponses: number[] = [];
  for (const c of conversations) {
    const f = figuresOf(c);
    addFigures(totals, f);
    if (f.firstResponseMs !== null) firstResponses.push(f.firstResponseMs);
  }
  return summarise(totals, p90Of(firstResponses));
}

// Calendar days of the organisation's time zone (reports take YYYY-MM-DD dates in it).

export const LocalDate = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const utcOfWall = (date: string, time = '00:00') => Date.parse(`${date}T${time}:00Z`);

/** The instant a local calendar day starts in `timeZone` (DST aware: the first minute whose local date is `date`). */
export function startOfLocalDay(timeZone: string, date: string): number {
  // The offset at a guess, then corrected once more for a DST change between the guess and the answer.
  let at = utcOfWall(date);
  for (let i = 0; i < 3; i++) {
    const local = localTimeOf(timeZone, at);
    const drift = utcOfWall(local.date, local.time) - utcOfWall(date);
    if (drift === 0) break;
    at -= drift;
  }
  // Where midnight does not exist (a DST jump at 00:00) the day starts at the first local minute of it.
  while (localTimeOf(timeZone, at).date < date) at += 15 * 60_000;
  return at;
}

/** The next calendar day (YYYY-MM-DD), by the calendar alone. */
export function nextLocalDate(date: string): string {
  return new Date(utcOfWall(date) + 86_400_000).toISOString().slice(0, 10);
}

/** [start, end) instants of the local days from `from` to `to`, both included. */
export function localDaysRange(timeZone: string, from: string, to: string): { start: number; end: number } {
  return { start: startOfLocalDay(timeZone, from), end: startOfLocalDay(timeZone, nextLocalDate(to)) };
}

/** Today's local date in `timeZone`. */
export const localDateOf = (timeZone: string, at: number): string => localTimeOf(timeZone, at).date;
