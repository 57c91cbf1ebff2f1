import {
  addFigures, emptyTotals, figuresOf, FIRST_RESPONSE_BUCKET_COUNT, REPORT_NONE,
  type ConversationDoc, type ConversationFigures, type ReportGroup, type Totals,
} from '@atende/protocol';

/**
 * What one conversation adds to the report rollups (R-RT-06): the dimensions it counts under and
 * its figures (metrics.ts). A conversation counts in the 15-minute UTC bucket of its creation,
 * which never changes, so every change of it moves its contribution within one rollup document.
 */
export interface Contribution {
  teamId: string;
  agentId: string | null;
  channel: string;
  disposition: string | null;
  tags: string[];
  figures: ConversationFigures;
}

/** 15 minutes: every real time zone's offset is a multiple of it, so local days are whole buckets. */
export const BUCKET_MS = 15 * 60_000;
export const bucketOf = (at: number): number => Math.floor(at / BUCKET_MS) * BUCKET_MS;

export const FACT_PREFIX = 'reportfact:';
export const ROLLUP_PREFIX = 'reportrollup:';
export const FACT_TYPE = 'reportFact';
export const ROLLUP_TYPE = 'reportRollup';
/** 13 digits until the year 2286: ids sort as their instants, so a period is one id range. */
export const rollupId = (bucket: number): string => `${ROLLUP_PREFIX}${String(bucket).padStart(13, '0')}`;
export const factId = (conversationId: string): string => `${FACT_PREFIX}${conversationId}`;

/** The dimensions a rollup keeps per team (the team row is the team's total). */
export const DIMENSIONS = ['agent', 'channel', 'disposition', 'tag'] as const satisfies readonly ReportGroup[];
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * Totals as stored: one flat array of numbers (mostly zeros), about a quarter of the object's
 * size, because a month's report reads thousands of these.
 */
export type Packed = number[];

export function pack(t: Totals): Packed {
  return [
    t.conversations, t.received, t.started, t.answered, t.abandoned, t.finished, t.transferred,
    t.firstResponse.count, t.firstResponse.sumMs, t.wait.count, t.wait.sumMs, t.handle.count, t.handle.sumMs,
    t.rating.count, t.rating.sum, ...t.rating.distribution, ...t.firstResponse.histogram,
    // Issue 18, appended: see REQUESTED_AT.
    t.rating.requested,
  ];
}

/**
 * Where the requested count sits. Rollups and day summaries stored before issue 18 end before it;
 * then every rating was its own request (metrics.ts: a rated conversation counts as requested), so
 * their requested count is their rating count — read so, and written in the new shape by the next move.
 */
const REQUESTED_AT = 20 + FIRST_RESPONSE_BUCKET_COUNT;

/** A packed array in the current shape (one stored before issue 18 gains its requested count). */
export const currentPacked = (p: Packed): Packed => (p.length > REQUESTED_AT ? p : pack(unpack(p)));

export function unpack(p: Packed): Totals {
  const n = (i: number) => p[i] ?? 0;
  const t = emptyTotals();
  [t.conversations, t.received, t.started, t.answered, t.abandoned, t.finished, t.transferred] = [n(0), n(1), n(2), n(3), n(4), n(5), n(6)];
  t.firstResponse.count = n(7);
  t.firstResponse.sumMs = n(8);
  t.wait = { count: n(9), sumMs: n(10) };
  t.handle = { count: n(11), sumMs: n(12) };
  t.rating.count = n(13);
  t.rating.sum = n(14);
  t.rating.distribution = [n(15), n(16), n(17), n(18), n(19)];
  t.firstResponse.histogram = Array.from({ length: FIRST_RESPONSE_BUCKET_COUNT }, (_, i) => n(20 + i));
  t.rating.requested = p.length > REQUESTED_AT ? n(REQUESTED_AT) : t.rating.count;
  return t;
}

/** One team's share of a bucket. */
export interface TeamRollup {
  total: Packed;
  agent: Record<string, Packed>;
  channel: Record<string, Packed>;
  disposition: Record<string, Packed>;
  tag: Record<string, Packed>;
}

/** Everything created in one 15-minute bucket; `applied` (conversation → delta number) makes a delta apply once. */
export interface RollupDoc {
  _id: string;
  _rev?: string;
  type: typeof ROLLUP_TYPE;
  start: number;
  teams: Record<string, TeamRollup>;
  applied: Record<string, number>;
  [field: string]: unknown;
}

export function emptyRollup(bucket: number): RollupDoc {
  return { _id: rollupId(bucket), type: ROLLUP_TYPE, start: bucket, teams: {}, applied: {} };
}

/** The keys a contribution counts under in one dimension (REPORT_NONE for none; each tag once). */
export function keysOf(c: Contribution, dimension: Dimension): string[] {
  switch (dimension) {
    case 'agent': return [c.agentId ?? REPORT_NONE];
    case 'channel': return [c.channel];
    case 'disposition': return [c.disposition ?? REPORT_NONE];
    case 'tag': return c.tags.length > 0 ? [...new Set(c.tags)] : [REPORT_NONE];
  }
}

function move(holder: Record<string, Packed>, key: string, f: ConversationFigures, sign: 1 | -1): void {
  const totals = addFigures(unpack(holder[key] ?? []), f, sign);
  // A group nobody counts in any more goes away, or rollups would collect empty rows.
  if (totals.conversations === 0) delete holder[key];
  else holder[key] = pack(totals);
}

/** Adds (1) or removes (-1) a contribution in a rollup, in place. */
export function applyContribution(rollup: RollupDoc, c: Contribution, sign: 1 | -1): void {
  const team = rollup.teams[c.teamId] ?? { total: [], agent: {}, channel: {}, disposition: {}, tag: {} };
  const holder: Record<string, Packed> = { total: team.total };
  move(holder, 'total', c.figures, sign);
  for (const dimension of DIMENSIONS) {
    for (const key of keysOf(c, dimension)) move(team[dimension], key, c.figures, sign);
  }
  if (!holder.total) delete rollup.teams[c.teamId];
  else rollup.teams[c.teamId] = { ...team, total: holder.total };
}

/** The contribution of a conversation as stored now; `firstResponseAt` overrides a missing one (legacy.ts). */
export function contributionOf(c: ConversationDoc, firstResponseAt?: number | null): Contribution {
  const measured = c.firstResponseAt === undefined && firstResponseAt !== undefined ? { ...c, firstResponseAt } : c;
  return {
    teamId: c.teamId,
    agentId: c.agentId,
    channel: c.channel,
    disposition: c.disposition,
    tags: [...new Set(c.tags)].sort(),
    figures: figuresOf(measured),
  };
}

export const sameContribution = (a: Contribution | null, b: Contribution | null): boolean =>
  JSON.stringify(a) === JSON.stringify(b);
