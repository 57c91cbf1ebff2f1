import type { DocStore, StoredDoc } from '../store/index.js';
import { BUCKET_MS, currentPacked, DIMENSIONS, rollupId, type Packed, type RollupDoc, type TeamRollup } from './contribution.js';

/**
 * Day summaries (R-RT-06): a `reportday:<UTC date>` document caches the sum of that UTC day's 96
 * bucket rollups, so a month's report reads about 30 of them and only the partial days at its
 * edges bucket by bucket. The rollup job marks a day stale AFTER its bucket writes land, always
 * bumping the revision; a query computes a missing or stale day from the buckets it reads AFTER
 * reading the day's revision, and caches it against that revision. So a bucket write the query
 * did not see is followed by a stale mark after the query's revision read, its cache write
 * conflicts and is dropped: a cached day never lacks a bucket write whose stale mark has landed.
 */
export const DAY_PREFIX = 'reportday:';
export const DAY_TYPE = 'reportDay';
export const DAY_MS = 86_400_000;

export const utcDayOf = (at: number): number => Math.floor(at / DAY_MS) * DAY_MS;
export const dayId = (day: number): string => `${DAY_PREFIX}${new Date(day).toISOString().slice(0, 10)}`;

/** One UTC day: its buckets' sums, or `stale` (the job changed a bucket since they were summed). */
export interface DayDoc extends StoredDoc {
  type: typeof DAY_TYPE;
  start: number;
  stale: boolean;
  teams: Record<string, TeamRollup>;
}

/** What a report sums: a bucket or a day, each holding its teams' figures. */
export type Rollup = Pick<RollupDoc, 'teams'>;

const MAX_ROUNDS = 100;

/**
 * The job's side: the UTC days of these buckets marked stale, one blind write per day, retried
 * on a conflict until it lands. Always written, even over a stale mark: the new revision is what
 * makes a query that read the day before this mark drop its cache write.
 */
export async function markDaysStale(store: DocStore, buckets: Iterable<number>): Promise<void> {
  let days = [...new Set([...buckets].map(utcDayOf))];
  for (let round = 0; days.length > 0; round++) {
    if (round >= MAX_ROUNDS) throw new Error('report day summaries: too much contention');
    const read = await Promise.all(days.map((day) => store.get(dayId(day), { fresh: true })));
    const writes: DayDoc[] = days.map((day, i) => {
      const mark: DayDoc = { _id: dayId(day), type: DAY_TYPE, start: day, stale: true, teams: {} };
      const rev = read[i]?._rev;
      if (rev) mark._rev = rev;
      return mark;
    });
    const results = await store.bulkWrite(writes);
    const again: number[] = [];
    results.forEach((result, i) => {
      if (result.ok) return;
      if (result.error !== 'conflict') throw new Error(`write ${result.id}: ${result.reason}`);
      again.push(writes[i]?.start as number);
    });
    days = again;
  }
}

/**
 * The query's side: the rollups covering [start, end) — a day summary for every whole UTC day
 * inside, the 15-minute buckets at the partial edges. Missing or stale days are summed from their
 * buckets and cached against the revision read before those buckets were (a conflict: the job
 * marked the day meanwhile, the sums still answer this query but are not kept).
 */
export async function rollupsOver(store: DocStore, start: number, end: number): Promise<Rollup[]> {
  const firstDay = Math.ceil(start / DAY_MS) * DAY_MS;
  const lastDay = utcDayOf(end);
  if (firstDay >= lastDay) return bucketsOf(store, start, end);
  const [head, tail, days] = await Promise.all([
    bucketsOf(store, start, firstDay), bucketsOf(store, lastDay, end), readDays(store, firstDay, lastDay),
  ]);
  const summaries: Rollup[] = [];
  const missing: Array<{ day: number; rev: string | undefined }> = [];
  for (let day = firstDay; day < lastDay; day += DAY_MS) {
    const doc = days.get(dayId(day));
    if (doc && doc.stale === false) summaries.push(doc);
    else missing.push({ day, rev: doc?._rev });
  }
  const computed = await sumDays(store, missing.map((m) => m.day));
  if (computed.length > 0) await cacheDays(store, missing, computed);
  return [...head, ...summaries, ...computed.map((teams) => ({ teams })), ...tail];
}

async function readDays(store: DocStore, firstDay: number, lastDay: number): Promise<Map<string, DayDoc>> {
  const docs = await store.find({
    selector: { _id: { $gte: dayId(firstDay), $lt: dayId(lastDay) } },
    fields: ['_id', '_rev', 'stale', 'teams'],
    limit: Math.ceil((lastDay - firstDay) / DAY_MS) + 1,
  });
  return new Map(docs.map((doc) => [doc._id, doc as DayDoc]));
}

/** The rollups of [start, end): one id range of the primary index. */
async function bucketsOf(store: DocStore, start: number, end: number): Promise<Rollup[]> {
  if (start >= end) return [];
  const docs = await store.find({
    selector: { _id: { $gte: rollupId(start), $lt: rollupId(end) } },
    fields: ['_id', 'start', 'teams'],
    limit: Math.ceil((end - start) / BUCKET_MS) + 1,
  });
  return docs as RollupDoc[];
}

/** Each day's buckets summed, reading each run of consecutive days as one id range. */
async function sumDays(store: DocStore, days: readonly number[]): Promise<Array<Record<string, TeamRollup>>> {
  const runs: Array<[number, number]> = [];
  for (const day of days) {
    const last = runs[runs.length - 1];
    if (last && last[1] === day) last[1] = day + DAY_MS;
    else runs.push([day, day + DAY_MS]);
  }
  const read = (await Promise.all(runs.map(([from, to]) => bucketsOf(store, from, to)))).flat() as RollupDoc[];
  const sums = new Map<number, Record<string, TeamRollup>>(days.map((day) => [day, {}]));
  for (const bucket of read) {
    const teams = sums.get(utcDayOf(bucket.start));
    if (teams) addTeams(teams, bucket.teams ?? {});
  }
  return days.map((day) => sums.get(day) ?? {});
}

/** Every figure is a count or a sum (contribution.ts `pack`), so packed arrays add element by element. */
function addPacked(into: Packed, stored: Packed): Packed {
  const from = currentPacked(stored);
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  return into;
}

function addTeams(into: Record<string, TeamRollup>, from: Record<string, TeamRollup>): void {
  for (const [teamId, team] of Object.entries(from)) {
    const sum = into[teamId] ?? { total: [], agent: {}, channel: {}, disposition: {}, tag: {} };
    addPacked(sum.total, team.total);
    for (const dimension of DIMENSIONS) {
      for (const [key, packed] of Object.entries(team[dimension] ?? {})) {
        sum[dimension][key] = addPacked(sum[dimension][key] ?? [], packed);
      }
    }
    into[teamId] = sum;
  }
}

async function cacheDays(
  store: DocStore,
  days: ReadonlyArray<{ day: number; rev: string | undefined }>,
  computed: ReadonlyArray<Record<string, TeamRollup>>,
): Promise<void> {
  const writes = days.map(({ day, rev }, i): DayDoc => {
    const doc: DayDoc = { _id: dayId(day), type: DAY_TYPE, start: day, stale: false, teams: computed[i] ?? {} };
    if (rev) doc._rev = rev;
    return doc;
  });
  const results = await store.bulkWrite(writes);
  for (const result of results) {
    // A conflict is the job's stale mark (or another query's cache): leave the day as it is.
    if (!result.ok && result.error !== 'conflict') throw new Error(`write ${result.id}: ${result.reason}`);
  }
}
